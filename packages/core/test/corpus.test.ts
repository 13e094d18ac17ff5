/**
 * Our Engine must reproduce, exactly, what the oracle (Flipt's Rust engine as WASM) answered for
 * each hand-picked edge case in corpus/cases.ts. The answers are in corpus/recorded.json,
 * produced by `node packages/core/scripts/record-corpus.mjs`; never edit that file by hand.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine, EvaluationError, SnapshotError, parseSnapshot } from '../src/index';
import { cases, type CorpusCall } from './corpus/cases';
import { normalize, normalizeFlags } from './support/oracle';

type RecordedResult = { value: unknown } | { throws: true; error: string };

interface RecordedCase {
  name: string;
  load: 'ok' | { rejected: true; error: string };
  results: RecordedResult[];
}

interface Recorded {
  recordedWith: string;
  cases: RecordedCase[];
}

const recorded = JSON.parse(
  readFileSync(new URL('./corpus/recorded.json', import.meta.url), 'utf8'),
) as Recorded;

const recordedByName = new Map(recorded.cases.map((c) => [c.name, c]));

function describeCall(call: CorpusCall): string {
  return JSON.stringify(call, (_k, v: unknown) => (v instanceof Map ? { Map: [...v] } : v));
}

function run(engine: Engine, call: CorpusCall): unknown {
  switch (call.kind) {
    case 'variant':
      return normalize(engine.evaluateVariant(call.request as never));
    case 'boolean':
      return normalize(engine.evaluateBoolean(call.request as never));
    case 'batch':
      return normalize(engine.evaluateBatch(call.requests as never));
    default:
      return normalizeFlags(engine.listFlags());
  }
}

describe('corpus: recorded.json is in sync with cases.ts', () => {
  it(`was recorded for exactly the cases in cases.ts (${recorded.recordedWith})`, () => {
    expect(recorded.cases.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    for (const c of cases) {
      const r = recordedByName.get(c.name);
      const expectedResults = r && r.load === 'ok' ? c.requests.length : 0;
      expect(r?.results.length, `result count for "${c.name}" — re-run the recorder`).toBe(expectedResults);
    }
  });
});

describe('corpus: Engine reproduces the oracle on hand-picked edge cases', () => {
  for (const c of cases) {
    it(c.name, () => {
      const rec = recordedByName.get(c.name);
      if (!rec) throw new Error(`"${c.name}" is not in recorded.json — run the recorder`);
      // The oracle receives the snapshot as JSON text, so give the engine the same JSON value.
      const snapshot: unknown = JSON.parse(JSON.stringify(c.snapshot) ?? 'null');

      if (rec.load !== 'ok') {
        let thrown: unknown;
        try {
          parseSnapshot(snapshot);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `the oracle rejects this snapshot (${rec.load.error})`).toBeInstanceOf(SnapshotError);
        return;
      }

      const engine = new Engine(parseSnapshot(snapshot));
      c.requests.forEach((call, i) => {
        const want = rec.results[i];
        const where = `request #${i}: ${describeCall(call)}`;
        if (!want) throw new Error(`no recorded result for ${where}`);
        if ('throws' in want) {
          let thrown: unknown;
          let got: unknown;
          try {
            got = run(engine, call);
          } catch (e) {
            thrown = e;
          }
          expect(thrown, `${where}\nthe oracle throws (${want.error}) but we returned ${JSON.stringify(got)}`).toBeInstanceOf(
            EvaluationError,
          );
        } else {
          let got: unknown;
          try {
            got = run(engine, call);
          } catch (e) {
            throw new Error(`${where}\nthe oracle returns ${JSON.stringify(want.value)} but we threw: ${String(e)}`);
          }
          expect(got, where).toEqual(want.value);
        }
      });
    });
  }
});
