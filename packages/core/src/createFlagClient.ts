import type {
  BatchEvaluationResponse,
  BooleanEvaluationResponse,
  EvaluationRequest,
  Snapshot,
  VariantEvaluationResponse,
} from './types.js';
import { Engine } from './engine.js';
import { parseSnapshot } from './parseSnapshot.js';
import { EvaluationError, FlagClientError } from './errors.js';
import { changedFlags, fingerprintFlags, type FlagFingerprints } from './changedFlags.js';
import { indexedDbCache, type CacheEntry, type SnapshotCache } from './cache/snapshotCache.js';
import type { Endpoint } from './transport/endpoints.js';
import { fetchSnapshot } from './transport/fetchSnapshot.js';
import { readStream, type StreamMessage } from './transport/streamTransport.js';
import { runConnectionLoop, type ConnectionState } from './transport/connectionLoop.js';
import { isFatal } from './transport/httpError.js';

export type { ConnectionState } from './transport/connectionLoop.js';
export type { CacheEntry, SnapshotCache } from './cache/snapshotCache.js';

export interface FlagClientOptions {
  /** Base URL of a Flipt server (v2) or a Flagcast relay. */
  url: string;
  /** Default `default`. */
  namespace?: string;
  /** Default `default`. */
  environment?: string;
  /** Sent as `Authorization: Bearer <clientToken>` or `Authorization: JWT <jwtToken>`; never cached. */
  authentication?: { clientToken: string } | { jwtToken: string };
  /** `sse` (default): live over Server-Sent Events; `poll`: ETag polling; `none`: bootstrap/cache only. */
  transport?: 'sse' | 'poll' | 'none';
  /** Polling interval for `transport: 'poll'`. Default 30 s. */
  pollIntervalMs?: number;
  /** `indexeddb` (default where IndexedDB exists), `none`, or your own storage. */
  cache?: 'indexeddb' | 'none' | SnapshotCache;
  /** A snapshot (object or JSON text) to evaluate with at once: SSR, inline data. */
  bootstrap?: unknown;
  /** A fetch implementation. Default: the global one. */
  fetch?: typeof fetch;
  /** Timeout of each snapshot request. Default 10 s. */
  requestTimeoutMs?: number;
  /** Silence after which a stream that sends heartbeats (the relay) is reconnected. Default 45 s. */
  streamIdleTimeoutMs?: number;
  /** Silence after which a stream without heartbeats (Flipt) is reconnected. Default 5 min. */
  silentStreamTimeoutMs?: number;
  /** Reconnect backoff (full jitter between 0 and min·2^attempt, capped). Default 1 s to 30 s. */
  retry?: { minDelayMs?: number; maxDelayMs?: number };
  /** Ask a relay to send snapshots inside stream events (a Flipt server ignores it). Default true. */
  includeSnapshotInStream?: boolean;
  /** Largest stream event accepted, in characters. Default 16 MiB. */
  maxEventBytes?: number;
  /**
   * `false`: only the bootstrap snapshot is used until `start()` (no cache read, no request):
   * for frameworks that create a client during render and connect once mounted. Default true.
   */
  autoStart?: boolean;
}

export type ClientStatus = 'loading' | 'ready' | 'error' | 'closed';
export type SnapshotSource = 'none' | 'bootstrap' | 'cache' | 'network';

/** The client's state; the same object until something in it changes. */
export interface FlagClientState {
  readonly status: ClientStatus;
  readonly source: SnapshotSource;
  readonly connection: ConnectionState;
  /** The last problem (the client keeps its last good snapshot), or null. */
  readonly error: FlagClientError | null;
  readonly digest: string | undefined;
  /**
   * When the current snapshot was received (ms since the epoch); for flags read from the cache,
   * when they were saved there. How old the flags are when offline.
   */
  readonly updatedAt: number | undefined;
}

export interface FlagClientEvent {
  /** `snapshot`: flag definitions changed; `status`: only the state did. */
  readonly type: 'snapshot' | 'status';
  /** Keys of flags added, removed or changed (empty for `status`). */
  readonly changedFlags: readonly string[];
}

/** A context for the safe API: numbers, booleans and dates are turned into strings. */
export type LooseContext = Record<string, string | number | boolean | bigint | Date | null | undefined>;

