import { createHash } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseSnapshot, type Snapshot } from '@flagcast/core';
import type { Logger } from '../server/logger.js';
import type { Source, SourceState, SourceUpdate, UpstreamNamespaceState } from './source.js';

export interface UpstreamSourceOptions {
  /** Base URL of the Flipt server (v2), e.g. `http://flipt:8080`. */
  url: string;
  /** Client token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** A JWT, sent as `Authorization: JWT <jwt>` (Flipt's JWT authentication); not with `token`. */
  jwt?: string;
  /** Namespaces to follow (default `["default"]`). */
  namespaces?: string[];
  /** Flipt environment (v2 path segment); also the environment the relay serves (default `default`). */
  environment?: string;
  /** Snapshot polling interval when the stream is not available (default 10 000 ms). */
  pollMs?: number;
  /** Timeout of each snapshot GET, and of connecting a stream (default 10 000 ms). */
  requestTimeoutMs?: number;
  /** Reconnect backoff, full jitter in [0, min(max, min·2^attempt)) (default 500 ms to 30 s). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Consecutive stream failures after which the source polls instead (default 5). */
  streamFailuresBeforePolling?: number;
  /** While polling, try the stream again after this long (default 60 000 ms; 0: never). */
  streamRetryMs?: number;
  /** A stream that stayed up this long has its failure count reset when it ends (default 10 000 ms). */
  stableStreamMs?: number;
  /**
   * Flipt sends no heartbeats and holds its headers until the first event, so silence is normal.
   * After this much of it the stream is reconnected (with `?digest=`), which is not a failure:
   * it only guards against half-open connections (default 300 000 ms).
   */
  silenceReconnectMs?: number;
  /** Once a stream has sent a heartbeat comment (a relay upstream), silence beyond this is a failure (default 45 000 ms). */
  heartbeatTimeoutMs?: number;
  /** Largest snapshot body accepted (default 32 MiB). */
  maxSnapshotBytes?: number;
  logger: Logger;
}

type FetchResult =
  | { kind: 'changed' }
  | { kind: 'unchanged' }
  | { kind: 'invalid'; message: string }
  | { kind: 'auth'; message: string }
  | { kind: 'failed'; message: string };

type StreamOutcome =
  | { kind: 'auth'; message: string }
  | { kind: 'unsupported'; message: string }
  | { kind: 'silent' }
  | { kind: 'failed'; message: string; badDigest?: boolean }
  | { kind: 'closed' };

type NsError = NonNullable<UpstreamNamespaceState['error']>;

const AUTH_CODES = new Set([7, 16]); // gRPC PERMISSION_DENIED, UNAUTHENTICATED
const MAX_LINE = 1024 * 1024;

