import type { EvaluationContext, SnapshotSegment } from '../types.js';
import { compileConstraint, testConstraint, type Constraint } from './constraint.js';

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
   * Every segment key (frozen) when a match always involves every segment (AND, or a single
   * segment): these are then its `segmentKeys`, and its results can be cached. Else null.
   */
  readonly keys: readonly string[] | null;
}

export function compileGroup(sources: readonly SnapshotSegment[] | null | undefined, operator: string | null | undefined): SegmentGroup {
  const byKey = new Map<string, Segment>();
  for (const { key, matchType, constraints } of sources || []) {
    byKey.set(key, { key, all: matchType === 'ALL_SEGMENT_MATCH_TYPE', constraints: constraints.map(compileConstraint) });
  }
  const and = operator === 'AND_SEGMENT_OPERATOR';
  const segments = [...byKey.values()];
  return { segments, and, keys: and || segments.length === 1 ? Object.freeze([...byKey.keys()]) : null };
}

/** The `segmentKeys` of a match (`group.keys` when fixed), or null when the group does not match. */
export function matchGroup(group: SegmentGroup, context: EvaluationContext, entityId: string): readonly string[] | null {
  const segments = group.segments;
  if (group.keys) {
    // AND, or a single segment: stop at the first segment that fails.
    for (let i = 0; i < segments.length; i++) if (!segmentMatches(segments[i]!, context, entityId)) return null;
    return group.keys;
  }
  // OR over several segments: test them all, since the result lists every one that matched.
  let keys: string[] | null = null;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segmentMatches(segment, context, entityId)) (keys ||= []).push(segment.key);
  }
  return keys && Object.freeze(keys);
}

/*
 * Contexts reach here as plain or null-prototype objects whose own values are all strings
 * (the engine checks), so a string read is an own property: inherited ones are never strings.
 */
function segmentMatches(segment: Segment, context: EvaluationContext, entityId: string): boolean {
  const constraints = segment.constraints;
  const all = segment.all;
  for (let i = 0; i < constraints.length; i++) {
    const constraint = constraints[i]!;
    const property = constraint.property;
    const value = property === null ? entityId : context[property];
    const matched = testConstraint(constraint, typeof value === 'string' ? value : '');
    // An unknown constraint type fails the whole segment as soon as it is reached.
    if (matched === undefined) return false;
    // ALL stops at the first miss, ANY at the first match.
    if (matched !== all) return matched;
  }
  // ALL: every constraint matched. ANY: none did, which only counts when there are none.
  return all || constraints.length === 0;
}
