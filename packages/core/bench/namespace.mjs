// Deterministic generator of realistic Flipt namespaces for benchmarks.
//
// Produces `EvaluationNamespaceSnapshot` objects in the proto-JSON shape a Flipt v2
// server emits (`EmitDefaultValues`: empty `name`/`description`, `rules: []`,
// `rollouts: []`, segments inlined into every rule/rollout that references them,
// attachments as JSON strings, "null" when a variant has none), plus entities whose
// contexts hit the generated constraints a realistic fraction of the time.
//
// Everything is driven by a seeded PRNG: the same options always give the same
// snapshot and the same entities, byte for byte.

/** mulberry32: tiny, fast, good enough for test data. Returns floats in [0, 1). */
export function createRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, maxInclusive) => min + Math.floor(next() * (maxInclusive - min + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    /** k distinct elements of arr, in arr order. */
    sample: (arr, k) => {
      const idx = arr.map((_, i) => i);
      for (let i = idx.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      return idx
        .slice(0, k)
        .sort((x, y) => x - y)
        .map((i) => arr[i]);
    },
    hex: (len) => {
      let s = '';
      for (let i = 0; i < len; i++) s += '0123456789abcdef'[Math.floor(next() * 16)];
      return s;
    },
  };
}

// Attribute universe shared by contexts and constraints. Frequencies are skewed like
// real traffic (most users on the free plan, a few big countries, ...).
export const PLANS = ['free', 'free', 'free', 'free', 'pro', 'pro', 'team', 'enterprise'];
export const COUNTRIES = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'CA', 'NL', 'SE', 'ES', 'IT', 'MX', 'AU'];
export const EMAIL_DOMAINS = ['gmail.com', 'gmail.com', 'outlook.com', 'yahoo.com', 'acme.io', 'example.com', 'corp.example.com'];
export const CONTEXT_ATTRIBUTES = ['plan', 'country', 'age', 'signup_date', 'email'];

const WORDS = [
  'checkout', 'search', 'onboarding', 'billing', 'profile', 'dashboard', 'export', 'import', 'pricing',
  'sidebar', 'editor', 'comments', 'notifications', 'reports', 'sharing', 'mobile', 'dark-mode', 'ai-assist',
  'payments', 'invoices', 'calendar', 'inbox', 'analytics', 'audit-log', 'sso', 'webhooks', 'uploads',
];
const FLAG_SUFFIXES = ['redesign', 'v2', 'beta', 'rollout', 'experiment', 'killswitch', 'new-flow', 'cache', 'limit'];

