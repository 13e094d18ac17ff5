import type { Snapshot } from '../types.js';
import { SnapshotError } from '../errors.js';
import { isWellFormed, toWellFormed } from './wellFormed.js';

/*
 * Validation accepts exactly what Flipt's engine (serde over the snapshot JSON) accepts:
 * required fields present with their JSON type, optional ones also missing or null, unknown
 * fields ignored; enum strings it does not know fall back to a default at evaluation.
 * It runs once per snapshot over every field, so it is written for speed: no allocation on
 * the happy path, and the JSON path (a stack of keys and indexes) is only joined on failure.
 */

type Json = Record<string, unknown>;
type Kind = 'string' | 'boolean' | 'number';

const path: (string | number)[] = [];
let wellFormed = true;

/**
 * Validates a namespace snapshot (an object or JSON text) and returns it typed, ready for
 * `new Engine(...)`. Strings with lone surrogates are repaired to U+FFFD, as Flipt's engine
 * sees them, in a copy: the input is never changed.
 * @throws SnapshotError naming the JSON path and what was expected there, e.g.
 * `flags[3].rules[0].distributions[1].rollout: expected a number, got "abc"`.
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
  path.length = 0;
  wellFormed = true;
  const root = object(data, '');
  const namespace = object(root['namespace'], 'namespace');
  path.push('namespace');
  value(namespace['key'], 'string', 'key');
  value(namespace['name'], 'string', 'name', true);
  path.pop();
  list(root, 'flags', flag);
  return (wellFormed ? root : repaired(root)) as Snapshot;
}

function flag(f: Json): void {
  value(f['key'], 'string', 'key');
  value(f['name'], 'string', 'name');
  value(f['type'], 'string', 'type', true);
  value(f['description'], 'string', 'description', true);
  value(f['enabled'], 'boolean', 'enabled');
  const variant = f['defaultVariant'];
  if (variant != null) {
    const v = object(variant, 'defaultVariant');
    path.push('defaultVariant');
    value(v['id'], 'string', 'id');
    value(v['key'], 'string', 'key');
    value(v['attachment'], 'string', 'attachment', true);
    path.pop();
  }
  list(f, 'rules', rule, true);
  list(f, 'rollouts', rollout, true);
}

function rule(r: Json): void {
  list(r, 'distributions', distribution);
  list(r, 'segments', segment, true);
  value(r['segmentOperator'], 'string', 'segmentOperator');
}

function distribution(d: Json): void {
  value(d['variantKey'], 'string', 'variantKey');
  value(d['rollout'], 'number', 'rollout');
  value(d['variantAttachment'], 'string', 'variantAttachment', true);
}

function segment(s: Json): void {
  value(s['key'], 'string', 'key');
  value(s['matchType'], 'string', 'matchType');
  list(s, 'constraints', constraint);
}

function constraint(c: Json): void {
  value(c['type'], 'string', 'type');
  value(c['property'], 'string', 'property');
  value(c['operator'], 'string', 'operator');
  value(c['value'], 'string', 'value');
}

function rollout(r: Json): void {
  value(r['description'], 'string', 'description', true);
  const group = r['segment'];
  if (group != null) {
    const g = object(group, 'segment');
    path.push('segment');
    value(g['segmentOperator'], 'string', 'segmentOperator', true);
    value(g['value'], 'boolean', 'value');
    list(g, 'segments', segment);
    path.pop();
  }
  const threshold = r['threshold'];
  if (threshold != null) {
    const t = object(threshold, 'threshold');
    path.push('threshold');
    value(t['percentage'], 'number', 'percentage');
    value(t['value'], 'boolean', 'value');
    path.pop();
  }
}

function value(v: unknown, kind: Kind, key: string, optional?: boolean): void {
  if (v == null ? !optional : typeof v !== kind) fail(key, v, `a ${kind}`);
  if (kind === 'string' && v && !isWellFormed(v as string)) wellFormed = false;
}

function object(v: unknown, key: string): Json {
  if (typeof v !== 'object' || !v || Array.isArray(v)) fail(key, v, 'an object');
  return v as Json;
}

function list(parent: Json, key: string, item: (value: Json) => void, optional?: boolean): void {
  const items = parent[key];
  if (items == null && optional) return;
  if (!Array.isArray(items)) fail(key, items, 'an array');
  const depth = path.push(key, 0) - 1;
  for (let i = 0; i < items.length; i++) {
    path[depth] = i;
    item(object(items[i], ''));
  }
  path.length = depth - 1;
}

function fail(key: string, v: unknown, expected: string): never {
  const where = [...path, key].map((part, i) => (typeof part === 'number' ? `[${part}]` : i && part ? `.${part}` : part)).join('');
  const got = v === undefined ? 'it is missing' : `got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v)}`;
  throw new SnapshotError(where || '(root)', `expected ${expected}, ${got}`);
}

function repaired(v: unknown): unknown {
  if (typeof v === 'string') return toWellFormed(v);
  if (typeof v !== 'object' || !v) return v;
  if (Array.isArray(v)) return v.map(repaired);
  return Object.fromEntries(Object.entries(v).map(([key, item]) => [toWellFormed(key), repaired(item)]));
}
