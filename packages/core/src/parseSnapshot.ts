import { SnapshotError } from './errors';
import type { Snapshot } from './types';

/*
 * Validation mirrors what Flipt's engine accepts (serde over the snapshot JSON): required
 * fields must be present with the right JSON type, optional ones may be missing or null,
 * unknown fields are ignored, and enum strings it does not know fall back to a default at
 * evaluation. One walk over a schema, no copying: the input itself comes back, typed.
 *
 * Schema: `name` is a string field, `name!` a boolean, `name#` a number, `name{…}` an object,
 * `name[…]` an array of objects; `?` after the name makes the field optional.
 */
const SEGMENT = 'key matchType constraints[type property operator value]';
const SCHEMA =
  `namespace{key name?} flags[key name type? description? enabled! ` +
  `rules?[distributions[variantKey rollout# variantAttachment?] segments?[${SEGMENT}] segmentOperator] ` +
  `rollouts?[description? segment?{segmentOperator? value! segments[${SEGMENT}]} threshold?{percentage# value!}] ` +
  `defaultVariant?{id key attachment?}]`;

/** A field: name, optional, JSON type (`s`tring, `!` boolean, `#` number, `{` object, `[` array), nested fields. */
type Field = [name: string, optional: boolean, type: string, fields: Field[]];

const TYPES: Record<string, string> = { s: 'string', '!': 'boolean', '#': 'number', '{': 'object', '[': 'array' };
const hasOwn = Object.prototype.hasOwnProperty;
let schema: Field[] | undefined;

/**
 * Validates a namespace snapshot (an object or JSON text) and returns it typed.
 * @throws SnapshotError naming the JSON path and what was expected there.
 */
export function parseSnapshot(input: unknown): Snapshot {
  let data = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new SnapshotError('', `snapshot is not valid JSON (${(error as Error).message})`);
    }
  }
  checkValue(data, '{', (schema ||= parseSchema(SCHEMA.match(/\w+\??[!#{[]?|[\]}]/g)!)), []);
  return data as Snapshot;
}

function parseSchema(tokens: string[]): Field[] {
  const fields: Field[] = [];
  for (let token: string | undefined; (token = tokens.shift()) && token > ']' && token < '{'; ) {
    const type = /[!#{[]$/.test(token) ? token.slice(-1) : 's';
    const name = token.replace(/\W/g, '');
    fields.push([name, token.includes('?'), type, type > 'z' || type === '[' ? parseSchema(tokens) : []]);
  }
  return fields;
}

/* The path is a stack, so the happy path builds no strings. */
function checkValue(value: unknown, type: string, fields: Field[], path: (string | number)[]): void {
  const array = Array.isArray(value);
  if (type === '[' ? !array : typeof value !== TYPES[type] || array || value === null) {
    const where = path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i ? `.${part}` : part)).join('');
    const got = value === undefined ? 'it is missing' : `got ${value === null ? 'null' : array ? 'an array' : typeof value === 'object' ? 'an object' : JSON.stringify(value)}`;
    throw new SnapshotError(where || '(root)', `expected ${/^[aeiou]/.test(TYPES[type]!) ? 'an' : 'a'} ${TYPES[type]}, ${got}`);
  }
  if (type === '[') {
    const depth = path.push(0) - 1;
    for (let i = 0; i < (value as unknown[]).length; i++) {
      path[depth] = i;
      checkValue((value as unknown[])[i], '{', fields, path);
    }
    path.pop();
  } else if (type === '{') {
    for (const [name, optional, fieldType, nested] of fields) {
      const field = hasOwn.call(value, name) ? (value as Record<string, unknown>)[name] : undefined;
      if (optional && field == null) continue;
      path.push(name);
      checkValue(field, fieldType, nested, path);
      path.pop();
    }
  }
}
