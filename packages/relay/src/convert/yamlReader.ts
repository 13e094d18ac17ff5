import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar } from 'yaml';
import { FlagFileError } from './flagFileError.js';
import type { YamlAliases } from './yamlAliases.js';

/** A value decoded the way yaml.v3 decodes into Go's `any`. */
export type YamlValue = null | boolean | number | bigint | string | YamlValue[] | { [key: string]: YamlValue } | Map<unknown, YamlValue>;

/** One entry of a mapping: the key's text and the value node (`null` for an empty value). */
export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

/**
 * Reads one parsed YAML document with Go's typed-decoding rules (yaml.v3 into Flipt's structs)
 * and reports problems as FlagFileError at the node's line and column.
 */
export class YamlReader {
  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly aliases: YamlAliases,
  ) {}

  position(node: Node | null | undefined): { line: number; column: number } | undefined {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  fail(node: Node | null | undefined, reason: string): never {
    throw new FlagFileError(this.file, reason, this.position(node) ?? this.position(this.doc.contents));
  }

  /** Follows aliases (`*anchor`). */
  resolve(node: Node | null | undefined): Node | null {
    let current: unknown = node ?? null;
    for (let depth = 0; isAlias(current); depth++) {
      if (depth > 100) this.fail(node, 'alias chain too deep');
      current = this.aliases.target(current);
      if (current === undefined) this.fail(node, 'alias refers to an unknown anchor');
    }
    return (current as Node | null) ?? null;
  }

  isNull(node: Node | null): boolean {
    const n = this.resolve(node);
    return n === null || (isScalar(n) && n.value === null);
  }

  /** The entries of a mapping (merge keys `<<` applied); `null` input gives no entries. */
  entries(node: Node | null, what: string): Entry[] {
    const n = this.resolve(node);
    if (n === null || (isScalar(n) && n.value === null)) return [];
    if (!isMap(n)) this.fail(node, `${what} must be a mapping`);
    const out: Entry[] = [];
    const seen = new Set<string>();
    const merged: Entry[] = [];
    for (const pair of n.items) {
      const keyNode = this.resolve(pair.key as Node | null);
      if (keyNode !== null && !isScalar(keyNode)) this.fail(keyNode, `${what} has a key that is not a scalar`);
      const key = keyNode === null ? '' : this.text(keyNode);
      const value = (pair.value as Node | null) ?? null;
      if (key === '<<' && keyNode !== null && (keyNode as Scalar).type === 'PLAIN') {
        const sources = isSeq(this.resolve(value)) ? (this.resolve(value) as unknown as { items: Node[] }).items : [value];
        for (const source of sources) merged.push(...this.entries(source, `merged value in ${what}`));
        continue;
      }
      seen.add(key);
      out.push({ key, keyNode: keyNode ?? n, value });
    }
    for (const entry of merged) {
      if (!seen.has(entry.key)) {
        seen.add(entry.key);
        out.push(entry);
      }
    }
    return out;
  }

  /** The items of a sequence; `null` gives none. */
  items(node: Node | null, what: string): Node[] {
    const n = this.resolve(node);
    if (n === null || (isScalar(n) && n.value === null)) return [];
    if (!isSeq(n)) this.fail(node, `${what} must be a list`);
    return n.items as Node[];
  }

  /** A scalar's text as Go's string decoding sees it (plain scalars keep their source text). */
  private text(scalar: Scalar): string {
    if (scalar.value === null) return '';
    if (scalar.type === 'PLAIN' && typeof scalar.source === 'string') return scalar.source;
    return String(scalar.value);
  }

  /** A Go `string` field: any scalar's text; null is "". */
  string(node: Node | null, what: string): string {
    const n = this.resolve(node);
    if (n === null) return '';
    if (!isScalar(n)) this.fail(node, `${what} must be a string`);
    return this.text(n);
  }

  /** A Go `bool` field: true/false, or the YAML 1.1 words yaml.v3 still accepts for typed bools. */
  bool(node: Node | null, what: string): boolean {
    const n = this.resolve(node);
    if (n === null) return false;
    if (isScalar(n)) {
      if (n.value === null) return false;
      if (typeof n.value === 'boolean') return n.value;
      if (typeof n.value === 'string') {
        if (TRUE_WORDS.has(n.value)) return true;
        if (FALSE_WORDS.has(n.value)) return false;
      }
    }
    return this.fail(node, `${what} must be true or false`);
  }

  /** A Go number field (int or float); null is 0. */
  number(node: Node | null, what: string): number {
    const n = this.resolve(node);
    if (n === null) return 0;
    if (isScalar(n)) {
      if (n.value === null) return 0;
      if (typeof n.value === 'number') return n.value;
      if (typeof n.value === 'bigint') return Number(n.value);
    }
    return this.fail(node, `${what} must be a number`);
  }

  /** Any value (Go `any`): mappings with only string keys become objects, others a Map. */
  value(node: Node | null): YamlValue {
    const n = this.resolve(node);
    if (n === null) return null;
    if (isScalar(n)) {
      const v = n.value;
      if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
      return String(v);
    }
    if (isSeq(n)) return (n.items as Node[]).map((item) => this.value(item));
    if (isMap(n)) {
      const entries = this.entries(n, 'value');
      const stringKeys = entries.every((e) => {
        const k = this.resolve(e.keyNode);
        return k !== null && isScalar(k) && typeof k.value === 'string';
      });
      if (!stringKeys) return new Map(entries.map((e) => [e.key, this.value(e.value)]));
      const obj: { [key: string]: YamlValue } = {};
      for (const e of entries) Object.defineProperty(obj, e.key, { value: this.value(e.value), enumerable: true, writable: true, configurable: true });
      return obj;
    }
    return this.fail(node, 'unsupported YAML node');
  }

  /** The raw kind of a node, for schema checks. */
  kind(node: Node | null): 'null' | 'scalar' | 'map' | 'seq' {
    const n = this.resolve(node);
    if (n === null || (isScalar(n) && n.value === null)) return 'null';
    if (isMap(n)) return 'map';
    if (isSeq(n)) return 'seq';
    return 'scalar';
  }

  /** The JavaScript value of a scalar node (string, number, bigint, boolean), or undefined. */
  scalarValue(node: Node | null): unknown {
    const n = this.resolve(node);
    return n !== null && isScalar(n) ? n.value : undefined;
  }
}