/** The digest an ETag names: `W/` and quotes removed. */
function etagDigest(etag: string | null | undefined): string {
  return (etag ?? '').trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/**
 * Follows namespaces of a real Flipt v2 server: one v2 stream per namespace (however many
 * clients the relay serves), a conditional snapshot GET on each `refetchEvaluation`, ETag polling
 * when the stream is not available. Snapshots are validated with `parseSnapshot` and served as
 * the upstream sent them; an invalid one never replaces the last good one.
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
    const results = await Promise.all(this.followers.map((f) => f.refresh()));
    const failed = results.flatMap((r, i) => (r.kind === 'changed' || r.kind === 'unchanged' ? [] : [`${this.followers[i]!.namespace}: ${r.message}`]));
    if (failed.length > 0) {
      await this.close();
      throw new Error(`cannot load from upstream ${this.base}: ${failed.join('; ')}`);
    }
    this.started = true;
    this.emit();
    for (const f of this.followers) f.run();
  }

  private emit(): void {
    if (!this.started || this.closed) return;
    const snapshots = new Map<string, Snapshot>();
    const bodies = new Map<string, Buffer>();
    for (const f of this.followers) {
      if (!f.good) continue;
      snapshots.set(f.namespace, f.good.snapshot);
      bodies.set(f.namespace, f.good.body);
    }
    this.onUpdate?.({ environment: this.environment, snapshots, bodies });
  }

  /** Fetches every namespace now (conditionally), and restarts namespaces stopped by a 401/403. */
  async reload(): Promise<boolean> {
    const results = await Promise.all(this.followers.map((f) => f.reload()));
    return results.every((r) => r.kind === 'changed' || r.kind === 'unchanged');
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.followers.map((f) => f.close()));
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

/** One namespace: its stream or polling loop, its snapshot and its state. */
class NamespaceFollower {
  good: { snapshot: Snapshot; body: Buffer; digest: string } | undefined;
  /** The ETag last received, valid or not: sent as `If-None-Match` and as `?digest=`. */
  private seenEtag = '';
  private seenDigest = '';
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
  private consecutiveFailures = 0;
  private pollingSince = 0;
  private sendDigest = true;

  private running: Promise<void> | undefined;
  private stopped = false;
  private closed = false;
  private readonly abort = new AbortController();
  private refreshing: Promise<FetchResult> | undefined;
  private refreshAgain = false;
  private wake: (() => void) | undefined;
  private endStream: ((outcome: StreamOutcome) => void) | undefined;

  private readonly o: Required<Omit<UpstreamSourceOptions, 'token' | 'jwt' | 'namespaces' | 'environment' | 'url' | 'logger'>>;
  private readonly log: Logger;

  constructor(
    private readonly source: UpstreamSource,
    readonly namespace: string,
    private readonly changed: () => void,
  ) {
    const opt = source.options;
    this.log = opt.logger;
    this.o = {
      pollMs: opt.pollMs ?? 10_000,
      requestTimeoutMs: opt.requestTimeoutMs ?? 10_000,
      backoffMinMs: opt.backoffMinMs ?? 500,
      backoffMaxMs: opt.backoffMaxMs ?? 30_000,
      streamFailuresBeforePolling: opt.streamFailuresBeforePolling ?? 5,
      streamRetryMs: opt.streamRetryMs ?? 60_000,
      stableStreamMs: opt.stableStreamMs ?? 10_000,
      silenceReconnectMs: opt.silenceReconnectMs ?? 300_000,
      heartbeatTimeoutMs: opt.heartbeatTimeoutMs ?? 45_000,
      maxSnapshotBytes: opt.maxSnapshotBytes ?? 32 * 1024 * 1024,
    };
  }

  private path(what: 'snapshot' | 'stream'): string {
    return `${this.source.base}/client/v2/environments/${encodeURIComponent(this.source.environment)}/namespaces/${encodeURIComponent(this.namespace)}/${what}`;
  }

  private headers(accept: string): Record<string, string> {
    const h: Record<string, string> = { accept };
    const { token, jwt } = this.source.options;
    if (token) h.authorization = `Bearer ${token}`;
    else if (jwt) h.authorization = `JWT ${jwt}`;
    return h;
  }

  private fields(extra?: Record<string, unknown>): Record<string, unknown> {
    return { source: this.source.name, namespace: this.namespace, ...extra };
  }

  private setError(kind: NsError['kind'], message: string): void {
    const at = new Date().toISOString();
    this.error = { at, kind, message };
    this.lastError = { at, message, namespace: this.namespace };
  }

  /** Clears a connectivity error; an invalid snapshot or a 401 stays until its own fix. */
  private clearTransientError(): void {
    if (this.error && (this.error.kind === 'unreachable' || this.error.kind === 'upstream-error')) this.error = null;
  }

  info(): UpstreamNamespaceState {
    return {
      namespace: this.namespace,
      mode: this.mode,
      phase: this.phase,
      digest: this.good?.digest ?? null,
      error: this.error,
      streamConnects: this.streamConnects,
      streamFailures: this.streamFailures,
      snapshotRequests: this.snapshotRequests,
      notModified: this.notModified,
      lastChangeAt: this.lastChangeAt,
    };
  }

  // ---- snapshot GET ------------------------------------------------------------------------

  /** A conditional snapshot GET; concurrent calls share one, a call during one adds one more. */
  refresh(): Promise<FetchResult> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      let result: FetchResult;
      do {
        this.refreshAgain = false;
        result = await this.fetchSnapshot();
      } while (this.refreshAgain && !this.closed && result.kind !== 'auth');
      return result;
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async fetchSnapshot(): Promise<FetchResult> {
    if (this.closed) return { kind: 'failed', message: 'closed' };
    this.snapshotRequests++;
    this.loads++;
    const headers = this.headers('application/json');
    if (this.seenEtag) headers['if-none-match'] = this.seenEtag;
    let res: Response;
    let body: Buffer;
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.requestTimeoutMs)]);
      res = await fetch(this.path('snapshot'), { headers, signal, redirect: 'follow' });
      body = res.status === 200 ? await readLimited(res, this.o.maxSnapshotBytes) : Buffer.alloc(0);
      if (res.status !== 200) await res.body?.cancel().catch(() => {});
    } catch (err) {
      if (this.closed) return { kind: 'failed', message: 'closed' };
      const e = err as Error;
      const message = e.name === 'TimeoutError' ? `snapshot request timed out after ${this.o.requestTimeoutMs} ms` : `snapshot request failed: ${describe(e)}`;
      return this.failed('unreachable', message);
    }
    if (res.status === 304) {
      this.notModified++;
      this.clearTransientError();
      return { kind: 'unchanged' };
    }
    if (res.status === 401 || res.status === 403) return this.unauthorized(`snapshot request answered ${res.status}`);
    if (res.status !== 200) {
      const message = res.status === 404 ? `namespace "${this.namespace}" not found upstream (404)` : `snapshot request answered ${res.status}`;
      return this.failed('upstream-error', message);
    }

    const etag = res.headers.get('etag') ?? '';
    let snapshot: Snapshot;
    try {
      snapshot = parseSnapshot(body.toString('utf8'));
    } catch (err) {
      const digest = etagDigest(etag);
      if (etag) {
        this.seenEtag = etag;
        this.seenDigest = digest;
      }
      this.loadErrors++;
      const message = `invalid upstream snapshot${digest ? ` ${digest}` : ''}: ${(err as Error).message}`;
      this.setError('invalid-snapshot', message);
      this.log.error('upstream snapshot rejected; still serving the last good one', this.fields({ error: message, digest: this.good?.digest ?? null }));
      return { kind: 'invalid', message };
    }
    const digest = etagDigest(etag) || (typeof snapshot.digest === 'string' && snapshot.digest) || createHash('sha1').update(body).digest('hex');
    this.seenEtag = etag || digest;
    this.seenDigest = digest;
    this.lastLoadAt = new Date().toISOString();
    if (this.error?.kind !== 'unauthorized') this.error = null;
    if (this.good?.digest === digest) return { kind: 'unchanged' };
    if (snapshot.digest !== digest) snapshot = { ...snapshot, digest };
    this.good = { snapshot, body, digest };
    this.lastChangeAt = this.lastLoadAt;
    this.log.info('upstream snapshot loaded', this.fields({ digest, flags: snapshot.flags.length }));
    this.changed();
    return { kind: 'changed' };
  }

  private failed(kind: NsError['kind'], message: string): FetchResult {
    this.loadErrors++;
    this.setError(kind, message);
    this.log.warn('upstream request failed', this.fields({ error: message }));
    return { kind: 'failed', message };
  }

  private unauthorized(message: string): FetchResult {
    this.loadErrors++;
    this.setError('unauthorized', `${message}: check the upstream token; following stopped, the last good snapshot keeps serving`);
    return { kind: 'auth', message };
  }

  // ---- the loop ------------------------------------------------------------------------------

  run(): void {
    if (this.running || this.closed) return;
    this.stopped = false;
    this.running = this.loop()
      .catch((err) => this.log.error('upstream loop failed', this.fields({ error: describe(err as Error) })))
      .finally(() => (this.running = undefined));
  }

  private async loop(): Promise<void> {
    let verify = false; // after a failure, check health (and missed changes) with a conditional GET
    while (!this.closed) {
      if (this.mode === 'stream') {
        if (verify) void this.refresh().then((r) => r.kind === 'auth' && this.endStream?.({ kind: 'auth', message: r.message }));
        const outcome = await this.streamOnce();
        if (this.closed) break;
        if (outcome.kind === 'closed') continue;
        if (outcome.kind === 'silent') {
          verify = false;
          continue;
        }
        if (outcome.kind === 'auth') return this.stop(outcome.message);
        verify = true;
        if (outcome.kind === 'unsupported') {
          this.enterPolling(outcome.message);
          continue;
        }
        if (outcome.badDigest) this.sendDigest = false;
        this.streamFailures++;
        this.consecutiveFailures++;
        this.log.warn('upstream stream failed', this.fields({ error: outcome.message, attempt: this.consecutiveFailures }));
        if (this.consecutiveFailures >= this.o.streamFailuresBeforePolling) {
          this.enterPolling(`${this.consecutiveFailures} stream failures in a row (last: ${outcome.message})`);
          continue;
        }
        this.phase = 'backoff';
        await this.sleep(backoff(this.consecutiveFailures - 1, this.o.backoffMinMs, this.o.backoffMaxMs));
      } else {
        this.phase = 'polling';
        const result = await this.refresh();
        if (this.closed) break;
        if (result.kind === 'auth') return this.stop(result.message);
        if (this.o.streamRetryMs > 0 && Date.now() - this.pollingSince >= this.o.streamRetryMs) {
          this.mode = 'stream';
          this.consecutiveFailures = 0;
          this.log.info('trying the upstream stream again', this.fields());
          continue;
        }
        await this.sleep(this.o.pollMs);
      }
    }
    this.phase = 'closed';
  }

  private enterPolling(reason: string): void {
    this.mode = 'poll';
    this.pollingSince = Date.now();
    this.log.warn('upstream stream unavailable; polling the snapshot', this.fields({ reason, pollMs: this.o.pollMs }));
  }

  private stop(message: string): void {
    this.stopped = true;
    this.phase = 'stopped';
    if (this.error?.kind !== 'unauthorized') this.setError('unauthorized', `${message}: check the upstream token; following stopped, the last good snapshot keeps serving`);
    this.log.error('upstream refused the credentials; following stopped, still serving the last good snapshot', this.fields({ error: message }));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  async reload(): Promise<FetchResult> {
    if (this.stopped && this.error?.kind === 'unauthorized') this.error = null;
    const result = await this.refresh();
    if (result.kind !== 'auth' && this.stopped && !this.closed && !this.running) {
      this.mode = 'stream';
      this.consecutiveFailures = 0;
      this.run();
    }
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    this.endStream?.({ kind: 'closed' });
    this.wake?.();
    await this.running;
    await this.refreshing?.catch(() => {});
    this.phase = 'closed';
  }

  // ---- the stream ----------------------------------------------------------------------------

  /** One stream connection; resolves when it ends, saying why. */
  private streamOnce(): Promise<StreamOutcome> {
    this.phase = 'connecting';
    const url = new URL(this.path('stream'));
    if (this.sendDigest && this.seenDigest.length === 40) url.searchParams.set('digest', this.seenDigest);
    return new Promise<StreamOutcome>((resolve) => {
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      let connectedAt = 0;
      let heartbeats = false;
      const finish = (outcome: StreamOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.endStream = undefined;
        req.destroy();
        if (connectedAt && Date.now() - connectedAt >= this.o.stableStreamMs) this.consecutiveFailures = 0;
        resolve(outcome);
      };
      this.endStream = finish;
      const arm = (ms: number, outcome: () => StreamOutcome) => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(outcome()), ms);
      };
      const armSilence = () =>
        heartbeats
          ? arm(this.o.heartbeatTimeoutMs, () => ({ kind: 'failed', message: `no heartbeat for ${this.o.heartbeatTimeoutMs} ms` }))
          : arm(this.o.silenceReconnectMs, () => ({ kind: 'silent' }));

      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req: ClientRequest = send(url, { headers: { ...this.headers('text/event-stream'), 'cache-control': 'no-cache' }, agent: false });
      this.streamConnects++;
      arm(this.o.requestTimeoutMs, () => ({ kind: 'failed', message: `stream connect timed out after ${this.o.requestTimeoutMs} ms` }));
      req.on('socket', (socket) => {
        socket.setKeepAlive(true, 30_000);
        socket.setNoDelay(true);
        // Connected: from here on, silence (even before the headers) is how Flipt behaves.
        const connected = () => {
          if (done) return;
          connectedAt = Date.now();
          this.phase = 'streaming';
          armSilence();
        };
        if (socket.connecting) socket.once('connect', connected);
        else connected();
      });
      req.on('error', (err) => finish({ kind: 'failed', message: `stream request failed: ${describe(err)}` }));
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          if (status === 401 || status === 403) return finish({ kind: 'auth', message: `stream request answered ${status}` });
          if (status === 404 || status === 405 || status === 501) return finish({ kind: 'unsupported', message: `stream endpoint answered ${status}` });
          return finish({ kind: 'failed', message: `stream request answered ${status}`, badDigest: status === 400 && url.searchParams.has('digest') });
        }
        this.clearTransientError();
        this.log.info('upstream stream connected', this.fields({ digest: url.searchParams.get('digest') }));
        const sse = String(res.headers['content-type'] ?? '').includes('text/event-stream');
        const parser = sse ? sseParser() : ndjsonParser();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (done) return;
          let messages: Message[];
          try {
            messages = parser(chunk);
          } catch (err) {
            return finish({ kind: 'failed', message: (err as Error).message });
          }
          for (const m of messages) {
            if (m.kind === 'heartbeat') heartbeats = true;
            else if (m.kind === 'error') {
              if (AUTH_CODES.has(m.code)) return finish({ kind: 'auth', message: `stream error ${m.code}: ${m.message}` });
              return finish({ kind: 'failed', message: `stream error ${m.code}: ${m.message}` });
            } else this.notified(m.digest, finish);
          }
          armSilence();
        });
        res.on('end', () => finish({ kind: 'failed', message: 'stream ended' }));
        res.on('close', () => finish({ kind: 'failed', message: 'stream closed' }));
        res.on('error', (err) => finish({ kind: 'failed', message: `stream broke: ${describe(err)}` }));
      });
      req.end();
    });
  }

  /** A change notification: refetch unless already current. */
  private notified(digest: string, finish: (o: StreamOutcome) => void): void {
    if (digest && digest === this.seenDigest) return;
    void this.refresh().then((r) => {
      // A failed refetch ends the stream: reconnecting with our digest makes Flipt notify again.
      if (r.kind === 'auth') finish({ kind: 'auth', message: r.message });
      else if (r.kind === 'failed') finish({ kind: 'failed', message: r.message });
    });
  }
}

