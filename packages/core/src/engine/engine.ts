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
} from '../types.js';
import { EvaluationError, type EvaluationErrorCode } from '../errors.js';
import { compileFlag, evaluateFlag, type CompiledFlag } from './flag.js';
import { isWellFormed, toWellFormed } from '../snapshot/wellFormed.js';
import { isBlank } from './isBlank.js';

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
  /** Definitions by key; a repeated key replaces the earlier flag, as in Flipt. */
  readonly #sources = new Map<string, SnapshotFlag>();
  /** Each flag is compiled on its first evaluation, so building an engine costs almost nothing. */
  readonly #compiled = new Map<string, CompiledFlag>();

  /**
   * @param snapshot A namespace snapshot as `parseSnapshot` returns it. Data from elsewhere
   * (a server, a cache, a bootstrap script) must go through `parseSnapshot` first: the
   * engine does not validate again.
   */
  constructor(snapshot: Snapshot) {
    const digest = (this.snapshot = snapshot).digest;
    this.namespace = snapshot.namespace.key;
    this.digest = typeof digest === 'string' ? digest : undefined;
    for (const flag of snapshot.flags) this.#sources.set(flag.key, flag);
  }

  /** Evaluates a variant flag. @throws EvaluationError where Flipt's client throws. */
  evaluateVariant(request: EvaluationRequest): VariantEvaluationResponse {
    return this.#evaluate(request, false) as VariantEvaluationResponse;
  }

  /** Evaluates a boolean flag. @throws EvaluationError where Flipt's client throws. */
  evaluateBoolean(request: EvaluationRequest): BooleanEvaluationResponse {
    return this.#evaluate(request, true) as BooleanEvaluationResponse;
  }

  /**
   * Evaluates several flags of either type. A missing flag becomes an error item; an invalid
   * request (non-string key or entity id, bad context) throws for the whole batch, as in Flipt.
   */
  evaluateBatch(requests: readonly EvaluationRequest[]): BatchEvaluationResponse {
    if (!Array.isArray(requests)) fail('INVALID_REQUEST', 'requests must be an array');
    const checked = requests.map((request) => {
      checkKeys(request, false);
      const flag = this.#flag(request.flagKey);
      return [flag, readContext(request.context, flag)] as const;
    });
    return {
      responses: checked.map(([flag, context], i) => {
        const { flagKey, entityId } = requests[i]!;
        const type = flag ? (flag.boolean ? 'boolean' : 'variant') : 'error';
        return {
          type: `${type.toUpperCase()}_EVALUATION_RESPONSE_TYPE`,
          [`${type}EvaluationResponse`]: flag
            ? evaluateFlag(flag, entityId, context)
            : { flagKey: toWellFormed(flagKey), namespaceKey: this.namespace, reason: 'NOT_FOUND_ERROR_EVALUATION_REASON' },
        } as unknown as EvaluationResponse;
      }),
    };
  }

  /** Every flag in the snapshot (a repeated key counts once: the last one). */
  listFlags(): FlagInfo[] {
    return [...this.#sources.values()].map(({ key, type, enabled, description, defaultVariant: variant }) =>
      Object.assign(
        { key, enabled, type: type === 'BOOLEAN_FLAG_TYPE' ? ('BOOLEAN_FLAG_TYPE' as const) : ('VARIANT_FLAG_TYPE' as const) },
        description != null && { description },
        variant && { defaultVariant: Object.assign({ id: variant.id, key: variant.key }, variant.attachment != null && { attachment: variant.attachment }) },
      ),
    );
  }

  #evaluate(request: EvaluationRequest, boolean: boolean) {
    checkKeys(request, true);
    const { flagKey, entityId } = request;
    const flag = this.#flag(flagKey);
    const context = readContext(request.context, flag);
    if (!flag) fail('FLAG_NOT_FOUND', `flag ${flagKey} not found in namespace ${this.namespace}`);
    if (flag.boolean !== boolean) fail('TYPE_MISMATCH', `flag ${flagKey} is not a ${boolean ? 'boolean' : 'variant'} flag`);
    // The entity id needs no repair here: hashing and string constraints repair it themselves.
    return evaluateFlag(flag, entityId, context);
  }

  /** The compiled flag for a request's key (repaired as Flipt's engine sees it, when that matters). */
  #flag(flagKey: string): CompiledFlag | undefined {
    let flag = this.#compiled.get(flagKey);
    if (!flag) {
      const source = this.#sources.get(flagKey) || this.#sources.get(toWellFormed(flagKey));
      if (source) this.#compiled.set(flagKey, (flag = compileFlag(source)));
    }
    return flag;
  }
}

/** Flipt's client refuses non-string keys and ids, and (single evaluations) blank ones. */
function checkKeys(request: EvaluationRequest, single: boolean): void {
  if (typeof request?.flagKey !== 'string' || (single && isBlank(request.flagKey))) fail('INVALID_FLAG_KEY', 'flagKey must be a non-empty string');
  if (typeof request.entityId !== 'string' || (single && isBlank(request.entityId))) fail('TARGETING_KEY_MISSING', 'entityId must be a non-empty string');
}

/**
 * The request's context as evaluation reads it, checked as Flipt's client does. Evaluation
 * reads `context[property]` and takes any string it finds, so anything but a plain object of
 * strings is copied into a plain map first: Maps and `[key, value]` pairs (Flipt's client
 * reads both), other prototypes, and keys with lone surrogates when the flag reads a property
 * with U+FFFD (keys are repaired to U+FFFD as Flipt's engine does, the later key winning).
 */
function readContext(context: EvaluationContext, flag: CompiledFlag | undefined): EvaluationContext {
  if (typeof context !== 'object' || !context) fail('INVALID_CONTEXT', 'context must be an object of strings');
  const proto = Object.getPrototypeOf(context);
  const repairKeys = flag && flag.repairKeys;
  let plain = proto === Object.prototype || !proto;
  for (const property in context) {
    if (typeof context[property] !== 'string' || !hasOwn.call(context, property) || (repairKeys && !isWellFormed(property))) plain = false;
  }
  if (plain) return context;
  const copy: EvaluationContext = Object.create(null);
  const pairs: Iterable<[string, unknown]> = Array.isArray(context) || context instanceof Map ? context : Object.entries(context);
  try {
    for (const [property, value] of pairs) {
      copy[toWellFormed(property)] = typeof property + typeof value === 'stringstring' ? (value as string) : fail('INVALID_CONTEXT', `context.${property} must be a string`);
    }
  } catch (error) {
    fail('INVALID_CONTEXT', (error as Error).message);
  }
  return copy;
}

function fail(code: EvaluationErrorCode, message: string): never {
  throw new EvaluationError(code, message);
}
