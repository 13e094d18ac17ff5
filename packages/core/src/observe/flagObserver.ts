import type { BooleanEvaluationResponse, EvaluationContext, VariantEvaluationResponse } from '../types.js';
import type { Engine } from '../engine/engine.js';
import type { EvaluationError, EvaluationErrorCode } from '../errors.js';
import type { FlagClient } from '../client/clientTypes.js';
import { clientBindings } from '../client/bindings.js';

/** One flag of one type, for one entity and context. */
export interface ObservedFlag {
  flagKey: string;
  type: 'boolean' | 'variant';
  entityId: string;
  context: EvaluationContext;
}

/** The engine's result, or the code of the error that stopped the evaluation (`NOT_READY`, `FLAG_NOT_FOUND`, …). */
export type FlagOutcome = BooleanEvaluationResponse | VariantEvaluationResponse | EvaluationErrorCode;

/**
 * Observes one flag for one entity: what every binding (React hooks, `watchFlag`) builds on.
 * Its outcome keeps its identity until it changes by value, and what it selects from the
 * outcome keeps its identity until the outcome changes, so a caller compares with `===`.
 * Subscribers are woken only by changes to this flag (or by the first snapshot): a change to
 * another flag costs an observer nothing.
 */
export interface FlagObserver<T> {
  /**
   * What is observed, and what to select from its outcome. `key` names the pair (request and
   * selection): a new key is evaluated again, the same key is not.
   */
  setRequest(request: ObservedFlag, key: string, select: (outcome: FlagOutcome) => T): void;
  /** The selection under the client's current engine. */
  getValue(): T;
  /** The selection under `engine`: what a server rendered (its bootstrap engine, or none). */
  getServerValue(engine: Engine | undefined): T;
  /** The outcome behind the last `getValue`. */
  getOutcome(): FlagOutcome;
  /** Calls `listener` when the outcome may have changed; the caller reads `getValue` to know. */
  subscribe(listener: () => void): () => void;
}

interface Evaluated<T> {
  key: string;
  engine: Engine | undefined;
  /** The store's version of the flag that `outcome` holds for (false: not the client's engine). */
  version: unknown;
  outcome: FlagOutcome;
  value: T;
}

/** Creates an observer on `client` (one made by `createFlagClient`). Call `setRequest` before reading. */
export function createFlagObserver<T>(client: FlagClient): FlagObserver<T> {
  const store = clientBindings(client)!;
  let request: ObservedFlag;
  let key = '';
  let select: (outcome: FlagOutcome) => T;
  let last: Evaluated<T> | undefined;

  function evaluate(engine: Engine | undefined): FlagOutcome {
    if (!engine) return 'NOT_READY';
    try {
      return request.type === 'boolean' ? engine.evaluateBoolean(request) : engine.evaluateVariant(request);
    } catch (error) {
      return (error as EvaluationError).code;
    }
  }

  return {
    setRequest(next, nextKey, nextSelect) {
      request = next;
      key = nextKey;
      select = nextSelect;
    },
    getValue: () => read(client.getEngine()),
    getServerValue: (engine) => read(engine),
    getOutcome: () => last!.outcome,
    subscribe: (listener) => store.subscribeFlag(request.flagKey, listener),
  };

  function read(engine: Engine | undefined): T {
    const current = engine === client.getEngine();
    const version = current && store.versionOf(request.flagKey);
    // Same request, and the flag unchanged since (another flag's edit gave a new engine): it still holds.
    if (last && last.key === key && (last.engine === engine || (current && last.version === version))) {
      last.engine = engine;
      return last.value;
    }
    const outcome = evaluate(engine);
    // An equal outcome keeps its first object, so that callers can compare by identity.
    last =
      last && last.key === key && sameOutcome(last.outcome, outcome)
        ? { ...last, engine, version }
        : { key, engine, version, outcome, value: select(outcome) };
    return last.value;
  }
}

/** Same result by value (segment key order is not significant); the engine often returns the very same object. */
function sameOutcome(a: FlagOutcome, b: FlagOutcome): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && fingerprint(a) === fingerprint(b));
}

function fingerprint(result: BooleanEvaluationResponse | VariantEvaluationResponse): string {
  return JSON.stringify({ ...result, segmentKeys: [...result.segmentKeys].sort() });
}
