/** A namespace with one flag per corner of the OpenFeature mapping (values, reasons, errors). */
import { booleanFlag, makeSnapshot, variantFlag, type TestFlag } from '../../../react/test/support/snapshots';

type Constraint = { type: string; property: string; operator: string; value: string };

const segment = (key: string, ...constraints: Constraint[]) => ({ key, matchType: 'ALL_SEGMENT_MATCH_TYPE', constraints });
const string = (property: string, operator: string, value: string) => ({ type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property, operator, value });

/** A boolean flag that is true for entities in `segments` (all of them), else its `enabled` (false). */
function booleanFor(key: string, ...segments: ReturnType<typeof segment>[]): TestFlag {
  return booleanFlag(key, false, {
    enabled: false,
    rollouts: [{ segment: { segmentOperator: 'AND_SEGMENT_OPERATOR', value: true, segments } }],
  });
}

/** A variant flag without a default variant: `variantKey` (with its attachment) for entities in all `segments`. */
function variantFor(key: string, variantKey: string, attachment: unknown, ...segments: ReturnType<typeof segment>[]): TestFlag {
  const { defaultVariant: _, ...flag } = variantFlag(key, 'unused');
  return {
    ...flag,
    rules: [{ segmentOperator: 'AND_SEGMENT_OPERATOR', segments, distributions: [{ variantKey, rollout: 100, variantAttachment: JSON.stringify(attachment) }] }],
  };
}

const adults = segment('adults', { type: 'NUMBER_CONSTRAINT_COMPARISON_TYPE', property: 'age', operator: 'gte', value: '18' });
const germany = segment('germany', string('country', 'eq', 'DE'));

export const cornerSnapshot = makeSnapshot([
  // booleans
  booleanFor('pro-checkout', segment('pros', string('plan', 'eq', 'pro'))),
  booleanFlag('everyone-on', true),
  booleanFlag('switched-off', false, { enabled: false, rollouts: [] }),
  booleanFor('vip-only', segment('vips', { type: 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE', property: 'vip', operator: 'true', value: '' })),
  booleanFor('early-signups', segment('early', { type: 'DATETIME_CONSTRAINT_COMPARISON_TYPE', property: 'signup', operator: 'lt', value: '2024-01-01T00:00:00Z' })),
  booleanFor('german-speakers', segment('de-prefs', string('prefs', 'eq', '{"lang":"de"}'))),
  // variants
  {
    ...variantFor('theme', 'dark', { accent: 'violet' }, adults, germany),
    defaultVariant: { id: 'theme-light', key: 'light', attachment: '{"accent":"gray"}' },
  },
  variantFlag('retries', '3'), // attachment "null": none
  variantFlag('ratio', 'half', 0.5),
  variantFlag('label', 'blue', { a: 1 }),
  variantFlag('broken', 'x', null, { defaultVariant: { id: 'broken-x', key: 'x', attachment: '{not json' } }),
  variantFlag('retired', 'fallback', { old: true }, { enabled: false }),
  variantFor('adults-only', '7', [1, 2], adults),
]);
