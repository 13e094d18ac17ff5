// Flipt's own sample files through the converter: an extra conformance suite, run when the
// samples are beside the repository (../shared/flipt-features) or FLIPT_FEATURES_DIR names
// them, skipped with one line otherwise (the repository's own corpus, convert.corpus.test.ts,
// needs nothing outside the repository):
// - every sample Flipt's file backend loads converts, to exactly the pinned snapshot
//   (test/fixtures/*.json, checked field by field against Flipt's snapshot builder and against
//   the hand-written snapshots in packages/core/test/fixtures/samples);
// - the snapshot evaluates identically in our Engine and in Flipt's engine (the oracle) for
//   every flag × entity × context;
// - every sample Flipt rejects gives a FlagFileError naming the file, line, flag and reference.
import { readFileSync } from 'node:fs';
import { Engine, parseSnapshot, type Snapshot } from '@flagcast/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFlagFiles, FlagFileError } from '../src/index.js';
import { closeOracle, createOracle, outcome, type OracleClient } from './support/oracle.js';
import { CORE_SAMPLES_DIR, ENTITY_IDS, FEATURES_DIR, FEATURES_FOUND, LOADING, REJECTED } from './support/samples.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const convertSample = (file: string) => convertFlagFiles([{ name: file, contents: readFileSync(FEATURES_DIR + file) }], { now: NOW });
const baseName = (file: string) => file.replace(/\.ya?ml$/, '');

/** Drops what Flipt does not fix (random rule ids) and compares attachments by parsed value. */
function comparable(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => comparable(v, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'id' && key === 'rule') continue;
      if (k === 'ruleId') continue;
      out[k] = comparable(v, k === 'rules' ? 'rule' : k);
    }
    return out;
  }
  if (typeof value === 'string' && (key === 'attachment' || key === 'variantAttachment')) return JSON.parse(value);
  return value;
}

if (!FEATURES_FOUND) {
  console.log(`Flipt sample conformance suite skipped: no Flipt sample files at ${FEATURES_DIR} (set FLIPT_FEATURES_DIR to a flipt-features folder to run it)`);
}

