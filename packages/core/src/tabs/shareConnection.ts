import type { Snapshot } from '../types.js';
import { FlagClientError } from '../errors.js';
import { parseSnapshot } from '../snapshot/parseSnapshot.js';
import type { NetworkSource } from '../transport/networkSource.js';
import type { FlagStore } from '../client/flagStore.js';
import { browserTabEnvironment, type TabChannel, type TabEnvironment } from './tabEnvironment.js';
import type { SharedError, TabMessage } from './tabMessages.js';

export { tabsSupported } from './tabEnvironment.js';

export interface SharedConnectionConfig {
  /** url | environment | namespace (| reference): what the tabs must agree on. */
  key: string;
  /** The credentials, told apart by a hash only. */
  authorization: string | undefined;
  store: FlagStore;
  network: NetworkSource;
  heartbeatMs: number;
  leaderTimeoutMs: number;
  environment?: TabEnvironment | undefined;
  /** Joins the election once this settles (the cache read: its IndexedDB requests go first). */
  after?: Promise<unknown> | undefined;
}

export interface SharedConnection {
  /** The leader's network delivered a new snapshot: tell the followers. */
  publishSnapshot(snapshot: Snapshot): void;
  /** This tab holds the connection. */
  isLeading(): boolean;
  /** A follower's `refresh()`: the leader fetches. */
  askLeaderToRefresh(): void;
  close(): void;
}

/** A hidden leader's timers may run once a minute (Chromium, after 5 minutes hidden). */
const HIDDEN_LEADER_TIMEOUT_MS = 75_000;
/** A leader's mark counts as fresh for this many heartbeats (a hidden tab's timers lag). */
const LEADER_HINT_BEATS = 3;

/**
 * One connection for every tab that follows the same namespace with the same credentials.
 * The tab holding the Web Lock leads: its network source runs, and it posts each snapshot and
 * its state on a BroadcastChannel; the others follow, their store fed by the channel. When the
 * leader goes (closed, navigated, crashed, frozen) the lock passes to a waiting tab, which
 * resumes the stream by digest. A leader that stops without letting go (stuck, throttled, frozen
 * with no `freeze` event) keeps its lock for ever, so leaders also beat, and a visible follower
 * that hears no beat for `leaderTimeoutMs` steals the lock. Epochs fence out a leader that
 * wakes after losing its lock: followers ignore it, and it steps down at once.
 */
