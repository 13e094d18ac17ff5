import { SnapshotError } from './errors';
import type { Snapshot } from './types';

/*
 * Validation mirrors what Flipt's engine accepts (serde over the snapshot JSON): required
 * fields must be present with the right JSON type, optional ones may be missing or null,
 * unknown fields are ignored, enum strings it does not know fall back to a default.
 * One walk, no copying: the validated object itself is returned, typed.
 */

type Kind = 'a string' | 'a boolean' | 'a number' | 'an array' | 'an object';
type Json = Record<string, unknown>;

const validated = /* @__PURE__ */ new WeakSet<object>();

/** True when `value` came back from `parseSnapshot` (so it need not be walked again). */
export function isValidatedSnapshot(value: unknown): value is Snapshot {
  return typeof value === 'object' && value !== null && validated.has(value);
}

/**
 * Validates a namespace snapshot (an object or JSON text) and returns it typed.
 * @throws SnapshotError naming the JSON path and what was expected there.
 */
export function parseSnapshot(input: unknown): Snapshot {
  if (isValidatedSnapshot(input)) return input;
  let data = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new SnapshotError('', `snapshot is not valid JSON (${(error as Error).message})`);
    }
  }
  new Walker().snapshot(data);
  validated.add(data as object);
  return data as Snapshot;
}

class Walker {
  /** Path of the value being checked, kept as a stack so the happy path builds no strings. */
  private readonly path: (string | number)[] = [];

  snapshot(root: unknown): void {
    const snapshot = this.object(root, '');
    const namespace = this.field(snapshot, 'namespace', 'an object') as Json;
    this.path.push('namespace');
    this.field(namespace, 'key', 'a string');
    this.optional(namespace, 'name', 'a string');
    this.path.pop();
    this.list(snapshot, 'flags', this.flag);
  }

  private flag(flag: Json): void {
    this.field(flag, 'key', 'a string');
    this.field(flag, 'name', 'a string');
    this.optional(flag, 'type', 'a string');
    this.optional(flag, 'description', 'a string');
    this.field(flag, 'enabled', 'a boolean');
    this.list(flag, 'rules', this.rule, true);
    this.list(flag, 'rollouts', this.rollout, true);
    const variant = this.optional(flag, 'defaultVariant', 'an object') as Json | null;
    if (variant) {
      this.path.push('defaultVariant');
      this.field(variant, 'id', 'a string');
      this.field(variant, 'key', 'a string');
      this.optional(variant, 'attachment', 'a string');
      this.path.pop();
    }
  }

  private rule(rule: Json): void {
    this.list(rule, 'distributions', this.distribution);
    this.list(rule, 'segments', this.segment, true);
    this.field(rule, 'segmentOperator', 'a string');
  }

  private distribution(distribution: Json): void {
    this.field(distribution, 'variantKey', 'a string');
    this.field(distribution, 'rollout', 'a number');
    this.optional(distribution, 'variantAttachment', 'a string');
  }

  private segment(segment: Json): void {
    this.field(segment, 'key', 'a string');
    this.field(segment, 'matchType', 'a string');
    this.list(segment, 'constraints', this.constraint);
  }

  private constraint(constraint: Json): void {
    this.field(constraint, 'type', 'a string');
    this.field(constraint, 'property', 'a string');
    this.field(constraint, 'operator', 'a string');
    this.field(constraint, 'value', 'a string');
  }

  private rollout(rollout: Json): void {
    this.optional(rollout, 'description', 'a string');
    const segment = this.optional(rollout, 'segment', 'an object') as Json | null;
    if (segment) {
      this.path.push('segment');
      this.optional(segment, 'segmentOperator', 'a string');
      this.field(segment, 'value', 'a boolean');
      this.list(segment, 'segments', this.segment);
      this.path.pop();
    }
    const threshold = this.optional(rollout, 'threshold', 'an object') as Json | null;
    if (threshold) {
      this.path.push('threshold');
      this.field(threshold, 'percentage', 'a number');
      this.field(threshold, 'value', 'a boolean');
      this.path.pop();
    }
  }

  private list(parent: Json, key: string, item: (this: Walker, value: Json) => void, nullable = false): void {
    const items = nullable ? this.optional(parent, key, 'an array') : this.field(parent, key, 'an array');
    if (!items) return;
    const path = this.path;
    path.push(key, 0);
    const last = path.length - 1;
    const array = items as unknown[];
    for (let i = 0; i < array.length; i++) {
      path[last] = i;
      item.call(this, this.object(array[i], ''));
    }
    path.length -= 2;
  }

  private field(parent: Json, key: string, kind: Kind): unknown {
    const value = parent[key];
    if (!Object.prototype.hasOwnProperty.call(parent, key) || value === null) this.fail(key, kind, value, true);
    return this.check(value, key, kind);
  }

  private optional(parent: Json, key: string, kind: Kind): unknown {
    const value = Object.prototype.hasOwnProperty.call(parent, key) ? parent[key] : null;
    return value === null ? null : this.check(value, key, kind);
  }

  private object(value: unknown, key: string): Json {
    return this.check(value, key, 'an object') as Json;
  }

  private check(value: unknown, key: string, kind: Kind): unknown {
    let ok: boolean;
    switch (kind) {
      case 'a string':
        ok = typeof value === 'string';
        break;
      case 'a boolean':
        ok = typeof value === 'boolean';
        break;
      case 'a number':
        ok = typeof value === 'number';
        break;
      case 'an array':
        ok = Array.isArray(value);
        break;
      default:
        ok = typeof value === 'object' && value !== null && !Array.isArray(value);
    }
    if (!ok) this.fail(key, kind, value, false);
    return value;
  }

  private fail(key: string, kind: Kind, value: unknown, missing: boolean): never {
    let path = '';
    for (const part of key ? [...this.path, key] : this.path) {
      path += typeof part === 'number' ? `[${part}]` : path ? `.${part}` : part;
    }
    const got = missing && value === undefined ? 'it is missing' : `got ${describe(value)}`;
    throw new SnapshotError(path || '(root)', `expected ${kind}, ${got}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const text = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return text;
  }
  return String(value);
}
