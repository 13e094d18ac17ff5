/**
 * Seeded random generation of Flipt snapshots (proto-JSON, the shape of
 * `/internal/v1/evaluation/snapshot/namespace/{ns}` and the v2 snapshot endpoint) and of
 * evaluation requests, for differential testing against the oracle.
 *
 * Values come from small pools shared by constraints and contexts so that constraints
 * actually match; entity ids are partly chosen (via crc32, the hash Flipt buckets with) to land
 * on or next to distribution bucket boundaries and threshold percentages.
 */

// ---------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: small, fast, good enough for test generation; fully determined by the seed. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from empty list');
    return items[this.int(items.length)] as T;
  }

  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of entries) total += w;
    let r = this.next() * total;
    for (const [w, v] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('weighted from empty list');
    return last[1];
  }

  shuffle<T>(items: readonly T[]): T[] {
    const a = items.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i] as T;
      a[i] = a[j] as T;
      a[j] = t;
    }
    return a;
  }
}

/** Mixes a seed and an index into a new 32-bit seed (so sub-streams are reproducible). */
export function deriveSeed(seed: number, index: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// crc32 (IEEE), used only to steer entity ids towards interesting buckets

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

const encoder = new TextEncoder();

function crcUpdate(state: number, bytes: Uint8Array): number {
  let c = state;
  for (let i = 0; i < bytes.length; i++) {
    c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  }
  return c;
}

/** crc32 of the UTF-8 encoding (lone surrogates become U+FFFD, as in Rust/WASM). */
export function crc32(s: string): number {
  return (crcUpdate(0xffffffff, encoder.encode(s)) ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Types

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface EvalRequest {
  flagKey: string;
  entityId: string;
  context: Record<string, string>;
}

export type EvalCall =
  | { kind: 'variant'; request: EvalRequest }
  | { kind: 'boolean'; request: EvalRequest }
  | { kind: 'batch'; requests: EvalRequest[] }
  | { kind: 'listFlags' };

// ---------------------------------------------------------------------------------------------
// Pools

export const CONSTRAINT_TYPES = {
  string: 'STRING_CONSTRAINT_COMPARISON_TYPE',
  number: 'NUMBER_CONSTRAINT_COMPARISON_TYPE',
  boolean: 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE',
  datetime: 'DATETIME_CONSTRAINT_COMPARISON_TYPE',
  entityId: 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE',
} as const;

const UNKNOWN_CONSTRAINT_TYPES = [
  'UNKNOWN_CONSTRAINT_COMPARISON_TYPE',
  'FOO_CONSTRAINT_COMPARISON_TYPE',
  '',
  'string_constraint_comparison_type',
  'STRING',
];

/** Property names: a handful of ordinary ones, plus ones that trip up JS objects. */
const PROPERTIES_COMMON = ['plan', 'age', 'beta', 'signup', 'region', 'tier'];
const PROPERTIES_ODD = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  'é',
  'e\u0301',
  '\ud800',
  '\udc00',
  '\ufffd',
  '0',
];

const STRING_VALUES = [
  'pro',
  'free',
  'pro-plus',
  'PRO',
  'enterprise',
  'é',
  'e\u0301',
  '😀',
  '\ud83d',
  '\ud800',
  '\ufffd',
  ' ',
  'a"b',
  'x/y',
  'line\nbreak',
  'tab\t',
  'back\\slash',
  'user-1',
  'user',
  '1',
];

const NUMBER_VALUES = [
  '0',
  '5',
  '-5',
  '+5',
  ' 5',
  '5 ',
  '5.0',
  '05',
  '10',
  '42',
  '-1',
  '100',
  '2147483647',
  '2147483648',
  '-2147483648',
  '-2147483649',
  '-0',
  '+0',
  '1e3',
  '0x10',
  'abc',
  '٣',
  '++5',
  '-',
  '+',
  '5_000',
];

const BOOLEAN_VALUES = ['true', 'false', 'True', 'FALSE', '1', '0', ' true', 'true ', 'yes', 't'];

const DATETIME_VALUES = [
  '2024-01-01T00:00:00Z',
  '2024-01-01t00:00:00z',
  '2024-01-01 00:00:00Z',
  '2024-01-01T00:00:00+00:00',
  '2024-01-01T00:00:00-00:00',
  '2024-01-01T01:00:00+01:00',
  '2023-12-31T19:00:00-05:00',
  '2023-12-31T19:00:00\u221205:00',
  '2024-01-01T00:00:00.999Z',
  '2024-01-01T00:00:00.123456789Z',
  '2024-01-01T00:00:00.1234567891Z',
  '2024-01-01T00:00:00.5+00:30',
  '2024-01-01T00:00:00,5Z',
  '2024-01-01T00:00:00.Z',
  '2024-01-01T00:00:59Z',
  '2024-01-01T00:01:00Z',
  '2023-12-31T23:59:59Z',
  '2023-12-31T23:59:60Z',
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60.5Z',
  '2024-01-01T00:00:60Z',
  '2024-01-01T00:00:61Z',
  '2024-01-01',
  '2024-01-01T00:00Z',
  '2024-01-01T00:00:00',
  '2024-01-01T00:00:00+0530',
  '2024-01-01T05:30:00+05:30',
  '2024-01-01T00:00:00+24:00',
  '2024-01-01T00:00:00+23:59',
  '2024-01-01T00:00:00+01',
  '2024-01-01T00:00:00+01:60',
  '2024-01-01T24:00:00Z',
  '2024-02-30T00:00:00Z',
  '2024-02-29T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-1-01T00:00:00Z',
  '+2024-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  ' 2024-01-01T00:00:00Z',
  '2024-01-01T00:00:00Z ',
  '2024-01-01T00:00:00 Z',
  '2024-01-01T00:00:00UTC',
  '2024-01-01_00:00:00Z',
  'now',
];

const ENTITY_IDS = [
  'user-1',
  'user-2',
  'user-3',
  'u4',
  'pro',
  'pro-plus',
  'free',
  'é',
  'e\u0301',
  '😀',
  '\ud800',
  '\ufffd',
  ' a',
  '0',
  '5',
  'a"b',
  'user',
];

const FLAG_KEYS = [
  'f0',
  'f1',
  'f2',
  'f3',
  'f4',
  'f5',
  'f6',
  'f7',
  'checkout',
  'new-ui',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'é',
  'e\u0301',
  '😀',
  '\ud800',
  '\udc00',
  '\ufffd',
  ' spaced ',
  'a-1',
];

const SEGMENT_KEYS = [
  's1',
  's2',
  's3',
  's4',
  'beta-users',
  '__proto__',
  'constructor',
  'é',
  '\ud800',
  '\udc00',
  '😀',
];

const VARIANT_KEYS = ['a', 'b', 'c', 'control', 'treatment', '', 'é', '\ud800', '__proto__'];

const ATTACHMENTS: readonly (string | null | undefined)[] = [
  undefined,
  undefined,
  null,
  '',
  'null',
  '{}',
  '{"a":1}',
  '{ "spaced" : [1, 2] }',
  '[1,2,3]',
  '"text"',
  'not json',
  '{"emoji":"😀","lone":"\\ud800"}',
];

const NAMESPACE_KEYS = ['default', 'default', 'default', 'production', 'é', 'ns\ud800'];

// ---------------------------------------------------------------------------------------------
// Constraint values

type Kind = 'string' | 'number' | 'boolean' | 'datetime' | 'entityId' | 'unknown';

const OPERATORS: Record<Kind, readonly string[]> = {
  string: [
    'eq',
    'neq',
    'prefix',
    'suffix',
    'contains',
    'notcontains',
    'isoneof',
    'isnotoneof',
    'empty',
    'notempty',
  ],
  entityId: [
    'eq',
    'neq',
    'prefix',
    'suffix',
    'contains',
    'notcontains',
    'isoneof',
    'isnotoneof',
    'empty',
    'notempty',
  ],
  number: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'isoneof', 'isnotoneof', 'present', 'notpresent'],
  boolean: ['true', 'false', 'present', 'notpresent'],
  datetime: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'present', 'notpresent'],
  unknown: ['eq', 'present', 'notpresent', 'empty'],
};

