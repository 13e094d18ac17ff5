// close() against a real server, and the browser's offline/online events.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { booleanFlag, enabled, inlineEvent, makeSnapshot, optionsFor, quietPeriod, until, useHarness } from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
const s2 = makeSnapshot([booleanFlag('a', false), booleanFlag('b', true)]);
const s3 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', false)]);

const harness = useHarness();

describe('close()', () => {
  it('hangs up the stream, and nothing happens afterwards', async () => {
    const server = await harness.server({ dialect: 'relay', heartbeatMs: 10 });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    const listener = vi.fn();
    client.subscribe(listener);

    client.close();
    expect(client.status).toBe('closed');
    expect(client.connection).toBe('closed');
    await server.waitFor(() => server.openStreams === 0);
    expect(server.requestsOf('stream')[0]!.abortedByClient).toBe(true);

    server.setSnapshot(s2);
    const requests = server.count('any');
    await quietPeriod(150);
    expect(server.count('any')).toBe(requests);
    expect(listener).not.toHaveBeenCalled();
    expect(client.digest).toBe(s1.digest);
    expect(client.status).toBe('closed');
    // Still evaluates with what it had.
    expect(client.getBoolean('a', false, 'user-1')).toBe(true);
  });

  it('close() from a listener: an event already received in the same chunk is not applied', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server));
    await client.ready();
    await until(() => client.connection === 'open');
    client.subscribe((event) => {
      if (event.type === 'snapshot') client.close(); // e.g. the app unmounts on a flag change
    });
    await server.sendRaw(inlineEvent(s2) + inlineEvent(s3)); // one write: both events in one chunk
    await until(() => client.status === 'closed');
    await quietPeriod(50);
    expect(client.digest).toBe(s2.digest);
    expect(client.getSnapshot()).toEqual(s2);
    expect(enabled(client, 'a')).toBe(false);
    expect(enabled(client, 'b')).toBe(true);
  });

  it('close() while the first request is still pending: nothing is sent afterwards', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.hold('any');
    const client = harness.client(optionsFor(server));
    await server.waitFor(() => server.heldCount === 1);
    client.close();
    await server.waitFor(() => server.requests[0]!.closed);
    server.release();
    await quietPeriod(100);
    expect(server.count('any')).toBe(1);
    expect(client.status).toBe('closed');
    expect(client.getBoolean('a', false, 'user-1')).toBe(false);
  });
});

describe('offline / online', () => {
  const events = new EventTarget();
  let onLine = true;

  function goOffline() {
    onLine = false;
    events.dispatchEvent(new Event('offline'));
  }
  function goOnline() {
    onLine = true;
    events.dispatchEvent(new Event('online'));
  }

  function stubBrowser() {
    onLine = true;
    vi.stubGlobal('navigator', { get onLine() { return onLine; } });
    vi.stubGlobal('addEventListener', events.addEventListener.bind(events));
    vi.stubGlobal('removeEventListener', events.removeEventListener.bind(events));
  }

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('does not connect while offline, and connects at once when back online', async () => {
    stubBrowser();
    onLine = false;
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { retry: { minDelayMs: 60_000, maxDelayMs: 60_000 } }));
    await until(() => client.connection === 'offline');
    await quietPeriod(100);
    expect(server.count('any')).toBe(0);
    goOnline();
    await client.ready();
    expect(client.digest).toBe(s1.digest);
  });

  it('going offline drops the stream; coming back reconnects at once with the digest, not after a backoff', async () => {
    stubBrowser();
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { retry: { minDelayMs: 60_000, maxDelayMs: 60_000 } }));
    await client.ready();
    await until(() => client.connection === 'open');

    goOffline();
    await until(() => client.connection === 'offline');
    await server.waitFor(() => server.openStreams === 0);
    await quietPeriod(100);
    expect(server.count('stream')).toBe(1);
    expect(client.status).toBe('ready');
    expect(enabled(client, 'a')).toBe(true);

    server.setSnapshot(s2);
    goOnline();
    const second = await server.waitForRequest('stream', 2, 1000);
    expect(second.url.searchParams.get('digest')).toBe(s1.digest);
    await until(() => client.digest === s2.digest);
  });
});
