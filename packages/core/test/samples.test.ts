// Differential test on Flipt's own sample flag files.
//
// The snapshots in fixtures/samples/*.json are hand-written: each is the
// `EvaluationNamespaceSnapshot` (proto-JSON) Flipt's file backend serves for the sample file of
// the same name in Flipt's test data (see FLIPT-PROTOCOL.md §3). They are in the repository, so
// this runs in any clone; the relay's own tests convert its corpus (and those samples, when
// present) and check the converter against Flipt's engine.
//
// How they were written (from flipt-io/flipt internal/storage/fs/snapshot.go and the
// gateway's protojson marshaller with EmitDefaultValues):
// - flag `name`/`description` and segment `name`/`description` are always "" (deprecated,
//   "to avoid exposing internal information"); flags carry createdAt/updatedAt; empty lists
//   are emitted as [] (`rules`, `rollouts`, `distributions`, `constraints`);
// - segments are inlined, in the order the rule/rollout lists their keys; rule ids are
//   random UUIDs; ranks are 1-based positions;
// - attachments are JSON strings, "null" when the variant has none; distribution
//   attachments come from protojson (", " after commas in this build), the default
//   variant's from encoding/json (compact): same value, different bytes;
// - isoneof lists written as YAML lists become compact JSON arrays in `value`;
// - digest = hex SHA-1 of the file's bytes; a document without `namespace` goes to "default".

import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { FliptClient } from '@flipt-io/flipt-client-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, parseSnapshot } from '../src/index';
import { normalize, stripVolatile } from './support/oracle';

type Context = Record<string, string>;
interface Request {
  flagKey: string;
  entityId: string;
  context: Context;
}
interface Evaluator {
  evaluateVariant(req: Request): unknown;
  evaluateBoolean(req: Request): unknown;
  evaluateBatch(reqs: Request[]): unknown;
  listFlags(): unknown;
}
interface SampleFlag {
  key: string;
  type?: string;
}

/** Entity ids and, per sample, contexts that drive each constraint both ways (shared with the relay's tests). */
const inputs = JSON.parse(readFileSync(new URL('./fixtures/samples/contexts.json', import.meta.url), 'utf8')) as {
  entityIds: string[];
  samples: Record<string, { constraints: string; contexts: Context[] }>;
};
const ENTITY_IDS = inputs.entityIds;

type Outcome = { ok: unknown } | { threw: true };

/** Equal modulo timestamp/requestDurationMillis, segmentKeys compared sorted (not de-duplicated). */
function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: normalize(stripVolatile(fn())) };
  } catch {
    return { threw: true };
  }
}

interface Mismatch {
  call: string;
  request?: Request | Request[];
  ours: Outcome;
  flipt: Outcome;
}

function compare(call: string, request: Request | Request[] | undefined, ours: () => unknown, flipt: () => unknown, into: Mismatch[]) {
  const a = outcome(ours);
  const b = outcome(flipt);
  if (!isDeepStrictEqual(a, b)) into.push({ call, request, ours: a, flipt: b });
}

async function createOracle(text: string, namespace: string) {
  const warn = console.warn;
  console.warn = () => {}; // wasm-bindgen's init-signature deprecation notice
  try {
    return await FliptClient.init({
      namespace,
      fetcher: async () => new Response(text, { status: 200, headers: { etag: 'x' } }),
    });
  } finally {
    console.warn = warn;
  }
}

for (const [name, { contexts }] of Object.entries(inputs.samples)) {
  describe(`Flipt sample ${name}.yaml`, () => {
    const text = readFileSync(new URL(`./fixtures/samples/${name}.json`, import.meta.url), 'utf8');
    const raw = JSON.parse(text) as { namespace: { key: string }; flags: SampleFlag[] };
    let ours: Evaluator;
    let flipt: Awaited<ReturnType<typeof createOracle>>;

    beforeAll(async () => {
      flipt = await createOracle(text, raw.namespace.key);
      ours = new Engine(parseSnapshot(text)) as unknown as Evaluator;
    });
    // The Node build's client has close() (stops its refresh timer); the shared typings don't.
    afterAll(() => (flipt as unknown as { close?: () => void } | undefined)?.close?.());

    const requests = (flag: SampleFlag): Request[] =>
      ENTITY_IDS.flatMap((entityId) => contexts.map((context) => ({ flagKey: flag.key, entityId, context })));

    it('evaluates every flag × entity × context as Flipt does', () => {
      const mismatches: Mismatch[] = [];
      let count = 0;
      for (const flag of raw.flags) {
        const isBoolean = flag.type === 'BOOLEAN_FLAG_TYPE';
        for (const req of requests(flag)) {
          count++;
          if (isBoolean) compare('evaluateBoolean', req, () => ours.evaluateBoolean(req), () => flipt.evaluateBoolean(req), mismatches);
          else compare('evaluateVariant', req, () => ours.evaluateVariant(req), () => flipt.evaluateVariant(req), mismatches);
        }
      }
      expect(count).toBeGreaterThan(0);
      expect(mismatches.slice(0, 5), `${mismatches.length} of ${count} results differ`).toEqual([]);
    });

    it('rejects the wrong evaluation type and unknown flags as Flipt does', () => {
      const mismatches: Mismatch[] = [];
      const context = contexts[0] ?? {};
      for (const flag of raw.flags) {
        const req = { flagKey: flag.key, entityId: 'user-1', context };
        if (flag.type === 'BOOLEAN_FLAG_TYPE') compare('evaluateVariant', req, () => ours.evaluateVariant(req), () => flipt.evaluateVariant(req), mismatches);
        else compare('evaluateBoolean', req, () => ours.evaluateBoolean(req), () => flipt.evaluateBoolean(req), mismatches);
      }
      const missing = { flagKey: 'no-such-flag', entityId: 'user-1', context };
      compare('evaluateVariant', missing, () => ours.evaluateVariant(missing), () => flipt.evaluateVariant(missing), mismatches);
      compare('evaluateBoolean', missing, () => ours.evaluateBoolean(missing), () => flipt.evaluateBoolean(missing), mismatches);
      expect(mismatches).toEqual([]);
    });

    it('evaluates a batch (all flags, a missing flag) as Flipt does', () => {
      const mismatches: Mismatch[] = [];
      const batch = raw.flags.flatMap((flag) => requests(flag).filter((_, i) => i % 7 === 0));
      batch.push({ flagKey: 'no-such-flag', entityId: 'user-1', context: {} });
      compare('evaluateBatch', batch, () => ours.evaluateBatch(batch), () => flipt.evaluateBatch(batch), mismatches);
      expect(mismatches.map(({ call, ours, flipt }) => ({ call, ours, flipt }))).toEqual([]);
    });

    it('lists flags as Flipt does', () => {
      // Flipt keeps flags in a Rust HashMap: its listFlags order differs from one engine
      // instance to the next, so compare the lists sorted by key.
      const byKey = (flags: unknown) =>
        [...(flags as { key: string }[])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const mismatches: Mismatch[] = [];
      compare('listFlags', undefined, () => byKey(ours.listFlags()), () => byKey(flipt.listFlags()), mismatches);
      expect(mismatches).toEqual([]);
    });
  });
}