const UNKNOWN_OPERATORS = ['EQ', 'Eq', 'equals', '', 'lt', 'isoneof', 'present', 'empty', 'true', 'matches'];

function poolFor(kind: Kind): readonly string[] {
  switch (kind) {
    case 'string':
      return STRING_VALUES;
    case 'entityId':
      return ENTITY_IDS;
    case 'number':
      return NUMBER_VALUES;
    case 'boolean':
      return BOOLEAN_VALUES;
    case 'datetime':
      return DATETIME_VALUES;
    default:
      return STRING_VALUES;
  }
}

function anyPoolValue(rng: Random): string {
  return rng.pick(poolFor(rng.pick<Kind>(['string', 'number', 'boolean', 'datetime', 'entityId'])));
}

/** A JSON-array (or not) value for isoneof / isnotoneof. */
function oneOfValue(rng: Random, kind: Kind): string {
  const r = rng.next();
  if (kind === 'number') {
    if (r < 0.6) {
      const n = rng.range(0, 4);
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        items.push(
          rng.weighted<string>([
            [6, String(rng.pick([0, 5, -5, 10, 42, -1, 100, 2147483647, -2147483648]))],
            [1, '-0'],
            [1, '1.0'],
            [1, '5.0'],
            [1, '2147483648'],
            [1, '"5"'],
            [1, '1e1'],
            [1, '+5'],
            [1, '05'],
          ]),
        );
      }
      const sep = rng.pick([',', ', ', ' , ']);
      const body = items.join(sep);
      return rng.pick([`[${body}]`, `[${body}]`, ` [ ${body} ] `, `[${body},]`]);
    }
    return rng.pick(['5', '[5', 'null', '[]', '[[5]]', '{"a":5}', '', 'five', '[5]x', '["5"]', '[true]']);
  }
  // string / entityId / anything else
  if (r < 0.65) {
    const pool = poolFor(kind === 'entityId' ? 'entityId' : 'string');
    const n = rng.range(0, 4);
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(rng.pick(pool));
    return rng.chance(0.8) ? JSON.stringify(items) : ` ${JSON.stringify(items, null, 1)} `;
  }
  return rng.pick([
    'pro',
    '[pro]',
    '["pro",]',
    '[]',
    '[1,2]',
    '["pro", 1]',
    '["pro\\u0065"]',
    '["p\\"ro"]',
    '["x\\/y"]',
    '["pro"]x',
    '{"pro":1}',
    'null',
    '',
    '["pro","free"]',
    '["user-1","pro"]',
    '[null]',
  ]);
}

