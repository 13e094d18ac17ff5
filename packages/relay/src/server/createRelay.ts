import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Snapshot } from '@flagcast/core';
import { FileSource, type FileSourceOptions } from '../sources/fileSource.js';
import { UpstreamSource, type UpstreamSourceOptions } from '../sources/upstreamSource.js';
import type { Source, SourceState, SourceUpdate } from '../sources/source.js';
import { CorsPolicy } from './corsPolicy.js';
import { createEvaluationRoutes } from './evaluationRoutes.js';
import { authorized, etagMatches, GrpcCode, listen, pickEncoding, sendError, sendJson, sendSseError } from './httpUtil.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { Metrics } from './metrics.js';
import { createRelayServer } from './relayServer.js';
import { answerWithoutBody, DEFAULT_REQUEST_LIMITS } from './requestLimits.js';
import { SnapshotEntry } from './snapshotEntry.js';
import { StreamHub, type StreamFormat } from './streamHub.js';

export interface RelayOptions {
  /** A Flipt flag file or a directory of them (served as environment `default`). */
  file?: string;
  /**
   * A Flipt v2 server to follow (its stream, else ETag polling); the relay serves its namespaces
   * in its environment. `namespaces` defaults to `["default"]`, `environment` to `default`.
   */
  upstream?: Omit<UpstreamSourceOptions, 'logger'>;
  /** Further sources (a file source is added for `file`, an upstream source for `upstream`). */
  sources?: Source[];
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** When non-empty, flag endpoints need `Authorization: Bearer <one of these>`. */
  tokens?: string[];
  /**
   * Origins allowed by CORS to read the flag endpoints: listed ones are answered with their
   * origin and credentials; `*` allows any, answered `*` without credentials. Empty: no CORS
   * headers. `/healthz` and `/metrics` never answer CORS.
   */
  corsOrigins?: string[];
  /**
   * Serve `/healthz` and `/metrics` on this port (0 picks one) instead of with the flag
   * endpoints, which then answer 404 for them. Default: on the main port.
   */
  adminPort?: number;
  /** Interface of the admin port (default 127.0.0.1). */
  adminHost?: string;
  /** Time a client has to send complete request headers (default 15 000 ms). */
  headersTimeoutMs?: number;
  /**
   * Time a client has to send a whole request, and to take a whole non-stream response
   * (default 30 000 ms). Streams stay open. A request whose body is still arriving when it is
   * answered has its connection closed.
   */
  requestTimeoutMs?: number;
  /** Maximum open connections (streams included); further connections are refused. */
  maxConnections?: number;
  /** SSE heartbeat comment interval (default 15 000 ms). */
  heartbeatMs?: number;
  /** SSE `retry:` hint sent to clients (default 2 000 ms). */
  retryMs?: number;
  /** Unsent bytes after which a stream is dropped as too slow (default 1 MiB). */
  maxStreamBufferBytes?: number;
  /** Reload debounce for watched files (default 75 ms). */
  debounceMs?: number;
  /** Longest wait for changes to stop before reloading anyway (default 1 000 ms). */
  debounceMaxWaitMs?: number;
  /** Watch files for changes (default true). */
  watch?: boolean;
  /** How often watched files' identities are checked without events (default 2 000 ms). */
  watchPollMs?: number;
  /** A file written this recently is read twice that far apart before loading (default 50 ms). */
  settleMs?: number;
  /** Flag files larger than this are refused (default 8 MiB). */
  maxFileBytes?: number;
  /** Requests a `POST /evaluate/v1/batch` may hold; larger batches get 400 (default 1 000). */
  maxBatchItems?: number;
  /** Keys an OFREP bulk's `flags` context entry may list; longer lists get 400 (default 1 000). */
  maxOfrepFlags?: number;
  logLevel?: LogLevel;
  logger?: Logger;
}

