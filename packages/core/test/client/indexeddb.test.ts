// The default IndexedDB cache (idb-keyval, database `flagcast`, store `snapshots`), on
// fake-indexeddb: persistence across clients, corrupt entries, no tokens, and failures
// (open error, open throwing, quota on write, IndexedDB missing) that must not stop the client.
import 'fake-indexeddb/auto';
import { createStore, entries, get, set } from 'idb-keyval';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlagServer } from '../support/flagServer';
import { booleanFlag, enabled, makeSnapshot, quietPeriod, record, until, useHarness, type ClientOptions } from './helpers';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
const s2 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', false)]);
const s3 = makeSnapshot([booleanFlag('a', false), booleanFlag('b', false)]);

const store = createStore('flagcast', 'snapshots');
const harness = useHarness();

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const keyFor = (server: FlagServer) => `${server.url}|default|default`;

/** Options without `cache`: the default, IndexedDB when it exists. */
function options(server: FlagServer, extra: Partial<ClientOptions> = {}): ClientOptions {
  return { url: server.url, retry: { minDelayMs: 10, maxDelayMs: 50 }, ...extra } as ClientOptions;
}

describe('IndexedDB cache', () => {
  it('is the default: a network snapshot is stored, and the next client starts from it', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const first = harness.client(options(server, { authentication: { clientToken: 'idb-secret-token' } }));
    await first.ready();
    await until(async () => (await get(keyFor(server), store)) !== undefined);
    const stored = await get(keyFor(server), store);
    expect(stored).toEqual({ version: 1, digest: s1.digest, savedAt: expect.any(Number), snapshot: s1 });
    first.close();

    // Next page load: the network is slow, the cache answers.
    server.setSnapshot(s2);
    server.hold('any');
    const second = harness.client(options(server, { authentication: { clientToken: 'idb-secret-token' } }));
    await second.ready();
    expect(second.source).toBe('cache');
    expect(second.digest).toBe(s1.digest);
    expect(enabled(second, 'b')).toBe(true);
    server.release();
    await until(() => second.digest === s2.digest);
    await until(async () => (await get(keyFor(server), store))?.digest === s2.digest);

    // Nothing stored anywhere mentions the token.
    const all = await entries(store);
    expect(JSON.stringify(all)).not.toContain('idb-secret-token');
  });

  it('a corrupt entry is ignored and deleted, then replaced by the network snapshot', async () => {
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    server.hold('any');
    await set(keyFor(server), { version: 1, digest: 'x', savedAt: 0, snapshot: { flags: [{ key: 1 }] } }, store);
    const client = harness.client(options(server));
    await until(async () => (await get(keyFor(server), store)) === undefined);
    expect(client.source).toBe('none');
    expect(client.getSnapshot()).toBeUndefined();
    server.release();
    await client.ready();
    await until(async () => (await get(keyFor(server), store))?.digest === s1.digest);
  });
});

describe('IndexedDB failures: the client keeps working in memory and says so once', () => {
  it('open fails (error event, e.g. private mode)', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      const request = { error: new DOMException('The operation failed', 'UnknownError') } as unknown as IDBOpenDBRequest;
      setTimeout(() => (request.onerror as ((e: Event) => void) | null)?.(new Event('error')));
      return request;
    });
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(options(server));
    const rec = record(client);
    await client.ready();
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    await quietPeriod(30);
    expect(rec.errorCodes().filter((c) => c === 'CACHE_UNAVAILABLE')).toHaveLength(1);
    expect(rec.states.map((s) => s.status)).not.toContain('error');
    expect(client.status).toBe('ready');
  });

  it('open throws (SecurityError, e.g. storage blocked)', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('access denied', 'SecurityError');
    });
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    let client: ReturnType<typeof harness.client> | undefined;
    expect(() => (client = harness.client(options(server)))).not.toThrow();
    const rec = record(client!);
    const sawErrorAtStart = client!.error;
    await client!.ready();
    expect(client!.digest).toBe(s1.digest);
    server.setSnapshot(s2);
    await until(() => client!.digest === s2.digest);
    await quietPeriod(30);
    const reports = [sawErrorAtStart, ...rec.errors].filter((e) => (e as { code?: string } | null)?.code === 'CACHE_UNAVAILABLE');
    expect(new Set(reports).size).toBe(1);
    expect(client!.status).toBe('ready');
  });

  it('writes fail (QuotaExceededError)', async () => {
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('quota exceeded', 'QuotaExceededError');
    });
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    const client = harness.client(options(server));
    const rec = record(client);
    await client.ready();
    await until(() => rec.errorCodes().includes('CACHE_UNAVAILABLE'));
    expect(client.status).toBe('ready');
    server.setSnapshot(s2);
    await until(() => client.digest === s2.digest);
    server.setSnapshot(s3);
    await until(() => client.digest === s3.digest);
    await quietPeriod(30);
    expect(rec.errorCodes().filter((c) => c === 'CACHE_UNAVAILABLE')).toHaveLength(1);
    expect(rec.states.map((s) => s.status)).not.toContain('error');
    expect(enabled(client, 'a')).toBe(false);
  });

  it('cache: "indexeddb" where IndexedDB does not exist', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const server = await harness.server({ dialect: 'relay' });
    server.setSnapshot(s1);
    let client: ReturnType<typeof harness.client> | undefined;
    expect(() => (client = harness.client(options(server, { cache: 'indexeddb' })))).not.toThrow();
    const rec = record(client!);
    const sawErrorAtStart = client!.error;
    await client!.ready();
    expect(client!.digest).toBe(s1.digest);
    server.setSnapshot(s2);
    await until(() => client!.digest === s2.digest);
    const reports = [sawErrorAtStart, ...rec.errors].filter((e) => (e as { code?: string } | null)?.code === 'CACHE_UNAVAILABLE');
    expect(new Set(reports).size).toBe(1);
    expect(client!.status).toBe('ready');
  });
});
