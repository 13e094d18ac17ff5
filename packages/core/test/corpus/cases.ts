/**
 * Hand-picked edge cases. Only the INPUTS live here; the expected results are recorded from
 * the oracle (`@flipt-io/flipt-client-js`, Flipt's Rust engine as WASM) into recorded.json by
 * `node packages/core/scripts/record-corpus.mjs`. Never write expected results by hand.
 *
 * Entity ids such as `k1706` were picked (by brute force over crc32, the hash Flipt buckets
 * with) to land on a particular bucket; the comments say which. Variant buckets are
 * `crc32(flagKey + entityId) % 1000`, threshold buckets `crc32(entityId + flagKey) % 100`.
 *
 * Rename or reorder freely, but re-record afterwards (corpus.test.ts checks the names match).
 */

export type CorpusCall =
  | { kind: 'variant'; request: unknown }
  | { kind: 'boolean'; request: unknown }
  | { kind: 'batch'; requests: unknown }
  | { kind: 'listFlags' };

export interface CorpusCase {
  name: string;
  snapshot: unknown;
  requests: CorpusCall[];
}

// ---------------------------------------------------------------------------------------------
// builders

const STR = 'STRING_CONSTRAINT_COMPARISON_TYPE';
const NUM = 'NUMBER_CONSTRAINT_COMPARISON_TYPE';
const BOOL = 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE';
const DT = 'DATETIME_CONSTRAINT_COMPARISON_TYPE';
const EID = 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE';
const ALL = 'ALL_SEGMENT_MATCH_TYPE';
const ANY = 'ANY_SEGMENT_MATCH_TYPE';
const OR = 'OR_SEGMENT_OPERATOR';
const AND = 'AND_SEGMENT_OPERATOR';

type Obj = Record<string, unknown>;

function snap(flags: unknown[], namespace = 'default'): Obj {
  return { namespace: { key: namespace }, flags };
}

function variantFlag(key: string, rules: unknown[], extra: Obj = {}): Obj {
  return { key, name: key, enabled: true, type: 'VARIANT_FLAG_TYPE', rules, rollouts: [], ...extra };
}

function booleanFlag(key: string, rollouts: unknown[], extra: Obj = {}): Obj {
  return { key, name: key, enabled: true, type: 'BOOLEAN_FLAG_TYPE', rules: [], rollouts, ...extra };
}

function rule(segments: unknown[] | null, distributions: unknown[], segmentOperator: unknown = OR): Obj {
  return { segmentOperator, segments, distributions };
}

function seg(key: string, constraints: unknown[], matchType: unknown = ALL): Obj {
  return { key, matchType, constraints };
}

function con(type: string, property: string, operator: string, value: string): Obj {
  return { type, property, operator, value };
}

function dist(variantKey: string, rollout: number, variantAttachment?: string | null): Obj {
  return variantAttachment === undefined ? { variantKey, rollout } : { variantKey, rollout, variantAttachment };
}

function threshold(percentage: number, value: boolean): Obj {
  return { type: 'THRESHOLD_ROLLOUT_TYPE', threshold: { percentage, value } };
}

function segRollout(value: boolean, segments: unknown[], segmentOperator?: unknown): Obj {
  const segment: Obj = { value, segments };
  if (segmentOperator !== undefined) segment['segmentOperator'] = segmentOperator;
  return { type: 'SEGMENT_ROLLOUT_TYPE', segment };
}

const everyone = seg('everyone', []);

function V(flagKey: unknown, entityId: unknown = 'user-1', context: unknown = {}): CorpusCall {
  return { kind: 'variant', request: { flagKey, entityId, context } };
}

function B(flagKey: unknown, entityId: unknown = 'user-1', context: unknown = {}): CorpusCall {
  return { kind: 'boolean', request: { flagKey, entityId, context } };
}

function batch(...requests: unknown[]): CorpusCall {
  return { kind: 'batch', requests };
}

function R(flagKey: unknown, entityId: unknown = 'user-1', context: unknown = {}): Obj {
  return { flagKey, entityId, context };
}

const LIST: CorpusCall = { kind: 'listFlags' };

