// Faults against a real server: 5xx, 401/403, timeouts, refused connections, and bad input
// (non-JSON events, invalid snapshots, server error events, wrong content type, oversized
// messages). The last good snapshot always stays, nothing throws, and `error` says why.
import { describe, expect, it } from 'vitest';
import { FlagClientError } from '../../src/index';
import { startFlagServer } from '../support/flagServer';
import { booleanFlag, enabled, makeSnapshot, optionsFor, quietPeriod, record, until, useHarness } from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
const s2 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', false)]);
const invalid = { namespace: { key: 'default' }, flags: [{ key: 'a', enabled: 'yes' }], digest: 'd'.repeat(40) };

const harness = useHarness();

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

describe('retrying', () => {
  it('5xx on the stream: retries, stays loading (not error), then becomes ready', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.failNext('stream', 503, 3);
    const client = harness.client(optionsFor(server));
    const rec = record(client);
    await client.ready();
    expect(client.digest).toBe(s1.digest);
    expect(server.requestsOf('stream').map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(rec.errorCodes()).toContain('HTTP_ERROR');
    expect(rec.errors.every((e) => e instanceof FlagClientError)).toBe(true);
    expect(rec.states.map((s) => s.connection)).toContain('retrying');
    expect(rec.states.map((s) => s.status)).not.toContain('error');
  });

  it('5xx on the snapshot GET (Flipt dialect): retried until it works', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    server.failNext('snapshot', 500, 2);
    const client = harness.client(optionsFor(server));
    const rec = record(client);
    await client.ready();
    expect(client.digest).toBe(s1.digest);
    expect(server.requestsOf('snapshot').map((r) => r.status)).toEqual([500, 500, 200]);
    expect(rec.errorCodes()).toContain('HTTP_ERROR');
  });

  it('a refused connection is a NETWORK error and is retried; status stays loading', async () => {
    const gone = await startFlagServer();
    const url = gone.url;
    await gone.close();
    const client = harness.client({ url, cache: 'none', retry: { minDelayMs: 10, maxDelayMs: 20 } });
    const rec = record(client);
    let settled = false;
    void client.ready().then(() => (settled = true), () => (settled = true));
    await until(() => rec.states.filter((s) => s.connection === 'retrying').length >= 3);
    expect(rec.errorCodes()).toContain('NETWORK');
    expect(client.status).toBe('loading');
    expect(settled).toBe(false); // it may still become ready
  });

  it('a snapshot GET slower than requestTimeoutMs is aborted (TIMEOUT) and retried', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    server.delayNext('snapshot', 5000);
    const client = harness.client(optionsFor(server, { requestTimeoutMs: 100 }));
    const rec = record(client);
    await client.ready();
    const [slow] = server.requestsOf('snapshot');
    expect(slow!.abortedByClient).toBe(true);
    expect(rec.errorCodes()).toContain('TIMEOUT');
    expect(client.digest).toBe(s1.digest);
  });

  it('a snapshot body that stalls after the headers also times out', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    server.override('snapshot', (_req, res) => {
      const body = JSON.stringify(s1);
      res.writeHead(200, { 'content-type': 'application/json', etag: s1.digest, 'content-length': body.length });
      res.write(body.slice(0, 20)); // and nothing more
    });
    const client = harness.client(optionsFor(server, { requestTimeoutMs: 150 }));
    const rec = record(client);
    await client.ready();
    expect(server.requestsOf('snapshot')[0]!.abortedByClient).toBe(true);
    expect(rec.errorCodes()).toContain('TIMEOUT');
    expect(client.getSnapshot()).toEqual(s1);
  });

  it('slow stream headers are not cut by requestTimeoutMs (a stream is long-lived)', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.delayNext('stream', 400);
    const client = harness.client(optionsFor(server, { requestTimeoutMs: 50 }));
    await client.ready();
    expect(server.count('stream')).toBe(1);
    expect(client.error).toBeNull();
  });
});

describe('401 / 403', () => {
  it.each([
    { dialect: 'flipt' as const, transport: 'sse' as const },
    { dialect: 'relay' as const, transport: 'sse' as const },
    { dialect: 'relay' as const, transport: 'poll' as const },
  ])('401 without any snapshot ($dialect, $transport): ready() rejects, status error, no retries', async ({ dialect, transport }) => {
    const server = await harness.server({ dialect, authorization: 'Bearer right' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { transport, pollIntervalMs: 20, authentication: { clientToken: 'wrong' } }));
    const rejection = await client.ready().then(() => undefined, (e: unknown) => e);
    expect(rejection).toBeInstanceOf(FlagClientError);
    expect(codeOf(rejection)).toBe('UNAUTHORIZED');
    expect(client.status).toBe('error');
    expect(client.error).toBeInstanceOf(FlagClientError);
    expect(codeOf(client.error)).toBe('UNAUTHORIZED');
    expect(client.getBoolean('a', false, 'user-1')).toBe(false);
    const requests = server.count('any');
    await quietPeriod(200); // ~10x the retry delay
    expect(server.count('any')).toBe(requests);
  });

  it('403 with a bootstrap snapshot: stays ready on it, error FORBIDDEN, no retries', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s2);
    server.failNext('any', 403, 1000);
    const client = harness.client(optionsFor(server, { bootstrap: s1 }));
    await client.ready();
    await until(() => client.error !== null);
    expect(codeOf(client.error)).toBe('FORBIDDEN');
    expect(client.status).toBe('ready');
    expect(client.source).toBe('bootstrap');
    expect(enabled(client, 'b')).toBe(true);
    const requests = server.count('any');
    await quietPeriod(200);
    expect(server.count('any')).toBe(requests);
  });

  it('401 after a network snapshot: keeps evaluating it, says why, stops retrying', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    server.authorization = 'Bearer now-required';
    await server.killStreams();
    await until(() => codeOf(client.error) === 'UNAUTHORIZED');
    expect(client.status).toBe('ready');
    expect(client.digest).toBe(s1.digest);
    expect(enabled(client, 'a')).toBe(true);
    const requests = server.count('any');
    await quietPeriod(200);
    expect(server.count('any')).toBe(requests);
  });
});

