import type {
  BatchEvaluationResponse,
  BooleanEvaluationResponse,
  EvaluationContext,
  EvaluationRequest,
  EvaluationResponse,
  FlagInfo,
  Snapshot,
  SnapshotFlag,
  VariantEvaluationResponse,
} from './types';
import { EvaluationError, type EvaluationErrorCode } from './errors';
import { parseSnapshot } from './parseSnapshot';
import { compileFlag, evaluateFlag, type CompiledFlag } from './flag';
import { toWellFormed } from './wellFormed';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Evaluates the flags of one namespace snapshot, with exactly the results of Flipt's own
 * engine. Immutable: a new snapshot means a new Engine. Building one validates the snapshot
 * and precomputes what evaluation needs (parsed values, sets, bucket bounds). Results are
 * frozen, and a repeated outcome usually returns the very same object.
 *
 * @example
 * const engine = new Engine(await (await fetch(snapshotUrl)).text());
 * engine.evaluateBoolean({ flagKey: 'new-checkout', entityId: 'user-1', context: { plan: 'pro' } });
 */
export class Engine {
  /** The namespace key of the snapshot. */
  readonly namespace: string;
  /** The snapshot's `digest`, when it has one. */
  readonly digest: string | undefined;
  /** The validated snapshot this engine was built from. */
  readonly snapshot: Snapshot;
  /** By key; a repeated key replaces the earlier flag, as in Flipt. */
  private readonly flags = new Map<string, [CompiledFlag, SnapshotFlag]>();

  /**
   * @param snapshot A namespace snapshot as a Flipt server returns it: an object or JSON text.
   * @throws SnapshotError when it is not one.
   */
  constructor(snapshot: Snapshot | string | object) {
    const data = (this.snapshot = parseSnapshot(snapshot));
    this.namespace = toWellFormed(data.namespace.key);
    this.digest = typeof data.digest === 'string' ? data.digest : undefined;
    for (const source of data.flags) {
      const key = toWellFormed(source.key);
      this.flags.set(key, [compileFlag(key, source), source]);
    }
  }

  /** Evaluates a variant flag. @throws EvaluationError where Flipt's client throws. */
  evaluateVariant(request: EvaluationRequest): VariantEvaluationResponse {
    return this.evaluate(request, false) as VariantEvaluationResponse;
  }

  /** Evaluates a boolean flag. @throws EvaluationError where Flipt's client throws. */
  evaluateBoolean(request: EvaluationRequest): BooleanEvaluationResponse {
    return this.evaluate(request, true) as BooleanEvaluationResponse;
  }

  /**
   * Evaluates several flags of either type. A missing flag becomes an error item; an invalid
   * request (non-string key or entity id, bad context) throws for the whole batch, as in Flipt.
   */
  evaluateBatch(requests: readonly EvaluationRequest[]): BatchEvaluationResponse {
    if (!Array.isArray(requests)) fail('INVALID_REQUEST', 'evaluateBatch takes an array of requests');
    const checked = requests.map((request) => this.check(request));
    const responses = requests.map((request, i): EvaluationResponse => {
      const flagKey = toWellFormed(request.flagKey);
      const [flag, context] = checked[i]!;
      if (!flag) {
        return {
          type: 'ERROR_EVALUATION_RESPONSE_TYPE',
          errorEvaluationResponse: { flagKey, namespaceKey: this.namespace, reason: 'NOT_FOUND_ERROR_EVALUATION_REASON' },
        };
      }
      const result = evaluateFlag(flag, toWellFormed(request.entityId), context);
      return flag.boolean
        ? { type: 'BOOLEAN_EVALUATION_RESPONSE_TYPE', booleanEvaluationResponse: result as BooleanEvaluationResponse }
        : { type: 'VARIANT_EVALUATION_RESPONSE_TYPE', variantEvaluationResponse: result as VariantEvaluationResponse };
    });
    return { responses };
  }

  /** Every flag in the snapshot (a repeated key counts once: the last one). */
  listFlags(): FlagInfo[] {
    return [...this.flags].map(([key, [{ boolean }, { enabled, description, defaultVariant: variant }]]) =>
      Object.assign(
        { key, enabled, type: boolean ? ('BOOLEAN_FLAG_TYPE' as const) : ('VARIANT_FLAG_TYPE' as const) },
        description != null && { description: toWellFormed(description) },
        variant && {
          defaultVariant: Object.assign(
            { id: toWellFormed(variant.id), key: toWellFormed(variant.key) },
            variant.attachment != null && { attachment: toWellFormed(variant.attachment) },
          ),
        },
      ),
    );
  }

  private evaluate(request: EvaluationRequest, boolean: boolean) {
    const [flag, context] = this.check(request, true);
    if (flag!.boolean !== boolean) fail('TYPE_MISMATCH', `flag "${request.flagKey}" is not a ${boolean ? 'boolean' : 'variant'} flag`);
    return evaluateFlag(flag!, toWellFormed(request.entityId), context);
  }

  /**
   * Checks a request as Flipt's client does and finds its flag. Single evaluations also refuse
   * blank keys and ids and a missing flag; batches accept them (a missing flag is an item).
   * Returns the flag and the context, read into a plain object when given as a Map or as
   * `[key, value]` pairs (which Flipt's client accepts too).
   */
  private check(request: EvaluationRequest, single?: boolean): [CompiledFlag | undefined, EvaluationContext] {
    if (typeof request !== 'object' || !request) fail('INVALID_REQUEST', 'a request is an object { flagKey, entityId, context }');
    const { flagKey, entityId } = request;
    let context: EvaluationContext | Iterable<[string, string]> = request.context;
    if (typeof flagKey !== 'string' || (single && !flagKey.trim())) fail('INVALID_FLAG_KEY', 'flagKey must be a non-empty string');
    if (typeof entityId !== 'string' || (single && !entityId.trim())) fail('TARGETING_KEY_MISSING', 'entityId must be a non-empty string');
    if (typeof context !== 'object' || !context) fail('INVALID_CONTEXT', 'context must be an object of strings ({} for none)');
    if (Array.isArray(context) || context instanceof Map) {
      const pairs = context;
      context = Object.create(null) as EvaluationContext;
      try {
        for (const [property, value] of pairs) context[property] = typeof property === 'string' ? value : (undefined as never);
      } catch {
        fail('INVALID_CONTEXT', 'context pairs must be [key, value]');
      }
    }
    for (const property in context) {
      if (hasOwn.call(context, property) && typeof (context as EvaluationContext)[property] !== 'string') fail('INVALID_CONTEXT', `context.${property} must be a string`);
    }
    const flag = this.flags.get(toWellFormed(flagKey));
    if (!flag && single) fail('FLAG_NOT_FOUND', `flag "${flagKey}" is not in namespace "${this.namespace}"`);
    return [flag && flag[0], context as EvaluationContext];
  }
}

function fail(code: EvaluationErrorCode, message: string): never {
  throw new EvaluationError(code, message);
}
