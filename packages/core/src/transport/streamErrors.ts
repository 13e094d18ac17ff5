import { FlagClientError } from '../errors.js';

/** Events a stream may send in a row that are all invalid before it is dropped and reconnected. */
export const MAX_INVALID_EVENTS_IN_A_ROW = 10;

/** Thrown by `onMessage` for a well-formed event that carries something invalid: the stream goes on. */
export class InvalidEventError extends FlagClientError {}

/** The stream's reason for stopping when an event exceeded `maxEventBytes`. */
export class OversizedEventError extends FlagClientError {}

/**
 * A stream without heartbeats (Flipt) that has been silent for `silentTimeoutMs`: reconnected
 * as routine (silence is normal there), not a failure.
 */
export class SilentStreamError extends FlagClientError {}
