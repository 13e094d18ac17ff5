// Benchmark: our engine (built, ../dist/index.js) against Flipt's own engine
// (@flipt-io/flipt-client-js, Rust compiled to WASM), side by side in one process.
//
//   node --expose-gc bench/run.mjs          (pnpm bench, from packages/core)
//   BENCH_QUICK=1 node --expose-gc bench/run.mjs   (shorter budgets, for smoke runs)
//
// 1. evaluation cost (ns/eval) for boolean and variant flags on a 200-flag namespace,
//    10,000 entities, plus a "floor" loop (Map lookup + one crc32 of flagKey+entityId);
// 2. text-to-ready-engine cost on an ~11 MB, 5,000-flag snapshot, next to JSON.parse;
// 3. before timing anything, a differential check: both engines must agree on a
//    sample of requests, or the benchmark aborts.
// The last line printed is a JSON summary for scripts.

import { performance } from 'node:perf_hooks';
import { FliptClient } from '@flipt-io/flipt-client-js';
import { generateEntities, generateLargeSnapshot, generateSnapshot } from './namespace.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const EVAL_BUDGET_MS = QUICK ? 600 : 4000; // per flag kind, all contenders interleaved
const PARSE_ITERATIONS = QUICK ? 3 : 7;
const PARSE_BUDGET_MS = QUICK ? 4000 : 15000; // per contender, stops iterating early when spent
const REQUESTS_PER_KIND = 20_000;
const SANITY_SAMPLE = QUICK ? 1_000 : 4_000;

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};

// ---------------------------------------------------------------------------
// Loading both engines

let Engine;
let parseSnapshot;
try {
  ({ Engine, parseSnapshot } = await import('../dist/index.js'));
} catch (err) {
  fail(`cannot import ../dist/index.js (${err.message}). Build first: pnpm --filter @flagcast/core build`);
}
if (typeof Engine !== 'function') fail('../dist/index.js does not export an Engine class');

/** Builds the oracle from snapshot JSON text through its fetcher path (as in production). */
async function createOracle(text, namespace) {
  const warn = console.warn;
  // wasm-bindgen warns about its init signature on every init; keep the output readable.
  console.warn = () => {};
  try {
    return await FliptClient.init({
      namespace,
      fetcher: async () => new Response(text, { status: 200, headers: { etag: 'bench' } }),
    });
  } finally {
    console.warn = warn;
  }
}

function disposeOracle(client) {
  client.close();
  // Release the WASM-side engine so repeated inits do not accumulate linear memory.
  client.engine?.free?.();
}

/** Our whole text-to-engine path: parse and validate, then compile. */
const engineFromTextPath = 'new Engine(parseSnapshot(text))';
function createEngineFromText(text) {
  return new Engine(parseSnapshot(text));
}

// ---------------------------------------------------------------------------
// crc32 (IEEE, table driven) over UTF-8 bytes: the bucket hash both engines use.

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();
const encoder = new TextEncoder();

