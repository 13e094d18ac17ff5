// The work one evaluation request may ask of the relay is bounded: a batch's items and an OFREP
// `flags` list are limited (400 in each API's error shape, naming the limit), a refused batch
// counts once in the metrics, and a bulk over a large namespace is evaluated in slices, so
// other requests (/healthz) are answered while it runs.
import { request } from 'node:http';
import type { Snapshot } from '@flagcast/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFlagFiles, createRelay, type Relay, type Source, type SourceState } from '../src/index.js';
import { get } from './support/http.js';

const FLAGS = `version: "1.6"
namespace: web
flags:
  - key: banner
    name: Banner
    enabled: true
    variants: [{key: blue, default: true}, {key: red}]
    rules:
      - segment: beta
        distributions: [{variant: red, rollout: 100}]
  - key: dark-mode
    name: Dark mode
    type: BOOLEAN_FLAG_TYPE
    enabled: true
segments:
  - key: beta
    name: Beta
    match_type: ALL_MATCH_TYPE
    constraints: [{type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: beta}]
`;

/** A source serving `snapshots` in environment `default` (no file to convert). */
function memorySource(snapshots: Map<string, Snapshot>): Source {
  const state: SourceState = { name: 'test:memory', kind: 'test', ok: true, namespaces: snapshots.size, loads: 1, loadErrors: 0, lastLoadAt: null, lastError: null };
  return { name: state.name, kind: state.kind, start: async (onUpdate) => onUpdate({ environment: 'default', snapshots }), reload: async () => true, close: async () => {}, state: () => state };
}

/** Namespace `web` (FLAGS), and `large`: `count` copies of `banner` under other keys. */
function snapshots(count: number): Map<string, Snapshot> {
  const web = convertFlagFiles([{ name: 'web.yaml', contents: FLAGS }]).snapshots.get('web')!;
  const banner = web.flags.find((f) => f.key === 'banner')!;
  const large: Snapshot = { ...web, namespace: { ...web.namespace, key: 'large' }, flags: Array.from({ length: count }, (_, i) => ({ ...banner, key: `flag-${i}` })) };
  return new Map([
    ['web', web],
    ['large', large],
  ]);
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}

const LARGE_NAMESPACE_FLAGS = 20_000;
let relay: Relay;
let limited: Relay;
beforeAll(async () => {
  relay = await createRelay({ sources: [memorySource(snapshots(LARGE_NAMESPACE_FLAGS))], logLevel: 'silent' });
  limited = await createRelay({ sources: [memorySource(snapshots(1))], logLevel: 'silent', maxBatchItems: 2, maxOfrepFlags: 2 });
});
afterAll(async () => {
  await relay?.close();
  await limited?.close();
});

const item = (flagKey: string) => ({ namespaceKey: 'web', flagKey, entityId: 'u1', context: { plan: 'beta' } });

