/*
 * How Flipt splits entities. Exported constants, so the bundler writes the numbers themselves
 * into the built code. That matters here: the build emits top-level constants as `var`, which
 * V8 cannot assume constant, and a hash modulo such a variable costs about 8 ns where modulo
 * a literal costs 1 ns (Node 20).
 */
/** Threshold rollouts: an entity is in when its hash modulo PERCENT is below the percentage. */
export const PERCENT = 100;
/** Variant rules: an entity's bucket is its hash modulo BUCKETS, plus one (1 to BUCKETS). */
export const BUCKETS = 1000;
/** BUCKETS / PERCENT. */
export const BUCKETS_PER_PERCENT = 10;

/** Flipt holds rollouts and percentages as 32-bit floats. */
export const f32 = Math.fround;

/**
 * Flipt's bucket bounds: rollouts normalised to their total and accumulated in 32-bit float
 * arithmetic, scaled to BUCKETS and rounded; the last bound is forced to BUCKETS; then sorted.
 * (A rollout that overflows f32 makes the bounds NaN, which Rust's cast turns into 0.)
 */
export function bucketBounds(rollouts: number[]): Int32Array {
  let total = 0;
  for (const rollout of rollouts) total = f32(total + f32(rollout));
  let cumulative = 0;
  return Int32Array.from(rollouts, (rollout, i) => {
    cumulative = f32(cumulative + f32(f32(f32(rollout) / total) * PERCENT));
    return i === rollouts.length - 1 ? BUCKETS : Math.round(f32(cumulative * BUCKETS_PER_PERCENT)) || 0;
  }).sort();
}

/** The bucket (1 to BUCKETS) that an entity's hash falls in, for variant rules. */
export function bucketOf(hash: number): number {
  // BUCKETS, spelled as a product of constants the bundler inlines: it folds the product to
  // a literal, where it would leave BUCKETS itself (four digits) a variable.
  return (hash % (PERCENT * BUCKETS_PER_PERCENT)) + 1;
}

/**
 * Where Rust's `binary_search` lands on the sorted bounds, ties included: the last bound equal
 * to `target`, else the number of bounds below it. (A rule has a handful of distributions, so
 * counting beats searching.)
 */
export function searchBucket(bounds: Int32Array, target: number): number {
  let below = 0;
  let atMost = 0;
  for (let i = 0; i < bounds.length; i++) {
    below += +(bounds[i]! < target);
    atMost += +(bounds[i]! <= target);
  }
  return atMost > below ? atMost - 1 : below;
}