export function shareConnection(config: SharedConnectionConfig): SharedConnection {
  const env = config.environment ?? browserTabEnvironment();
  const { store, network } = config;
  let name: string | undefined;
  let channel: TabChannel | undefined;
  let closed = false;
  let suspended = false;
  let leading = false;
  /** The highest epoch seen (this tab's own while it leads). */
  let epoch = 0;
  let seq = 0;
  let newest = { epoch: 0, seq: 0 };
  let heardAt = Date.now();
  let leaderVisible = true;
  let lastError: SharedError | null = null;
  let release: (() => void) | undefined;
  let waiting: AbortController | undefined;
  let stopBeating: (() => void) | undefined;
  /** The network was started before the election (no leader seen lately): see `dropEarlyConnection`. */
  let early = false;
  const hintKey = `flagcast:leader:${config.key}`;
  const hint = env.leaderHint;

  const post = (message: TabMessage) => {
    try {
      channel?.postMessage(message);
    } catch {
      // a closed channel (the page is going away): nothing to tell
    }
  };

  function postState(isBeat: boolean): void {
    const state = store.getState();
    const error = state.error && { code: state.error.code, message: state.error.message, status: state.error.status, url: state.error.url };
    post({ kind: 'state', epoch, beat: isBeat, status: state.status, digest: state.digest, source: state.source, connection: state.connection, transport: state.transport, error, visible: env.visible() });
  }

  function postSnapshot(snapshot: Snapshot): void {
    const state = store.getState();
    post({ kind: 'snapshot', epoch, seq: ++seq, digest: state.digest, source: state.source, updatedAt: state.updatedAt, json: JSON.stringify(snapshot) });
  }

  function becomeLeader(): void {
    leading = true;
    early = false;
    hint?.write(hintKey, Date.now());
    // Milliseconds with random low digits: two tabs stealing in the same millisecond still differ.
    epoch = Math.max(epoch + 1, Date.now() * 1000 + Math.floor(Math.random() * 1000));
    seq = 0;
    store.patch({ role: 'leader' });
    postState(true);
    // What the early connection already delivered: followers that said hello before now have it.
    const snapshot = store.getSnapshot();
    if (snapshot && store.getState().source === 'network') postSnapshot(snapshot);
    network.start(); // resumes by the digest in hand: a change made during the handover arrives
  }

  function stepDown(): void {
    if (!leading) return;
    leading = false;
    hint?.write(hintKey, 0);
    network.stop();
    release?.();
    release = undefined;
    heardAt = Date.now();
    store.patch({ role: 'follower' });
  }

  /**
   * Asks for the lock: `wait` queues for it, `steal` takes it from a leader that stopped beating,
   * `probe` takes it only when nobody holds it (a tab that started its network before the
   * election learns at once whether another tab already leads).
   */
  function requestLock(how: 'wait' | 'steal' | 'probe'): void {
    if (closed || suspended || leading || !name) return;
    if (how === 'steal') waiting?.abort();
    else if (waiting) return;
    const controller = new AbortController();
    waiting = controller;
    let held = false;
    const options: LockOptions = how === 'steal' ? { steal: true } : how === 'probe' ? { ifAvailable: true } : { signal: controller.signal };
    env.locks
      .request(name, options, (lock) => {
        if (waiting === controller) waiting = undefined;
        if (closed || suspended || controller.signal.aborted) return undefined;
        if (!lock) {
          // Another tab leads: give up the early connection and queue for the lock.
          dropEarlyConnection();
          requestLock('wait');
          return undefined;
        }
        held = true;
        return new Promise<void>((resolve) => {
          release = resolve;
          becomeLeader();
        });
      })
      .catch(() => {
        // AbortError: our wait was called off, or another tab stole the lock from us.
      })
      .finally(() => {
        if (waiting === controller) waiting = undefined;
        if (held && leading) {
          // The lock was taken from us (we were frozen or slow): stop at once, follow, wait again.
          stepDown();
          requestLock('wait');
        }
      });
  }

  /** The network started before the election, and another tab leads (or this one leaves): one stream per browser. */
  function dropEarlyConnection(): void {
    if (!early) return;
    early = false;
    if (!leading) network.stop();
  }

  function reviveError(shared: SharedError | null): FlagClientError | null {
    if (!shared) return (lastError = null);
    const current = store.getState().error;
    if (current && lastError && lastError.code === shared.code && lastError.message === shared.message) return current;
    lastError = shared;
    return new FlagClientError(shared.code, shared.message, { status: shared.status, url: shared.url });
  }

  function onMessage(message: TabMessage): void {
    if (message.kind === 'hello') {
      if (!leading) return;
      postState(false);
      const snapshot = store.getSnapshot();
      if (snapshot && store.getState().source === 'network' && message.digest !== store.getState().digest) postSnapshot(snapshot);
      return;
    }
    if (message.kind === 'refresh') {
      if (leading) network.refresh().catch(() => {}); // a failure comes back through the state
      return;
    }
    if (message.epoch < epoch) return; // a leader that has been replaced
    dropEarlyConnection(); // another tab leads
    if (leading) {
      if (message.epoch === epoch) return;
      stepDown(); // a newer leader exists: two leaders never both apply
      requestLock('wait');
    }
    if (message.epoch > epoch) heardAt = Date.now();
    epoch = message.epoch;
    if (message.kind === 'state') {
      if (message.beat) heardAt = Date.now();
      leaderVisible = message.visible;
      const error = reviveError(message.error);
      const mine = store.getState();
      // The same flags as the leader's (read from the cache, say): from the same source, too.
      const source = store.getSnapshot() && message.digest && message.digest === mine.digest ? message.source : mine.source;
      store.patch({ connection: message.connection, transport: message.transport, error, source });
      if (message.status === 'error' && error) store.fail(error);
    } else if (message.kind === 'snapshot') {
      heardAt = Date.now();
      if (message.epoch === newest.epoch && message.seq <= newest.seq) return; // never back to an older one
      newest = { epoch: message.epoch, seq: message.seq };
      try {
        store.apply(parseSnapshot(message.json), message.source, message.digest, message.updatedAt);
      } catch (error) {
        store.patch({ error: new FlagClientError('INVALID_SNAPSHOT', `another tab sent an invalid snapshot: ${(error as Error).message}`) });
      }
    }
  }

  function tick(): void {
    if (leading) {
      hint?.write(hintKey, Date.now());
      return postState(true);
    }
    const limit = leaderVisible ? config.leaderTimeoutMs : Math.max(config.leaderTimeoutMs, HIDDEN_LEADER_TIMEOUT_MS);
    if (env.visible() && Date.now() - heardAt > limit) {
      heardAt = Date.now();
      requestLock('steal');
    }
  }

  function join(): void {
    if (closed || suspended || !name || channel) return;
    channel = env.openChannel(name);
    channel.onmessage = (event) => onMessage(event.data as TabMessage);
    heardAt = Date.now();
    post({ kind: 'hello', digest: store.getState().digest });
    requestLock(early ? 'probe' : 'wait');
    stopBeating = env.every(config.heartbeatMs, tick);
  }

  /** Lets the lock and the channel go (bfcache, freeze, close): another tab leads at once. */
  function leave(): void {
    stepDown();
    dropEarlyConnection();
    waiting?.abort();
    waiting = undefined;
    stopBeating?.();
    stopBeating = undefined;
    channel?.close();
    channel = undefined;
  }

  function suspend(): void {
    suspended = true;
    leave();
  }

  function wake(): void {
    if (!suspended) return;
    suspended = false;
    join(); // says hello: the leader answers with what this tab missed
  }

  const unsubscribe = store.subscribe(() => {
    if (leading) postState(false);
  });
  const removers = [
    // Back/forward cache: a page in it must not hold or wait for the lock (also before it joined).
    env.on('pagehide', suspend),
    env.on('pageshow', (event) => {
      if (event.persisted) wake();
    }),
    // A frozen tab keeps its lock for ever: let it go as the page freezes, so a waiting tab
    // leads at once instead of after the (long, for a hidden leader) heartbeat timeout.
    env.on('freeze', suspend),
    env.on('resume', () => {
      if (suspended) return wake();
      // Frozen without a freeze event: the leader's stream may be silently dead, reconnect. A
      // follower's own timers stopped too: give the leader a fresh chance before judging it.
      heardAt = Date.now();
      if (leading) {
        network.stop();
        network.start();
      }
    }),
  ];

  // A tab that has not seen a leader lately connects now, before the election (which takes tens
  // of milliseconds in Chromium: hash, lock, channel), and hands over if another tab leads after
  // all. Its mark makes tabs opened in the same instant wait for the election instead.
  const seenAt = hint?.read(hintKey) ?? 0;
  if (!(Date.now() - seenAt < config.heartbeatMs * LEADER_HINT_BEATS)) {
    early = true;
    network.start();
    hint?.write(hintKey, Date.now()); // after the request is on its way
  }

  void Promise.resolve(config.after)
    .then(() => env.hash(`${config.key}\n${config.authorization ?? ''}`))
    .then((hash) => {
      name = `flagcast:${hash.slice(0, 32)}`;
      join();
    });

  return {
    publishSnapshot(snapshot) {
      if (leading) postSnapshot(snapshot);
    },
    isLeading: () => leading,
    askLeaderToRefresh: () => post({ kind: 'refresh' }),
    close() {
      if (closed) return;
      leave();
      closed = true;
      unsubscribe();
      for (const remove of removers) remove();
    },
  };
}