interface ConstraintHint {
  kind: Kind;
  property: string;
  operator: string;
  value: string;
}

interface GenState {
  rng: Random;
  hints: ConstraintHint[];
  properties: readonly string[];
}

function genConstraint(st: GenState): JsonObject {
  const { rng } = st;
  const kind = rng.weighted<Kind>([
    [30, 'string'],
    [20, 'number'],
    [10, 'boolean'],
    [17, 'datetime'],
    [15, 'entityId'],
    [3, 'unknown'],
  ]);
  const type =
    kind === 'unknown' ? rng.pick(UNKNOWN_CONSTRAINT_TYPES) : CONSTRAINT_TYPES[kind as Exclude<Kind, 'unknown'>];
  const operator = rng.chance(0.06) ? rng.pick(UNKNOWN_OPERATORS) : rng.pick(OPERATORS[kind]);
  const property = kind === 'entityId' && rng.chance(0.5) ? rng.pick(st.properties) : rng.pick(st.properties);
  let value: string;
  if (operator === 'isoneof' || operator === 'isnotoneof') value = oneOfValue(rng, kind);
  else if (rng.chance(0.9)) value = rng.pick(poolFor(kind));
  else value = anyPoolValue(rng);
  st.hints.push({ kind, property, operator, value });
  const c: JsonObject = { type, property, operator, value };
  if (rng.chance(0.3)) c['id'] = `c${rng.int(1000)}`;
  if (rng.chance(0.1)) c['description'] = 'constraint';
  return rng.chance(0.5) ? reorder(rng, c) : c;
}

function reorder(rng: Random, obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of rng.shuffle(Object.keys(obj))) out[k] = obj[k] as Json;
  return out;
}

function genSegment(st: GenState): JsonObject {
  const { rng } = st;
  const n = rng.weighted<number>([
    [12, 0],
    [40, 1],
    [30, 2],
    [18, 3],
  ]);
  const constraints: Json[] = [];
  for (let i = 0; i < n; i++) constraints.push(genConstraint(st));
  const seg: JsonObject = {
    key: rng.pick(SEGMENT_KEYS),
    matchType: rng.weighted<string>([
      [45, 'ALL_SEGMENT_MATCH_TYPE'],
      [45, 'ANY_SEGMENT_MATCH_TYPE'],
      [5, 'UNKNOWN_MATCH_TYPE'],
      [3, ''],
      [2, 'ALL_MATCH_TYPE'],
    ]),
    constraints,
  };
  if (rng.chance(0.2)) seg['name'] = 'segment';
  return seg;
}

function genSegments(st: GenState): Json[] {
  const n = st.rng.weighted<number>([
    [8, 0],
    [50, 1],
    [30, 2],
    [12, 3],
  ]);
  const segs: Json[] = [];
  for (let i = 0; i < n; i++) segs.push(genSegment(st));
  return segs;
}

const SEGMENT_OPERATORS: readonly (readonly [number, string])[] = [
  [45, 'OR_SEGMENT_OPERATOR'],
  [45, 'AND_SEGMENT_OPERATOR'],
  [5, 'XOR_SEGMENT_OPERATOR'],
  [3, ''],
  [2, 'and_segment_operator'],
];

function genRollout(rng: Random): number {
  return rng.weighted<number>([
    [40, rng.range(1, 100)],
    [10, Math.round(rng.next() * 100000) / 1000],
    [5, 100],
    [5, 0],
    [4, -rng.range(1, 50)],
    [3, 33.333333],
    [3, 1e-7],
    [2, 1e-50],
    [2, 0.0001],
    [1, 1e39],
    [1, 1e38],
    [1, 3.4e38],
    [2, 5.0000001],
    [2, 49.99999999],
    [2, 50.00000001],
  ]);
}

