// Ready from the IndexedDB cache (fake-indexeddb: a real IndexedDB implementation in memory)
// while the server does not answer, then live again once it does.
import 'fake-indexeddb/auto';
import { createStore, get } from 'idb-keyval';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { afterEach, expect, it, vi } from 'vitest';
import { startFlagServer, type FlagServer } from '../../core/test/support/flagServer';
import { booleanFlag, makeSnapshot } from '../../react/test/support/snapshots';
import { FlagcastWebProvider } from '../src/index';
import { recordEvents, resetOpenFeature } from './support/openFeature';

let server: FlagServer | undefined;
afterEach(async () => {
  await resetOpenFeature();
  await server?.close();
});

it('Ready with the cached snapshot while the network hangs, then ConfigurationChanged from the network', async () => {
  const cached = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
  server = await startFlagServer({ dialect: 'relay' });
  server.setSnapshot(cached);
  const s = server;

  // A first visit fills the cache.
  await OpenFeature.setProviderAndWait(new FlagcastWebProvider({ url: s.url }), { targetingKey: 'user-1' });
  const store = createStore('flagcast', 'snapshots');
  await vi.waitFor(async () => expect(await get(`${s.url}|default|default`, store)).toMatchObject({ digest: cached.digest }));
  await OpenFeature.clearProviders();

  // The next visit: the server holds every request; the cache answers.
  s.hold('any');
  s.setSnapshot(makeSnapshot([booleanFlag('a', true), booleanFlag('b', false)]));
  const recorder = recordEvents(OpenFeature.getClient());
  let atReady: boolean | undefined;
  OpenFeature.getClient().addHandler(ProviderEvents.Ready, () => (atReady ??= OpenFeature.getClient().getBooleanValue('b', false)));
  const provider = new FlagcastWebProvider({ url: s.url });
  await OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1' });
  expect(provider.client.source).toBe('cache');
  expect(atReady).toBe(true);
  expect(s.heldCount).toBeGreaterThan(0); // the network had not answered

  s.release();
  const changed = await recorder.next(ProviderEvents.ConfigurationChanged);
  expect(changed.details?.flagsChanged).toEqual(['b']);
  expect(provider.client.source).toBe('network');
  expect(OpenFeature.getClient().getBooleanValue('b', true)).toBe(false);
  expect(recorder.types()).toEqual([ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]);
});
