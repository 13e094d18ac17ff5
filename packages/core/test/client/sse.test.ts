// The SSE transport against a real HTTP server on 127.0.0.1: both dialects (Flipt's
// `refetchEvaluation` notifications and the relay's inline snapshots), conditional GETs,
// change events, awkward chunking, reconnects with `digest`, and the silence watchdog.
import { describe, expect, it } from 'vitest';
import type { Chunking } from '../support/flagServer';
import {
  bareEtag,
  booleanFlag,
  enabled,
  makeSnapshot,
  optionsFor,
  quietPeriod,
  rechunkingFetch,
  record,
  until,
  useHarness,
  variantFlag,
} from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
const s2 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', false), booleanFlag('c', true)]);
const s3 = makeSnapshot([booleanFlag('a', true), booleanFlag('c', true)]);

const harness = useHarness();

describe('SSE, relay dialect (snapshot inline)', () => {
  it('becomes ready from the network, sending the right request', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { authentication: { clientToken: 'tok-123' } }));
    expect(client.status).toBe('loading');
    expect(client.source).toBe('none');

    await client.ready();
    expect(client.status).toBe('ready');
    expect(client.source).toBe('network');
    expect(client.digest).toBe(s1.digest);
    expect(client.error).toBeNull();
    expect(client.getSnapshot()).toEqual(s1);
    expect(enabled(client, 'a')).toBe(true);
    await until(() => client.connection === 'open');

    const stream = server.requestsOf('stream')[0]!;
    expect(stream.headers.accept).toContain('text/event-stream');
    expect(stream.headers.authorization).toBe('Bearer tok-123');
    expect(stream.url.searchParams.getAll('include')).toEqual(['snapshot']);
    expect(stream.url.searchParams.has('digest')).toBe(false); // nothing to resume from yet
    for (const r of server.requests) expect(r.rawUrl).not.toContain('tok-123');
    // The inline snapshot saves the round trip: no snapshot GET needed.
    expect(server.count('snapshot')).toBe(0);
  });

  it('tells listeners exactly which flags changed, added or removed', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    const rec = record(client);

    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(rec.snapshotEvents().map((e) => [...e.changedFlags].sort())).toEqual([['b', 'c']]);
    expect(enabled(client, 'b')).toBe(false);
    expect(enabled(client, 'c')).toBe(true);
    expect(client.getSnapshot()).toEqual(s2);

    server.setSnapshot(s3);
    await until(() => client.digest === s3.digest);
    expect(rec.snapshotEvents().map((e) => [...e.changedFlags].sort())).toEqual([['b', 'c'], ['b']]);
    expect(() => enabled(client, 'b')).toThrow();
    // Status events never carry flag keys.
    for (const e of rec.events) if (e.type === 'status') expect(e.changedFlags).toEqual([]);
    expect(server.count('stream')).toBe(1);
  });

  it('a snapshot with the same digest notifies nobody', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    const rec = record(client);
    const stateBefore = client.getState();

    await server.sendInline(s1, s1.digest); // the same snapshot again
    await server.sendInline(s1, s1.digest);
    server.setSnapshot(s2); // then a real change on the same connection, processed after them
    await until(() => client.digest === s2.digest);
    expect(rec.events).toEqual([{ type: 'snapshot', changedFlags: expect.arrayContaining(['b', 'c']) }]);
    expect(stateBefore.digest).toBe(s1.digest);
  });

  it('a listener that unsubscribed is not called; others are', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    const gone = record(client);
    const kept = record(client);
    gone.unsubscribe();
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(gone.events).toEqual([]);
    expect(kept.snapshotEvents()).toHaveLength(1);
  });

  it('getState() keeps its identity until something in it changes', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    const loading = client.getState();
    expect(client.getState()).toBe(loading);
    expect(loading).toMatchObject({ status: 'loading', source: 'none', error: null, digest: undefined });
    await client.ready();
    await until(() => client.connection === 'open');
    const ready = client.getState();
    expect(ready).not.toBe(loading);
    expect(ready).toMatchObject({ status: 'ready', source: 'network', connection: 'open', error: null, digest: s1.digest });
    expect(client.getState()).toBe(ready);
    await server.sendInline(s1, s1.digest); // no change
    await server.sendRaw(': ping\n\n');
    await quietPeriod(30);
    expect(client.getState()).toBe(ready);
    server.setSnapshot(s2);
    await until(() => client.getState() !== ready);
    expect(client.getState().digest).toBe(s2.digest);
  });

  it('store contract: every state change is notified, and no notification without a change', async () => {
    const server = await harness.server({ dialect: 'relay', heartbeatMs: 15 });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    const initial = client.getState();
    const rec = record(client);
    await client.ready();
    await until(() => client.connection === 'open');
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    await server.sendEvent('not json');
    await until(() => client.error !== null);
    await server.killStreams();
    await server.waitForRequest('stream', 2);
    server.setSnapshot(s3);
    await until(() => client.digest === s3.digest);
    await quietPeriod(60); // a few heartbeats

    expect(client.getState()).toBe(rec.states.at(-1)); // the last change was notified
    let previous = initial;
    for (const [i, event] of rec.events.entries()) {
      const state = rec.states[i]!;
      if (event.type === 'status') expect(state, `status event #${i} without a state change`).not.toBe(previous);
      else expect(event.changedFlags.length).toBeGreaterThan(0);
      previous = state;
    }
  });

  it('includeSnapshotInStream: false asks for notifications and fetches the snapshot', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { includeSnapshotInStream: false }));
    await client.ready();
    expect(client.digest).toBe(s1.digest);
    expect(server.requestsOf('stream')[0]!.url.searchParams.has('include')).toBe(false);
    expect(server.count('snapshot')).toBeGreaterThanOrEqual(1);
  });

  it('uses the namespace and environment in both endpoints', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    const other = makeSnapshot([booleanFlag('x', true)], { namespace: 'team-a' });
    server.setSnapshot(s1);
    server.setSnapshot(other, { namespace: 'team-a', environment: 'staging' });
    const client = harness.client(optionsFor(server, { namespace: 'team-a', environment: 'staging' }));
    await client.ready();
    expect(client.digest).toBe(other.digest);
    expect(enabled(client, 'x')).toBe(true);
    for (const r of server.requests) {
      expect(r.environment).toBe('staging');
      expect(r.namespace).toBe('team-a');
    }
  });
});

