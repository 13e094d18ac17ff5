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
import { EvaluationError } from './errors';
import { parseSnapshot } from './parseSnapshot';
import { compileVariantFlag, evaluateVariantFlag, type VariantFlag } from './variantFlag';
import { compileBooleanFlag, evaluateBooleanFlag, type BooleanFlag } from './booleanFlag';
import { CRC_INIT, crcString } from './crc32';
import { isWellFormed, toWellFormed } from './wellFormed';

type CompiledFlag = VariantFlag | BooleanFlag;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Evaluates the flags of one namespace snapshot, with exactly the results of Flipt's own
 * engine. Immutable: a new snapshot means a new Engine. Building one validates the snapshot
 * and precomputes everything evaluation needs (parsed values, sets, bucket bounds).
 *
 * @example
 * const engine = new Engine(await (await fetch(url)).text());
 * engine.evaluateBoolean({ flagKey: 'new-checkout', entityId: 'user-1', context: { plan: 'pro' } });
 */
export class Engine {
  /** The namespace key of the snapshot. */
  readonly namespace: string;
  /** The snapshot's `digest`, when it has one. */
  readonly digest: string | undefined;
  /** The validated snapshot this engine was built from. */
  readonly snapshot: Snapshot;
  private readonly flags = new Map<string, CompiledFlag>();
  /**
   * Set when a constraint property contains U+FFFD: only then can repairing lone surrogates
   * in context keys (as Flipt's engine does) change which value a constraint reads.
   */
  private readonly repairContextKeys: boolean;
  private flagInfos: readonly FlagInfo[] | undefined;

  /**
   * @param snapshot A namespace snapshot as a Flipt server returns it: an object or JSON text.
   * @throws SnapshotError when it is not one.
   */
  constructor(snapshot: Snapshot | string | object) {
    const data = parseSnapshot(snapshot);
    this.snapshot = data;
    this.namespace = toWellFormed(data.namespace.key);
    this.digest = typeof data.digest === 'string' ? data.digest : undefined;
    let repair = false;
    for (const source of data.flags) {
      // Flipt keys flags by key: a repeated key replaces the earlier flag.
      const key = toWellFormed(source.key);
      this.flags.set(
        key,
        source.type === 'BOOLEAN_FLAG_TYPE' ? compileBooleanFlag(key, source) : compileVariantFlag(key, source, crcString(CRC_INIT, key)),
      );
      repair ||= hasRepairedProperty(source);
    }
    this.repairContextKeys = repair;
  }

  /** Evaluates a variant flag. @throws EvaluationError where Flipt's client throws. */
  evaluateVariant(request: EvaluationRequest): VariantEvaluationResponse {
    const flag = this.flagFor(request, true, 'variant');
    return evaluateVariantFlag(flag as VariantFlag, toWellFormed(request.entityId), this.contextOf(request));
  }

  /** Evaluates a boolean flag. @throws EvaluationError where Flipt's client throws. */
  evaluateBoolean(request: EvaluationRequest): BooleanEvaluationResponse {
    const flag = this.flagFor(request, true, 'boolean');
    return evaluateBooleanFlag(flag as BooleanFlag, toWellFormed(request.entityId), this.contextOf(request));
  }

  /**
   * Evaluates several flags of either type. A missing flag becomes an error item; an invalid
   * request (non-string key or entity id, bad context) throws for the whole batch, as in Flipt.
   */
  evaluateBatch(requests: readonly EvaluationRequest[]): BatchEvaluationResponse {
    if (!Array.isArray(requests)) throw new EvaluationError('INVALID_REQUEST', 'evaluateBatch expects an array of requests');
    for (const request of requests) this.flagFor(request, false, undefined);
    const responses: EvaluationResponse[] = [];
    for (const request of requests) {
      const flagKey = toWellFormed(request.flagKey);
      const flag = this.flags.get(flagKey);
      const entityId = toWellFormed(request.entityId);
      if (!flag) {
        responses.push({
          type: 'ERROR_EVALUATION_RESPONSE_TYPE',
          errorEvaluationResponse: { flagKey, namespaceKey: this.namespace, reason: 'NOT_FOUND_ERROR_EVALUATION_REASON' },
        });
      } else if (flag.kind === 'boolean') {
        responses.push({
          type: 'BOOLEAN_EVALUATION_RESPONSE_TYPE',
          booleanEvaluationResponse: evaluateBooleanFlag(flag, entityId, this.contextOf(request)),
        });
      } else {
        responses.push({
          type: 'VARIANT_EVALUATION_RESPONSE_TYPE',
          variantEvaluationResponse: evaluateVariantFlag(flag, entityId, this.contextOf(request)),
        });
      }
    }
    return { responses };
  }

