import type { Snapshot } from '../types.js';
import { Engine } from '../engine/engine.js';
import { FlagClientError } from '../errors.js';
import { changedFlags, fingerprintFlags, type FlagFingerprints } from '../snapshot/changedFlags.js';
import type { FlagClientEvent, FlagClientState, SnapshotSource } from './clientTypes.js';
import { reportLater } from './reportLater.js';

/**
 * The one place a client's flags and state live. Sources (bootstrap, cache, network, another
 * tab) only deliver to it; it installs validated snapshots (a snapshot with the current
 * identity changes nothing), computes the changed flags once, and tells every listener once.
 */
export interface FlagStore {
  getState(): FlagClientState;
  getSnapshot(): Snapshot | undefined;
  getEngine(): Engine | undefined;
  subscribe(listener: (event: FlagClientEvent) => void): () => void;
  /**
   * Calls `listener` only when flag `flagKey` changed, or when a result may have changed for a
   * reason outside the flag (the first snapshot turns `NOT_READY` into a result, or into
   * `FLAG_NOT_FOUND`). Keyed: a change to one flag wakes only its observers.
   */
  subscribeFlag(flagKey: string, listener: () => void): () => void;
  /** A value that is the same (`===`) as long as an evaluation of `flagKey` gives the same result. */
  versionOf(flagKey: string): unknown;
  /** The state and engine as they were when the client was created (its bootstrap): what a server rendered with. */
  getInitialState(): InitialState;
  /** Records the current state as the initial one (after the bootstrap). */
  keepInitialState(): void;
  /**
   * Installs `snapshot` unless it has the current identity (the ETag when there is one, else
   * its `digest`: new content under a stale `digest` field is never ignored). Returns whether
   * the flags changed.
   */
  apply(snapshot: Snapshot, source: SnapshotSource, identity: string | undefined, updatedAt?: number): boolean;
  /** Changes state fields (connection, transport, role, source, error); notifies when one changed. */
  patch(patch: Partial<Omit<FlagClientState, 'status' | 'digest' | 'updatedAt'>>): void;
  /** Nothing to evaluate and nothing coming: status `error`, `ready()` rejects (until a snapshot arrives). */
  fail(error: FlagClientError): void;
  /** Resolves once flags can be evaluated; rejects on `error` status, on close, or after `timeoutMs`. */
  ready(timeoutMs: number, describe: () => string): Promise<void>;
  close(): void;
}

export interface InitialState {
  readonly state: FlagClientState;
  readonly engine: Engine | undefined;
}

export function createFlagStore(initial: Pick<FlagClientState, 'role' | 'transport'>): FlagStore {
  const listeners = new Set<(event: FlagClientEvent) => void>();
  const waiters = new Set<() => void>();
  let state: FlagClientState = {
    status: 'loading',
    source: 'none',
    connection: 'idle',
    error: null,
    digest: undefined,
    updatedAt: undefined,
    ...initial,
  };
  let snapshot: Snapshot | undefined;
  let engine: Engine | undefined;
  let fingerprints: FlagFingerprints = new Map();
  let closed = false;
  /** Observers by flag key. */
  const keyed = new Map<string, Set<() => void>>();
  let initialState: InitialState | undefined;

  function set(patch: Partial<FlagClientState>, changed: readonly string[] = [], everyFlag = false): void {
    if (closed) return;
    const next = { ...state, ...patch };
    const same = (Object.keys(next) as (keyof FlagClientState)[]).every((key) => next[key] === state[key]);
    if (same && !changed.length) return;
    if (!same) state = next;
    for (const settle of [...waiters]) settle();
    const event: FlagClientEvent = { type: changed.length ? 'snapshot' : 'status', changedFlags: changed };
    for (const listener of [...listeners]) call(listener, event);
    // Only the observers of the changed flags (every observer when every result may differ).
    for (const key of everyFlag ? [...keyed.keys()] : changed) for (const listener of [...(keyed.get(key) ?? [])]) call(listener);
  }

  function call<T>(listener: (event: T) => void, event?: T): void {
    try {
      listener(event!);
    } catch (error) {
      // A listener's bug must not break the client or the other listeners.
      reportLater(error);
    }
  }

  return {
    getState: () => state,
    getSnapshot: () => snapshot,
    getEngine: () => engine,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    apply(next, source, identity, updatedAt = Date.now()) {
      if (closed) return false;
      const digest = identity || (typeof next.digest === 'string' ? next.digest : undefined);
      // Only the network proves an earlier problem over (a cached snapshot after a 401 is not).
      const error = source === 'network' ? null : state.error;
      if (snapshot && digest && digest === state.digest) {
        set({ source, error });
        return false;
      }
      const nextFingerprints = fingerprintFlags(next);
      const changed = changedFlags(fingerprints, nextFingerprints);
      const first = !engine;
      snapshot = next;
      engine = new Engine(next);
      fingerprints = nextFingerprints;
      set({ status: 'ready', source, digest, error, updatedAt }, changed, first);
      return true;
    },
    subscribeFlag(flagKey, listener) {
      const group = keyed.get(flagKey) ?? new Set();
      keyed.set(flagKey, group.add(listener));
      return () => {
        group.delete(listener);
        if (!group.size && keyed.get(flagKey) === group) keyed.delete(flagKey);
      };
    },
    // The flag's fingerprint; a key in no snapshot only depends on whether there is one (NOT_READY or FLAG_NOT_FOUND).
    versionOf: (flagKey) => fingerprints.get(flagKey) ?? !!engine,
    getInitialState: () => initialState!,
    keepInitialState() {
      initialState = {
        engine,
        // What a server rendering this bootstrap shows: not this process's connection, error or clock.
        state: { ...state, connection: 'idle', error: null, updatedAt: undefined },
      };
    },
    patch: (patch) => set(patch),
    fail(error) {
      if (!snapshot) set({ status: 'error', error });
      else set({ error });
    },
    ready(timeoutMs, describe) {
      return new Promise<void>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const settle = () => {
          let outcome: FlagClientError | null | undefined;
          if (state.status === 'ready') outcome = null;
          else if (state.status === 'error') outcome = state.error ?? new FlagClientError('NO_SNAPSHOT', `nothing to evaluate: ${describe()}`);
          else if (closed || state.status === 'closed') outcome = new FlagClientError('CLOSED', `the client was closed before flags could be evaluated (${describe()})`);
          if (outcome === undefined) return;
          waiters.delete(settle);
          clearTimeout(timer);
          if (outcome) reject(outcome);
          else resolve();
        };
        waiters.add(settle);
        settle();
        if (!waiters.has(settle) || timeoutMs === Infinity) return;
        timer = setTimeout(() => {
          waiters.delete(settle);
          const last = state.error ? `; last error: ${state.error.message}` : '';
          reject(new FlagClientError('TIMEOUT', `flags could not be evaluated within ${timeoutMs} ms (${describe()})${last}`));
        }, timeoutMs);
      });
    },
    close() {
      if (closed) return;
      state = { ...state, status: 'closed', connection: 'closed' };
      closed = true;
      listeners.clear();
      keyed.clear();
      for (const settle of [...waiters]) settle();
    },
  };
}
