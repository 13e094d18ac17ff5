import type { Snapshot } from './types';
import { SnapshotError } from './errors';
import { checkObject, read, readList, readObject, resetPath } from './snapshotReader';
import { isWellFormed, toWellFormed } from './wellFormed';

type Json = Record<string, unknown>;

/**
 * Validates a namespace snapshot (an object or JSON text) exactly as Flipt's engine accepts
 * it, and returns it typed, ready for `new Engine(...)`: required fields must be present with
 * their JSON type, optional ones may be missing or null, unknown fields are ignored.
 * Strings with lone surrogates are repaired to U+FFFD as Flipt's engine sees them (in a copy;
 * the input is never changed).
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
  resetPath();
  wellFormed = true;
  const root = checkObject(data);
  readObject(root, 'namespace', (namespace) => strings(namespace, 'key', 'name?'));
  readList(root, 'flags', flag);
  // Only a snapshot that had lone surrogates (rare: JSON text with `\ud800`-style escapes) is copied.
  return (wellFormed ? root : repaired(root)) as Snapshot;
}

function repaired(value: unknown): unknown {
  if (typeof value === 'string') return toWellFormed(value);
  if (typeof value !== 'object' || !value) return value;
  if (Array.isArray(value)) return value.map(repaired);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [toWellFormed(key), repaired(item)]));
}

let wellFormed = true;

/** Checks string fields (`name?` for optional ones), noting any lone surrogate. */
function strings(object: Json, ...names: string[]): void {
  for (const name of names) {
    const value = read<string | undefined>(object, name.replace('?', ''), 'string', name.endsWith('?'));
    if (value && !isWellFormed(value)) wellFormed = false;
  }
}

function flag(source: Json): void {
  strings(source, 'key', 'name', 'type?', 'description?');
  read(source, 'enabled', 'boolean');
  readObject(source, 'defaultVariant', (variant) => strings(variant, 'id', 'key', 'attachment?'), true);
  readList(
    source,
    'rules',
    (rule) => {
      readList(rule, 'distributions', (distribution) => {
        strings(distribution, 'variantKey', 'variantAttachment?');
        read(distribution, 'rollout', 'number');
      });
      readList(rule, 'segments', segment, true);
      strings(rule, 'segmentOperator');
    },
    true,
  );
  readList(
    source,
    'rollouts',
    (rollout) => {
      strings(rollout, 'description?');
      readObject(
        rollout,
        'segment',
        (group) => {
          strings(group, 'segmentOperator?');
          read(group, 'value', 'boolean');
          readList(group, 'segments', segment);
        },
        true,
      );
      readObject(
        rollout,
        'threshold',
        (threshold) => {
          read(threshold, 'percentage', 'number');
          read(threshold, 'value', 'boolean');
        },
        true,
      );
    },
    true,
  );
}

function segment(source: Json): void {
  strings(source, 'key', 'matchType');
  readList(source, 'constraints', (constraint) => strings(constraint, 'type', 'property', 'operator', 'value'));
}
