/**
 * Differential test: our Engine against Flipt's own engine (the oracle, WASM) on random
 * snapshots and requests. Zero differences allowed.
 *
 *   pnpm vitest run packages/core/test/differential.test.ts
 *   DIFF_SEED=7 DIFF_EVALS=5000 pnpm vitest run packages/core/test/differential.test.ts
 *
 * DIFF_SEED: one seed or a comma-separated list (default: 24 fixed seeds).
 * DIFF_EVALS: total evaluations for the run, split evenly over the seeds (default 120000).
 * A seed's stream of snapshots and requests depends only on the seed, so a failure reproduces
 * with `DIFF_SEED=<seed> DIFF_EVALS=<per-seed budget>` (both printed in the failure message).
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Engine, EvaluationError, SnapshotError, parseSnapshot } from '../src/index';
import { loadOracle, normalize, normalizeFlags, type OracleResult } from './support/oracle';
import {
  Random,
  deriveSeed,
  flagsForCall,
  randomRequests,
  randomSnapshot,
  type EvalCall,
} from './support/random';

const DEFAULT_SEEDS = Array.from({ length: 24 }, (_, i) => 1000 + i * 7919);
const SEEDS = process.env['DIFF_SEED']
  ? process.env['DIFF_SEED'].split(',').map((s) => Number(s.trim()) >>> 0)
  : DEFAULT_SEEDS;
const TOTAL_EVALS = Number(process.env['DIFF_EVALS'] ?? 120_000);
const PER_SEED = Math.max(1, Math.ceil(TOTAL_EVALS / SEEDS.length));
const CALLS_PER_SNAPSHOT = 500;
const MAX_REPORTED = 5;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Mismatch {
  seed: number;
  snapshotIndex: number;
  what: string;
  namespace: unknown;
  flags: unknown;
  call: unknown;
  expected: unknown;
  actual: unknown;
}

/** Coverage counters, from the oracle's answers. */
const stats = {
  snapshots: 0,
  snapshotsRejected: 0,
  evaluations: 0,
  variant: 0,
  variantReasons: {} as Record<string, number>,
  variantSegmentKeys: 0,
  variantMultiSegmentKeys: 0,
  variantAttachment: 0,
  boolean: 0,
  booleanOutcomes: {} as Record<string, number>,
  booleanSegmentKeys: 0,
  singleThrows: 0,
  batchCalls: 0,
  batchThrows: 0,
  batchItems: {} as Record<string, number>,
  listFlags: 0,
};

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function ours(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}${'code' in e ? `(${String(e.code)})` : ''}: ${e.message}`;
  return `non-Error thrown: ${String(e)}`;
}

/** JSON that keeps lone surrogates visible (JSON.stringify escapes them as \udXXX). */
function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (x === undefined ? '<undefined>' : x), 1) ?? String(v);
  } catch {
    return String(v);
  }
}

function record(call: EvalCall, expected: OracleResult): void {
  if (call.kind === 'variant' || call.kind === 'boolean') {
    if (!expected.ok) {
      stats.singleThrows++;
      return;
    }
    const v = expected.value as {
      reason: string;
      enabled?: boolean;
      segmentKeys: string[];
      variantAttachment?: string;
    };
    if (call.kind === 'variant') {
      bump(stats.variantReasons, v.reason);
      if (v.segmentKeys.length > 0) stats.variantSegmentKeys++;
      if (v.segmentKeys.length > 1) stats.variantMultiSegmentKeys++;
      if (v.variantAttachment !== undefined) stats.variantAttachment++;
    } else {
      bump(stats.booleanOutcomes, `${v.reason}:${String(v.enabled)}`);
      if (v.segmentKeys.length > 0) stats.booleanSegmentKeys++;
    }
  } else if (call.kind === 'batch') {
    stats.batchCalls++;
    if (!expected.ok) {
      stats.batchThrows++;
      return;
    }
    for (const item of (expected.value as { responses: { type: string }[] }).responses) bump(stats.batchItems, item.type);
  }
}

async function checkSeed(seed: number, budget: number): Promise<{ mismatches: Mismatch[]; total: number }> {
  const rng = new Random(deriveSeed(seed, 0));
  const mismatches: Mismatch[] = [];
  let total = 0;
  let evals = 0;
  let snapshotIndex = -1;
  while (evals < budget) {
    snapshotIndex++;
    const raw = randomSnapshot(rng);
    const snapshot: unknown = JSON.parse(JSON.stringify(raw));
    stats.snapshots++;
    const load = await loadOracle(raw);
    const built = ours(() => new Engine(parseSnapshot(snapshot)));
    const base = { seed, snapshotIndex, namespace: (raw as { namespace?: unknown }).namespace };

    if (!load.loaded) {
      stats.snapshotsRejected++;
      evals += 5; // guarantees progress even if every snapshot were rejected
      if (built.ok || !(built.error instanceof SnapshotError)) {
        total++;
        if (mismatches.length < MAX_REPORTED) {
          mismatches.push({
            ...base,
            what: 'snapshot: oracle rejects it, parseSnapshot must throw SnapshotError',
            flags: raw,
            call: 'new Engine(parseSnapshot(snapshot))',
            expected: { throws: 'SnapshotError', oracle: load.error },
            actual: built.ok ? 'constructed without error' : describeError(built.error),
          });
        }
      }
      continue;
    }
    const oracle = load.oracle;
    try {
      if (!built.ok) {
        total++;
        if (mismatches.length < MAX_REPORTED) {
          mismatches.push({
            ...base,
            what: 'snapshot: oracle loads it, parseSnapshot or Engine threw',
            flags: raw,
            call: 'new Engine(parseSnapshot(snapshot))',
            expected: 'loads',
            actual: describeError(built.error),
          });
        }
        continue;
      }
      const engine = built.value as Engine;
      const calls = randomRequests(rng, raw, Math.min(CALLS_PER_SNAPSHOT, budget - evals));
      for (const call of calls) {
        let expected: OracleResult;
        let actual: Outcome;
        let normalizeResult: (v: unknown) => unknown = normalize;
        switch (call.kind) {
          case 'variant':
            expected = oracle.evaluateVariant(call.request);
            actual = ours(() => engine.evaluateVariant(call.request as never));
            evals++;
            stats.variant++;
            break;
          case 'boolean':
            expected = oracle.evaluateBoolean(call.request);
            actual = ours(() => engine.evaluateBoolean(call.request as never));
            evals++;
            stats.boolean++;
            break;
          case 'batch':
            expected = oracle.evaluateBatch(call.requests);
            actual = ours(() => engine.evaluateBatch(call.requests as never));
            evals += Math.max(1, call.requests.length);
            break;
          default:
            expected = oracle.listFlags();
            actual = ours(() => engine.listFlags());
            normalizeResult = normalizeFlags;
            evals++;
            stats.listFlags++;
        }
        if (!expected.ok && expected.fatal) {
          throw new Error(
            `oracle panicked (WASM RuntimeError) — seed ${seed}, snapshot ${snapshotIndex}\n${expected.error}\n` +
              `call: ${show(call)}\nflags: ${show(flagsForCall(raw, call))}`,
          );
        }
        record(call, expected);

        let problem: { expected: unknown; actual: unknown } | undefined;
        if (expected.ok && actual.ok) {
          const e = normalizeResult(expected.value);
          const a = normalizeResult(actual.value);
          if (!isDeepStrictEqual(a, e)) problem = { expected: e, actual: a };
        } else if (expected.ok && !actual.ok) {
          problem = { expected: normalizeResult(expected.value), actual: { threw: describeError(actual.error) } };
        } else if (!expected.ok && actual.ok) {
          problem = { expected: { throws: expected.error }, actual: normalizeResult(actual.value) };
        } else if (!actual.ok && !(actual.error instanceof EvaluationError)) {
          problem = {
            expected: { throws: 'EvaluationError', oracle: expected.ok ? undefined : expected.error },
            actual: { threw: describeError(actual.error) },
          };
        }
        if (problem) {
          total++;
          if (mismatches.length < MAX_REPORTED) {
            mismatches.push({
              ...base,
              what: call.kind,
              flags: flagsForCall(raw, call),
              call,
              ...problem,
            });
          }
        }
      }
    } finally {
      oracle.close();
    }
  }
  stats.evaluations += evals;
  return { mismatches, total };
}

function report(seed: number, budget: number, mismatches: Mismatch[], total: number): string {
  const lines = [
    `${total} difference(s) from the oracle for seed ${seed}. Reproduce with:`,
    `  DIFF_SEED=${seed} DIFF_EVALS=${budget} pnpm vitest run packages/core/test/differential.test.ts`,
  ];
  for (const m of mismatches) {
    lines.push(
      '',
      `--- seed ${m.seed}, snapshot #${m.snapshotIndex}, ${m.what}`,
      `namespace: ${show(m.namespace)}`,
      `flag JSON: ${show(m.flags)}`,
      `request: ${show(m.call)}`,
      `oracle (expected): ${show(m.expected)}`,
      `ours (actual):     ${show(m.actual)}`,
    );
  }
  return lines.join('\n');
}

