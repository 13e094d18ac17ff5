import type { BooleanEvaluationResponse, EvaluationContext, EvaluationReason, SnapshotFlag, VariantEvaluationResponse } from '../types.js';
import { compileGroup, matchGroup, type SegmentGroup } from './segment.js';
import { CRC_START, crcAppend, crcFinish, crcString, crcSuffix, type CrcSuffix } from './crc32.js';
import { PERCENT, bucketBounds, bucketOf, f32, searchBucket } from './bucketBounds.js';

/*
 * Both kinds of flag compile to an ordered list of steps; the first step that matches decides
 * the result. A variant rule is a segment match then a bucket split over its distributions;
 * a boolean rollout is either a segment match or a percentage threshold.
 */

type Result = VariantEvaluationResponse | BooleanEvaluationResponse;

/** What a step can return; `result` turns it into a response. Built by `outcome`, so all have one shape. */
interface Outcome {
  /** The response's `match` (variant flags) or `enabled` (boolean flags). */
  readonly matched: boolean;
  readonly reason: EvaluationReason;
  /** Variant flags only. */
  readonly variantKey: string | undefined;
  /** Variant flags only; undefined leaves `variantAttachment` out of the response. */
  readonly attachment: string | undefined;
}

interface Step {
  readonly group: SegmentGroup | undefined;
  /** Threshold rollouts: the percentage as a 32-bit float, as Flipt compares it. */
  readonly percentage: number | undefined;
  /** Upper bucket bounds (of BUCKETS), sorted, as Flipt computes them; empty when nothing to split. */
  readonly buckets: Int32Array;
  /** One per distribution, then the default variant (for an index past the last bucket). */
  readonly outcomes: readonly Outcome[];
  /** Results by outcome, cached unless the matched segment keys vary. */
  readonly results: Result[];
}

export interface CompiledFlag {
  readonly key: string;
  /** Whether a constraint property contains U+FFFD (see `Engine`: context keys then need repair). */
  readonly repairKeys: boolean;
  /** The flag as the snapshot defines it. */
  readonly source: SnapshotFlag;
  readonly boolean: boolean;
  readonly steps: readonly Step[];
  /** When no step matches (for a disabled variant flag, always). */
  readonly fallback: Result;
  /** CRC state after the flag key's bytes: variant buckets hash `flagKey + entityId`. */
  readonly hashPrefix: number;
  /** The flag key as a CRC suffix: thresholds hash `entityId + flagKey`. */
  readonly hashSuffix: CrcSuffix;
}

const MATCH: EvaluationReason = 'MATCH_EVALUATION_REASON';
const DEFAULT: EvaluationReason = 'DEFAULT_EVALUATION_REASON';
const none: readonly string[] = /* @__PURE__ */ Object.freeze([]);
const noBuckets: Int32Array = /* @__PURE__ */ new Int32Array(0);

/** Compiles one flag of a validated snapshot. */
export function compileFlag(source: SnapshotFlag): CompiledFlag {
  const { key, enabled, defaultVariant: variant } = source;
  const boolean = source.type === 'BOOLEAN_FLAG_TYPE';
  const defaultKey = variant ? variant.key : '';
  const defaultAttachment = (variant && variant.attachment) ?? undefined;
  const steps: Step[] = [];
  if (boolean) {
    // A disabled boolean flag still runs its rollouts; `enabled` is only its fallback.
    for (const { threshold, segment } of source.rollouts || []) {
      // A threshold wins over a segment; a rollout with neither is skipped.
      if (threshold) steps.push(step(undefined, f32(threshold.percentage), [outcome(threshold.value, MATCH)]));
      else if (segment) steps.push(step(compileGroup(segment.segments, segment.segmentOperator), undefined, [outcome(segment.value, MATCH)]));
    }
  } else {
    // A disabled variant flag returns before its rules.
    for (const rule of (enabled && source.rules) || []) {
      const distributions = rule.distributions.filter((d) => f32(d.rollout) > 0);
      const outcomes = distributions.map((d) => outcome(true, MATCH, d.variantKey, d.variantAttachment ?? undefined));
      // Past the last bucket, or nothing to distribute: the default variant.
      outcomes.push(outcome(!outcomes.length, outcomes.length ? DEFAULT : MATCH, defaultKey, defaultAttachment));
      steps.push(step(compileGroup(rule.segments, rule.segmentOperator), undefined, outcomes, bucketBounds(distributions.map((d) => d.rollout))));
    }
  }
  const repairKeys = steps.some((s) => s.group && s.group.segments.some((segment) => segment.constraints.some((c) => c.property && c.property.includes('\ufffd'))));
  const flag = {
    key,
    source,
    boolean,
    repairKeys,
    steps,
    fallback: undefined as unknown as Result,
    hashPrefix: crcString(CRC_START, key),
    hashSuffix: crcSuffix(key),
  };
  flag.fallback = result(
    flag,
    boolean ? outcome(enabled, DEFAULT) : outcome(false, !enabled ? 'FLAG_DISABLED_EVALUATION_REASON' : variant ? DEFAULT : 'UNKNOWN_EVALUATION_REASON', defaultKey, defaultAttachment),
    none,
  );
  return flag;
}

function outcome(matched: boolean, reason: EvaluationReason, variantKey?: string, attachment?: string): Outcome {
  return { matched, reason, variantKey, attachment };
}

function step(group: SegmentGroup | undefined, percentage: number | undefined, outcomes: Outcome[], buckets: Int32Array = noBuckets): Step {
  return { group, percentage, buckets, outcomes, results: [] };
}

/*
 * Thresholds hash `entityId + flagKey`. Batches and loops evaluate many flags for one entity,
 * so the CRC state after the entity id is kept for the next call.
 */
let lastEntityId = '';
let lastEntityState = CRC_START;

export function evaluateFlag(flag: CompiledFlag, entityId: string, context: EvaluationContext): Result {
  const steps = flag.steps;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s]!;
    const group = step.group;
    let segmentKeys = none;
    if (group) {
      const matched = matchGroup(group, context, entityId);
      if (!matched) continue;
      segmentKeys = matched;
    } else {
      if (entityId !== lastEntityId) {
        lastEntityState = crcString(CRC_START, entityId);
        lastEntityId = entityId;
      }
      if (!(crcFinish(crcAppend(lastEntityState, flag.hashSuffix)) % PERCENT < step.percentage!)) continue;
    }
    const buckets = step.buckets;
    const index = buckets.length ? searchBucket(buckets, bucketOf(crcFinish(crcString(flag.hashPrefix, entityId)))) : 0;
    return group && !group.keys ? result(flag, step.outcomes[index]!, segmentKeys) : (step.results[index] ||= result(flag, step.outcomes[index]!, segmentKeys));
  }
  return flag.fallback;
}

function result(flag: CompiledFlag, { matched, reason, variantKey, attachment }: Outcome, segmentKeys: readonly string[]): Result {
  const flagKey = flag.key;
  // Like Flipt's client, a variant without an attachment has no `variantAttachment` key.
  return Object.freeze(
    flag.boolean
      ? { enabled: matched, flagKey, reason, segmentKeys }
      : Object.assign({ match: matched, segmentKeys, reason, flagKey, variantKey: variantKey! }, attachment !== undefined && { variantAttachment: attachment }),
  );
}
