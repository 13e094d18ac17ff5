/**
 * Where whitespace can be: every code unit up to the space, the no-break space, and from the
 * Ogham space mark (the first of Unicode's other spaces) up. Others skip the `trim()`. Exported
 * constants, so the bundler writes the numbers themselves into the built code (see
 * parseInt32.ts).
 */
export const SPACE = 0x20;
export const NO_BREAK_SPACE = 0xa0;
export const OGHAM_SPACE_MARK = 0x1680;

/** Blank as JavaScript's `trim()` sees it; only a string starting with whitespace can be. */
export function isBlank(text: string): boolean {
  const first = text.charCodeAt(0);
  return !text || ((first <= SPACE || first === NO_BREAK_SPACE || first >= OGHAM_SPACE_MARK) && !text.trim());
}
