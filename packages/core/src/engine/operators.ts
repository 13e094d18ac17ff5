import { DATETIME_TYPE, isStringLike } from './comparisonTypes.js';

/*
 * Flipt's constraint operators (other than the emptiness tests), as the numbers a compiled
 * constraint uses: equality, then the orderings, then the one-of lists, then the substring
 * tests; the helpers below rely on these runs. Exported constants, so the bundler writes the
 * numbers themselves into the built code: a `switch` over them stays a jump table.
 */
export const EQ = 0;
export const NEQ = 1;
export const LT = 2;
export const LTE = 3;
export const GT = 4;
export const GTE = 5;
export const IS_ONE_OF = 6;
export const IS_NOT_ONE_OF = 7;
export const PREFIX = 8;
export const SUFFIX = 9;
export const CONTAINS = 10;
export const NOT_CONTAINS = 11;

/** Each operator's snapshot name at the index of its constant (`indexOf`: -1 for none of these). */
export const OPERATOR_NAMES = 'eq neq lt lte gt gte isoneof isnotoneof prefix suffix contains notcontains'.split(' ');

export function isOrdering(operator: number): boolean {
  return operator >= LT && operator <= GTE;
}

/** `isoneof` / `isnotoneof`: the constraint's value is a JSON list. */
export function takesList(operator: number): boolean {
  return operator === IS_ONE_OF || operator === IS_NOT_ONE_OF;
}

function isSubstringTest(operator: number): boolean {
  return operator >= PREFIX;
}

/**
 * Whether Flipt's engine defines a known operator for a string-like, number or date-time
 * comparison: strings have no ordering, numbers no substring tests, date-times neither
 * substring tests nor lists.
 */
export function operatorApplies(type: number, operator: number): boolean {
  if (operator < 0) return false;
  if (isStringLike(type)) return !isOrdering(operator);
  return !isSubstringTest(operator) && !(type === DATETIME_TYPE && takesList(operator));
}
