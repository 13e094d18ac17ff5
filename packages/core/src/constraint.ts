import type { SnapshotConstraint } from './types';
import { parseDateTime } from './parseDateTime';
import { isWellFormed, toWellFormed } from './wellFormed';

/*
 * A constraint is compiled once, when the snapshot is built: its operator becomes a code, its
 * value is parsed (number, date-time, one-of list), and every case Flipt's engine can only
 * answer `false` for becomes NEVER. Evaluation reads one value and switches on the code.
 */

const UNKNOWN_TYPE = -1;
const NEVER = 0;
const EMPTY = 1;
const NOT_EMPTY = 2;
// The codes below need a non-empty value. String operators, in STRING_OPS order:
const STRING = 3; // eq neq prefix suffix contains notcontains isoneof isnotoneof (3-10)
const TRUE = 11;
const FALSE = 12;
// Ordered comparisons, in ORDER_OPS order, on numbers then on date-times:
const NUMBER = 13; // eq neq lt lte gt gte isoneof isnotoneof (13-20)
const DATETIME = 21; // eq neq lt lte gt gte (21-26)

const STRING_OPS = 'eq neq prefix suffix contains notcontains isoneof isnotoneof'.split(' ');
const ORDER_OPS = 'eq neq lt lte gt gte isoneof isnotoneof'.split(' ');

export interface Constraint {
  readonly op: number;
  /** Context property read, or null for entity-id constraints. */
  readonly property: string | null;
  readonly text: string;
  readonly number: number;
  readonly set: Set<string | number> | undefined;
  /**
   * Flipt compares strings after replacing lone surrogates with U+FFFD. That can only change
   * a result when the constraint's own value contains U+FFFD, so only then do we pay for it.
   */
  readonly repair: boolean;
  /** Likewise for context keys: set when the property name contains U+FFFD. */
  readonly repairKeys: boolean;
}

export function compileConstraint(source: SnapshotConstraint): Constraint {
  const operator = source.operator;
  const type = source.type;
  const text = toWellFormed(source.value);
  const index = (type === 'DATETIME_CONSTRAINT_COMPARISON_TYPE' || type === 'NUMBER_CONSTRAINT_COMPARISON_TYPE' ? ORDER_OPS : STRING_OPS).indexOf(operator);
  const presence = operator === 'present' ? NOT_EMPTY : operator === 'notpresent' ? EMPTY : NEVER;
  let op = NEVER;
  let number = NaN;
  let set: Set<string | number> | undefined;
  let repair = false;

  if (type === 'STRING_CONSTRAINT_COMPARISON_TYPE' || type === 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE') {
    op = operator === 'empty' ? EMPTY : operator === 'notempty' ? NOT_EMPTY : index < 0 ? NEVER : STRING + index;
    let list: string[] | undefined;
    if (index > 5) {
      // serde_json reads `Vec<&str>`: borrowed strings cannot hold escapes, so any backslash fails.
      list = parseList(text, (item) => typeof item === 'string' && !text.includes('\\')) as string[] | undefined;
      // Unparsable: "one of" never matches, "not one of" matches any non-empty value.
      if (!list) op = index > 6 ? NOT_EMPTY : NEVER;
    }
    set = list && new Set(list);
    repair = (list || [text]).some((item) => item.includes('\ufffd'));
  } else if (type === 'NUMBER_CONSTRAINT_COMPARISON_TYPE') {
    op = presence;
    if (index > 5) {
      // serde_json reads `Vec<i32>`: integer literals only, so `1.0` and `-0` (a float) fail.
      const list = parseList(text, (item) => Number.isInteger(item) && (item as number) >> 0 === item && !Object.is(item, -0)) as number[] | undefined;
      if (list && !/[.eE]/.test(text)) {
        set = new Set(list);
        op = NUMBER + index;
      }
    } else if (index >= 0) {
      number = parseI32(text);
      if (number === number) op = NUMBER + index;
    }
  } else if (type === 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE') {
    op = presence || (operator === 'true' ? TRUE : operator === 'false' ? FALSE : NEVER);
  } else if (type === 'DATETIME_CONSTRAINT_COMPARISON_TYPE') {
    op = presence;
    if (index >= 0 && index < 6) {
      number = parseDateTime(text);
      if (number === number) op = DATETIME + index;
    }
  } else {
    op = UNKNOWN_TYPE;
  }
  const property = type === 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE' ? null : toWellFormed(source.property);
  return { op, property, text, number, set, repair, repairKeys: !!property && property.includes('\ufffd') };
}

/** Whether `input` (the context value, or the entity id) satisfies the constraint; undefined for an unknown type. */
export function testConstraint(c: Constraint, input: string): boolean | undefined {
  const op = c.op;
  if (op < EMPTY) return op ? undefined : false;
  if (op < STRING) return (input === '') === (op === EMPTY);
  if (input === '') return false;
  if (op < TRUE) {
    if (c.repair && !isWellFormed(input)) input = toWellFormed(input);
    const text = c.text;
    switch (op - STRING) {
      case 0:
        return input === text;
      case 1:
        return input !== text;
      case 2:
        return input.startsWith(text);
      case 3:
        return input.endsWith(text);
      case 4:
        return input.includes(text);
      case 5:
        return !input.includes(text);
      case 6:
        return c.set!.has(input);
      default:
        return !c.set!.has(input);
    }
  }
  // Only exactly `true` / `false` parse as booleans; anything else fails the constraint.
  if (op < NUMBER) return input === (op === TRUE ? 'true' : 'false');
  const value = op < DATETIME ? parseI32(input) : parseDateTime(input);
  const target = c.number;
  switch (value !== value ? -1 : op < DATETIME ? op - NUMBER : op - DATETIME) {
    case 0:
      return value === target;
    case 1:
      return value !== target;
    case 2:
      return value < target;
    case 3:
      return value <= target;
    case 4:
      return value > target;
    case 5:
      return value >= target;
    case 6:
      return c.set!.has(value);
    case 7:
      return !c.set!.has(value);
    default:
      return false;
  }
}

/** Rust's `str::parse::<i32>`: an optional sign, then ASCII digits, in range. NaN otherwise. */
export function parseI32(text: string): number {
  const value = /^[+-]?\d+$/.test(text) ? +text : NaN;
  return (value | 0) === value ? value | 0 : NaN;
}

/** A JSON array whose every item passes `accept` (as serde_json would read it), else undefined. */
function parseList(text: string, accept: (item: unknown) => boolean): unknown[] | undefined {
  try {
    const list: unknown = JSON.parse(text);
    if (Array.isArray(list) && list.every(accept)) return list;
  } catch {
    // Not JSON: unparsable.
  }
  return undefined;
}
