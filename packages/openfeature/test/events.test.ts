// Provider events through the real web SDK against a real loopback server: Ready with the first
// snapshot, ConfigurationChanged with the changed keys, Stale while a live connection is lost,
// PROVIDER_FATAL on 401/403 with nothing to evaluate, and the lifecycle (onClose, track).
import { createFlagClient, type FlagClient } from '@flagcast/core';
import { OpenFeature, ProviderEvents, ProviderStatus, type EventDetails } from '@openfeature/web-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFlagServer, type FlagServer } from '../../core/test/support/flagServer';
import { booleanFlag, makeSnapshot, variantFlag } from '../../react/test/support/snapshots';
import { FlagcastWebProvider, type FlagcastWebProviderOptions } from '../src/index';
import { recordEvents, resetOpenFeature } from './support/openFeature';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true), variantFlag('theme', 'dark', { accent: 'violet' })]);
// b changed, c added, a and theme as they were.
const s2 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', false), booleanFlag('c', true), variantFlag('theme', 'dark', { accent: 'violet' })]);

let server: FlagServer | undefined;
const ownClients: FlagClient[] = [];
afterEach(async () => {
  await resetOpenFeature();
  for (const client of ownClients.splice(0)) client.close();
  await server?.close();
  server = undefined;
});

async function live(snapshot = s1): Promise<FlagServer> {
  server = await startFlagServer({ dialect: 'relay' });
  server.setSnapshot(snapshot);
  return server;
}

/** A provider on `server`, no cache, quick reconnects. */
function providerFor(server: FlagServer, extra: Partial<FlagcastWebProviderOptions> = {}): FlagcastWebProvider {
  return new FlagcastWebProvider({ url: server.url, cache: 'none', retry: { minDelayMs: 5, maxDelayMs: 20 }, ...extra });
}

const sdk = () => OpenFeature.getClient();