/** A context object whose keys are own properties even for `__proto__`. */
function ctx(entries: Record<string, string> | [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  const list = Array.isArray(entries) ? entries : Object.entries(entries);
  for (const [k, v] of list) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * One variant flag per constraint (`c0`, `c1`, ...; a single segment holding that constraint
 * and a 100% distribution to `yes`), each evaluated against every context: MATCH/`yes` means
 * the constraint held, UNKNOWN reason means it did not.
 */
function matrix(name: string, constraints: Obj[], contexts: unknown[], entityIds: string[] = ['user-1']): CorpusCase {
  const flags = constraints.map((c, i) => variantFlag(`c${i}`, [rule([seg('s', [c])], [dist('yes', 100)])]));
  const requests: CorpusCall[] = [];
  constraints.forEach((_c, i) => {
    for (const context of contexts) for (const e of entityIds) requests.push(V(`c${i}`, e, context));
  });
  return { name, snapshot: snap(flags), requests };
}

/** A boolean flag `th` with a single threshold; entity ids chosen by their threshold bucket. */
const TH = { b0: 'k45', b4: 'k77', b5: 'k22', b6: 'k75', b49: 'k9', b50: 'k169', b99: 'k7' };
const TH_ALL = [TH.b0, TH.b4, TH.b5, TH.b6, TH.b49, TH.b50, TH.b99];
function thresholdCase(name: string, percentage: number, value = true, enabled = false): CorpusCase {
  return {
    name,
    snapshot: snap([booleanFlag('th', [threshold(percentage, value)], { enabled })]),
    requests: TH_ALL.map((e) => B('th', e)),
  };
}

// ---------------------------------------------------------------------------------------------
// the cases

const DATETIME_CONTEXTS = [
  '2024-01-01T00:00:00Z',
  '2024-01-01t00:00:00z',
  '2024-01-01 00:00:00Z',
  '2024-01-01T00:00:00.999999Z',
  '2024-01-01T00:00:00.123456789123Z',
  '2024-01-01T00:00:00,5Z',
  '2024-01-01T00:00:00.Z',
  '2024-01-01T01:00:00+01:00',
  '2023-12-31T19:00:00-05:00',
  '2023-12-31T19:00:00\u221205:00',
  '2024-01-01T00:00:00-00:00',
  '2024-01-01T00:00:00+00:00',
  '2023-12-31T23:59:60Z',
  '2023-12-31T23:59:60.999Z',
  '2024-01-01T00:00:60Z',
  '2024-01-01T00:00:61Z',
  '2024-01-01',
  '2024-01-01T00:00Z',
  '2024-01-01T00:00:00',
  '2024-01-01T05:30:00+0530',
  '2024-01-01T05:30:00+05:30',
  '2024-01-01T00:00:00+24:00',
  '2024-01-01T23:59:00+23:59',
  '2024-01-01T00:00:00+01',
  '2024-01-01T24:00:00Z',
  '2024-02-29T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-1-01T00:00:00Z',
  '+2024-01-01T00:00:00Z',
  ' 2024-01-01T00:00:00Z',
  '2024-01-01T00:00:00Z ',
  '2024-01-01T00:00:00 Z',
  '2024-01-01T00:00:00UTC',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1969-12-31T23:59:59.5Z',
  '',
].map((v) => ({ when: v }));

export const cases: CorpusCase[] = [
  // --- boolean thresholds (f32 percentage, `bucket < percentage`) ---
  thresholdCase('threshold 5.0000001 behaves as 5 (f32)', 5.0000001),
  thresholdCase('threshold exactly 5', 5),
  thresholdCase('threshold 4.9999999', 4.9999999),
  thresholdCase('threshold 0 never matches', 0),
  thresholdCase('threshold 100 always matches', 100, false),
  thresholdCase('threshold over 100', 150),
  thresholdCase('threshold negative', -5),
  thresholdCase('threshold 1e-50 underflows f32 to 0', 1e-50),
  thresholdCase('threshold 1e39 overflows f32 to infinity', 1e39),
  thresholdCase('threshold 49.9999999 rounds to 50 in f32', 49.9999999),
  thresholdCase('threshold 0.5 lets bucket 0 through', 0.5),

  // --- variant distributions and buckets ---
  {
    // buckets [500, 500, 1000]; bucket 499 searches for 500 which occurs twice
    name: 'equal cumulative buckets: binary search tie (two equal)',
    snapshot: snap([
      variantFlag('tie', [rule([everyone], [dist('a', 50, '{"a":1}'), dist('tiny', 1e-7, '{"t":1}'), dist('z', 50)])]),
    ]),
    // buckets: k442=0, k50=498, k1706=499, k2716=500, k20=501, k1396=998, k154=999
    requests: ['k442', 'k50', 'k1706', 'k2716', 'k20', 'k1396', 'k154'].map((e) => V('tie', e)),
  },
  {
    name: 'equal cumulative buckets: binary search tie (three equal)',
    snapshot: snap([
      variantFlag('tie3', [rule([everyone], [dist('a', 50), dist('t1', 1e-7), dist('t2', 1e-7), dist('z', 50)])]),
    ]),
    // k1079=498, k124=499, k1293=500, k649=501, k421=999
    requests: ['k1079', 'k124', 'k1293', 'k649', 'k421'].map((e) => V('tie3', e)),
  },
  {
    name: 'equal cumulative buckets at the end: [1000, 1000]',
    snapshot: snap([variantFlag('tail', [rule([everyone], [dist('big', 100), dist('tiny', 1e-7)])])]),
    // k4700=997, k509=998, k793=999
    requests: ['k4700', 'k509', 'k793'].map((e) => V('tail', e)),
  },
  {
    name: 'equal cumulative buckets at the end: [1000, 1000, 1000]',
    snapshot: snap([variantFlag('tail3', [rule([everyone], [dist('big', 100), dist('t1', 1e-7), dist('t2', 1e-7)])])]),
    // k2441=998, k143=999
    requests: ['k2441', 'k143'].map((e) => V('tail3', e)),
  },
  {
    name: 'thirds: bucket boundaries at 333/667',
    snapshot: snap([
      variantFlag('split', [rule([everyone], [dist('a', 33.333333), dist('b', 33.333333), dist('c', 33.333334)])]),
    ]),
    requests: ['k2331', 'k1116', 'k1123', 'k666', 'k958', 'k689', 'k522', 'k2832', 'k99', 'k333'].map((e) =>
      V('split', e),
    ),
  },
  {
    // f32: first bucket bound rounds to 69, f64 math would give 68
    name: 'two-way split 6.85/93.15 differs from f64 math',
    snapshot: snap([variantFlag('split685', [rule([everyone], [dist('a', 6.85), dist('b', 93.15)])])]),
    // k1302=67, k4191=68, k117=69
    requests: ['k1302', 'k4191', 'k117'].map((e) => V('split685', e)),
  },
  {
    // f32 gives 74, f64 would give 75
    name: 'two-way split 7.45/92.55 differs from f64 math',
    snapshot: snap([variantFlag('split745', [rule([everyone], [dist('a', 7.45), dist('b', 92.55)])])]),
    // k200=73, k41=74, k1625=75
    requests: ['k200', 'k41', 'k1625'].map((e) => V('split745', e)),
  },
  {
    name: 'rollout 1e39 overflows f32: NaN buckets',
    snapshot: snap([
      variantFlag('nan', [rule([everyone], [dist('huge', 1e39), dist('b', 50)])]),
      variantFlag('nan2', [rule([everyone], [dist('b', 50), dist('huge', 1e39)])]),
      variantFlag('nan3', [rule([everyone], [dist('huge', 1e39)])]),
      variantFlag('nan4', [rule([everyone], [dist('x', 3.4e38), dist('y', 3.4e38), dist('z', 1)])]),
    ]),
    // for 'nan': k327=0, k1632=1, k4=500, k99=999
    requests: ['nan', 'nan2', 'nan3', 'nan4'].flatMap((f) => ['k327', 'k1632', 'k4', 'k99'].map((e) => V(f, e))),
  },
  {
    name: 'rollout 1e-50 underflows to 0 and is dropped',
    snapshot: snap([
      variantFlag('under', [rule([everyone], [dist('gone', 1e-50), dist('b', 100)])]),
      variantFlag('under-only', [rule([everyone], [dist('gone', 1e-50)])], {
        defaultVariant: { id: 'd', key: 'dflt', attachment: '{"d":1}' },
      }),
    ]),
    requests: ['k327', 'k4', 'k99'].flatMap((e) => [V('under', e), V('under-only', e)]),
  },
  {
    name: 'zero and negative rollouts dropped; none left gives MATCH with the default variant',
    snapshot: snap([
      variantFlag('neg', [rule([everyone], [dist('neg', -10), dist('zero', 0), dist('pos', 5)])]),
      variantFlag('none', [rule([everyone], [dist('zero', 0), dist('neg', -1)])], {
        defaultVariant: { id: 'd', key: 'dflt', attachment: '{"d":1}' },
      }),
      variantFlag('none-nodefault', [rule([everyone], [dist('zero', 0)])]),
      variantFlag('empty-dists', [rule([everyone], [])], { defaultVariant: { id: 'd', key: 'dflt' } }),
    ]),
    requests: ['neg', 'none', 'none-nodefault', 'empty-dists'].flatMap((f) => [V(f, 'k4'), V(f, 'k99')]),
  },
  {
    name: 'distribution totals under and over 100 are normalized',
    snapshot: snap([
      variantFlag('under100', [rule([everyone], [dist('a', 10), dist('b', 20)])]),
      variantFlag('over100', [rule([everyone], [dist('a', 80), dist('b', 80)])]),
      variantFlag('single50', [rule([everyone], [dist('only', 50)])]),
    ]),
    requests: ['under100', 'over100', 'single50'].flatMap((f) =>
      ['k327', 'k1632', 'k4', 'k99', 'user-1', 'user-2', 'é', '😀'].map((e) => V(f, e)),
    ),
  },
  {
    name: 'hash is over UTF-8 bytes of flagKey + entityId',
    snapshot: snap([variantFlag('hash', [rule([everyone], [dist('a', 25), dist('b', 25), dist('c', 25), dist('d', 25)])])]),
    requests: ['é', 'e\u0301', '😀', '日本', 'user-1', 'USER-1', 'a\u0000b', '\ud83d\ude00'].map((e) => V('hash', e)),
  },

  // --- number constraints ---
  matrix(
    'number parsing: + sign, spaces, decimals, overflow, -0',
    [
      con(NUM, 'n', 'eq', '5'),
      con(NUM, 'n', 'eq', '+5'),
      con(NUM, 'n', 'eq', '0'),
      con(NUM, 'n', 'neq', '5'),
      con(NUM, 'n', 'lt', '2147483647'),
      con(NUM, 'n', 'gte', '-2147483648'),
      con(NUM, 'n', 'gt', '5.0'),
    ],
    ['5', '+5', ' 5', '5 ', '5.0', '05', '-0', '+0', '2147483647', '2147483648', '-2147483649', '1e1', '٥', '', 'abc'].map(
      (n) => ({ n }),
    ),
  ),
  matrix(
    'number isoneof/isnotoneof lists: -0 and 1.0 make the list unparsable',
    [
      con(NUM, 'n', 'isoneof', '[1, 2, 3]'),
      con(NUM, 'n', 'isoneof', '[1, -0]'),
      con(NUM, 'n', 'isoneof', '[1.0, 2]'),
      con(NUM, 'n', 'isoneof', ' [ 1 , 2 ] '),
      con(NUM, 'n', 'isoneof', '[2147483648, 1]'),
      con(NUM, 'n', 'isoneof', '["1"]'),
      con(NUM, 'n', 'isoneof', '[+1]'),
      con(NUM, 'n', 'isoneof', '[1e0]'),
      con(NUM, 'n', 'isoneof', '[]'),
      con(NUM, 'n', 'isoneof', '1'),
      con(NUM, 'n', 'isnotoneof', '[1, 2]'),
      con(NUM, 'n', 'isnotoneof', '[1, -0]'),
      con(NUM, 'n', 'isnotoneof', '[1.0]'),
      con(NUM, 'n', 'isnotoneof', 'garbage'),
    ],
    ['1', '+1', '0', '-0', '7', 'x', ''].map((n) => ({ n })),
  ),
  matrix(
    'number present/notpresent and unknown operators',
    [
      con(NUM, 'n', 'present', ''),
      con(NUM, 'n', 'notpresent', ''),
      con(NUM, 'n', 'EQ', '5'),
      con(NUM, 'n', 'empty', ''),
      con(NUM, 'n', 'lte', 'not-a-number'),
    ],
    [{ n: '5' }, { n: '' }, { n: 'garbage' }, {}],
  ),

  // --- string constraints ---
  matrix(
    'string isoneof lists: escapes make the list unparsable',
    [
      con(STR, 's', 'isoneof', '["pro","free"]'),
      con(STR, 's', 'isoneof', '[ "pro" , "free" ]'),
      con(STR, 's', 'isoneof', '["a\\"b","pro"]'),
      con(STR, 's', 'isoneof', '["x\\/y","pro"]'),
      con(STR, 's', 'isoneof', '["line\\nbreak","pro"]'),
      con(STR, 's', 'isoneof', '["\\u0070ro"]'),
      con(STR, 's', 'isoneof', '["é","😀"]'),
      con(STR, 's', 'isoneof', '["pro", 1]'),
      con(STR, 's', 'isoneof', '["pro",]'),
      con(STR, 's', 'isoneof', 'pro'),
      con(STR, 's', 'isnotoneof', '["pro","free"]'),
      con(STR, 's', 'isnotoneof', '["a\\"b","pro"]'),
      con(STR, 's', 'isnotoneof', 'not json'),
    ],
    ['pro', 'free', 'a"b', 'x/y', 'line\nbreak', 'é', '😀', 'other', ''].map((s) => ({ s })),
  ),
  matrix(
    'string operators incl. empty values and unknown operators',
    [
      con(STR, 's', 'eq', 'pro'),
      con(STR, 's', 'neq', 'pro'),
      con(STR, 's', 'eq', ''),
      con(STR, 's', 'neq', ''),
      con(STR, 's', 'prefix', 'pro'),
      con(STR, 's', 'prefix', ''),
      con(STR, 's', 'suffix', 'plus'),
      con(STR, 's', 'contains', '-'),
      con(STR, 's', 'notcontains', '-'),
      con(STR, 's', 'empty', 'ignored'),
      con(STR, 's', 'notempty', ''),
      con(STR, 's', 'EQ', 'pro'),
      con(STR, 's', 'present', ''),
    ],
    [{ s: 'pro' }, { s: 'pro-plus' }, { s: 'PRO' }, { s: '' }, { s: ' ' }, {}, { other: 'pro' }],
  ),
  matrix(
    'string comparison is by code points, no normalization',
    [
      con(STR, 's', 'eq', 'é'),
      con(STR, 's', 'prefix', 'e'),
      con(STR, 's', 'contains', '\u0301'),
      con(STR, 's', 'suffix', '😀'),
      // a lone surrogate in the constraint becomes U+FFFD, so it is no prefix of an emoji
      con(STR, 's', 'prefix', '\ud83d'),
      con(STR, 's', 'suffix', '\ude00'),
      con(STR, 's', 'eq', '\ufffd'),
    ],
    ['é', 'e\u0301', 'E\u0301', 'x😀', '\ud83d', '\ude00'].map((s) => ({ s })),
  ),

  // --- boolean constraints ---
  matrix(
    'boolean constraint parsing: only exact true/false',
    [
      con(BOOL, 'b', 'true', ''),
      con(BOOL, 'b', 'false', ''),
      con(BOOL, 'b', 'present', ''),
      con(BOOL, 'b', 'notpresent', ''),
      con(BOOL, 'b', 'eq', 'true'),
    ],
    ['true', 'false', 'True', 'TRUE', '1', '0', ' true', 'yes', ''].map((b) => ({ b })),
  ),

  // --- datetime constraints ---
  matrix(
    'datetime formats accepted and rejected (context side)',
    [
      con(DT, 'when', 'eq', '2024-01-01T00:00:00Z'),
      con(DT, 'when', 'lt', '2024-01-01T00:00:00Z'),
      con(DT, 'when', 'gt', '2024-01-01T00:00:00Z'),
      con(DT, 'when', 'eq', '2023-12-31T23:59:59Z'),
      con(DT, 'when', 'present', ''),
      // whole seconds are floored (chrono's timestamp()), also before 1970
      con(DT, 'when', 'eq', '1969-12-31T23:59:59Z'),
    ],
    DATETIME_CONTEXTS,
  ),
  matrix(
    'datetime formats on the constraint side',
    [
      con(DT, 'when', 'eq', '2024-01-01t00:00:00z'),
      con(DT, 'when', 'eq', '2024-01-01 00:00:00Z'),
      con(DT, 'when', 'eq', '2023-12-31T19:00:00\u221205:00'),
      con(DT, 'when', 'eq', '2024-01-01'),
      con(DT, 'when', 'eq', '2024-01-01T05:30:00+0530'),
      con(DT, 'when', 'gte', '2023-12-31T23:59:60Z'),
      con(DT, 'when', 'lte', '2024-01-01T00:00:00.999999999Z'),
      con(DT, 'when', 'neq', 'garbage'),
      con(DT, 'when', 'notpresent', 'garbage'),
      con(DT, 'when', 'isoneof', '["2024-01-01T00:00:00Z"]'),
    ],
    [
      { when: '2024-01-01T00:00:00Z' },
      { when: '2023-12-31T23:59:59Z' },
      { when: '2024-01-01T00:00:00.5Z' },
      { when: '2024-01-01T00:00:01Z' },
      { when: '' },
    ],
  ),

  // --- entity id constraints ---
  matrix(
    'entity id constraints use the entity id, not the context',
    [
      con(EID, 'ignored', 'eq', 'user-1'),
      con(EID, 'ignored', 'prefix', 'user'),
      con(EID, 'ignored', 'isoneof', '["user-1","é"]'),
      con(EID, '', 'neq', 'user-1'),
      con(EID, 'ignored', 'empty', ''),
      con(EID, 'ignored', 'notempty', ''),
    ],
    [{}, { ignored: 'user-1' }],
    ['user-1', 'user-2', 'é', 'e\u0301', 'USER-1'],
  ),
  {
    name: 'entity id constraints with an empty entity id (only possible in a batch)',
    snapshot: snap([
      variantFlag('eid', [rule([seg('s', [con(EID, 'x', 'empty', '')])], [dist('yes', 100)])]),
      variantFlag('eid-neq', [rule([seg('s', [con(EID, 'x', 'neq', 'a')])], [dist('yes', 100)])]),
    ]),
    requests: [batch(R('eid', ''), R('eid-neq', ''), R('eid', ' '), R('eid-neq', ' '))],
  },

  // --- segments and match types ---
  {
    name: 'AND over zero segments matches, OR over zero segments does not',
    snapshot: snap([
      variantFlag('and0', [rule([], [dist('yes', 100)], AND)]),
      variantFlag('or0', [rule([], [dist('yes', 100)], OR)], { defaultVariant: { id: 'd', key: 'dflt' } }),
      variantFlag('and-null', [rule(null, [dist('yes', 100)], AND)]),
      variantFlag('or-missing', [{ segmentOperator: OR, distributions: [dist('yes', 100)] }]),
      booleanFlag('band0', [segRollout(false, [], AND)]),
      booleanFlag('bor0', [segRollout(false, [], OR)]),
    ]),
    requests: [V('and0'), V('or0'), V('and-null'), V('or-missing'), B('band0'), B('bor0')],
  },
  {
    name: 'ANY and ALL with zero constraints both match',
    snapshot: snap([
      variantFlag('any0', [rule([seg('s', [], ANY)], [dist('yes', 100)])]),
      variantFlag('all0', [rule([seg('s', [], ALL)], [dist('yes', 100)])]),
    ]),
    requests: [V('any0'), V('all0')],
  },
  {
    name: 'unknown constraint type fails the whole segment when reached',
    snapshot: snap([
      // ALL: unknown first -> false
      variantFlag('all-unknown', [rule([seg('s', [con('FOO_CONSTRAINT_COMPARISON_TYPE', 'p', 'eq', 'x'), con(STR, 'p', 'eq', 'x')])], [dist('yes', 100)])]),
      // ANY: a match before the unknown one stops early -> true
      variantFlag('any-match-first', [rule([seg('s', [con(STR, 'p', 'eq', 'x'), con('FOO', 'p', 'eq', 'x')], ANY)], [dist('yes', 100)])]),
      // ANY: unknown before the match -> the segment is false
      variantFlag('any-unknown-first', [rule([seg('s', [con('FOO', 'p', 'eq', 'x'), con(STR, 'p', 'eq', 'x')], ANY)], [dist('yes', 100)])]),
      // ALL: a failing constraint before the unknown one
      variantFlag('all-fail-first', [rule([seg('s', [con(STR, 'p', 'eq', 'nope'), con('', 'p', 'eq', 'x')])], [dist('yes', 100)])]),
      // AND of two segments, one with an unknown type
      variantFlag('and-two', [rule([seg('ok', []), seg('bad', [con('UNKNOWN_CONSTRAINT_COMPARISON_TYPE', 'p', 'eq', 'x')])], [dist('yes', 100)], AND)]),
      // OR of two segments, one with an unknown type
      variantFlag('or-two', [rule([seg('ok', []), seg('bad', [con('UNKNOWN_CONSTRAINT_COMPARISON_TYPE', 'p', 'eq', 'x')])], [dist('yes', 100)], OR)]),
      booleanFlag('b-any-unknown-first', [segRollout(true, [seg('s', [con('FOO', 'p', 'eq', 'x'), con(STR, 'p', 'eq', 'x')], ANY)])]),
    ]),
    requests: ['all-unknown', 'any-match-first', 'any-unknown-first', 'all-fail-first', 'and-two', 'or-two']
      .flatMap((f) => [V(f, 'user-1', { p: 'x' }), V(f, 'user-1', {})])
      .concat([B('b-any-unknown-first', 'user-1', { p: 'x' })]),
  },
  {
    name: 'unknown enum strings fall back: variant type, OR operator, ANY match type',
    snapshot: snap([
      { key: 'no-type', name: 'n', enabled: true, rules: [rule([everyone], [dist('yes', 100)])] },
      { key: 'null-type', name: 'n', enabled: true, type: null, rules: [rule([everyone], [dist('yes', 100)])] },
      { key: 'odd-type', name: 'n', enabled: true, type: 'FOO_FLAG_TYPE', rules: [rule([everyone], [dist('yes', 100)])] },
      { key: 'lower-bool', name: 'n', enabled: true, type: 'boolean_flag_type', rules: [], rollouts: [threshold(100, true)] },
      variantFlag('xor', [rule([seg('a', [con(STR, 'p', 'eq', 'x')]), seg('b', [])], [dist('yes', 100)], 'XOR_SEGMENT_OPERATOR')]),
      variantFlag('empty-op', [rule([seg('a', [con(STR, 'p', 'eq', 'x')]), seg('b', [])], [dist('yes', 100)], '')]),
      variantFlag('odd-match', [rule([seg('a', [con(STR, 'p', 'eq', 'x'), con(STR, 'p', 'eq', 'y')], 'FOO_MATCH_TYPE')], [dist('yes', 100)])]),
      booleanFlag('rollout-no-op', [segRollout(true, [seg('a', [con(STR, 'p', 'eq', 'x')]), seg('b', [])])]),
      booleanFlag('rollout-null-op', [segRollout(true, [seg('a', [con(STR, 'p', 'eq', 'x')]), seg('b', [])], null)]),
      booleanFlag('rollout-odd-op', [segRollout(true, [seg('a', [con(STR, 'p', 'eq', 'x')]), seg('b', [])], 'XOR')]),
    ]),
    requests: [
      V('no-type'),
      B('no-type'),
      V('null-type'),
      V('odd-type'),
      V('lower-bool'),
      B('lower-bool'),
      V('xor', 'user-1', { p: 'no' }),
      V('empty-op', 'user-1', { p: 'no' }),
      V('odd-match', 'user-1', { p: 'y' }),
      B('rollout-no-op', 'user-1', { p: 'no' }),
      B('rollout-null-op', 'user-1', { p: 'no' }),
      B('rollout-odd-op', 'user-1', { p: 'no' }),
      LIST,
    ],
  },
  {
    name: 'segmentKeys report only the matched segments',
    snapshot: snap([
      variantFlag('sk', [rule([seg('a', [con(STR, 'p', 'eq', 'x')]), seg('b', []), seg('c', [con(STR, 'p', 'eq', 'y')])], [dist('yes', 100)])]),
      variantFlag('sk-and', [rule([seg('a', []), seg('b', []), seg('c', [])], [dist('yes', 100)], AND)]),
      booleanFlag('bsk', [segRollout(true, [seg('a', [con(STR, 'p', 'eq', 'x')]), seg('b', []), seg('c', [con(STR, 'p', 'eq', 'y')])])]),
    ]),
    requests: [
      V('sk', 'u', { p: 'x' }),
      V('sk', 'u', { p: 'y' }),
      V('sk', 'u', {}),
      V('sk-and'),
      B('bsk', 'u', { p: 'x' }),
      B('bsk', 'u', {}),
    ],
  },
  {
    name: 'duplicate segment keys within a rule: the last one wins',
    snapshot: snap([
      variantFlag('dup-last-fails', [rule([seg('s', []), seg('s', [con(STR, 'p', 'eq', 'never')])], [dist('yes', 100)])]),
      variantFlag('dup-last-matches', [rule([seg('s', [con(STR, 'p', 'eq', 'never')]), seg('s', [])], [dist('yes', 100)])]),
      variantFlag('dup-and', [rule([seg('s', [con(STR, 'p', 'eq', 'never')]), seg('s', []), seg('t', [])], [dist('yes', 100)], AND)]),
      booleanFlag('bdup', [segRollout(true, [seg('s', []), seg('s', [con(STR, 'p', 'eq', 'never')])])]),
    ]),
    requests: [V('dup-last-fails'), V('dup-last-matches'), V('dup-and'), B('bdup')],
  },
  {
    name: 'duplicate flag keys: the last flag wins (type, rules and listFlags)',
    snapshot: snap([
      variantFlag('dup', [rule([everyone], [dist('first', 100)])]),
      booleanFlag('dup', [threshold(100, true)]),
      booleanFlag('dup2', [threshold(100, true)]),
      variantFlag('dup2', [rule([everyone], [dist('second', 100)]), rule([everyone], [dist('third', 100)])], { enabled: false, defaultVariant: { id: 'x', key: 'dv' } }),
      variantFlag('dup3', [rule([everyone], [dist('a', 100)]), rule([everyone], [dist('b', 100)])]),
      variantFlag('dup3', [rule([seg('s', [con(STR, 'p', 'eq', 'x')])], [dist('c', 100)])]),
    ]),
    requests: [V('dup'), B('dup'), V('dup2'), B('dup2'), V('dup3'), V('dup3', 'u', { p: 'x' }), batch(R('dup'), R('dup2'), R('dup3')), LIST],
  },
  {
    name: 'rank is ignored: array order decides for rules and rollouts',
    snapshot: snap([
      variantFlag('ranked', [
        { ...rule([everyone], [dist('first', 100)]), rank: 5 },
        { ...rule([everyone], [dist('second', 100)]), rank: 1 },
      ]),
      booleanFlag('branked', [
        { ...threshold(100, false), rank: 9 },
        { ...threshold(100, true), rank: 1 },
      ]),
      booleanFlag('btype-ignored', [{ type: 'SEGMENT_ROLLOUT_TYPE', rank: 1, threshold: { percentage: 100, value: false } }]),
    ]),
    requests: [V('ranked'), B('branked'), B('btype-ignored')],
  },
  {
    name: 'first matching rule wins; later rules are not consulted',
    snapshot: snap([
      variantFlag('rules', [
        rule([seg('a', [con(STR, 'p', 'eq', 'x')])], [dist('ax', 100)]),
        rule([seg('b', [con(STR, 'p', 'prefix', '')])], [dist('b', 100)]),
        rule([everyone], [dist('last', 100)]),
      ]),
    ]),
    requests: [V('rules', 'u', { p: 'x' }), V('rules', 'u', { p: 'y' }), V('rules', 'u', {})],
  },
  {
    name: 'boolean rollouts: neither/both/null, order, default from enabled',
    snapshot: snap([
      booleanFlag('neither', [{ type: 'UNKNOWN_ROLLOUT_TYPE' }, {}, { threshold: null, segment: null }, threshold(100, false)]),
      booleanFlag('both', [{ threshold: { percentage: 100, value: false }, segment: { value: true, segments: [] } }]),
      booleanFlag('both-miss', [{ threshold: { percentage: 0, value: false }, segment: { value: false, segments: [], segmentOperator: AND } }]),
      booleanFlag('empty-rollouts', [], { enabled: true }),
      booleanFlag('null-rollouts', [], { enabled: false, rollouts: null }),
      { key: 'missing-rollouts', name: 'm', enabled: true, type: 'BOOLEAN_FLAG_TYPE' },
      booleanFlag('no-match', [segRollout(false, [seg('s', [con(STR, 'p', 'eq', 'x')])]), threshold(0, false)], { enabled: true }),
    ]),
    requests: ['neither', 'both', 'both-miss', 'empty-rollouts', 'null-rollouts', 'missing-rollouts', 'no-match'].map((f) => B(f)),
  },
  {
    name: 'disabled boolean flag still runs its rollouts',
    snapshot: snap([
      booleanFlag('off-th', [threshold(100, true)], { enabled: false }),
      booleanFlag('off-seg', [segRollout(true, [everyone])], { enabled: false }),
      booleanFlag('off-none', [], { enabled: false }),
      booleanFlag('on-none', [], { enabled: true }),
    ]),
    requests: [B('off-th'), B('off-seg'), B('off-none'), B('on-none'), batch(R('off-th'), R('off-none'))],
  },
  {
    name: 'disabled variant flag keeps the default variant',
    snapshot: snap([
      variantFlag('off-dv', [rule([everyone], [dist('yes', 100)])], { enabled: false, defaultVariant: { id: '1', key: 'dflt', attachment: '{"on":false}' } }),
      variantFlag('off-dv-noatt', [rule([everyone], [dist('yes', 100)])], { enabled: false, defaultVariant: { id: '1', key: 'dflt' } }),
      variantFlag('off-nodv', [rule([everyone], [dist('yes', 100)])], { enabled: false }),
    ]),
    requests: [V('off-dv'), V('off-dv-noatt'), V('off-nodv'), B('off-dv')],
  },
  {
    name: 'no rules: default variant gives DEFAULT, no default variant gives UNKNOWN',
    snapshot: snap([
      variantFlag('norules-dv', [], { defaultVariant: { id: '1', key: 'dflt', attachment: '' } }),
      variantFlag('norules', []),
      variantFlag('nomatch-dv', [rule([seg('s', [con(STR, 'p', 'eq', 'x')])], [dist('yes', 100)])], { defaultVariant: { id: '1', key: 'dflt', attachment: 'null' } }),
      variantFlag('nomatch', [rule([seg('s', [con(STR, 'p', 'eq', 'x')])], [dist('yes', 100)])]),
      variantFlag('rules-null', [], { rules: null, defaultVariant: { id: '1', key: 'dflt' } }),
    ]),
    requests: ['norules-dv', 'norules', 'nomatch-dv', 'nomatch', 'rules-null'].map((f) => V(f)),
  },
  {
    name: 'attachments: empty string, missing, null, "null", JSON text, default not kept',
    snapshot: snap([
      variantFlag('att-empty', [rule([everyone], [dist('v', 100, '')])], { defaultVariant: { id: '1', key: 'd', attachment: '{"d":1}' } }),
      variantFlag('att-missing', [rule([everyone], [dist('v', 100)])], { defaultVariant: { id: '1', key: 'd', attachment: '{"d":1}' } }),
      variantFlag('att-null', [rule([everyone], [dist('v', 100, null)])], { defaultVariant: { id: '1', key: 'd', attachment: '{"d":1}' } }),
      variantFlag('att-nulltext', [rule([everyone], [dist('v', 100, 'null')])]),
      variantFlag('att-json', [rule([everyone], [dist('v', 100, '{ "a" : [1, 2], "b": "😀" }')])]),
      variantFlag('att-notjson', [rule([everyone], [dist('v', 100, 'not json at all')])]),
      variantFlag('dv-att-null', [], { defaultVariant: { id: '1', key: 'd', attachment: null } }),
      variantFlag('dv-att-empty', [], { defaultVariant: { id: '1', key: 'd', attachment: '' } }),
      variantFlag('nodist-dv-att', [rule([everyone], [])], { defaultVariant: { id: '1', key: 'd', attachment: '{"kept":true}' } }),
    ]),
    requests: [
      ...['att-empty', 'att-missing', 'att-null', 'att-nulltext', 'att-json', 'att-notjson', 'dv-att-null', 'dv-att-empty', 'nodist-dv-att'].map((f) => V(f)),
      LIST,
    ],
  },
  {
    name: 'listFlags: descriptions, default variants, types',
    snapshot: snap([
      variantFlag('l1', [], { description: 'described', defaultVariant: { id: '1', key: 'd', attachment: '{"x":1}', name: 'ignored' } }),
      variantFlag('l2', [], { description: '', enabled: false }),
      variantFlag('l3', [], { description: null, defaultVariant: null }),
      booleanFlag('l4', [], { description: 'bool', defaultVariant: { id: '2', key: 'odd' } }),
      { key: 'l5', name: 'no type', enabled: true },
    ]),
    requests: [LIST],
  },
  {
    name: 'listFlags on an empty snapshot',
    snapshot: snap([]),
    requests: [LIST, V('x'), batch(R('x'))],
  },

  // --- keys and strings ---
  {
    name: 'lone surrogates become U+FFFD in flag keys, entity ids and contexts',
    snapshot: snap([
      variantFlag('\ud800', [rule([seg('\udc00', [con(STR, '\ud800', 'eq', '\udfff')])], [dist('a', 50), dist('b', 50)])]),
      variantFlag('e\ud800', [rule([seg('s', [con(EID, 'x', 'eq', '\ufffd')])], [dist('yes', 100)])]),
      booleanFlag('b\udc00', [threshold(50, true)]),
    ]),
    requests: [
      V('\ud800', 'k1', {}),
      V('\udbff', 'k1', ctx({ '\ud800': '\ufffd' })),
      V('\ufffd', 'k1', ctx({ '\ufffd': '\udc00' })),
      V('\ud800', '\ud800', {}),
      V('\ud800', '\ufffd', {}),
      V('e\ud800', '\ud800'),
      V('e\ufffd', 'x'),
      B('b\ud800', 'k1'),
      B('b\ufffd', '\udc00'),
      B('b\ufffd', '\ufffd'),
      batch(R('\ud800'), R('\udfff'), R('missing\ud800')),
      LIST,
    ],
  },
  {
    name: 'two lone surrogates collide as duplicate flag keys',
    snapshot: snap([variantFlag('\ud800', [rule([everyone], [dist('first', 100)])]), booleanFlag('\udc00', [threshold(100, true)])]),
    requests: [V('\ud800'), B('\ud800'), B('\ufffd'), LIST],
  },
  {
    name: 'context keys that collide after surrogate replacement',
    snapshot: snap([variantFlag('c', [rule([seg('s', [con(STR, '\ufffd', 'eq', 'second')])], [dist('yes', 100)])])]),
    requests: [
      V('c', 'u', ctx([['\ud800', 'first'], ['\udc00', 'second']])),
      V('c', 'u', ctx([['\udc00', 'second'], ['\ud800', 'first']])),
      V('c', 'u', ctx([['\ufffd', 'second'], ['\ud800', 'first']])),
    ],
  },
  {
    name: '__proto__ / constructor / toString as flag keys and context properties',
    snapshot: snap([
      variantFlag('__proto__', [rule([seg('__proto__', [con(STR, '__proto__', 'eq', 'x')])], [dist('proto', 100)])]),
      variantFlag('constructor', [rule([seg('constructor', [con(STR, 'constructor', 'empty', '')])], [dist('ctor', 100)])]),
      booleanFlag('toString', [segRollout(true, [seg('s', [con(STR, 'toString', 'notempty', '')])])]),
      variantFlag('valueOf', [rule([seg('s', [con(STR, 'hasOwnProperty', 'eq', '')])], [dist('v', 100)])], { defaultVariant: { id: '1', key: '__proto__' } }),
    ]),
    requests: [
      V('__proto__', 'u', ctx([['__proto__', 'x']])),
      V('__proto__', 'u', JSON.parse('{"__proto__":"x"}')),
      V('__proto__', 'u', {}),
      V('constructor', 'u', {}),
      V('constructor', 'u', ctx({ constructor: 'set' })),
      B('toString', 'u', {}),
      B('toString', 'u', ctx({ toString: 'yes' })),
      V('valueOf', 'u', {}),
      V('hasOwnProperty'),
      B('__proto__'),
      batch(R('__proto__', 'u', ctx([['__proto__', 'x']])), R('toString'), R('hasOwnProperty'), R('prototype')),
      LIST,
    ],
  },
  {
    name: 'missing context property reads as empty string',
    snapshot: snap([
      variantFlag('miss', [rule([seg('s', [con(STR, 'p', 'empty', ''), con(NUM, 'n', 'notpresent', ''), con(BOOL, 'b', 'notpresent', ''), con(DT, 'd', 'notpresent', '')])], [dist('yes', 100)])]),
    ]),
    requests: [V('miss', 'u', {}), V('miss', 'u', { p: '', n: '', b: '', d: '' }), V('miss', 'u', { p: 'x' }), V('miss', 'u', { n: '1' })],
  },

  // --- request validation ---
  {
    name: 'empty or whitespace flagKey/entityId throw in single evaluation but not in a batch',
    snapshot: snap([
      variantFlag('  ', [rule([everyone], [dist('spaces', 100)])]),
      variantFlag('\u00a0', [rule([everyone], [dist('nbsp', 100)])]),
      variantFlag('\u200b', [rule([everyone], [dist('zwsp', 100)])]),
      booleanFlag('b', [threshold(50, true)]),
      variantFlag('v', [rule([everyone], [dist('a', 50), dist('b', 50)])]),
    ]),
    requests: [
      V(''),
      V('  '),
      V('\u00a0'),
      V('\u200b'),
      V('v', ''),
      V('v', '  '),
      V('v', '\t\n'),
      V('v', '\ufeff'),
      B('b', ''),
      B('b', ' '),
      B('', 'u'),
      batch(R('  '), R('\u00a0'), R('\u200b'), R('v', ''), R('v', '  '), R('b', ''), R('b', '\u3000'), R('', 'u'), R('', '')),
    ],
  },
  {
    name: 'non-string context values and bad contexts throw (in a batch the whole batch throws)',
    snapshot: snap([variantFlag('v', [rule([everyone], [dist('a', 100)])]), booleanFlag('b', [threshold(50, true)])]),
    requests: [
      V('v', 'u', { a: null }),
      V('v', 'u', { a: 1 }),
      V('v', 'u', { a: true }),
      V('v', 'u', { a: {} }),
      V('v', 'u', { a: ['x'] }),
      V('v', 'u', { a: undefined }),
      V('v', 'u', null),
      V('v', 'u', 'plan=pro'),
      V('v', 'u', 5),
      { kind: 'variant', request: { flagKey: 'v', entityId: 'u' } },
      B('b', 'u', { a: 1 }),
      B('b', 'u', null),
      batch(R('v', 'u', {}), R('v', 'u', { a: 1 })),
      batch(R('v', 'u', {}), { flagKey: 'v', entityId: 'u' }),
      batch(R('missing', 'u', null)),
      batch(R(5, 'u')),
      batch(R('v', 5)),
      batch(R('v', null)),
      V(5, 'u'),
      V('v', 5),
      B(null, 'u'),
    ],
  },
  {
    name: 'unusual but accepted contexts: null prototype, Map, numeric keys, extra request fields',
    snapshot: snap([variantFlag('v', [rule([seg('s', [con(STR, 'plan', 'eq', 'pro')])], [dist('yes', 100)])])]),
    requests: [
      V('v', 'u', Object.assign(Object.create(null) as Record<string, string>, { plan: 'pro' })),
      V('v', 'u', new Map([['plan', 'pro']])),
      V('v', 'u', new Map<unknown, unknown>([['plan', 'pro'], [1, 'x']])),
      V('v', 'u', { 1: 'x', plan: 'pro', 0: 'y' }),
      { kind: 'variant', request: { flagKey: 'v', entityId: 'u', context: { plan: 'pro' }, namespaceKey: 'other', extra: 1 } },
    ],
  },
  {
    // serde_wasm_bindgen reads an array as a list of [key, value] pairs: ['pro'] is {p: 'r'},
    // ['x'] fails (no value), [['plan','pro']] is {plan: 'pro'}. API misuse, recorded as-is.
    name: 'array contexts are read as [key, value] pairs (serde_wasm_bindgen quirk)',
    snapshot: snap([variantFlag('v', [rule([seg('s', [con(STR, 'plan', 'eq', 'pro')])], [dist('yes', 100)]), rule([seg('p', [con(STR, 'p', 'eq', 'r')])], [dist('pr', 100)])])]),
    requests: [
      V('v', 'u', [['plan', 'pro']]),
      V('v', 'u', ['pro']),
      V('v', 'u', ['x']),
      V('v', 'u', []),
      V('v', 'u', [['plan', 1]]),
      batch(R('v', 'u', [['plan', 'pro']])),
    ],
  },
  {
    name: 'missing flag and wrong type throw in single evaluation; batch reports NOT_FOUND',
    snapshot: snap([variantFlag('v', [rule([everyone], [dist('a', 100)])]), booleanFlag('b', [threshold(50, true)])]),
    requests: [
      V('nope'),
      B('nope'),
      V('b'),
      B('v'),
      V('V'),
      V('v '),
      batch(R('nope'), R('b'), R('v'), R('nope', ''), R('v', 'other')),
      batch(),
    ],
  },
  {
    name: 'snapshot namespace key is used for lookups',
    snapshot: snap([variantFlag('v', [rule([everyone], [dist('a', 100)])])], 'production'),
    requests: [V('v'), batch(R('v'), R('missing')), LIST],
  },
  {
    name: 'namespace key with a lone surrogate',
    snapshot: snap([variantFlag('v', [rule([everyone], [dist('a', 100)])])], 'ns\ud800'),
    requests: [V('v'), batch(R('missing')), LIST],
  },

  // --- snapshot loading: accepted oddities ---
  {
    name: 'accepted: optional lists null or missing, extra fields, integer rollouts, digest',
    snapshot: {
      namespace: { key: 'default', name: 'Default', extra: true },
      digest: 'abc',
      version: 99,
      flags: [
        { key: 'a', name: 'a', enabled: true, rules: null, rollouts: null, createdAt: 'x', metadata: { k: 1 } },
        { key: 'b', name: 'b', enabled: true, type: 'BOOLEAN_FLAG_TYPE' },
        {
          key: 'c',
          name: '',
          enabled: true,
          description: null,
          defaultVariant: null,
          rules: [{ id: 'r', rank: 'x', segmentOperator: AND, segments: null, distributions: [{ ruleId: 1, variantId: 2, variantKey: 'k', rollout: 100 }] }],
        },
      ],
    },
    requests: [V('a'), B('b'), V('c'), LIST],
  },

  // --- snapshot loading: rejected ---
  ...(
    [
      ['rejected: flag without name', snap([{ key: 'f', enabled: true }])],
      ['rejected: flag name null', snap([{ key: 'f', name: null, enabled: true }])],
      ['rejected: enabled as a string', snap([{ key: 'f', name: 'f', enabled: 'true' }])],
      ['rejected: enabled missing', snap([{ key: 'f', name: 'f' }])],
      ['rejected: flag key missing', snap([{ name: 'f', enabled: true }])],
      ['rejected: flag type as a number', snap([{ key: 'f', name: 'f', enabled: true, type: 1 }])],
      ['rejected: description as a number', snap([{ key: 'f', name: 'f', enabled: true, description: 5 }])],
      ['rejected: rule without distributions', snap([variantFlag('f', [{ segmentOperator: OR, segments: [] }])])],
      ['rejected: rule without segmentOperator', snap([variantFlag('f', [{ segments: [], distributions: [] }])])],
      ['rejected: rule segmentOperator null', snap([variantFlag('f', [{ segmentOperator: null, segments: [], distributions: [] }])])],
      ['rejected: segment without matchType', snap([variantFlag('f', [rule([{ key: 's', constraints: [] }], [])])])],
      ['rejected: segment without constraints', snap([variantFlag('f', [rule([{ key: 's', matchType: ALL }], [])])])],
      ['rejected: segment without key', snap([variantFlag('f', [rule([{ matchType: ALL, constraints: [] }], [])])])],
      ['rejected: constraint value as a number', snap([variantFlag('f', [rule([seg('s', [{ type: NUM, property: 'n', operator: 'eq', value: 5 }])], [])])])],
      ['rejected: constraint without operator', snap([variantFlag('f', [rule([seg('s', [{ type: STR, property: 'n', value: 'x' }])], [])])])],
      ['rejected: constraint type null', snap([variantFlag('f', [rule([seg('s', [{ type: null, property: 'n', operator: 'eq', value: 'x' }])], [])])])],
      ['rejected: rollout as a string', snap([variantFlag('f', [rule([], [{ variantKey: 'a', rollout: '50' }])])])],
      ['rejected: distribution without variantKey', snap([variantFlag('f', [rule([], [{ rollout: 50 }])])])],
      ['rejected: threshold without value', snap([booleanFlag('f', [{ threshold: { percentage: 50 } }])])],
      ['rejected: threshold percentage null', snap([booleanFlag('f', [{ threshold: { percentage: null, value: true } }])])],
      ['rejected: segment rollout without value', snap([booleanFlag('f', [{ segment: { segments: [] } }])])],
      ['rejected: segment rollout without segments', snap([booleanFlag('f', [{ segment: { value: true } }])])],
      ['rejected: default variant without id', snap([variantFlag('f', [], { defaultVariant: { key: 'd' } })])],
      ['rejected: default variant attachment as an object', snap([variantFlag('f', [], { defaultVariant: { id: '1', key: 'd', attachment: { a: 1 } } })])],
      ['rejected: namespace missing', { flags: [] }],
      ['rejected: namespace key as a number', { namespace: { key: 1 }, flags: [] }],
      ['rejected: flags missing', { namespace: { key: 'default' } }],
      ['rejected: flags null', { namespace: { key: 'default' }, flags: null }],
      ['rejected: a null flag', { namespace: { key: 'default' }, flags: [null] }],
      ['rejected: snapshot is an array', []],
      ['rejected: snapshot is null', null],
      ['rejected: snapshot is a number', 5],
      ['rejected: rules as an object', snap([{ key: 'f', name: 'f', enabled: true, rules: {} }])],
      ['rejected: one bad flag among good ones', snap([variantFlag('good', []), { key: 'bad', name: 'bad', enabled: 1 }])],
    ] as [string, unknown][]
  ).map(([name, snapshot]): CorpusCase => ({ name, snapshot, requests: [V('f'), LIST] })),
];
