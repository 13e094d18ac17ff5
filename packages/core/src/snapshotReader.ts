import { SnapshotError } from './errors';

/*
 * Typed reads from untrusted snapshot JSON, as Flipt's engine (serde) accepts it: a required
 * field must be present with its JSON type, an optional one may also be missing or null, and
 * unknown fields are ignored. A failed read throws a SnapshotError naming the JSON path.
 * Compilation reads every field through these, so validating costs no separate walk.
 */

type Json = Record<string, unknown>;
type JsonType = 'string' | 'boolean' | 'number' | 'object';

/** Where the reader is: a stack of keys and indexes, joined into text only on failure. */
const path: (string | number)[] = [];
const hasOwn = Object.prototype.hasOwnProperty;

export function resetPath(): void {
  path.length = 0;
}

/** Reads `object[name]`; `optional` fields may be missing or null (then undefined). */
export function read<T>(object: Json, name: string, type: JsonType, optional?: boolean): T {
  const value = hasOwn.call(object, name) ? object[name] : undefined;
  if (value == null ? !optional : typeof value !== type || Array.isArray(value)) fail(name, value, `${type === 'object' ? 'an' : 'a'} ${type}`);
  return (value ?? undefined) as T;
}

/** Reads an array of objects at `object[name]` and maps each item, tracking the path. */
export function readList<T>(object: Json, name: string, item: (value: Json) => T, optional?: boolean): T[] {
  const value = hasOwn.call(object, name) ? object[name] : undefined;
  if (value == null && optional) return [];
  if (!Array.isArray(value)) fail(name, value, 'an array');
  const depth = path.push(name, 0) - 1;
  const items = value.map((entry: unknown, i) => {
    path[depth] = i;
    return item(checkObject(entry));
  });
  path.length = depth - 1;
  return items;
}

/** Reads the object at `object[name]` and maps it, tracking the path. */
export function readObject<T>(object: Json, name: string, map: (value: Json) => T, optional?: boolean): T | undefined {
  const value = read<Json | undefined>(object, name, 'object', optional);
  if (!value) return undefined;
  path.push(name);
  const mapped = map(value);
  path.pop();
  return mapped;
}

/** Checks that `value` is a JSON object (the snapshot itself, or a list item). */
export function checkObject(value: unknown): Json {
  if (typeof value !== 'object' || !value || Array.isArray(value)) fail('', value, 'an object');
  return value as Json;
}

function fail(name: string, value: unknown, expected: string): never {
  const where = [...path, name].map((part, i) => (typeof part === 'number' ? `[${part}]` : i && part ? `.${part}` : part)).join('');
  const got = value === undefined ? 'it is missing' : `got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : JSON.stringify(value)}`;
  throw new SnapshotError(where || '(root)', `expected ${expected}, ${got}`);
}