describe('differential: Engine vs @flipt-io/flipt-client-js (WASM oracle)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed} (${PER_SEED} evaluations)`, { timeout: 120_000 }, async () => {
      const { mismatches, total } = await checkSeed(seed, PER_SEED);
      if (total > 0) {
        const message = report(seed, PER_SEED, mismatches, total);
        const first = mismatches[0];
        expect(first?.actual, message).toEqual(first?.expected);
        expect.fail(message);
      }
    });
  }

  it('exercised the interesting outcomes (coverage of the generated inputs)', () => {
    // With a tiny custom run the proportions are meaningless.
    if (stats.evaluations < 20_000) return;
    const summary = `coverage stats: ${JSON.stringify(stats, null, 1)}`;
    if (process.env['DIFF_VERBOSE']) console.log(summary);
    const v = stats.variant;
    const b = stats.boolean;
    const reasons = stats.variantReasons;
    const frac = (n: number | undefined, of: number): number => (n ?? 0) / Math.max(1, of);

    expect(stats.evaluations, summary).toBeGreaterThanOrEqual(Math.min(TOTAL_EVALS, 100_000));
    expect(frac(reasons['MATCH_EVALUATION_REASON'], v), summary).toBeGreaterThan(0.15);
    expect(frac(reasons['DEFAULT_EVALUATION_REASON'], v), summary).toBeGreaterThan(0.1);
    expect(frac(reasons['FLAG_DISABLED_EVALUATION_REASON'], v), summary).toBeGreaterThan(0.05);
    expect(frac(reasons['UNKNOWN_EVALUATION_REASON'], v), summary).toBeGreaterThan(0.03);
    expect(frac(stats.variantSegmentKeys, v), summary).toBeGreaterThan(0.1);
    expect(frac(stats.variantMultiSegmentKeys, v), summary).toBeGreaterThan(0.01);
    expect(frac(stats.variantAttachment, v), summary).toBeGreaterThan(0.2);
    expect(frac(stats.booleanOutcomes['MATCH_EVALUATION_REASON:true'], b), summary).toBeGreaterThan(0.1);
    expect(frac(stats.booleanOutcomes['MATCH_EVALUATION_REASON:false'], b), summary).toBeGreaterThan(0.1);
    expect(frac(stats.booleanOutcomes['DEFAULT_EVALUATION_REASON:true'], b), summary).toBeGreaterThan(0.05);
    expect(frac(stats.booleanOutcomes['DEFAULT_EVALUATION_REASON:false'], b), summary).toBeGreaterThan(0.02);
    expect(frac(stats.booleanSegmentKeys, b), summary).toBeGreaterThan(0.05);
    expect(frac(stats.singleThrows, v + b), summary).toBeGreaterThan(0.02);
    expect(stats.batchThrows, summary).toBeGreaterThan(0);
    expect(stats.batchItems['ERROR_EVALUATION_RESPONSE_TYPE'] ?? 0, summary).toBeGreaterThan(0);
    expect(stats.batchItems['VARIANT_EVALUATION_RESPONSE_TYPE'] ?? 0, summary).toBeGreaterThan(1000);
    expect(stats.batchItems['BOOLEAN_EVALUATION_RESPONSE_TYPE'] ?? 0, summary).toBeGreaterThan(1000);
    expect(stats.listFlags, summary).toBeGreaterThan(0);
    expect(stats.snapshotsRejected, summary).toBeGreaterThan(0);
    expect(stats.snapshots - stats.snapshotsRejected, summary).toBeGreaterThan(100);
  });
});
