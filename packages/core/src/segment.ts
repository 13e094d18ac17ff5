import type { EvaluationContext, SnapshotSegment } from './types';
import { compileConstraint, testConstraint, UNKNOWN_TYPE, type Constraint } from './constraint';
import { toWellFormed } from './wellFormed';

interface Segment {
  readonly key: string;
  readonly all: boolean;
  readonly constraints: readonly Constraint[];
}

/**
 * The segments of one rule or segment rollout, with their AND/OR operator. Flipt keys a
 * rule's segments by segment key, so a repeated key replaces the earlier segment.
 */
export interface SegmentGroup {
  readonly segments: readonly Segment[];
  readonly and: boolean;
  /**
   * True when a match always involves every segment (AND, or a single segment): the matched
   * keys are then `keys`, and results can be cached without looking at which segments matched.
   */
  readonly fixed: boolean;
  /** Every segment key, frozen; the `segmentKeys` of a fixed group's match. */
  readonly keys: readonly string[];
  /** Matched-keys arrays of a non-fixed group, by bit mask of matched segments. */
  readonly keysByMask: Map<number, readonly string[]>;
}

/** Result of `matchGroup` when the group does not match. */
export const NO_MATCH = -1;
/** Result of `matchGroup` for a match in a group too large for a bit mask (not cached). */
export const UNCACHED = -2;

const hasOwn = Object.prototype.hasOwnProperty;

export function compileGroup(sources: readonly SnapshotSegment[] | null | undefined, and: boolean): SegmentGroup {
  const byKey = new Map<string, Segment>();
  for (const source of sources ?? []) {
    const key = toWellFormed(source.key);
    byKey.set(key, {
      key,
      all: source.matchType === 'ALL_SEGMENT_MATCH_TYPE',
      constraints: source.constraints.map(compileConstraint),
    });
  }
  const segments = [...byKey.values()];
  return {
    segments,
    and,
    fixed: and || segments.length === 1,
    keys: Object.freeze(segments.map((segment) => segment.key)),
    keysByMask: new Map(),
  };
}

/**
 * Matches a group against a request. Returns NO_MATCH, or a bit mask of the segments that
 * matched (0 for fixed groups, whose matched keys are always all of them).
 */
export function matchGroup(group: SegmentGroup, context: EvaluationContext, entityId: string): number {
  const segments = group.segments;
  if (group.and) {
    for (let i = 0; i < segments.length; i++) {
      if (!segmentMatches(segments[i]!, context, entityId)) return NO_MATCH;
    }
    return 0;
  }
  if (segments.length === 1) return segmentMatches(segments[0]!, context, entityId) ? 0 : NO_MATCH;
  // OR over several segments: every segment is tested, because the result lists all that matched.
  let mask = 0;
  let any = false;
  for (let i = 0; i < segments.length; i++) {
    if (segmentMatches(segments[i]!, context, entityId)) {
      any = true;
      if (i < 31) mask |= 1 << i;
    }
  }
  return any ? (segments.length > 31 ? UNCACHED : mask) : NO_MATCH;
}

/** The `segmentKeys` for a match returned by `matchGroup`. */
export function matchedKeys(group: SegmentGroup, mask: number, context: EvaluationContext, entityId: string): readonly string[] {
  if (group.fixed) return group.keys;
  if (mask >= 0) {
    let keys = group.keysByMask.get(mask);
    if (!keys) {
      keys = Object.freeze(group.segments.filter((_, i) => (mask & (1 << i)) !== 0).map((segment) => segment.key));
      group.keysByMask.set(mask, keys);
    }
    return keys;
  }
  // More segments than a mask holds (never seen in practice): test again and list them.
  return Object.freeze(group.segments.filter((s) => segmentMatches(s, context, entityId)).map((s) => s.key));
}

function segmentMatches(segment: Segment, context: EvaluationContext, entityId: string): boolean {
  const constraints = segment.constraints;
  const all = segment.all;
  for (let i = 0; i < constraints.length; i++) {
    const constraint = constraints[i]!;
    if (constraint.op === UNKNOWN_TYPE) return false;
    const property = constraint.property;
    const input = property === null ? entityId : hasOwn.call(context, property) ? context[property]! : '';
    if (testConstraint(constraint, input) !== all) return !all;
  }
  // ALL: every constraint matched. ANY: none did, which only counts when there are none.
  return all || constraints.length === 0;
}