describe('SSE, Flipt dialect (refetchEvaluation notifications)', () => {
  it('fetches the snapshot on a notification, conditionally once it has a digest', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { authentication: { jwtToken: 'jwt.abc.def' } }));
    await client.ready();
    expect(client.source).toBe('network');
    expect(client.digest).toBe(s1.digest);
    expect(enabled(client, 'b')).toBe(true);
    const rec = record(client);

    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(rec.snapshotEvents().map((e) => [...e.changedFlags].sort())).toEqual([['b', 'c']]);
    const gets = server.requestsOf('snapshot');
    expect(bareEtag(gets.at(-1)!.headers['if-none-match'])).toBe(s1.digest);
    expect(gets.at(-1)!.status).toBe(200);
    for (const r of server.requests) expect(r.headers.authorization).toBe('JWT jwt.abc.def');
    for (const r of server.requests) expect(r.rawUrl).not.toContain('jwt.abc.def');
  });

  it('a 304 changes nothing, and a notification for the digest it has fetches nothing', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    const rec = record(client);
    const state = client.getState();
    const gets = server.count('snapshot');

    await server.notify(s1.digest); // already has it: no request
    await server.notify('e'.repeat(40)); // unknown to the server: conditional GET, 304
    await server.waitFor(() => server.count('snapshot') === gets + 1);
    await server.waitFor(() => server.requestsOf('snapshot').at(-1)!.closed);
    await quietPeriod(50);
    expect(server.count('snapshot')).toBe(gets + 1);
    const last = server.requestsOf('snapshot').at(-1)!;
    expect(bareEtag(last.headers['if-none-match'])).toBe(s1.digest);
    expect(last.status).toBe(304);
    expect(rec.snapshotEvents()).toEqual([]);
    expect(client.digest).toBe(s1.digest);
    expect(client.error).toBeNull();
    expect(client.getState()).toBe(state);
    expect(client.getSnapshot()).toEqual(s1);
  });

  it('waits without reconnecting on a server that sends no heartbeats and holds headers', async () => {
    const server = await harness.server({ dialect: 'flipt', heartbeatMs: 0, holdHeaders: true });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { streamIdleTimeoutMs: 100, requestTimeoutMs: 100 }));
    await client.ready();
    await quietPeriod(500); // 5x the idle timeout of silence on an open stream
    expect(server.count('stream')).toBe(1);
    expect(client.connection).toBe('open');

    // A reconnect with a current digest: Flipt sends nothing, not even headers.
    await server.killStreams();
    await server.waitForRequest('stream', 2);
    expect(server.requestsOf('stream')[1]!.url.searchParams.get('digest')).toBe(s1.digest);
    await quietPeriod(500);
    expect(server.count('stream')).toBe(2);
    expect(server.requestsOf('stream')[1]!.closed).toBe(false);
    expect(client.connection).toBe('connecting');
    expect(client.status).toBe('ready');

    // The next change arrives on that same pending request.
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(server.count('stream')).toBe(2);
    await until(() => client.connection === 'open');
  });
});

