// Issue 11, point 5: what a fault probe against the real relay found, each against a real
// server. An event too large to accept leads to a plain conditional GET (and the client asks a
// relay not to inline beyond its limit); error events are failures for the backoff; new content
// under a stale `digest` field is installed (the ETag is the identity); a stream that says
// nothing does not keep a client with nothing to evaluate waiting; heartbeats are remembered
// across reconnects.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { booleanFlag, connectedClient, enabled, makeSnapshot, optionsFor, quietPeriod, record, sha1, until, useHarness, type TestFlag } from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
const s2 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', false)]);

const harness = useHarness();

/** A namespace of `count` boolean flags, about `count × 250` characters of JSON. */
function manyFlags(count: number, value = true) {
  return makeSnapshot(Array.from({ length: count }, (_, i) => booleanFlag(`flag-${i}`, value, { description: 'x'.repeat(120) })));
}

describe('an event larger than maxEventBytes leads to a plain conditional GET', () => {
  const maxEventBytes = 100_000;
  const big = manyFlags(3000);
  const bigger = manyFlags(3000, false);

  it('nothing in hand: the oversized inline event is refused, the snapshot is GET, later streams ask for notifications', async () => {
    expect(JSON.stringify(big).length).toBeGreaterThan(5 * maxEventBytes);
    const server = await harness.server({ dialect: 'relay' }); // inlines whatever the size
    server.setSnapshot(big);
    const client = harness.client(optionsFor(server, { maxEventBytes }));
    await client.ready({ timeoutMs: 5000 });
    expect(client.digest).toBe(big.digest);
    expect(enabled(client, 'flag-2999')).toBe(true);

    const [first] = server.requestsOf('stream');
    expect(first!.url.searchParams.get('include')).toBe('snapshot');
    expect(first!.url.searchParams.get('maxEventBytes')).toBe(String(maxEventBytes));
    await server.waitFor(() => first!.closed);
    expect(first!.abortedByClient).toBe(true);
    const [get] = server.requestsOf('snapshot');
    expect(get!.status).toBe(200);
    expect(get!.headers['if-none-match']).toBeUndefined();

    // From now on: notifications, resuming from the digest; a change comes by conditional GET.
    const next = await server.waitForRequest('stream', 2);
    expect(next.url.searchParams.has('include')).toBe(false);
    expect(next.url.searchParams.get('digest')).toBe(big.digest);
    server.setSnapshot(bigger);
    await until(() => client.digest === bigger.digest, 5000);
    const conditional = server.requestsOf('snapshot')[1]!;
    expect(conditional.headers['if-none-match']).toBe(big.digest);
    expect(enabled(client, 'flag-2999')).toBe(false);
    expect(server.count('stream')).toBe(2); // no loop of refused events
  });

  it('a small snapshot in hand: a large one arriving inline is fetched with If-None-Match', async () => {
    const { server, client } = await connectedClient(harness, { dialect: 'relay' }, s1, { maxEventBytes });
    expect(server.count('snapshot')).toBe(0); // small: inline
    server.setSnapshot(big);
    await until(() => client.digest === big.digest, 5000);
    const [get] = server.requestsOf('snapshot');
    expect(get!.headers['if-none-match']).toBe(s1.digest);
    expect(get!.status).toBe(200);
    expect(server.requestsOf('stream')[0]!.abortedByClient).toBe(true);
  });

  it('the client asks for maxEventBytes in the stream URL; a relay that honours it sends a notification instead', async () => {
    const server = await harness.server({ dialect: 'relay', honourMaxEventBytes: true });
    server.setSnapshot(s1);
    const defaults = harness.client(optionsFor(server));
    await defaults.ready();
    expect(server.requestsOf('stream')[0]!.url.searchParams.get('maxEventBytes')).toBe(String(16 * 1024 * 1024));
    defaults.close();

    server.setSnapshot(big);
    const client = harness.client(optionsFor(server, { maxEventBytes }));
    await client.ready({ timeoutMs: 5000 });
    expect(client.digest).toBe(big.digest);
    const stream = server.requestsOf('stream')[1]!;
    expect(stream.url.searchParams.get('maxEventBytes')).toBe(String(maxEventBytes));
    expect(stream.closed).toBe(false); // nothing was refused
    expect(server.count('stream')).toBe(2);
  });

  it('a 24,000-flag namespace (over 16 MiB) loads with the defaults from a server that inlines everything', { timeout: 60_000 }, async () => {
    const flags: TestFlag[] = Array.from({ length: 24_000 }, (_, i) => ({
      key: `flag-${i}`,
      name: `Flag ${i}`,
      description: 'A flag of a large namespace, as the fault probe built it. '.repeat(3),
      enabled: true,
      type: 'VARIANT_FLAG_TYPE',
      rules: [{
        id: `rule-${i}`,
        rank: 1,
        segmentOperator: 'OR_SEGMENT_OPERATOR',
        segments: [{ key: 'pro-users', matchType: 'ALL_SEGMENT_MATCH_TYPE', constraints: [{ type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property: 'plan', operator: 'eq', value: 'pro' }] }],
        distributions: [{ ruleId: `rule-${i}`, variantKey: 'on', variantAttachment: '{"color":"blue"}', rollout: 100 }],
      }],
      rollouts: [],
      defaultVariant: { id: `flag-${i}-off`, key: 'off', attachment: 'null' },
    }));
    const huge = makeSnapshot(flags, { digest: sha1('24,000 flags') });
    expect(JSON.stringify(huge).length).toBeGreaterThan(16 * 1024 * 1024);
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(huge);
    const client = harness.client(optionsFor(server));
    await client.ready({ timeoutMs: 50_000 });
    expect(client.digest).toBe(huge.digest);
    expect(client.getVariant('flag-23999', 'none', 'user-1', { plan: 'pro' })).toBe('on');
    expect(client.getVariant('flag-23999', 'none', 'user-1', { plan: 'free' })).toBe('off');
    // One refused event, one GET, then notifications: not a loop of 18 MB transfers.
    await server.waitForRequest('stream', 2);
    expect(server.requestsOf('stream')[1]!.url.searchParams.has('include')).toBe(false);
    await quietPeriod(500);
    expect(server.count('snapshot')).toBe(1);
    expect(server.count('stream')).toBe(2);
  });
});

