import type { Snapshot, SnapshotFlag } from './types';

/**
 * Per-flag fingerprints of a snapshot, to tell which flags a new snapshot changed. Ids and
 * timestamps are left out: Flipt regenerates rule ids on every build, and they never affect
 * a result.
 */
export type FlagFingerprints = ReadonlyMap<string, string>;

const VOLATILE = new Set(['id', 'ruleId', 'variantId', 'segmentId', 'createdAt', 'updatedAt']);

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

function fingerprint(flag: SnapshotFlag): string {
  return JSON.stringify(flag, (key, value: unknown) => (VOLATILE.has(key) ? undefined : value));
}