export interface Relay {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** `http://host:port` of `/healthz` and `/metrics` when `adminPort` is set. */
  readonly adminUrl: string | undefined;
  /** Reloads every source now; resolves true when all loads succeeded. */
  reload(): Promise<boolean>;
  /** Current snapshot of a namespace, if served. */
  snapshot(namespace: string, environment?: string): Snapshot | undefined;
  /** Source states, as `/healthz` reports them. */
  sources(): SourceState[];
  /** Open stream count. */
  streams(): number;
  /** Stops accepting, ends every stream, closes sources. */
  close(): Promise<void>;
}

const MAX_URL_LENGTH = 4096;
const KEY = /^[-_,A-Za-z0-9]+$/;

/**
 * `environment`: the v2 path's; the v1 path has none (only the x-flipt-environment header).
 * `ofrep`: the stream under OFREP's alias, which serves SSE only.
 */
type Route =
  | { name: 'snapshot'; environment: string | undefined; namespace: string }
  | { name: 'stream'; environment: string | undefined; namespace: string; ofrep?: true }
  | { name: 'healthz' }
  | { name: 'metrics' }
  | { name: 'unknown' };

/** Routes a path given as decoded segments (a `%2F` inside a segment stays inside it). */
function route(parts: string[]): Route {
  if (parts.some((p, i) => i > 0 && p === '')) return { name: 'unknown' };
  const path = parts.join('/');
  if (path === '/healthz') return { name: 'healthz' };
  if (path === '/metrics') return { name: 'metrics' };
  // /internal/v1/evaluation/snapshot/namespace/{ns}
  if (parts.length === 7 && parts[1] === 'internal' && parts[2] === 'v1' && parts[3] === 'evaluation' && parts[4] === 'snapshot' && parts[5] === 'namespace') {
    return { name: 'snapshot', environment: undefined, namespace: parts[6]! };
  }
  // /client/v2/environments/{env}/namespaces/{ns}/(snapshot|stream)
  if (parts.length === 8 && parts[1] === 'client' && parts[2] === 'v2' && parts[3] === 'environments' && parts[5] === 'namespaces') {
    if (parts[7] === 'snapshot') return { name: 'snapshot', environment: parts[4]!, namespace: parts[6]! };
    if (parts[7] === 'stream') return { name: 'stream', environment: parts[4]!, namespace: parts[6]! };
  }
  // /ofrep/v1/_stream/{env}/{ns}/events: Flipt's alias of the v2 stream for OFREP's eventStreams
  if (parts.length === 7 && parts[1] === 'ofrep' && parts[2] === 'v1' && parts[3] === '_stream' && parts[6] === 'events') {
    return { name: 'stream', environment: parts[4]!, namespace: parts[5]!, ofrep: true };
  }
  return { name: 'unknown' };
}

/** What a server answers: everything, the flag endpoints only, or health and metrics only. */
type Surface = 'all' | 'flags' | 'admin';

function serves(surface: Surface, r: Route): boolean {
  const admin = r.name === 'healthz' || r.name === 'metrics';
  return surface === 'all' || (surface === 'admin') === admin;
}

/** The FileSource options given in RelayOptions. */
function fileOptions(options: RelayOptions): Omit<FileSourceOptions, 'path' | 'logger'> {
  const keys = ['debounceMs', 'debounceMaxWaitMs', 'watch', 'settleMs', 'maxFileBytes'] as const;
  const out: Omit<FileSourceOptions, 'path' | 'logger'> = {};
  for (const key of keys) if (options[key] !== undefined) Object.assign(out, { [key]: options[key] });
  if (options.watchPollMs !== undefined) out.pollMs = options.watchPollMs;
  return out;
}