describe('error events are failures for the backoff', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    { name: 'the stream then ends (Flipt)', ends: true },
    { name: 'the stream stays open', ends: false },
  ])('a server answering every stream with an error event is retried less and less often ($name)', async ({ ends }) => {
    vi.spyOn(Math, 'random').mockReturnValue(0.99); // the backoff's cap, deterministically
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    server.override('stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const event = 'data: {"type":"error","code":13,"message":"store unavailable"}\n\n';
      if (ends) res.end(event);
      else res.write(event);
    }, 6);
    const minDelayMs = 20;
    const client = harness.client(optionsFor(server, { retry: { minDelayMs, maxDelayMs: 10_000 } }));
    await server.waitForRequest('stream', 6, 10_000);
    const times = server.requestsOf('stream').map((r) => r.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Without a reset the wait doubles each time (19, 39, 79, 158, 316 ms): connections per
    // second go down. Were error events deliveries, every wait would be under 20 ms.
    for (const [k, gap] of gaps.entries()) expect(gap, `gap ${k + 1}`).toBeGreaterThanOrEqual(Math.floor(0.99 * minDelayMs * 2 ** k) - 5);
    expect(client.error?.message).toContain('store unavailable');
    // After those, a healthy stream: the client gets there.
    await client.ready({ timeoutMs: 5000 });
  });
});

describe('new content under a stale digest field is installed: the ETag is the identity', () => {
  const newEtag = sha1('the store changed');
  const staleBody = { ...s2, digest: s1.digest }; // new flags, the old digest

  it('Flipt: a notification, then a GET whose body keeps the old digest under a new ETag', async () => {
    const { server, client } = await connectedClient(harness, { dialect: 'flipt' }, s1);
    const rec = record(client);
    server.setSnapshot(staleBody, { etag: newEtag });
    await until(() => client.digest === newEtag);
    expect(enabled(client, 'b')).toBe(false);
    expect(rec.snapshotEvents()).toEqual([{ type: 'snapshot', changedFlags: ['b'] }]);
    const get = server.requestsOf('snapshot').at(-1)!;
    expect(get.headers['if-none-match']).toBe(s1.digest);
    expect(get.status).toBe(200);
  });

  it('relay: an inline event whose etag is new and whose snapshot carries the old digest', async () => {
    const { server, client } = await connectedClient(harness, { dialect: 'relay' }, s1);
    server.setSnapshot(staleBody, { etag: newEtag });
    await until(() => client.digest === newEtag);
    expect(enabled(client, 'b')).toBe(false);
    expect(server.count('snapshot')).toBe(0);
  });
});

describe('a stream that says nothing, with nothing to evaluate: the snapshot is fetched after firstDeliveryTimeoutMs', () => {
  it('200, headers, then silence: a GET, and the stream is kept', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.override('stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders(); // and nothing more
    });
    const client = harness.client(optionsFor(server, { firstDeliveryTimeoutMs: 150 }));
    await client.ready({ timeoutMs: 3000 });
    expect(client.digest).toBe(s1.digest);
    expect(server.requestsOf('snapshot').map((r) => r.status)).toEqual([200]);
    expect(server.count('stream')).toBe(1);
    expect(server.requestsOf('stream')[0]!.closed).toBe(false);
  });

  it('no headers at all (held): a GET too', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    server.hold('stream');
    const client = harness.client(optionsFor(server, { firstDeliveryTimeoutMs: 150 }));
    await client.ready({ timeoutMs: 3000 });
    expect(client.digest).toBe(s1.digest);
    expect(server.count('stream')).toBe(1);
  });

  it('with something to evaluate (a bootstrap) a silent stream is left alone: no GET', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    server.hold('stream');
    const client = harness.client(optionsFor(server, { bootstrap: s1, firstDeliveryTimeoutMs: 100 }));
    await server.waitFor(() => server.heldCount === 1);
    await quietPeriod(400);
    expect(server.count('snapshot')).toBe(0);
    expect(client.status).toBe('ready');
  });
});

describe('heartbeats are remembered across reconnects', () => {
  it('after a reconnect to a server that sent heartbeats before, the short idle timeout applies at once', async () => {
    const server = await harness.server({ dialect: 'relay', heartbeatMs: 20 });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { streamIdleTimeoutMs: 200, silentStreamTimeoutMs: 60_000 }));
    await client.ready();
    await quietPeriod(100); // heartbeats seen
    server.stopHeartbeats();
    await server.killStreams(); // a relay stall: the next stream is silent from the start
    const second = await server.waitForRequest('stream', 2);
    expect(second.url.searchParams.get('digest')).toBe(s1.digest); // current: the relay sends nothing
    await server.waitForRequest('stream', 3, 3000); // after ~200 ms, not 60 s
    await server.waitFor(() => second.closed);
    expect(second.abortedByClient).toBe(true);
    server.startHeartbeats(20);
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest, 3000);
  });
});
