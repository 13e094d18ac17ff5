import { read } from './snapshotReader';
import { parseDateTime } from './parseDateTime';
import { isWellFormed, toWellFormed } from './wellFormed';

/*
 * A constraint is compiled once, when the snapshot is built: its operator becomes a code, its
 * value is parsed (number, date-time, one-of list), and every case Flipt's engine can only
 * answer `false` for becomes NEVER. Evaluation reads one value and switches on the code:
 *
 *   -1 unknown type (fails the segment)   0 never   1 empty   2 not empty
 *   3-10  string:   eq neq prefix suffix contains notcontains isoneof isnotoneof
 *   11-12 boolean:  true false
 *   13-20 number:   eq neq lt lte gt gte isoneof isnotoneof
 *   21-26 datetime: eq neq lt lte gt gte
 */
const STRING = 3;
const BOOLEAN = 11;
const NUMBER = 13;
const DATETIME = 21;

const STRING_OPS = 'eq neq prefix suffix contains notcontains isoneof isnotoneof'.split(' ');
const ORDER_OPS = 'eq neq lt lte gt gte isoneof isnotoneof'.split(' ');
const TYPES = 'STRING NUMBER BOOLEAN DATETIME ENTITY_ID'.split(' ').map((type) => `${type}_CONSTRAINT_COMPARISON_TYPE`);

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
}

export function compileConstraint(source: Record<string, unknown>): Constraint {
  const type = TYPES.indexOf(read(source, 'type', 'string'));
  const property = toWellFormed(read(source, 'property', 'string'));
  const operator = read<string>(source, 'operator', 'string');
  const text = toWellFormed(read(source, 'value', 'string'));
  const order = ORDER_OPS.indexOf(operator);
  // `present` / `notpresent` for numbers, booleans and date-times; their other operators follow.
  let op = operator === 'present' ? 2 : operator === 'notpresent' ? 1 : 0;
  let number = NaN;
  let set: Set<string | number> | undefined;

  if (type === 0 || type === 4) {
    const index = STRING_OPS.indexOf(operator);
    op = operator === 'empty' ? 1 : operator === 'notempty' ? 2 : index < 0 ? 0 : STRING + index;
    if (index > 5) {
      // serde_json reads `Vec<&str>`: borrowed strings cannot hold escapes, so any backslash fails.
      const list = !text.includes('\\') && parseList(text, (item) => typeof item === 'string');
      if (list) set = new Set(list as string[]);
      // Unparsable: "one of" never matches, "not one of" matches any non-empty value.
      else op = index > 6 ? 2 : 0;
    }
  } else if (type === 1 && order > 5) {
    // serde_json reads `Vec<i32>`: integer literals only, so `1.0` and `-0` (a float) fail.
    const list = !/[.eE]/.test(text) && parseList(text, (item) => (item as number) >> 0 === item && !Object.is(item, -0));
    if (list) {
      set = new Set(list as number[]);
      op = NUMBER + order;
    }
  } else if ((type === 1 || type === 3) && order >= 0 && order < 6) {
    number = type === 1 ? parseI32(text) : parseDateTime(text);
    if (number === number) op = (type === 1 ? NUMBER : DATETIME) + order;
  } else if (type === 2) {
    op ||= operator === 'true' ? BOOLEAN : operator === 'false' ? BOOLEAN + 1 : 0;
  } else if (type < 0) {
    op = -1;
  }
  return { op, property: type === 4 ? null : property, text, number, set, repair: (text + [...(set || [])].join()).includes('\ufffd') };
}

/** Whether `input` (the context value, or the entity id) satisfies the constraint; undefined for an unknown type. */
export function testConstraint(c: Constraint, input: string): boolean | undefined {
  const op = c.op;
  if (op < 1) return op ? undefined : false;
  if (op < STRING) return (input === '') === (op === 1);
  if (input === '') return false;
  if (op < BOOLEAN) {
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
      default:
        return c.set!.has(input) === (op === STRING + 6);
    }
  }
  // Only exactly `true` / `false` parse as booleans; anything else fails the constraint.
  if (op < NUMBER) return input === (op === BOOLEAN ? 'true' : 'false');
  const value = op < DATETIME ? parseI32(input) : parseDateTime(input);
  const target = c.number;
  if (value !== value) return false;
  switch (op < DATETIME ? op - NUMBER : op - DATETIME) {
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
    default:
      return c.set!.has(value) === (op === NUMBER + 6);
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
