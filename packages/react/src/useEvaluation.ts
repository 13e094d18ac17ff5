import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import {
  clientBindings,
  createFlagObserver,
  toEvaluationContext,
  type BooleanEvaluationResponse,
  type EvaluationErrorCode,
  type FlagClient,
  type FlagOutcome,
  type LooseContext,
  type VariantEvaluationResponse,
} from '@flagcast/core';
import { useFlagcast } from './FlagcastProvider.js';

/** Per-call overrides of the provider's entity and context. */
export interface FlagOptions<C extends LooseContext<C> = LooseContext> {
  /** Evaluate for this entity instead of the provider's. */
  entityId?: string | undefined;
  /** Merged over the provider's context (these properties win). Compared by value. */
  context?: C | undefined;
}

type Result = BooleanEvaluationResponse | VariantEvaluationResponse;

/** Bundlers replace `process.env.NODE_ENV` (development warnings are dropped from production builds). */
declare const process: { env: { NODE_ENV?: string } };

/** Tells the client's exposure bookkeeping that `outcome` is served to `entityId` (an error code serves a default: nothing). */
function report(client: FlagClient, outcome: FlagOutcome, entityId: string): void {
  if (typeof outcome === 'object') clientBindings(client)?.serve(outcome, entityId);
}

/** What a committed render shows, for exposures. */
interface Shown {
  key: string;
  entityId: string;
  outcome: FlagOutcome;
  value: unknown;
}

/**
 * The shared body of every flag hook: a `FlagObserver` of one flag for the provider's entity,
 * read through `useSyncExternalStore`. React gets `derive(outcome)`, derived again only when
 * the outcome changed by value, so the component re-renders only then; the observer is woken
 * only by changes to its own flag. With `exposes`, the value served is reported to the
 * client's `onExposure` once committed.
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
  const request = { flagKey, type, entityId: options?.entityId ?? entityId, context: merged || context };
  const key = JSON.stringify([type, flagKey, request.entityId, merged ? JSON.stringify(merged) : contextKey, derivation]);
  const observer = useMemo(() => createFlagObserver<T>(client), [client]);
  observer.setRequest(request, key, derive as (outcome: FlagOutcome) => T);
  const shown = useRef<Shown>(undefined);

  const subscribe = useCallback(
    (notify: () => void) =>
      observer.subscribe(() => {
        notify(); // React reads the new value now, and re-renders only if it changed
        const committed = shown.current;
        const now = observer.getOutcome();
        // The same value under a new outcome (a default that became the flag's own value) is
        // served from now on, with no render to commit: report it here.
        if (committed && committed.key === key && committed.value === observer.getValue() && now !== committed.outcome) {
          report(client, (committed.outcome = now), committed.entityId);
        }
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` covers the flag key
    [observer, flagKey],
  );

  const value = useSyncExternalStore(subscribe, () => observer.getValue(), () => observer.getServerValue(server.engine));
  // What this render shows, kept for its commit: a later read (a render React drops) must not change it.
  const outcome = observer.getOutcome();
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
