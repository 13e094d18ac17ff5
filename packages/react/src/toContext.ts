import type { EvaluationContext, LooseContext } from '@flagcast/core';

/**
 * Context values as Flipt's SDKs send them: numbers and booleans as text, dates as RFC 3339;
 * null and undefined values are left out. Keys are data (`__proto__` included).
 */
export function toContext(context: LooseContext | undefined): EvaluationContext {
  const result: EvaluationContext = Object.create(null);
  for (const [key, value] of Object.entries(context ?? {})) {
    if (value != null) result[key] = value instanceof Date ? value.toISOString() : String(value);
  }
  return result;
}
