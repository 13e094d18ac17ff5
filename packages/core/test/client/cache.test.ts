// The snapshot cache through the `cache: {load, save, remove}` option: start from cache before
// the network, the key and entry format, saving only validated snapshots with a new digest,
// dropping corrupt entries, never letting a late cache read win, and surviving cache failures.
import { describe, expect, it, vi } from 'vitest';
import type { FlagServer } from '../support/flagServer';
import { booleanFlag, enabled, makeSnapshot, optionsFor, quietPeriod, record, until, useHarness, type ClientOptions } from './helpers';

const s0 = makeSnapshot([booleanFlag('a', false), booleanFlag('b', false)]);
const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
const s2 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', false)]);
const invalid = { namespace: { key: 'default' }, flags: 'nope', digest: 'd'.repeat(40) };

const harness = useHarness();

function memoryCache(initial: Record<string, unknown> = {}) {
  const data = new Map<string, unknown>(Object.entries(initial));
  const cache = {
    load: vi.fn(async (key: string) => data.get(key)),
    save: vi.fn(async (key: string, entry: unknown) => {
      data.set(key, structuredClone(entry));
    }),
    remove: vi.fn(async (key: string) => {
      data.delete(key);
    }),
  };
  return { cache, data };
}

const keyFor = (server: FlagServer, environment = 'default', namespace = 'default') => `${server.url}|${environment}|${namespace}`;
const entryFor = (snapshot: typeof s1) => ({ version: 1, digest: snapshot.digest, savedAt: Date.now() - 60_000, snapshot });

function options(server: FlagServer, cache: ClientOptions['cache'], extra: Partial<ClientOptions> = {}): ClientOptions {
  return optionsFor(server, { cache, ...extra });
}

describe('starting from the cache', () => {
  it('evaluates from the cache before the network answers, then moves to the network', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s2);
    server.hold('any');
    const { cache } = memoryCache({ [keyFor(server)]: entryFor(s1) });
    const client = harness.client(options(server, cache));
    await client.ready();
    expect(client.source).toBe('cache');
    expect(client.digest).toBe(s1.digest);
    expect(client.getSnapshot()).toEqual(s1);
    expect(enabled(client, 'b')).toBe(true);
    expect(client.connection).not.toBe('open');
    expect(cache.load).toHaveBeenCalledWith(keyFor(server));

    const rec = record(client);
    server.release();
    await until(() => client.source === 'network');
    expect(client.digest).toBe(s2.digest);
    expect(rec.snapshotEvents().map((e) => e.changedFlags)).toEqual([['b']]);
  });

  it('a cache read that finishes after the network snapshot never replaces it', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    let finishRead!: (entry: unknown) => void;
    const cache = {
      load: vi.fn(() => new Promise<unknown>((resolve) => (finishRead = resolve))),
      save: vi.fn(async () => {}),
      remove: vi.fn(async () => {}),
    };
    const client = harness.client(options(server, cache));
    await client.ready();
    expect(client.source).toBe('network');
    const rec = record(client);
    finishRead(entryFor(s0)); // an older snapshot, valid, arriving late
    await quietPeriod(30);
    expect(client.source).toBe('network');
    expect(client.digest).toBe(s1.digest);
    expect(client.getSnapshot()).toEqual(s1);
    expect(enabled(client, 'a')).toBe(true);
    expect(rec.events).toEqual([]);
  });
});

describe('401 and the cache', () => {
  it('401 while the cache read is still pending: ready() waits for the cache instead of rejecting', async () => {
    const server = await harness.server({ dialect: 'relay', authorization: 'Bearer right' });
    server.setSnapshot(s2);
    let finishRead!: (entry: unknown) => void;
    const cache = {
      load: vi.fn(() => new Promise<unknown>((resolve) => (finishRead = resolve))),
      save: vi.fn(async () => {}),
      remove: vi.fn(async () => {}),
    };
    const client = harness.client(options(server, cache, { authentication: { clientToken: 'wrong' } }));
    let outcome: string | undefined;
    client.ready().then(() => (outcome = 'resolved'), () => (outcome = 'rejected'));
    await server.waitFor(() => server.requests[0]?.closed === true);
    await until(() => client.error?.code === 'UNAUTHORIZED');
    finishRead(entryFor(s1)); // IndexedDB was slower than the 401
    await until(() => outcome !== undefined);
    expect(outcome).toBe('resolved');
    expect(client.status).toBe('ready');
    expect(client.source).toBe('cache');
    expect(enabled(client, 'b')).toBe(true);
    expect(client.error?.code).toBe('UNAUTHORIZED');
  });

  it('401 with a cached snapshot: ready from the cache, error says why', async () => {
    const server = await harness.server({ dialect: 'relay', authorization: 'Bearer right' });
    server.setSnapshot(s2);
    const { cache } = memoryCache({ [keyFor(server)]: entryFor(s1) });
    const client = harness.client(options(server, cache, { authentication: { clientToken: 'wrong' } }));
    await client.ready();
    await until(() => client.error !== null);
    expect(client.error!.code).toBe('UNAUTHORIZED');
    expect(client.status).toBe('ready');
    expect(client.source).toBe('cache');
    expect(client.digest).toBe(s1.digest);
  });
});

