// The relay over real HTTP on an ephemeral loopback port: snapshot endpoints (ETag, 304,
// compression), streams (SSE in Flipt's dialect, inline snapshots, NDJSON), hot reload from a
// watched temp file, bad edits, auth, CORS, hostile requests, shutdown.
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFlagFiles, createRelay, type Relay } from '../src/index.js';
import { get, StreamReader } from './support/http.js';

const flagsYaml = (variant: string, extra = '') => `version: "1.6"
flags:
  - key: banner
    name: Banner
    enabled: true
    variants:
      - key: blue
        default: ${variant === 'blue'}
        attachment: {color: blue}
      - key: red
        default: ${variant === 'red'}
    rules:
      - segment: beta
        distributions:
          - variant: red
            rollout: 100
  - key: dark-mode
    name: Dark mode
    type: BOOLEAN_FLAG_TYPE
    enabled: false
    rollouts:
      - threshold: {percentage: 50, value: true}
segments:
  - key: beta
    name: Beta
    match_type: ALL_MATCH_TYPE
    constraints:
      - {type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: beta}
${extra}---
namespace: mobile
flags:
  - key: tabs
    name: Tabs
    type: BOOLEAN_FLAG_TYPE
    enabled: true
`;

let dir: string;
let file: string;
let relay: Relay;
const V1 = '/internal/v1/evaluation/snapshot/namespace/default';
const V2 = '/client/v2/environments/default/namespaces/default/snapshot';
const STREAM = '/client/v2/environments/default/namespaces/default/stream';

/** Writes the flag file the way editors do: a temp file renamed over it. */
function writeFlags(text: string): void {
  const tmp = join(dir, '.features.yaml.tmp');
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const expected = (text: string) => convertFlagFiles([{ name: 'features.yaml', contents: text }]).snapshots.get('default')!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-test-'));
  file = join(dir, 'features.yaml');
  writeFileSync(file, flagsYaml('blue'));
  relay = await createRelay({ file, port: 0, logLevel: 'silent', heartbeatMs: 150, debounceMs: 20, corsOrigins: ['https://app.example'] });
});

