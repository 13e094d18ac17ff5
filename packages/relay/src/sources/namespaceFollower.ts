import { createNetworkSource, FlagClientError, type NetworkSource, type Snapshot } from '@flagcast/core';
import type { Logger } from '../server/logger.js';
import type { SourceState, UpstreamNamespaceState } from './source.js';
import type { UpstreamSource } from './upstreamSource.js';

type NsError = NonNullable<UpstreamNamespaceState['error']>;

const ERROR_KINDS: Partial<Record<FlagClientError['code'], NsError['kind']>> = {
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'unauthorized',
  INVALID_SNAPSHOT: 'invalid-snapshot',
  NETWORK: 'unreachable',
  TIMEOUT: 'unreachable',
};

const MIB = 1024 * 1024;
const DEFAULTS = {
  maxSnapshotBytes: 32 * MIB,
  pollMs: 10_000,
  requestTimeoutMs: 10_000,
  heartbeatTimeoutMs: 45_000,
  silenceReconnectMs: 300_000,
  firstDeliveryTimeoutMs: 3_000,
  backoffMinMs: 500,
  backoffMaxMs: 30_000,
  refusedRetryMinMs: 30_000,
  refusedRetryMaxMs: 300_000,
  streamRetryMs: 300_000,
};

/** One namespace: core's network source delivering into the relay's state for it. */
export class NamespaceFollower {
  good: { snapshot: Snapshot; body: Buffer | undefined; digest: string } | undefined;
  mode: 'stream' | 'poll' = 'stream';
  private phase: UpstreamNamespaceState['phase'] = 'connecting';
  private error: NsError | null = null;
  lastError: SourceState['lastError'] = null;
  loads = 0;
  loadErrors = 0;
  lastLoadAt: string | null = null;
  private streamConnects = 0;
  private streamFailures = 0;
  private snapshotRequests = 0;
  private notModified = 0;
  private lastChangeAt: string | null = null;
  /** When the upstream last answered or sent a byte (a heartbeat too); start time before that. */
  private lastHeard = Date.now();
  private nextAttempt: { at: number; error: FlagClientError } | undefined;
  private closed = false;
  private readonly network: NetworkSource;
  private readonly log: Logger;

  constructor(
    private readonly source: UpstreamSource,
    readonly namespace: string,
    private readonly changed: () => void,
  ) {
    const o = source.options;
    this.log = o.logger;
    this.network = createNetworkSource(
      {
        endpoint: {
          url: source.base,
          namespace,
          environment: source.environment,
          authorization: o.token ? `Bearer ${o.token}` : o.jwt ? `JWT ${o.jwt}` : undefined,
          reference: undefined,
        },
        fetch: (input, init) => {
          if (String(input).includes('/stream')) this.streamConnects++;
          else (this.snapshotRequests++, this.loads++);
          return fetch(input, init);
        },
        transport: 'sse',
        pollIntervalMs: o.pollMs ?? DEFAULTS.pollMs,
        requestTimeoutMs: o.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
        streamIdleTimeoutMs: o.heartbeatTimeoutMs ?? DEFAULTS.heartbeatTimeoutMs,
        silentStreamTimeoutMs: o.silenceReconnectMs ?? DEFAULTS.silenceReconnectMs,
        firstDeliveryTimeoutMs: DEFAULTS.firstDeliveryTimeoutMs,
        minDelayMs: o.backoffMinMs ?? DEFAULTS.backoffMinMs,
        maxDelayMs: o.backoffMaxMs ?? DEFAULTS.backoffMaxMs,
        includeSnapshotInStream: true,
        // Core refuses larger snapshot bodies while reading them, and larger inline events.
        maxEventBytes: o.maxSnapshotBytes ?? DEFAULTS.maxSnapshotBytes,
        maxSnapshotBytes: o.maxSnapshotBytes ?? DEFAULTS.maxSnapshotBytes,
        refusedRetry: { minDelayMs: o.refusedRetryMinMs ?? DEFAULTS.refusedRetryMinMs, maxDelayMs: o.refusedRetryMaxMs ?? DEFAULTS.refusedRetryMaxMs },
        streamRetryMs: o.streamRetryMs ?? DEFAULTS.streamRetryMs,
      },
      {
        current: () => ({ digest: this.good?.digest, fromNetwork: !!this.good, hasSnapshot: !!this.good }),
        deliver: (snapshot, identity, body) => this.accept(snapshot, identity, body),
        confirmed: () => {
          // Our good digest is current upstream: whatever was wrong is over.
          this.notModified++;
          this.error = null;
        },
        connection: (state) => {
          if (state !== 'closed') this.nextAttempt = undefined;
          this.phase = state === 'open' ? (this.mode === 'stream' ? 'streaming' : 'polling') : state === 'retrying' ? 'backoff' : state === 'closed' ? 'stopped' : 'connecting';
        },
        polling: () => {
          this.mode = 'poll';
          this.log.info('upstream has no stream: polling its snapshot', this.fields());
        },
        streaming: () => {
          this.mode = 'stream';
          this.log.info('trying the upstream stream again', this.fields());
        },
        report: (error) => this.failed(error),
        opened: () => {
          this.phase = this.mode === 'stream' ? 'streaming' : 'polling';
          // The upstream answered: a connectivity problem or a refused token is over.
          if (this.error && this.error.kind !== 'invalid-snapshot') this.error = null;
        },
        alive: () => (this.lastHeard = Date.now()),
        waiting: (delayMs, error) => (this.nextAttempt = { at: Date.now() + delayMs, error }),
      },
    );
  }

