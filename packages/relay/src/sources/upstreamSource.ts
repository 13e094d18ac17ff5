import { createNetworkSource, FlagClientError, type NetworkSource, type Snapshot } from '@flagcast/core';
import type { Logger } from '../shared/logger.js';
import type { Source, SourceState, SourceUpdate, UpstreamNamespaceState } from './source.js';

export interface UpstreamSourceOptions {
  /** Base URL of the upstream: a Flipt v2 server, a Flipt v1 server (1.47+), or another relay. */
  url: string;
  /** Client token, sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** A JWT, sent as `Authorization: JWT <jwt>` (Flipt's JWT authentication); not with `token`. */
  jwt?: string | undefined;
  /** Namespaces to follow (default `["default"]`). */
  namespaces?: string[] | undefined;
  /** Flipt environment to follow; also the environment the relay serves (default `default`). */
  environment?: string | undefined;
  /** Snapshot polling interval when the upstream has no stream (Flipt v1) (default 10 000 ms). */
  pollMs?: number | undefined;
  /** Timeout of each snapshot GET, body included (default 10 000 ms). */
  requestTimeoutMs?: number | undefined;
  /** Reconnect backoff, full jitter in [0, min(max, min·2^attempt)) (default 500 ms to 30 s). */
  backoffMinMs?: number | undefined;
  backoffMaxMs?: number | undefined;
  /**
   * Flipt sends no heartbeats and holds its headers until the first event, so silence is normal.
   * After this much of it the stream is reconnected with its digest (default 300 000 ms).
   */
  silenceReconnectMs?: number | undefined;
  /** Once a stream has sent heartbeats (a relay upstream), silence beyond this is a failure (default 45 000 ms). */
  heartbeatTimeoutMs?: number | undefined;
  /** Largest snapshot accepted, in characters (default 32 MiB). */
  maxSnapshotBytes?: number | undefined;
  logger: Logger;
}

type NsError = NonNullable<UpstreamNamespaceState['error']>;

/**
 * Follows namespaces of an upstream with core's network source, exactly as a browser client
 * follows a server: one stream per namespace (however many clients the relay serves), a
 * conditional GET on each `refetchEvaluation`, inline snapshots from a relay upstream, ETag
 * polling of a Flipt v1, `Retry-After`, backoff, 401/403 stops. Snapshots are validated by
 * core and served with the upstream's bytes; an invalid one never replaces the last good one.
 */
export class UpstreamSource implements Source {
  readonly kind = 'upstream';
  readonly name: string;
  readonly base: string;
  readonly environment: string;
  private readonly followers: NamespaceFollower[];
  private onUpdate: ((update: SourceUpdate) => void) | undefined;
  private started = false;
  private closed = false;