function genDistribution(rng: Random, ruleId: string): JsonObject {
  const d: JsonObject = {
    ruleId,
    variantKey: rng.pick(VARIANT_KEYS),
    rollout: genRollout(rng),
  };
  const att = rng.pick(ATTACHMENTS);
  if (att !== undefined) d['variantAttachment'] = att;
  if (rng.chance(0.3)) d['variantId'] = `v${rng.int(100)}`;
  return d;
}

function genRule(st: GenState, flagKey: string, idx: number): JsonObject {
  const { rng } = st;
  const id = `${flagKey}-r${idx}`;
  const rule: JsonObject = {
    id,
    rank: rng.chance(0.8) ? idx + 1 : rng.range(-3, 10),
    segmentOperator: rng.weighted(SEGMENT_OPERATORS),
  };
  const segMode = rng.weighted<string>([
    [92, 'list'],
    [4, 'null'],
    [4, 'missing'],
  ]);
  if (segMode === 'list') rule['segments'] = genSegments(st);
  else if (segMode === 'null') rule['segments'] = null;
  const nd = rng.weighted<number>([
    [12, 0],
    [25, 1],
    [35, 2],
    [18, 3],
    [10, 4],
  ]);
  const dists: Json[] = [];
  // Sometimes build a split designed to produce equal cumulative buckets.
  if (nd >= 2 && rng.chance(0.15)) {
    const tiny = rng.pick([1e-7, 1e-5, 0.001, 0.04, 0.05, 0.06]);
    const big = rng.pick([50, 25, 33.3, 70]);
    dists.push({ ruleId: id, variantKey: 'a', rollout: big });
    for (let i = 1; i < nd - 1; i++) dists.push({ ruleId: id, variantKey: `t${i}`, rollout: tiny });
    dists.push({ ruleId: id, variantKey: 'z', rollout: 100 - big, variantAttachment: '{"z":true}' });
  } else {
    for (let i = 0; i < nd; i++) dists.push(genDistribution(rng, id));
  }
  rule['distributions'] = dists;
  return rule;
}

function genThresholdPercentage(rng: Random): number {
  return rng.weighted<number>([
    [40, rng.range(0, 100)],
    [10, Math.round(rng.next() * 10000) / 100],
    [5, 0],
    [5, 100],
    [3, 150],
    [3, -5],
    [3, 5.0000001],
    [3, 49.999999],
    [2, 50.0000001],
    [2, 99.9999999],
    [2, 1e-50],
    [1, 1e39],
    [1, 0.5],
  ]);
}

function genBooleanRollout(st: GenState, idx: number): JsonObject {
  const { rng } = st;
  const r: JsonObject = {};
  if (rng.chance(0.7)) r['rank'] = rng.chance(0.8) ? idx + 1 : rng.range(-2, 5);
  const kind = rng.weighted<string>([
    [42, 'threshold'],
    [46, 'segment'],
    [4, 'neither'],
    [3, 'both'],
    [3, 'nulls'],
    [2, 'emptyObject'],
  ]);
  const threshold = (): JsonObject => ({ percentage: genThresholdPercentage(rng), value: rng.chance(0.5) });
  const segment = (): JsonObject => {
    const s: JsonObject = { value: rng.chance(0.5) };
    const op = rng.weighted<string | null | undefined>([
      [40, 'OR_SEGMENT_OPERATOR'],
      [40, 'AND_SEGMENT_OPERATOR'],
      [6, undefined],
      [5, null],
      [5, 'XOR'],
    ]);
    if (op !== undefined) s['segmentOperator'] = op;
    s['segments'] = genSegments(st);
    return s;
  };
  switch (kind) {
    case 'threshold':
      r['type'] = rng.chance(0.9) ? 'THRESHOLD_ROLLOUT_TYPE' : 'SEGMENT_ROLLOUT_TYPE';
      r['threshold'] = threshold();
      break;
    case 'segment':
      r['type'] = rng.chance(0.9) ? 'SEGMENT_ROLLOUT_TYPE' : 'THRESHOLD_ROLLOUT_TYPE';
      r['segment'] = segment();
      break;
    case 'neither':
      r['type'] = rng.pick(['UNKNOWN_ROLLOUT_TYPE', 'THRESHOLD_ROLLOUT_TYPE']);
      r['description'] = 'neither';
      break;
    case 'both':
      r['type'] = 'SEGMENT_ROLLOUT_TYPE';
      r['segment'] = segment();
      r['threshold'] = threshold();
      break;
    case 'nulls':
      r['type'] = 'THRESHOLD_ROLLOUT_TYPE';
      r['threshold'] = null;
      r['segment'] = null;
      break;
    default:
      return {};
  }
  return r;
}

function genDefaultVariant(rng: Random): JsonObject {
  const v: JsonObject = { id: `dv${rng.int(100)}`, key: rng.pick(VARIANT_KEYS) };
  const att = rng.pick(ATTACHMENTS);
  if (att !== undefined) v['attachment'] = att;
  if (rng.chance(0.2)) v['name'] = 'default';
  return v;
}

