// What a sidecar or edge relay needs beyond evaluation: CORS preflights that let Flipt's SDKs
// and OFREP providers in, and Prometheus metrics (process and runtime defaults, the relay's
// streams, fan-out latency, evaluations, upstream state).
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../src/index.js';
import { get, StreamReader } from './support/http.js';

const FLAGS = (variant: string) => `version: "1.6"
flags:
  - key: banner
    name: Banner
    enabled: true
    variants: [{key: blue, default: ${variant === 'blue'}}, {key: red, default: ${variant === 'red'}}]
`;

let dir: string;
let file: string;
let relay: Relay;
const ORIGIN = 'https://app.example';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-sidecar-'));
  file = join(dir, 'features.yaml');
  writeFileSync(file, FLAGS('blue'));
  relay = await createRelay({ file, logLevel: 'silent', debounceMs: 20, corsOrigins: [ORIGIN] });
});
afterAll(async () => {
  await relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

const preflight = (path: string, method: string, headers: string, origin = ORIGIN) =>
  get(relay.url + path, { origin, 'access-control-request-method': method, 'access-control-request-headers': headers }, 'OPTIONS');

describe('CORS for the clients that call a relay from a page', () => {
  it("allows every header Flipt's browser SDK sends on its snapshot request", async () => {
    const requested = 'authorization, if-none-match, x-flipt-accept-server-version, x-flipt-environment';
    const res = await preflight('/internal/v1/evaluation/snapshot/namespace/default', 'GET', requested);
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.headers['access-control-allow-headers']).toBe(requested);
  });

  it('allows POST and the headers OFREP providers and Flipt SDKs send to the evaluation endpoints', async () => {
    for (const path of ['/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/banner', '/evaluate/v1/boolean', '/evaluate/v1/batch']) {
      const requested = 'content-type, if-none-match, x-flipt-namespace, x-flipt-environment, authorization';
      const res = await preflight(path, 'POST', requested);
      expect(res.status, path).toBe(204);
      expect(res.headers['access-control-allow-origin'], path).toBe(ORIGIN);
      expect(String(res.headers['access-control-allow-methods']).split(', '), path).toContain('POST');
      expect(res.headers['access-control-allow-headers'], path).toBe(requested);
    }
    // Other origins still get nothing.
    expect((await preflight('/ofrep/v1/evaluate/flags', 'POST', 'content-type', 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('puts CORS headers (ETag exposed) on evaluation answers', async () => {
    const res = await fetch(`${relay.url}/ofrep/v1/evaluate/flags`, { method: 'POST', body: '{}', headers: { origin: ORIGIN, 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toBe('Etag');
    expect(res.headers.get('etag')).toMatch(/^W\//);
  });
});

describe('metrics', () => {
  it("include prom-client's process and runtime metrics", async () => {
    const res = await get(`${relay.url}/metrics`);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = res.body.toString();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_gc_duration_seconds']) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
  });

  it('record each fan-out in a latency histogram, and open streams by format', async () => {
    const sse = await StreamReader.open(`${relay.url}/client/v2/environments/default/namespaces/default/stream`);
    try {
      await sse.until((r) => r.events().length === 1, 3000, 'the current state');
      writeFileSync(`${file}.tmp`, FLAGS('red'));
      renameSync(`${file}.tmp`, file);
      await sse.until((r) => r.events().length === 2, 5000, 'the change');
      const text = (await get(`${relay.url}/metrics`)).body.toString();
      expect(text).toContain('# TYPE flagcast_relay_broadcast_seconds histogram');
      expect(text).toMatch(/^flagcast_relay_broadcast_seconds_count 1$/m);
      expect(text).toMatch(/^flagcast_relay_broadcast_seconds_bucket\{le="\+Inf"\} 1$/m);
      expect(text).toMatch(/^flagcast_relay_open_streams\{format="sse"\} 1$/m);
      expect(text).toMatch(/^flagcast_relay_requests_total\{route="stream",status="200"\} 1$/m);
    } finally {
      sse.close();
    }
  });

  it('report each upstream namespace: up, and its phase', async () => {
    const edge = await createRelay({ upstream: { url: relay.url, namespaces: ['default'] }, logLevel: 'silent' });
    try {
      const phaseOf = async () => /^flagcast_relay_upstream_state\{source="[^"]+",namespace="default",phase="(\w+)"\} 1$/m.exec((await get(`${edge.url}/metrics`)).body.toString())?.[1];
      const deadline = Date.now() + 5000;
      while ((await phaseOf()) !== 'streaming' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await phaseOf()).toBe('streaming');
      const text = (await get(`${edge.url}/metrics`)).body.toString();
      expect(text).toMatch(/^flagcast_relay_upstream_up\{source="[^"]+",namespace="default"\} 1$/m);
      expect(text).toMatch(/^flagcast_relay_upstream_state\{source="[^"]+",namespace="default",phase="backoff"\} 0$/m);
      expect(text).toMatch(/^flagcast_relay_upstream_stream_connects_total\{source="[^"]+",namespace="default"\} [1-9]/m);
    } finally {
      await edge.close();
    }
  });
});
