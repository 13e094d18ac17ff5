import type { Metrics } from '../metrics.js';
import { evaluateBatch, evaluateSingle } from '../evaluation/fliptEvaluation.js';
import type { SnapshotView } from '../evaluation/snapshotView.js';
import type { RouteModule } from '../routeModule.js';
import type { RouteOf } from '../routeTable.js';
import { readEvaluationBody, sendReply, type EvaluationLimits } from './evaluationBody.js';
import { firstHeader } from './namespaceScope.js';

type EvaluateRoute = RouteOf<'evaluate_boolean' | 'evaluate_variant' | 'evaluate_batch'>;

/**
 * Flipt's REST evaluation API, `POST /evaluate/v1/boolean | variant | batch`, evaluated on the
 * relay's current snapshots; errors in Flipt's gateway JSON.
 */
export function evaluateRoute(view: SnapshotView, metrics: Metrics, limits: EvaluationLimits): RouteModule<EvaluateRoute> {
  return {
    methods: ['POST'],
    auth: 'token',
    readsBody: true,
    dialect: () => 'gateway',
    async handle({ req, res, route, cors, signal }) {
      const body = await readEvaluationBody(req, res, limits);
      const input = { body, environmentHeader: firstHeader(req, 'x-flipt-environment'), view, record: metrics.countEvaluation.bind(metrics) };
      if (route.name === 'evaluate_batch') sendReply(res, await evaluateBatch(input, { maxItems: limits.maxBatchItems, slices: limits.slices, signal }), cors);
      else sendReply(res, evaluateSingle(route.name === 'evaluate_boolean' ? 'boolean' : 'variant', input), cors);
    },
  };
}
