// Whole clients sharing one connection: createFlagClient's wiring, fake pages, a real SSE server.
import { afterEach, describe, expect, it } from 'vitest';
import { createFlagClientWith } from '../../src/client/createFlagClient';
import type { FlagClient, FlagClientOptions } from '../../src/client/clientTypes';
import { startFlagServer, type FlagServer } from '../support/flagServer';
import { booleanFlag, makeSnapshot, until } from '../client/helpers';
import { createFakeLocks } from './fakeLocks';
import { createChannelHub } from './fakeChannels';
import { FakePage } from './fakePage';

const s1 = makeSnapshot([booleanFlag('a', true), booleanFlag('b', true)]);
const s2 = makeSnapshot([booleanFlag('a', false), booleanFlag('b', true)]);
const s3 = makeSnapshot([booleanFlag('a', false), booleanFlag('b', false)]);

const clients: FlagClient[] = [];
const servers: FlagServer[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function relayServer(): Promise<FlagServer> {
  const server = await startFlagServer({ dialect: 'relay', heartbeatMs: 50 });
  servers.push(server);
  server.setSnapshot(s1);
  return server;
}

/** A browser: tabs made by `open` share its locks and channels. */
function fakeBrowser(server: FlagServer, extra: Partial<FlagClientOptions> = {}) {
  const locks = createFakeLocks();
  const channels = createChannelHub();
  let opened = 0;
  return {
    channels,
    open(more: Partial<FlagClientOptions> = {}) {
      const page = new FakePage(`tab${++opened}`, locks, channels);
      const client = createFlagClientWith(
        { url: server.url, cache: 'none', retry: { minDelayMs: 10, maxDelayMs: 50 }, tabHeartbeatMs: 50, tabLeaderTimeoutMs: 300, ...extra, ...more },
        { tabEnvironment: page.env },
      );
      clients.push(client);
      return { client, page };
    },
  };
}

const openStreams = (server: FlagServer) => server.requestsOf('stream').filter((r) => !r.closed).length;
const leaders = <T extends { client: FlagClient }>(tabs: T[]): T[] => tabs.filter((tab) => tab.client.role === 'leader');

describe('clients sharing one connection', () => {
  it('hold one stream; each follower has the leader\'s status, source, digest and connection, and every change with its changed flags', async () => {
    const server = await relayServer();
    const browser = fakeBrowser(server);
    const tabs = [browser.open(), browser.open(), browser.open()];
    await Promise.all(tabs.map((tab) => tab.client.ready()));
    await until(() => leaders(tabs).length === 1 && tabs.every((tab) => tab.client.connection === 'open'));
    expect(server.count('stream')).toBe(1);
    expect(server.count('snapshot')).toBe(0);
    for (const { client } of tabs) {
      expect(client.getState()).toMatchObject({ status: 'ready', source: 'network', digest: s1.digest, connection: 'open', transport: 'sse', error: null });
      expect(client.getBoolean('a', false, 'u')).toBe(true);
    }
    expect(tabs.map((tab) => tab.client.role).sort()).toEqual(['follower', 'follower', 'leader']);

    const changes = tabs.map(() => [] as string[][]);
    tabs.forEach((tab, i) => tab.client.subscribe((event) => event.type === 'snapshot' && changes[i]!.push([...event.changedFlags])));
    server.setSnapshot(s2);
    await until(() => tabs.every((tab) => tab.client.digest === s2.digest));
    expect(changes).toEqual([[['a']], [['a']], [['a']]]);
    expect(tabs.every((tab) => tab.client.getBoolean('a', true, 'u') === false)).toBe(true);
    expect(server.count('stream')).toBe(1);
  });

  it('a follower\'s refresh() has the leader fetch: one request at the server', async () => {
    const server = await relayServer();
    const browser = fakeBrowser(server);
    const tabs = [browser.open(), browser.open()];
    await until(() => leaders(tabs).length === 1 && tabs.every((tab) => tab.client.status === 'ready'));
    const follower = tabs.find((tab) => tab.client.role === 'follower')!;
    await follower.client.refresh();
    await server.waitForRequest('snapshot');
    expect(server.count('snapshot')).toBe(1);
  });

  it('the leading tab goes: another streams, resuming from the digest in hand, and a change made in between arrives', async () => {
    const server = await relayServer();
    const browser = fakeBrowser(server);
    const tabs = [browser.open(), browser.open(), browser.open()];
    await until(() => leaders(tabs).length === 1 && tabs.every((tab) => tab.client.connection === 'open'));
    const first = leaders(tabs)[0]!;

    first.page.pagehide(false);
    first.page.crash();
    first.client.close(); // what the page's end does to its stream
    server.setSnapshot(s2); // while no stream is open
    const rest = tabs.filter((tab) => tab !== first);
    await until(() => leaders(rest).length === 1 && rest.every((tab) => tab.client.digest === s2.digest));
    const resumed = server.requestsOf('stream')[1]!;
    expect(resumed.url.searchParams.get('digest')).toBe(s1.digest);
    await server.waitFor(() => openStreams(server) === 1);

    server.setSnapshot(s3);
    await until(() => rest.every((tab) => tab.client.digest === s3.digest));
    expect(server.count('stream')).toBe(2);
  });

  it('a leader that stops beating is replaced by a visible follower; on waking it follows with the new flags', async () => {
    const server = await relayServer();
    const browser = fakeBrowser(server);
    const a = browser.open();
    await until(() => a.client.role === 'leader' && a.client.connection === 'open');
    const b = browser.open();
    await until(() => b.client.status === 'ready');

    a.page.freeze({ silently: true });
    server.setSnapshot(s2);
    await until(() => b.client.role === 'leader' && b.client.digest === s2.digest, 5000);
    a.page.resume();
    await until(() => a.client.role === 'follower' && a.client.digest === s2.digest);
    await server.waitFor(() => openStreams(server) === 1);
  });

  it('tabs: "own" gives each client its own stream', async () => {
    const server = await relayServer();
    const browser = fakeBrowser(server, { tabs: 'own' });
    const tabs = [browser.open(), browser.open(), browser.open()];
    await until(() => tabs.every((tab) => tab.client.connection === 'open'));
    expect(tabs.map((tab) => tab.client.role)).toEqual(['own', 'own', 'own']);
    expect(openStreams(server)).toBe(3);
    expect(browser.channels.names.size).toBe(0);
  });
});
