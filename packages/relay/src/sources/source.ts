import type { Snapshot } from '@flagcast/core';
import type { EncodedBodies } from '../shared/compression.js';

/** A complete set of namespace snapshots for one environment; replaces the previous set. */
export interface SourceUpdate {
  environment: string;
  snapshots: ReadonlyMap<string, Snapshot>;
  /**
   * The JSON bytes to serve for a namespace, when the source has them as received (an upstream
   * Flipt): served as they are instead of re-serializing the snapshot. Absent: serialized once.
   */
  bodies?: ReadonlyMap<string, Buffer>;
  /** Compressed forms of `bodies`, when the source made them (off the event loop). */
  encoded?: ReadonlyMap<string, EncodedBodies>;
}

/** What `/healthz` and `/metrics` report for a source. */
export interface SourceState {
  name: string;
  kind: string;
  /** True while the last load succeeded (or nothing failed since the last good load). */
  ok: boolean;
  namespaces: number;
  loads: number;
  loadErrors: number;
  lastLoadAt: string | null;
  lastError: { at: string; message: string; file?: string; line?: number; column?: number; namespace?: string } | null;
  /**
   * File sources, after a failed load: what the next load waits for, e.g. `a change to the flag
   * files` (a bad edit), or `a retry at <time> (EMFILE)` (a read that failed and may not again).
   */
  waitingFor?: string;
  /** File sources: when a failed load is tried again (ISO time), while one is scheduled. */
  retryAt?: string;
  /** `ok`, or `error` while something is wrong (the last good snapshots keep serving). */
  state?: 'ok' | 'error';
  /** Upstream sources: the connection to Flipt, per namespace. */
  upstream?: UpstreamState;
}

/** How an upstream source follows each namespace. */
export interface UpstreamState {
  url: string;
  environment: string;
  namespaces: UpstreamNamespaceState[];
}

export interface UpstreamNamespaceState {
  namespace: string;
  /** `stream`: following Flipt's v2 stream; `poll`: polling the snapshot with `If-None-Match`. */
  mode: 'stream' | 'poll';
  /**
   * What it is doing now; `stopped` after a 401/403, until its next attempt (`nextAttemptAt`,
   * backing off up to minutes) or a `reload()`.
   */
  phase: 'connecting' | 'streaming' | 'polling' | 'backoff' | 'stopped' | 'closed';
  /** Digest of the snapshot served (the upstream's ETag), if any. */
  digest: string | null;
  /** The current problem, if any (cleared by the next success). */
  error: { at: string; kind: 'unauthorized' | 'invalid-snapshot' | 'unreachable' | 'upstream-error'; message: string } | null;
  streamConnects: number;
  streamFailures: number;
  snapshotRequests: number;
  notModified: number;
  lastChangeAt: string | null;
  /** When the upstream last answered or sent anything (heartbeats too), or when following began. */
  lastHeardAt: string;
  /**
   * Since `lastHeardAt`. A Flipt stream is silent while nothing changes; past the silence bound a
   * conditional GET checks the upstream, and a failure shows as `unreachable`.
   */
  silentForMs: number;
  /** After a failure: when the next attempt is due (a 401/403 is retried, minutes apart). */
  nextAttemptAt: string | null;
  /** What it is waiting for, in words: the next attempt and the failure before it. */
  waitingFor: string | null;
}

/**
 * Where snapshots come from (a flag file today; an upstream Flipt later). A source pushes a full
 * update per environment whenever its data changes; a failed load keeps the last update.
 */
export interface Source {
  readonly name: string;
  readonly kind: string;
  /** Loads once (rejects when the first load fails), then keeps `onUpdate` informed. */
  start(onUpdate: (update: SourceUpdate) => void): Promise<void>;
  /** Loads again now; resolves with whether the load succeeded. */
  reload(): Promise<boolean>;
  close(): Promise<void>;
  state(): SourceState;
}
