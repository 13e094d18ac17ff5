/**
 * A programmable Flipt-compatible flag server for transport tests: a real `node:http` server on
 * 127.0.0.1 (random port) serving the v2 snapshot and stream endpoints
 * (FLIPT-PROTOCOL.md §1-§2) in either dialect:
 *
 * - `flipt`: what a Flipt v2 server does. Stream events are `refetchEvaluation` notifications
 *   (the `include=snapshot` parameter is ignored), no response headers until the first event,
 *   no heartbeats.
 * - `relay`: what the Flagcast relay does. Headers at once, the snapshot inline in the event
 *   when the client asks with `include=snapshot`, optional heartbeat comments.
 *
 * and in either API (FLIPT-PROTOCOL.md §7):
 *
 * - `v2` (default): the v2 endpoints above, plus the v1 snapshot path, which Flipt v2 serves too.
 * - `v1`: what Flipt 1.47+ does. Only `/internal/v1/evaluation/snapshot/namespace/{ns}`
 *   (environment from `x-flipt-environment`, `?reference=` picks a git reference), its ETag the
 *   SHA-1 of the store's version rather than a digest, bodies without `digest`, default variants
 *   and entity-id constraints stripped for clients that do not declare
 *   `x-flipt-accept-server-version: 1.47.0`; no stream (404).
 *
 * Everything a test needs to break is a switch: forced statuses, delayed or held responses,
 * raw writes (garbage, half events), dying sockets, awkward chunking, CRLF line endings,
 * oversized messages. Every request is recorded (headers, URL, whether the client hung up),
 * and `waitFor` resolves on the next server-side change instead of sleeping.
 *
 * Always `await server.close()` in `afterEach`: it ends every stream and timer.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Dialect = 'flipt' | 'relay';
export type ServerApi = 'v2' | 'v1';
export type RequestKind = 'snapshot' | 'stream' | 'other';
/** `whole`: one write per event; `awkward`: split inside CRLF, field names and UTF-8 sequences; a number: fixed-size pieces. */
export type Chunking = 'whole' | 'awkward' | number;

export interface FlagServerOptions {
  dialect?: Dialect;
  /** Heartbeat comment (`: ping`) interval on open streams; 0 = none (Flipt). Default 0. */
  heartbeatMs?: number;
  /** Send no headers until the first event (Flipt). Default: true for `flipt`, false for `relay`. */
  holdHeaders?: boolean;
  /** Required `Authorization` header value (e.g. `Bearer secret`); null = no auth. */
  authorization?: string | null;
  /** Line ending used in SSE output. Default `\n`. */
  lineEnding?: '\n' | '\r\n' | '\r';
  /** How each SSE write is cut into socket writes. Default `whole`. */
  chunking?: Chunking;
  /** Bytes sent before anything else on every stream (a BOM, a `retry:` line, padding). */
  preamble?: string;
  /** `v2` (default) or `v1` (Flipt 1.47+: v1 snapshot path only, no stream). */
  api?: ServerApi;
  /**
   * Relay dialect: send a notification instead of an inline snapshot larger than the client's
   * `maxEventBytes`. Default false (a relay that inlines everything).
   */
  honourMaxEventBytes?: boolean;
  /** Port to listen on; default a random free one. */
  port?: number;
}

/** Options of a forced error response (`failNext`). */
export interface FailOptions {
  /** The server's message (Flipt's JSON `message`, or the SSE error event's). */
  message?: string;
  /** `Retry-After` header value (seconds or an HTTP date). */
  retryAfter?: string;
}

export interface RecordedRequest {
  readonly id: number;
  readonly kind: RequestKind;
  readonly method: string;
  /** Full URL as received (path and query). */
  readonly url: URL;
  /** The raw request target, exactly as the client sent it. */
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly environment: string | undefined;
  readonly namespace: string | undefined;
  /** Which API's path was asked for (undefined for other paths). */
  readonly api: ServerApi | undefined;
  /** `performance.now()` when the request arrived. */
  readonly at: number;
  /** Status written, once headers are sent. */
  status: number | undefined;
  /** The connection is gone (either side). */
  closed: boolean;
  /** The client hung up before the server finished the response. */
  abortedByClient: boolean;
  /** The server destroyed it on purpose (`killStreams`). */
  killedByServer: boolean;
}

