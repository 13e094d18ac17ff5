export { Engine } from './engine';
export { parseSnapshot } from './parseSnapshot';
export { createFlagClient, toEvaluationContext } from './createFlagClient';
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
} from './createFlagClient';
export { watchFlag, type WatchedFlag } from './watchFlag';
export { EvaluationError, SnapshotError, FlagClientError, type EvaluationErrorCode, type FlagClientErrorCode } from './errors';
export type * from './types';
