/*
 * Characters and bounds of Rust's `str::parse::<i32>`. Exported constants, so the bundler
 * writes the numbers themselves into the built code (the bounds too: it inlines a number of
 * four digits or more only where it is tested, as here; see bucketBounds.ts).
 */
export const PLUS = 0x2b;
export const MINUS = 0x2d;
export const DIGIT_ZERO = 0x30;
export const INT32_MAX = 0x7fffffff;
/** The magnitude of the smallest i32, one more than INT32_MAX. */
export const INT32_MIN_MAGNITUDE = 0x80000000;

/**
 * `text` as Rust's `str::parse::<i32>` reads it (an optional sign, then ASCII digits, in
 * range), or NaN when it does not parse. Evaluation parses context values on every call, so
 * this allocates nothing.
 */
export function parseInt32(text: string): number {
  const negative = text.charCodeAt(0) === MINUS;
  let i = negative || text.charCodeAt(0) === PLUS ? 1 : 0;
  if (i === text.length) return NaN;
  let value = 0;
  for (; i < text.length; i++) {
    const digit = text.charCodeAt(i) - DIGIT_ZERO;
    if (digit < 0 || digit > 9 || (value = value * 10 + digit) > INT32_MIN_MAGNITUDE) return NaN;
  }
  return negative ? -value | 0 : value > INT32_MAX ? NaN : value;
}