function genFlag(st: GenState, key: string): JsonObject {
  const { rng } = st;
  const typeChoice = rng.weighted<string | null | undefined>([
    [45, 'VARIANT_FLAG_TYPE'],
    [45, 'BOOLEAN_FLAG_TYPE'],
    [4, undefined],
    [2, null],
    [4, 'UNKNOWN_FLAG_TYPE'],
  ]);
  const isBoolean = typeChoice === 'BOOLEAN_FLAG_TYPE';
  const flag: JsonObject = {
    key,
    name: rng.chance(0.8) ? key : 'Some flag',
    enabled: rng.chance(0.78),
  };
  if (typeChoice !== undefined) flag['type'] = typeChoice;
  const desc = rng.weighted<string | null | undefined>([
    [5, undefined],
    [2, null],
    [3, 'a description'],
    [1, ''],
  ]);
  if (desc !== undefined) flag['description'] = desc;

  const rules: Json[] = [];
  const rollouts: Json[] = [];
  if (!isBoolean || rng.chance(0.05)) {
    const nr = rng.weighted<number>([
      [10, 0],
      [35, 1],
      [30, 2],
      [15, 3],
      [10, 4],
    ]);
    for (let i = 0; i < nr; i++) rules.push(genRule(st, key, i));
  }
  if (isBoolean || rng.chance(0.05)) {
    const nr = rng.weighted<number>([
      [10, 0],
      [35, 1],
      [30, 2],
      [15, 3],
      [10, 4],
    ]);
    for (let i = 0; i < nr; i++) rollouts.push(genBooleanRollout(st, i));
  }
  const listMode = (): 'list' | 'null' | 'missing' =>
    rng.weighted<'list' | 'null' | 'missing'>([
      [92, 'list'],
      [4, 'null'],
      [4, 'missing'],
    ]);
  const rm = listMode();
  if (rm === 'list') flag['rules'] = rules;
  else if (rm === 'null') flag['rules'] = null;
  const om = listMode();
  if (om === 'list') flag['rollouts'] = rollouts;
  else if (om === 'null') flag['rollouts'] = null;

  if (!isBoolean ? rng.chance(0.6) : rng.chance(0.08)) flag['defaultVariant'] = genDefaultVariant(rng);
  else if (rng.chance(0.05)) flag['defaultVariant'] = null;

  if (rng.chance(0.2)) {
    flag['createdAt'] = '2024-09-13T19:37:18.723909Z';
    flag['updatedAt'] = '2024-09-13T19:37:18.723909Z';
  }
  if (rng.chance(0.1)) flag['metadata'] = { owner: 'team' };
  return flag;
}

/**
 * Mutations that make a required field missing, null or of the wrong JSON type (Flipt rejects
 * those), plus a few that look wrong but are accepted. Applied to a minority of snapshots.
 */
function mutate(rng: Random, snap: JsonObject): void {
  const flags = snap['flags'] as JsonObject[];
  const flag = flags.length > 0 ? rng.pick(flags) : undefined;
  const choice = rng.int(16);
  const rules = (flag?.['rules'] ?? []) as JsonObject[];
  const rule = rules.length ? rng.pick(rules) : undefined;
  const segs = ((rule?.['segments'] ?? []) as JsonObject[]) || [];
  const seg = segs.length ? rng.pick(segs) : undefined;
  const cons = ((seg?.['constraints'] ?? []) as JsonObject[]) || [];
  const con = cons.length ? rng.pick(cons) : undefined;
  const dists = ((rule?.['distributions'] ?? []) as JsonObject[]) || [];
  const dist = dists.length ? rng.pick(dists) : undefined;
  const rollouts = ((flag?.['rollouts'] ?? []) as JsonObject[]) || [];
  const rollout = rollouts.length ? rng.pick(rollouts) : undefined;
  const bad = (): Json | undefined => rng.pick<Json | undefined>([undefined, null, 1, 'x', true, [], {}]);
  const set = (o: JsonObject | undefined, k: string): void => {
    if (!o) return;
    const v = bad();
    if (v === undefined) delete o[k];
    else o[k] = v;
  };
  switch (choice) {
    case 0:
      return set(flag, 'name');
    case 1:
      return set(flag, 'enabled');
    case 2:
      return set(flag, 'key');
    case 3:
      return set(flag, 'type');
    case 4:
      return set(rule, 'distributions');
    case 5:
      return set(rule, 'segmentOperator');
    case 6:
      return set(seg, 'matchType');
    case 7:
      return set(seg, 'constraints');
    case 8:
      return set(con, rng.pick(['type', 'property', 'operator', 'value']));
    case 9:
      return set(dist, rng.pick(['rollout', 'variantKey', 'variantAttachment']));
    case 10: {
      const th = rollout?.['threshold'] as JsonObject | null | undefined;
      if (th) return set(th, rng.pick(['percentage', 'value']));
      const sg = rollout?.['segment'] as JsonObject | null | undefined;
      if (sg) return set(sg, rng.pick(['value', 'segments', 'segmentOperator']));
      return;
    }
    case 11: {
      const dv = flag?.['defaultVariant'] as JsonObject | null | undefined;
      if (dv) return set(dv, rng.pick(['id', 'key', 'attachment']));
      return set(flag, 'defaultVariant');
    }
    case 12:
      return set(snap, 'namespace');
    case 13:
      return set(snap['namespace'] as JsonObject, 'key');
    case 14:
      return set(flag, rng.pick(['rules', 'rollouts', 'description']));
    default:
      set(seg, 'key');
  }
}

