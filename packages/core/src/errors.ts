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
  /** The server answered 404: no such namespace or environment (or a wrong URL path). Retried slowly. */
  | 'NOT_FOUND'
  /** The server answered 400: it refused the request as asked. Retried slowly. */
  | 'BAD_REQUEST'
  /** Any other unexpected HTTP status (retried; `Retry-After` is honoured). */
  | 'HTTP_ERROR'
  /** The server sent something that is not a valid snapshot; the last good one stays. */
  | 'INVALID_SNAPSHOT'
  /** The stream sent an error event, a malformed event, or ended (reconnected). */
  | 'STREAM_ERROR'
  /** A request took longer than `requestTimeoutMs`, a stream went silent, or `ready()` timed out. */
  | 'TIMEOUT'
  /** The request failed before any response (offline, refused, reset, unknown host). */
  | 'NETWORK'
  /** The snapshot cache (IndexedDB) failed; the client keeps working in memory. */
  | 'CACHE_UNAVAILABLE'
  /** `transport: 'none'` and no bootstrap or cached snapshot: there is nothing to evaluate. */
  | 'NO_SNAPSHOT'
  /** The client was closed before flags could be evaluated (`ready()` rejects with it). */
  | 'CLOSED';

/** The client's `error`: what went wrong last. The client keeps its last good snapshot. */
export class FlagClientError extends Error {
  override readonly name = 'FlagClientError';
  readonly code: FlagClientErrorCode;
  /** HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** The URL requested, when a request failed. */
  readonly url: string | undefined;
  /** How long the server asked us to wait (`Retry-After`, capped at 5 minutes), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(code: FlagClientErrorCode, message: string, details: { status?: number | undefined; url?: string | undefined; retryAfterMs?: number | undefined } = {}) {
    super(message);
    this.code = code;
    this.status = details.status;
    this.url = details.url;
    this.retryAfterMs = details.retryAfterMs;
  }
}
