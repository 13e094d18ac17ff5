import { FlagClientError, type Snapshot } from '@flagcast/core';
import { createNetworkSource, FOLLOWER_DEFAULTS, type NetworkSource } from '@flagcast/core/network';
import type { Logger } from '../shared/logger.js';
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

/** Core's follower defaults under the relay's option names; the relay polls and retries sooner than a browser. */
const DEFAULTS = {
  maxSnapshotBytes: FOLLOWER_DEFAULTS.maxSnapshotBytes,
  pollMs: 10_000,
  requestTimeoutMs: FOLLOWER_DEFAULTS.requestTimeoutMs,
  heartbeatTimeoutMs: FOLLOWER_DEFAULTS.streamIdleTimeoutMs,
  silenceReconnectMs: FOLLOWER_DEFAULTS.silentStreamTimeoutMs,
  firstDeliveryTimeoutMs: FOLLOWER_DEFAULTS.firstDeliveryTimeoutMs,
  backoffMinMs: 500,
  backoffMaxMs: FOLLOWER_DEFAULTS.maxDelayMs,
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
  /** While refused (401/403): when it asks again, and after what. */
  private nextAttempt: { at: number; after: string; timer: ReturnType<typeof setTimeout> } | undefined;
  private refusals = 0;
  private closed = false;
  private network: NetworkSource;
  /** Polling because the stream answered 404: when to try the stream again. */
  private streamRetry: ReturnType<typeof setTimeout> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly source: UpstreamSource,
    readonly namespace: string,
    private readonly changed: () => void,
  ) {
    this.log = source.options.logger;
    this.network = this.connect();
  }

  /** Core's network source for this namespace, starting with the stream. */
  private connect(): NetworkSource {
    const { source, namespace } = this;
    const o = source.options;
    return createNetworkSource(
      {
        endpoint: {
          url: source.base,
          namespace,
          environment: source.environment,
          authorization: o.token ? `Bearer ${o.token}` : o.jwt ? `JWT ${o.jwt}` : undefined,
          reference: undefined,
        },
        fetch: (input, init) => this.fetch(String(input), init),
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
          if (state === 'closed' && !this.closed) this.askAgainLater();
          this.phase = state === 'open' ? (this.mode === 'stream' ? 'streaming' : 'polling') : state === 'retrying' ? 'backoff' : state === 'closed' ? 'stopped' : 'connecting';
        },
        polling: () => {
          this.mode = 'poll';
          this.log.info('upstream has no stream: polling its snapshot', this.fields());
          // Its stream may come back (a 404 during a deploy): a fresh network source tries it later.
          clearTimeout(this.streamRetry);
          this.streamRetry = setTimeout(() => this.retryStream(), o.streamRetryMs ?? DEFAULTS.streamRetryMs);
        },
        report: (error) => this.failed(error),
        opened: () => {
          this.phase = this.mode === 'stream' ? 'streaming' : 'polling';
          // The upstream answered: a connectivity problem or a refused token is over.
          if (this.error && this.error.kind !== 'invalid-snapshot') this.error = null;
        },
      },
    );
  }

  /** Counts requests, and notes every sign of life: an answer, and each chunk of a stream (heartbeats too). */
  private async fetch(url: string, init: RequestInit | undefined): Promise<Response> {
    const stream = url.includes('/stream');
    if (stream) this.streamConnects++;
    else (this.snapshotRequests++, this.loads++);
    const response = await fetch(url, init);
    this.lastHeard = Date.now();
    if (!stream || !response.body) return response;
    const heard = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        this.lastHeard = Date.now();
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(heard), { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /**
   * Refused (401/403): core's loop has stopped; ask again with a conditional GET (a Flipt stream
   * would hold its headers, telling nothing) after a wait between half of and all of
   * min·2^refusals, capped; follow again once it is answered.
   */
  private askAgainLater(): void {
    const o = this.source.options;
    const ceiling = Math.min(o.refusedRetryMaxMs ?? DEFAULTS.refusedRetryMaxMs, (o.refusedRetryMinMs ?? DEFAULTS.refusedRetryMinMs) * 2 ** this.refusals++);
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    clearTimeout(this.nextAttempt?.timer);
    const timer = setTimeout(() => {
      this.nextAttempt = undefined;
      void this.reload().then((failure) => {
        if (!failure || this.closed || this.nextAttempt) return;
        if (this.error?.kind === 'unauthorized') this.askAgainLater();
        else this.restart(); // answered otherwise: the loop's own backoff takes over
      });
    }, delay);
    this.nextAttempt = { at: Date.now() + delay, after: this.error?.message ?? 'a refusal', timer };
  }

  private retryStream(): void {
    if (this.closed || this.mode !== 'poll' || this.phase === 'stopped') return;
    this.log.info('trying the upstream stream again', this.fields());
    this.network.stop();
    this.mode = 'stream';
    this.network = this.connect();
    this.network.start();
  }

  private restart(): void {
    clearTimeout(this.nextAttempt?.timer);
    this.nextAttempt = undefined;
    this.network.stop();
    this.follow();
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
      waitingFor: next ? `the next attempt in ${Math.max(0, Math.ceil((next.at - now) / 1000))} s, after: ${next.after}` : null,
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

  /** Refreshes; a namespace refused by a 401/403 (waiting for its next attempt) follows again at once. */
  async reload(): Promise<string | undefined> {
    const failure = await this.refresh();
    if (failure) return failure;
    if (this.phase === 'stopped' && !this.closed) {
      this.refusals = 0;
      this.restart();
    }
    return failure;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.nextAttempt?.timer);
    clearTimeout(this.streamRetry);
    this.network.stop();
  }
}
