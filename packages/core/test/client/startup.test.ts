// Where the first snapshot comes from: bootstrap (object or JSON text), transport 'none',
// bootstrap followed by the network, and ETag polling against a real server.
import { describe, expect, it } from 'vitest';
import { FlagClientError } from '../../src/index';
import { bareEtag, booleanFlag, enabled, makeSnapshot, optionsFor, quietPeriod, record, until, useHarness } from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
const s2 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', false)]);

const harness = useHarness();

describe('bootstrap and transport "none"', () => {
  it.each([
    { name: 'object', bootstrap: s1 as unknown },
    { name: 'JSON text', bootstrap: JSON.stringify(s1) as unknown },
  ])('a bootstrap $name is usable synchronously, and "none" makes no request', async ({ bootstrap }) => {
    const server = await harness.server();
    server.setSnapshot(s2);
    const client = harness.client(optionsFor(server, { transport: 'none', bootstrap }));
    // No await: usable at once (SSR, inline data).
    expect(client.status).toBe('ready');
    expect(client.source).toBe('bootstrap');
    expect(client.digest).toBe(s1.digest);
    expect(enabled(client, 'b')).toBe(true);
    expect(client.getSnapshot()).toEqual(s1);
    await client.ready();
    await quietPeriod(50);
    expect(server.count('any')).toBe(0);
  });

  it('transport "none" with nothing to evaluate: ready() rejects and status is error', async () => {
    const client = harness.client({ url: 'http://127.0.0.1:9', transport: 'none', cache: 'none' });
    await expect(client.ready()).rejects.toBeInstanceOf(FlagClientError);
    expect(client.status).toBe('error');
    expect(client.error).toBeInstanceOf(FlagClientError);
    expect(client.getBoolean('a', true, 'user-1')).toBe(true);
  });

  it('an invalid bootstrap does not throw; it is reported as INVALID_SNAPSHOT', async () => {
    let client: ReturnType<typeof harness.client> | undefined;
    expect(() => {
      client = harness.client({ url: 'http://127.0.0.1:9', transport: 'none', cache: 'none', bootstrap: '{"flags": nope' });
    }).not.toThrow();
    await expect(client!.ready()).rejects.toBeInstanceOf(FlagClientError);
    expect(client!.error).toBeInstanceOf(FlagClientError);
    expect(client!.error!.code).toBe('INVALID_SNAPSHOT');
    expect(client!.status).toBe('error');
    expect(client!.getBoolean('a', false, 'user-1')).toBe(false);
    expect(client!.getSnapshot()).toBeUndefined();
  });

  it('an invalid bootstrap with a working network: becomes ready from the network', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { bootstrap: { flags: 'nope' } }));
    await client.ready();
    expect(client.source).toBe('network');
    expect(client.digest).toBe(s1.digest);
  });

  it('bootstrap first, then the network replaces it and reports what changed', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s2);
    server.hold('stream');
    const client = harness.client(optionsFor(server, { bootstrap: s1 }));
    expect(client.source).toBe('bootstrap');
    const rec = record(client);
    await server.waitFor(() => server.heldCount === 1);
    expect(client.digest).toBe(s1.digest);
    server.release();
    await until(() => client.source === 'network');
    expect(client.digest).toBe(s2.digest);
    expect(rec.snapshotEvents().map((e) => e.changedFlags)).toEqual([['b']]);
  });

  it('bootstrap with the digest the server has: the network confirms it and nobody is notified of a change', async () => {
    const server = await harness.server({ dialect: 'flipt' });
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { bootstrap: s1 }));
    const rec = record(client);
    await until(() => client.source === 'network');
    await quietPeriod(30);
    expect(rec.snapshotEvents()).toEqual([]);
    expect(client.digest).toBe(s1.digest);
    // If it asked for the snapshot at all, it asked conditionally and got a 304.
    for (const get of server.requestsOf('snapshot')) {
      expect(bareEtag(get.headers['if-none-match'])).toBe(s1.digest);
      expect(get.status).toBe(304);
    }
  });
});

describe('polling', () => {
  it('polls the snapshot with If-None-Match; 304s change nothing; a new digest is applied', async () => {
    const server = await harness.server();
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { transport: 'poll', pollIntervalMs: 25, authentication: { clientToken: 'poll-token' } }));
    await client.ready();
    expect(client.source).toBe('network');
    const rec = record(client);
    await server.waitForRequest('snapshot', 3);
    const [first, second, third] = server.requestsOf('snapshot');
    expect(first!.headers['if-none-match']).toBeUndefined();
    expect(first!.status).toBe(200);
    for (const r of [second!, third!]) {
      expect(bareEtag(r.headers['if-none-match'])).toBe(s1.digest);
      expect(r.headers.authorization).toBe('Bearer poll-token');
    }
    await server.waitFor(() => third!.closed);
    expect(third!.status).toBe(304);
    expect(rec.snapshotEvents()).toEqual([]);
    expect(client.error).toBeNull();

    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(rec.snapshotEvents()).toEqual([{ type: 'snapshot', changedFlags: ['b'] }]);
    expect(server.count('stream')).toBe(0);
    for (const r of server.requests) expect(r.rawUrl).not.toContain('poll-token');
  });

  it('a failing poll keeps the snapshot and recovers', async () => {
    const server = await harness.server();
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { transport: 'poll', pollIntervalMs: 20 }));
    await client.ready();
    const rec = record(client);
    server.failNext('snapshot', 502, 2);
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    expect(rec.errorCodes()).toContain('HTTP_ERROR');
    expect(rec.states.every((s) => s.status === 'ready')).toBe(true);
  });
});

describe('autoStart: false', () => {
  it('evaluates the bootstrap at once, but reads no cache and sends nothing until start()', async () => {
    const server = await harness.server();
    server.setSnapshot(s2);
    let loads = 0;
    const cache = { load: async () => (loads++, undefined), save: async () => {}, remove: async () => {} };
    const client = harness.client(optionsFor(server, { bootstrap: s1, cache, autoStart: false }));
    expect(client.source).toBe('bootstrap');
    expect(enabled(client, 'b')).toBe(true);
    await quietPeriod(100);
    expect(server.count('any')).toBe(0);
    expect(loads).toBe(0);
    expect(client.connection).toBe('idle');
    client.start();
    client.start(); // idempotent: one connection
    await until(() => client.digest === s2.digest);
    expect(enabled(client, 'b')).toBe(false);
    expect(server.count('stream')).toBe(1);
  });

  it('start() after close() does nothing', async () => {
    const server = await harness.server();
    server.setSnapshot(s1);
    const client = harness.client(optionsFor(server, { autoStart: false }));
    client.close();
    client.start();
    await quietPeriod(100);
    expect(server.count('any')).toBe(0);
    expect(client.status).toBe('closed');
  });
});
