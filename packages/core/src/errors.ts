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
  /** The request itself is not an object (or a batch is not an array). */
  | 'INVALID_REQUEST';

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