type Message = { kind: 'notify'; digest: string } | { kind: 'error'; code: number; message: string } | { kind: 'heartbeat' };

/** Interprets an event or line body: a notification, an inline snapshot, or an error. */
function interpret(data: string, out: Message[]): void {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return; // not ours to understand
  }
  if (typeof json !== 'object' || json === null) return;
  const o = json as Record<string, unknown>;
  if (o.type === 'error' || (typeof o.error === 'object' && o.error !== null)) {
    const e = (o.type === 'error' ? o : o.error) as Record<string, unknown>;
    out.push({ kind: 'error', code: Number(e.code) || 0, message: String(e.message ?? '') });
  } else if (o.type === 'refetchEvaluation' || o.type === 'snapshot') {
    out.push({ kind: 'notify', digest: etagDigest(typeof o.etag === 'string' ? o.etag : '') });
  } else if (typeof o.result === 'object' && o.result !== null) {
    const d = (o.result as Record<string, unknown>).digest;
    out.push({ kind: 'notify', digest: typeof d === 'string' ? d : '' });
  }
}

/** Server-Sent Events: `data:` lines joined per event; comments are heartbeats. */
function sseParser(): (chunk: string) => Message[] {
  let buffer = '';
  let data: string[] = [];
  return (chunk) => {
    const out: Message[] = [];
    buffer += chunk;
    // A trailing CR may be the first half of a CRLF split across chunks: keep it for later.
    const hold = buffer.endsWith('\r');
    const lines = (hold ? buffer.slice(0, -1) : buffer).split(/\r\n|\r|\n/);
    buffer = lines.pop()! + (hold ? '\r' : '');
    if (buffer.length > MAX_LINE) throw new Error('stream line too long');
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) interpret(data.join('\n'), out);
        data = [];
      } else if (line.startsWith(':')) out.push({ kind: 'heartbeat' });
      else if (line.startsWith('data:')) {
        data.push(line.slice(line[5] === ' ' ? 6 : 5));
        if (data.reduce((n, d) => n + d.length, 0) > MAX_LINE * 16) throw new Error('stream event too large');
      }
    }
    return out;
  };
}

/** Newline-delimited JSON (`{"result": snapshot}` per line), as Flipt sends without the SSE Accept header. */
function ndjsonParser(): (chunk: string) => Message[] {
  let buffer = '';
  return (chunk) => {
    const out: Message[] = [];
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) interpret(line, out);
    }
    if (buffer.length > MAX_LINE * 64) throw new Error('stream line too long');
    return out;
  };
}

async function readLimited(res: Response, max: number): Promise<Buffer> {
  const length = Number(res.headers.get('content-length'));
  if (length > max) throw new Error(`snapshot of ${length} bytes exceeds the ${max}-byte limit`);
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > max) throw new Error(`snapshot exceeds the ${max}-byte limit`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function backoff(attempt: number, min: number, max: number): number {
  return Math.floor(Math.random() * Math.min(max, min * 2 ** attempt));
}

function describe(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = (err as NodeJS.ErrnoException).code ?? cause?.code;
  return code ? `${code}${cause?.message && cause.message !== code ? ` (${cause.message})` : ''}` : err.message;
}
