// OFREP on the relay as Flipt v2 serves it: single and bulk evaluation (shapes, reasons, errors,
// namespace and environment headers), the bulk ETag over everything a client sees, and the
// eventStreams SSE alias in Flipt's dialect. The Node client is the real
// @openfeature/ofrep-provider behind the OpenFeature server SDK.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFlagFiles, createRelay, type Relay } from '../src/index.js';
import { StreamReader } from './support/http.js';
import { closeOracle, createOracle, type OracleClient } from './support/oracle.js';
import { EVALUATION_SUITES } from './support/evaluationSuites.js';

const FLAGS = (color: string, extra = '') => `version: "1.6"
namespace: web
flags:
  - key: banner
    name: Banner
    enabled: true
    variants:
      - {key: blue, default: true, attachment: {color: ${color}}}
      - {key: red}
    rules:
      - segment: beta
        distributions: [{variant: red, rollout: 100}]
  - key: off-variant
    name: Disabled variant flag
    enabled: false
    variants: [{key: a, default: true}]
  - key: dark-mode
    name: Dark mode
    type: BOOLEAN_FLAG_TYPE
    enabled: true
    rollouts:
      - segment: {key: beta, value: false}
${extra}segments:
  - key: beta
    name: Beta
    match_type: ALL_MATCH_TYPE
    constraints: [{type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: beta}]
`;

let dir: string;
let file: string;
let relay: Relay;
const BULK = '/ofrep/v1/evaluate/flags';
const WEB = { 'x-flipt-namespace': 'web' };