afterAll(async () => {
  await relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('snapshot endpoints', () => {
  it('serves the v1 and v2 paths with the digest as ETag', async () => {
    const want = expected(flagsYaml('blue'));
    for (const path of [V1, V2]) {
      const res = await get(relay.url + path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers.etag).toBe(want.digest); // unquoted, as Flipt sends it
      const body = JSON.parse(res.body.toString());
      expect({ ...body, flags: body.flags.map((f: object) => ({ ...f, createdAt: 0, updatedAt: 0 })) }).toEqual({
        ...want,
        flags: want.flags.map((f) => ({ ...f, createdAt: 0, updatedAt: 0 })),
      });
    }
    const mobile = await get(`${relay.url}/client/v2/environments/default/namespaces/mobile/snapshot`);
    expect(JSON.parse(mobile.body.toString()).namespace).toEqual({ key: 'mobile' });
    expect(mobile.headers.etag).toHaveLength(40);
  });

  it('answers 304 to a matching If-None-Match, quoted or not', async () => {
    const { headers } = await get(relay.url + V2);
    const etag = String(headers.etag);
    for (const inm of [etag, `"${etag}"`, `W/"${etag}"`, `"other", ${etag}`]) {
      const res = await get(relay.url + V2, { 'if-none-match': inm });
      expect(res.status).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
    }
    expect((await get(relay.url + V2, { 'if-none-match': 'nope' })).status).toBe(200);
  });

  it('compresses with gzip or brotli when accepted', async () => {
    const plain = await get(relay.url + V2);
    const gz = await get(relay.url + V2, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toContain('Accept-Encoding');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const br = await get(relay.url + V2, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const refused = await get(relay.url + V2, { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it("picks the environment as Flipt does: the path's, else x-flipt-environment, else the default", async () => {
    const body = (await get(relay.url + V2)).body;
    const prod = '/client/v2/environments/prod/namespaces/default/snapshot';
    // An environment the relay does not serve falls back (Flipt's compatibility with v1 clients).
    expect((await get(relay.url + prod)).body.equals(body)).toBe(true);
    expect((await get(relay.url + prod, { 'x-flipt-environment': 'default' })).body.equals(body)).toBe(true);
    expect((await get(relay.url + V1)).body.equals(body)).toBe(true);
    expect((await get(relay.url + V1, { 'x-flipt-environment': 'default' })).status).toBe(200);
    // ...unless a header names another environment that does not exist.
    for (const path of [V1, prod]) {
      const res = await get(relay.url + path, { 'x-flipt-environment': 'staging' });
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body.toString())).toMatchObject({ code: 5, message: 'environment "staging" not found' });
    }
    expect((await get(relay.url + V1, { 'x-flipt-environment': 'bad env' })).status).toBe(400);
  });

  it('streams a fallen-back environment, changes included', async () => {
    writeFlags(flagsYaml('blue'));
    await relay.reload();
    const sse = await StreamReader.open(`${relay.url}/client/v2/environments/prod/namespaces/default/stream`);
    try {
      await sse.until((r) => r.events().length === 1, 3000, 'the current state');
      writeFlags(flagsYaml('red'));
      await sse.until((r) => r.events().length === 2, 5000, 'the change');
      expect(JSON.parse(sse.events()[1]!.data).etag).toBe(expected(flagsYaml('red')).digest);
    } finally {
      sse.close();
    }
  });

  it('answers 404 JSON for unknown paths and namespaces', async () => {
    for (const path of ['/', '/nope', '/client/v2/environments/default/namespaces/nope/snapshot', '/client/v2/environments/prod/namespaces/nope/snapshot', '/internal/v1/evaluation/snapshot/namespace/']) {
      const res = await get(relay.url + path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body.toString())).toMatchObject({ code: 5 });
    }
  });
});

describe('streams', () => {
  it('sends the current notification first, then one per change (Flipt SSE dialect)', async () => {
    writeFlags(flagsYaml('blue'));
    await relay.reload();
    const before = (await get(relay.url + V2)).headers.etag as string;
    const sse = await StreamReader.open(relay.url + STREAM);
    try {
      expect(sse.status).toBe(200);
      expect(sse.headers['content-type']).toBe('text/event-stream');
      await sse.until((r) => r.events().length === 1, 3000, 'first event');
      expect(sse.items[0]).toEqual({ kind: 'retry', ms: 2000 });
      const [first] = sse.events();
      expect(first!.id).toBe(before.slice(0, 9));
      expect(JSON.parse(first!.data)).toEqual({ type: 'refetchEvaluation', etag: before });

      writeFlags(flagsYaml('red'));
      await sse.until((r) => r.events().length === 2, 5000, 'change event');
      const after = expected(flagsYaml('red')).digest!;
      expect(JSON.parse(sse.events()[1]!.data)).toEqual({ type: 'refetchEvaluation', etag: after });
      const res = await get(relay.url + V2, { 'if-none-match': before });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe(after);
      expect(JSON.parse(res.body.toString()).flags[0].defaultVariant.key).toBe('red');
    } finally {
      sse.close();
    }
  });

  it('honours ?digest=: nothing while current (heartbeats only), then the change', async () => {
    writeFlags(flagsYaml('blue'));
    await relay.reload();
    const current = (await get(relay.url + V2)).headers.etag as string;
    const sse = await StreamReader.open(`${relay.url}${STREAM}?digest=${current}`);
    try {
      await sse.until((r) => r.items.filter((i) => i.kind === 'comment').length >= 2, 3000, 'two heartbeats');
      expect(sse.events()).toEqual([]);
      writeFlags(flagsYaml('red'));
      await sse.until((r) => r.events().length === 1, 5000, 'change event');
      expect(JSON.parse(sse.events()[0]!.data).etag).toBe(expected(flagsYaml('red')).digest);
    } finally {
      sse.close();
    }
  });

  it('sends the current state when ?digest= is stale', async () => {
    const sse = await StreamReader.open(`${relay.url}${STREAM}?digest=${'0'.repeat(40)}`);
    try {
      await sse.until((r) => r.events().length === 1, 3000, 'event');
    } finally {
      sse.close();
    }
  });

  it('rejects a digest that is not 40 characters with 400 (SSE error body)', async () => {
    const res = await get(`${relay.url}${STREAM}?digest=abc`, { accept: 'text/event-stream' });
    expect(res.status).toBe(400);
    expect(res.body.toString()).toMatch(/^data: \{.*"type":"error".*\}\n\n$/);
    expect(JSON.parse(res.body.toString().slice(6))).toMatchObject({ type: 'error', code: 3 });
    expect((await get(`${relay.url}${STREAM}?digest=abc`)).status).toBe(400);
  });

  it('inlines the snapshot when asked with ?include=snapshot', async () => {
    const sse = await StreamReader.open(`${relay.url}${STREAM}?include=snapshot`);
    try {
      await sse.until((r) => r.events().length === 1, 3000, 'event');
      const data = JSON.parse(sse.events()[0]!.data);
      const served = JSON.parse((await get(relay.url + V2)).body.toString());
      expect(data).toEqual({ type: 'snapshot', etag: served.digest, snapshot: served });
    } finally {
      sse.close();
    }
  });

  it('streams newline-delimited {"result": snapshot} without the SSE Accept header', async () => {
    const stream = await StreamReader.open(relay.url + STREAM, { accept: 'application/json' });
    try {
      await stream.until((r) => r.lines().length === 1, 3000, 'first line');
      const served = JSON.parse((await get(relay.url + V2)).body.toString());
      expect(stream.lines()[0]).toEqual({ result: served });
      writeFlags(flagsYaml(served.flags[0].defaultVariant.key === 'red' ? 'blue' : 'red'));
      await stream.until((r) => r.lines().length === 2, 5000, 'second line');
      expect((stream.lines()[1] as { result: { digest: string } }).result.digest).not.toBe(served.digest);
    } finally {
      stream.close();
    }
  });

  it('answers 404 for a stream on an unknown namespace', async () => {
    const res = await get(`${relay.url}/client/v2/environments/default/namespaces/nope/stream`, { accept: 'text/event-stream' });
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain('"type":"error"');
  });
});

describe('bad edits', () => {
  it('keeps serving the last good snapshot, reports the error, and recovers when fixed', async () => {
    writeFlags(flagsYaml('blue'));
    expect(await relay.reload()).toBe(true);
    const good = (await get(relay.url + V2)).headers.etag as string;
    const sse = await StreamReader.open(relay.url + STREAM);
    try {
      await sse.until((r) => r.events().length === 1, 3000, 'first event');
      const broken: [string, RegExp][] = [
        ['version: "1.6"\nflags:\n  - key: [unclosed\n', /invalid YAML/],
        ['version: "5.0"\n', /unsupported version "5.0"/],
        [flagsYaml('blue').replace('segment: beta', 'segment: gamma'), /flag default\/banner rule 1 references unknown segment "gamma"/],
      ];
      for (const [text, message] of broken) {
        writeFlags(text);
        await waitFor(async () => {
          const health = JSON.parse((await get(`${relay.url}/healthz`)).body.toString());
          return !health.ok && message.test(health.sources[0].lastError?.message ?? '');
        });
        const health = JSON.parse((await get(`${relay.url}/healthz`)).body.toString());
        expect(health.sources[0].lastError.file).toBe(file);
        expect(health.sources[0].lastError.line).toBeGreaterThan(0);
        const res = await get(relay.url + V2);
        expect(res.status).toBe(200);
        expect(res.headers.etag).toBe(good);
      }
      expect(await relay.reload()).toBe(false);
      const metrics = (await get(`${relay.url}/metrics`)).body.toString();
      expect(metrics).toMatch(/flagcast_relay_source_up\{source="file:[^"]+"\} 0/);
      expect(Number(/flagcast_relay_reload_errors_total\{[^}]*\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
      expect(sse.events()).toHaveLength(1);

      writeFlags(flagsYaml('red'));
      await sse.until((r) => r.events().length === 2, 5000, 'recovery event');
      const health = JSON.parse((await get(`${relay.url}/healthz`)).body.toString());
      expect(health.ok).toBe(true);
      expect((await get(relay.url + V2)).headers.etag).toBe(expected(flagsYaml('red')).digest);
    } finally {
      sse.close();
      writeFlags(flagsYaml('red'));
      await relay.reload();
    }
  });
});

describe('health and metrics', () => {
  it('reports sources, streams and requests', async () => {
    const health = JSON.parse((await get(`${relay.url}/healthz`)).body.toString());
    expect(health).toMatchObject({ ok: true, sources: [{ kind: 'file', ok: true, namespaces: 2 }] });
    const sse = await StreamReader.open(relay.url + STREAM);
    try {
      await sse.until((r) => r.events().length === 1);
      const metrics = (await get(`${relay.url}/metrics`)).body.toString();
      expect(metrics).toContain('flagcast_relay_open_streams{format="sse"} 1');
      expect(metrics).toMatch(/flagcast_relay_requests_total\{route="snapshot",status="200"\} \d+/);
      expect(metrics).toMatch(/flagcast_relay_requests_total\{route="unknown",status="404"\} \d+/);
      expect(metrics).toMatch(/flagcast_relay_snapshots\{source="file:[^"]+"\} 2/);
      expect(metrics).toMatch(/flagcast_relay_reloads_total\{source="file:[^"]+"\} \d+/);
    } finally {
      sse.close();
    }
  });
});

describe('CORS', () => {
  it('answers preflight for allowed origins only', async () => {
    const ok = await get(relay.url + V2, { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, if-none-match' }, 'OPTIONS');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(ok.headers['access-control-allow-headers']).toBe('authorization, if-none-match');
    expect(ok.headers['access-control-allow-methods']).toContain('GET');
    const no = await get(relay.url + V2, { origin: 'https://evil.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await get(relay.url + V2, { origin: 'https://app.example' });
    expect(simple.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(simple.headers['access-control-expose-headers']).toBe('Etag');
  });
});

describe('hostile requests', () => {
  it('answers malformed and oversized requests with 4xx and keeps serving', async () => {
    expect((await get(`${relay.url}/client/v2/environments/default/namespaces/%E0%A4%A/snapshot`)).status).toBe(400);
    expect((await get(`${relay.url}/client/v2/environments/default/namespaces/a%2Fb/snapshot`)).status).toBe(400);
    expect((await get(`${relay.url}/${'a'.repeat(5000)}`)).status).toBe(414);
    expect((await get(relay.url + V2, { 'x-big': 'x'.repeat(20_000) })).status).toBe(431);
    expect((await get(relay.url + V2, {}, 'POST')).status).toBe(405);
    const garbage = await new Promise<string>((resolve) => {
      const socket = connect(relay.port, '127.0.0.1', () => socket.write('\u0000\u0001 NOT HTTP\r\n\r\n'));
      let out = '';
      socket.on('data', (d) => (out += d.toString()));
      socket.on('close', () => resolve(out));
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect((await get(relay.url + V2)).status).toBe(200);
  });
});

describe('auth', () => {
  it('requires a bearer token when tokens are configured', async () => {
    const secured = await createRelay({ file, port: 0, logLevel: 'silent', tokens: ['s3cret', 'other'] });
    try {
      const none = await get(secured.url + V2);
      expect(none.status).toBe(401);
      expect(JSON.parse(none.body.toString())).toEqual({ code: 16, message: 'request was not authenticated', details: [] });
      expect((await get(secured.url + V2, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await get(secured.url + V2, { authorization: 'Bearer s3cret' })).status).toBe(200);
      expect((await get(secured.url + V2, { authorization: 'Bearer other' })).status).toBe(200);
      const sse = await get(secured.url + STREAM, { accept: 'text/event-stream' });
      expect(sse.status).toBe(401);
      expect(sse.body.toString()).toBe('data: {"code":16,"message":"request was not authenticated","type":"error"}\n\n');
      expect((await get(`${secured.url}/healthz`)).status).toBe(200);
    } finally {
      await secured.close();
    }
  });
});

describe('shutdown', () => {
  it('close() ends open streams and stops listening', async () => {
    const r = await createRelay({ file, port: 0, logLevel: 'silent' });
    const sse = await StreamReader.open(r.url + STREAM);
    const ndjson = await StreamReader.open(r.url + STREAM, {});
    await sse.until((x) => x.events().length === 1);
    await ndjson.until((x) => x.lines().length === 1);
    const started = Date.now();
    await r.close();
    await sse.until((x) => x.ended, 2000, 'stream end');
    await ndjson.until((x) => x.ended, 2000, 'stream end');
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(get(r.url + V2)).rejects.toThrow();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('limits', () => {
  it('refuses connections beyond --max-connections', async () => {
    const limited = await createRelay({ file, port: 0, logLevel: 'silent', maxConnections: 2 });
    const a = await StreamReader.open(limited.url + STREAM);
    const b = await StreamReader.open(limited.url + STREAM);
    try {
      await a.until((r) => r.events().length === 1);
      await b.until((r) => r.events().length === 1);
      await expect(get(limited.url + V2)).rejects.toThrow();
      b.close();
      await waitFor(async () => limited.streams() === 1);
      expect((await get(limited.url + V2, { connection: 'close' })).status).toBe(200);
    } finally {
      a.close();
      b.close();
      await limited.close();
    }
  });
});

describe('directory source', () => {
  it('merges every flag file below a directory and reloads on edits in subdirectories', async () => {
    const root = mkdtempSync(join(tmpdir(), 'relay-dir-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'team-a'));
    const a = 'namespace: shared\nflags:\n  - {key: a, name: A}\n';
    const b = 'namespace: shared\nflags:\n  - {key: b, name: B}\n';
    writeFileSync(join(root, 'team-a', 'features.yaml'), a);
    writeFileSync(join(root, 'z.json'), JSON.stringify({ namespace: 'other', flags: [] }));
    writeFileSync(join(root, 'b.yml'), b);
    writeFileSync(join(root, 'README.md'), '# not a flag file');
    const r = await createRelay({ file: root, port: 0, logLevel: 'silent', debounceMs: 20 });
    try {
      const url = `${r.url}/client/v2/environments/default/namespaces/shared/snapshot`;
      const body = JSON.parse((await get(url)).body.toString());
      // path order: b.yml, team-a/features.yaml
      expect(body.flags.map((f: { key: string }) => f.key)).toEqual(['b', 'a']);
      expect(body.digest).toHaveLength(32);
      expect((await get(`${r.url}/client/v2/environments/default/namespaces/other/snapshot`)).status).toBe(200);
      const sse = await StreamReader.open(`${r.url}/client/v2/environments/default/namespaces/shared/stream`);
      try {
        await sse.until((x) => x.events().length === 1);
        writeFileSync(join(root, 'team-a', 'features.yaml'), a.replace('{key: a, name: A}', '{key: c, name: C}'));
        await sse.until((x) => x.events().length === 2, 5000, 'reload from a subdirectory');
        expect(JSON.parse((await get(url)).body.toString()).flags.map((f: { key: string }) => f.key)).toEqual(['b', 'c']);
      } finally {
        sse.close();
      }
    } finally {
      await r.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