describe.skipIf(!FEATURES_FOUND)('samples Flipt loads', () => {
  it('covers every sample in the shared folder, loading or rejected', () => {
    const files = readFileSync(FEATURES_DIR + 'README.md', 'utf8');
    for (const file of [...Object.keys(LOADING), ...Object.keys(REJECTED)]) expect(files).toContain(file.replace(/^testdata-/, ''));
  });

  for (const [file, contexts] of Object.entries(LOADING)) {
    describe(file, () => {
      let snapshot: Snapshot;
      let oracle: OracleClient;

      beforeAll(async () => {
        const { snapshots, warnings } = convertSample(file);
        expect(warnings).toEqual([]);
        expect(snapshots.size).toBe(1);
        snapshot = [...snapshots.values()][0]!;
        oracle = await createOracle(JSON.stringify(snapshot), snapshot.namespace.key);
      });
      afterAll(() => closeOracle(oracle));

      it('converts to the pinned snapshot', () => {
        const pinned = JSON.parse(readFileSync(new URL(`./fixtures/${baseName(file)}.json`, import.meta.url), 'utf8'));
        expect([snapshot]).toEqual(pinned);
        expect(snapshot.digest).toMatch(/^[0-9a-f]{40}$/);
      });

      it("matches the hand-written snapshot core's tests use (ids aside, attachments by value)", () => {
        const handWritten = JSON.parse(readFileSync(`${CORE_SAMPLES_DIR}${baseName(file)}.json`, 'utf8'));
        expect(comparable(snapshot)).toEqual(comparable(handWritten));
      });

      it('passes parseSnapshot', () => {
        expect(() => parseSnapshot(JSON.stringify(snapshot))).not.toThrow();
      });

      it('evaluates every flag × entity × context as Flipt does', () => {
        const engine = new Engine(parseSnapshot(JSON.stringify(snapshot)));
        const mismatches: unknown[] = [];
        let count = 0;
        const outcomes = new Set<string>();
        for (const flag of snapshot.flags) {
          const boolean = flag.type === 'BOOLEAN_FLAG_TYPE';
          for (const entityId of ENTITY_IDS) {
            for (const context of contexts) {
              const req = { flagKey: flag.key, entityId, context };
              const ours = outcome(() => (boolean ? engine.evaluateBoolean(req) : engine.evaluateVariant(req)));
              const flipt = outcome(() => (boolean ? oracle.evaluateBoolean(req) : oracle.evaluateVariant(req)));
              count++;
              outcomes.add(JSON.stringify(flipt));
              if (JSON.stringify(ours) !== JSON.stringify(flipt)) mismatches.push({ req, ours, flipt });
            }
          }
        }
        expect(mismatches.slice(0, 3), `${mismatches.length} of ${count} differ`).toEqual([]);
        // The contexts must drive the flags more than one way.
        expect(outcomes.size).toBeGreaterThan(1);
      });

      it('evaluates a batch (with a missing flag) as Flipt does', () => {
        const engine = new Engine(parseSnapshot(JSON.stringify(snapshot)));
        const batch = snapshot.flags.flatMap((f) => contexts.map((context, i) => ({ flagKey: f.key, entityId: ENTITY_IDS[i]!, context })));
        batch.push({ flagKey: 'no-such-flag', entityId: 'user-1', context: {} });
        expect(outcome(() => engine.evaluateBatch(batch))).toEqual(outcome(() => oracle.evaluateBatch(batch)));
      });
    });
  }

  it('puts every constraint of the loading samples to work both ways', async () => {
    // Each constraint must be true for one context and false for another (checked with our
    // engine on one-constraint snapshots derived from the sample's segments).
    for (const [file, contexts] of Object.entries(LOADING)) {
      const snapshot = [...convertSample(file).snapshots.values()][0]!;
      const segments = snapshot.flags.flatMap((f) => [...(f.rules ?? []).flatMap((r) => r.segments ?? []), ...(f.rollouts ?? []).flatMap((r) => r.segment?.segments ?? [])]);
      for (const segment of segments) {
        for (const constraint of segment.constraints) {
          const probe = parseSnapshot({
            namespace: { key: 'probe' },
            flags: [
              {
                key: 'probe',
                name: '',
                enabled: true,
                type: 'BOOLEAN_FLAG_TYPE',
                rollouts: [{ segment: { value: true, segmentOperator: 'OR_SEGMENT_OPERATOR', segments: [{ key: 's', matchType: 'ALL_SEGMENT_MATCH_TYPE', constraints: [constraint] }] } }],
              },
            ],
          });
          const engine = new Engine(probe);
          const results = new Set(ENTITY_IDS.flatMap((entityId) => contexts.map((context) => engine.evaluateBoolean({ flagKey: 'probe', entityId, context }).reason)));
          expect([...results].sort(), `${file} ${constraint.property} ${constraint.operator}`).toEqual(['DEFAULT_EVALUATION_REASON', 'MATCH_EVALUATION_REASON']);
        }
      }
    }
  });
});

describe.skipIf(!FEATURES_FOUND)('samples Flipt rejects', () => {
  for (const [file, expected] of Object.entries(REJECTED)) {
    it(`${file}: ${expected.mentions.join(', ')}`, () => {
      let error: unknown;
      try {
        convertSample(file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FlagFileError);
      const e = error as FlagFileError;
      expect(e.file).toBe(file);
      expect(e.line).toBe(expected.line);
      expect(e.column).toBeGreaterThan(0);
      expect(e.message.startsWith(`${file}:${expected.line}:`)).toBe(true);
      for (const m of expected.mentions) expect(e.message).toContain(m);
    });
  }
});