  /** Every flag in the snapshot (a repeated key counts once: the last one). */
  listFlags(): FlagInfo[] {
    this.flagInfos ??= [...this.flags.keys()].map((key) => describeFlag(key, this.sourceOf(key)!));
    return this.flagInfos.slice();
  }

  /** Whether the snapshot has a flag with this key. */
  hasFlag(flagKey: string): boolean {
    return this.flags.has(toWellFormed(flagKey));
  }

  /** The snapshot's definition of a flag (the last one, if the key repeats). */
  sourceOf(flagKey: string): SnapshotFlag | undefined {
    const key = toWellFormed(flagKey);
    const flags = this.snapshot.flags;
    for (let i = flags.length - 1; i >= 0; i--) if (toWellFormed(flags[i]!.key) === key) return flags[i];
    return undefined;
  }

  /**
   * Checks a request as Flipt's client does and finds its flag. Single evaluations also refuse
   * blank keys and ids; batches accept them (and report a blank key as not found).
   */
  private flagFor(request: EvaluationRequest, single: boolean, type: CompiledFlag['kind'] | undefined): CompiledFlag | undefined {
    if (typeof request !== 'object' || request === null) {
      throw new EvaluationError('INVALID_REQUEST', 'an evaluation request must be an object { flagKey, entityId, context }');
    }
    const { flagKey, entityId, context } = request;
    if (typeof flagKey !== 'string' || (single && flagKey.trim() === '')) {
      throw new EvaluationError('INVALID_FLAG_KEY', 'flagKey must be a non-empty string');
    }
    if (typeof entityId !== 'string' || (single && entityId.trim() === '')) {
      throw new EvaluationError('TARGETING_KEY_MISSING', 'entityId must be a non-empty string', flagKey);
    }
    if (typeof context !== 'object' || context === null) {
      throw new EvaluationError('INVALID_CONTEXT', 'context must be an object of strings (use {} for none)', flagKey);
    }
    for (const property in context) {
      if (hasOwn.call(context, property) && typeof context[property] !== 'string') {
        throw new EvaluationError('INVALID_CONTEXT', `context.${property} must be a string, got ${typeof context[property]}`, flagKey);
      }
    }
    if (!type) return undefined;
    const flag = this.flags.get(isWellFormed(flagKey) ? flagKey : toWellFormed(flagKey));
    if (!flag) throw new EvaluationError('FLAG_NOT_FOUND', `flag "${flagKey}" not found in namespace "${this.namespace}"`, flagKey);
    if (flag.kind !== type) throw new EvaluationError('TYPE_MISMATCH', `flag "${flagKey}" is not a ${type} flag`, flagKey);
    return flag;
  }

  private contextOf(request: EvaluationRequest): EvaluationContext {
    const context = request.context;
    if (!this.repairContextKeys) return context;
    // Later keys win when two repair to the same name, as in Flipt's map.
    const repaired: EvaluationContext = Object.create(null);
    for (const property of Object.keys(context)) repaired[toWellFormed(property)] = context[property]!;
    return repaired;
  }
}

function hasRepairedProperty(flag: SnapshotFlag): boolean {
  const segments = [
    ...(flag.rules ?? []).flatMap((rule) => rule.segments ?? []),
    ...(flag.rollouts ?? []).flatMap((rollout) => rollout.segment?.segments ?? []),
  ];
  return segments.some((segment) => segment.constraints.some((c) => toWellFormed(c.property).includes('\ufffd')));
}

function describeFlag(key: string, source: SnapshotFlag): FlagInfo {
  const info: { -readonly [K in keyof FlagInfo]: FlagInfo[K] } = {
    key,
    enabled: source.enabled,
    type: source.type === 'BOOLEAN_FLAG_TYPE' ? 'BOOLEAN_FLAG_TYPE' : 'VARIANT_FLAG_TYPE',
  };
  if (typeof source.description === 'string') info.description = toWellFormed(source.description);
  const variant = source.defaultVariant;
  if (variant) {
    info.defaultVariant = Object.freeze(
      variant.attachment == null
        ? { id: toWellFormed(variant.id), key: toWellFormed(variant.key) }
        : { id: toWellFormed(variant.id), key: toWellFormed(variant.key), attachment: toWellFormed(variant.attachment) },
    );
  }
  return Object.freeze(info);
}
