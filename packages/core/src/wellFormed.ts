/*
 * Flipt's engine receives strings converted from UTF-16 to UTF-8, which replaces every lone
 * surrogate with U+FFFD. Matching must see the same strings.
 */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

type WellFormedString = string & { isWellFormed?(): boolean; toWellFormed?(): string };

export function isWellFormed(text: string): boolean {
  const native = (text as WellFormedString).isWellFormed;
  if (native) return native.call(text);
  LONE_SURROGATE.lastIndex = 0;
  return !LONE_SURROGATE.test(text);
}

/** `text` with each lone surrogate replaced by U+FFFD (the same string when there is none). */
export function toWellFormed(text: string): string {
  return isWellFormed(text) ? text : text.replace(LONE_SURROGATE, '\ufffd');
}
