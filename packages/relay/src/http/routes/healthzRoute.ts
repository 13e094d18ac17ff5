import type { SnapshotRegistry } from '../../snapshots/snapshotRegistry.js';
import { sendJson } from '../renderError.js';
import type { RouteModule } from '../routeModule.js';
import type { RouteOf } from '../routeTable.js';
import { HttpStatus } from '../status.js';
import type { StreamHub } from '../streamHub.js';

/**
 * `GET /healthz`: whether every source's last load succeeded. Probes need the verdict without a
 * token; the details (paths, upstream URLs, errors) only a token holder or the admin port sees.
 */
export function healthzRoute(registry: SnapshotRegistry, hub: StreamHub): RouteModule<RouteOf<'healthz'>> {
  return {
    methods: ['GET', 'HEAD'],
    auth: 'none',
    dialect: () => 'gateway',
    handle({ res, cors, detailed }) {
      const states = registry.states();
      const ok = states.every((s) => s.ok);
      sendJson(res, HttpStatus.Ok, detailed ? { ok, streams: hub.size, sources: states } : { ok }, { ...cors, 'cache-control': 'no-store' });
    },
  };
}
