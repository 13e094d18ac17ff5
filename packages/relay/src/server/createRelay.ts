import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Snapshot } from '@flagcast/core';
import { FileSource } from '../sources/fileSource.js';
import { UpstreamSource, type UpstreamSourceOptions } from '../sources/upstreamSource.js';
import type { Source, SourceState, SourceUpdate } from '../sources/source.js';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS } from './corsHeaders.js';
import { createEvaluationRoutes } from './evaluationRoutes.js';
import { authorized, etagMatches, GrpcCode, pickEncoding, sendError, sendJson, sendSseError } from './httpUtil.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { Metrics } from './metrics.js';
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
  /** Origins allowed by CORS (`*` allows any). Empty: no CORS headers. */
  corsOrigins?: string[];
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
  /** Watch files for changes (default true). */
  watch?: boolean;
  logLevel?: LogLevel;
  logger?: Logger;
}

export interface Relay {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
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

/** Starts a relay: Flipt's snapshot and stream endpoints over the given sources. */
export async function createRelay(options: RelayOptions): Promise<Relay> {
  const logger = options.logger ?? createLogger(options.logLevel ?? 'info');
  const metrics = new Metrics();
  const tokens = (options.tokens ?? []).map((t) => Buffer.from(t));
  const corsOrigins = new Set(options.corsOrigins ?? []);
  const retryMs = options.retryMs ?? 2000;
  const hub = new StreamHub({
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxBufferedBytes: options.maxStreamBufferBytes ?? 1024 * 1024,
    metrics,
    onDrop: (format, buffered) => logger.warn('stream dropped: client reads too slowly', { format, buffered }),
  });
  const sources: Source[] = [...(options.sources ?? [])];
  if (options.file !== undefined) {
    sources.unshift(new FileSource({ path: options.file, logger, ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }), ...(options.watch === undefined ? {} : { watch: options.watch }) }));
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
        next.set(ns, old && old.etag === snapshot.digest ? old : new SnapshotEntry(snapshot, u.bodies?.get(ns)));
      }
    }
    entries.set(update.environment, next);
    for (const [ns, entry] of next) if (previous.get(ns) !== entry) hub.broadcast(streamKey(update.environment, ns), entry);
  };

  await Promise.all(sources.map((s) => s.start((update) => apply(s, update))));

  const cors = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (!origin || corsOrigins.size === 0) return {};
    if (!corsOrigins.has('*') && !corsOrigins.has(origin)) return {};
    return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'Etag', vary: 'Origin' };
  };

  const evaluation = createEvaluationRoutes({
    view: { pickEnvironment, entry: (environment, namespace) => entries.get(environment)?.get(namespace) },
    authorized: (req) => authorized(req, tokens),
    cors,
    metrics,
    logger,
  });

  const handle = (req: IncomingMessage, res: ServerResponse): string => {
    req.resume(); // bodies are never read; drain them
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
    const r = route(parts);
    const corsHeaders = cors(req);

    if (req.method === 'OPTIONS') {
      const headers: Record<string, string> = { ...corsHeaders };
      if (corsHeaders['access-control-allow-origin'] && req.headers['access-control-request-method']) {
        const requested = (req.headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
        headers['access-control-allow-methods'] = CORS_ALLOWED_METHODS;
        headers['access-control-allow-headers'] = requested.filter((h) => CORS_ALLOWED_HEADERS.includes(h)).join(', ') || CORS_ALLOWED_HEADERS.join(', ');
        headers['access-control-max-age'] = '300';
      }
      res.writeHead(204, headers);
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

    if (r.name === 'healthz') {
      const states = sources.map((s) => s.state());
      sendJson(res, 200, { ok: states.every((s) => s.ok), streams: hub.size, sources: states }, { ...corsHeaders, 'cache-control': 'no-store' });
      return r.name;
    }
    if (r.name === 'metrics') {
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

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000, maxHeaderSize: 16 * 1024 }, (req, res) => {
    if (evaluation(req, res)) return;
    let name = 'unknown';
    try {
      name = handle(req, res);
    } catch (err) {
      logger.error('request failed', { error: err instanceof Error ? err.stack : String(err), url: req.url });
      if (!res.headersSent) sendError(res, 500, 13, 'internal error');
      else res.destroy();
    }
    metrics.countRequest(name, res.statusCode);
  });
  // Streams are long-lived: no request timeout once the response has started.
  server.requestTimeout = 0;
  server.headersTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
    logger.debug('client error', { error: String(err) });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info('relay listening', { url, sources: sources.map((s) => s.name) });

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    server,
    reload: async () => (await Promise.all(sources.map((s) => s.reload()))).every(Boolean),
    snapshot: (namespace, environment = 'default') => entries.get(environment)?.get(namespace)?.snapshot,
    sources: () => sources.map((s) => s.state()),
    streams: () => hub.size,
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        hub.closeAll();
        server.closeIdleConnections();
        await Promise.all(sources.map((s) => s.close()));
        const force = setTimeout(() => server.closeAllConnections(), 2_000);
        await stopped;
        clearTimeout(force);
        logger.info('relay stopped');
      })();
      return closing;
    },
  };
}