  private fields(extra?: Record<string, unknown>): Record<string, unknown> {
    return { source: this.source.name, namespace: this.namespace, ...extra };
  }

  private accept(snapshot: Snapshot, identity: string | undefined, body: string | undefined): void {
    const digest = identity || (typeof snapshot.digest === 'string' ? snapshot.digest : '');
    this.lastLoadAt = new Date().toISOString();
    this.error = null;
    if (this.good && this.good.digest === digest) return;
    // Serve the upstream's bytes when its body's digest is the identity; else the corrected snapshot.
    const faithful = body !== undefined && snapshot.digest === digest;
    const served = snapshot.digest === digest ? snapshot : { ...snapshot, digest };
    this.good = { snapshot: served, body: faithful ? Buffer.from(body) : undefined, digest };
    this.lastChangeAt = this.lastLoadAt;
    this.log.info('upstream snapshot loaded', this.fields({ digest, flags: snapshot.flags.length }));
    this.changed();
  }

  private failed(error: FlagClientError): void {
    const kind = ERROR_KINDS[error.code] ?? 'upstream-error';
    if (kind === 'invalid-snapshot') this.loadErrors++;
    if (error.url?.includes('/stream') || error.code === 'STREAM_ERROR') this.streamFailures++;
    const at = new Date().toISOString();
    // Unreachable: say since when (a hung upstream that holds its stream's headers looks idle).
    const message = kind === 'unreachable' ? `${error.message} (nothing heard from the upstream for ${Math.round((Date.now() - this.lastHeard) / 1000)} s)` : error.message;
    this.error = { at, kind, message };
    this.lastError = { at, message, namespace: this.namespace };
    const level = kind === 'unauthorized' || kind === 'invalid-snapshot' ? 'error' : 'warn';
    this.log[level](kind === 'invalid-snapshot' ? 'upstream snapshot rejected; still serving the last good one' : 'upstream problem', this.fields({ error: message, digest: this.good?.digest ?? null }));
  }

  info(): UpstreamNamespaceState {
    const now = Date.now();
    const next = this.nextAttempt && !this.closed ? this.nextAttempt : undefined;
    return {
      namespace: this.namespace,
      mode: this.mode,
      phase: this.closed ? 'closed' : this.phase,
      digest: this.good?.digest ?? null,
      error: this.error,
      streamConnects: this.streamConnects,
      streamFailures: this.streamFailures,
      snapshotRequests: this.snapshotRequests,
      notModified: this.notModified,
      lastChangeAt: this.lastChangeAt,
      lastHeardAt: new Date(this.lastHeard).toISOString(),
      silentForMs: now - this.lastHeard,
      nextAttemptAt: next ? new Date(next.at).toISOString() : null,
      waitingFor: next ? `the next attempt in ${Math.max(0, Math.ceil((next.at - now) / 1000))} s, after: ${next.error.message}` : null,
    };
  }

  /** A conditional GET now; resolves with the failure's message, or undefined on success. */
  async refresh(): Promise<string | undefined> {
    try {
      await this.network.refresh();
      return undefined;
    } catch (error) {
      this.failed(error as FlagClientError);
      return (error as Error).message;
    }
  }

  follow(): void {
    if (!this.closed) this.network.start();
  }

  /** Refreshes; a namespace refused by a 401/403 and waiting for its next attempt tries now. */
  async reload(): Promise<string | undefined> {
    const failure = await this.refresh();
    if (failure) return failure;
    if (this.phase === 'stopped') {
      this.network.stop();
      this.follow();
    }
    return failure;
  }

  close(): void {
    this.closed = true;
    this.network.stop();
  }
}
