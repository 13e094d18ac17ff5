import type { EvaluationContext, EvaluationReason, SnapshotFlag, VariantEvaluationResponse } from './types';
import { compileGroup, matchedKeys, matchGroup, NO_MATCH, UNCACHED, type SegmentGroup } from './segment';
import { crcFinish, crcString } from './crc32';
import { toWellFormed } from './wellFormed';

const f32 = Math.fround;

/** What a matched rule can return: one per distribution, plus "no distribution". */
interface Outcome {
  readonly match: boolean;
  readonly reason: EvaluationReason;
  readonly variantKey: string;
  readonly attachment: string | undefined;
}

interface VariantRule {
  readonly group: SegmentGroup;
  /** Upper bucket bounds (of 1000), sorted, as Flipt computes them; empty when nothing to split. */
  readonly buckets: Int32Array;
  readonly outcomes: readonly Outcome[];
  /** Results by outcome, for fixed groups. */
  readonly results: (VariantEvaluationResponse | undefined)[];
  /** Results by (mask, outcome), for groups whose matched keys vary. */
  readonly resultsByMask: Map<number, VariantEvaluationResponse>;
}

export interface VariantFlag {
  readonly kind: 'variant';
  readonly key: string;
  readonly rules: readonly VariantRule[];
  /** CRC state after the flag key's bytes: variant buckets hash `flagKey + entityId`. */
  readonly hashPrefix: number;
  /** Returned when the flag is disabled (null when enabled). */
  readonly disabled: VariantEvaluationResponse | null;
  /** Returned when no rule matches. */
  readonly fallback: VariantEvaluationResponse;
}

export function compileVariantFlag(key: string, source: SnapshotFlag, hashPrefix: number): VariantFlag {
  const defaultKey = toWellFormed(source.defaultVariant?.key ?? '');
  const defaultAttachment = optionalText(source.defaultVariant?.attachment);
  const defaultReason: EvaluationReason = source.defaultVariant ? 'DEFAULT_EVALUATION_REASON' : 'UNKNOWN_EVALUATION_REASON';
  const outcome = (match: boolean, reason: EvaluationReason, variantKey: string, attachment: string | undefined): Outcome => ({
    match,
    reason,
    variantKey,
    attachment,
  });
  const noSegments: readonly string[] = Object.freeze([]);
  const result = (o: Outcome, segmentKeys: readonly string[]) => variantResult(key, o, segmentKeys);

  const rules: VariantRule[] = [];
  for (const rule of source.rules ?? []) {
    const and = rule.segmentOperator === 'AND_SEGMENT_OPERATOR';
    const group = compileGroup(rule.segments, and);
    // OR over no segments never matches: such a rule can never be chosen.
    if (!and && group.segments.length === 0) continue;
    const distributions = rule.distributions.filter((d) => f32(d.rollout) > 0);
    const outcomes = distributions.map((d) => outcome(true, 'MATCH_EVALUATION_REASON', toWellFormed(d.variantKey), optionalText(d.variantAttachment)));
    // Past the last bucket, or nothing to distribute: the default variant.
    outcomes.push(
      distributions.length
        ? outcome(false, 'DEFAULT_EVALUATION_REASON', defaultKey, defaultAttachment)
        : outcome(true, 'MATCH_EVALUATION_REASON', defaultKey, defaultAttachment),
    );
    rules.push({ group, buckets: bucketBounds(distributions.map((d) => d.rollout)), outcomes, results: [], resultsByMask: new Map() });
  }
  return {
    kind: 'variant',
    key,
    rules,
    hashPrefix,
    disabled: source.enabled ? null : result(outcome(false, 'FLAG_DISABLED_EVALUATION_REASON', defaultKey, defaultAttachment), noSegments),
    fallback: result(outcome(false, defaultReason, defaultKey, defaultAttachment), noSegments),
  };
}

export function evaluateVariantFlag(flag: VariantFlag, entityId: string, context: EvaluationContext): VariantEvaluationResponse {
  if (flag.disabled) return flag.disabled;
  const rules = flag.rules;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    const mask = matchGroup(rule.group, context, entityId);
    if (mask === NO_MATCH) continue;
    const buckets = rule.buckets;
    let index = buckets.length;
    if (index > 0) index = searchBucket(buckets, (crcFinish(crcString(flag.hashPrefix, entityId)) % 1000) + 1);
    const outcome = rule.outcomes[index]!;
    if (rule.group.fixed) return (rule.results[index] ??= variantResult(flag.key, outcome, rule.group.keys));
    const slot = mask * rule.outcomes.length + index;
    let cached = mask === UNCACHED ? undefined : rule.resultsByMask.get(slot);
    if (!cached) {
      cached = variantResult(flag.key, outcome, matchedKeys(rule.group, mask, context, entityId));
      if (mask !== UNCACHED) rule.resultsByMask.set(slot, cached);
    }
    return cached;
  }
  return flag.fallback;
}

function optionalText(text: string | null | undefined): string | undefined {
  return text == null ? undefined : toWellFormed(text);
}

function variantResult(flagKey: string, o: Outcome, segmentKeys: readonly string[]): VariantEvaluationResponse {
  const result: { -readonly [K in keyof VariantEvaluationResponse]: VariantEvaluationResponse[K] } = {
    match: o.match,
    segmentKeys,
    reason: o.reason,
    flagKey,
    variantKey: o.variantKey,
  };
  if (o.attachment !== undefined) result.variantAttachment = o.attachment;
  return Object.freeze(result);
}

/**
 * Flipt's bucket bounds: rollouts normalised to their total and accumulated in 32-bit float
 * arithmetic, scaled to 1000 and rounded; the last bound is forced to 1000; then sorted.
 * (A rollout that overflows f32 makes the bounds NaN, which Rust's cast turns into 0.)
 */
function bucketBounds(rollouts: number[]): Int32Array {
  const bounds = new Int32Array(rollouts.length);
  let total = 0;
  for (const rollout of rollouts) total = f32(total + f32(rollout));
  let cumulative = 0;
  for (let i = 0; i < rollouts.length; i++) {
    cumulative = f32(cumulative + f32(f32(f32(rollouts[i]!) / total) * 100));
    const scaled = Math.round(f32(cumulative * 10));
    bounds[i] = i === rollouts.length - 1 ? 1000 : scaled === scaled ? scaled : 0;
  }
  return bounds.sort();
}

/**
 * Rust's `binary_search` on the sorted bounds, which decides ties between equal bounds: the
 * last bound equal to `target`, else the number of bounds below it.
 */
function searchBucket(bounds: Int32Array, target: number): number {
  let size = bounds.length;
  let base = 0;
  while (size > 1) {
    const half = size >>> 1;
    if (bounds[base + half]! <= target) base += half;
    size -= half;
  }
  const bound = bounds[base]!;
  return bound === target ? base : base + (bound < target ? 1 : 0);
}
