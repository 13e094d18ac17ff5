import type { SnapshotRegistry } from '../../snapshots/snapshotRegistry.js';
import type { Metrics } from '../metrics.js';
import type { RouteModules } from '../routeModule.js';
import type { StreamHub } from '../streamHub.js';
import { evaluateRoute } from './evaluateRoute.js';
import { evaluationLimits } from './evaluationBody.js';
import { healthzRoute } from './healthzRoute.js';
import { metricsRoute } from './metricsRoute.js';
import { ofrepRoute } from './ofrepRoute.js';
import { snapshotRoute } from './snapshotRoute.js';
import { streamRoute } from './streamRoute.js';

export interface RouteModulesOptions {
  registry: SnapshotRegistry;
  hub: StreamHub;
  metrics: Metrics;
  /** SSE `retry:` hint sent to stream clients. */
  retryMs: number;
  maxBatchItems?: number;
  maxOfrepFlags?: number;
}

/** The module of every route in the route table: a new endpoint is one more entry here. */
export function createRouteModules(options: RouteModulesOptions): RouteModules {
  const { registry, hub, metrics } = options;
  const limits = evaluationLimits(options);
  const evaluate = evaluateRoute(registry, metrics, limits);
  const ofrep = ofrepRoute(registry, metrics, limits);
  return {
    snapshot: snapshotRoute(registry),
    stream: streamRoute(registry, hub, options.retryMs),
    evaluate_boolean: evaluate,
    evaluate_variant: evaluate,
    evaluate_batch: evaluate,
    ofrep_flag: ofrep,
    ofrep_bulk: ofrep,
    healthz: healthzRoute(registry, hub),
    metrics: metricsRoute(metrics, registry, hub),
  };
}
