export { Engine } from './engine';
export { parseSnapshot } from './parseSnapshot';
export { EvaluationError, SnapshotError, type EvaluationErrorCode } from './errors';
export type * from './types';
