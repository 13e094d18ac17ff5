export { Engine } from './engine/engine.js';
export { parseSnapshot } from './snapshot/parseSnapshot.js';
export { createFlagClient } from './client/createFlagClient.js';
export { toEvaluationContext, type LooseContext, type ContextValue } from './client/evaluationContext.js';
export type {
  FlagClient,
  FlagClientOptions,
  FlagClientState,
  FlagClientEvent,
  ClientStatus,
  SnapshotSource,
  TabRole,
  TransportMode,
} from './client/clientTypes.js';
export type { FlagRegistry, BooleanFlagKey, VariantFlagKey, FlagKey, VariantKeyOf, AttachmentOf } from './client/flagRegistry.js';
export type { Exposure } from './client/exposures.js';
export type { FlagcastLogger } from './client/warnings.js';
export { clientBindings, type ClientBindings } from './client/bindings.js';
export type { ConnectionState } from './transport/connectionLoop.js';
export type { CacheEntry, SnapshotCache } from './cache/snapshotCache.js';
export { watchFlag, type WatchedFlag, type WatchedResult } from './client/watchFlag.js';
export { createFlagObserver, type FlagObserver, type FlagOutcome, type ObservedFlag } from './observe/flagObserver.js';
export { EvaluationError, SnapshotError, FlagClientError, type EvaluationErrorCode, type FlagClientErrorCode } from './errors.js';
export type * from './types.js';
