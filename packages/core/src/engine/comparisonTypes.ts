/*
 * Flipt's constraint comparison types, as the numbers a compiled constraint uses. Exported
 * constants, so the bundler writes the numbers themselves into the built code: naming them
 * costs nothing at run time.
 */
export const STRING_TYPE = 0;
export const NUMBER_TYPE = 1;
export const BOOLEAN_TYPE = 2;
export const DATETIME_TYPE = 3;
export const ENTITY_ID_TYPE = 4;

/** Each type's snapshot name at the index of its constant (`indexOf`: -1 for a type Flipt does not know). */
export const TYPE_NAMES = 'STRING NUMBER BOOLEAN DATETIME ENTITY_ID'.split(' ').map((type) => `${type}_CONSTRAINT_COMPARISON_TYPE`);

/** Strings and entity ids compare as strings, and share their operators. */
export function isStringLike(type: number): boolean {
  return type === STRING_TYPE || type === ENTITY_ID_TYPE;
}
