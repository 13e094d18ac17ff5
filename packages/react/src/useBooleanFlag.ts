import type { BooleanFlagKey, LooseContext } from '@flagcast/core';
import type { FlagOptions } from './useEvaluation.js';
import { useFlag } from './useFlag.js';

/**
 * A boolean flag's value for the provider's entity, or `defaultValue` while there is no
 * snapshot or when the flag cannot be evaluated (missing, not a boolean flag). The component
 * re-renders only when the value changes. The same as `useFlag` with a boolean default.
 *
 * @example
 * const newCheckout = useBooleanFlag('new-checkout', false);
 */
export function useBooleanFlag<C extends LooseContext<C> = LooseContext>(flagKey: BooleanFlagKey, defaultValue: boolean, options?: FlagOptions<C>): boolean {
  return useFlag(flagKey, defaultValue, options);
}