async function post(path: string, body: unknown, headers: Record<string, string> = {}, base = relay.url) {
  const res = await fetch(base + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/**
 * A relay of its own on a flag file the test edits (the shared relay's file never changes, so a
 * reload the watcher still has queued from another test cannot land in this one).
 */
async function withEditedRelay(text: string, run: (relay: Relay, write: (text: string) => void) => Promise<void>): Promise<void> {
  const own = mkdtempSync(join(tmpdir(), 'relay-ofrep-edit-'));
  const path = join(own, 'features.yaml');
  writeFileSync(path, text);
  const edited = await createRelay({ file: path, logLevel: 'silent', debounceMs: 20, heartbeatMs: 60_000 });
  const write = (next: string) => {
    writeFileSync(`${path}.tmp`, next);
    renameSync(`${path}.tmp`, path);
  };
  try {
    await run(edited, write);
  } finally {
    await edited.close();
    rmSync(own, { recursive: true, force: true });
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-ofrep-'));
  file = join(dir, 'features.yaml');
  writeFileSync(file, FLAGS('blue'));
  relay = await createRelay({ file, logLevel: 'silent', watch: false });
});
afterAll(async () => {
  await OpenFeature.close();
  await relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('@openfeature/ofrep-provider (Node) against the relay', () => {
  it('resolves boolean and variant flags with Flipt\'s mapping, and a missing flag as FLAG_NOT_FOUND', async () => {
    await OpenFeature.setProviderAndWait('relay-web', new OFREPProvider({ baseUrl: relay.url, headers: [['X-Flipt-Namespace', 'web']] }));
    const client = OpenFeature.getClient('relay-web');
    expect(await client.getBooleanDetails('dark-mode', true, { targetingKey: 'u1', plan: 'beta' })).toMatchObject({ value: false, variant: 'false', reason: 'TARGETING_MATCH' });
    expect(await client.getBooleanDetails('dark-mode', false, { targetingKey: 'u1' })).toMatchObject({ value: true, variant: 'true', reason: 'DEFAULT' });
    const banner = await client.getStringDetails('banner', 'none', { targetingKey: 'u1', plan: 'beta' });
    expect(banner).toMatchObject({ value: 'red', variant: 'red', reason: 'TARGETING_MATCH', flagMetadata: { attachment: 'null', segments: 'beta' } });
    const fallback = await client.getStringDetails('banner', 'none', { targetingKey: 'u1' });
    expect(fallback).toMatchObject({ value: 'blue', variant: 'blue', reason: 'DEFAULT', flagMetadata: { attachment: '{"color":"blue"}' } });
    expect(await client.getStringDetails('off-variant', 'none', { targetingKey: 'u1' })).toMatchObject({ value: 'a', reason: 'DISABLED' });
    const missing = await client.getBooleanDetails('nope', true, { targetingKey: 'u1' });
    expect(missing).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', errorMessage: 'flag was not found nope' });
    // Without the namespace header, the relay reads namespace "default", which this relay lacks.
    await OpenFeature.setProviderAndWait('relay-default', new OFREPProvider({ baseUrl: relay.url }));
    expect(await OpenFeature.getClient('relay-default').getBooleanDetails('dark-mode', true, { targetingKey: 'u1' })).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
  });

  // Every flag of a corpus file with both flag types, and Flipt's production sample when present.
  const suites = EVALUATION_SUITES.filter(({ label }) => label === 'corpus/v1.1-boolean-rollouts.yaml' || label === 'flipt/production-features.yaml');
  it.each(suites.map((suite) => [suite.label, suite] as const))("agrees with Flipt's engine over %s (targetingKey as the entity)", async (_label, { file, entityIds, contexts }) => {
    const sample = await createRelay({ file, logLevel: 'silent', watch: false });
    let oracle: OracleClient | undefined;
    try {
      const namespace = [...convertFlagFiles([{ name: file, contents: readFileSync(file) }]).snapshots.keys()][0]!;
      oracle = await createOracle(await (await fetch(`${sample.url}/internal/v1/evaluation/snapshot/namespace/${namespace}`)).text(), namespace);
      await OpenFeature.setProviderAndWait(file, new OFREPProvider({ baseUrl: sample.url, headers: { 'X-Flipt-Namespace': namespace } }));
      const client = OpenFeature.getClient(file);
      const outcomes = new Set<string>();
      for (const flag of sample.snapshot(namespace)!.flags) {
        for (const entityId of entityIds.slice(0, 12)) {
          for (const context of contexts) {
            if (flag.type === 'BOOLEAN_FLAG_TYPE') {
              const b = oracle.evaluateBoolean({ flagKey: flag.key, entityId, context });
              const ours = await client.getBooleanDetails(flag.key, !b.enabled, { targetingKey: entityId, ...context });
              expect(ours, `${flag.key} ${entityId}`).toMatchObject({ value: b.enabled, variant: String(b.enabled), reason: b.reason === 'MATCH_EVALUATION_REASON' ? 'TARGETING_MATCH' : 'DEFAULT' });
              outcomes.add(`${flag.key}${b.enabled}${b.reason}`);
            } else {
              const v = oracle.evaluateVariant({ flagKey: flag.key, entityId, context });
              const details = await client.getStringDetails(flag.key, '-', { targetingKey: entityId, ...context });
              // No variant (no match, no default variant): Flipt's OFREP answers the empty variant key.
              expect(details.value, `${flag.key} ${entityId}`).toBe(v.variantKey);
              if (v.variantKey) expect(details.flagMetadata['attachment']).toBe(v.variantAttachment);
              outcomes.add(`${flag.key}${v.variantKey}${v.reason}`);
            }
          }
        }
      }
      expect(outcomes.size).toBeGreaterThan(2);
    } finally {
      closeOracle(oracle);
      await sample.close();
    }
  });
});

describe('single flag evaluation', () => {
  it("answers Flipt's fields in Flipt's order", async () => {
    const variant = await post('/ofrep/v1/evaluate/flags/banner', { context: { targetingKey: 'u1', plan: 'beta' } }, WEB);
    expect(variant.status).toBe(200);
    expect(variant.headers.get('content-type')).toBe('application/json');
    expect(variant.text).toBe('{"key":"banner","reason":"TARGETING_MATCH","variant":"red","metadata":{"attachment":"null","segments":"beta"},"value":"red"}');
    const boolean = await post('/ofrep/v1/evaluate/flags/dark-mode', { context: { targetingKey: 'u1' } }, WEB);
    expect(boolean.text).toBe('{"key":"dark-mode","reason":"DEFAULT","variant":"true","value":true}');
    // No targetingKey: Flipt evaluates for a random entity (here no rule depends on it).
    expect((await post('/ofrep/v1/evaluate/flags/dark-mode', {}, WEB)).json).toMatchObject({ value: true });
  });

  it("refuses with OFREP error bodies and Flipt's codes", async () => {
    const cases: [string, unknown, Record<string, string>, number, unknown][] = [
      ['/ofrep/v1/evaluate/flags/nope', { context: {} }, WEB, 404, { key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag was not found nope' }],
      ['/ofrep/v1/evaluate/flags/banner', { context: {} }, { 'x-flipt-namespace': 'mobile' }, 404, { key: 'banner', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag was not found banner' }],
      ['/ofrep/v1/evaluate/flags/banner', { context: {} }, { ...WEB, 'x-flipt-environment': 'qa' }, 404, { errorCode: 'FLAG_NOT_FOUND', errorDetails: 'failed to get environment "qa" from context: environment: "qa" not found' }],
      ['/ofrep/v1/evaluate/flags/banner', { context: { plan: 1 } }, WEB, 400, { errorCode: 'INVALID_CONTEXT', errorDetails: 'invalid values for key(s) in json body' }],
      ['/ofrep/v1/evaluate/flags/banner', { context: {}, extra: 1 }, WEB, 400, { errorCode: 'INVALID_CONTEXT', errorDetails: 'unknown field "extra" in flipt.ofrep.EvaluateFlagRequest' }],
    ];
    for (const [path, body, headers, status, expected] of cases) {
      const res = await post(path, body, headers);
      expect([res.status, res.json], `${path} ${JSON.stringify(headers)}`).toEqual([status, expected]);
    }
  });
});

describe('bulk evaluation', () => {
  it('evaluates boolean flags and enabled variant flags, in key order, and advertises the stream', async () => {
    const res = await post(BULK, { context: { targetingKey: 'u1' } }, WEB);
    expect(res.status).toBe(200);
    const body = res.json as { flags: { key: string }[]; eventStreams: unknown };
    expect(body.flags.map((f) => f.key)).toEqual(['banner', 'dark-mode']);
    expect(body.eventStreams).toEqual([{ type: 'sse', endpoint: { requestUri: '/ofrep/v1/_stream/default/web/events' } }]);
    expect(res.headers.get('etag')).toMatch(/^W\/"[0-9a-f]{40}"$/);
    // A `flags` context entry picks the flags (disabled variant flags included); an unknown one fails the bulk.
    const picked = await post(BULK, { context: { targetingKey: 'u1', flags: 'off-variant,dark-mode' } }, WEB);
    expect((picked.json as { flags: { key: string }[] }).flags.map((f) => f.key)).toEqual(['off-variant', 'dark-mode']);
    const unknown = await post(BULK, { context: { flags: 'banner,nope' } }, WEB);
    expect([unknown.status, unknown.json]).toEqual([404, { key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag was not found nope' }]);
    const noNamespace = await post(BULK, { context: {} });
    expect([noNamespace.status, noNamespace.json]).toEqual([404, { errorCode: 'FLAG_NOT_FOUND', errorDetails: 'namespace "default" not found' }]);
  });

  it('answers 304 while nothing a client sees changed, and a new ETag when an attachment changes', async () => {
    await withEditedRelay(FLAGS('blue'), async (edited, write) => {
      const context = { context: { targetingKey: 'u1' } };
      const first = await post(BULK, context, WEB, edited.url);
      const etag = first.headers.get('etag')!;
      const again = await post(BULK, context, { ...WEB, 'if-none-match': etag }, edited.url);
      expect([again.status, again.text, again.headers.get('etag')]).toEqual([304, '', etag]);
      // A different context can see different values: its own ETag.
      expect((await post(BULK, { context: { targetingKey: 'u1', plan: 'beta' } }, { ...WEB, 'if-none-match': etag }, edited.url)).status).toBe(200);
      // Only the attachment changes (same keys, same variants): Flipt would answer 304 here.
      write(FLAGS('green'));
      await until(async () => JSON.stringify(edited.snapshot('web')).includes('green'), 'the reload');
      const changed = await post(BULK, context, { ...WEB, 'if-none-match': etag }, edited.url);
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(changed.text).toContain('{\\"color\\":\\"green\\"}');
    });
  });
});

describe('eventStreams alias: GET /ofrep/v1/_stream/{environment}/{namespace}/events', () => {
  it('is SSE only (406 otherwise)', async () => {
    const res = await fetch(`${relay.url}/ofrep/v1/_stream/default/web/events`);
    expect(res.status).toBe(406);
    expect(await res.text()).toBe('text/event-stream is the only supported content type for this endpoint\n');
  });

  it("notifies each change in Flipt's SSE dialect, then the bulk ETag moves", async () => {
    const digestOf = (text: string) => convertFlagFiles([{ name: 'features.yaml', contents: text }]).snapshots.get('web')!.digest!;
    const withNewFlag = FLAGS('blue', '  - key: new-flag\n    name: New\n    type: BOOLEAN_FLAG_TYPE\n    enabled: true\n');
    await withEditedRelay(FLAGS('blue'), async (edited, write) => {
      const sse = await StreamReader.open(`${edited.url}/ofrep/v1/_stream/default/web/events`);
      try {
        expect(sse.status).toBe(200);
        expect(sse.headers['content-type']).toBe('text/event-stream');
        await sse.until((r) => r.events().length === 1, 3000, 'the current state');
        expect(sse.events()[0]!.id).toBe(digestOf(FLAGS('blue')).slice(0, 9));
        const before = (await post(BULK, { context: { targetingKey: 'u1' } }, WEB, edited.url)).headers.get('etag');
        write(withNewFlag);
        await sse.until((r) => r.events().length === 2, 5000, 'the change');
        const digest = digestOf(withNewFlag);
        const event = sse.events()[1]!;
        expect(event.id).toBe(digest.slice(0, 9));
        expect(event.event).toBeUndefined();
        expect(event.data).toBe(`{"etag":"${digest}","type":"refetchEvaluation"}`);
        const after = await post(BULK, { context: { targetingKey: 'u1' } }, { ...WEB, 'if-none-match': before! }, edited.url);
        expect(after.status).toBe(200);
        expect((after.json as { flags: { key: string }[] }).flags.map((f) => f.key)).toContain('new-flag');
      } finally {
        sse.close();
      }
    });
  });
});
