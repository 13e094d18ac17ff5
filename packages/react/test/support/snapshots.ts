/** Hand-built snapshots for the React tests, with real 40-character digests. */
import { createHash } from 'node:crypto';

export interface TestFlag {
  key: string;
  name: string;
  description: string;
  enabled: boolean;
  type: 'BOOLEAN_FLAG_TYPE' | 'VARIANT_FLAG_TYPE';
  rules: unknown[];
  rollouts: unknown[];
  defaultVariant?: { id: string; key: string; attachment: string };
}

export interface TestSnapshot {
  namespace: { key: string };
  flags: TestFlag[];
  digest: string;
}

/** A boolean flag that is `value` for everyone. */
export function booleanFlag(key: string, value: boolean, extra: Partial<TestFlag> = {}): TestFlag {
  return { key, name: key, description: '', enabled: true, type: 'BOOLEAN_FLAG_TYPE', rules: [], rollouts: [{ threshold: { percentage: 100, value } }], ...extra };
}

/** A boolean flag that is true only for entities whose `property` equals `value` (or for `entityId` ids, with property `entity`). */
export function booleanFlagFor(key: string, property: string, value: string): TestFlag {
  const constraint =
    property === 'entity'
      ? { type: 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE', property: 'entity', operator: 'eq', value }
      : { type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property, operator: 'eq', value };
  return booleanFlag(key, false, {
    rollouts: [
      {
        segment: {
          segmentOperator: 'OR_SEGMENT_OPERATOR',
          value: true,
          segments: [{ key: `${key}-segment`, matchType: 'ALL_SEGMENT_MATCH_TYPE', constraints: [constraint] }],
        },
      },
      { threshold: { percentage: 100, value: false } },
    ],
  });
}

/** A variant flag whose default variant is `variantKey`, with `attachment` as its JSON. */
export function variantFlag(key: string, variantKey: string, attachment: unknown = null, extra: Partial<TestFlag> = {}): TestFlag {
  return {
    key,
    name: key,
    description: '',
    enabled: true,
    type: 'VARIANT_FLAG_TYPE',
    rules: [],
    rollouts: [],
    defaultVariant: { id: `${key}-${variantKey}`, key: variantKey, attachment: JSON.stringify(attachment) },
    ...extra,
  };
}

export function makeSnapshot(flags: TestFlag[]): TestSnapshot {
  const namespace = { key: 'default' };
  return { namespace, flags, digest: createHash('sha1').update(JSON.stringify({ namespace, flags })).digest('hex') };
}