  constructor(readonly options: UpstreamSourceOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`upstream URL must be http(s): ${options.url}`);
    if (url.username || url.password) throw new Error('the upstream URL must not hold credentials: give the token as the upstream token');
    if (options.token && options.jwt) throw new Error('give the upstream either a client token or a JWT, not both');
    url.search = '';
    url.hash = '';
    this.base = url.href.replace(/\/+$/, '');
    this.environment = options.environment ?? 'default';
    const namespaces = [...new Set(options.namespaces?.length ? options.namespaces : ['default'])];
    this.name = `upstream:${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.followers = namespaces.map((ns) => new NamespaceFollower(this, ns, () => this.emit()));
  }

  async start(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    this.onUpdate = onUpdate;
    const results = await Promise.all(this.followers.map(async (f) => ({ namespace: f.namespace, failure: await f.refresh() })));
    const failures = results.flatMap(({ namespace, failure }) => (failure === undefined ? [] : [`${namespace}: ${failure}`]));
    if (failures.length > 0) {
      await this.close();
      throw new Error(`cannot load from upstream ${this.base}: ${failures.join('; ')}`);
    }
    this.started = true;
    this.emit();
    for (const f of this.followers) f.follow();
  }

  private emit(): void {
    if (!this.started || this.closed) return;
    const snapshots = new Map<string, Snapshot>();
    const bodies = new Map<string, Buffer>();
    for (const f of this.followers) {
      if (!f.good) continue;
      snapshots.set(f.namespace, f.good.snapshot);
      if (f.good.body) bodies.set(f.namespace, f.good.body);
    }
    this.onUpdate?.({ environment: this.environment, snapshots, bodies });
  }

  /** Fetches every namespace now (conditionally), and restarts namespaces stopped by a 401/403. */
  async reload(): Promise<boolean> {
    const results = await Promise.all(this.followers.map((f) => f.reload()));
    return results.every((message) => message === undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const f of this.followers) f.close();
  }

  state(): SourceState {
    const namespaces = this.followers.map((f) => f.info());
    let lastError: SourceState['lastError'] = null;
    for (const f of this.followers) {
      const e = f.lastError;
      if (e && (!lastError || e.at > lastError.at)) lastError = e;
    }
    const lastLoadAt = this.followers.reduce<string | null>((at, f) => (f.lastLoadAt && (!at || f.lastLoadAt > at) ? f.lastLoadAt : at), null);
    const ok = namespaces.every((n) => n.error === null);
    return {
      name: this.name,
      kind: this.kind,
      ok,
      state: ok ? 'ok' : 'error',
      namespaces: this.followers.filter((f) => f.good).length,
      loads: this.followers.reduce((n, f) => n + f.loads, 0),
      loadErrors: this.followers.reduce((n, f) => n + f.loadErrors, 0),
      lastLoadAt,
      lastError,
      upstream: { url: this.base, environment: this.environment, namespaces },
    };
  }
}

const ERROR_KINDS: Partial<Record<FlagClientError['code'], NsError['kind']>> = {
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'unauthorized',
  INVALID_SNAPSHOT: 'invalid-snapshot',
  NETWORK: 'unreachable',
  TIMEOUT: 'unreachable',
};

/** One namespace: core's network source delivering into the relay's state for it. */
class NamespaceFollower {
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
    const maxSnapshotBytes = o.maxSnapshotBytes ?? 32 * 1024 * 1024;
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
        pollIntervalMs: o.pollMs ?? 10_000,
        requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
        streamIdleTimeoutMs: o.heartbeatTimeoutMs ?? 45_000,
        silentStreamTimeoutMs: o.silenceReconnectMs ?? 300_000,
        firstDeliveryTimeoutMs: 3_000,
        minDelayMs: o.backoffMinMs ?? 500,
        maxDelayMs: o.backoffMaxMs ?? 30_000,
        includeSnapshotInStream: true,
        maxEventBytes: maxSnapshotBytes,
      },
      {
        current: () => ({ digest: this.good?.digest, fromNetwork: !!this.good, hasSnapshot: !!this.good }),
        deliver: (snapshot, identity, body) => {
          if (body !== undefined && body.length > maxSnapshotBytes) {
            return this.failed(new FlagClientError('INVALID_SNAPSHOT', `upstream snapshot of ${body.length} characters exceeds maxSnapshotBytes (${maxSnapshotBytes})`));
          }
          this.accept(snapshot, identity, body);
        },
        confirmed: () => {
          // Our good digest is current upstream: whatever was wrong (but a 401) is over.
          this.notModified++;
          if (this.error?.kind !== 'unauthorized') this.error = null;
        },
        connection: (state) => {
          this.phase = state === 'open' ? (this.mode === 'stream' ? 'streaming' : 'polling') : state === 'retrying' ? 'backoff' : state === 'closed' ? 'stopped' : 'connecting';
        },
        polling: () => {
          this.mode = 'poll';
          this.log.info('upstream has no stream: polling its snapshot', this.fields());
        },
        report: (error) => this.failed(error),
        opened: () => {
          this.phase = this.mode === 'stream' ? 'streaming' : 'polling';
          this.clearTransientError();
        },
      },
    );
  }

  private fields(extra?: Record<string, unknown>): Record<string, unknown> {
    return { source: this.source.name, namespace: this.namespace, ...extra };
  }

  private accept(snapshot: Snapshot, identity: string | undefined, body: string | undefined): void {
    const digest = identity || (typeof snapshot.digest === 'string' ? snapshot.digest : '');
    this.lastLoadAt = new Date().toISOString();
    if (this.error?.kind !== 'unauthorized') this.error = null;
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
    this.error = { at, kind, message: error.message };
    this.lastError = { at, message: error.message, namespace: this.namespace };
    const level = kind === 'unauthorized' || kind === 'invalid-snapshot' ? 'error' : 'warn';
    this.log[level](kind === 'invalid-snapshot' ? 'upstream snapshot rejected; still serving the last good one' : 'upstream problem', this.fields({ error: error.message, digest: this.good?.digest ?? null }));
  }

  /** Clears a connectivity error; an invalid snapshot or a 401 stays until its own fix. */
  private clearTransientError(): void {
    if (this.error && (this.error.kind === 'unreachable' || this.error.kind === 'upstream-error')) this.error = null;
  }

  info(): UpstreamNamespaceState {
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

  /** Refreshes; a namespace stopped by a 401/403 starts following again. */
  async reload(): Promise<string | undefined> {
    const failure = await this.refresh();
    if (failure) return failure;
    if (this.error?.kind === 'unauthorized') this.error = null; // the upstream let us in again
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
