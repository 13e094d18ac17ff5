// Self-test of the test server (test/support/flagServer.ts) with plain fetch: the client
// tests are only as good as the server they run against.
import { afterEach, describe, expect, it } from 'vitest';
import { split, startFlagServer, type FlagServer, type FlagServerOptions } from '../support/flagServer';
import { booleanFlag, makeSnapshot } from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('café-☕-🚀', false)]);
const s2 = makeSnapshot([booleanFlag('a', false)]);

let server: FlagServer;
const aborts: AbortController[] = [];

async function start(options?: FlagServerOptions): Promise<FlagServer> {
  server = await startFlagServer(options);
  server.setSnapshot(s1);
  return server;
}

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await server?.close();
});

function abortable(): AbortSignal {
  const controller = new AbortController();
  aborts.push(controller);
  return controller.signal;
}

/** Reads a body chunk by chunk (as received) until `done(text)` holds. */
async function readUntil(body: ReadableStream<Uint8Array>, done: (text: string) => boolean) {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  const decoder = new TextDecoder();
  let text = '';
  while (!done(text)) {
    const next = await reader.read();
    if (next.done) break;
    chunks.push(next.value);
    text += decoder.decode(next.value, { stream: true });
  }
  reader.releaseLock();
  return { text, chunks };
}

const sseHeaders = { accept: 'text/event-stream' };