/** Replaces the default handling of one request. */
export type Override = (req: IncomingMessage, res: ServerResponse, record: RecordedRequest, server: FlagServer) => void | Promise<void>;

interface Entry {
  snapshot: unknown;
  json: string;
  etag: string;
}

interface StreamConn {
  record: RecordedRequest;
  req: IncomingMessage;
  res: ServerResponse;
  key: string;
  inline: boolean;
  /** The client's `maxEventBytes` (honoured when `honourMaxEventBytes`). */
  maxEventBytes: number;
  /** Digest last sent, or the client's `?digest=`. */
  digest: string;
  headersSent: boolean;
  /** The preamble still has to go out in front of the next write. */
  preamblePending: boolean;
  /** Serialises writes so chunked events never interleave. */
  queue: Promise<void>;
}

interface PendingOverride {
  kind: RequestKind | 'any';
  remaining: number;
  handler: Override;
}

const ROUTE = /^\/client\/v2\/environments\/([^/]+)\/namespaces\/([^/]+)\/(snapshot|stream)$/;
const V1_ROUTE = /^\/internal\/v1\/evaluation\/snapshot\/namespace\/([^/]+)$/;

/** Starts a server on 127.0.0.1 with a random port. */
export async function startFlagServer(options: FlagServerOptions = {}): Promise<FlagServer> {
  const server = new FlagServer(options);
  await server.listen();
  return server;
}

export class FlagServer {
  dialect: Dialect;
  holdHeaders: boolean;
  authorization: string | null;
  lineEnding: '\n' | '\r\n' | '\r';
  chunking: Chunking;
  preamble: string;
  readonly api: ServerApi;
  honourMaxEventBytes: boolean;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url = '';

  private readonly http: Server;
  private readonly sockets = new Set<Socket>();
  private readonly entries = new Map<string, Entry>();
  private readonly streams = new Set<StreamConn>();
  private readonly overrides: PendingOverride[] = [];
  private readonly held: Array<() => void> = [];
  private holding: RequestKind | 'any' | null = null;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly changes = new EventEmitter();
  private nextId = 1;
  private closing = false;
  /** The store's version (Flipt v1's ETag is the SHA-1 of it). */
  private version = 0;
  private readonly port: number;

