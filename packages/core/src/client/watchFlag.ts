import type { BooleanEvaluationResponse, VariantEvaluationResponse } from '../types.js';
import type { FlagClient } from './clientTypes.js';
import { createFlagObserver } from '../observe/flagObserver.js';
import { toEvaluationContext, type LooseContext } from './evaluationContext.js';
import type { BooleanFlagKey, VariantFlagKey } from './flagRegistry.js';

/** What {@link watchFlag} follows: one flag of type `type`, for one entity. */
export interface WatchedFlag<C extends LooseContext<C> = LooseContext, Type extends 'boolean' | 'variant' = 'boolean' | 'variant'> {
  /** With a `FlagRegistry`, a known key of a flag of this type. */
  flagKey: Type extends 'boolean' ? BooleanFlagKey : VariantFlagKey;
  entityId: string;
  context?: C | undefined;
  type: Type;
}

/** The engine's result for a flag of type `Type`. */
export type WatchedResult<Type extends 'boolean' | 'variant'> = Type extends 'boolean' ? BooleanEvaluationResponse : VariantEvaluationResponse;


/**
 * Calls `callback` whenever the result of one flag for one entity changes (value, variant,
 * attachment, reason or matched segments), and never for changes to other flags. Until the
 * flag can be evaluated (no snapshot yet, or it is missing) the result is undefined.
 * Returns the unsubscribe function.
 *
 * @example
 * const stop = watchFlag(client, { flagKey: 'new-checkout', entityId: 'user-1', type: 'boolean' },
 *   (result) => render(result?.enabled ?? false));
 */
export function watchFlag<C extends LooseContext<C>, Type extends 'boolean' | 'variant'>(
  client: FlagClient,
  flag: WatchedFlag<C, Type>,
  callback: (result: WatchedResult<Type> | undefined) => void,
): () => void {
  const observer = createFlagObserver<WatchedResult<Type> | undefined>(client);
  const request = { flagKey: flag.flagKey, type: flag.type, entityId: flag.entityId, context: toEvaluationContext(flag.context) };
  observer.setRequest(request, '', (outcome) => (typeof outcome === 'string' ? undefined : (outcome as WatchedResult<Type>)));
  let current = observer.getValue();
  return observer.subscribe(() => {
    const next = observer.getValue();
    if (next !== current) callback((current = next));
  });
}
