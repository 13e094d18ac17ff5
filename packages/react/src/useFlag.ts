import type { BooleanEvaluationResponse, BooleanFlagKey, LooseContext, VariantEvaluationResponse, VariantFlagKey, VariantKeyOf } from '@flagcast/core';
import { useEvaluation, type FlagOptions } from './useEvaluation.js';

/**
 * A flag's value for the provider's entity: with a boolean default, the boolean flag's value;
 * with a string default, the variant flag's variant key. The default while there is no
 * snapshot, or when the flag is missing, of the other type, or (variant) gives no variant.
 * The component re-renders only when this value changes.
 *
 * @example
 * const newCheckout = useFlag('new-checkout', false);
 * const theme = useFlag('theme', 'light');
 */
export function useFlag<C extends LooseContext<C> = LooseContext>(flagKey: BooleanFlagKey, defaultValue: boolean, options?: FlagOptions<C>): boolean;
export function useFlag<K extends VariantFlagKey, D extends string, C extends LooseContext<C> = LooseContext>(
  flagKey: K,
  defaultValue: D,
  options?: FlagOptions<C>,
): VariantKeyOf<K> | D;
export function useFlag<C extends LooseContext<C>>(flagKey: string, defaultValue: boolean | string, options?: FlagOptions<C>): boolean | string {
  return useEvaluation<BooleanEvaluationResponse | VariantEvaluationResponse, boolean | string, C>(
    flagKey,
    (typeof defaultValue === 'boolean' ? 'boolean' : 'variant') as 'variant',
    options,
    String(defaultValue),
    (outcome) => (typeof outcome === 'string' ? defaultValue : 'enabled' in outcome ? outcome.enabled : outcome.variantKey || defaultValue),
  );
}