describe('SSE framing', () => {
  const unicode = makeSnapshot([
    booleanFlag('café-☕-🚀', true, { description: 'ünïcödé ✓ 𝄞 — ok' }),
    variantFlag('thème', 'bleu-💙'),
  ]);
  const unicode2 = makeSnapshot([
    booleanFlag('café-☕-🚀', false, { description: 'ünïcödé ✓ 𝄞 — changed' }),
    variantFlag('thème', 'bleu-💙'),
  ]);

  const cases: Array<{ name: string; lineEnding: '\n' | '\r\n' | '\r'; chunking: Chunking; piece?: number }> = [
    { name: 'CRLF, cut inside CR|LF, field names and UTF-8 by the server', lineEnding: '\r\n', chunking: 'awkward' },
    { name: 'CRLF, one byte per read', lineEnding: '\r\n', chunking: 'whole', piece: 1 },
    { name: 'CR only, one byte per read', lineEnding: '\r', chunking: 'whole', piece: 1 },
    { name: 'LF, three bytes per read', lineEnding: '\n', chunking: 'whole', piece: 3 },
  ];

  it.each(cases)('$name', async ({ lineEnding, chunking, piece }) => {
    const server = await harness.server({ dialect: 'relay', lineEnding, chunking, heartbeatMs: 20 });
    server.setSnapshot(unicode);
    const client = harness.client(optionsFor(server, piece ? { fetch: rechunkingFetch(piece) } : {}));
    await client.ready();
    expect(client.getSnapshot()).toEqual(unicode);
    expect(enabled(client, 'café-☕-🚀')).toBe(true);
    expect(client.getVariant('thème', 'none', 'user-1')).toBe('bleu-💙');
    const rec = record(client);

    server.setSnapshot(unicode2);
    await until(() => client.digest === unicode2.digest);
    expect(client.getSnapshot()).toEqual(unicode2);
    expect(rec.snapshotEvents().map((e) => e.changedFlags)).toEqual([['café-☕-🚀']]);
    expect(client.error).toBeNull();
    expect(server.count('stream')).toBe(1); // nothing was taken for a broken stream
  });

  it('a byte-order mark and a retry line before the first event, one byte per read', async () => {
    const server = await harness.server({ dialect: 'relay', preamble: '\uFEFFretry: 3000\n\n' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { fetch: rechunkingFetch(1) }));
    await client.ready();
    expect(client.digest).toBe(s1.digest);
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(client.error).toBeNull();
    expect(server.count('stream')).toBe(1);
  });

  it('Flipt dialect with awkward chunks and CRLF still triggers the refetch', async () => {
    const server = await harness.server({ dialect: 'flipt', lineEnding: '\r\n', chunking: 'awkward' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { fetch: rechunkingFetch(1) }));
    await client.ready();
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(server.count('stream')).toBe(1);
    expect(client.error).toBeNull();
  });

  it('ignores SSE lines it does not know (unknown fields, event names, ids, retry)', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    // All legal SSE: unknown fields are ignored by the spec, `retry` is a reconnection hint.
    await server.sendRaw('retry: 5000\n\nfoo: bar\n\nevent: unrelated\nid: 1\ndata: {"type":"somethingNew"}\n\n:\n\n');
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    await quietPeriod(100); // a dropped connection would reconnect within ~50 ms
    expect(client.error).toBeNull();
    expect(server.count('stream')).toBe(1);
  });
});