export interface FlagClient extends FlagClientState {
  /** Resolves once flags can be evaluated; rejects only if they never can (e.g. 401 and no snapshot). */
  ready(): Promise<void>;
  /** The store contract: calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (event: FlagClientEvent) => void): () => void;
  getState(): FlagClientState;
  /** The last good snapshot, as received (for SSR bootstrap). */
  getSnapshot(): Snapshot | undefined;
  /** The engine for the current snapshot (undefined before the first one). */
  getEngine(): Engine | undefined;
  /** As `Engine#evaluateVariant`; throws EvaluationError (code `NOT_READY` before the first snapshot). */
  evaluateVariant(request: EvaluationRequest): VariantEvaluationResponse;
  evaluateBoolean(request: EvaluationRequest): BooleanEvaluationResponse;
  evaluateBatch(requests: EvaluationRequest[]): BatchEvaluationResponse;
  /** A boolean flag's value, or `defaultValue` when it cannot be evaluated. Never throws. */
  getBoolean(flagKey: string, defaultValue: boolean, entityId: string, context?: LooseContext): boolean;
  /** A variant flag's variant key, or `defaultVariantKey` when none. Never throws. */
  getVariant(flagKey: string, defaultVariantKey: string, entityId: string, context?: LooseContext): string;
  /** Fetches the snapshot now (conditional GET). */
  refresh(): Promise<void>;
  /** Reads the cache and connects, for a client created with `autoStart: false` (else a no-op). */
  start(): void;
  /** Stops every connection and timer; nothing fires afterwards. */
  close(): void;
}

/**
 * A live client for one namespace: evaluates from a bootstrap snapshot or the cache before the
 * network answers, stays current over SSE (or polling), survives network faults, and tells each
 * listener which flags changed.
 *
 * @example
 * const client = createFlagClient({ url: 'http://localhost:8787' });
 * await client.ready();
 * client.getBoolean('new-checkout', false, 'user-1', { plan: 'pro' });
 */
