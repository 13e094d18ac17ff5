import type { Snapshot } from '@flagcast/core';
import type { Logger } from '../shared/logger.js';
import { NamespaceFollower } from './namespaceFollower.js';
import type { Source, SourceState, SourceUpdate } from './source.js';

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
  /**
   * Largest snapshot accepted, in bytes (default 32 MiB): a larger body is refused on its
   * Content-Length or as soon as that many bytes arrived, and a larger stream event too.
   */
  maxSnapshotBytes?: number | undefined;
  /** After a 401/403, retry between half of and all of min·2^attempt, capped (default 30 s to 300 s). */
  refusedRetryMinMs?: number | undefined;
  refusedRetryMaxMs?: number | undefined;
  /** Polling because the upstream's stream answered 404: try its stream again after this long (default 300 000 ms). */
  streamRetryMs?: number | undefined;
  logger: Logger;
}

/**
 * Follows namespaces of an upstream with core's network source, exactly as a browser client
 * follows a server: one stream per namespace (however many clients the relay serves), a
 * conditional GET on each `refetchEvaluation`, inline snapshots from a relay upstream, ETag
 * polling of a Flipt v1 (its stream tried again now and then), `Retry-After`, backoff, 401/403
 * retried minutes apart. Snapshots are validated by
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
