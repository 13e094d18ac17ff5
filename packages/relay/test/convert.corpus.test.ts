// The repository's own corpus of flag files (test/corpus, written for this project; see its README):
// - every loading entry converts with exactly the expected warnings, to exactly the pinned
//   snapshots (corpus/snapshots/<entry>.json), exercising what it claims; together the entries
//   cover every file-format version, constraint type and operator, segment operator, rollout
//   kind and attachment kind (corpusFeatures.ts);
// - its snapshots evaluate identically in our Engine and in Flipt's engine (the oracle) for every
//   flag × entity × context, one by one, in a batch, for the wrong type and unknown flags, and
//   when listing flags; and the contexts drive every constraint both ways;
// - every rejected entry gives a FlagFileError with exactly the message (file:line:column: ...) it
//   must give.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Engine, parseSnapshot, type Snapshot, type SnapshotSegment } from '@flagcast/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFlagFiles, FlagFileError, type ConvertResult, type FlagFile } from '../src/index.js';
import { readFlagPath } from '../src/sources/readFlagPath.js';
import { corpusFeatures, REQUIRED_FEATURES } from './corpus/corpusFeatures.js';
import { ENTITY_IDS, LOADING, LOADS_DIR, SNAPSHOTS_DIR, type Context } from './corpus/loading.js';
import { REJECTED, REJECTS_DIR } from './corpus/rejected.js';
import { closeOracle, createOracle, outcome, type OracleClient } from './support/oracle.js';

const NOW = new Date('2026-01-01T00:00:00Z');

/** The entry's files as the file source reads them (a file, or every flag file below a directory), named relative to `dir`. */
async function readEntry(dir: string, path: string): Promise<FlagFile[]> {
  return (await readFlagPath(join(dir, path))).map((f) => ({ name: relative(dir, f.name), contents: f.contents }));
}

