import type { Server } from 'node:http';
import { CorsPolicy } from './http/corsPolicy.js';
import { listen } from './http/listen.js';
import { Metrics } from './http/metrics.js';
import { createPipeline, type Surface } from './http/pipeline.js';
import { createRelayServer } from './http/relayServer.js';
import { DEFAULT_REQUEST_LIMITS } from './http/requestLimits.js';
import { createRouteModules } from './http/routes/routeModules.js';
import { streamKey, StreamHub } from './http/streamHub.js';
import { relaySources, type Relay, type RelayOptions } from './relayOptions.js';
import { createLogger } from './shared/logger.js';
import { SnapshotRegistry } from './snapshots/snapshotRegistry.js';

export type { Relay, RelayOptions } from './relayOptions.js';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_RETRY_MS = 2000;
const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_MAX_STREAM_BUFFER_BYTES = 1024 * 1024;
/** After close, connections still open this long are cut. */
const CLOSE_GRACE_MS = 2000;

/**
 * Starts a relay: Flipt's snapshot, stream and evaluation endpoints over the given sources.
 * Wiring only: sources feed the snapshot registry, whose changes go to the stream hub; the
 * route modules answer through one request pipeline per server (main, and admin when asked).
 */
export async function createRelay(options: RelayOptions): Promise<Relay> {
  const logger = options.logger ?? createLogger(options.logLevel ?? 'info');
  const metrics = new Metrics();
  const registry = new SnapshotRegistry(relaySources(options, logger));
  const hub = new StreamHub({
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    maxBufferedBytes: options.maxStreamBufferBytes ?? DEFAULT_MAX_STREAM_BUFFER_BYTES,
    metrics,
    onDrop: (format, buffered) => logger.warn('stream dropped: client reads too slowly', { format, buffered }),
  });
  registry.onChange((environment, namespace, entry) => hub.broadcast(streamKey(environment, namespace), entry));
  await registry.start();

  const routes = createRouteModules({
    registry,
    hub,
    metrics,
    retryMs: options.retryMs ?? DEFAULT_RETRY_MS,
    ...(options.maxBatchItems === undefined ? {} : { maxBatchItems: options.maxBatchItems }),
    ...(options.maxOfrepFlags === undefined ? {} : { maxOfrepFlags: options.maxOfrepFlags }),
  });
  const limits = {
    headersTimeoutMs: options.headersTimeoutMs ?? DEFAULT_REQUEST_LIMITS.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_LIMITS.requestTimeoutMs,
  };
  const cors = new CorsPolicy(options.corsOrigins ?? [], logger);
  const tokens = (options.tokens ?? []).map((t) => Buffer.from(t));
  const serve = (surface: Surface): Server =>
    createRelayServer({
      limits,
      logger,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      handle: createPipeline({ surface, routes, cors, tokens, metrics, logger, requestTimeoutMs: limits.requestTimeoutMs }),
    });

  const server = serve(options.adminPort === undefined ? 'all' : 'flags');
  const admin = options.adminPort === undefined ? undefined : serve('admin');
  const servers = admin ? [server, admin] : [server];
  let url: string;
  let adminUrl: string | undefined;
  try {
    url = await listen(server, options.port ?? 0, options.host ?? DEFAULT_HOST);
    if (admin) adminUrl = await listen(admin, options.adminPort ?? 0, options.adminHost ?? DEFAULT_HOST);
  } catch (err) {
    for (const s of servers) s.close();
    hub.closeAll();
    await registry.close();
    throw err;
  }
  logger.info('relay listening', { url, ...(adminUrl ? { adminUrl } : {}), sources: registry.sources.map((s) => s.name) });

  let closing: Promise<void> | undefined;
  const close = async () => {
    const stopped = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    hub.closeAll();
    for (const s of servers) s.closeIdleConnections();
    await registry.close();
    const force = setTimeout(() => servers.forEach((s) => s.closeAllConnections()), CLOSE_GRACE_MS);
    await stopped;
    clearTimeout(force);
    logger.info('relay stopped');
  };
  return {
    url,
    port: Number(new URL(url).port),
    server,
    adminUrl,
    reload: () => registry.reload(),
    snapshot: (namespace, environment = 'default') => registry.entry(environment, namespace)?.snapshot,
    sources: () => registry.states(),
    streams: () => hub.size,
    close: () => (closing ??= close()),
  };
}