/** Effective view of a snapshot as Flipt builds it: last flag with a key wins. */
interface FlagInfo {
  key: string;
  type: 'variant' | 'boolean';
  flag: JsonObject;
}

function effectiveFlags(snapshot: unknown): FlagInfo[] {
  const flags = (snapshot as { flags?: unknown })?.flags;
  const byKey = new Map<string, FlagInfo>();
  if (!Array.isArray(flags)) return [];
  for (const f of flags as JsonObject[]) {
    if (!f || typeof f !== 'object' || typeof f['key'] !== 'string') continue;
    const key = f['key'].replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    byKey.delete(key);
    byKey.set(key, { key: f['key'], type: f['type'] === 'BOOLEAN_FLAG_TYPE' ? 'boolean' : 'variant', flag: f });
  }
  return [...byKey.values()];
}

/**
 * A random snapshot `{namespace:{key}, flags:[...], digest?}`. About 7% carry a mutation that
 * usually makes Flipt reject the whole snapshot.
 */
export function randomSnapshot(rng: Random): JsonObject {
  const properties = [
    ...rng.shuffle(PROPERTIES_COMMON).slice(0, rng.range(3, 6)),
    ...rng.shuffle(PROPERTIES_ODD).slice(0, rng.range(0, 2)),
  ];
  const st: GenState = { rng, hints: [], properties };
  const nFlags = rng.range(1, 10);
  const keys: string[] = [];
  const flags: Json[] = [];
  for (let i = 0; i < nFlags; i++) {
    let key: string;
    if (keys.length > 0 && rng.chance(0.08)) key = rng.pick(keys);
    else {
      key = rng.chance(0.75) ? `f${i}` : rng.pick(FLAG_KEYS);
      if (rng.chance(0.05)) key = `${key}\u00a0`;
    }
    keys.push(key);
    flags.push(genFlag(st, key));
  }
  const namespace: JsonObject = { key: rng.pick(NAMESPACE_KEYS) };
  if (rng.chance(0.3)) namespace['name'] = 'Namespace';
  const snap: JsonObject = { namespace, flags };
  if (rng.chance(0.5)) snap['digest'] = 'a'.repeat(40);
  if (rng.chance(0.07)) mutate(rng, snap);
  hintsBySnapshot.set(snap, { hints: st.hints, properties });
  return snap;
}

const hintsBySnapshot = new WeakMap<object, { hints: ConstraintHint[]; properties: readonly string[] }>();

// ---------------------------------------------------------------------------------------------
// Requests

interface RequestIndex {
  flags: FlagInfo[];
  variant: FlagInfo[];
  boolean: FlagInfo[];
  hints: ConstraintHint[];
  properties: readonly string[];
  /** per flag key: entity ids landing at interesting buckets */
  targeted: Map<string, string[]>;
}

function interestingBuckets(info: FlagInfo): { mod1000: Set<number>; mod100: Set<number> } {
  const mod1000 = new Set<number>();
  const mod100 = new Set<number>();
  const rules = info.flag['rules'];
  if (Array.isArray(rules)) {
    for (const rule of rules as JsonObject[]) {
      const dists = rule?.['distributions'];
      if (!Array.isArray(dists)) continue;
      const rollouts = (dists as JsonObject[])
        .map((d) => Math.fround(typeof d?.['rollout'] === 'number' ? d['rollout'] : 0))
        .filter((r) => r > 0);
      let total = 0;
      for (const r of rollouts) total = Math.fround(total + r);
      let cum = 0;
      for (const r of rollouts) {
        cum = Math.fround(cum + Math.fround(Math.fround(r / total) * 100));
        const b = Math.round(cum * 10);
        for (const d of [-2, -1, 0, 1]) if (b + d >= 0 && b + d < 1000) mod1000.add(b + d);
      }
    }
  }
  const rollouts = info.flag['rollouts'];
  if (Array.isArray(rollouts)) {
    for (const r of rollouts as JsonObject[]) {
      const th = r?.['threshold'] as JsonObject | null | undefined;
      const p = th?.['percentage'];
      if (typeof p !== 'number' || !Number.isFinite(p)) continue;
      for (const v of [Math.floor(p) - 1, Math.floor(p), Math.ceil(p)]) if (v >= 0 && v < 100) mod100.add(v);
    }
  }
  return { mod1000, mod100 };
}

