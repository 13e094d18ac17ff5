/** Why an evaluation was refused. Mirrors the cases where Flipt's own client throws. */
export type EvaluationErrorCode =
  /** No flag with this key in the snapshot. */
  | 'FLAG_NOT_FOUND'
  /** A boolean evaluation of a variant flag, or the reverse. */
  | 'TYPE_MISMATCH'
  /** `flagKey` is missing, not a string, or blank. */
  | 'INVALID_FLAG_KEY'
  /** `entityId` is missing, not a string, or blank. */
  | 'TARGETING_KEY_MISSING'
  /** `context` is missing or is not an object whose values are all strings. */
  | 'INVALID_CONTEXT'
  /** A batch that is not an array. */
  | 'INVALID_REQUEST'
  /** A client has no snapshot yet (see `ready()`). */
  | 'NOT_READY';

/** Thrown by `Engine` evaluations where Flipt's client would throw. */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
  readonly code: EvaluationErrorCode;

  constructor(code: EvaluationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Thrown when a snapshot is not valid JSON or not a snapshot Flipt's engine would load. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  /** JSON path of the offending value, e.g. `flags[3].rules[0].distributions[1].rollout`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.path = path;
  }
}

/** Why a client could not load or follow its snapshot. */
export type FlagClientErrorCode =
  /** The server answered 401: the token is missing or wrong. The client stops retrying. */
  | 'UNAUTHORIZED'
  /** The server answered 403: the token may not read this namespace. The client stops retrying. */
  | 'FORBIDDEN'
  /** Any other unexpected HTTP status (retried). */
  | 'HTTP_ERROR'
  /** The server sent something that is not a valid snapshot; the last good one stays. */
  | 'INVALID_SNAPSHOT'
  /** The stream sent an error event, a malformed event, or ended (reconnected). */
  | 'STREAM_ERROR'
  /** A request took longer than `requestTimeoutMs`, or a stream went silent. */
  | 'TIMEOUT'
  /** The request failed before any response (offline, refused, reset). */
  | 'NETWORK'
  /** The snapshot cache (IndexedDB) failed; the client keeps working in memory. */
  | 'CACHE_UNAVAILABLE'
  /** `transport: 'none'` and no bootstrap or cached snapshot: there is nothing to evaluate. */
  | 'NO_SNAPSHOT';

/** The client's `error`: what went wrong last. The client keeps its last good snapshot. */
export class FlagClientError extends Error {
  override readonly name = 'FlagClientError';
  readonly code: FlagClientErrorCode;
  /** HTTP status, when there was a response. */
  readonly status: number | undefined;

  constructor(code: FlagClientErrorCode, message: string, status?: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}
