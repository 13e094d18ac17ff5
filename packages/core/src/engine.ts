import type {
  BatchEvaluationResponse,
  BooleanEvaluationResponse,
  EvaluationContext,
  EvaluationRequest,
  EvaluationResponse,
  FlagInfo,
  Snapshot,
  VariantEvaluationResponse,
} from './types';
import { EvaluationError, type EvaluationErrorCode } from './errors';
import { compileFlag, evaluateFlag, type CompiledFlag } from './flag';
import { isWellFormed, toWellFormed } from './wellFormed';

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
  private readonly flags = new Map<string, CompiledFlag>();

  /**
   * @param snapshot A namespace snapshot as `parseSnapshot` returns it. Data from elsewhere
   * (a server, a cache, a bootstrap script) must go through `parseSnapshot` first: the
   * engine does not validate again.
   */
  constructor(snapshot: Snapshot) {
    const digest = (this.snapshot = snapshot).digest;
    this.namespace = snapshot.namespace.key;
    this.digest = typeof digest === 'string' ? digest : undefined;
    for (const flag of snapshot.flags) this.flags.set(flag.key, compileFlag(flag));
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
    return {
      responses: checked.map(([flag, flagKey, entityId, context]) => {
        const type = flag ? (flag.boolean ? 'boolean' : 'variant') : 'error';
        return {
          type: `${type.toUpperCase()}_EVALUATION_RESPONSE_TYPE`,
          [`${type}EvaluationResponse`]: flag
            ? evaluateFlag(flag, entityId, context)
            : { flagKey, namespaceKey: this.namespace, reason: 'NOT_FOUND_ERROR_EVALUATION_REASON' },
        } as unknown as EvaluationResponse;
      }),
    };
  }

  /** Every flag in the snapshot (a repeated key counts once: the last one). */
  listFlags(): FlagInfo[] {
    return [...this.flags.values()].map(({ key, boolean, source: { enabled, description, defaultVariant: variant } }) =>
      Object.assign(
        { key, enabled, type: boolean ? ('BOOLEAN_FLAG_TYPE' as const) : ('VARIANT_FLAG_TYPE' as const) },
        description != null && { description },
        variant && { defaultVariant: Object.assign({ id: variant.id, key: variant.key }, variant.attachment != null && { attachment: variant.attachment }) },
      ),
    );
  }

  private evaluate(request: EvaluationRequest, boolean: boolean) {
    const [flag, flagKey, entityId, context] = this.check(request, true);
    if (!flag) fail('FLAG_NOT_FOUND', `flag "${flagKey}" is not in namespace "${this.namespace}"`);
    if (flag.boolean !== boolean) fail('TYPE_MISMATCH', `flag "${flagKey}" is not a ${boolean ? 'boolean' : 'variant'} flag`);
    return evaluateFlag(flag, entityId, context);
  }

  /**
   * Checks a request as Flipt's client does (single evaluations also refuse blank keys and
   * ids), and returns its flag, key, entity id and context, repaired as Flipt's engine sees
   * them. Evaluation reads `context[property]` and takes any string it finds, so a context
   * whose reads could see more than its own string values is copied into a plain map first:
   * Maps and `[key, value]` pairs (Flipt's client reads both), other prototypes, and keys
   * with lone surrogates (repaired to U+FFFD, the later key winning).
   */
  private check(request: EvaluationRequest, single?: boolean): [CompiledFlag | undefined, string, string, EvaluationContext] {
    if (typeof request !== 'object' || !request) fail('INVALID_REQUEST', 'a request is an object { flagKey, entityId, context }');
    const { flagKey, entityId } = request;
    let context: EvaluationContext | Iterable<[string, string]> = request.context;
    if (typeof flagKey !== 'string' || (single && !flagKey.trim())) fail('INVALID_FLAG_KEY', 'flagKey must be a non-empty string');
    if (typeof entityId !== 'string' || (single && !entityId.trim())) fail('TARGETING_KEY_MISSING', 'entityId must be a non-empty string');
    if (typeof context !== 'object' || !context) fail('INVALID_CONTEXT', 'context must be an object of strings ({} for none)');
    const proto = Object.getPrototypeOf(context);
    let copy = (proto !== Object.prototype && proto) || 0;
    for (const property in context) {
      copy ||= +(!hasOwn.call(context, property) || !isWellFormed(property));
      if (!copy && typeof (context as EvaluationContext)[property] !== 'string') fail('INVALID_CONTEXT', `context.${property} must be a string`);
    }
    if (copy) {
      const pairs = Array.isArray(context) || context instanceof Map ? context : Object.entries(context);
      context = Object.create(null) as EvaluationContext;
      try {
        for (const [property, value] of pairs) {
          if (typeof property + typeof value !== 'stringstring') throw 0;
          context[toWellFormed(property)] = value;
        }
      } catch {
        fail('INVALID_CONTEXT', 'context must map strings to strings');
      }
    }
    const key = toWellFormed(flagKey);
    return [this.flags.get(key), key, toWellFormed(entityId), context as EvaluationContext];
  }
}

function fail(code: EvaluationErrorCode, message: string): never {
  throw new EvaluationError(code, message);
}