function buildIndex(snapshot: unknown): RequestIndex {
  const flags = effectiveFlags(snapshot);
  const stored = snapshot !== null && typeof snapshot === 'object' ? hintsBySnapshot.get(snapshot) : undefined;
  const h = stored ?? { hints: [], properties: PROPERTIES_COMMON };
  const targeted = new Map<string, string[]>();
  for (const info of flags) {
    const { mod1000, mod100 } = interestingBuckets(info);
    if (mod1000.size === 0 && mod100.size === 0) continue;
    const keyBytes = encoder.encode(info.key);
    const prefixState = crcUpdate(0xffffffff, keyBytes);
    const ids: string[] = [];
    const need1000 = new Set(mod1000);
    const need100 = new Set(mod100);
    for (let i = 0; i < 3000 && (need1000.size > 0 || need100.size > 0); i++) {
      const id = `k${i}`;
      const idBytes = encoder.encode(id);
      if (need1000.size > 0) {
        const b = ((crcUpdate(prefixState, idBytes) ^ 0xffffffff) >>> 0) % 1000;
        if (need1000.delete(b)) ids.push(id);
      }
      if (need100.size > 0) {
        const b = ((crcUpdate(crcUpdate(0xffffffff, idBytes), keyBytes) ^ 0xffffffff) >>> 0) % 100;
        if (need100.delete(b)) ids.push(id);
      }
    }
    if (ids.length) targeted.set(info.key, ids);
  }
  return {
    flags,
    variant: flags.filter((f) => f.type === 'variant'),
    boolean: flags.filter((f) => f.type === 'boolean'),
    hints: h.hints,
    properties: h.properties,
    targeted,
  };
}

/** A value from a hint: the constraint's value itself, an element of its list, or a same-kind value. */
function valueFromHint(rng: Random, hint: ConstraintHint): string {
  if (hint.operator === 'isoneof' || hint.operator === 'isnotoneof') {
    try {
      const parsed: unknown = JSON.parse(hint.value);
      if (Array.isArray(parsed) && parsed.length > 0 && rng.chance(0.7)) return String(rng.pick(parsed));
    } catch {
      // not a list
    }
  }
  if (rng.chance(0.6)) return hint.value;
  if (hint.operator === 'prefix' && rng.chance(0.5)) return hint.value + rng.pick(['', 'x', '-plus']);
  if (hint.operator === 'suffix' && rng.chance(0.5)) return rng.pick(['', 'x', 'pre-']) + hint.value;
  if (hint.operator === 'contains' && rng.chance(0.5)) return `a${hint.value}b`;
  return rng.pick(poolFor(hint.kind));
}

