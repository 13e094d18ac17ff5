/*
 * Flipt's engine receives strings converted from UTF-16 to UTF-8, which replaces every lone
 * surrogate with U+FFFD; matching must see the same strings. Uses the native ES2024 methods;
 * where a runtime lacks them, strings are taken as they are.
 */

type MaybeWellFormed = string & { isWellFormed?(): boolean; toWellFormed?(): string };

export function isWellFormed(text: string): boolean {
  return !(text as MaybeWellFormed).isWellFormed || (text as MaybeWellFormed).isWellFormed!();
}

/** `text` with each lone surrogate replaced by U+FFFD. */
export function toWellFormed(text: string): string {
  return isWellFormed(text) ? text : (text as MaybeWellFormed).toWellFormed!();
}
