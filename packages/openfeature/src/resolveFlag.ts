import { toEvaluationContext, type EvaluationErrorCode, type EvaluationReason, type FlagClient, type ContextValue } from '@flagcast/core';
import { ErrorCode, TypeMismatchError, type EvaluationContext, type FlagValueType, type ResolutionDetails } from '@openfeature/web-sdk';

/** The engine's error codes as OpenFeature names them (`NOT_READY`: no snapshot yet). */
const errorCodes: Record<EvaluationErrorCode, ErrorCode> = {
  NOT_READY: ErrorCode.PROVIDER_NOT_READY,
  FLAG_NOT_FOUND: ErrorCode.FLAG_NOT_FOUND,
  TYPE_MISMATCH: ErrorCode.TYPE_MISMATCH,
  TARGETING_KEY_MISSING: ErrorCode.TARGETING_KEY_MISSING,
  INVALID_CONTEXT: ErrorCode.INVALID_CONTEXT,
  INVALID_FLAG_KEY: ErrorCode.GENERAL,
  INVALID_REQUEST: ErrorCode.GENERAL,
};

// Flipt's reasons as Flipt's own OFREP endpoint names them.
const reasons: Partial<Record<EvaluationReason, string>> = {
  MATCH_EVALUATION_REASON: 'TARGETING_MATCH',
  DEFAULT_EVALUATION_REASON: 'DEFAULT',
  FLAG_DISABLED_EVALUATION_REASON: 'DISABLED',
};

/**
 * One OpenFeature resolution from the client's engine. Never throws: a flag that cannot be
 * evaluated gives the default value, reason `ERROR` and an OpenFeature error code.
 * @param type Which resolver OpenFeature called: the type of value the app asked for.
 */
export function resolveFlag<T>(client: FlagClient, type: FlagValueType, flagKey: string, defaultValue: T, context: EvaluationContext): ResolutionDetails<T> {
  try {
    const { targetingKey, ...attributes } = context;
    // Flipt contexts are flat: a structure (object, array) goes as its JSON text.
    const loose: Record<string, ContextValue> = Object.create(null);
    for (const [key, value] of Object.entries(attributes)) loose[key] = value instanceof Object && !(value instanceof Date) ? JSON.stringify(value) : value;
    // A missing targetingKey reaches the engine as it is, and comes back as TARGETING_KEY_MISSING.
    const request = { flagKey, entityId: targetingKey!, context: toEvaluationContext(loose) };
    let value: unknown;
    let variant: string | undefined;
    const result = type === 'boolean' ? client.evaluateBoolean(request) : client.evaluateVariant(request);
    if ('enabled' in result) {
      variant = String((value = result.enabled));
    } else {
      // No variant (no match and no default variant): the app's default.
      variant = result.variantKey || undefined;
      // Files give a variant without attachment the text "null": no attachment either.
      const attachment: unknown = type !== 'string' && result.variantAttachment ? JSON.parse(result.variantAttachment) : null;
      if (type === 'string') value = variant;
      else if (type === 'object') value = attachment;
      else if (typeof attachment === 'number') value = attachment;
      else if (variant !== undefined && !Number.isFinite((value = Number(variant)))) {
        throw new TypeMismatchError(`flag ${flagKey}: neither its attachment nor its variant key "${variant}" is a number`);
      }
    }
    return {
      value: (value ?? defaultValue) as T,
      variant,
      reason: reasons[result.reason] ?? 'UNKNOWN',
      flagMetadata: result.segmentKeys.length ? { segments: result.segmentKeys.join(',') } : {},
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message =
      code === 'TARGETING_KEY_MISSING'
        ? "the evaluation context has no targetingKey (Flipt's entity id)"
        : error instanceof SyntaxError
          ? `its attachment is not JSON (${error.message})`
          : `${(error as Error).message}`;
    return {
      value: defaultValue,
      reason: 'ERROR',
      // A TypeMismatchError thrown above carries OpenFeature's own code.
      errorCode: error instanceof SyntaxError ? ErrorCode.PARSE_ERROR : (errorCodes[code as EvaluationErrorCode] ?? (code as ErrorCode) ?? ErrorCode.GENERAL),
      errorMessage: message.includes(flagKey) ? message : `flag ${flagKey}: ${message}`,
    };
  }
}
