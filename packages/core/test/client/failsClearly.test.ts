// Issue 11, point 2: a wrong set-up fails clearly instead of leaving `ready()` pending for
// ever. A url that is not absolute http(s) throws at once; a definitive answer (400, 401, 403,
// 404) with nothing to evaluate makes `status` `error` and `ready()` reject at once with the URL
// and the server's own words; 400/404 go on at the longest backoff (a namespace created later
// still arrives), 401/403 stop; `ready({ timeoutMs })` and `readyTimeoutMs` bound the wait.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlagClientError } from '../../src/index';
import { startFlagServer, type FlagServer, type RecordedRequest } from '../support/flagServer';
import { booleanFlag, makeSnapshot, optionsFor, quietPeriod, record, scriptedFetch, until, useHarness, type ClientOptions } from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true)]);
const prod = makeSnapshot([booleanFlag('a', false)], { namespace: 'prod' });

const harness = useHarness();

/** What `ready()` settled with (undefined when it resolved). */
async function rejection(promise: Promise<void>): Promise<FlagClientError | undefined> {
  return promise.then(() => undefined, (error: FlagClientError) => error);
}

/** Milliseconds between consecutive requests of these, as the server saw them. */
function gaps(requests: RecordedRequest[]): number[] {
  return requests.slice(1).map((r, i) => r.at - requests[i]!.at);
}

describe('createFlagClient: a url that is not absolute http(s) throws a TypeError at once', () => {
  it.each([
    { name: 'no scheme (host:port)', url: 'localhost:8787' },
    { name: 'no scheme (host)', url: 'flags.example.com' },
    { name: 'relative path', url: '/api/flags' },
    { name: 'relative to the page', url: 'flags' },
    { name: 'ftp:', url: 'ftp://flags.example.com' },
    { name: 'empty', url: '' },
  ])('$name: $url', ({ url }) => {
    let thrown: unknown;
    try {
      harness.client({ url, cache: 'none' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toContain(JSON.stringify(url));
    expect((thrown as Error).message).toMatch(/absolute http\(s\) URL/);
  });

  it('http and https base URLs are accepted (a trailing slash too)', () => {
    for (const url of ['http://127.0.0.1:9', 'https://flags.example.com/', 'http://[::1]:8080/base']) {
      expect(() => harness.client({ url, cache: 'none', autoStart: false })).not.toThrow();
    }
  });
});

describe('a definitive answer with nothing to evaluate: status error, ready() rejects at once', () => {
  // The longest backoff is short here, the default ready() bound is not: a rejection that
  // waited for the bound would time the test out.
  const retry = { minDelayMs: 5, maxDelayMs: 150 };

  it('404, wrong namespace (Flipt): names the URL, quotes the server; a namespace created later arrives', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { namespace: 'prod', retry }));
    const rec = record(client);
    const error = await rejection(client.ready());
    expect(error).toBeInstanceOf(FlagClientError);
    expect(error!.code).toBe('NOT_FOUND');
    expect(error!.status).toBe(404);
    expect(error!.message).toContain(`${server.url}/client/v2/environments/default/namespaces/prod/stream`);
    expect(error!.message).toContain('evaluation snapshot for namespace "prod" not found');
    expect(client.status).toBe('error');
    expect(client.error).toBe(error);

    // Still trying, at the longest backoff: not the short jittered one.
    await server.waitForRequest('stream', 4, 3000);
    for (const gap of gaps(server.requestsOf('stream'))) expect(gap).toBeGreaterThanOrEqual(retry.maxDelayMs - 5);
    expect(rec.states.every((s) => s.connection !== 'closed')).toBe(true);

    server.setSnapshot(prod, { namespace: 'prod' });
    await until(() => client.status === 'ready', 3000);
    expect(client.digest).toBe(prod.digest);
    expect(client.getBoolean('a', true, 'user-1')).toBe(false);
    await expect(client.ready()).resolves.toBeUndefined();
  });

  it('404, wrong URL path: names the URL asked for and quotes the server\'s plain-text answer', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    server.override('other', (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    }, 1000);
    const client = harness.client(optionsFor(server, { url: `${server.url}/flipt`, retry }));
    const error = await rejection(client.ready());
    expect(error?.code).toBe('NOT_FOUND');
    expect(error!.message).toContain(`${server.url}/flipt/client/v2/environments/default/namespaces/default/stream`);
    expect(error!.message).toContain('404 page not found');
    expect(client.status).toBe('error');
    // Retried slowly, never at the short backoff.
    await server.waitFor(() => server.requestsOf('other').filter((r) => r.url.pathname.endsWith('/stream')).length >= 3, { timeout: 3000 });
    for (const gap of gaps(server.requestsOf('other').filter((r) => r.url.pathname.endsWith('/stream')))) {
      expect(gap).toBeGreaterThanOrEqual(retry.maxDelayMs - 5);
    }
  });

  it.each([
    { transport: 'sse' as const, dialect: 'flipt' as const },
    { transport: 'poll' as const, dialect: 'relay' as const },
  ])('400 ($transport): rejects with the server\'s message, keeps retrying at the longest backoff, then recovers', async ({ transport, dialect }) => {
    const server = await harness.server({ dialect });
    server.setSnapshot(s1);
    server.failNext('any', 400, 3, { message: 'invalid environment key "staging!"' });
    const client = harness.client(optionsFor(server, { transport, pollIntervalMs: 20, retry }));
    const error = await rejection(client.ready());
    expect(error?.code).toBe('BAD_REQUEST');
    expect(error!.status).toBe(400);
    expect(error!.message).toContain(server.url + (transport === 'sse' ? server.streamPath() : server.snapshotPath()));
    expect(error!.message).toContain('invalid environment key "staging!"');
    expect(client.status).toBe('error');

    await until(() => client.status === 'ready', 3000);
    expect(client.digest).toBe(s1.digest);
    const asked = server.requests.filter((r) => r.kind !== 'other');
    expect(asked.slice(0, 3).map((r) => r.status)).toEqual([400, 400, 400]);
    for (const gap of gaps(asked.slice(0, 4))) expect(gap).toBeGreaterThanOrEqual(retry.maxDelayMs - 5);
  });

  it.each([
    { status: 401, code: 'UNAUTHORIZED', transport: 'sse' as const },
    { status: 401, code: 'UNAUTHORIZED', transport: 'poll' as const },
    { status: 403, code: 'FORBIDDEN', transport: 'sse' as const },
    { status: 403, code: 'FORBIDDEN', transport: 'poll' as const },
  ])('$status ($transport): rejects with the URL and the server\'s message, and stops retrying', async ({ status, code, transport }) => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    const message = status === 401 ? 'request was not authenticated' : 'token may not read namespace "default"';
    server.failNext('any', status, 1000, { message });
    const client = harness.client(optionsFor(server, { transport, pollIntervalMs: 20, retry, authentication: { clientToken: 's3cr3t-xyz' } }));
    const error = await rejection(client.ready());
    expect(error).toBeInstanceOf(FlagClientError);
    expect(error!.code).toBe(code);
    expect(error!.status).toBe(status);
    expect(error!.message).toContain(server.url + (transport === 'sse' ? server.streamPath() : server.snapshotPath()));
    expect(error!.message).toContain(message);
    expect(error!.message).not.toContain('s3cr3t-xyz');
    expect(client.status).toBe('error');
    const requests = server.count('any');
    await quietPeriod(5 * retry.maxDelayMs);
    expect(server.count('any')).toBe(requests);
    expect(client.connection).toBe('closed');
  });
});