/** RFC 3339 timestamp at whole seconds, UTC. */
function isoAt(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
const DAY = 86_400_000;
const EPOCH_2020 = Date.UTC(2020, 0, 1);
const SPAN_DAYS = 6 * 365; // 2020 .. 2025

/** One constraint of the requested kind with parameters drawn from rng. */
function makeConstraint(rng, kind) {
  switch (kind) {
    case 'plan': {
      const r = rng.next();
      if (r < 0.4) return str('plan', 'eq', rng.pick(['free', 'pro', 'team']));
      if (r < 0.7) return str('plan', 'neq', rng.pick(['free', 'enterprise']));
      return str('plan', 'isoneof', JSON.stringify(rng.sample(['free', 'pro', 'team', 'enterprise'], rng.int(2, 3))));
    }
    case 'country': {
      const r = rng.next();
      if (r < 0.5) return str('country', 'isoneof', JSON.stringify(rng.sample(COUNTRIES.slice(2), rng.int(3, 8))));
      if (r < 0.75) return str('country', 'isnotoneof', JSON.stringify(rng.sample(COUNTRIES.slice(2), rng.int(1, 4))));
      return str('country', 'neq', rng.pick(['US', 'DE', 'IN']));
    }
    case 'email': {
      const r = rng.next();
      if (r < 0.5) return str('email', 'suffix', '@' + rng.pick(EMAIL_DOMAINS));
      if (r < 0.8) return str('email', 'notcontains', rng.pick(['+test', 'noreply', 'example']));
      return str('email', 'notempty', '');
    }
    case 'age': {
      const r = rng.next();
      if (r < 0.35) return num('age', 'gte', String(rng.pick([18, 21, 25, 30, 35])));
      if (r < 0.65) return num('age', 'lt', String(rng.pick([21, 25, 30, 40])));
      if (r < 0.85) return num('age', 'gt', String(rng.int(20, 45)));
      return num('age', 'isnotoneof', JSON.stringify(rng.sample([13, 14, 15, 16, 17, 99, 100], rng.int(2, 5))));
    }
    case 'signup_date': {
      const at = isoAt(EPOCH_2020 + rng.int(200, SPAN_DAYS - 200) * DAY);
      const r = rng.next();
      if (r < 0.45) return dt('signup_date', 'gte', at);
      if (r < 0.9) return dt('signup_date', 'lt', at);
      return dt('signup_date', 'present', '');
    }
    default:
      throw new Error(`unknown constraint kind ${kind}`);
  }
}
const str = (property, operator, value) => ({ type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property, operator, value });
const num = (property, operator, value) => ({ type: 'NUMBER_CONSTRAINT_COMPARISON_TYPE', property, operator, value });
const dt = (property, operator, value) => ({ type: 'DATETIME_CONSTRAINT_COMPARISON_TYPE', property, operator, value });

/**
 * A segment with `count` constraints over distinct attributes. When `mixTypes` is set the
 * segment always has at least one string, one number and (from 3 constraints) one datetime
 * constraint.
 */
function makeSegment(rng, key, count, { mixTypes, matchAnyChance }) {
  let kinds;
  if (mixTypes) {
    const stringKind = rng.pick(['plan', 'country', 'email']);
    kinds = ['age', stringKind];
    if (count >= 3) kinds.push('signup_date');
    const rest = CONTEXT_ATTRIBUTES.filter((k) => !kinds.includes(k));
    while (kinds.length < count) kinds.push(rest.splice(rng.int(0, rest.length - 1), 1)[0]);
    // keep a stable but shuffled-looking order
    kinds = rng.sample(kinds, kinds.length);
  } else {
    kinds = rng.sample(CONTEXT_ATTRIBUTES, count);
  }
  return {
    key,
    name: '',
    description: '',
    matchType: rng.chance(matchAnyChance) ? 'ANY_SEGMENT_MATCH_TYPE' : 'ALL_SEGMENT_MATCH_TYPE',
    constraints: kinds.map((k) => makeConstraint(rng, k)),
  };
}

function uuid(rng) {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A realistic attachment JSON string (compact, as Flipt's encoders emit) or "null". */
function makeAttachment(rng, variantKey, richnessOption) {
  // A fractional richness mixes the two neighbouring levels (1.5: half small, half large).
  const richness = Math.floor(richnessOption) + (rng.chance(richnessOption % 1) ? 1 : 0);
  if (richness === 0 || rng.chance(0.3)) return 'null';
  const obj = {
    copy: {
      headline: `${variantKey} headline ${rng.hex(6)}`,
      cta: rng.pick(['Start free trial', 'Upgrade now', 'Learn more', 'Get started', 'Try it']),
    },
    color: `#${rng.hex(6)}`,
    limit: rng.int(1, 500),
    ratio: Math.round(rng.next() * 1000) / 1000,
    enabled_modules: rng.sample(WORDS, rng.int(1, 4)),
  };
  if (richness >= 2) {
    obj.layout = {
      columns: rng.int(1, 4),
      density: rng.pick(['compact', 'comfortable', 'spacious']),
      items: Array.from({ length: rng.int(2, 5) }, (_, i) => ({
        id: `${variantKey}-${i}`,
        title: `${rng.pick(WORDS)} ${rng.pick(FLAG_SUFFIXES)}`,
        weight: rng.int(1, 100),
      })),
    };
    obj.tracking = { experiment_id: uuid(rng), cohort: rng.pick(['a', 'b', 'c', 'holdout']) };
  }
  return JSON.stringify(obj);
}

/**
 * Generates a namespace snapshot.
 *
 * options:
 *   seed                  PRNG seed (default 1)
 *   namespaceKey          default 'bench'
 *   booleanFlags          number of boolean flags (default 100)
 *   variantFlags          number of variant flags (default 100)
 *   segmentPool           number of distinct segments of each shape (default 60)
 *   rulesPerVariantFlag   default 2
 *   attachmentRichness    0 = all "null", 1 = small objects, 2 = larger objects (default 1);
 *                         fractional values mix the neighbouring levels
 *
 * Boolean flag: rollout 1 = segment rollout (OR) on a 3-constraint segment, value true;
 *               rollout 2 = 50% threshold, value true. ~90% of them enabled.
 * Variant flag: `rulesPerVariantFlag` rules, each on one 2-4 constraint segment mixing
 *               string / number / datetime constraints, three distributions 33/33/34;
 *               half of them have a default variant; ~90% enabled.
 */
export function generateSnapshot(options = {}) {
  const {
    seed = 1,
    namespaceKey = 'bench',
    booleanFlags = 100,
    variantFlags = 100,
    segmentPool = 60,
    rulesPerVariantFlag = 2,
    attachmentRichness = 1,
  } = options;
  const rng = createRng(seed);
  const createdAt = '2026-01-01T00:00:00Z';

  const booleanSegments = Array.from({ length: segmentPool }, (_, i) =>
    makeSegment(rng, `cohort-${String(i).padStart(3, '0')}`, 3, { mixTypes: false, matchAnyChance: 0.15 }),
  );
  const variantSegments = Array.from({ length: segmentPool }, (_, i) =>
    makeSegment(rng, `audience-${String(i).padStart(3, '0')}`, rng.int(2, 4), { mixTypes: true, matchAnyChance: 0.1 }),
  );

  const flagKey = (i, kind) => `${WORDS[i % WORDS.length]}-${FLAG_SUFFIXES[(i * 7) % FLAG_SUFFIXES.length]}-${kind}-${String(i).padStart(4, '0')}`;

  const flags = [];
  for (let i = 0; i < booleanFlags; i++) {
    const segment = rng.pick(booleanSegments);
    flags.push({
      key: flagKey(i, 'bool'),
      name: '',
      description: '',
      enabled: rng.chance(0.9),
      type: 'BOOLEAN_FLAG_TYPE',
      createdAt,
      updatedAt: createdAt,
      rules: [],
      rollouts: [
        {
          type: 'SEGMENT_ROLLOUT_TYPE',
          rank: 1,
          segment: { value: true, segmentOperator: 'OR_SEGMENT_OPERATOR', segments: [segment] },
        },
        { type: 'THRESHOLD_ROLLOUT_TYPE', rank: 2, threshold: { percentage: 50, value: true } },
      ],
    });
  }
  for (let i = 0; i < variantFlags; i++) {
    const key = flagKey(i, 'exp');
    const variantKeys = rng.pick([
      ['control', 'treatment-a', 'treatment-b'],
      ['blue', 'green', 'red'],
      ['small', 'medium', 'large'],
      ['v1', 'v2', 'v3'],
    ]);
    const attachments = variantKeys.map((v) => makeAttachment(rng, v, attachmentRichness));
    const segments = rng.sample(variantSegments, Math.min(rulesPerVariantFlag, variantSegments.length));
    const rules = segments.map((segment, r) => {
      const id = uuid(rng);
      const rollouts = rng.pick([
        [33, 33, 34],
        [34, 33, 33],
        [50, 25, 25],
        [10, 45, 45],
      ]);
      return {
        id,
        segments: [segment],
        rank: r + 1,
        segmentOperator: 'OR_SEGMENT_OPERATOR',
        distributions: variantKeys.map((v, d) => ({
          ruleId: id,
          variantKey: v,
          variantAttachment: attachments[d],
          rollout: rollouts[d],
        })),
      };
    });
    const flag = {
      key,
      name: '',
      description: '',
      enabled: rng.chance(0.9),
      type: 'VARIANT_FLAG_TYPE',
      createdAt,
      updatedAt: createdAt,
      rules,
      rollouts: [],
    };
    if (rng.chance(0.5)) {
      flag.defaultVariant = { id: `${key}/${variantKeys[0]}`, key: variantKeys[0], attachment: attachments[0] };
    }
    flags.push(flag);
  }

  return { namespace: { key: namespaceKey }, flags, digest: createRng(seed ^ 0x5eed).hex(40) };
}

/**
 * Generates `count` entities: `{ entityId, context }`, context has the five attributes of
 * CONTEXT_ATTRIBUTES, all strings (as Flipt contexts are).
 */
export function generateEntities(count = 10_000, seed = 2) {
  const rng = createRng(seed);
  const entities = new Array(count);
  for (let i = 0; i < count; i++) {
    const entityId = `user-${String(i).padStart(5, '0')}-${rng.hex(8)}`;
    const plan = rng.pick(PLANS);
    const country = rng.pick(COUNTRIES);
    const age = String(Math.max(13, Math.min(90, Math.round(18 + Math.abs(rng.next() + rng.next() + rng.next() - 1.5) * 30))));
    const signupDate = isoAt(EPOCH_2020 + rng.int(0, SPAN_DAYS) * DAY + rng.int(0, 86_399) * 1000);
    const email = `${rng.pick(['ana', 'bo', 'chen', 'dee', 'eli', 'fatima', 'gus', 'hana'])}${rng.int(1, 9999)}${rng.chance(0.03) ? '+test' : ''}@${rng.pick(EMAIL_DOMAINS)}`;
    entities[i] = { entityId, context: { plan, country, age, signup_date: signupDate, email } };
  }
  return entities;
}

/**
 * The large snapshot used for parse/build timings: 5,000 flags with the same mix (half
 * boolean, half variant), a larger segment pool and richer attachments (half of them
 * larger objects): about 11 MB of compact JSON.
 */
export function generateLargeSnapshot(options = {}) {
  return generateSnapshot({
    seed: 7,
    namespaceKey: 'bench-large',
    booleanFlags: 2500,
    variantFlags: 2500,
    segmentPool: 400,
    rulesPerVariantFlag: 2,
    attachmentRichness: 1.5,
    ...options,
  });
}