const pinnedName = (path: string) => `${path.replace(/\.(ya?ml|json)$/, '')}.json`;
const byKey = (flags: unknown) => [...(flags as { key: string }[])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** Entity-id constraints no request can drive both ways: both engines refuse an empty entity id. */
const ONE_WAY: Record<string, string> = {
  'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE empty': 'DEFAULT_EVALUATION_REASON',
  'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE notempty': 'MATCH_EVALUATION_REASON',
};

/** What one constraint alone gives over all entity ids × contexts (our engine, a one-constraint boolean flag). */
function constraintReasons(constraint: SnapshotSegment['constraints'][number], contexts: Context[]): string[] {
  const segment = { key: 's', matchType: 'ALL_SEGMENT_MATCH_TYPE', constraints: [constraint] };
  const probe = parseSnapshot({
    namespace: { key: 'probe' },
    flags: [{ key: 'probe', name: '', enabled: true, type: 'BOOLEAN_FLAG_TYPE', rollouts: [{ segment: { value: true, segmentOperator: 'OR_SEGMENT_OPERATOR', segments: [segment] } }] }],
  });
  const engine = new Engine(probe);
  const reasons = new Set(ENTITY_IDS.flatMap((entityId) => contexts.map((context) => engine.evaluateBoolean({ flagKey: 'probe', entityId, context }).reason)));
  return [...reasons].sort();
}

function inlinedSegments(snapshot: Snapshot): SnapshotSegment[] {
  return snapshot.flags.flatMap((f) => [...(f.rules ?? []).flatMap((r) => r.segments ?? []), ...(f.rollouts ?? []).flatMap((r) => r.segment?.segments ?? [])]);
}

describe('corpus entries the relay loads', () => {
  for (const entry of LOADING) {
    describe(entry.path, () => {
      let files: FlagFile[];
      let result: ConvertResult;
      let snapshots: Snapshot[];
      const oracles = new Map<string, OracleClient>();

      beforeAll(async () => {
        files = await readEntry(LOADS_DIR, entry.path);
        result = convertFlagFiles(files, { now: NOW });
        snapshots = [...result.snapshots.values()];
        for (const s of snapshots) oracles.set(s.namespace.key, await createOracle(JSON.stringify(s), s.namespace.key));
      });
      afterAll(() => oracles.forEach(closeOracle));

      it('converts with exactly the expected warnings', () => {
        expect(result.warnings.map((w) => `${w.file}: ${w.message}`)).toEqual(entry.warnings ?? []);
      });

      it('converts to the pinned snapshots', async () => {
        await expect(`${JSON.stringify(snapshots, null, 2)}\n`).toMatchFileSnapshot(join(SNAPSHOTS_DIR, pinnedName(entry.path)));
        for (const s of snapshots) expect(() => parseSnapshot(JSON.stringify(s))).not.toThrow();
      });

      it(`exercises what it claims: ${entry.exercises.join(', ')}`, () => {
        const features = corpusFeatures(files, snapshots);
        expect(entry.exercises.filter((f) => !features.has(f))).toEqual([]);
      });

      it('evaluates every flag × entity × context as Flipt does', () => {
        const mismatches: unknown[] = [];
        let count = 0;
        const outcomes = new Set<string>();
        for (const snapshot of snapshots) {
          const engine = new Engine(parseSnapshot(JSON.stringify(snapshot)));
          const oracle = oracles.get(snapshot.namespace.key)!;
          for (const flag of snapshot.flags) {
            const boolean = flag.type === 'BOOLEAN_FLAG_TYPE';
            for (const entityId of ENTITY_IDS) {
              for (const context of entry.contexts) {
                const req = { flagKey: flag.key, entityId, context };
                const ours = outcome(() => (boolean ? engine.evaluateBoolean(req) : engine.evaluateVariant(req)));
                const flipt = outcome(() => (boolean ? oracle.evaluateBoolean(req) : oracle.evaluateVariant(req)));
                count++;
                outcomes.add(JSON.stringify(flipt));
                if (JSON.stringify(ours) !== JSON.stringify(flipt)) mismatches.push({ namespace: snapshot.namespace.key, req, ours, flipt });
              }
            }
          }
        }
        expect(mismatches.slice(0, 3), `${mismatches.length} of ${count} differ`).toEqual([]);
        expect(outcomes.size, 'the contexts must drive the flags more than one way').toBeGreaterThan(1);
      });

      it('rejects the wrong evaluation type, unknown flags and an empty entity id as Flipt does', () => {
        for (const snapshot of snapshots) {
          const engine = new Engine(parseSnapshot(JSON.stringify(snapshot)));
          const oracle = oracles.get(snapshot.namespace.key)!;
          const context = entry.contexts[0]!;
          const requests = [...snapshot.flags.map((f) => ({ flagKey: f.key, entityId: 'user-1', context })), { flagKey: 'no-such-flag', entityId: 'user-1', context }];
          for (const req of [...requests, { ...requests[0]!, entityId: '' }]) {
            expect(outcome(() => engine.evaluateVariant(req)), `variant ${req.flagKey}`).toEqual(outcome(() => oracle.evaluateVariant(req)));
            expect(outcome(() => engine.evaluateBoolean(req)), `boolean ${req.flagKey}`).toEqual(outcome(() => oracle.evaluateBoolean(req)));
          }
        }
      });

      it('evaluates a batch (every flag, a missing flag) and lists flags as Flipt does', () => {
        for (const snapshot of snapshots) {
          const engine = new Engine(parseSnapshot(JSON.stringify(snapshot)));
          const oracle = oracles.get(snapshot.namespace.key)!;
          const batch = snapshot.flags.flatMap((f) => entry.contexts.map((context, i) => ({ flagKey: f.key, entityId: ENTITY_IDS[i]!, context })));
          batch.push({ flagKey: 'no-such-flag', entityId: 'user-1', context: {} });
          expect(outcome(() => engine.evaluateBatch(batch))).toEqual(outcome(() => oracle.evaluateBatch(batch)));
          expect(outcome(() => byKey(engine.listFlags()))).toEqual(outcome(() => byKey(oracle.listFlags())));
        }
      });

      it('drives every constraint both ways with its contexts (declared exceptions aside)', () => {
        const segments = snapshots.flatMap(inlinedSegments);
        expect(Object.keys(entry.neverMatch ?? {}).filter((key) => !segments.some((s) => s.key === key)), 'declared but not served').toEqual([]);
        for (const segment of segments) {
          for (const constraint of segment.constraints) {
            const oneWay = entry.neverMatch?.[segment.key] ? 'DEFAULT_EVALUATION_REASON' : ONE_WAY[`${constraint.type} ${constraint.operator}`];
            const expected = oneWay ? [oneWay] : ['DEFAULT_EVALUATION_REASON', 'MATCH_EVALUATION_REASON'];
            expect(constraintReasons(constraint, entry.contexts), `${segment.key}: ${constraint.property} ${constraint.operator} ${constraint.value}`).toEqual(expected);
          }
        }
      });
    });
  }

  it('covers, over all entries, every version, constraint type and operator, segment operator, rollout and attachment kind', async () => {
    const covered = new Set<string>();
    for (const entry of LOADING) {
      const files = await readEntry(LOADS_DIR, entry.path);
      corpusFeatures(files, [...convertFlagFiles(files, { now: NOW }).snapshots.values()]).forEach((f) => covered.add(f));
    }
    expect(REQUIRED_FEATURES.filter((f) => !covered.has(f))).toEqual([]);
  });

  it('lists every entry under loads/ and rejects/, and keeps no pinned snapshot of a removed entry', () => {
    const entries = (dir: string) => readdirSync(dir).filter((name) => !name.startsWith('.')).sort();
    expect(entries(LOADS_DIR)).toEqual(LOADING.map((e) => e.path).sort());
    expect(entries(REJECTS_DIR)).toEqual(Object.keys(REJECTED).sort());
    // A missing pin fails its entry's test (under CI=true; elsewhere the first run writes it).
    expect(entries(SNAPSHOTS_DIR).filter((name) => !LOADING.some((e) => pinnedName(e.path) === name))).toEqual([]);
  });
});

describe('corpus entries the relay rejects', () => {
  for (const [path, message] of Object.entries(REJECTED)) {
    it(`${path}: ${message.slice(message.indexOf(': ') + 2)}`, async () => {
      const files = await readEntry(REJECTS_DIR, path);
      let error: unknown;
      try {
        convertFlagFiles(files, { now: NOW });
      } catch (e) {
        error = e;
      }
      expect(error, 'the relay accepted a file it must refuse').toBeInstanceOf(FlagFileError);
      const e = error as FlagFileError;
      expect(e.message).toBe(message);
      const [, file, line, column] = /^(.+?)(?::(\d+):(\d+))?: /.exec(message)!;
      expect({ file: e.file, line: e.line, column: e.column }).toEqual({ file, line: line === undefined ? undefined : Number(line), column: column === undefined ? undefined : Number(column) });
    });
  }
});