function crc32(str) {
  let crc = -1;
  for (let i = 0; i < str.length; i++) {
    const code = str.charCodeAt(i);
    if (code >= 0x80) return crc32Bytes(encoder.encode(str)); // non-ASCII: hash the UTF-8 bytes
    crc = CRC_TABLE[(crc ^ code) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}
function crc32Bytes(bytes) {
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

// ---------------------------------------------------------------------------
// Result comparison: equal modulo timestamp/requestDurationMillis, segmentKeys as a set.

function normalize(value) {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const key of Object.keys(value).sort()) {
    if (key === 'timestamp' || key === 'requestDurationMillis' || value[key] === undefined) continue;
    out[key] = key === 'segmentKeys' && Array.isArray(value[key]) ? [...new Set(value[key])].sort() : normalize(value[key]);
  }
  return out;
}
function outcome(fn) {
  try {
    return { ok: normalize(fn()) };
  } catch (err) {
    return { threw: true }; // both must throw; messages may differ
  }
}
function sameOutcome(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sanityCheck(label, ours, oracle, requests) {
  let mismatches = 0;
  const examples = [];
  for (const [method, reqs] of Object.entries(requests)) {
    for (const req of reqs) {
      const a = outcome(() => ours[method](req));
      const b = outcome(() => oracle[method](req));
      if (!sameOutcome(a, b)) {
        mismatches++;
        if (examples.length < 5) examples.push({ method, request: req, ours: a, oracle: b });
      }
    }
  }
  // One batch covering both kinds, plus a missing flag.
  const batch = [...requests.evaluateBoolean.slice(0, 50), ...requests.evaluateVariant.slice(0, 50)];
  batch.push({ flagKey: 'no-such-flag', entityId: 'someone', context: {} });
  const a = outcome(() => ours.evaluateBatch(batch));
  const b = outcome(() => oracle.evaluateBatch(batch));
  if (!sameOutcome(a, b)) {
    mismatches++;
    examples.push({ method: 'evaluateBatch', ours: a, oracle: b });
  }
  const total = requests.evaluateBoolean.length + requests.evaluateVariant.length + 1;
  if (mismatches > 0) {
    console.error(`\nSANITY CHECK FAILED (${label}): ${mismatches} of ${total} results differ from Flipt's engine.`);
    console.error('A benchmark of two engines that disagree is meaningless. First differences:');
    for (const ex of examples) console.error(JSON.stringify(ex, null, 2));
    fail('engines disagree');
  }
  console.log(`sanity (${label}): ${total} results identical to Flipt's engine`);
  return total;
}

// ---------------------------------------------------------------------------
// Timing helpers

let sink = 0; // consumed at the end so no loop is optimised away

/**
 * Runs the contenders' passes (one sweep over the requests each) in turn, interleaved so
 * that drift (thermal, GC, a noisy neighbour) hits all of them alike, until `budgetMs` is
 * spent. Returns each contender's median ns/eval, and the per-round samples: ratios are taken
 * within a round (back-to-back passes), so a machine that speeds up or slows down between rounds
 * does not skew them.
 */
function measureInterleaved(passes, evalsPerPass, budgetMs) {
  // warm-up: JIT for us, first-touch for the WASM side
  const warmEnd = performance.now() + Math.min(400, budgetMs / 4);
  do for (const pass of passes) pass();
  while (performance.now() < warmEnd);
  const samples = passes.map(() => []);
  const end = performance.now() + budgetMs;
  for (let round = 0; round < 1000 && (round < 5 || performance.now() < end); round++) {
    gc();
    for (let p = 0; p < passes.length; p++) {
      const t0 = process.hrtime.bigint();
      passes[p]();
      const t1 = process.hrtime.bigint();
      samples[p].push(Number(t1 - t0) / evalsPerPass);
    }
  }
  return { medians: samples.map(median), samples };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function timeIterations(label, fn, { iterations, budgetMs }) {
  const samples = [];
  const end = performance.now() + budgetMs;
  for (let i = 0; i < iterations; i++) {
    gc();
    const t0 = performance.now();
    const result = await fn();
    samples.push(performance.now() - t0);
    if (result && typeof result === 'object') sink ^= 1;
    if (performance.now() > end && samples.length >= 3) break;
  }
  return { label, medianMs: median(samples), iterations: samples.length };
}

// ---------------------------------------------------------------------------
// Output helpers

function fmt(n, digits = 1) {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------
// 1. Evaluation

const started = performance.now();
console.log(`flagcast bench — node ${process.version}, ${process.platform}/${process.arch}${QUICK ? ' (quick)' : ''}`);
if (typeof globalThis.gc !== 'function') console.log('note: run with --expose-gc for steadier numbers');

const snapshot = generateSnapshot({ seed: 1 });
const snapshotText = JSON.stringify(snapshot);
const entities = generateEntities(10_000, 2);
const booleanFlags = snapshot.flags.filter((f) => f.type === 'BOOLEAN_FLAG_TYPE').map((f) => f.key);
const variantFlags = snapshot.flags.filter((f) => f.type !== 'BOOLEAN_FLAG_TYPE').map((f) => f.key);
console.log(
  `\nnamespace: ${booleanFlags.length} boolean + ${variantFlags.length} variant flags, ` +
    `${entities.length.toLocaleString('en-US')} entities, snapshot ${fmt(snapshotText.length / 1024, 0)} KiB`,
);

/** Precomputed requests cycling through flags and entities (entity stride coprime to 10,000). */
function buildRequests(flagKeys) {
  const reqs = new Array(REQUESTS_PER_KIND);
  for (let i = 0; i < REQUESTS_PER_KIND; i++) {
    const e = entities[(i * 7919 + Math.floor(i / flagKeys.length)) % entities.length];
    reqs[i] = { flagKey: flagKeys[i % flagKeys.length], entityId: e.entityId, context: e.context };
  }
  return reqs;
}
const booleanRequests = buildRequests(booleanFlags);
const variantRequests = buildRequests(variantFlags);

const ours = new Engine(parseSnapshot(snapshotText));
const oracle = await createOracle(snapshotText, snapshot.namespace.key);

const sampleStride = Math.max(1, Math.floor(REQUESTS_PER_KIND / SANITY_SAMPLE));
const sample = (reqs) => reqs.filter((_, i) => i % sampleStride === 0).slice(0, SANITY_SAMPLE);
let sanityCount = sanityCheck('200-flag namespace', ours, oracle, {
  evaluateBoolean: sample(booleanRequests),
  evaluateVariant: sample(variantRequests),
});

// How often the generated contexts actually match something (so the numbers mean something).
{
  let segmentHits = 0;
  let variantMatches = 0;
  for (const r of sample(booleanRequests)) if (oracle.evaluateBoolean(r).segmentKeys.length) segmentHits++;
  for (const r of sample(variantRequests)) if (oracle.evaluateVariant(r).match) variantMatches++;
  const n = sample(booleanRequests).length;
  console.log(
    `match rates: boolean segment rollout ${fmt((100 * segmentHits) / n, 0)}%, ` +
      `variant rule ${fmt((100 * variantMatches) / n, 0)}%`,
  );
}

function evalPass(target, method, reqs) {
  return () => {
    let acc = 0;
    for (let i = 0; i < reqs.length; i++) {
      const r = target[method](reqs[i]);
      acc += r.reason.length;
    }
    sink ^= acc;
  };
}

const flagIndex = new Map(snapshot.flags.map((f) => [f.key, f]));
function floorPass(reqs) {
  return () => {
    let acc = 0;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      const f = flagIndex.get(r.flagKey);
      acc ^= crc32(r.flagKey + r.entityId) ^ (f === undefined ? 0 : 1);
    }
    sink ^= acc;
  };
}

console.log(`\nevaluation (median ns/eval over ${REQUESTS_PER_KIND.toLocaleString('en-US')}-request sweeps):`);
const evalResults = {};
for (const [kind, method, reqs] of [
  ['boolean', 'evaluateBoolean', booleanRequests],
  ['variant', 'evaluateVariant', variantRequests],
]) {
  const { medians, samples } = measureInterleaved(
    [floorPass(reqs), evalPass(ours, method, reqs), evalPass(oracle, method, reqs)],
    reqs.length,
    EVAL_BUDGET_MS,
  );
  const [floor, oursNs, anchorNs] = medians;
  const ratios = samples[1].map((ns, round) => samples[2][round] / ns).sort((a, b) => a - b);
  evalResults[kind] = {
    floorNs: floor,
    oursNs,
    anchorNs,
    ratio: median(ratios),
    ratioLow: ratios[Math.floor(ratios.length / 4)],
    ratioHigh: ratios[Math.floor((ratios.length * 3) / 4)],
    rounds: ratios.length,
  };
}
table(
  ['', 'floor ns', 'ours ns', 'flipt (wasm) ns', 'flipt / ours', 'middle half', 'ours / floor'],
  Object.entries(evalResults).map(([kind, r]) => [
    kind,
    fmt(r.floorNs),
    fmt(r.oursNs),
    fmt(r.anchorNs),
    `${fmt(r.ratio, 2)}x`,
    `${fmt(r.ratioLow, 1)}-${fmt(r.ratioHigh, 1)}x`,
    `${fmt(r.oursNs / r.floorNs, 2)}x`,
  ]),
);
console.log('flipt / ours = median over rounds of the ratio within a round; middle half = its quartiles');
console.log('floor = Map lookup of the flag + one crc32(flagKey + entityId), nothing else');
disposeOracle(oracle);

// ---------------------------------------------------------------------------
// 2. Parse + build

gc();
const large = generateLargeSnapshot();
const largeText = JSON.stringify(large);
const largeFlags = large.flags.length;
const largeMiB = Buffer.byteLength(largeText) / (1024 * 1024);
console.log(`\nparse + build: ${largeFlags.toLocaleString('en-US')} flags, ${fmt(largeMiB, 2)} MiB of snapshot JSON`);

const largeNamespace = large.namespace.key;

// Differential check on the large snapshot too (cheap, and it exercises a different seed).
{
  const oursLarge = createEngineFromText(largeText);
  const oracleLarge = await createOracle(largeText, largeNamespace);
  const lEntities = generateEntities(500, 3);
  const lBool = large.flags.filter((f) => f.type === 'BOOLEAN_FLAG_TYPE').map((f) => f.key);
  const lVar = large.flags.filter((f) => f.type !== 'BOOLEAN_FLAG_TYPE').map((f) => f.key);
  const mk = (keys, n) =>
    Array.from({ length: n }, (_, i) => {
      const e = lEntities[(i * 31) % lEntities.length];
      return { flagKey: keys[(i * 977) % keys.length], entityId: e.entityId, context: e.context };
    });
  sanityCount += sanityCheck('5,000-flag snapshot', oursLarge, oracleLarge, {
    evaluateBoolean: mk(lBool, QUICK ? 300 : 1000),
    evaluateVariant: mk(lVar, QUICK ? 300 : 1000),
  });
  disposeOracle(oracleLarge);
}

const parseResults = [];
parseResults.push(
  await timeIterations('JSON.parse(text)', () => JSON.parse(largeText), {
    iterations: PARSE_ITERATIONS,
    budgetMs: PARSE_BUDGET_MS,
  }),
);
parseResults.push(
  await timeIterations(`ours: ${engineFromTextPath}`, () => createEngineFromText(largeText), {
    iterations: PARSE_ITERATIONS,
    budgetMs: PARSE_BUDGET_MS,
  }),
);
parseResults.push(
  await timeIterations(
    'flipt: FliptClient.init (fetcher)',
    async () => {
      const c = await createOracle(largeText, largeNamespace);
      disposeOracle(c);
      return c;
    },
    { iterations: PARSE_ITERATIONS, budgetMs: PARSE_BUDGET_MS },
  ),
);
// The oracle's init also decodes and compiles its WASM module every time; its refresh path
// (new etag -> Response.json() -> engine.snapshot) is the snapshot-ingest cost alone.
{
  let etag = 0;
  const warn = console.warn;
  console.warn = () => {};
  const client = await FliptClient.init({
    namespace: largeNamespace,
    fetcher: async () => new Response(largeText, { status: 200, headers: { etag: `v${etag++}` } }),
  });
  console.warn = warn;
  parseResults.push(
    await timeIterations(
      'flipt: client.refresh() (ingest only)',
      async () => {
        if (!(await client.refresh())) fail('oracle refresh did not replace the snapshot');
      },
      { iterations: PARSE_ITERATIONS, budgetMs: PARSE_BUDGET_MS },
    ),
  );
  disposeOracle(client);
}

const parseMs = parseResults[0].medianMs;
table(
  ['', 'median ms', 'x JSON.parse', 'runs'],
  parseResults.map((r) => [r.label, fmt(r.medianMs), `${fmt(r.medianMs / parseMs, 2)}x`, r.iterations]),
);

// ---------------------------------------------------------------------------
// 3. Summary

const [, oursParse, anchorInit, anchorRefresh] = parseResults;
const summary = {
  node: process.version,
  quick: QUICK,
  sanityChecked: sanityCount,
  evaluation: Object.fromEntries(
    Object.entries(evalResults).map(([k, r]) => [
      k,
      {
        floorNs: round(r.floorNs),
        oursNs: round(r.oursNs),
        anchorNs: round(r.anchorNs),
        anchorOverOurs: round(r.ratio, 2),
        anchorOverOursQuartiles: [round(r.ratioLow, 2), round(r.ratioHigh, 2)],
      },
    ]),
  ),
  parse: {
    flags: largeFlags,
    bytes: Buffer.byteLength(largeText),
    jsonParseMs: round(parseMs),
    oursMs: round(oursParse.medianMs),
    oursPath: engineFromTextPath,
    anchorInitMs: round(anchorInit.medianMs),
    anchorRefreshMs: round(anchorRefresh.medianMs),
    oursOverJsonParse: round(oursParse.medianMs / parseMs, 2),
    anchorInitOverJsonParse: round(anchorInit.medianMs / parseMs, 2),
    anchorRefreshOverJsonParse: round(anchorRefresh.medianMs / parseMs, 2),
  },
  totalSeconds: round((performance.now() - started) / 1000),
};
console.log(`\n(sink ${sink & 1}) total ${fmt(summary.totalSeconds)} s`);
console.log(JSON.stringify(summary));

function round(n, digits = 1) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

// The oracle clients are closed, but make sure nothing (WASM, timers) keeps us alive.
process.exit(0);