/** Starts a relay: Flipt's snapshot and stream endpoints over the given sources. */
export async function createRelay(options: RelayOptions): Promise<Relay> {
  const logger = options.logger ?? createLogger(options.logLevel ?? 'info');
  const metrics = new Metrics();
  const tokens = (options.tokens ?? []).map((t) => Buffer.from(t));
  const cors = new CorsPolicy(options.corsOrigins ?? [], logger);
  const limits = {
    headersTimeoutMs: options.headersTimeoutMs ?? DEFAULT_REQUEST_LIMITS.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_LIMITS.requestTimeoutMs,
  };
  const retryMs = options.retryMs ?? 2000;
  const hub = new StreamHub({
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxBufferedBytes: options.maxStreamBufferBytes ?? 1024 * 1024,
    metrics,
    onDrop: (format, buffered) => logger.warn('stream dropped: client reads too slowly', { format, buffered }),
  });
  const sources: Source[] = [...(options.sources ?? [])];
  if (options.file !== undefined) {
    sources.unshift(new FileSource({ path: options.file, logger, ...fileOptions(options) }));
  }
  if (options.upstream !== undefined) sources.unshift(new UpstreamSource({ ...options.upstream, logger }));
  if (sources.length === 0) throw new Error('createRelay needs a file, an upstream or a source');

  // environment -> namespace -> entry
  const entries = new Map<string, Map<string, SnapshotEntry>>();
  const streamKey = (env: string, ns: string) => `${env}\u0000${ns}`;

  /**
   * The environment a request reads, chosen as Flipt chooses it: the v2 path's when it exists;
   * else the one the `x-flipt-environment` header names (an unknown "default" meaning the
   * default one, any other unknown name an error); else the default environment. Ours is
   * `default` when a source serves it, else the first environment served. Undefined: not found.
   */
  const pickEnvironment = (fromPath: string | undefined, header: string | undefined): string | undefined => {
    if (fromPath !== undefined && entries.has(fromPath)) return fromPath;
    const fallback = entries.has('default') ? 'default' : entries.keys().next().value;
    if (header) return entries.has(header) ? header : header === 'default' ? fallback : undefined;
    return fallback;
  };

  // The last update of each source, per environment: sources serving the same environment are
  // merged (the first source listed wins a namespace both serve).
  const latest = new Map<Source, Map<string, SourceUpdate>>();
  const apply = (source: Source, update: SourceUpdate) => {
    let bySource = latest.get(source);
    if (!bySource) latest.set(source, (bySource = new Map()));
    bySource.set(update.environment, update);
    const previous = entries.get(update.environment) ?? new Map<string, SnapshotEntry>();
    const next = new Map<string, SnapshotEntry>();
    for (const s of sources) {
      const u = latest.get(s)?.get(update.environment);
      if (!u) continue;
      for (const [ns, snapshot] of u.snapshots) {
        if (next.has(ns)) continue;
        const old = previous.get(ns);
        next.set(ns, old && old.etag === snapshot.digest ? old : new SnapshotEntry(snapshot, u.bodies?.get(ns), u.encoded?.get(ns)));
      }
    }
    entries.set(update.environment, next);
    for (const [ns, entry] of next) if (previous.get(ns) !== entry) hub.broadcast(streamKey(update.environment, ns), entry);
  };

  await Promise.all(sources.map((s) => s.start((update) => apply(s, update))));

  const evaluation = createEvaluationRoutes({
    view: { pickEnvironment, entry: (environment, namespace) => entries.get(environment)?.get(namespace) },
    authorized: (req) => authorized(req, tokens),
    cors: (req) => cors.headers(req),
    metrics,
    logger,
    ...(options.maxBatchItems === undefined ? {} : { maxBatchItems: options.maxBatchItems }),
    ...(options.maxOfrepFlags === undefined ? {} : { maxOfrepFlags: options.maxOfrepFlags }),
  });

  const handle = (req: IncomingMessage, res: ServerResponse, surface: Surface): string => {
    const bodyPending = answerWithoutBody(req, res); // bodies are never read
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > MAX_URL_LENGTH) {
      sendError(res, 414, GrpcCode.InvalidArgument, 'request URI too long');
      return 'invalid';
    }
    let url: URL;
    let parts: string[];
    try {
      url = new URL(rawUrl, 'http://relay');
      parts = url.pathname.split('/').map(decodeURIComponent);
    } catch {
      sendError(res, 400, GrpcCode.InvalidArgument, 'malformed request URI');
      return 'invalid';
    }
    const found = route(parts);
    const r: Route = serves(surface, found) ? found : { name: 'unknown' };
    // Health and metrics show paths and errors: never readable by other sites' pages.
    const adminRoute = r.name === 'healthz' || r.name === 'metrics';
    const corsHeaders = adminRoute ? {} : cors.headers(req);

    if (req.method === 'OPTIONS') {
      res.writeHead(204, adminRoute ? {} : cors.preflight(req));
      res.end();
      return r.name === 'unknown' ? 'unknown' : `${r.name}:preflight`;
    }
    if (r.name === 'unknown') {
      sendError(res, 404, GrpcCode.NotFound, 'Not Found', corsHeaders);
      return 'unknown';
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, GrpcCode.Unimplemented, 'Method Not Allowed', { ...corsHeaders, allow: 'GET, HEAD, OPTIONS' });
      return r.name;
    }

    // With tokens, the main port shows details (file paths, upstream URLs, errors) to token
    // holders only: others get the health verdict, which probes need, and no metrics. The admin
    // port is reachable only where it was put, and shows everything.
    const detailed = () => surface === 'admin' || authorized(req, tokens);
    if (r.name === 'healthz') {
      const states = sources.map((s) => s.state());
      const ok = states.every((s) => s.ok);
      sendJson(res, 200, detailed() ? { ok, streams: hub.size, sources: states } : { ok }, { ...corsHeaders, 'cache-control': 'no-store' });
      return r.name;
    }
    if (r.name === 'metrics') {
      if (!detailed()) {
        sendError(res, 401, GrpcCode.Unauthenticated, 'request was not authenticated', corsHeaders);
        return r.name;
      }
      metrics.render({ openStreams: hub.countByFormat(), sources: sources.map((s) => s.state()) }).then(
        (body) => res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(body),
        (err: unknown) => sendError(res, 500, 13, `metrics failed: ${String(err)}`),
      );
      return r.name;
    }

    if (r.name === 'stream' && r.ofrep && !(req.headers.accept ?? '').startsWith('text/event-stream')) {
      res.writeHead(406, { ...corsHeaders, 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end('text/event-stream is the only supported content type for this endpoint\n');
      return r.name;
    }
    const sse = (req.headers.accept ?? '').includes('text/event-stream') && r.name === 'stream';
    if (!authorized(req, tokens)) {
      if (sse) sendSseError(res, 401, GrpcCode.Unauthenticated, 'request was not authenticated', corsHeaders);
      else sendError(res, 401, GrpcCode.Unauthenticated, 'request was not authenticated', corsHeaders);
      return r.name;
    }
    const fail = (status: number, code: number, message: string) =>
      sse ? sendSseError(res, status, code, message, corsHeaders) : sendError(res, status, code, message, corsHeaders);
    const headerValue = req.headers['x-flipt-environment'];
    const header = (Array.isArray(headerValue) ? headerValue[0] : headerValue) || undefined;
    if (!KEY.test(r.namespace) || (r.environment !== undefined && !KEY.test(r.environment)) || (header !== undefined && !KEY.test(header))) {
      fail(400, GrpcCode.InvalidArgument, 'invalid environment or namespace key');
      return r.name;
    }
    const environment = pickEnvironment(r.environment, header);
    if (environment === undefined) {
      fail(404, GrpcCode.NotFound, `environment ${JSON.stringify(header)} not found`);
      return r.name;
    }
    const entry = entries.get(environment)?.get(r.namespace);

    if (r.name === 'snapshot') {
      if (!entry) {
        fail(404, GrpcCode.NotFound, `evaluation snapshot for namespace "${r.namespace}" not found`);
        return r.name;
      }
      const headers: Record<string, string | number> = { ...corsHeaders, etag: entry.etag, vary: corsHeaders.vary ? 'Origin, Accept-Encoding' : 'Accept-Encoding', 'cache-control': 'no-cache' };
      if (etagMatches(req.headers['if-none-match'], entry.etag)) {
        res.writeHead(304, headers);
        res.end();
        return r.name;
      }
      const encoding = pickEncoding(req.headers['accept-encoding']);
      const body = encoding === 'br' ? entry.brotli() : encoding === 'gzip' ? entry.gzip() : entry.body;
      if (encoding !== 'identity') headers['content-encoding'] = encoding;
      res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
      return r.name;
    }

    // stream
    const digest = url.searchParams.get('digest') ?? '';
    if (digest.length > 0 && digest.length !== 40) {
      fail(400, GrpcCode.InvalidArgument, 'invalid field digest: must be a 40-character string');
      return r.name;
    }
    if (!entry) {
      fail(404, GrpcCode.NotFound, `evaluation snapshot for namespace "${r.namespace}" not found`);
      return r.name;
    }
    if (bodyPending) {
      fail(400, GrpcCode.InvalidArgument, 'a stream request has no body');
      return r.name;
    }
    const include = url.searchParams.getAll('include').flatMap((v) => v.split(','));
    const format: StreamFormat = sse ? (include.includes('snapshot') ? 'sse-inline' : 'sse') : 'ndjson';
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    res.writeHead(200, {
      ...corsHeaders,
      'content-type': sse ? 'text/event-stream' : 'application/json',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    if (req.method === 'HEAD') {
      res.end();
      return r.name;
    }
    if (sse) res.write(`retry: ${retryMs}\n\n`);
    // A client says how large an event it accepts; larger snapshots go as notifications it follows with a GET.
    const maxEventBytes = Number(url.searchParams.get('maxEventBytes'));
    hub.add(streamKey(environment, r.namespace), res, format, digest, entry, Number.isSafeInteger(maxEventBytes) && maxEventBytes > 0 ? maxEventBytes : Infinity);
    return r.name;
  };

  const createHttpServer = (surface: Surface): Server =>
    createRelayServer({
      limits,
      logger,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      ...(surface === 'admin' ? {} : { evaluation }),
      handle: (req, res) => handle(req, res, surface),
      countRequest: (route, status) => metrics.countRequest(route, status),
    });

  const server = createHttpServer(options.adminPort === undefined ? 'all' : 'flags');
  const admin = options.adminPort === undefined ? undefined : createHttpServer('admin');
  let url: string;
  let adminUrl: string | undefined;
  try {
    url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
    if (admin) adminUrl = await listen(admin, options.adminPort ?? 0, options.adminHost ?? '127.0.0.1');
  } catch (err) {
    server.close();
    admin?.close();
    hub.closeAll();
    await Promise.all(sources.map((s) => s.close()));
    throw err;
  }
  logger.info('relay listening', { url, ...(adminUrl ? { adminUrl } : {}), sources: sources.map((s) => s.name) });

  let closing: Promise<void> | undefined;
  return {
    url,
    port: Number(new URL(url).port),
    server,
    adminUrl,
    reload: async () => (await Promise.all(sources.map((s) => s.reload()))).every(Boolean),
    snapshot: (namespace, environment = 'default') => entries.get(environment)?.get(namespace)?.snapshot,
    sources: () => sources.map((s) => s.state()),
    streams: () => hub.size,
    close: () => {
      closing ??= (async () => {
        const servers = admin ? [server, admin] : [server];
        const stopped = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
        hub.closeAll();
        for (const s of servers) s.closeIdleConnections();
        await Promise.all(sources.map((s) => s.close()));
        const force = setTimeout(() => servers.forEach((s) => s.closeAllConnections()), 2_000);
        await stopped;
        clearTimeout(force);
        logger.info('relay stopped');
      })();
      return closing;
    },
  };
}