describe('SSE reconnects', () => {
  it('a server dying mid-event: the half event is dropped, the client reconnects with its digest', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    const rec = record(client);

    server.hold('stream');
    const half = `data: {"etag":"${s2.digest}","snapshot":${JSON.stringify(s2)}`;
    await server.killStreams(half.slice(0, half.length - 40));
    await server.waitFor(() => server.heldCount === 1);
    // The reconnect resumes from the digest it has: the half event was not applied.
    const second = server.requestsOf('stream')[1]!;
    expect(second.url.searchParams.get('digest')).toBe(s1.digest);
    expect(client.digest).toBe(s1.digest);
    expect(client.getSnapshot()).toEqual(s1);
    expect(client.status).toBe('ready');
    expect(rec.errors.length).toBeGreaterThan(0); // it said so
    expect(rec.snapshotEvents()).toEqual([]);

    server.setSnapshot(s2);
    server.release();
    await until(() => client.digest === s2.digest);
    expect(rec.snapshotEvents().map((e) => [...e.changedFlags].sort())).toEqual([['b', 'c']]);
  });

  it('a stream the server ends cleanly is reopened, resuming from the digest', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    await server.endStreams();
    const second = await server.waitForRequest('stream', 2);
    expect(second.url.searchParams.get('digest')).toBe(s1.digest);
    await server.waitFor(() => server.openStreams === 1);
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
  });

  it('sends no digest parameter when the digest is not 40 characters', async () => {
    const server = await harness.server({ dialect: 'relay' });
    const short = makeSnapshot([booleanFlag('a', true)], { digest: '0123456789abcdef0123456789abcdef' });
    server.setSnapshot(short);
    const client = harness.client(optionsFor(server));
    await client.ready();
    expect(client.digest).toBe(short.digest);
    await until(() => client.connection === 'open');
    await server.killStreams();
    const second = await server.waitForRequest('stream', 2);
    expect(second.url.searchParams.has('digest')).toBe(false);
    await server.waitFor(() => second.status === 200);
    expect(client.status).toBe('ready');
  });

  it('the watchdog reconnects a stream that sent heartbeats and went silent, not one that keeps beating', async () => {
    const server = await harness.server({ dialect: 'relay', heartbeatMs: 20 });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { streamIdleTimeoutMs: 150 }));
    await client.ready();
    await quietPeriod(450); // heartbeats keep it alive
    expect(server.count('stream')).toBe(1);

    const rec = record(client);
    server.stopHeartbeats(); // silent but open: only the watchdog can notice
    const second = await server.waitForRequest('stream', 2, 3000);
    const first = server.requestsOf('stream')[0]!;
    await server.waitFor(() => first.closed);
    expect(first.abortedByClient).toBe(true); // the client hung up, not the server
    expect(second.url.searchParams.get('digest')).toBe(s1.digest);
    expect(rec.errors.length).toBeGreaterThan(0);
    expect(client.status).toBe('ready');
  });
});