describe('batch size', () => {
  it("refuses a batch over the limit with Flipt's 400, naming the limit; accepts one at the limit", async () => {
    const over = await post(`${relay.url}/evaluate/v1/batch`, { requests: Array.from({ length: 1001 }, () => item('banner')) });
    expect(over).toEqual({ status: 400, json: { code: 3, message: 'batch of 1001 requests exceeds the limit of 1000 requests per batch', details: [] } });
    // A key written with escapes is not seen by the byte scan; the parsed batch is checked too.
    const escaped = `{"requ\\u0065sts":[${Array(1001).fill('{}').join(',')}]}`;
    expect((await post(`${relay.url}/evaluate/v1/batch`, escaped)).json).toEqual(over.json);
    const at = await post(`${relay.url}/evaluate/v1/batch`, { requests: Array.from({ length: 1000 }, () => item('banner')) });
    expect(at.status).toBe(200);
    expect((at.json['responses'] as unknown[]).length).toBe(1000);

    expect(await post(`${limited.url}/evaluate/v1/batch`, { requests: [item('banner'), item('banner'), item('dark-mode')] })).toEqual({
      status: 400,
      json: { code: 3, message: 'batch of 3 requests exceeds the limit of 2 requests per batch', details: [] },
    });
    const ok = await post(`${limited.url}/evaluate/v1/batch`, { requestId: 'b', requests: [item('banner'), item('dark-mode')] });
    expect(ok.status).toBe(200);
    expect((ok.json['responses'] as { type: string }[]).map((r) => r.type)).toEqual(['VARIANT_EVALUATION_RESPONSE_TYPE', 'BOOLEAN_EVALUATION_RESPONSE_TYPE']);
  });

  it('counts a batch in the metrics once per request: a refused one as one invalid evaluation', async () => {
    // The value of a series of /metrics (0 when absent), so the test reads differences.
    const read = async () => {
      const text = (await get(`${limited.url}/metrics`)).body.toString();
      return (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    };
    const before = await read();
    const body = `{"requests":[${Array(5000).fill('{}').join(',')}]}`;
    expect((await post(`${limited.url}/evaluate/v1/batch`, body)).status).toBe(400);
    const refused = await read();
    const delta = (after: (s: string) => number, series: string) => after(series) - before(series);
    expect(delta(refused, 'flagcast_relay_evaluations_total{endpoint="batch",result="invalid"}')).toBe(1);
    expect(delta(refused, 'flagcast_relay_evaluations_total{endpoint="batch",result="not_found"}')).toBe(0);
    expect(delta(refused, 'flagcast_relay_requests_total{route="evaluate_batch",status="400"}')).toBe(1);
    // An accepted batch counts each flag, by result.
    await post(`${limited.url}/evaluate/v1/batch`, { requests: [item('banner'), item('nope')] });
    const accepted = await read();
    expect(delta(accepted, 'flagcast_relay_evaluations_total{endpoint="batch",result="match"}')).toBe(1);
    expect(delta(accepted, 'flagcast_relay_evaluations_total{endpoint="batch",result="not_found"}')).toBe(1);
  });
});

describe('OFREP flags list', () => {
  const WEB = { 'x-flipt-namespace': 'web' };

  it("refuses a flags list over the limit with OFREP's 400, naming the limit; accepts one at the limit", async () => {
    const keys = Array(1001).fill('banner').join(',');
    expect(await post(`${relay.url}/ofrep/v1/evaluate/flags`, { context: { targetingKey: 'u1', flags: keys } }, WEB)).toEqual({
      status: 400,
      json: { errorCode: 'INVALID_CONTEXT', errorDetails: 'flags lists 1001 keys, over the limit of 1000 keys per request' },
    });
    expect((await post(`${relay.url}/ofrep/v1/evaluate/flags`, { context: { targetingKey: 'u1', flags: Array(1000).fill('banner').join(',') } }, WEB)).status).toBe(200);

    expect(await post(`${limited.url}/ofrep/v1/evaluate/flags`, { context: { targetingKey: 'u1', flags: 'banner,dark-mode,banner' } }, WEB)).toEqual({
      status: 400,
      json: { errorCode: 'INVALID_CONTEXT', errorDetails: 'flags lists 3 keys, over the limit of 2 keys per request' },
    });
    const ok = await post(`${limited.url}/ofrep/v1/evaluate/flags`, { context: { targetingKey: 'u1', flags: 'banner,dark-mode' } }, WEB);
    expect((ok.json['flags'] as { key: string }[]).map((f) => f.key)).toEqual(['banner', 'dark-mode']);
  });
});

describe('a bulk over a large namespace', () => {
  it('is answered whole, while /healthz keeps being answered during it', async () => {
    const MIN_HEALTH_ANSWERS = 5;
    // From the moment the bulk request is sent until its answer's headers arrive (the relay
    // writes them once the bulk is evaluated), /healthz is asked one request after another.
    // Were the bulk evaluated in one go, none but those already under way could be answered.
    let evaluating = true;
    const bulk = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${relay.url}/ofrep/v1/evaluate/flags`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-flipt-namespace': 'large' } }, (res) => {
        evaluating = false;
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ context: { targetingKey: 'u1' } }));
    });
    let answered = 0;
    while (evaluating) {
      const health = await get(`${relay.url}/healthz`);
      if (evaluating && health.status === 200) answered++;
    }
    const { status, text } = await bulk;
    expect(status).toBe(200);
    const flags = (JSON.parse(text) as { flags: { key: string; variant: string }[] }).flags;
    expect(flags.length).toBe(LARGE_NAMESPACE_FLAGS);
    expect(flags.every((f) => f.variant === 'blue')).toBe(true);
    expect(answered).toBeGreaterThanOrEqual(MIN_HEALTH_ANSWERS);
  });
});
