import type { Snapshot } from './types';
import { SnapshotError } from './errors';
import { checkObject, read, readList, readObject, resetPath } from './snapshotReader';
import { compileFlag, type CompiledFlag } from './flag';
import { toWellFormed } from './wellFormed';

/** A validated snapshot, compiled for evaluation. */
export interface CompiledSnapshot {
  readonly snapshot: Snapshot;
  readonly namespace: string;
  /** By key; a repeated key replaces the earlier flag, as in Flipt. */
  readonly flags: Map<string, CompiledFlag>;
}

/* `parseSnapshot` then `new Engine` (what a client does) compiles once. */
const compiled = /* @__PURE__ */ new WeakMap<object, CompiledSnapshot>();

/**
 * Validates a namespace snapshot (an object or JSON text) exactly as Flipt's engine would
 * accept it, and returns it typed.
 * @throws SnapshotError naming the JSON path and what was expected there, e.g.
 * `flags[3].rules[0].distributions[1].rollout: expected a number, got "abc"`.
 */
export function parseSnapshot(input: unknown): Snapshot {
  return compileSnapshot(input).snapshot;
}

export function compileSnapshot(input: unknown): CompiledSnapshot {
  let data = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new SnapshotError('', `snapshot is not valid JSON (${(error as Error).message})`);
    }
  }
  let result = compiled.get(data as object);
  if (!result) {
    resetPath();
    const root = checkObject(data);
    const namespace = readObject(root, 'namespace', (ns) => (read(ns, 'name', 'string', true), toWellFormed(read(ns, 'key', 'string'))))!;
    const flags = new Map<string, CompiledFlag>();
    readList(root, 'flags', (source) => {
      const flag = compileFlag(source);
      flags.set(flag.key, flag);
    });
    compiled.set(root, (result = { snapshot: root as Snapshot, namespace, flags }));
  }
  return result;
}
