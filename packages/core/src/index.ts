export { Engine } from './engine.js';
export { parseSnapshot } from './parseSnapshot.js';
export { createFlagClient, toEvaluationContext } from './createFlagClient.js';
export type {
  FlagClient,
  FlagClientOptions,
  FlagClientState,
  FlagClientEvent,
  ClientStatus,
  SnapshotSource,
  ConnectionState,
  LooseContext,
  CacheEntry,
  SnapshotCache,
} from './createFlagClient.js';
export { watchFlag, type WatchedFlag } from './watchFlag.js';
export { EvaluationError, SnapshotError, FlagClientError, type EvaluationErrorCode, type FlagClientErrorCode } from './errors.js';
export type * from './types.js';
