/** A value the safe API accepts in a context; numbers, booleans and dates are sent as strings. */
export type ContextValue = string | number | boolean | bigint | Date | null | undefined;

/**
 * A context for the safe API: any object whose values are `ContextValue`s, interfaces
 * included (`interface User { plan: string; age: number }` needs no index signature).
 */
export type LooseContext<T = Record<string, ContextValue>> = { readonly [K in keyof T]: ContextValue };

/**
 * A loose context as Flipt's SDKs send it: strings as they are, numbers and booleans as text,
 * dates as RFC 3339; null and undefined values are left out. Keys are data (`__proto__` too).
 */
export function toEvaluationContext(context: object | undefined): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(context ?? {})) {
    if (value != null) result[key] = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : String(value);
  }
  return result;
}
