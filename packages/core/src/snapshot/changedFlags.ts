import type { Snapshot, SnapshotFlag, SnapshotSegment } from '../types.js';

/**
 * Per-flag fingerprints of a snapshot, to tell which flags a new snapshot changed. A
 * fingerprint covers what evaluation and `listFlags` read, nothing else: Flipt regenerates
 * ids on every build, and timestamps move, without any result changing.
 */
export type FlagFingerprints = ReadonlyMap<string, string>;

export function fingerprintFlags(snapshot: Snapshot | undefined): FlagFingerprints {
  const fingerprints = new Map<string, string>();
  for (const flag of snapshot ? snapshot.flags : []) fingerprints.set(flag.key, fingerprint(flag));
  return fingerprints;
}

/** Keys of flags added, removed or changed between two fingerprint sets. */
export function changedFlags(previous: FlagFingerprints, next: FlagFingerprints): string[] {
  const changed: string[] = [];
  for (const [key, print] of next) if (previous.get(key) !== print) changed.push(key);
  for (const key of previous.keys()) if (!next.has(key)) changed.push(key);
  return changed;
}

// A projection onto the fields that matter, stringified natively (a replacer is far slower).
function fingerprint({ type, enabled, description, defaultVariant: variant, rules, rollouts }: SnapshotFlag): string {
  return JSON.stringify([
    type,
    enabled,
    description,
    variant && [variant.key, variant.attachment],
    (rules || []).map((rule) => [rule.segmentOperator, segments(rule.segments), rule.distributions.map((d) => [d.variantKey, d.rollout, d.variantAttachment])]),
    (rollouts || []).map(({ threshold, segment }) => [
      threshold && [threshold.percentage, threshold.value],
      segment && [segment.segmentOperator, segment.value, segments(segment.segments)],
    ]),
  ]);
}

function segments(list: readonly SnapshotSegment[] | null | undefined) {
  return (list || []).map((s) => [s.key, s.matchType, s.constraints.map((c) => [c.type, c.property, c.operator, c.value])]);
}
