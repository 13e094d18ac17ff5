import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type {
  BooleanEvaluationResponse,
  Engine,
  EvaluationError,
  EvaluationErrorCode,
  LooseContext,
  VariantEvaluationResponse,
} from '@flagcast/core';
import { useFlagcast } from './FlagcastProvider.js';
import { clientBindings, toEvaluationContext, type FlagClient } from '@flagcast/core';

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

/** Bundlers replace `process.env.NODE_ENV` (development warnings are dropped from production builds). */
declare const process: { env: { NODE_ENV?: string } };

/** Tells the client's exposure bookkeeping that `outcome` is served to `entityId` (an error code serves a default: nothing). */
function report(client: FlagClient, outcome: Outcome, entityId: string): void {
  if (typeof outcome === 'object') clientBindings(client)?.serve(outcome, entityId);
}

/** What a committed render shows, for exposures. */
interface Shown {
  key: string;
  entityId: string;
  outcome: Outcome;
  value: unknown;
}

/**
 * The shared body of every flag hook: evaluates one flag for the provider's entity, and hands
 * React `derive(outcome)`, re-derived only when the outcome changed by value, so the component
 * re-renders only then. The flag is evaluated again only when it is in a snapshot's
 * `changedFlags`, or when the request (flag, entity, context, `derivation`) changed. With
 * `exposes`, the value served is reported to the client's `onExposure` once committed.
 */
export function useEvaluation<R extends Result, T, C extends LooseContext<C>>(
  flagKey: string,
  type: R extends BooleanEvaluationResponse ? 'boolean' : 'variant',
  options: FlagOptions<C> | undefined,
  derivation: string,
  derive: (outcome: R | EvaluationErrorCode) => T,
  exposes = true,
): T {
  const { client, entityId, context, contextKey, server } = useFlagcast();
  const merged = options?.context && { ...context, ...toEvaluationContext(options.context) };
  const request = { flagKey, entityId: options?.entityId ?? entityId, context: merged || context };
  const key = JSON.stringify([type, flagKey, request.entityId, merged ? JSON.stringify(merged) : contextKey, derivation]);
  const cache = useRef<Cached<T>>(undefined);
  const shown = useRef<Shown>(undefined);

  const read = (engine: Engine | undefined): T => {
    const cached = cache.current;
    if (cached && cached.key === key && cached.engine === engine) return cached.value;
    let outcome: Outcome = 'NOT_READY';
    try {
      if (engine) outcome = type === 'boolean' ? engine.evaluateBoolean(request) : engine.evaluateVariant(request);
    } catch (error) {
      outcome = (error as EvaluationError).code;
    }
    // An equal outcome keeps its first object too: its identity tells the exposure effect about changes.
    cache.current =
      cached && cached.key === key && sameOutcome(cached.outcome, outcome)
        ? { ...cached, engine }
        : { key, engine, outcome, value: derive(outcome as R | EvaluationErrorCode) };
    return cache.current.value;
  };

  const subscribe = useCallback(
    (notify: () => void) => {
      let seen = client.getEngine();
      return client.subscribe(({ changedFlags }) => {
        const engine = client.getEngine();
        const cached = cache.current;
        // The first snapshot decides every flag, also one it lacks (NOT_READY → FLAG_NOT_FOUND).
        if (changedFlags.includes(flagKey) || (!seen && engine)) {
          notify(); // React reads the new value now, and re-renders only if it changed
          const now = cache.current;
          const committed = shown.current;
          // The same value under a new outcome (a default that became the flag's own value) is
          // served from now on, with no render to commit: report it here.
          if (now && committed && now.key === committed.key && now.value === committed.value && now.outcome !== committed.outcome) {
            report(client, (committed.outcome = now.outcome), committed.entityId);
          }
        }
        // Another flag changed: what this hook holds is the result under the new engine too.
        else if (cached && cached.engine === seen) cached.engine = engine;
        seen = engine;
      });
    },
    [client, flagKey],
  );

  const value = useSyncExternalStore(subscribe, () => read(client.getEngine()), () => read(server.engine));
  // What this render shows, kept for its commit: a later read (a render React drops) must not change it.
  const { outcome } = cache.current!;
  useEffect(() => {
    // A typo or a flag not published yet: said once, in development builds only.
    if (process.env.NODE_ENV !== 'production' && outcome === 'FLAG_NOT_FOUND') {
      const bindings = clientBindings(client);
      bindings?.warn(`missing ${flagKey}`, `flag "${flagKey}" is not in the snapshot of ${bindings.describe()}: its default is served`);
    }
    if (!exposes) return;
    shown.current = { key, entityId: request.entityId, outcome, value };
    report(client, outcome, request.entityId);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` covers the request; `value` follows `outcome`
  }, [client, key, outcome]);
  return value;
}

/** Same result by value (segment key order is not significant); the engine often returns the very same object. */
function sameOutcome(a: Outcome, b: Outcome): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && fingerprint(a) === fingerprint(b));
}

function fingerprint(result: Result): string {
  return JSON.stringify({ ...result, segmentKeys: [...result.segmentKeys].sort() });
}
