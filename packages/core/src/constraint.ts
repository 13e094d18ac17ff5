import type { SnapshotConstraint } from './types';
import { parseDateTime } from './parseDateTime';
import { isWellFormed, toWellFormed } from './wellFormed';

/*
 * A constraint is compiled once, when the snapshot is built: its operator becomes a code, its
 * value is parsed (number, date-time, one-of list) and every case Flipt's engine can only
 * answer `false` for is folded into NEVER. Evaluation then reads one context value and
 * switches on the code.
 */

/** The constraint's type is unknown to Flipt: the whole segment fails when it is reached. */
export const UNKNOWN_TYPE = -1;
const NEVER = 0;
const EMPTY = 1;
const NOT_EMPTY = 2;
// Operators below need a non-empty value.
const STR_EQ = 3;
const STR_NEQ = 4;
const PREFIX = 5;
const SUFFIX = 6;
const CONTAINS = 7;
const NOT_CONTAINS = 8;
const STR_ONE_OF = 9;
const STR_NOT_ONE_OF = 10;
const IS_TRUE = 11;
const IS_FALSE = 12;
// Ordered comparisons: number operators first, then the same six for date-times.
const NUM = 13; // eq neq lt lte gt gte, one of, not one of (13-20)
const DATE = 21; // eq neq lt lte gt gte (21-26)

const STRING_OPS = ['eq', 'neq', 'prefix', 'suffix', 'contains', 'notcontains', 'isoneof', 'isnotoneof'];
const ORDER_OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'isoneof', 'isnotoneof'];

export interface Constraint {
  /** Operator code (see above). */
  readonly op: number;
  /** Context property read, or null for entity-id constraints. */
  readonly property: string | null;
  readonly text: string;
  readonly number: number;
  readonly set: Set<string | number> | null;
  /**
   * Flipt compares strings after replacing lone surrogates with U+FFFD. That can only change
   * a result when the constraint's own value contains U+FFFD, so only then do we pay for it.
   */
  readonly repairInput: boolean;
}

export function compileConstraint(source: SnapshotConstraint): Constraint {
  const operator = source.operator;
  const value = toWellFormed(source.value);
  let op = NEVER;
  let number = NaN;
  let set: Set<string | number> | null = null;
  let property: string | null = toWellFormed(source.property);
  let repairInput = false;

  switch (source.type) {
    case 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE':
    case 'STRING_CONSTRAINT_COMPARISON_TYPE': {
      // Entity-id constraints apply the string operators to the entity id.
      if (source.type === 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE') property = null;
      repairInput = value.includes('\ufffd');
      if (operator === 'empty') op = EMPTY;
      else if (operator === 'notempty') op = NOT_EMPTY;
      else {
        const index = STRING_OPS.indexOf(operator);
        op = index < 0 ? NEVER : STR_EQ + index;
        if (op === STR_ONE_OF || op === STR_NOT_ONE_OF) {
          const list = parseStringList(value);
          if (list) {
            set = new Set(list);
            repairInput = list.some((item) => item.includes('\ufffd'));
          } else {
            // Unparsable: "one of" is never true, "not one of" is true for any non-empty value.
            op = op === STR_ONE_OF ? NEVER : NOT_EMPTY;
          }
        }
      }
      break;
    }
    case 'NUMBER_CONSTRAINT_COMPARISON_TYPE': {
      op = presence(operator);
      const index = ORDER_OPS.indexOf(operator);
      if (op === NEVER && index >= 0) {
        if (index >= 6) {
          const list = parseIntegerList(value);
          if (list) {
            set = new Set(list);
            op = NUM + index;
          }
        } else {
          number = parseI32(value);
          if (number === number) op = NUM + index;
        }
      }
      break;
    }
    case 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE':
      op = presence(operator) || (operator === 'true' ? IS_TRUE : operator === 'false' ? IS_FALSE : NEVER);
      break;
    case 'DATETIME_CONSTRAINT_COMPARISON_TYPE': {
      op = presence(operator);
      const index = ORDER_OPS.indexOf(operator);
      if (op === NEVER && index >= 0 && index < 6) {
        number = parseDateTime(value);
        if (number === number) op = DATE + index;
      }
      break;
    }
    default:
      op = UNKNOWN_TYPE;
  }
  return { op, property, text: value, number, set, repairInput };
}

/** `present` / `notpresent` of the number, boolean and date-time types. */
function presence(operator: string): number {
  return operator === 'present' ? NOT_EMPTY : operator === 'notpresent' ? EMPTY : NEVER;
}

/** Whether `input` (the context value, or the entity id) satisfies the constraint. */
export function testConstraint(c: Constraint, input: string): boolean {
  const op = c.op;
  if (op <= NOT_EMPTY) return op === NEVER ? false : (input === '') === (op === EMPTY);
  if (input === '') return false;
  if (op < IS_TRUE) {
    if (c.repairInput && !isWellFormed(input)) input = toWellFormed(input);
    switch (op) {
      case STR_EQ:
        return input === c.text;
      case STR_NEQ:
        return input !== c.text;
      case PREFIX:
        return input.startsWith(c.text);
      case SUFFIX:
        return input.endsWith(c.text);
      case CONTAINS:
        return input.includes(c.text);
      case NOT_CONTAINS:
        return !input.includes(c.text);
      case STR_ONE_OF:
        return c.set!.has(input);
      default:
        return !c.set!.has(input);
    }
  }
  if (op <= IS_FALSE) {
    // Only exactly `true` / `false` parse as booleans; anything else fails the constraint.
    if (input === 'true') return op === IS_TRUE;
    return input === 'false' && op === IS_FALSE;
  }
  const value = op < DATE ? parseI32(input) : parseDateTime(input);
  if (value !== value) return false;
  const target = c.number;
  switch (op < DATE ? op - NUM : op - DATE) {
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
    default:
      return !c.set!.has(value);
  }
}

/** Rust's `str::parse::<i32>`: optional sign, ASCII digits, in range. NaN otherwise. */
export function parseI32(text: string): number {
  const length = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 43 || first === 45) i = 1;
  if (i === length) return NaN;
  let value = 0;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
    if (value > 2147483648) return NaN;
  }
  if (first === 45) return value === 0 ? 0 : -value;
  return value > 2147483647 ? NaN : value;
}

/*
 * One-of lists are JSON arrays, read the way serde_json reads `Vec<&str>` / `Vec<i32>`:
 * borrowed strings cannot hold escapes, so any backslash makes the list unparsable; numbers
 * must be integer literals in i32 range (`-0` is read as a float, so it fails too).
 */
const JSON_WS = '[ \\t\\n\\r]*';
const INTEGER = '-?(?:0|[1-9][0-9]*)';
const INTEGER_LIST = new RegExp(`^${JSON_WS}\\[${JSON_WS}(?:${INTEGER}(?:${JSON_WS},${JSON_WS}${INTEGER})*)?${JSON_WS}\\]${JSON_WS}$`);

function parseStringList(text: string): string[] | null {
  if (text.includes('\\')) return null;
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) && list.every((item) => typeof item === 'string') ? (list as string[]) : null;
  } catch {
    return null;
  }
}

function parseIntegerList(text: string): number[] | null {
  if (!INTEGER_LIST.test(text)) return null;
  const list = JSON.parse(text) as number[];
  return list.every((n) => !Object.is(n, -0) && n >= -2147483648 && n <= 2147483647) ? list : null;
}
