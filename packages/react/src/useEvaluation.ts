import { useCallback, useRef, useSyncExternalStore } from 'react';
import type {
  BooleanEvaluationResponse,
  Engine,
  EvaluationError,
  EvaluationErrorCode,
  LooseContext,
  VariantEvaluationResponse,
} from '@flagcast/core';
import { useFlagcast } from './FlagcastProvider.js';
import { toEvaluationContext } from '@flagcast/core';

/** Per-call overrides of the provider's entity and context. */
export interface FlagOptions<C extends LooseContext<C> = LooseContext> {
  /** Evaluate for this entity instead of the provider's. */
  entityId?: string | undefined;
  /** Merged over the provider's context (these properties win). Compared by value. */
  context?: C | undefined;
}

type Result = BooleanEvaluationResponse | VariantEvaluationResponse;
/** An engine result, or the code of the error that stopped the evaluation. */
type Outcome = Result | EvaluationErrorCode;

interface Cached<T> {
  key: string;
  /** The engine `outcome` holds for. */
  engine: Engine | undefined;
  outcome: Outcome;
  value: T;
}

/**
 * The shared body of every flag hook: evaluates one flag for the provider's entity, and hands
 * React `derive(outcome)`, re-derived only when the outcome changed by value, so the component
 * re-renders only then. The flag is evaluated again only when it is in a snapshot's
 * `changedFlags`, or when the request (flag, entity, context, `derivation`) changed.
 */
export function useEvaluation<R extends Result, T, C extends LooseContext<C>>(
  flagKey: string,
  type: R extends BooleanEvaluationResponse ? 'boolean' : 'variant',
  options: FlagOptions<C> | undefined,
  derivation: string,
  derive: (outcome: R | EvaluationErrorCode) => T,
): T {
  const { client, entityId, context, contextKey, server } = useFlagcast();
  const merged = options?.context && { ...context, ...toEvaluationContext(options.context) };
  const request = { flagKey, entityId: options?.entityId ?? entityId, context: merged || context };
  const key = JSON.stringify([type, flagKey, request.entityId, merged ? JSON.stringify(merged) : contextKey, derivation]);
  const cache = useRef<Cached<T>>(undefined);

  const read = (engine: Engine | undefined): T => {
    const cached = cache.current;
    if (cached && cached.key === key && cached.engine === engine) return cached.value;
    let outcome: Outcome = 'NOT_READY';
    try {
      if (engine) outcome = type === 'boolean' ? engine.evaluateBoolean(request) : engine.evaluateVariant(request);
    } catch (error) {
      outcome = (error as EvaluationError).code;
    }
    const value = cached && cached.key === key && sameOutcome(cached.outcome, outcome) ? cached.value : derive(outcome as R | EvaluationErrorCode);
    cache.current = { key, engine, outcome, value };
    return value;
  };

  const subscribe = useCallback(
    (notify: () => void) => {
      let seen = client.getEngine();
      return client.subscribe(({ changedFlags }) => {
        const engine = client.getEngine();
        const cached = cache.current;
        if (changedFlags.includes(flagKey)) notify();
        // Another flag changed: what this hook holds is the result under the new engine too.
        else if (cached && cached.engine === seen) cached.engine = engine;
        seen = engine;
      });
    },
    [client, flagKey],
  );

  return useSyncExternalStore(subscribe, () => read(client.getEngine()), () => read(server.engine));
}

/** Same result by value (segment key order is not significant); the engine often returns the very same object. */
function sameOutcome(a: Outcome, b: Outcome): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && fingerprint(a) === fingerprint(b));
}

function fingerprint(result: Result): string {
  return JSON.stringify({ ...result, segmentKeys: [...result.segmentKeys].sort() });
}