describe('what is written', () => {
  it('key is url|environment|namespace; entry is {version 1, digest, savedAt, snapshot}; never a token', async () => {
    const server = await harness.server({ dialect: 'relay' });
    const snapshot = makeSnapshot([booleanFlag('x', true)], { namespace: 'ns1' });
    server.setSnapshot(snapshot, { environment: 'env1', namespace: 'ns1' });
    const { cache } = memoryCache();
    const before = Date.now();
    const client = harness.client(options(server, cache, { environment: 'env1', namespace: 'ns1', authentication: { clientToken: 'cache-secret-token' } }));
    await client.ready();
    await until(() => cache.save.mock.calls.length === 1);
    const [key, entry] = cache.save.mock.calls[0]!;
    expect(key).toBe(keyFor(server, 'env1', 'ns1'));
    expect(cache.load).toHaveBeenCalledWith(key);
    expect(entry).toEqual({ version: 1, digest: snapshot.digest, savedAt: expect.any(Number), snapshot });
    const savedAt = (entry as { savedAt: number }).savedAt;
    expect(savedAt).toBeGreaterThanOrEqual(before);
    expect(savedAt).toBeLessThanOrEqual(Date.now());
    const everything = JSON.stringify([cache.save.mock.calls, cache.load.mock.calls, cache.remove.mock.calls]);
    expect(everything).not.toContain('cache-secret-token');
  });

  it('saves only validated snapshots, and only when the digest changed', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const { cache } = memoryCache();
    const client = harness.client(options(server, cache));
    await client.ready();
    await until(() => cache.save.mock.calls.length === 1);

    await server.sendInline(s1, s1.digest); // same digest
    await server.sendInline(invalid, invalid.digest); // does not validate
    await until(() => client.error !== null);
    await server.sendEvent('{"type":"snapshot","etag":"x","snapshot":'); // not even JSON
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    await until(() => cache.save.mock.calls.length >= 2);
    await quietPeriod(20);
    expect(cache.save.mock.calls.map(([, entry]) => (entry as { digest: string }).digest)).toEqual([s1.digest, s2.digest]);
  });

  it('a network snapshot with the digest already cached is not written again', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const { cache } = memoryCache();
    cache.load.mockImplementation(async () => entryFor(s1));
    const client = harness.client(options(server, cache));
    await client.ready();
    await until(() => client.source === 'network' || server.count('stream') > 0);
    await until(() => client.source === 'network');
    await quietPeriod(30);
    expect(cache.save).not.toHaveBeenCalled();
  });
});

describe('bad cache entries', () => {
  const broken: Array<{ name: string; entry: unknown }> = [
    { name: 'not an object', entry: 'garbage{' },
    { name: 'a number', entry: 42 },
    { name: 'an invalid snapshot', entry: { version: 1, digest: s1.digest, savedAt: 1, snapshot: { flags: 'nope' } } },
    { name: 'a null snapshot', entry: { version: 1, digest: s1.digest, savedAt: 1, snapshot: null } },
    { name: 'an unknown format version', entry: { version: 99, digest: s1.digest, savedAt: 1, snapshot: s1 } },
    { name: 'no version', entry: { digest: s1.digest, savedAt: 1, snapshot: s1 } },
    { name: 'a bare snapshot (no entry wrapper)', entry: s1 },
  ];

  it.each(broken)('$name: ignored and removed; the network still works', async ({ entry }) => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s2);
    server.hold('any');
    const { cache, data } = memoryCache({ [keyFor(server)]: entry });
    const client = harness.client(options(server, cache));
    await until(() => cache.remove.mock.calls.length === 1);
    expect(cache.remove).toHaveBeenCalledWith(keyFor(server));
    expect(data.has(keyFor(server))).toBe(false);
    expect(client.source).toBe('none');
    expect(client.status).toBe('loading');
    expect(client.getSnapshot()).toBeUndefined();

    server.release();
    await client.ready();
    expect(client.source).toBe('network');
    await until(() => cache.save.mock.calls.length === 1);
    expect(data.get(keyFor(server))).toMatchObject({ version: 1, digest: s2.digest, snapshot: s2 });
  });
});

describe('a failing cache', () => {
  it('load rejects: works from the network, reports CACHE_UNAVAILABLE, never an error status', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.hold('any');
    const cache = {
      load: vi.fn(async () => {
        throw new DOMException('blocked', 'UnknownError');
      }),
      save: vi.fn(async () => {}),
      remove: vi.fn(async () => {}),
    };
    const client = harness.client(options(server, cache));
    const rec = record(client);
    await until(() => client.error !== null);
    expect(client.error!.code).toBe('CACHE_UNAVAILABLE');
    expect(client.status).toBe('loading');
    server.release();
    await client.ready();
    expect(client.digest).toBe(s1.digest);
    expect(rec.states.map((s) => s.status)).not.toContain('error');
  });

  it('save rejects (quota): keeps working in memory and reports it once', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const cache = {
      load: vi.fn(async () => undefined),
      save: vi.fn(async () => {
        throw new DOMException('quota exceeded', 'QuotaExceededError');
      }),
      remove: vi.fn(async () => {}),
    };
    const client = harness.client(options(server, cache));
    const rec = record(client);
    await client.ready();
    await until(() => rec.errorCodes().includes('CACHE_UNAVAILABLE'));
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    server.setSnapshot(s0);
    await until(() => client.digest === s0.digest);
    await quietPeriod(30);
    expect(rec.errorCodes().filter((c) => c === 'CACHE_UNAVAILABLE')).toHaveLength(1);
    expect(rec.states.map((s) => s.status)).not.toContain('error');
    expect(client.status).toBe('ready');
    expect(enabled(client, 'a')).toBe(false);
  });

  it('a cache whose methods throw synchronously does not break createFlagClient', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const cache = {
      load: () => {
        throw new Error('sync load failure');
      },
      save: () => {
        throw new Error('sync save failure');
      },
      remove: () => {
        throw new Error('sync remove failure');
      },
    } as unknown as ClientOptions['cache'];
    let client: ReturnType<typeof harness.client> | undefined;
    expect(() => (client = harness.client(options(server, cache)))).not.toThrow();
    await client!.ready();
    expect(client!.digest).toBe(s1.digest);
  });
});
