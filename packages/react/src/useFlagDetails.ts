import type { BooleanEvaluationResponse, EvaluationErrorCode, LooseContext, VariantEvaluationResponse } from '@flagcast/core';
import { useEvaluation, type FlagOptions } from './useEvaluation.js';

/** Options of {@link useFlagDetails}: the flag's type, and per-call entity and context. */
export interface FlagDetailsOptions<Type extends 'boolean' | 'variant', C extends LooseContext<C> = LooseContext> extends FlagOptions<C> {
  type: Type;
}

/**
 * The whole evaluation: the engine's result (value or variant, reason, segment keys), or the
 * code of the error that stopped it (`NOT_READY`, `FLAG_NOT_FOUND`, `TYPE_MISMATCH`, …).
 */
export type FlagDetails<Type extends 'boolean' | 'variant'> =
  | { readonly result: Type extends 'boolean' ? BooleanEvaluationResponse : VariantEvaluationResponse; readonly errorCode: undefined }
  | { readonly result: undefined; readonly errorCode: EvaluationErrorCode };

/**
 * Everything about one evaluation, for debugging panels and analytics. Keeps its identity
 * until the result changes. Reports no exposure: it inspects a flag, it does not serve it.
 *
 * @example
 * const { result, errorCode } = useFlagDetails('new-checkout', { type: 'boolean', entityId: 'account-9' });
 * // result?.reason, result?.segmentKeys, errorCode
 */
export function useFlagDetails<Type extends 'boolean' | 'variant', C extends LooseContext<C> = LooseContext>(
  flagKey: string,
  options: FlagDetailsOptions<Type, C>,
): FlagDetails<Type> {
  return useEvaluation<BooleanEvaluationResponse | VariantEvaluationResponse, FlagDetails<Type>, C>(
    flagKey,
    options.type as 'variant',
    options,
    '',
    (outcome) => (typeof outcome === 'string' ? { result: undefined, errorCode: outcome } : { result: outcome, errorCode: undefined }) as FlagDetails<Type>,
    false, // inspection, not serving: no exposure
  );
}
