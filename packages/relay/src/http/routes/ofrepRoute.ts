import type { Metrics } from '../metrics.js';
import { evaluateOfrepBulk, evaluateOfrepFlag } from '../ofrep/ofrepEvaluation.js';
import type { SnapshotView } from '../evaluation/snapshotView.js';
import type { RouteModule } from '../routeModule.js';
import type { RouteOf } from '../routeTable.js';
import { readEvaluationBody, sendReply, type EvaluationLimits } from './evaluationBody.js';
import { firstHeader } from './namespaceScope.js';

/**
 * OFREP, `POST /ofrep/v1/evaluate/flags/{key}` and the bulk `POST /ofrep/v1/evaluate/flags`, as
 * Flipt serves it; errors as OFREP bodies.
 */
export function ofrepRoute(view: SnapshotView, metrics: Metrics, limits: EvaluationLimits): RouteModule<RouteOf<'ofrep_flag' | 'ofrep_bulk'>> {
  return {
    methods: ['POST'],
    auth: 'token',
    readsBody: true,
    dialect: () => 'ofrep',
    async handle({ req, res, route, cors, signal }) {
      const body = await readEvaluationBody(req, res, limits);
      const input = {
        body,
        environmentHeader: firstHeader(req, 'x-flipt-environment'),
        namespaceHeader: firstHeader(req, 'x-flipt-namespace'),
        view,
        record: metrics.countEvaluation.bind(metrics),
      };
      if (route.name === 'ofrep_flag') sendReply(res, evaluateOfrepFlag(route.key, input), cors);
      else sendReply(res, await evaluateOfrepBulk(input, firstHeader(req, 'if-none-match'), { maxFlags: limits.maxOfrepFlags, slices: limits.slices, signal }), cors);
    },
  };
}
