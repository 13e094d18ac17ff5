import type { Engine } from '../engine/engine.js';
import type { FlagClientError } from '../errors.js';
import type { BatchEvaluationResponse, BooleanEvaluationResponse, EvaluationRequest, Snapshot, VariantEvaluationResponse } from '../types.js';
import type { SnapshotCache } from '../cache/snapshotCache.js';
import type { ConnectionState } from '../transport/connectionLoop.js';
import type { LooseContext } from './evaluationContext.js';
import type { FlagcastLogger } from './warnings.js';
import type { Exposure } from './exposures.js';
import type { BooleanFlagKey, FlagRegistry, VariantFlagKey, VariantKeyOf } from './flagRegistry.js';

export interface FlagClientOptions {
  /** Base URL of a Flipt server (v2, or v1 1.47+) or a Flagcast relay: absolute http(s). */
  url: string;
  /** Default `default`. */
  namespace?: string | undefined;
  /** Default `default`. */
  environment?: string | undefined;
  /** A git reference for git-backed Flipt stores (sent as `?reference=`). */
  reference?: string | undefined;
  /** Sent as `Authorization: Bearer <clientToken>` or `Authorization: JWT <jwtToken>`; never cached, never shared with other tabs. */
  authentication?: { clientToken: string } | { jwtToken: string } | undefined;
  /**
   * `sse` (default): live over Server-Sent Events, or ETag polling on its own against a server
   * without the stream (Flipt v1); `poll`: ETag polling; `none`: bootstrap/cache only.
   */
  transport?: 'sse' | 'poll' | 'none' | undefined;
  /** Polling interval (`transport: 'poll'`, or a server without the stream). Default 30 s. */
  pollIntervalMs?: number | undefined;
  /** `indexeddb` (default where IndexedDB exists), `none`, or your own storage. */
  cache?: 'indexeddb' | 'none' | SnapshotCache | undefined;
  /** A snapshot (object or JSON text) to evaluate with at once: SSR, inline data. */
  bootstrap?: unknown;
  /** A fetch implementation. Default: the global one. */
  fetch?: typeof fetch | undefined;
  /** Timeout of each snapshot request, body included. Default 10 s. */
  requestTimeoutMs?: number | undefined;
  /** Default bound of `ready()` without `timeoutMs`. Default 30 s. */
  readyTimeoutMs?: number | undefined;
  /** Silence after which a stream that sends heartbeats (the relay) is reconnected. Default 45 s. */
  streamIdleTimeoutMs?: number | undefined;
  /** Silence after which a stream without heartbeats (Flipt) is reconnected. Default 5 min. */
  silentStreamTimeoutMs?: number | undefined;
  /** With nothing to evaluate, GET the snapshot if the stream has delivered nothing after this. Default 3 s. */
  firstDeliveryTimeoutMs?: number | undefined;
  /** Reconnect backoff (full jitter between 0 and min·2^attempt, capped). Default 1 s to 30 s. */
  retry?: { minDelayMs?: number | undefined; maxDelayMs?: number | undefined } | undefined;
  /** Ask a relay to send snapshots inside stream events (a Flipt server ignores it). Default true. */
  includeSnapshotInStream?: boolean | undefined;
  /** Largest stream event accepted, in characters; a relay is asked not to inline larger snapshots. Default 16 MiB. */
  maxEventBytes?: number | undefined;
  /** Largest snapshot body accepted, in bytes: refused on `Content-Length`, or as soon as more arrives. Default 32 MiB. */
  maxSnapshotBytes?: number | undefined;
  /**
   * `shared` (default where Web Locks and BroadcastChannel exist): tabs of this origin that
   * follow the same url, environment, namespace and credentials share one connection; one tab
   * leads, the others follow over a BroadcastChannel. `own`: this client has its own connection.
   */
  tabs?: 'shared' | 'own' | undefined;
  /** How often a leading tab says it is alive. Default 5 s. */
  tabHeartbeatMs?: number | undefined;
  /** A visible follower that hears nothing from a visible leader for this long takes over. Default 20 s (75 s for a hidden leader). */
  tabLeaderTimeoutMs?: number | undefined;
  /**
   * `false`: only the bootstrap snapshot is used until `start()` (no cache read, no request):
   * for frameworks that create a client during render and connect once mounted. Default true.
   */
  autoStart?: boolean | undefined;
  /**
   * Called when `getBoolean`/`getVariant` or a React hook serves a flag value to an entity: the
   * first time, and again each time the value served to that entity changes (a default is not
   * an exposure). For experiment analytics: send it to your analytics tool. Never throws into
   * evaluation: an exception is rethrown asynchronously.
   */
  onExposure?: ((exposure: Exposure) => void) | undefined;
  /**
   * Where problems are reported, each distinct one once, as a warning: a definitive error
   * (400/401/403/404, with the URL and the server's message), a snapshot refused, a stream that
   * keeps failing, an unusable cache, and, in development builds, a flag a hook asks for that is
   * not in the snapshot. Nothing on the happy path. `console` by default; `false`: silent.
   */
  logger?: FlagcastLogger | false | undefined;
}

export type ClientStatus = 'loading' | 'ready' | 'error' | 'closed';
export type SnapshotSource = 'none' | 'bootstrap' | 'cache' | 'network';
/** `leader`: this tab holds the shared connection; `follower`: another tab does; `own`: not shared. */
export type TabRole = 'leader' | 'follower' | 'own';
/** How flags reach the client now: `poll` also when a server without the stream (Flipt v1) was detected. */
export type TransportMode = 'sse' | 'poll' | 'none';

/** The client's state; the same object until something in it changes. */
export interface FlagClientState {
  readonly status: ClientStatus;
  readonly source: SnapshotSource;
  readonly connection: ConnectionState;
  readonly transport: TransportMode;
  readonly role: TabRole;
  /** The last problem (the client keeps its last good snapshot), or null. */
  readonly error: FlagClientError | null;
  /** The snapshot's identity: its ETag, else its `digest`. */
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

export interface FlagClient extends FlagClientState {
  /**
   * Resolves once flags can be evaluated. Rejects with a FlagClientError when they cannot be:
   * at once after a definitive answer with nothing to evaluate (400, 401, 403, 404), with code
   * `TIMEOUT` after `timeoutMs` (default `readyTimeoutMs`, 30 s), `CLOSED` on close. The client
   * keeps trying after a rejection (except after 401/403).
   */
  ready(options?: { timeoutMs?: number | undefined }): Promise<void>;
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
  /** A boolean flag's value, or `defaultValue` when it cannot be evaluated. Never throws. Reports an exposure (`onExposure`). */
  getBoolean<C extends LooseContext<C>>(flagKey: BooleanFlagKey, defaultValue: boolean, entityId: string, context?: C): boolean;
  /**
   * A variant flag's variant key, or `defaultVariantKey` when none. Never throws. Reports an
   * exposure (`onExposure`). With a {@link FlagRegistry}, typed as the flag's variant keys or the default.
   */
  getVariant<C extends LooseContext<C>, K extends VariantFlagKey = VariantFlagKey, D extends string = string>(
    flagKey: K,
    defaultVariantKey: D,
    entityId: string,
    context?: C,
  ): VariantKeyOf<K> | D;
  /** Fetches the snapshot now (conditional GET); a follower tab asks its leader to. */
  refresh(): Promise<void>;
  /** Reads the cache and connects, for a client created with `autoStart: false` (else a no-op). */
  start(): void;
  /** Stops every connection and timer; nothing fires afterwards. */
  close(): void;
}
