/*
 * What a compiled constraint does, in this order: the kinds before STRING decide without
 * reading the input's value; STRING and later parse it and compare. Exported constants, so
 * the bundler writes the numbers themselves into the built code.
 */
/** An unknown comparison type: fails the whole segment when reached. */
export const UNKNOWN_TYPE = -1;
/** A constraint Flipt's engine can only answer `false` for. */
export const NEVER = 0;
/** Matches the empty (or absent) value only. */
export const EMPTY = 1;
/** Matches any value but the empty one. */
export const NOT_EMPTY = 2;
export const STRING = 3;
export const NUMBER = 4;
export const DATETIME = 5;