export function createFlagClient(options: FlagClientOptions): FlagClient {
  const namespace = options.namespace ?? 'default';
  const environment = options.environment ?? 'default';
  const auth = options.authentication;
  const endpoint: Endpoint = {
    url: options.url,
    namespace,
    environment,
    authorization: auth ? ('clientToken' in auth ? `Bearer ${auth.clientToken}` : `JWT ${auth.jwtToken}`) : undefined,
  };
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const cacheKey = `${options.url}|${environment}|${namespace}`;
  const noIndexedDb = typeof indexedDB === 'undefined';
  let cache: SnapshotCache | undefined =
    options.cache === 'none' ? undefined : typeof options.cache === 'object' ? options.cache : noIndexedDb ? undefined : indexedDbCache();
  /** A cache call; a method that throws synchronously counts as a failed promise. */
  const cached = <T>(call: (cache: SnapshotCache) => Promise<T>) => new Promise<T>((resolve) => resolve(call(cache!)));

  const listeners = new Set<(event: FlagClientEvent) => void>();
  let state: FlagClientState = { status: 'loading', source: 'none', connection: 'idle', error: null, digest: undefined, updatedAt: undefined };
  let snapshot: Snapshot | undefined;
  let engine: Engine | undefined;
  let fingerprints: FlagFingerprints = new Map();
  let etag: string | undefined;
  let closed = false;
  let stopTransport: (() => void) | undefined;
  const lifetime = new AbortController();
  let settleReady: { resolve(): void; reject(error: unknown): void } | undefined;
  /** Settles when the cache read is done (at once when there is none). */
  let cacheRead: Promise<void> = Promise.resolve();
  const readyPromise = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
  readyPromise.catch(() => {}); // an unobserved rejection is not an error here

  function update(patch: Partial<FlagClientState>, changed: readonly string[] = []): void {
    if (closed) return;
    const next = { ...state, ...patch };
    const same = (Object.keys(next) as (keyof FlagClientState)[]).every((key) => next[key] === state[key]);
    if (same && !changed.length) return;
    if (!same) state = next;
    if (state.status === 'ready') settleReady?.resolve();
    const event: FlagClientEvent = { type: changed.length ? 'snapshot' : 'status', changedFlags: changed };
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not break the client or the other listeners.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  /** Installs a validated snapshot; a snapshot with the current digest changes nothing. */
  function apply(next: Snapshot, source: SnapshotSource, nextEtag: string | undefined, updatedAt = Date.now()): void {
    if (closed) return;
    const digest = typeof next.digest === 'string' ? next.digest : nextEtag;
    if (snapshot && digest && digest === state.digest) {
      update({ source, error: source === 'network' ? null : state.error });
      return;
    }
    const nextFingerprints = fingerprintFlags(next);
    const changed = changedFlags(fingerprints, nextFingerprints);
    snapshot = next;
    engine = new Engine(next);
    fingerprints = nextFingerprints;
    etag = nextEtag ?? digest;
    // Only the network proves an earlier problem over (a cached snapshot after a 401 is not).
    update({ status: 'ready', source, digest, error: source === 'network' ? null : state.error, updatedAt }, changed);
    if (source === 'network' && cache && digest) {
      const entry: CacheEntry = { version: 1, digest, savedAt: Date.now(), snapshot: next };
      cached((c) => c.save(cacheKey, entry)).catch(cacheFailed);
    }
  }

  function cacheFailed(error: unknown): void {
    // Private mode, quota, a blocked database: keep working in memory, and say so once.
    if (!cache) return;
    cache = undefined;
    reportError(new FlagClientError('CACHE_UNAVAILABLE', `snapshot cache unavailable, flags are kept in memory only: ${(error as Error)?.message ?? error}`));
  }

  function reportError(error: FlagClientError): void {
    update({ error });
    // 401/403 with nothing to evaluate: final, unless the cache may still provide a snapshot.
    if (isFatal(error)) void cacheRead.then(() => fail(error));
  }

  /** Nothing to evaluate, and nothing coming: status `error`, `ready()` rejects. */
  function fail(error: FlagClientError): void {
    if (snapshot || closed) return;
    update({ status: 'error', error });
    settleReady?.reject(error);
  }

  async function refresh(): Promise<void> {
    const fetched = await fetchSnapshot(fetchImpl, endpoint, etag, options.requestTimeoutMs ?? 10_000, lifetime.signal);
    if (closed) return;
    if (fetched) apply(fetched.snapshot, 'network', fetched.etag);
    else update({ source: 'network', error: null });
  }

  async function onMessage(message: StreamMessage): Promise<void> {
    if (message.type === 'snapshot' && message.snapshot) {
      let next: Snapshot;
      try {
        next = parseSnapshot(message.snapshot);
      } catch (error) {
        reportError(new FlagClientError('INVALID_SNAPSHOT', `the stream sent an invalid snapshot: ${(error as Error).message}`));
        return;
      }
      apply(next, 'network', message.etag);
    } else if (message.type === 'refetchEvaluation') {
      if (!message.etag || message.etag !== state.digest || state.source !== 'network') await refresh();
    } else if (message.type === 'error') {
      const code = message.code === 16 ? 'UNAUTHORIZED' : message.code === 7 ? 'FORBIDDEN' : 'STREAM_ERROR';
      throw new FlagClientError(code, `the server reported: ${message.message ?? 'an error'} (code ${message.code})`);
    }
  }

  // Start: bootstrap, then cache, then network. A later source never loses to an earlier one.
  if (options.bootstrap != null) {
    try {
      apply(parseSnapshot(options.bootstrap), 'bootstrap', undefined);
    } catch (error) {
      reportError(new FlagClientError('INVALID_SNAPSHOT', `the bootstrap snapshot is invalid: ${(error as Error).message}`));
    }
  }
  const transport = options.transport ?? 'sse';
  /** With no transport, a client that has nothing to evaluate never will: say why, once. */
  const nothingToEvaluate = () => {
    if (transport === 'none') fail(state.error ?? new FlagClientError('NO_SNAPSHOT', 'nothing to evaluate: transport is "none" and there is no bootstrap or cached snapshot'));
  };
  /** Reads the cache, then connects: at once, or on `start()` with `autoStart: false`. */
  let started = false;
  function start(): void {
    if (started || closed) return;
    started = true;
    if (options.cache === 'indexeddb' && noIndexedDb) {
      reportError(new FlagClientError('CACHE_UNAVAILABLE', 'IndexedDB is not available here: flags are kept in memory only'));
    }
    if (cache && !snapshot) {
      cacheRead = cached((c) => c.load(cacheKey))
        .then((entry) => {
          if (closed || snapshot) return; // the network (or bootstrap) was first: never replace it
          const stored = entry as CacheEntry | undefined;
          if (!stored) return;
          try {
            if (stored.version !== 1 || typeof stored.digest !== 'string') throw new Error('unknown cache entry format');
            apply(parseSnapshot(stored.snapshot), 'cache', stored.digest, typeof stored.savedAt === 'number' ? stored.savedAt : undefined);
          } catch {
            cached((c) => c.remove(cacheKey)).catch(cacheFailed); // corrupt or outdated: drop it
          }
        }, cacheFailed)
        .finally(nothingToEvaluate);
    }
    if (transport !== 'none') {
      const retry = options.retry ?? {};
      stopTransport = runConnectionLoop({
        steadyDelayMs: transport === 'poll' ? (options.pollIntervalMs ?? 30_000) : 0,
        minDelayMs: retry.minDelayMs ?? 1_000,
        maxDelayMs: retry.maxDelayMs ?? 30_000,
        onConnection: (connection) => update({ connection }),
        onError: reportError,
        connect:
          transport === 'poll'
            ? async (_signal, markGood) => {
                await refresh();
                markGood();
                update({ connection: 'open' });
              }
            : (signal, markGood) =>
                readStream(
                  {
                    fetch: fetchImpl,
                    endpoint,
                    digest: state.source === 'network' ? state.digest : undefined,
                    includeSnapshot: options.includeSnapshotInStream ?? true,
                    idleTimeoutMs: options.streamIdleTimeoutMs ?? 45_000,
                    silentTimeoutMs: options.silentStreamTimeoutMs ?? 300_000,
                    maxEventBytes: options.maxEventBytes ?? 16 * 1024 * 1024,
                    onMessage,
                    onBadEvent: reportError,
                  },
                  signal,
                  markGood,
                  // Connected: a transient error from before is over (a cache failure is not).
                  () => update({ connection: 'open', error: state.error?.code === 'CACHE_UNAVAILABLE' ? state.error : null }),
                ),
      });
    } else if (!cache) {
      nothingToEvaluate();
    }
  }
  if (options.autoStart !== false) start();

  const requireEngine = (): Engine => engine ?? (() => { throw new EvaluationError('NOT_READY', 'no snapshot yet: await client.ready()'); })();

  const client: FlagClient = {
    get status() { return state.status; },
    get source() { return state.source; },
    get connection() { return state.connection; },
    get error() { return state.error; },
    get digest() { return state.digest; },
    get updatedAt() { return state.updatedAt; },
    ready: () => readyPromise,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    getState: () => state,
    getSnapshot: () => snapshot,
    getEngine: () => engine,
    evaluateVariant: (request) => requireEngine().evaluateVariant(request),
    evaluateBoolean: (request) => requireEngine().evaluateBoolean(request),
    evaluateBatch: (requests) => requireEngine().evaluateBatch(requests),
    getBoolean(flagKey, defaultValue, entityId, context) {
      try {
        return requireEngine().evaluateBoolean({ flagKey, entityId, context: toEvaluationContext(context) }).enabled;
      } catch {
        return defaultValue;
      }
    },
    getVariant(flagKey, defaultVariantKey, entityId, context) {
      try {
        return requireEngine().evaluateVariant({ flagKey, entityId, context: toEvaluationContext(context) }).variantKey || defaultVariantKey;
      } catch {
        return defaultVariantKey;
      }
    },
    refresh,
    start,
    close() {
      if (closed) return;
      state = { ...state, status: 'closed', connection: 'closed' };
      closed = true;
      listeners.clear();
      lifetime.abort();
      stopTransport?.();
    },
  };
  return client;
}

/**
 * A loose context as Flipt's SDKs send it: strings as they are, numbers and booleans as text,
 * dates as RFC 3339; null and undefined values are left out. Keys are data (`__proto__` too).
 */
export function toEvaluationContext(context: LooseContext | undefined): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(context ?? {})) {
    if (value != null) result[key] = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : String(value);
  }
  return result;
}