  constructor(options: FlagServerOptions = {}) {
    this.dialect = options.dialect ?? 'relay';
    this.holdHeaders = options.holdHeaders ?? this.dialect === 'flipt';
    this.authorization = options.authorization ?? null;
    this.lineEnding = options.lineEnding ?? '\n';
    this.chunking = options.chunking ?? 'whole';
    this.preamble = options.preamble ?? '';
    this.api = options.api ?? 'v2';
    this.honourMaxEventBytes = options.honourMaxEventBytes ?? false;
    this.port = options.port ?? 0;
    this.changes.setMaxListeners(0);
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => {});
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.http.on('clientError', (_err, socket) => socket.destroy());
    if (options.heartbeatMs) this.startHeartbeats(options.heartbeatMs);
  }

  /** @internal used by startFlagServer */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Snapshot path for an environment and namespace. */
  snapshotPath(namespace = 'default', environment = 'default'): string {
    return `/client/v2/environments/${environment}/namespaces/${namespace}/snapshot`;
  }

  streamPath(namespace = 'default', environment = 'default'): string {
    return `/client/v2/environments/${environment}/namespaces/${namespace}/stream`;
  }

  /** The v1 snapshot path (Flipt 1.47+, and Flipt v2): the environment travels in `x-flipt-environment`. */
  v1SnapshotPath(namespace = 'default'): string {
    return `/internal/v1/evaluation/snapshot/namespace/${namespace}`;
  }

  // ---- state -------------------------------------------------------------------------------

  /**
   * Serves `snapshot` and notifies every open stream of that namespace whose digest differs, as
   * Flipt and the relay do. The ETag is the snapshot's `digest` (v2), the SHA-1 of a new store
   * version (v1), or `where.etag` (a body whose digest field disagrees with its identity).
   * `where.reference` serves it for that git reference only (v1 `?reference=`).
   */
  setSnapshot(snapshot: { digest?: unknown }, where: { namespace?: string; environment?: string; reference?: string; etag?: string } = {}): void {
    const key = entryKey(where.environment ?? 'default', where.namespace ?? 'default', where.reference);
    this.version++;
    const etag = where.etag ?? (this.api === 'v1' ? sha1(String(this.version)) : typeof snapshot.digest === 'string' ? snapshot.digest : '');
    const entry: Entry = { snapshot, json: JSON.stringify(snapshot), etag };
    this.entries.set(key, entry);
    for (const conn of this.streams) if (conn.key === key) this.sendEntry(conn, entry);
    this.emitChange();
  }

  /** The current ETag served for a namespace. */
  etag(namespace = 'default', environment = 'default'): string | undefined {
    return this.entries.get(entryKey(environment, namespace))?.etag;
  }

  // ---- forcing responses --------------------------------------------------------------------

  /** The next `times` requests of `kind` are handled by `handler` instead of the server. */
  override(kind: RequestKind | 'any', handler: Override, times = 1): void {
    this.overrides.push({ kind, remaining: times, handler });
  }

  /**
   * The next `times` requests of `kind` get `status`. Stream errors come the way Flipt sends
   * them: an HTTP status with an SSE `error` event as body (gRPC code 16 for 401, 7 for 403).
   */
  failNext(kind: RequestKind | 'any', status: number, times = 1, options: FailOptions = {}): void {
    this.override(kind, (_req, res, record) => {
      const code = GRPC_CODES[status] ?? 13;
      const message = options.message ?? (status === 401 ? 'request was not authenticated' : status === 403 ? 'permission denied' : 'internal error');
      this.sendError(res, record, status, code, message, options.retryAfter ? { 'retry-after': options.retryAfter } : {});
    }, times);
  }

  /** The next `times` requests of `kind` get their headers only after `ms`; then normal handling. */
  delayNext(kind: RequestKind | 'any', ms: number, times = 1): void {
    this.override(kind, (req, res, record) => new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (!record.closed) this.defaultHandle(req, res, record);
        resolve();
      }, ms);
      res.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    }), times);
  }

  /** Holds every new request of `kind` (no headers, no body) until `release()`. */
  hold(kind: RequestKind | 'any' = 'any'): void {
    this.holding = kind;
  }

  /** Stops holding and handles the held requests normally (those still connected). */
  release(): void {
    this.holding = null;
    for (const run of this.held.splice(0)) run();
  }

  get heldCount(): number {
    return this.held.length;
  }

  // ---- streams ------------------------------------------------------------------------------

  startHeartbeats(ms: number): void {
    this.stopHeartbeats();
    this.heartbeat = setInterval(() => {
      for (const conn of this.streams) this.write(conn, `: ping${this.lineEnding}${this.lineEnding}`);
    }, ms);
  }

  /** Stops heartbeat comments; open streams stay open and silent. */
  stopHeartbeats(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Open (not yet closed) stream connections. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Writes raw text to every open stream (headers are sent first if held). */
  sendRaw(text: string | Buffer, where: { namespace?: string; environment?: string } = {}): Promise<void> {
    const key = entryKey(where.environment ?? 'default', where.namespace ?? 'default');
    const writes = [...this.streams].filter((c) => c.key === key).map((c) => this.write(c, text));
    return Promise.all(writes).then(() => undefined);
  }

  /** Sends one SSE event whose `data` is `data` (JSON-encoded unless already a string). */
  sendEvent(data: unknown, where: { namespace?: string; environment?: string; id?: string } = {}): Promise<void> {
    const eol = this.lineEnding;
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    const id = where.id ? `id: ${where.id}${eol}` : '';
    return this.sendRaw(`${id}data: ${text}${eol}${eol}`, where);
  }

  /** Sends a Flipt `refetchEvaluation` notification for `etag` (whatever the server holds). */
  notify(etag: string, where: { namespace?: string; environment?: string } = {}): Promise<void> {
    return this.sendEvent(`{"etag":${JSON.stringify(etag)},"type":"refetchEvaluation"}`, { ...where, id: etag.slice(0, 9) });
  }

  /** Sends the relay's inline form with any snapshot (valid or not) and etag. */
  sendInline(snapshot: unknown, etag: string, where: { namespace?: string; environment?: string } = {}): Promise<void> {
    return this.sendEvent(`{"etag":${JSON.stringify(etag)},"snapshot":${JSON.stringify(snapshot)},"type":"snapshot"}`, { ...where, id: etag.slice(0, 9) });
  }

  /** Sends a Flipt SSE `error` event on every open stream (connections stay open). */
  sendErrorEvent(code: number, message: string): Promise<void> {
    return this.sendEvent({ type: 'error', code, message });
  }

  /**
   * Kills every open stream: writes `partial` first (e.g. half an event), then destroys the
   * socket without ending the response (a server dying mid-stream). Resolves once all are closed.
   */
  async killStreams(partial?: string): Promise<void> {
    const conns = [...this.streams];
    await Promise.all(conns.map(async (conn) => {
      if (partial !== undefined) await this.write(conn, partial);
      await conn.queue;
      conn.record.killedByServer = true;
      conn.res.destroy();
    }));
    await this.waitFor(() => conns.every((c) => c.record.closed), { message: 'killed streams to close' });
  }

  /**
   * On every open stream: an SSE `error` event, then the end of the response (Flipt ends its
   * stream after an error). `together`: both in one write, so the end arrives with the event.
   */
  async errorAndEndStreams(code: number, message: string, { together = false } = {}): Promise<void> {
    const conns = [...this.streams];
    const eol = this.lineEnding;
    const event = `data: ${JSON.stringify({ type: 'error', code, message })}${eol}${eol}`;
    await Promise.all(conns.map(async (conn) => {
      if (!together) await this.write(conn, event);
      await conn.queue;
      conn.record.killedByServer = true;
      this.ensureHeaders(conn);
      if (together) conn.res.end(event);
      else conn.res.end();
    }));
    await this.waitFor(() => conns.every((c) => c.record.closed), { message: 'errored streams to close' });
  }

  /** Ends every open stream cleanly (the response completes). */
  async endStreams(): Promise<void> {
    const conns = [...this.streams];
    await Promise.all(conns.map(async (conn) => {
      await conn.queue;
      conn.record.killedByServer = true;
      this.ensureHeaders(conn);
      conn.res.end();
    }));
    await this.waitFor(() => conns.every((c) => c.record.closed), { message: 'ended streams to close' });
  }

  /**
   * Streams one never-ending `data:` line of `x`s to every open stream, `chunkBytes` at a time,
   * until the client hangs up or `maxBytes` were written (then the event is terminated).
   * Resolves with the bytes written and whether the client hung up first.
   */
  async sendOversized(maxBytes: number, chunkBytes = 64 * 1024): Promise<{ bytes: number; closedByClient: boolean }> {
    const conns = [...this.streams];
    const results = await Promise.all(conns.map(async (conn) => {
      await conn.queue;
      this.ensureHeaders(conn);
      const { res } = conn;
      const chunk = Buffer.alloc(chunkBytes, 'x');
      let bytes = 0;
      if (!res.destroyed) res.write('data: ');
      while (bytes < maxBytes && !res.destroyed && !conn.record.closed) {
        bytes += chunk.length;
        if (!res.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.on('drain', done);
            res.on('close', done);
          });
        }
      }
      const closedByClient = res.destroyed || conn.record.closed;
      if (!closedByClient) res.write(`${this.lineEnding}${this.lineEnding}`);
      return { bytes, closedByClient };
    }));
    return results[0] ?? { bytes: 0, closedByClient: false };
  }

  // ---- observing ----------------------------------------------------------------------------

  requestsOf(kind: RequestKind): RecordedRequest[] {
    return this.requests.filter((r) => r.kind === kind);
  }

  count(kind: RequestKind | 'any'): number {
    return kind === 'any' ? this.requests.length : this.requestsOf(kind).length;
  }

  /** Resolves when `predicate` holds, re-checking on every server-side change; rejects after `timeout` ms. */
  waitFor(predicate: () => boolean, { timeout = 5000, message = 'condition' }: { timeout?: number; message?: string } = {}): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`flagServer: timed out after ${timeout} ms waiting for ${message}; requests so far:\n${this.describe()}`));
      }, timeout);
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off('change', check);
      };
      this.changes.on('change', check);
    });
  }

  /** Waits until `n` requests of `kind` have arrived; returns the n-th. */
  async waitForRequest(kind: RequestKind, n = 1, timeout = 5000): Promise<RecordedRequest> {
    await this.waitFor(() => this.count(kind) >= n, { timeout, message: `${n} ${kind} request(s)` });
    return this.requestsOf(kind)[n - 1]!;
  }

  /** One line per request, for failure messages. */
  describe(): string {
    return this.requests
      .map((r) => `  #${r.id} ${r.method} ${r.rawUrl} -> ${r.status ?? 'pending'}${r.closed ? ' closed' : ''}${r.abortedByClient ? ' (client hung up)' : ''}`)
      .join('\n');
  }

  /** Ends every stream and timer, drops every socket, stops listening. */
  async close(): Promise<void> {
    this.closing = true;
    this.stopHeartbeats();
    this.held.splice(0);
    for (const conn of this.streams) conn.res.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.changes.removeAllListeners();
  }

  // ---- internals ----------------------------------------------------------------------------

  private emitChange(): void {
    this.changes.emit('change');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const match = ROUTE.exec(url.pathname);
    const v1 = match ? null : V1_ROUTE.exec(url.pathname);
    const headerEnvironment = req.headers['x-flipt-environment'];
    const record: RecordedRequest = {
      id: this.nextId++,
      kind: match ? (match[3] as RequestKind) : v1 ? 'snapshot' : 'other',
      method: req.method ?? 'GET',
      url,
      rawUrl,
      headers: req.headers,
      environment: match?.[1] !== undefined ? decodeURIComponent(match[1]) : v1 ? (typeof headerEnvironment === 'string' && headerEnvironment) || 'default' : undefined,
      namespace: match?.[2] !== undefined ? decodeURIComponent(match[2]) : v1?.[1] !== undefined ? decodeURIComponent(v1[1]) : undefined,
      api: match ? 'v2' : v1 ? 'v1' : undefined,
      at: performance.now(),
      status: undefined,
      closed: false,
      abortedByClient: false,
      killedByServer: false,
    };
    this.requests.push(record);
    res.on('error', () => {});
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    (res as { writeHead: unknown }).writeHead = (...args: unknown[]) => {
      record.status = args[0] as number;
      this.emitChange();
      return writeHead(...args);
    };
    res.once('close', () => {
      record.closed = true;
      if (!res.writableFinished && !record.killedByServer) record.abortedByClient = true;
      this.emitChange();
    });
    this.emitChange();
    if (this.closing) {
      res.destroy();
      return;
    }

    const index = this.overrides.findIndex((o) => o.kind === 'any' || o.kind === record.kind);
    if (index >= 0) {
      const o = this.overrides[index]!;
      if (--o.remaining <= 0) this.overrides.splice(index, 1);
      await o.handler(req, res, record, this);
      return;
    }
    if (this.holding && (this.holding === 'any' || this.holding === record.kind)) {
      this.held.push(() => {
        if (!record.closed) this.defaultHandle(req, res, record);
      });
      this.emitChange();
      return;
    }
    this.defaultHandle(req, res, record);
  }

  /** What the server normally does with a request (Flipt's behaviour, per dialect). */
  defaultHandle(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void {
    if (record.kind === 'other' || !record.environment || !record.namespace) {
      this.sendError(res, record, 404, 5, 'not found');
      return;
    }
    if (this.api === 'v1' && record.api === 'v2') {
      // Flipt v1 has no /client/v2 routes: its router's plain 404.
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    if (this.authorization !== null && req.headers.authorization !== this.authorization) {
      this.sendError(res, record, 401, 16, 'request was not authenticated');
      return;
    }
    const reference = record.api === 'v1' ? record.url.searchParams.get('reference') ?? undefined : undefined;
    const key = entryKey(record.environment, record.namespace, reference);
    const entry = this.entries.get(key);

    if (record.kind === 'snapshot') {
      if (!entry) {
        this.sendError(res, record, 404, 5, `evaluation snapshot for namespace "${record.namespace}" not found`);
        return;
      }
      if (etagMatches(req.headers['if-none-match'], entry.etag)) {
        res.writeHead(304, { etag: entry.etag, 'cache-control': 'no-cache' });
        res.end();
        return;
      }
      const body = Buffer.from(this.api === 'v1' ? asFliptV1Serves(entry.json, req.headers['x-flipt-accept-server-version']) : entry.json);
      res.writeHead(200, { etag: entry.etag, 'content-type': 'application/json', 'content-length': body.length, 'cache-control': 'no-cache' });
      res.end(body);
      return;
    }

    // stream
    const digest = record.url.searchParams.get('digest') ?? '';
    if (digest.length > 0 && digest.length !== 40) {
      this.sendError(res, record, 400, 3, 'invalid field digest: must be a 40-character string');
      return;
    }
    if (!entry) {
      this.sendError(res, record, 404, 5, `evaluation snapshot for namespace "${record.namespace}" not found`);
      return;
    }
    const wantsInline = record.url.searchParams.getAll('include').flatMap((v) => v.split(',')).includes('snapshot');
    const conn: StreamConn = {
      record,
      req,
      res,
      key,
      inline: this.dialect === 'relay' && wantsInline,
      maxEventBytes: Number(record.url.searchParams.get('maxEventBytes')) || Infinity,
      digest,
      headersSent: false,
      preamblePending: this.preamble !== '',
      queue: Promise.resolve(),
    };
    req.socket.setTimeout(0);
    this.streams.add(conn);
    res.once('close', () => {
      this.streams.delete(conn);
      this.emitChange();
    });
    if (!this.holdHeaders) {
      this.ensureHeaders(conn);
      if (conn.preamblePending) void this.write(conn, '');
    }
    this.sendEntry(conn, entry);
    this.emitChange();
  }

  private sendEntry(conn: StreamConn, entry: Entry): void {
    if (entry.etag === conn.digest) return;
    conn.digest = entry.etag;
    const eol = this.lineEnding;
    const id = `id: ${entry.etag.slice(0, 9)}${eol}`;
    const inline = `{"etag":${JSON.stringify(entry.etag)},"snapshot":${entry.json},"type":"snapshot"}`;
    const fits = !this.honourMaxEventBytes || inline.length <= conn.maxEventBytes;
    const data = conn.inline && fits ? inline : `{"etag":${JSON.stringify(entry.etag)},"type":"refetchEvaluation"}`;
    void this.write(conn, `${id}data: ${data}${eol}${eol}`);
  }

  private ensureHeaders(conn: StreamConn): void {
    if (conn.headersSent || conn.res.headersSent || conn.res.destroyed) return;
    conn.headersSent = true;
    conn.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    conn.res.flushHeaders();
  }

  /** Queues `text` on a stream, cut according to `chunking`; resolves when written. */
  private write(conn: StreamConn, text: string | Buffer): Promise<void> {
    let bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
    if (conn.preamblePending) {
      conn.preamblePending = false;
      bytes = Buffer.concat([Buffer.from(this.preamble), bytes]);
    }
    const pieces = split(bytes, this.chunking);
    conn.queue = conn.queue.then(async () => {
      for (const [i, piece] of pieces.entries()) {
        if (conn.res.destroyed || conn.record.closed) return;
        this.ensureHeaders(conn);
        await new Promise<void>((resolve) => conn.res.write(piece, () => resolve()));
        // Let the bytes leave as their own segment before the next piece.
        if (i < pieces.length - 1) await new Promise<void>((resolve) => setTimeout(resolve, 1));
      }
      this.emitChange();
    });
    return conn.queue;
  }

  private sendError(res: ServerResponse, record: RecordedRequest, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    const sse = record.kind === 'stream' && (record.headers.accept ?? '').includes('text/event-stream');
    if (sse) {
      const body = `data: ${JSON.stringify({ type: 'error', code, message })}\n\n`;
      res.writeHead(status, { ...headers, 'content-type': 'text/event-stream', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      // Flipt's gateway error body.
      const body = JSON.stringify({ code, message, details: [] });
      res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }
  }
}

/** The gRPC code Flipt's gateway maps to each HTTP status. */
const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 429: 8, 503: 14 };

function entryKey(environment: string, namespace: string, reference = ''): string {
  return `${environment}\u0000${namespace}\u0000${reference}`;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * The body a Flipt v1 server sends: no `digest`, and for a client that does not declare
 * `x-flipt-accept-server-version` of at least 1.47.0, no default variants and no entity-id
 * constraints (what older clients cannot read).
 */
function asFliptV1Serves(json: string, acceptVersion: string | string[] | undefined): string {
  const { digest: _digest, ...body } = JSON.parse(json) as { digest?: unknown; flags?: unknown[] };
  if (typeof acceptVersion === 'string' && !versionBelow(acceptVersion, [1, 47, 0])) return JSON.stringify(body);
  const flags = (body.flags ?? []).map((flag) => {
    const { defaultVariant: _default, ...rest } = flag as { defaultVariant?: unknown; rules?: Array<{ segments?: Array<{ constraints?: Array<{ type?: string }> }> }> };
    for (const rule of rest.rules ?? []) {
      for (const segment of rule.segments ?? []) segment.constraints = (segment.constraints ?? []).filter((c) => c.type !== 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE');
    }
    return rest;
  });
  return JSON.stringify({ ...body, flags });
}

function versionBelow(version: string, [major, minor, patch]: [number, number, number]): boolean {
  const [a = 0, b = 0, c = 0] = version.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  return a !== major ? a < major : b !== minor ? b < minor : c < patch;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header || !etag) return false;
  return header.split(',').some((part) => {
    const value = part.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    return value === '*' || value === etag;
  });
}

/**
 * Cuts bytes for writing. `awkward` cuts between CR and LF, inside `data:` (after `da` and
 * before the space), inside every multi-byte UTF-8 sequence and right after every `\n`.
 */
export function split(bytes: Buffer, chunking: Chunking): Buffer[] {
  if (chunking === 'whole' || bytes.length <= 1) return [bytes];
  const cuts = new Set<number>();
  if (typeof chunking === 'number') {
    for (let i = chunking; i < bytes.length; i += chunking) cuts.add(i);
  } else {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === 0x0d && bytes[i + 1] === 0x0a) cuts.add(i + 1); // CR | LF
      if (b === 0x0a) cuts.add(i + 1);
      if (b >= 0xc0) cuts.add(i + 1); // lead byte | continuation byte(s)
      if (b >= 0x80 && b < 0xc0 && (bytes[i + 1] ?? 0) >= 0x80 && (bytes[i + 1] ?? 0) < 0xc0) cuts.add(i + 1);
      if (b === 0x64 && bytes.subarray(i, i + 5).toString() === 'data:') {
        cuts.add(i + 2); // "da" | "ta:"
        cuts.add(i + 5); // "data:" | " {..."
      }
    }
  }
  const sorted = [...cuts].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const cut of sorted) {
    pieces.push(bytes.subarray(start, cut));
    start = cut;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}
