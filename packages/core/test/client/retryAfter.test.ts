// Issue 11, point 3: `429` / `503` with `Retry-After` (seconds or an HTTP date), on the stream
// or on the snapshot: the next request waits at least that long, at most 5 minutes. Against a
// real server with small values (request times as the server recorded them), and with fake
// timers and a scripted fetch for the 5-minute cap.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecordedRequest } from '../support/flagServer';
import { booleanFlag, jsonResponse, makeSnapshot, optionsFor, scriptedFetch, useHarness, type ClientOptions } from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true)]);

const harness = useHarness();

/** A timer may fire a millisecond early by the server's clock; anything shorter is a violation. */
const SLACK_MS = 10;

/** Wall-clock time at which the server received a request. */
const wallClock = (request: RecordedRequest) => performance.timeOrigin + request.at;

/** A whole-second HTTP date at least `ms` from now (HTTP dates have no milliseconds). */
function httpDateIn(ms: number): { header: string; at: number } {
  const at = Math.ceil((Date.now() + ms) / 1000) * 1000;
  return { header: new Date(at).toUTCString(), at };
}

describe('Retry-After against a real server', () => {
  it('503 on the stream with Retry-After in seconds: the next stream waits at least that long', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.failNext('stream', 503, 1, { retryAfter: '1', message: 'overloaded' });
    const client = harness.client(optionsFor(server)); // backoff 10-50 ms
    await client.ready({ timeoutMs: 5000 });
    const [refused, next] = server.requestsOf('stream');
    expect(refused!.status).toBe(503);
    expect(next!.at - refused!.at).toBeGreaterThanOrEqual(1000 - SLACK_MS);
  });

  it('429 on the stream with Retry-After as an HTTP date: nothing is sent before that date', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const date = httpDateIn(1200);
    server.failNext('stream', 429, 1, { retryAfter: date.header, message: 'rate limited' });
    const client = harness.client(optionsFor(server));
    await client.ready({ timeoutMs: 5000 });
    const [refused, next] = server.requestsOf('stream');
    expect(refused!.status).toBe(429);
    expect(server.requests).toHaveLength(2);
    expect(wallClock(next!)).toBeGreaterThanOrEqual(date.at - SLACK_MS);
  });

  it('429 on the snapshot GET (Flipt: after a notification) with seconds: the next request waits', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    server.failNext('snapshot', 429, 1, { retryAfter: '1', message: 'slow down' });
    const client = harness.client(optionsFor(server));
    await client.ready({ timeoutMs: 5000 });
    const refused = server.requestsOf('snapshot')[0]!;
    expect(refused.status).toBe(429);
    const after = server.requests.filter((r) => r.id > refused.id);
    expect(after.length).toBeGreaterThan(0);
    for (const request of after) expect(request.at - refused.at).toBeGreaterThanOrEqual(1000 - SLACK_MS);
  });

  it('503 on a polled snapshot with an HTTP date: the next poll waits until then', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const date = httpDateIn(1200);
    server.failNext('snapshot', 503, 1, { retryAfter: date.header });
    const client = harness.client(optionsFor(server, { transport: 'poll', pollIntervalMs: 20 }));
    await client.ready({ timeoutMs: 5000 });
    const [refused, next] = server.requestsOf('snapshot');
    expect(refused!.status).toBe(503);
    expect(wallClock(next!)).toBeGreaterThanOrEqual(date.at - SLACK_MS);
  });

  it('the error says what the server asked for', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.failNext('stream', 503, 1, { retryAfter: '2', message: 'overloaded' });
    const client = harness.client(optionsFor(server));
    await server.waitFor(() => server.requests[0]?.closed === true);
    await vi.waitFor(() => expect(client.error).not.toBeNull());
    expect(client.error!.retryAfterMs).toBe(2000);
    expect(client.error!.status).toBe(503);
    expect(client.error!.message).toContain('overloaded');
    expect(client.status).toBe('loading'); // not a definitive answer
  });
});

describe('Retry-After, to the millisecond and capped at 5 minutes (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-06-01T12:00:00.000Z')); // a whole second: HTTP dates have no milliseconds
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function client(options: Partial<ClientOptions> & { fetch: typeof fetch }) {
    return harness.client({ url: 'http://flags.test', cache: 'none', retry: { minDelayMs: 100, maxDelayMs: 1000 }, ...options } as ClientOptions);
  }

  /** Answers the first call with `first`, then serves s1. */
  function refusingOnce(first: () => Response) {
    return scriptedFetch((call, index) => {
      if (index === 0) return first();
      if (call.url.pathname.endsWith('/stream')) return new Response('', { status: 503 });
      return jsonResponse(200, s1, { etag: s1.digest });
    });
  }

  it.each([
    { name: 'seconds on the stream', transport: 'sse' as const, status: 503, header: (): string => '7', waitMs: 7000 },
    { name: 'an HTTP date on the polled snapshot', transport: 'poll' as const, status: 429, header: (): string => new Date(Date.now() + 12_000).toUTCString(), waitMs: 12_000 },
  ])('$name: the next request comes at the time asked, not before', async ({ transport, status, header, waitMs }) => {
    const script = refusingOnce(() => jsonResponse(status, { code: 8, message: 'later' }, { 'retry-after': header() }));
    client({ fetch: script.fetch, transport });
    await vi.advanceTimersByTimeAsync(0);
    expect(script.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(waitMs - 100);
    expect(script.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(script.calls.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    { name: 'seconds (an hour), on the stream', transport: 'sse' as const, header: (): string => '3600' },
    { name: 'an HTTP date a day ahead, on the polled snapshot', transport: 'poll' as const, header: (): string => new Date(Date.now() + 86_400_000).toUTCString() },
  ])('$name: waits 5 minutes, not longer', async ({ transport, header }) => {
    const script = refusingOnce(() => jsonResponse(503, { code: 14, message: 'maintenance' }, { 'retry-after': header() }));
    const c = client({ fetch: script.fetch, transport });
    await vi.advanceTimersByTimeAsync(0);
    expect(c.error?.retryAfterMs).toBe(300_000);
    await vi.advanceTimersByTimeAsync(299_900);
    expect(script.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(script.calls.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    { name: 'shorter than the backoff does not shorten it', header: '1', retryAfterMs: 1000 },
    { name: 'unreadable is ignored', header: 'soon', retryAfterMs: undefined },
  ])('a Retry-After that is $name', async ({ header, retryAfterMs }) => {
    const script = scriptedFetch(() => jsonResponse(503, { code: 14, message: 'x' }, { 'retry-after': header }));
    const c = client({ fetch: script.fetch, retry: { minDelayMs: 4000, maxDelayMs: 4000 } });
    await vi.advanceTimersByTimeAsync(0);
    expect(c.error?.retryAfterMs).toBe(retryAfterMs);
    await vi.advanceTimersByTimeAsync(1900); // the backoff: 0.5 × 4000
    expect(script.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(script.calls).toHaveLength(2);
  });
});
