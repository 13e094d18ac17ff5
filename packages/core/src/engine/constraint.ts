import type { SnapshotConstraint } from '../types.js';
import { parseDateTime } from './parseDateTime.js';
import { isWellFormed, toWellFormed } from '../snapshot/wellFormed.js';

/*
 * A constraint is compiled once, when the snapshot is built: its type becomes the kind of
 * value it compares, its operator an index into OPERATORS, its value is parsed (number,
 * date-time, one-of list), and every case Flipt's engine can only answer `false` for becomes
 * NEVER. Evaluation parses the input the same way, then compares.
 */
const UNKNOWN_TYPE = -1; // fails the whole segment when reached
const NEVER = 0;
const EMPTY = 1;
const NOT_EMPTY = 2;
const STRING = 3;
const NUMBER = 4;
const DATETIME = 5;

const OPERATORS = 'eq neq lt lte gt gte isoneof isnotoneof prefix suffix contains notcontains'.split(' ');
const TYPES = 'STRING NUMBER BOOLEAN DATETIME ENTITY_ID'.split(' ').map((type) => `${type}_CONSTRAINT_COMPARISON_TYPE`);

export interface Constraint {
  /** UNKNOWN_TYPE, NEVER, EMPTY, NOT_EMPTY, or the kind of value compared. */
  readonly kind: number;
  /** Index into OPERATORS. */
  readonly compare: number;
  /** Context property read, or null for entity-id constraints. */
  readonly property: string | null;
  readonly target: string | number;
  readonly set: Set<string | number> | undefined;
  /**
   * Flipt compares strings after replacing lone surrogates with U+FFFD. That can only change
   * a result when the constraint's own value contains U+FFFD, so only then do we pay for it.
   */
  readonly repair: boolean;
}

export function compileConstraint({ type: typeName, property, operator, value }: SnapshotConstraint): Constraint {
  const type = TYPES.indexOf(typeName);
  // Strings and entity ids have `empty` / `notempty`; numbers, booleans, date-times `notpresent` / `present`.
  const strings = type % 4 === 0;
  let kind = type < 0 ? UNKNOWN_TYPE : operator === (strings ? 'empty' : 'notpresent') ? EMPTY : operator === (strings ? 'notempty' : 'present') ? NOT_EMPTY : NEVER;
  let compare = OPERATORS.indexOf(operator);
  let target: string | number = value;
  let set: Set<string | number> | undefined;

  if (type === 2) {
    // Booleans: only exactly `true` / `false` parse, so the operators are string equality.
    if (operator === 'true' || operator === 'false') [kind, compare, target] = [STRING, 0, operator];
  } else if (!kind && compare >= 0 && (strings ? compare < 2 || compare > 5 : compare < (type === 1 ? 8 : 6))) {
    // The operator exists for this type (strings have no ordering, date-times no lists).
    kind = strings ? STRING : type === 1 ? NUMBER : DATETIME;
    if (compare > 5 && compare < 8) {
      // One-of lists are read as serde_json reads `Vec<&str>` (borrowed: no escapes allowed)
      // or `Vec<i32>` (integer literals only: `1.0` and `-0`, a float, fail).
      const list =
        !(strings ? /\\/ : /[.eE]/).test(value) &&
        parseList(value, strings ? (item) => typeof item === 'string' : (item) => (item as number) >> 0 === item && !Object.is(item, -0));
      if (list) set = new Set(list as string[]);
      // Unparsable: "one of" never matches; for strings "not one of" then matches any value.
      else kind = strings && compare > 6 ? NOT_EMPTY : NEVER;
    } else if (!strings) {
      target = parse(kind, value);
      if (target !== target) kind = NEVER;
    }
  }
  return { kind, compare, property: type === 4 ? null : property, target, set, repair: strings && (value + [...(set || [])].join()).includes('\ufffd') };
}

/** Whether `input` (the context value, or the entity id) satisfies the constraint; undefined for an unknown type. */
export function testConstraint(c: Constraint, input: string): boolean | undefined {
  const kind = c.kind;
  if (kind < EMPTY) return kind ? undefined : false;
  if (kind < STRING) return (input === '') === (kind === EMPTY);
  if (input === '') return false;
  if (c.repair && !isWellFormed(input)) input = toWellFormed(input);
  const value = parse(kind, input) as string;
  const target = c.target as string;
  switch (value === value ? c.compare : -1) {
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
    case 8:
      return value.startsWith(target);
    case 9:
      return value.endsWith(target);
    case 10:
      return value.includes(target);
    case 11:
      return !value.includes(target);
    default:
      return false;
  }
}

/**
 * A value as Flipt's engine reads it for this kind (NaN when it does not parse): numbers as
 * Rust's `str::parse::<i32>` (optional sign, ASCII digits, in range), date-times as RFC 3339.
 */
function parse(kind: number, text: string): string | number {
  if (kind === DATETIME) return parseDateTime(text);
  if (kind === STRING) return text;
  let i = text.charCodeAt(0) === 43 || text.charCodeAt(0) === 45 ? 1 : 0;
  if (i === text.length) return NaN;
  let value = 0;
  for (; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9 || (value = value * 10 + digit) > 2147483648) return NaN;
  }
  return text.charCodeAt(0) === 45 ? -value | 0 : value > 2147483647 ? NaN : value;
}

/** A JSON array whose every item passes `accept`, else undefined. */
function parseList(text: string, accept: (item: unknown) => boolean): unknown[] | undefined {
  try {
    const list: unknown = JSON.parse(text);
    if (Array.isArray(list) && list.every(accept)) return list;
  } catch {
    // Not JSON: unparsable.
  }
  return undefined;
}