describe('flagServer: snapshot endpoint', () => {
  it('serves the snapshot with its digest as ETag and answers a matching If-None-Match with 304', async () => {
    await start();
    const url = server.url + server.snapshotPath();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(s1.digest);
    expect(await res.json()).toEqual(s1);

    const again = await fetch(url, { headers: { 'if-none-match': s1.digest } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const quoted = await fetch(url, { headers: { 'if-none-match': `"${s1.digest}"` } });
    expect(quoted.status).toBe(304);
    expect((await fetch(url, { headers: { 'if-none-match': s2.digest } })).status).toBe(200);

    expect(server.requestsOf('snapshot').map((r) => r.headers['if-none-match'])).toEqual([undefined, s1.digest, `"${s1.digest}"`, s2.digest]);
    expect(server.requestsOf('snapshot').map((r) => r.status)).toEqual([200, 304, 304, 200]);
  });

  it('enforces the Authorization header and 404s unknown namespaces', async () => {
    await start({ authorization: 'Bearer secret' });
    const url = server.url + server.snapshotPath();
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer secret' } })).status).toBe(200);
    expect((await fetch(server.url + server.snapshotPath('other'), { headers: { authorization: 'Bearer secret' } })).status).toBe(404);
    expect(server.requests[2]!.headers.authorization).toBe('Bearer secret');
  });

  it('forces statuses for the next N requests, then serves normally', async () => {
    await start();
    const url = server.url + server.snapshotPath();
    server.failNext('snapshot', 503, 2);
    server.failNext('any', 403);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(url)).status);
    expect(statuses).toEqual([503, 503, 403, 200]);
  });

  it('delays headers; a client that gives up is recorded as having hung up', async () => {
    await start();
    const url = server.url + server.snapshotPath();
    server.delayNext('snapshot', 60_000);
    const controller = new AbortController();
    const pending = fetch(url, { signal: controller.signal });
    await server.waitForRequest('snapshot');
    controller.abort();
    await expect(pending).rejects.toThrow();
    await server.waitFor(() => server.requests[0]!.closed);
    expect(server.requests[0]!.abortedByClient).toBe(true);
    expect(server.requests[0]!.status).toBeUndefined();

    server.delayNext('snapshot', 30);
    const started = performance.now();
    expect((await fetch(url)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('holds requests until released', async () => {
    await start();
    server.hold('snapshot');
    const pending = fetch(server.url + server.snapshotPath());
    await server.waitFor(() => server.heldCount === 1);
    expect(server.requests[0]!.status).toBeUndefined();
    server.release();
    expect((await pending).status).toBe(200);
  });
});

describe('flagServer: stream endpoint', () => {
  it('relay dialect: headers at once, snapshot inline with include=snapshot, then every change', async () => {
    await start({ dialect: 'relay' });
    const res = await fetch(`${server.url}${server.streamPath()}?include=snapshot`, { headers: sseHeaders, signal: abortable() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const body = res.body!;
    const first = await readUntil(body, (t) => t.endsWith('\n\n'));
    expect(first.text).toBe(`id: ${s1.digest.slice(0, 9)}\ndata: {"etag":"${s1.digest}","snapshot":${JSON.stringify(s1)},"type":"snapshot"}\n\n`);
    expect(server.openStreams).toBe(1);

    server.setSnapshot(s1); // same digest: nothing sent
    server.setSnapshot(s2);
    const second = await readUntil(body, (t) => t.endsWith('\n\n'));
    expect(second.text).toBe(`id: ${s2.digest.slice(0, 9)}\ndata: {"etag":"${s2.digest}","snapshot":${JSON.stringify(s2)},"type":"snapshot"}\n\n`);
  });

  it('relay dialect without include=snapshot sends Flipt notifications', async () => {
    await start({ dialect: 'relay' });
    const res = await fetch(server.url + server.streamPath(), { headers: sseHeaders, signal: abortable() });
    const { text } = await readUntil(res.body!, (t) => t.endsWith('\n\n'));
    expect(text).toBe(`id: ${s1.digest.slice(0, 9)}\ndata: {"etag":"${s1.digest}","type":"refetchEvaluation"}\n\n`);
  });

  it('flipt dialect: ignores include=snapshot, and sends no headers until the first event', async () => {
    await start({ dialect: 'flipt' });
    // A current digest: nothing to send, so no headers at all.
    const pending = fetch(`${server.url}${server.streamPath()}?digest=${s1.digest}&include=snapshot`, { headers: sseHeaders, signal: abortable() });
    await server.waitFor(() => server.openStreams === 1);
    let settled = false;
    void pending.then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    expect(server.requests[0]!.status).toBeUndefined();

    server.setSnapshot(s2);
    const res = await pending;
    expect(res.status).toBe(200);
    const { text } = await readUntil(res.body!, (t) => t.endsWith('\n\n'));
    expect(text).toBe(`id: ${s2.digest.slice(0, 9)}\ndata: {"etag":"${s2.digest}","type":"refetchEvaluation"}\n\n`);
  });

  it('sends the preamble first on every stream (held headers: together with the first event)', async () => {
    await start({ dialect: 'relay', preamble: '\uFEFFretry: 1000\n\n' });
    const res = await fetch(`${server.url}${server.streamPath()}?include=snapshot`, { headers: sseHeaders, signal: abortable() });
    const bytes = Buffer.concat((await readUntil(res.body!, (t) => t.endsWith('\n\n') && t.includes('data:'))).chunks);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString()).toMatch(/^retry: 1000\n\nid: /);

    server.holdHeaders = true;
    const pending = fetch(`${server.url}${server.streamPath()}?digest=${s1.digest}`, { headers: sseHeaders, signal: abortable() });
    await server.waitFor(() => server.openStreams === 2);
    expect(server.requests[1]!.status).toBeUndefined();
    server.setSnapshot(s2);
    const held = await pending;
    const { text } = await readUntil(held.body!, (t) => t.includes('refetchEvaluation') || t.includes('"snapshot"'));
    expect(text.startsWith('retry: 1000\n\nid: ')).toBe(true); // the decoder drops the BOM
  });

  it('rejects a digest that is not 40 characters with 400', async () => {
    await start();
    const res = await fetch(`${server.url}${server.streamPath()}?digest=abc`, { headers: sseHeaders });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('"type":"error"');
  });

  it('401 on the stream comes as an HTTP error with an SSE error body (gRPC 16)', async () => {
    await start({ authorization: 'JWT token' });
    const res = await fetch(server.url + server.streamPath(), { headers: sseHeaders });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(JSON.parse((await res.text()).replace(/^data: /, ''))).toMatchObject({ type: 'error', code: 16 });
  });

  it('sends heartbeats at the given interval, and stops them on demand', async () => {
    await start({ heartbeatMs: 10 });
    const res = await fetch(`${server.url}${server.streamPath()}?digest=${s1.digest}`, { headers: sseHeaders, signal: abortable() });
    const { text } = await readUntil(res.body!, (t) => t.split(': ping\n\n').length >= 3);
    expect(text.startsWith(': ping\n\n: ping\n\n')).toBe(true);
    server.stopHeartbeats();
  });

  it('awkward chunking cuts CR|LF, field names and UTF-8 sequences, and the bytes still add up', async () => {
    await start({ dialect: 'relay', chunking: 'awkward', lineEnding: '\r\n' });
    const res = await fetch(`${server.url}${server.streamPath()}?include=snapshot`, { headers: sseHeaders, signal: abortable() });
    const { text, chunks } = await readUntil(res.body!, (t) => t.endsWith('\r\n\r\n'));
    expect(text).toBe(`id: ${s1.digest.slice(0, 9)}\r\ndata: {"etag":"${s1.digest}","snapshot":${JSON.stringify(s1)},"type":"snapshot"}\r\n\r\n`);
    const decoded = chunks.map((c) => Buffer.from(c));
    expect(decoded.some((c) => c[c.length - 1] === 0x0d)).toBe(true); // a chunk ending in CR
    expect(decoded.some((c) => c[c.length - 1]! >= 0xc0)).toBe(true); // a chunk ending inside a UTF-8 sequence
    expect(chunks.length).toBeGreaterThan(5);
  });

  it('split(): awkward cut points', () => {
    const pieces = split(Buffer.from('data: é\r\n'), 'awkward').map((b) => [...b]);
    expect(pieces).toEqual([[0x64, 0x61], [0x74, 0x61, 0x3a], [0x20, 0xc3], [0xa9, 0x0d], [0x0a]]);
    expect(split(Buffer.from('abcde'), 2).map(String)).toEqual(['ab', 'cd', 'e']);
  });

  it('raw writes, garbage and killing a stream mid-event', async () => {
    await start({ dialect: 'relay' });
    const res = await fetch(`${server.url}${server.streamPath()}?digest=${s1.digest}`, { headers: sseHeaders, signal: abortable() });
    await server.waitFor(() => server.openStreams === 1);
    await server.sendEvent('{not json');
    await server.notify('f'.repeat(40));
    const body = res.body!;
    const { text } = await readUntil(body, (t) => t.split('\n\n').length >= 3);
    expect(text).toBe(`data: {not json\n\nid: fffffffff\ndata: {"etag":"${'f'.repeat(40)}","type":"refetchEvaluation"}\n\n`);

    await server.killStreams('data: {"type":"snap');
    const reader = body.getReader();
    let received = '';
    await expect((async () => {
      for (;;) {
        const next = await reader.read();
        if (next.done) return 'ended cleanly';
        received += Buffer.from(next.value).toString();
      }
    })()).rejects.toThrow();
    expect(received).toBe('data: {"type":"snap');
    expect(server.requests[0]!.killedByServer).toBe(true);
    expect(server.requests[0]!.abortedByClient).toBe(false);
    expect(server.openStreams).toBe(0);
  });

  it('endStreams() completes the response', async () => {
    await start({ dialect: 'relay' });
    const res = await fetch(`${server.url}${server.streamPath()}?include=snapshot`, { headers: sseHeaders });
    await server.waitFor(() => server.openStreams === 1);
    const textPromise = res.text();
    await server.endStreams();
    expect(await textPromise).toContain('"type":"snapshot"');
  });

  it('an oversized message stops as soon as the client hangs up', async () => {
    await start({ dialect: 'relay' });
    const controller = new AbortController();
    const res = await fetch(`${server.url}${server.streamPath()}?digest=${s1.digest}`, { headers: sseHeaders, signal: controller.signal });
    await server.waitFor(() => server.openStreams === 1);
    const reader = res.body!.getReader();
    let read = 0;
    const sending = server.sendOversized(64 * 1024 * 1024);
    while (read < 1024 * 1024) read += (await reader.read()).value!.length;
    controller.abort();
    const result = await sending;
    expect(result.closedByClient).toBe(true);
    expect(result.bytes).toBeLessThan(32 * 1024 * 1024);
  });

  it('override(): custom response for the next stream (wrong content type)', async () => {
    await start();
    server.override('stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"result":${JSON.stringify(s1)}}\n`);
    });
    const res = await fetch(server.url + server.streamPath(), { headers: sseHeaders });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ result: s1 });
    expect(server.requests[0]!.status).toBe(200);
  });

  it('close() ends open and held streams', async () => {
    await start({ dialect: 'relay' });
    const open = await fetch(`${server.url}${server.streamPath()}?include=snapshot`, { headers: sseHeaders });
    server.hold('stream');
    const held = fetch(server.url + server.streamPath(), { headers: sseHeaders });
    await server.waitFor(() => server.heldCount === 1 && server.openStreams === 1);
    const openText = open.text();
    await server.close();
    await expect(held).rejects.toThrow();
    await expect(openText).rejects.toThrow();
  });
});

describe('flagServer: Flipt v1 mode and the issue-11 switches', () => {
  it('v1: only the v1 path; ETag = SHA-1 of the store version, 304 on it; no digest in the body; no stream', async () => {
    await start({ api: 'v1' });
    const url = server.url + server.v1SnapshotPath();
    const res = await fetch(url, { headers: { 'x-flipt-accept-server-version': '1.47.0' } });
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^[0-9a-f]{40}$/);
    expect(etag).not.toBe(s1.digest);
    expect(etag).toBe(server.etag());
    const { digest, ...rest } = s1;
    expect(digest).toBeDefined();
    expect(await res.json()).toEqual(rest);
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
    server.setSnapshot(s2);
    expect(server.etag()).not.toBe(etag);
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(200);

    const stream = await fetch(server.url + server.streamPath(), { headers: sseHeaders });
    expect(stream.status).toBe(404);
    expect(await stream.text()).toBe('404 page not found\n');
    expect((await fetch(server.url + server.snapshotPath())).status).toBe(404);
    expect(server.requests.map((r) => r.api)).toEqual(['v1', 'v1', 'v1', 'v2', 'v2']);
  });

  it('v1: environment from x-flipt-environment, ?reference= picks a reference, old clients lose default variants', async () => {
    await start({ api: 'v1' });
    const withDefault = makeSnapshot([booleanFlag('a', true), { ...booleanFlag('v', true), type: 'VARIANT_FLAG_TYPE', rollouts: [], defaultVariant: { id: '1', key: 'on', attachment: 'null' } }]);
    server.setSnapshot(withDefault, { environment: 'staging' });
    server.setSnapshot(s2, { reference: 'main' });
    const url = server.url + server.v1SnapshotPath();
    const staging = await (await fetch(url, { headers: { 'x-flipt-environment': 'staging', 'x-flipt-accept-server-version': '1.47.0' } })).json();
    expect(staging.flags[1].defaultVariant).toEqual({ id: '1', key: 'on', attachment: 'null' });
    const old = await (await fetch(url, { headers: { 'x-flipt-environment': 'staging', 'x-flipt-accept-server-version': '1.38.0' } })).json();
    expect(old.flags[1].defaultVariant).toBeUndefined();
    expect(withDefault.flags[1]!.defaultVariant).toBeDefined(); // the stored snapshot is untouched
    const main = await (await fetch(`${url}?reference=main`)).json();
    expect(main.flags).toEqual(s2.flags);
    expect(server.requests.map((r) => r.environment)).toEqual(['staging', 'staging', 'default']);
  });

  it('v2 also serves the v1 path, as Flipt v2 does', async () => {
    await start();
    const res = await fetch(server.url + server.v1SnapshotPath());
    expect(res.headers.get('etag')).toBe(s1.digest);
    expect(await res.json()).toEqual(s1);
  });

  it('failNext with a message and Retry-After: Flipt\'s JSON error body, or an SSE error event on a stream', async () => {
    await start();
    server.failNext('snapshot', 429, 1, { message: 'slow down', retryAfter: '3' });
    const res = await fetch(server.url + server.snapshotPath());
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({ code: 8, message: 'slow down', details: [] });
    server.failNext('stream', 503, 1, { retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' });
    const stream = await fetch(server.url + server.streamPath(), { headers: sseHeaders });
    expect(stream.headers.get('retry-after')).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(await stream.text()).toBe('data: {"type":"error","code":14,"message":"internal error"}\n\n');
  });

  it('errorAndEndStreams(): an error event, then the end of the response', async () => {
    await start({ dialect: 'relay' });
    const res = await fetch(server.url + server.streamPath(), { headers: sseHeaders });
    await server.waitFor(() => server.openStreams === 1);
    await server.errorAndEndStreams(13, 'boom');
    expect(await res.text()).toBe(`id: ${s1.digest.slice(0, 9)}\ndata: {"etag":"${s1.digest}","type":"refetchEvaluation"}\n\ndata: {"type":"error","code":13,"message":"boom"}\n\n`);
  });

  it('honourMaxEventBytes: an inline snapshot larger than the client\'s maxEventBytes goes as a notification', async () => {
    await start({ dialect: 'relay', honourMaxEventBytes: true });
    const small = await fetch(`${server.url}${server.streamPath()}?include=snapshot&maxEventBytes=100`, { headers: sseHeaders, signal: abortable() });
    expect((await readUntil(small.body!, (t) => t.endsWith('\n\n'))).text).toContain('"type":"refetchEvaluation"');
    const large = await fetch(`${server.url}${server.streamPath()}?include=snapshot&maxEventBytes=100000`, { headers: sseHeaders, signal: abortable() });
    expect((await readUntil(large.body!, (t) => t.endsWith('\n\n'))).text).toContain('"type":"snapshot"');
  });
});
