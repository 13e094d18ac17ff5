import type { BooleanEvaluationResponse, EvaluationContext, EvaluationReason, SnapshotFlag } from './types';
import { compileGroup, matchedKeys, matchGroup, NO_MATCH, UNCACHED, type SegmentGroup } from './segment';
import { CRC_INIT, crcFinish, crcString } from './crc32';

interface ThresholdRollout {
  /** Percentage as a 32-bit float, as Flipt compares it. */
  readonly percentage: number;
  readonly result: BooleanEvaluationResponse;
}

interface SegmentRollout {
  readonly group: SegmentGroup;
  readonly value: boolean;
  /** Results by mask of matched segments (fixed groups use mask 0). */
  readonly results: Map<number, BooleanEvaluationResponse>;
}

export interface BooleanFlag {
  readonly kind: 'boolean';
  readonly key: string;
  readonly rollouts: readonly (ThresholdRollout | SegmentRollout)[];
  /** Returned when no rollout matches: the flag's `enabled`. */
  readonly fallback: BooleanEvaluationResponse;
}

const noSegments: readonly string[] = /* @__PURE__ */ Object.freeze([]);

export function compileBooleanFlag(key: string, source: SnapshotFlag): BooleanFlag {
  const rollouts: (ThresholdRollout | SegmentRollout)[] = [];
  for (const rollout of source.rollouts ?? []) {
    const threshold = rollout.threshold;
    const segment = rollout.segment;
    if (threshold) {
      rollouts.push({
        percentage: Math.fround(threshold.percentage),
        result: booleanResult(threshold.value, key, 'MATCH_EVALUATION_REASON', noSegments),
      });
    } else if (segment) {
      const and = segment.segmentOperator === 'AND_SEGMENT_OPERATOR';
      const group = compileGroup(segment.segments, and);
      // OR over no segments never matches; such a rollout is skipped.
      if (and || group.segments.length) rollouts.push({ group, value: segment.value, results: new Map() });
    }
    // A rollout with neither a threshold nor a segment is skipped, as Flipt does.
  }
  return { kind: 'boolean', key, rollouts, fallback: booleanResult(source.enabled, key, 'DEFAULT_EVALUATION_REASON', noSegments) };
}

/*
 * Thresholds hash `entityId + flagKey`. Batches and loops evaluate many flags for one entity,
 * so the CRC state after the entity id is kept for the next call.
 */
let lastEntityId = '';
let lastEntityState = CRC_INIT;

export function evaluateBooleanFlag(flag: BooleanFlag, entityId: string, context: EvaluationContext): BooleanEvaluationResponse {
  const rollouts = flag.rollouts;
  for (let r = 0; r < rollouts.length; r++) {
    const rollout = rollouts[r]!;
    if ('percentage' in rollout) {
      if (entityId !== lastEntityId) {
        lastEntityState = crcString(CRC_INIT, entityId);
        lastEntityId = entityId;
      }
      if (crcFinish(crcString(lastEntityState, flag.key)) % 100 < rollout.percentage) return rollout.result;
      continue;
    }
    const mask = matchGroup(rollout.group, context, entityId);
    if (mask === NO_MATCH) continue;
    let result = mask === UNCACHED ? undefined : rollout.results.get(mask);
    if (!result) {
      result = booleanResult(rollout.value, flag.key, 'MATCH_EVALUATION_REASON', matchedKeys(rollout.group, mask, context, entityId));
      if (mask !== UNCACHED) rollout.results.set(mask, result);
    }
    return result;
  }
  return flag.fallback;
}

function booleanResult(enabled: boolean, flagKey: string, reason: EvaluationReason, segmentKeys: readonly string[]): BooleanEvaluationResponse {
  return Object.freeze({ enabled, flagKey, reason, segmentKeys });
}
