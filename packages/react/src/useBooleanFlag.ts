import type { BooleanEvaluationResponse, LooseContext } from '@flagcast/core';
import { useEvaluation, type FlagOptions } from './useEvaluation.js';

/**
 * A boolean flag's value for the provider's entity, or `defaultValue` while there is no
 * snapshot or when the flag cannot be evaluated (missing, not a boolean flag). The component
 * re-renders only when the value changes.
 *
 * @example
 * const newCheckout = useBooleanFlag('new-checkout', false);
 */
export function useBooleanFlag<C extends LooseContext<C> = LooseContext>(flagKey: string, defaultValue: boolean, options?: FlagOptions<C>): boolean {
  return useEvaluation<BooleanEvaluationResponse, boolean, C>(flagKey, 'boolean', options, String(defaultValue), (outcome) =>
    typeof outcome === 'string' ? defaultValue : outcome.enabled,
  );
}