describe('Ready with the first snapshot', () => {
  it('from a bootstrap snapshot, before the server answers', async () => {
    const server = await live(s2);
    server.hold('any');
    const recorder = recordEvents(sdk());
    let atReady: unknown;
    sdk().addHandler(ProviderEvents.Ready, () => (atReady ??= sdk().getBooleanValue('b', false)));
    const provider = providerFor(server, { bootstrap: s1 });
    await OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1' });
    expect(recorder.types()).toEqual([ProviderEvents.Ready]);
    expect(atReady).toBe(true);
    expect(provider.client.source).toBe('bootstrap');
    // The network then brings s2: only the flags that differ are named.
    server.release();
    const changed = await recorder.next(ProviderEvents.ConfigurationChanged);
    expect([...(changed.details?.flagsChanged ?? [])].sort()).toEqual(['b', 'c']);
    expect(sdk().getBooleanValue('b', true)).toBe(false);
    expect(recorder.types()).toEqual([ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]);
  });

  it('from the network', async () => {
    const server = await live();
    const recorder = recordEvents(sdk());
    const provider = providerFor(server);
    const ready = OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1' });
    expect(sdk().providerStatus).toBe(ProviderStatus.NOT_READY);
    await ready;
    expect(recorder.events).toMatchObject([{ type: ProviderEvents.Ready, status: ProviderStatus.READY }]);
    expect(provider.client.source).toBe('network');
    expect(sdk().getBooleanDetails('a', false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
  });

  it('a provider that is never set opens no connection', async () => {
    const server = await live();
    const provider = providerFor(server);
    expect(provider.client.connection).toBe('idle');
    expect(server.count('any')).toBe(0);
  });
});

describe('ConfigurationChanged', () => {
  it("names exactly the flags a live edit changed, and leaves the status READY", async () => {
    const server = await live();
    const recorder = recordEvents(sdk());
    await OpenFeature.setProviderAndWait(providerFor(server), { targetingKey: 'user-1' });
    server.setSnapshot(s2);
    const event = await recorder.next(ProviderEvents.ConfigurationChanged);
    expect([...(event.details?.flagsChanged ?? [])].sort()).toEqual(['b', 'c']);
    expect(event.status).toBe(ProviderStatus.READY);
    expect(sdk().getBooleanValue('c', false)).toBe(true);
    // A new snapshot whose flags evaluate the same (new description) still names the flag: its definition changed.
    server.setSnapshot(makeSnapshot([booleanFlag('a', true, { description: 'reworded' }), ...s2.flags.slice(1)]));
    expect((await recorder.next(ProviderEvents.ConfigurationChanged)).details?.flagsChanged).toEqual(['a']);
    expect(recorder.types().filter((t) => t === ProviderEvents.Ready)).toHaveLength(1);
  });
});

describe('Stale while a live connection is lost', () => {
  it('Stale when the stream dies, evaluations keep the last snapshot, Ready when it is back', async () => {
    const server = await live();
    const recorder = recordEvents(sdk());
    await OpenFeature.setProviderAndWait(providerFor(server), { targetingKey: 'user-1' });
    await server.waitFor(() => server.openStreams === 1);
    server.hold('stream'); // the reconnect hangs until release()
    await server.killStreams();
    const stale = await recorder.next(ProviderEvents.Stale);
    expect(stale.status).toBe(ProviderStatus.STALE);
    expect(sdk().getBooleanDetails('b', false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    await server.waitFor(() => server.heldCount === 1);
    expect(recorder.types().filter((t) => t === ProviderEvents.Stale)).toHaveLength(1); // once, not per retry
    // Edited while the page was cut off: the reconnect brings it.
    server.setSnapshot(s2);
    server.release();
    const back = await recorder.nth(ProviderEvents.Ready, 2);
    expect(back.status).toBe(ProviderStatus.READY);
    await recorder.next(ProviderEvents.ConfigurationChanged);
    expect(sdk().getBooleanValue('b', true)).toBe(false);
    expect(recorder.types()).toEqual([ProviderEvents.Ready, ProviderEvents.Stale, ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]);
  });

  it('a 401 while live makes it Stale (the flags stay), not FATAL', async () => {
    const server = await live();
    const recorder = recordEvents(sdk());
    await OpenFeature.setProviderAndWait(providerFor(server), { targetingKey: 'user-1' });
    await server.waitFor(() => server.openStreams === 1);
    server.authorization = 'Bearer rotated';
    await server.killStreams();
    await recorder.next(ProviderEvents.Stale);
    await server.waitFor(() => server.requestsOf('stream').some((r) => r.status === 401));
    await vi.waitFor(() => expect(OpenFeature.getProvider() instanceof FlagcastWebProvider && (OpenFeature.getProvider() as FlagcastWebProvider).client.connection).toBe('closed'));
    expect(sdk().providerStatus).toBe(ProviderStatus.STALE);
    expect(sdk().getBooleanValue('a', false)).toBe(true);
  });

  it('a context change while stale leaves the provider STALE (the SDK would mark it READY)', async () => {
    const server = await live();
    const recorder = recordEvents(sdk());
    await OpenFeature.setProviderAndWait(providerFor(server), { targetingKey: 'user-1' });
    await server.waitFor(() => server.openStreams === 1);
    server.hold('stream');
    await server.killStreams();
    await recorder.next(ProviderEvents.Stale);
    await OpenFeature.setContext({ targetingKey: 'user-2' });
    await recorder.nth(ProviderEvents.Stale, 2);
    expect(sdk().providerStatus).toBe(ProviderStatus.STALE);
    server.release();
    await recorder.nth(ProviderEvents.Ready, 2);
    expect(sdk().providerStatus).toBe(ProviderStatus.READY);
  });

  it('a start from a bootstrap that never connects is not Stale: it never was live', async () => {
    const server = await live();
    server.authorization = 'Bearer secret';
    const recorder = recordEvents(sdk());
    const provider = providerFor(server, { bootstrap: s1 });
    await OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1' });
    await server.waitFor(() => server.requestsOf('stream').some((r) => r.status === 401));
    await vi.waitFor(() => expect(provider.client.connection).toBe('closed'));
    expect(recorder.types()).toEqual([ProviderEvents.Ready]);
    expect(sdk().getBooleanValue('a', false)).toBe(true);
  });
});

describe('PROVIDER_FATAL: 401/403 with nothing to evaluate', () => {
  it.each([401, 403])('%i', async (status) => {
    const server = await live();
    if (status === 401) server.authorization = 'Bearer secret';
    else server.failNext('any', 403, 100);
    const recorder = recordEvents(sdk());
    const error = await OpenFeature.setProviderAndWait(providerFor(server), { targetingKey: 'user-1' }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('PROVIDER_FATAL');
    expect(error?.message).toContain(server.url); // names what was asked
    expect(error?.message).toContain(String(status));
    expect(sdk().providerStatus).toBe(ProviderStatus.FATAL);
    expect(recorder.types()).toEqual([ProviderEvents.Error]);
    expect(sdk().getBooleanDetails('a', false)).toMatchObject({ value: false, reason: 'ERROR', errorCode: 'PROVIDER_FATAL' });
  });
});

describe('not fatal: a wrong namespace (404) or a timeout', () => {
  it('404: initialize fails with a general error naming the URL; the namespace created later makes it Ready', async () => {
    server = await startFlagServer({ dialect: 'relay' }); // serves nothing yet: 404
    const recorder = recordEvents(sdk());
    const error = await OpenFeature.setProviderAndWait(providerFor(server), { targetingKey: 'user-1' }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('GENERAL');
    expect(error?.message).toContain(`${server.url}/client/v2/environments/default/namespaces/default/`);
    expect(error?.message).toContain('404');
    expect(sdk().providerStatus).toBe(ProviderStatus.ERROR);
    server.setSnapshot(s1);
    await recorder.next(ProviderEvents.Ready);
    expect(sdk().providerStatus).toBe(ProviderStatus.READY);
    expect(sdk().getBooleanValue('a', false)).toBe(true);
  });

  it('a timeout (readyTimeoutMs): an error, then Ready once the server answers', async () => {
    const s = await live();
    s.hold('any');
    const recorder = recordEvents(sdk());
    const error = await OpenFeature.setProviderAndWait(providerFor(s, { readyTimeoutMs: 100 }), { targetingKey: 'user-1' }).then(
      () => undefined,
      (e: unknown) => e as { code: string },
    );
    expect(error?.code).toBe('GENERAL');
    s.release();
    await recorder.next(ProviderEvents.Ready);
    expect(sdk().getBooleanValue('a', false)).toBe(true);
  });
});

describe('lifecycle', () => {
  it('onClose closes the client the provider created (its stream ends)', async () => {
    const server = await live();
    const provider = providerFor(server);
    await OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1' });
    await server.waitFor(() => server.openStreams === 1);
    await OpenFeature.clearProviders();
    expect(provider.client.status).toBe('closed');
    await server.waitFor(() => server.openStreams === 0);
  });

  it('never closes a client passed in, and stops emitting for it once closed', async () => {
    const server = await live();
    const client = createFlagClient({ url: server.url, cache: 'none' });
    ownClients.push(client);
    // Count the provider's subscriptions still held on the client.
    const subscribe = client.subscribe;
    let subscribed = 0;
    client.subscribe = (listener) => {
      const stop = subscribe(listener);
      subscribed++;
      return () => void (subscribed--, stop());
    };
    const provider = new FlagcastWebProvider({ client });
    expect(provider.client).toBe(client);
    await OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1' });
    const emitted: EventDetails[] = [];
    provider.events.addHandler(ProviderEvents.ConfigurationChanged, (details) => void emitted.push(details!));
    expect(subscribed).toBe(1);
    await OpenFeature.clearProviders();
    expect(subscribed).toBe(0);
    expect(client.status).toBe('ready');
    const seen = new Promise<readonly string[]>((resolve) => client.subscribe(({ changedFlags }) => changedFlags.length && resolve(changedFlags)));
    server.setSnapshot(s2);
    expect(await seen).toContain('b');
    expect(emitted).toEqual([]);
  });

  it('set again after being replaced, it starts a new client', async () => {
    const server = await live();
    const provider = providerFor(server);
    await OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1' });
    const first = provider.client;
    await OpenFeature.setProviderAndWait(providerFor(server));
    expect(first.status).toBe('closed');
    await OpenFeature.setProviderAndWait(provider);
    expect(provider.client).not.toBe(first);
    expect(sdk().getBooleanValue('a', false)).toBe(true);
    server.setSnapshot(s2);
    await vi.waitFor(() => expect(sdk().getBooleanValue('c', false)).toBe(true));
  });

  it('closed before its first snapshot, the pending initialize settles (nothing waits for ever)', async () => {
    const server = await live();
    server.hold('any');
    const provider = providerFor(server);
    const pending = OpenFeature.setProviderAndWait(provider).then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await server.waitForRequest('stream');
    await OpenFeature.clearProviders();
    expect(await pending).toMatch(/closed before its first snapshot/);
  });

  it('track() goes to onTrack with the context and details', async () => {
    const server = await live();
    const onTrack = vi.fn();
    await OpenFeature.setProviderAndWait(providerFor(server, { onTrack }), { targetingKey: 'user-1', plan: 'pro' });
    sdk().track('checkout', { value: 42, currency: 'EUR' });
    expect(onTrack).toHaveBeenCalledExactlyOnceWith('checkout', { targetingKey: 'user-1', plan: 'pro' }, { value: 42, currency: 'EUR' });
  });
});

describe('context changes', () => {
  it('apply at once: ContextChanged without Reconciling, and the next evaluation uses the new context', async () => {
    const server = await live(
      makeSnapshot([
        booleanFlag('pro-only', false, {
          enabled: false,
          rollouts: [
            {
              segment: {
                segmentOperator: 'OR_SEGMENT_OPERATOR',
                value: true,
                segments: [{ key: 'pros', matchType: 'ALL_SEGMENT_MATCH_TYPE', constraints: [{ type: 'STRING_CONSTRAINT_COMPARISON_TYPE', property: 'plan', operator: 'eq', value: 'pro' }] }],
              },
            },
          ],
        }),
      ]),
    );
    const recorder = recordEvents(sdk());
    const provider = providerFor(server);
    await OpenFeature.setProviderAndWait(provider, { targetingKey: 'user-1', plan: 'free' });
    expect(sdk().getBooleanValue('pro-only', false)).toBe(false);
    expect(provider.onContextChange()).toBeUndefined();
    await OpenFeature.setContext({ targetingKey: 'user-1', plan: 'pro' });
    expect(sdk().getBooleanDetails('pro-only', false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH', flagMetadata: { segments: 'pros' } });
    expect(recorder.types()).toEqual([ProviderEvents.Ready, ProviderEvents.ContextChanged]);
    const requests = server.count('any');
    await OpenFeature.setContext({ targetingKey: 'user-2', plan: 'free' });
    expect(sdk().getBooleanValue('pro-only', true)).toBe(false);
    expect(server.count('any')).toBe(requests); // evaluated locally: nothing fetched
  });
});
