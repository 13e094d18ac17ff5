/**
 * A fake browser for the tab-sharing tests: fake pages sharing one lock manager and one channel
 * hub, each running a real FlagStore fed by `shareConnection`, and a fake relay the leaders'
 * network sources follow. The network source is a stand-in for `createNetworkSource` that keeps
 * its contract: `start()` opens a stream that resumes by the digest in hand (the relay sends its
 * snapshot when that digest is not current, as the real relay does), deliveries are tasks of
 * the page (so a frozen page's stream stalls), and it delivers the way createFlagClient's sink
 * does (apply, then publish to the other tabs only when the flags changed).
 * Use with fake timers; `settle()` lets every pending task run.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import type { Snapshot } from '../../src/types';
import { createFlagStore, type FlagStore } from '../../src/client/flagStore';
import type { FlagClientEvent } from '../../src/client/clientTypes';
import type { NetworkSource } from '../../src/transport/networkSource';
import { shareConnection, type SharedConnection } from '../../src/tabs/shareConnection';
import { createFakeLocks, type FakeLocks } from './fakeLocks';
import { createChannelHub, type ChannelHub } from './fakeChannels';
import { FakePage } from './fakePage';

export const HEARTBEAT_MS = 1_000;
export const LEADER_TIMEOUT_MS = 5_000;

/** What the relay serves: the leaders' streams get every change. */
export class FakeRelay {
  current: Snapshot | undefined;
  readonly networks = new Set<FakeNetwork>();

  publish(snapshot: Snapshot): void {
    this.current = snapshot;
    for (const network of this.networks) network.push(snapshot);
  }

  /** Streams open now (one per running network source of a live tab). */
  get openStreams(): number {
    return [...this.networks].filter((network) => network.running).length;
  }
}

export class FakeNetwork implements NetworkSource {
  /** What each `start()` had in hand: the digest it resumes from. */
  readonly starts: Array<{ digest: string | undefined; fromNetwork: boolean }> = [];
  stops = 0;
  refreshes = 0;
  shared: SharedConnection | undefined;

  constructor(
    private readonly relay: FakeRelay,
    private readonly page: FakePage,
    private readonly store: FlagStore,
  ) {}

  /** A crashed tab's connections are closed by the browser. */
  get running(): boolean {
    return this.relay.networks.has(this) && !this.page.crashed;
  }

  start(): void {
    if (this.running) return;
    const { digest, source } = this.store.getState();
    const fromNetwork = source === 'network';
    this.starts.push({ digest, fromNetwork });
    this.relay.networks.add(this);
    this.store.patch({ connection: 'connecting' });
    this.page.task(() => {
      if (!this.running) return;
      this.store.patch({ connection: 'open' });
      const current = this.relay.current;
      if (current && (!fromNetwork || current.digest !== digest)) this.deliver(current);
    });
  }

  stop(): void {
    this.stops++;
    this.relay.networks.delete(this);
  }

  async refresh(): Promise<void> {
    this.refreshes++;
    if (this.relay.current) this.deliver(this.relay.current);
  }

  /** A stream event from the relay: a task of the page (stalled while it is frozen). */
  push(snapshot: Snapshot): void {
    this.page.task(() => {
      if (this.running) this.deliver(snapshot);
    });
  }

  private deliver(snapshot: Snapshot): void {
    if (!this.store.apply(snapshot, 'network', snapshot.digest as string)) return;
    this.shared?.publishSnapshot(snapshot);
  }
}

export interface FakeTab {
  readonly label: string;
  readonly page: FakePage;
  readonly store: FlagStore;
  readonly network: FakeNetwork;
  readonly shared: SharedConnection;
  /** Every event the store sent, with the state right after it. */
  readonly events: Array<{ event: FlagClientEvent; digest: string | undefined; role: string }>;
  /** Every digest the store moved to, in order. */
  digests(): Array<string | undefined>;
}

export interface TabOptions {
  key?: string;
  authorization?: string;
  /** A snapshot the tab read from its cache before joining. */
  cached?: Snapshot;
  hidden?: boolean;
  heartbeatMs?: number;
  leaderTimeoutMs?: number;
}

export class FakeBrowser {
  readonly locks: FakeLocks = createFakeLocks();
  readonly channels: ChannelHub = createChannelHub();
  readonly relay = new FakeRelay();
  readonly tabs: FakeTab[] = [];

  open(options: TabOptions = {}): FakeTab {
    const label = `tab${this.tabs.length + 1}`;
    const page = new FakePage(label, this.locks, this.channels);
    if (options.hidden) page.hide();
    const store = createFlagStore({ role: 'follower', transport: 'sse' });
    if (options.cached) store.apply(options.cached, 'cache', options.cached.digest as string);
    const network = new FakeNetwork(this.relay, page, store);
    const events: FakeTab['events'] = [];
    store.subscribe((event) => events.push({ event, digest: store.getState().digest, role: store.getState().role }));
    const shared = shareConnection({
      key: options.key ?? 'http://127.0.0.1:8787|default|default',
      authorization: options.authorization,
      store,
      network,
      heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS,
      leaderTimeoutMs: options.leaderTimeoutMs ?? LEADER_TIMEOUT_MS,
      environment: page.env,
    });
    network.shared = shared;
    const digests = () => {
      const seen: Array<string | undefined> = [];
      for (const { event, digest } of events) if (event.type === 'snapshot') seen.push(digest);
      return seen;
    };
    const tab: FakeTab = { label, page, store, network, shared, events, digests };
    this.tabs.push(tab);
    return tab;
  }

  /** Tabs that lead now (a crashed one does not count). */
  leaders(): FakeTab[] {
    return this.tabs.filter((tab) => !tab.page.crashed && tab.shared.isLeading());
  }

  /** The one leader; fails when there is not exactly one. */
  leader(): FakeTab {
    const leaders = this.leaders();
    if (leaders.length !== 1) throw new Error(`expected one leader, found ${leaders.map((t) => t.label).join(', ') || 'none'}`);
    return leaders[0]!;
  }

  live(): FakeTab[] {
    return this.tabs.filter((tab) => !tab.page.crashed);
  }

  closeAll(): void {
    for (const tab of this.tabs) tab.shared.close();
  }
}

/** Lets every pending task and message run (and `ms` of fake time pass). */
export async function settle(ms = 50): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/**
 * One fake browser per test, on fake timers, closed afterwards: call at the top of a test file;
 * the returned function gives the current test's browser.
 */
export function useFakeBrowser(): () => FakeBrowser {
  let browser: FakeBrowser | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
    browser = new FakeBrowser();
  });
  afterEach(() => {
    browser?.closeAll();
    vi.useRealTimers();
  });
  return () => browser!;
}