describe('ready({ timeoutMs }) and readyTimeoutMs: a bounded wait, and the client keeps trying', () => {
  it('an unreachable host: TIMEOUT naming the URL and the last error; the client connects once the host is up', async () => {
    const gone = await startFlagServer();
    const port = Number(new URL(gone.url).port);
    await gone.close();
    const client = harness.client({ url: gone.url, cache: 'none', retry: { minDelayMs: 10, maxDelayMs: 40 } });
    const error = await rejection(client.ready({ timeoutMs: 300 }));
    expect(error).toBeInstanceOf(FlagClientError);
    expect(error!.code).toBe('TIMEOUT');
    expect(error!.message).toContain('300 ms');
    expect(error!.message).toContain(gone.url);
    expect(error!.message).toMatch(/network error/i);
    expect(client.status).toBe('loading'); // not a definitive answer: the client goes on

    let server: FlagServer | undefined;
    try {
      server = await startFlagServer({ port });
      server.setSnapshot(s1);
      await until(() => client.status === 'ready', 3000);
      expect(client.digest).toBe(s1.digest);
    } finally {
      client.close();
      await server?.close();
    }
  });

  it('a server that holds the response: TIMEOUT, still loading, and ready once it answers', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.hold('any');
    const client = harness.client(optionsFor(server, { firstDeliveryTimeoutMs: 60_000 }));
    const error = await rejection(client.ready({ timeoutMs: 200 }));
    expect(error?.code).toBe('TIMEOUT');
    expect(error!.message).toContain('200 ms');
    expect(error!.message).toContain(server.url);
    expect(client.status).toBe('loading');
    expect(server.heldCount).toBe(1);
    server.release();
    await client.ready({ timeoutMs: 3000 });
    expect(client.digest).toBe(s1.digest);
  });

  it('readyTimeoutMs is the bound of ready() without options', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.hold('any');
    const client = harness.client(optionsFor(server, { readyTimeoutMs: 150, firstDeliveryTimeoutMs: 60_000 }));
    const error = await rejection(client.ready());
    expect(error?.code).toBe('TIMEOUT');
    expect(error!.message).toContain('150 ms');
    // An explicit timeoutMs wins over it.
    server.setSnapshot(s1);
    const later = client.ready({ timeoutMs: 3000 });
    server.release();
    await expect(later).resolves.toBeUndefined();
  });
});

describe('the default bound of ready() is 30 s (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects with TIMEOUT at 30 s, not before', async () => {
    vi.useFakeTimers();
    const script = scriptedFetch((call) => new Promise<Response>((_resolve, reject) => {
      call.signal?.addEventListener('abort', () => reject(call.signal!.reason));
    }));
    const client = harness.client({ url: 'http://flags.test', cache: 'none', fetch: script.fetch } as ClientOptions);
    let settled: FlagClientError | 'resolved' | undefined;
    client.ready().then(() => (settled = 'resolved'), (error: FlagClientError) => (settled = error));
    await vi.advanceTimersByTimeAsync(29_900);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(settled).toBeInstanceOf(FlagClientError);
    expect((settled as FlagClientError).code).toBe('TIMEOUT');
    expect((settled as FlagClientError).message).toContain('30000 ms');
    client.close();
  });
});
