import type { BooleanEvaluationResponse, EvaluationReason, VariantEvaluationResponse } from '../types.js';
import { reportLater } from './reportLater.js';

/**
 * A flag value served to an entity, as `onExposure` receives it: the first time each entity is
 * served a flag, and again each time the value served to it changes. Defaults (missing flag,
 * wrong type, no snapshot yet, a variant flag without a variant) are not exposures.
 */
export type Exposure = {
  readonly flagKey: string;
  readonly entityId: string;
  readonly reason: EvaluationReason;
  readonly segmentKeys: readonly string[];
} & ({ readonly type: 'boolean'; readonly value: boolean } | { readonly type: 'variant'; readonly value: string });

type Result = BooleanEvaluationResponse | VariantEvaluationResponse;

/** Records that `result` was served to `entityId`, and returns it. */
export type ServeResult = <R extends Result>(result: R, entityId: string) => R;

/** (flag, entity) pairs remembered; past it the oldest change is forgotten (and may be reported again). */
const REMEMBERED = 10_000;

/**
 * The exposure bookkeeping of one client: the last value served per (flag, entity), so that a
 * value is reported when it is first served and whenever it changes, never twice in a row.
 * A throwing `onExposure` is reported asynchronously and changes nothing.
 */
export function createExposures(onExposure: ((exposure: Exposure) => void) | undefined): ServeResult {
  const last = new Map<string, boolean | string>();
  return (result, entityId) => {
    if (!onExposure) return result;
    const boolean = 'enabled' in result;
    const value = boolean ? result.enabled : result.variantKey;
    // No variant: the caller serves its default.
    if (value === '') return result;
    const key = JSON.stringify([result.flagKey, entityId]);
    if (last.get(key) === value) return result;
    // Re-inserted, so the map's order is the order of the last changes.
    last.delete(key);
    last.set(key, value);
    if (last.size > REMEMBERED) last.delete(last.keys().next().value!);
    const { flagKey, reason, segmentKeys } = result;
    try {
      onExposure({ flagKey, entityId, reason, segmentKeys, ...(boolean ? { type: 'boolean', value } : { type: 'variant', value }) } as Exposure);
    } catch (error) {
      reportLater(error);
    }
    return result;
  };
}
