import type { SnapshotConstraint } from '../types.js';
import { parseDateTime } from './parseDateTime.js';
import { parseInt32 } from './parseInt32.js';
import { isWellFormed, toWellFormed } from '../snapshot/wellFormed.js';
import { BOOLEAN_TYPE, ENTITY_ID_TYPE, NUMBER_TYPE, TYPE_NAMES, isStringLike } from './comparisonTypes.js';
import { DATETIME, EMPTY, NEVER, NOT_EMPTY, NUMBER, STRING, UNKNOWN_TYPE } from './constraintKinds.js';
import * as op from './operators.js';

/*
 * A constraint is compiled once, when the snapshot is built: its type becomes the kind of
 * value it compares (constraintKinds.ts), its operator one of the constants of operators.ts,
 * its value is parsed (number, date-time, one-of list), and every case Flipt's engine can
 * only answer `false` for becomes NEVER. Evaluation parses the input the same way, then
 * compares.
 */

export interface Constraint {
  /** UNKNOWN_TYPE, NEVER, EMPTY, NOT_EMPTY, or the kind of value compared (STRING, NUMBER, DATETIME). */
  readonly kind: number;
  /** The operator (operators.ts) when `kind` compares values. */
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
  const type = TYPE_NAMES.indexOf(typeName);
  const strings = isStringLike(type);
  // Strings and entity ids have `empty` / `notempty`; numbers, booleans, date-times `notpresent` / `present`.
  let kind = type < 0 ? UNKNOWN_TYPE : operator === (strings ? 'empty' : 'notpresent') ? EMPTY : operator === (strings ? 'notempty' : 'present') ? NOT_EMPTY : NEVER;
  let compare = op.OPERATOR_NAMES.indexOf(operator);
  let target: string | number = value;
  let set: Set<string | number> | undefined;

  if (type === BOOLEAN_TYPE) {
    // Booleans: only exactly `true` / `false` parse, so the operators are string equality.
    if (operator === 'true' || operator === 'false') [kind, compare, target] = [STRING, op.EQ, operator];
  } else if (kind === NEVER && op.operatorApplies(type, compare)) {
    kind = strings ? STRING : type === NUMBER_TYPE ? NUMBER : DATETIME;
    if (op.takesList(compare)) {
      // One-of lists are read as serde_json reads `Vec<&str>` (borrowed: no escapes allowed)
      // or `Vec<i32>` (integer literals only: `1.0` and `-0`, a float, fail).
      const list =
        !(strings ? /\\/ : /[.eE]/).test(value) &&
        parseList(value, strings ? (item) => typeof item === 'string' : (item) => (item as number) >> 0 === item && !Object.is(item, -0));
      if (list) set = new Set(list as string[]);
      // Unparsable: "one of" never matches; for strings "not one of" then matches any value.
      else kind = strings && compare === op.IS_NOT_ONE_OF ? NOT_EMPTY : NEVER;
    } else if (!strings) {
      target = parse(kind, value);
      if (target !== target) kind = NEVER;
    }
  }
  return { kind, compare, property: type === ENTITY_ID_TYPE ? null : property, target, set, repair: strings && (value + [...(set || [])].join()).includes('\ufffd') };
}

/** Whether `input` (the context value, or the entity id) satisfies the constraint; undefined for an unknown type. */
export function testConstraint(c: Constraint, input: string): boolean | undefined {
  const kind = c.kind;
  if (kind < STRING) return kind === UNKNOWN_TYPE ? undefined : kind !== NEVER && (input === '') === (kind === EMPTY);
  if (input === '') return false;
  if (c.repair && !isWellFormed(input)) input = toWellFormed(input);
  const value = parse(kind, input) as string;
  // NaN: the input does not parse as this kind.
  if (value !== value) return false;
  const target = c.target as string;
  switch (c.compare) {
    case op.EQ:
      return value === target;
    case op.NEQ:
      return value !== target;
    case op.LT:
      return value < target;
    case op.LTE:
      return value <= target;
    case op.GT:
      return value > target;
    case op.GTE:
      return value >= target;
    case op.IS_ONE_OF:
      return c.set!.has(value);
    case op.IS_NOT_ONE_OF:
      return !c.set!.has(value);
    case op.PREFIX:
      return value.startsWith(target);
    case op.SUFFIX:
      return value.endsWith(target);
    case op.CONTAINS:
      return value.includes(target);
    case op.NOT_CONTAINS:
      return !value.includes(target);
    default:
      return false;
  }
}

/** A value as Flipt's engine reads it for this kind (NaN when it does not parse). */
function parse(kind: number, text: string): string | number {
  if (kind === DATETIME) return parseDateTime(text);
  if (kind === STRING) return text;
  return parseInt32(text);
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
