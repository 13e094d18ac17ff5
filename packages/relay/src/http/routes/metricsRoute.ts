import type { SnapshotRegistry } from '../../snapshots/snapshotRegistry.js';
import type { Metrics } from '../metrics.js';
import { RelayError } from '../relayError.js';
import { renderError } from '../renderError.js';
import type { RouteModule } from '../routeModule.js';
import type { RouteOf } from '../routeTable.js';
import { GrpcCode, HttpStatus } from '../status.js';
import type { StreamHub } from '../streamHub.js';

/** `GET /metrics`: Prometheus text, for token holders on the main port, for anyone on the admin port. */
export function metricsRoute(metrics: Metrics, registry: SnapshotRegistry, hub: StreamHub): RouteModule<RouteOf<'metrics'>> {
  return {
    methods: ['GET', 'HEAD'],
    auth: 'admin',
    dialect: () => 'gateway',
    // Counted when asked, not when rendered: the scrape reports itself.
    handle({ res }) {
      metrics.render({ openStreams: hub.countByFormat(), sources: registry.states() }).then(
        (body) => res.writeHead(HttpStatus.Ok, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(body),
        (err: unknown) => renderError(res, 'gateway', new RelayError(HttpStatus.InternalServerError, GrpcCode.Internal, `metrics failed: ${String(err)}`)),
      );
    },
  };
}
