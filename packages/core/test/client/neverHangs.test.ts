// Issue 11, point 1: every way a stream can stop leads to a reconnect within the backoff bound,
// against a real server in Node. In Node 20, aborting a fetch whose body has already ended
// leaves a pending read of the piped reader unsettled; a client that relies on abort to stop
// reading hangs for ever after Flipt's "error event, then end". Each case here stops the first
// stream in its own way, then proves the client came back: a second stream is opened and a
// change sent on it arrives.
import { describe, expect, it } from 'vitest';
import type { FlagServer } from '../support/flagServer';
import { booleanFlag, connectedClient, enabled, makeSnapshot, optionsFor, record, until, useHarness, type ClientOptions, type FlagClient } from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
const s2 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', false)]);

const harness = useHarness();

/** Retries are 10-50 ms; a client that has not reconnected after this long never will. */
const RECONNECT_BOUND_MS = 3000;

/** The stream after the first is open, and a change sent on it reaches the client. */
async function expectReconnectAndChange(server: FlagServer, client: FlagClient, streamsBefore = 1): Promise<void> {
  const next = await server.waitForRequest('stream', streamsBefore + 1, RECONNECT_BOUND_MS);
  expect(next.url.searchParams.get('digest')).toBe(s1.digest);
  expect(client.status).toBe('ready');
  expect(client.digest).toBe(s1.digest);
  const rec = record(client);
  server.setSnapshot(s2);
  await until(() => client.digest === s2.digest, RECONNECT_BOUND_MS);
  expect(enabled(client, 'b')).toBe(false);
  expect(rec.snapshotEvents()).toEqual([{ type: 'snapshot', changedFlags: ['b'] }]);
}

const openFliptClient = (options: Partial<ClientOptions> = {}) => connectedClient(harness, { dialect: 'flipt' }, s1, options);

describe('every way a stream stops leads to a reconnect (Node, real server)', () => {
  it('error event then end: the issue\'s reproduction (one refetchEvaluation, then the error event and res.end())', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    server.override('stream', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(`id: ${s1.digest.slice(0, 9)}\ndata: {"etag":"${s1.digest}","type":"refetchEvaluation"}\n\n`);
      // Once the refetch is done the client is reading again; the error event and the end of
      // the body then arrive together, the case that left the read pending for ever.
      await server.waitFor(() => server.requestsOf('snapshot').some((r) => r.closed));
      res.write('data: {"type":"error","code":13,"message":"stream interrupted"}\n\n', () => res.end());
    });
    const client = harness.client(optionsFor(server));
    const rec = record(client);
    await client.ready();
    await expectReconnectAndChange(server, client);
    const reported = rec.errors.map((e) => (e as Error).message);
    expect(reported.some((m) => m.includes('stream interrupted'))).toBe(true);
  });

  it('error event then end, on a stream that was open for a while', async () => {
    const { server, client } = await openFliptClient();
    await server.errorAndEndStreams(13, 'storage backend restarted');
    await expectReconnectAndChange(server, client);
  });

  it('error event and end in the same write', async () => {
    const { server, client } = await openFliptClient();
    await server.errorAndEndStreams(14, 'unavailable', { together: true });
    await expectReconnectAndChange(server, client);
  });

  it('clean end (the response completes without an event)', async () => {
    const { server, client } = await openFliptClient();
    await server.endStreams();
    await expectReconnectAndChange(server, client);
  });

  it('reset: the socket is destroyed', async () => {
    const { server, client } = await openFliptClient();
    await server.killStreams();
    await expectReconnectAndChange(server, client);
  });

  it('reset in the middle of an event', async () => {
    const { server, client } = await openFliptClient();
    await server.killStreams(`data: {"etag":"${s2.digest}","ty`);
    await expectReconnectAndChange(server, client);
  });

  it('silence after heartbeats: the watchdog drops the stream after streamIdleTimeoutMs', async () => {
    const server = await harness.server({ dialect: 'relay', heartbeatMs: 20 });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { streamIdleTimeoutMs: 150 }));
    await client.ready();
    await until(() => client.connection === 'open');
    await server.waitFor(() => server.openStreams === 1);
    await new Promise((resolve) => setTimeout(resolve, 60)); // a few heartbeats
    server.stopHeartbeats();
    const next = await server.waitForRequest('stream', 2, RECONNECT_BOUND_MS);
    expect(server.requestsOf('stream')[0]!.abortedByClient).toBe(true);
    expect(next.url.searchParams.get('digest')).toBe(s1.digest);
    server.startHeartbeats(20);
    await expectReconnectAndChange(server, client);
  });

  it('silence from a server that never sent heartbeats (Flipt): dropped after silentStreamTimeoutMs', async () => {
    const { server, client } = await openFliptClient({ silentStreamTimeoutMs: 200 });
    await server.waitForRequest('stream', 2, RECONNECT_BOUND_MS);
    expect(server.requestsOf('stream')[0]!.abortedByClient).toBe(true);
    await expectReconnectAndChange(server, client);
  });

  it('abort after end: the last piece of an oversized event comes with the end; the client refuses the event', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const big = makeSnapshot(Array.from({ length: 200 }, (_, i) => booleanFlag(`flag-${i}`, true, { description: 'x'.repeat(100) })));
    const event = `data: ${JSON.stringify({ etag: big.digest, snapshot: big, type: 'snapshot' })}\n\n`;
    // Only the last piece crosses the limit, and the body ends with it: the client aborts on a
    // body that has already ended.
    const maxEventBytes = event.length - 1000;
    server.override('stream', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      await new Promise<void>((resolve) => res.write(event.slice(0, -2000), () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 50));
      res.end(event.slice(-2000, -2)); // never terminated: the body ends inside the event
    });
    const client = harness.client(optionsFor(server, { maxEventBytes }));
    await client.ready({ timeoutMs: RECONNECT_BOUND_MS });
    expect(client.digest).toBe(s1.digest); // the GET after the refusal: what the server holds
    await expectReconnectAndChange(server, client);
  });

  it('the body ends while its refetch is pending, and the refetch then fails', async () => {
    const { server, client } = await openFliptClient();
    // The next stream notifies, and ends at once; the snapshot GET it causes fails only after
    // that end, so the stream is torn down (aborted) after its body finished.
    server.override('stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: {"etag":"${s2.digest}","type":"refetchEvaluation"}\n\n`);
    });
    let failGet: () => void = () => {};
    server.override('snapshot', (_req, res) => {
      failGet = () => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"code":13,"message":"snapshot store unavailable","details":[]}');
      };
    });
    await server.killStreams();
    const ended = await server.waitForRequest('stream', 2, RECONNECT_BOUND_MS);
    await server.waitForRequest('snapshot', 2, RECONNECT_BOUND_MS);
    await server.waitFor(() => ended.closed);
    failGet();
    await until(() => (client.error?.message ?? '').includes('snapshot store unavailable'));
    await expectReconnectAndChange(server, client, 2);
  });
});