function setOwn(obj: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function randomContext(rng: Random, idx: RequestIndex): Record<string, string> {
  const ctx: Record<string, string> = {};
  const n = rng.weighted<number>([
    [10, 0],
    [25, 1],
    [30, 2],
    [20, 3],
    [15, 5],
  ]);
  for (let i = 0; i < n; i++) {
    const hint = idx.hints.length > 0 && rng.chance(0.75) ? rng.pick(idx.hints) : undefined;
    if (hint && hint.kind !== 'entityId') setOwn(ctx, hint.property, valueFromHint(rng, hint));
    else
      setOwn(
        ctx,
        rng.chance(0.9) ? rng.pick(idx.properties) : rng.pick(PROPERTIES_ODD),
        rng.chance(0.1) ? '' : anyPoolValue(rng),
      );
  }
  return ctx;
}

function randomEntity(rng: Random, idx: RequestIndex, flagKey: string): string {
  const targeted = idx.targeted.get(flagKey);
  const r = rng.next();
  if (targeted && r < 0.45) return rng.pick(targeted);
  if (r < 0.6) {
    const eh = idx.hints.filter((h) => h.kind === 'entityId');
    if (eh.length > 0) return valueFromHint(rng, rng.pick(eh)) || 'user-1';
  }
  if (r < 0.7) return `k${rng.int(3000)}`;
  return rng.pick(ENTITY_IDS);
}

const MISSING_KEYS = ['missing', 'F0', 'f0 ', '\ufffd\ufffd', 'nope'];
const BLANK_KEYS = ['', ' ', '  ', '\t', '\n', '\u00a0', '\ufeff', '\u2028', '\u3000'];

function flagKeyFor(rng: Random, idx: RequestIndex, want: 'variant' | 'boolean' | 'any'): string {
  const r = rng.next();
  if (r < 0.04 || idx.flags.length === 0) return rng.pick(MISSING_KEYS);
  const pool = want === 'any' ? idx.flags : idx[want];
  if (r < 0.12 || pool.length === 0) return rng.pick(idx.flags).key; // may be the wrong type
  const key = rng.pick(pool).key;
  if (rng.chance(0.03)) {
    // the same key spelled differently: lone surrogates collapse to U+FFFD in Flipt
    return key.replace(/[\ud800-\udfff]/g, '\ufffd');
  }
  return key;
}

/** An invalid request of some sort (blank keys, non-string context values, missing context). */
function oddRequest(rng: Random, base: EvalRequest, inBatch: boolean): EvalRequest {
  const req: Record<string, unknown> = { ...base };
  switch (rng.int(inBatch ? 4 : 6)) {
    case 0: {
      const ctx: Record<string, unknown> = { ...base.context };
      ctx[rng.pick(PROPERTIES_COMMON)] = rng.pick<unknown>([1, null, true, 1.5, {}, ['a']]);
      req['context'] = ctx;
      break;
    }
    case 1:
      req['context'] = rng.pick<unknown>([null, 'plan=pro', 5]);
      break;
    case 2:
      delete req['context'];
      break;
    case 3:
      req[rng.pick(['flagKey', 'entityId'])] = rng.pick<unknown>([5, null, undefined, true]);
      break;
    case 4:
      req['flagKey'] = rng.pick(BLANK_KEYS);
      break;
    default:
      req['entityId'] = rng.pick(BLANK_KEYS);
  }
  return req as unknown as EvalRequest;
}

function randomRequest(rng: Random, idx: RequestIndex, want: 'variant' | 'boolean' | 'any'): EvalRequest {
  const flagKey = flagKeyFor(rng, idx, want);
  return { flagKey, entityId: randomEntity(rng, idx, flagKey), context: randomContext(rng, idx) };
}

const indexCache = new WeakMap<object, RequestIndex>();

/**
 * `n` random calls against `snapshot` (evaluateVariant / evaluateBoolean / evaluateBatch /
 * listFlags). Each call counts as one evaluation per request it carries. About 1.5% are
 * invalid requests (which both engines must reject), batches sometimes contain blank keys
 * (valid in a batch).
 */
export function randomRequests(rng: Random, snapshot: unknown, n: number): EvalCall[] {
  let idx = snapshot && typeof snapshot === 'object' ? indexCache.get(snapshot) : undefined;
  if (!idx) {
    idx = buildIndex(snapshot);
    if (snapshot && typeof snapshot === 'object') indexCache.set(snapshot, idx);
  }
  const calls: EvalCall[] = [];
  let count = 0;
  while (count < n) {
    let kind = rng.weighted<EvalCall['kind']>([
      [45, 'variant'],
      [40, 'boolean'],
      [14, 'batch'],
      [1, 'listFlags'],
    ]);
    // Mostly ask for a type the snapshot has (wrong-type errors still come up, less often).
    if (kind === 'variant' && idx.variant.length === 0 && rng.chance(0.85)) kind = 'boolean';
    else if (kind === 'boolean' && idx.boolean.length === 0 && rng.chance(0.85)) kind = 'variant';
    if (kind === 'listFlags') {
      calls.push({ kind });
      count++;
    } else if (kind === 'batch') {
      const m = rng.weighted<number>([
        [5, 0],
        [30, 1],
        [30, 3],
        [35, 6],
      ]);
      const requests: EvalRequest[] = [];
      for (let i = 0; i < m; i++) {
        let req = randomRequest(rng, idx, 'any');
        if (rng.chance(0.02)) req = { ...req, flagKey: rng.pick(BLANK_KEYS) };
        if (rng.chance(0.02)) req = { ...req, entityId: rng.pick(BLANK_KEYS) };
        if (rng.chance(0.004)) req = oddRequest(rng, req, true);
        requests.push(req);
      }
      calls.push({ kind, requests });
      count += Math.max(1, m);
    } else {
      let request = randomRequest(rng, idx, kind);
      if (rng.chance(0.015)) request = oddRequest(rng, request, false);
      calls.push({ kind, request });
      count++;
    }
  }
  return calls;
}

/** The flag objects (every duplicate) a call refers to, for failure messages. */
export function flagsForCall(snapshot: unknown, call: EvalCall): unknown[] {
  const flags = (snapshot as { flags?: unknown })?.flags;
  if (!Array.isArray(flags)) return [];
  const keys = new Set<unknown>();
  if (call.kind === 'variant' || call.kind === 'boolean') keys.add(call.request?.flagKey);
  else if (call.kind === 'batch') for (const r of call.requests) keys.add(r?.flagKey);
  else return flags;
  const norm = (k: unknown): unknown =>
    typeof k === 'string' ? k.replace(/[\ud800-\udfff]/g, '\ufffd') : k;
  const wanted = new Set([...keys].map(norm));
  return flags.filter((f: unknown) => wanted.has(norm((f as { key?: unknown })?.key)));
}
