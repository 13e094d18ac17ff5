import type { AttachmentOf, EvaluationReason, LooseContext, VariantEvaluationResponse, VariantFlagKey, VariantKeyOf } from '@flagcast/core';
import { useEvaluation, type FlagOptions } from './useEvaluation.js';

/** A variant flag's result as {@link useVariantFlag} returns it. */
export interface VariantFlag<Attachment = unknown, VariantKey extends string = string> {
  /** The variant, or the default variant key when none matched or the flag cannot be evaluated. */
  readonly variantKey: VariantKey;
  /** The variant's attachment, parsed from JSON (once per change); undefined without a variant. */
  readonly attachment: Attachment | undefined;
  /** Whether a rule matched. */
  readonly match: boolean;
  /** Flipt's reason, or `ERROR` when the flag cannot be evaluated (see `useFlagDetails`). */
  readonly reason: EvaluationReason | 'ERROR';
}

/**
 * A variant flag's result for the provider's entity. The object keeps its identity until the
 * result changes, so it can go into dependency arrays and memoized props as it is. With a
 * `FlagRegistry`, `variantKey` is typed as the flag's variant keys or the default, and
 * `attachment` as the registry says; without one, name the attachment's type yourself.
 *
 * @example
 * const { variantKey, attachment } = useVariantFlag<{ accent: string }>('theme', 'light');
 */
export function useVariantFlag<K extends VariantFlagKey, D extends string, C extends LooseContext<C> = LooseContext>(
  flagKey: K,
  defaultVariantKey: D,
  options?: FlagOptions<C>,
): VariantFlag<AttachmentOf<K>, VariantKeyOf<K> | D>;
export function useVariantFlag<Attachment, C extends LooseContext<C> = LooseContext, K extends VariantFlagKey = VariantFlagKey>(
  flagKey: K,
  defaultVariantKey: string,
  options?: FlagOptions<C>,
): VariantFlag<Attachment>;
export function useVariantFlag<C extends LooseContext<C>>(flagKey: string, defaultVariantKey: string, options?: FlagOptions<C>): VariantFlag {
  return useEvaluation<VariantEvaluationResponse, VariantFlag, C>(flagKey, 'variant', options, defaultVariantKey, (outcome) => {
    const result = typeof outcome === 'string' ? undefined : outcome;
    return {
      variantKey: result?.variantKey || defaultVariantKey,
      attachment: result?.variantKey ? parse(result.variantAttachment) : undefined,
      match: !!result?.match,
      reason: result ? result.reason : 'ERROR',
    };
  });
}

function parse(json: string | undefined): any {
  try {
    return json && JSON.parse(json);
  } catch {
    return undefined; // Flipt stores valid JSON; a hand-made snapshot may not
  }
}