describe('bad input never replaces the last good snapshot', () => {
  async function readyClient(dialect: 'relay' | 'flipt' = 'relay') {
    const server = await harness.server({ dialect });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    const rec = record(client);
    return { server, client, rec };
  }

  function expectStillS1(client: ReturnType<typeof harness.client>) {
    expect(client.status).toBe('ready');
    expect(client.digest).toBe(s1.digest);
    expect(client.getSnapshot()).toEqual(s1);
    expect(enabled(client, 'b')).toBe(true);
  }

  it('an event that is not JSON (or not UTF-8): error set, snapshot kept, the stream goes on', async () => {
    const { server, client, rec } = await readyClient();
    await server.sendEvent('{"type":"snapshot","etag":');
    await until(() => client.error !== null);
    expect(client.error).toBeInstanceOf(FlagClientError);
    expectStillS1(client);
    await server.sendRaw(Buffer.from([0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0xfe, 0xc3, 0x0a, 0x0a]));
    await server.sendEvent('[1,2,3]');
    await server.sendEvent('null');
    expectStillS1(client);
    expect(rec.snapshotEvents()).toEqual([]);
    // Later good data still gets through.
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(rec.snapshotEvents()).toHaveLength(1);
  });

  it('an inline snapshot that does not validate: INVALID_SNAPSHOT, snapshot and digest kept', async () => {
    const { server, client, rec } = await readyClient();
    await server.sendInline(invalid, invalid.digest);
    await until(() => client.error !== null);
    expect(client.error).toBeInstanceOf(FlagClientError);
    expect(codeOf(client.error)).toBe('INVALID_SNAPSHOT');
    expectStillS1(client);
    expect(rec.snapshotEvents()).toEqual([]);
  });

  it.each([
    { name: 'invalid snapshot', body: JSON.stringify(invalid) },
    { name: 'HTML error page with status 200', body: '<html><body>502 Bad Gateway</body></html>' },
    { name: 'truncated JSON', body: JSON.stringify(s2).slice(0, 50) },
  ])('a snapshot GET answering $name: INVALID_SNAPSHOT, snapshot kept', async ({ body }) => {
    const { server, client, rec } = await readyClient('flipt');
    server.override('snapshot', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', etag: 'd'.repeat(40) });
      res.end(body);
    });
    await server.notify('d'.repeat(40));
    await until(() => client.error !== null);
    expect(codeOf(client.error)).toBe('INVALID_SNAPSHOT');
    expectStillS1(client);
    expect(rec.snapshotEvents()).toEqual([]);
  });

  it('a server error event surfaces as error, with the server message', async () => {
    const { server, client } = await readyClient('flipt');
    await server.sendErrorEvent(13, 'storage backend exploded');
    await until(() => client.error !== null);
    expect(client.error).toBeInstanceOf(FlagClientError);
    expect((client.error as Error).message).toContain('storage backend exploded');
    expectStillS1(client);
  });

  it.each([
    // What Flipt sends without the SSE Accept header: newline-delimited JSON.
    { name: 'NDJSON', type: 'application/json', body: `{"result":${JSON.stringify(s2)}}\n` },
    // Something in between (a proxy, a misrouted request) answering with SSE-looking text.
    { name: 'SSE-looking HTML', type: 'text/html', body: `data: {"etag":"${s2.digest}","snapshot":${JSON.stringify(s2)},"type":"snapshot"}\n\n` },
  ])('a stream answering with the wrong content type ($name) is not read, and is retried', async ({ type, body }) => {
    const { server, client } = await readyClient();
    server.override('stream', (_req, res) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    });
    server.hold('stream');
    await server.killStreams();
    await server.waitFor(() => server.heldCount === 1); // the retry after the bad answer
    expect(server.requestsOf('stream')[1]!.status).toBe(200);
    expectStillS1(client);
    expect(client.error).toBeInstanceOf(FlagClientError);
    server.setSnapshot(s2);
    server.release();
    await until(() => client.digest === s2.digest);
  });

  it('a large but reasonable snapshot (~1 MB, 4000 flags) inline is accepted', async () => {
    const { server, client } = await readyClient();
    const big = makeSnapshot(Array.from({ length: 4000 }, (_, i) => booleanFlag(`flag-${i}`, i % 2 === 0, { description: 'x'.repeat(120) })));
    expect(JSON.stringify(big).length).toBeGreaterThan(900_000);
    server.setSnapshot(big);
    await until(() => client.digest === big.digest);
    expect(enabled(client, 'flag-3998')).toBe(true);
    expect(client.error).toBeNull();
  });

  it('an oversized message: the client hangs up instead of buffering it, keeps its snapshot, reconnects', async () => {
    const { server, client, rec } = await readyClient();
    const result = await server.sendOversized(64 * 1024 * 1024);
    expect(result.closedByClient).toBe(true);
    expect(result.bytes).toBeLessThan(64 * 1024 * 1024);
    await server.waitForRequest('stream', 2);
    expectStillS1(client);
    expect(rec.errors.length).toBeGreaterThan(0);
  });
});
