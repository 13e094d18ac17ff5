// Everything that depends on time, with fake timers and a scripted fetch (no sockets):
// backoff with full jitter and its reset, the heartbeat watchdog, Flipt's silence, polling
// intervals, giving up on 401, and close() leaving no timer behind.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  booleanFlag,
  inlineEvent,
  jsonResponse,
  makeSnapshot,
  record,
  scriptedFetch,
  sseResponse,
  useHarness,
  type ClientOptions,
} from './helpers';

const URL_BASE = 'http://flags.test';
const s1 = makeSnapshot([booleanFlag('a', true)]);
const s2 = makeSnapshot([booleanFlag('a', false)]);

let randomValues: number[] = [];
let elapsed = 0;

beforeEach(() => {
  vi.useFakeTimers();
  elapsed = 0;
  randomValues = [];
  vi.spyOn(Math, 'random').mockImplementation(() => randomValues.shift() ?? 0.5);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const harness = useHarness();

function client(options: Partial<ClientOptions> & { fetch: typeof fetch }) {
  return harness.client({ url: URL_BASE, cache: 'none', ...options } as ClientOptions);
}

/** Advances fake time to `target` ms after the test started. */
async function advanceTo(target: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(Math.max(0, target - elapsed));
  elapsed = Math.max(elapsed, target);
}

const unavailable = () => jsonResponse(503, { code: 14, message: 'unavailable' });

/**
 * Asserts that the k-th stream request (1-based) after the first happens `gaps[k-1]` ms after
 * the previous one, within 2 % (and not before).
 */
async function expectRetryGaps(calls: () => unknown[], gaps: number[]): Promise<void> {
  await advanceTo(elapsed);
  expect(calls()).toHaveLength(1);
  let at = elapsed;
  for (const [i, gap] of gaps.entries()) {
    const tolerance = Math.max(2, gap * 0.02);
    if (at + gap - tolerance > elapsed) {
      await advanceTo(at + gap - tolerance);
      expect(calls(), `retry ${i + 1} came before ${gap} ms`).toHaveLength(i + 1);
    }
    await advanceTo(at + gap + tolerance);
    expect(calls().length, `retry ${i + 1} did not come after ${gap} ms`).toBeGreaterThanOrEqual(i + 2);
    at += gap;
  }
}

describe('backoff', () => {
  it('doubles from minDelayMs up to maxDelayMs, scaled by a random factor (full jitter)', async () => {
    const script = scriptedFetch(unavailable);
    client({ fetch: script.fetch, retry: { minDelayMs: 1000, maxDelayMs: 8000 } });
    // random() = 0.5: half of 1000, 2000, 4000, 8000, then capped at 8000.
    await expectRetryGaps(script.streamCalls, [500, 1000, 2000, 4000, 4000, 4000]);
  });

  it('the delay is random between 0 and the current cap', async () => {
    randomValues = [0.1, 0.9, 0.25, 0];
    const script = scriptedFetch(unavailable);
    client({ fetch: script.fetch, retry: { minDelayMs: 1000, maxDelayMs: 30_000 } });
    // caps 1000, 2000, 4000, 8000
    await expectRetryGaps(script.streamCalls, [100, 1800, 1000, 0]);
  });

  it('defaults: 1 s doubling up to 30 s', async () => {
    randomValues = Array(10).fill(0.999999);
    const script = scriptedFetch(unavailable);
    client({ fetch: script.fetch });
    await expectRetryGaps(script.streamCalls, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('resets after a connection that delivered an event', async () => {
    const script = scriptedFetch((call, i) => {
      if (i !== 3) return unavailable();
      const sse = sseResponse(call.signal);
      sse.push(inlineEvent(s1));
      sse.close(); // delivered a snapshot, then the server went away
      return sse.response;
    });
    const c = client({ fetch: script.fetch, retry: { minDelayMs: 1000, maxDelayMs: 30_000 } });
    await expectRetryGaps(script.streamCalls, [500, 1000, 2000]); // 4th request is the good one
    expect(c.digest).toBe(s1.digest);
    // Without the reset the next delay would be 0.5 × 8000.
    await advanceTo(elapsed + 500 + 10);
    expect(script.streamCalls()).toHaveLength(5);
  });

  it('does not reset after a connection that delivered nothing', async () => {
    const script = scriptedFetch((call, i) => {
      if (i !== 2) return unavailable();
      const sse = sseResponse(call.signal);
      sse.close(); // 200 with an empty body
      return sse.response;
    });
    client({ fetch: script.fetch, retry: { minDelayMs: 1000, maxDelayMs: 30_000 } });
    await expectRetryGaps(script.streamCalls, [500, 1000, 2000]);
  });

  it('does not reset after a connection that sent only a heartbeat comment (not an event)', async () => {
    const script = scriptedFetch((call, i) => {
      if (i !== 2) return unavailable();
      const sse = sseResponse(call.signal);
      sse.push(': ping\n\n');
      sse.close();
      return sse.response;
    });
    client({ fetch: script.fetch, retry: { minDelayMs: 1000, maxDelayMs: 30_000 } });
    await expectRetryGaps(script.streamCalls, [500, 1000, 2000]);
  });

  it('401 stops retrying for good', async () => {
    const script = scriptedFetch(() =>
      new Response('data: {"type":"error","code":16,"message":"request was not authenticated"}\n\n', {
        status: 401,
        headers: { 'content-type': 'text/event-stream' },
      }),
    );
    const c = client({ fetch: script.fetch, retry: { minDelayMs: 1000, maxDelayMs: 2000 } });
    await expect(c.ready()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await advanceTo(10 * 60_000);
    expect(script.calls).toHaveLength(1);
    expect(c.status).toBe('error');
    expect(['connecting', 'retrying', 'open']).not.toContain(c.connection);
  });
});

describe('watchdog', () => {
  function streamingFetch(first: (sse: ReturnType<typeof sseResponse>) => void) {
    const streams: Array<ReturnType<typeof sseResponse>> = [];
    const script = scriptedFetch((call) => {
      if (!call.url.pathname.endsWith('/stream')) return jsonResponse(200, s1, { etag: s1.digest });
      const sse = sseResponse(call.signal);
      streams.push(sse);
      if (streams.length === 1) first(sse);
      return sse.response;
    });
    return { script, streams };
  }

  it('reconnects a stream that sent a heartbeat and then went silent for streamIdleTimeoutMs (default 45 s)', async () => {
    const { script } = streamingFetch((sse) => {
      sse.push(inlineEvent(s1));
      sse.push(': ping\n\n');
    });
    const c = client({ fetch: script.fetch });
    await advanceTo(0);
    await c.ready();
    await advanceTo(44_900);
    expect(script.streamCalls()).toHaveLength(1);
    expect(script.streamCalls()[0]!.signal?.aborted).toBe(false);
    await advanceTo(45_100);
    expect(script.streamCalls()[0]!.signal?.aborted).toBe(true);
    await advanceTo(45_100 + 1000); // then at most one base delay (backoff was reset by the heartbeat)
    expect(script.streamCalls()).toHaveLength(2);
    expect(script.streamCalls()[1]!.url.searchParams.get('digest')).toBe(s1.digest);
  });

  it('heartbeats keep a stream alive indefinitely', async () => {
    const streams: Array<ReturnType<typeof sseResponse>> = [];
    const script = scriptedFetch((call) => {
      const sse = sseResponse(call.signal);
      streams.push(sse);
      sse.push(inlineEvent(s1));
      return sse.response;
    });
    client({ fetch: script.fetch, streamIdleTimeoutMs: 1000 });
    for (let t = 0; t <= 20_000; t += 500) {
      await advanceTo(t);
      streams[0]!.push(': ping\n\n');
    }
    expect(script.streamCalls()).toHaveLength(1);
  });

  it('never arms against a stream without heartbeats (Flipt): an idle stream is left alone', async () => {
    const { script } = streamingFetch((sse) => sse.push(`data: {"etag":"${s1.digest}","type":"refetchEvaluation"}\n\n`));
    const c = client({ fetch: script.fetch, streamIdleTimeoutMs: 1000 });
    await advanceTo(0);
    await c.ready();
    await advanceTo(3 * 60_000); // 180 × the idle timeout
    expect(script.streamCalls()).toHaveLength(1);
    expect(c.connection).toBe('open');
  });

  it('waits for held headers (Flipt with a current digest) without reconnecting', async () => {
    const script = scriptedFetch((call) => new Promise<Response>((_resolve, reject) => {
      call.signal?.addEventListener('abort', () => reject(call.signal!.reason));
    }));
    const c = client({ fetch: script.fetch, bootstrap: s1, streamIdleTimeoutMs: 1000, requestTimeoutMs: 1000 });
    await advanceTo(3 * 60_000);
    expect(script.streamCalls()).toHaveLength(1);
    expect(c.connection).toBe('connecting');
    expect(c.status).toBe('ready');
    expect(c.error).toBeNull();
  });
});

describe('polling', () => {
  function pollingFetch() {
    let current = s1;
    const script = scriptedFetch((call) => {
      const tag = call.headers.get('if-none-match')?.replace(/^W\//, '').replace(/"/g, '');
      if (tag === current.digest) return new Response(null, { status: 304, headers: { etag: current.digest } });
      return jsonResponse(200, current, { etag: current.digest });
    });
    return { script, set: (s: typeof s1) => (current = s) };
  }

  it('polls every 30 s by default, with If-None-Match, and never opens a stream', async () => {
    const { script, set } = pollingFetch();
    const c = client({ fetch: script.fetch, transport: 'poll' });
    await advanceTo(0);
    await c.ready();
    const rec = record(c);
    expect(script.calls).toHaveLength(1);
    await advanceTo(29_900);
    expect(script.calls).toHaveLength(1);
    await advanceTo(30_100);
    expect(script.calls).toHaveLength(2);
    expect(script.calls[1]!.headers.get('if-none-match')?.replace(/"/g, '')).toBe(s1.digest);
    expect(rec.snapshotEvents()).toEqual([]);

    set(s2);
    await advanceTo(60_100);
    expect(script.calls).toHaveLength(3);
    expect(c.digest).toBe(s2.digest);
    expect(rec.snapshotEvents()).toEqual([{ type: 'snapshot', changedFlags: ['a'] }]);
    expect(script.streamCalls()).toEqual([]);
  });

  it('honours pollIntervalMs', async () => {
    const { script } = pollingFetch();
    client({ fetch: script.fetch, transport: 'poll', pollIntervalMs: 5000 });
    await advanceTo(4900);
    expect(script.calls).toHaveLength(1);
    await advanceTo(5100);
    expect(script.calls).toHaveLength(2);
    await advanceTo(10_100);
    expect(script.calls).toHaveLength(3);
  });
});

describe('close()', () => {
  it('during backoff: no more requests, no timers left', async () => {
    const script = scriptedFetch(unavailable);
    const c = client({ fetch: script.fetch, retry: { minDelayMs: 1000, maxDelayMs: 2000 } });
    await advanceTo(0);
    expect(script.calls).toHaveLength(1);
    c.close();
    expect(c.status).toBe('closed');
    expect(c.connection).toBe('closed');
    await advanceTo(0);
    expect(vi.getTimerCount()).toBe(0);
    await advanceTo(10 * 60_000);
    expect(script.calls).toHaveLength(1);
  });

  it('while streaming: aborts the request, leaves no timer, notifies nobody', async () => {
    const script = scriptedFetch((call) => {
      const sse = sseResponse(call.signal);
      sse.push(inlineEvent(s1));
      sse.push(': ping\n\n');
      return sse.response;
    });
    const c = client({ fetch: script.fetch });
    await advanceTo(0);
    await c.ready();
    const listener = vi.fn();
    c.subscribe(listener);
    c.close();
    expect(script.calls[0]!.signal?.aborted).toBe(true);
    await advanceTo(0);
    expect(vi.getTimerCount()).toBe(0);
    await advanceTo(10 * 60_000);
    expect(listener).not.toHaveBeenCalled();
    expect(c.status).toBe('closed');
    expect(c.connection).toBe('closed');
    expect(script.calls).toHaveLength(1);
  });

  it('while a snapshot GET is in flight: aborts it, applies nothing', async () => {
    let releaseGet: ((r: Response) => void) | undefined;
    const script = scriptedFetch((call) => {
      if (call.url.pathname.endsWith('/snapshot')) {
        return new Promise<Response>((resolve, reject) => {
          releaseGet = resolve;
          call.signal?.addEventListener('abort', () => reject(call.signal!.reason));
        });
      }
      const sse = sseResponse(call.signal);
      sse.push(`data: {"etag":"${s1.digest}","type":"refetchEvaluation"}\n\n`);
      return sse.response;
    });
    const c = client({ fetch: script.fetch });
    const listener = vi.fn();
    c.subscribe(listener);
    await advanceTo(0);
    expect(script.snapshotCalls()).toHaveLength(1);
    c.close();
    expect(script.snapshotCalls()[0]!.signal?.aborted).toBe(true);
    listener.mockClear();
    releaseGet?.(jsonResponse(200, s1, { etag: s1.digest }));
    await advanceTo(60_000);
    expect(listener).not.toHaveBeenCalled();
    expect(c.getSnapshot()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('polling: no more polls and no timers', async () => {
    const script = scriptedFetch(() => jsonResponse(200, s1, { etag: s1.digest }));
    const c = client({ fetch: script.fetch, transport: 'poll', pollIntervalMs: 1000 });
    await advanceTo(0);
    await c.ready();
    c.close();
    await advanceTo(60_000);
    expect(script.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
