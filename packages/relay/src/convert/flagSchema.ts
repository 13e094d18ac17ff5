import type { Node } from 'yaml';
import type { Entry, YamlReader } from './yamlReader.js';
import { KEY_PATTERN } from '../shared/keyPattern.js';

/*
 * Flipt checks every flag document against its CUE schema (flipt-io/flipt
 * `core/validation/flipt.cue`) before it decodes anything, and a document the schema rejects
 * fails the whole load. This is that schema, walked over the YAML nodes so that an error points
 * at the offending line; decoding (flagDocument.ts) then reads the document as Go's decoder
 * does. In short: every mapping is closed (an unknown field is an error), names are required,
 * scalars must have the schema's type (`enabled: yes` or `value: 5` are not accepted), and some
 * fields need a minimum `version`.
 */

export const SUPPORTED_VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6'] as const;
type Version = (typeof SUPPORTED_VERSIONS)[number];

/** CUE's `=~"^.+$"` (RE2: any character but a newline). */
const LINE = /^[^\n]+$/;
const MATCH_TYPES = ['ANY_MATCH_TYPE', 'ALL_MATCH_TYPE'];
const SEGMENT_OPERATORS = ['OR_SEGMENT_OPERATOR', 'AND_SEGMENT_OPERATOR'];
const STRING_OPERATORS = ['eq', 'neq', 'empty', 'notempty', 'prefix', 'suffix', 'contains', 'notcontains', 'isoneof', 'isnotoneof'];
/** Operators by constraint type; `isoneof`/`isnotoneof` take a list from 1.6 on. */
export const CONSTRAINT_OPERATORS: Readonly<Record<string, readonly string[]>> = {
  STRING_COMPARISON_TYPE: STRING_OPERATORS,
  ENTITY_ID_COMPARISON_TYPE: STRING_OPERATORS,
  NUMBER_COMPARISON_TYPE: ['eq', 'neq', 'present', 'notpresent', 'lt', 'lte', 'gt', 'gte', 'isoneof', 'isnotoneof'],
  BOOLEAN_COMPARISON_TYPE: ['true', 'false', 'present', 'notpresent'],
  DATETIME_COMPARISON_TYPE: ['eq', 'neq', 'present', 'notpresent', 'lt', 'lte', 'gt', 'gte'],
};

/** A field of a closed mapping: whether it must be there, from which version, and its check. */
interface FieldRule {
  required?: boolean;
  since?: Version;
  check(node: Node | null, what: string): void;
}

/** Checks one flag document; throws FlagFileError (through `r.fail`) where Flipt's schema fails. */
export function checkFlagSchema(r: YamlReader, root: Node | null): void {
  const schema = new FlagSchema(r);
  schema.document(root);
}

class FlagSchema {
  private version: Version = '1.6';

  constructor(private readonly r: YamlReader) {}

  document(root: Node | null): void {
    const r: YamlReader = this.r;
    if (r.kind(root) !== 'map') r.fail(root, 'a flag document must be a mapping with version, namespace, flags and segments');
    const versionNode = r.entries(root, 'the document').find((e) => e.key === 'version')?.value ?? null;
    if (versionNode) {
      const raw = r.scalarValue(versionNode);
      if (typeof raw !== 'string') r.fail(versionNode, `version must be a quoted string such as "1.6" (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
      if (!(SUPPORTED_VERSIONS as readonly string[]).includes(raw)) r.fail(versionNode, `unsupported version ${JSON.stringify(raw)} (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
      this.version = raw as Version;
    }
    this.mapping(root, 'the document', {
      version: { check: () => {} },
      namespace: { check: (n, what) => this.namespace(n, what) },
      flags: { check: (n) => this.list(n, 'flags', (item, i) => this.flag(item, i)) },
      segments: { check: (n) => this.list(n, 'segments', (item, i) => this.segment(item, i)) },
    });
  }

  private namespace(node: Node | null, what: string): void {
    if (this.r.kind(node) !== 'map') return this.string(node, what, KEY_PATTERN);
    this.mapping(node, what, {
      key: { check: (n, w) => this.string(n, w, KEY_PATTERN) },
      name: { check: (n, w) => this.string(n, w, LINE) },
      description: { check: (n, w) => this.description(n, w) },
    });
  }

  private flag(node: Node, index: number): void {
    const entries = this.r.entries(node, `flag ${index}`);
    const what = this.label('flag', entries, index);
    const typeNode = entries.find((e) => e.key === 'type')?.value ?? null;
    const boolean = this.r.scalarValue(typeNode) === 'BOOLEAN_FLAG_TYPE';
    this.mapping(node, what, {
      key: { required: true, check: (n, w) => this.string(n, w, KEY_PATTERN) },
      name: { required: true, check: (n, w) => this.string(n, w, LINE) },
      description: { check: (n, w) => this.description(n, w) },
      enabled: { check: (n, w) => this.bool(n, w) },
      variants: { check: (n, w) => this.list(n, w, (item, i) => this.variant(item, `${what} variant ${i}`)) },
      rules: { check: (n, w) => this.list(n, w, (item, i) => this.rule(item, `${what} rule ${i}`)) },
      type: { since: '1.1', check: (n, w) => this.oneOf(n, w, ['VARIANT_FLAG_TYPE', 'BOOLEAN_FLAG_TYPE']) },
      rollouts: {
        since: '1.1',
        check: (n, w) => {
          if (!boolean) this.r.fail(n, `${what} is a variant flag: rollouts are only allowed on BOOLEAN_FLAG_TYPE flags`);
          this.list(n, w, (item, i) => this.rollout(item, `${what} rollout ${i}`));
        },
      },
      metadata: { since: '1.3', check: (n, w) => this.metadata(n, w) },
    });
  }

  private variant(node: Node, what: string): void {
    this.mapping(node, what, {
      key: { required: true, check: (n, w) => this.string(n, w, LINE) },
      name: { check: (n, w) => this.string(n, w, LINE) },
      description: { check: (n, w) => this.description(n, w) },
      attachment: {
        check: (n, w) => {
          if (this.r.kind(n) === 'scalar') this.r.fail(n, `${w} must be a mapping, a list or null`);
        },
      },
      default: { since: '1.3', check: (n, w) => this.bool(n, w) },
    });
  }

  private rule(node: Node, what: string): void {
    this.mapping(node, what, {
      segment: {
        required: true,
        check: (n, w) => {
          if (this.r.kind(n) !== 'map') return this.string(n, `${w} (a segment key, or {keys, operator})`, KEY_PATTERN);
          this.mapping(n, w, {
            keys: { check: (k, kw) => this.list(k, kw, (item, i) => this.string(item, `${kw} item ${i}`)) },
            operator: { check: (o, ow) => this.operator(o, ow) },
          });
        },
      },
      rank: { check: (n, w) => this.integer(n, w) },
      distributions: { check: (n, w) => this.list(n, w, (item, i) => this.distribution(item, `${what} distribution ${i}`)) },
    });
  }

  private distribution(node: Node, what: string): void {
    this.mapping(node, what, {
      variant: { required: true, check: (n, w) => this.string(n, w, LINE) },
      rollout: {
        required: true,
        check: (n, w) => {
          const rollout = this.number(n, w);
          if (!(rollout >= 0 && rollout <= 100)) this.r.fail(n, `${w} must be between 0 and 100 (got ${rollout})`);
        },
      },
    });
  }

  private rollout(node: Node, what: string): void {
    const entries = this.mapping(node, what, {
      description: { check: (n, w) => this.description(n, w) },
      segment: {
        check: (n, w) => {
          const keyed = this.mapping(n, w, {
            key: { check: (k, kw) => this.string(k, kw, KEY_PATTERN) },
            keys: { check: (k, kw) => this.list(k, kw, (item, i) => this.string(item, `${kw} item ${i}`)) },
            operator: { check: (o, ow) => this.operator(o, ow) },
            value: { check: (v, vw) => this.bool(v, vw) },
          });
          if (keyed.some((e) => e.key === 'key') && keyed.some((e) => e.key === 'keys')) this.r.fail(n, `${w} takes either key or keys, not both`);
        },
      },
      threshold: {
        check: (n, w) => {
          this.mapping(n, w, {
            percentage: { required: true, check: (p, pw) => void this.number(p, pw) },
            value: { check: (v, vw) => this.bool(v, vw) },
          });
        },
      },
    });
    if (entries.some((e) => e.key === 'segment') && entries.some((e) => e.key === 'threshold')) {
      this.r.fail(node, `${what} is either a segment rollout or a threshold rollout, not both`);
    }
  }

  private segment(node: Node, index: number): void {
    const what = this.label('segment', this.r.entries(node, `segment ${index}`), index);
    this.mapping(node, what, {
      key: { required: true, check: (n, w) => this.string(n, w, KEY_PATTERN) },
      name: { required: true, check: (n, w) => this.string(n, w, LINE) },
      match_type: { required: true, check: (n, w) => this.oneOf(n, w, MATCH_TYPES) },
      description: { check: (n, w) => this.description(n, w) },
      constraints: { check: (n, w) => this.list(n, w, (item, i) => this.constraint(item, `${what} constraint ${i}`)) },
    });
  }

  private constraint(node: Node, what: string): void {
    const r: YamlReader = this.r;
    const entries = r.entries(node, what);
    const type = r.scalarValue(entries.find((e) => e.key === 'type')?.value ?? null);
    const operator = r.scalarValue(entries.find((e) => e.key === 'operator')?.value ?? null);
    const list = operator === 'isoneof' || operator === 'isnotoneof';
    this.mapping(node, what, {
      type: { required: true, check: (n, w) => this.oneOf(n, w, Object.keys(CONSTRAINT_OPERATORS)) },
      property: { required: true, check: (n, w) => this.string(n, w, LINE) },
      operator: { required: true, check: (n, w) => this.oneOf(n, `${w} for ${String(type)}`, CONSTRAINT_OPERATORS[type as string] ?? []) },
      description: { check: (n, w) => this.description(n, w) },
      value: {
        required: list,
        check: (n, w) => {
          if (!list || this.before('1.6')) return this.string(n, list ? `${w} (before version 1.6, a JSON list in a string)` : w);
          // From 1.6 on, a YAML list: of numbers for NUMBER constraints, else of strings.
          const numbers = type === 'NUMBER_COMPARISON_TYPE';
          this.list(n, `${w} (from version 1.6, a list)`, (item, i) => (numbers ? void this.number(item, `${w} item ${i}`) : this.string(item, `${w} item ${i}`)));
        },
      },
    });
  }

  /** `flag "checkout"` when the key is a string, else `flag 3`: what error messages call it. */
  private label(kind: string, entries: Entry[], index: number): string {
    const key = this.r.scalarValue(entries.find((e) => e.key === 'key')?.value ?? null);
    return typeof key === 'string' ? `${kind} ${JSON.stringify(key)}` : `${kind} ${index}`;
  }

  private metadata(node: Node | null, what: string): void {
    if (this.r.kind(node) !== 'map') this.r.fail(node, `${what} must be a mapping`);
    for (const entry of this.r.entries(node, what)) {
      if (this.r.kind(entry.value) === 'null') this.r.fail(entry.value ?? entry.keyNode, `${what}.${entry.key} must not be null`);
    }
  }

  // -- closed mappings and typed values ---------------------------------------------------

  /** A closed mapping: unknown or too-new fields and missing required ones are errors. */
  private mapping(node: Node | null, what: string, fields: Record<string, FieldRule>): Entry[] {
    const r: YamlReader = this.r;
    if (r.kind(node) !== 'map') r.fail(node, `${what} must be a mapping${this.got(node)}`);
    const entries = r.entries(node, what);
    const allowed = Object.keys(fields).filter((name) => !this.tooNew(fields[name]!));
    for (const entry of entries) {
      const rule = Object.hasOwn(fields, entry.key) ? fields[entry.key]! : undefined;
      if (!rule) r.fail(entry.keyNode, `${what}: unknown field ${JSON.stringify(entry.key)} (allowed: ${allowed.join(', ')})`);
      if (this.tooNew(rule)) r.fail(entry.keyNode, `${what}: ${entry.key} needs version "${rule.since}" or later (this document is version "${this.version}")`);
    }
    for (const [name, rule] of Object.entries(fields)) {
      const entry = entries.find((e) => e.key === name);
      if (!entry) {
        if (rule.required) r.fail(node, `${what} needs ${name}`);
        continue;
      }
      rule.check(entry.value, `${what} ${name}`);
    }
    return entries;
  }

  private tooNew(rule: FieldRule): rule is FieldRule & { since: Version } {
    return rule.since !== undefined && this.before(rule.since);
  }

  private before(version: Version): boolean {
    return SUPPORTED_VERSIONS.indexOf(this.version) < SUPPORTED_VERSIONS.indexOf(version);
  }

  /** A YAML list (null is not a list: Flipt's schema rejects `flags:` with nothing after it). */
  private list(node: Node | null, what: string, item: (node: Node, index: number) => void): void {
    if (this.r.kind(node) !== 'seq') this.r.fail(node, `${what} must be a list${this.got(node)}`);
    this.r.items(node, what).forEach((n, i) => item(n, i + 1));
  }

  /** A YAML string (a quoted `"5"` is one, a plain `5` or `true` is not), optionally matching a pattern. */
  private string(node: Node | null, what: string, pattern?: RegExp): void {
    const value = this.r.scalarValue(node);
    if (typeof value !== 'string') this.r.fail(node, `${what} must be a string${this.got(node, true)}`);
    if (pattern && !pattern.test(value)) {
      this.r.fail(node, pattern === LINE ? `${what} must be a non-empty single line` : `${what} must match ${pattern.source} (got ${JSON.stringify(value)})`);
    }
  }

  /** A string or null. */
  private description(node: Node | null, what: string): void {
    if (this.r.kind(node) !== 'null') this.string(node, what);
  }

  private bool(node: Node | null, what: string): void {
    if (typeof this.r.scalarValue(node) !== 'boolean') this.r.fail(node, `${what} must be true or false${this.got(node)}`);
  }

  private number(node: Node | null, what: string): number {
    const value = this.r.scalarValue(node);
    if (typeof value !== 'number' && typeof value !== 'bigint') this.r.fail(node, `${what} must be a number${this.got(node)}`);
    return Number(value);
  }

  /** An integer literal (`1.0` is a float to CUE). */
  private integer(node: Node | null, what: string): void {
    if (typeof this.r.scalarValue(node) !== 'bigint') this.r.fail(node, `${what} must be an integer${this.got(node)}`);
  }

  private oneOf(node: Node | null, what: string, allowed: readonly string[]): void {
    const value = this.r.scalarValue(node);
    if (typeof value !== 'string' || !allowed.includes(value)) this.r.fail(node, `${what} must be one of ${allowed.join(', ')}${this.got(node, true)}`);
  }

  /** A segment operator, or null (meaning OR). */
  private operator(node: Node | null, what: string): void {
    if (this.r.kind(node) !== 'null') this.oneOf(node, what, SEGMENT_OPERATORS);
  }

  private got(node: Node | null, wantString = false): string {
    const kind = this.r.kind(node);
    if (kind === 'map') return ' (got a mapping)';
    if (kind === 'seq') return ' (got a list)';
    if (kind === 'null') return ' (got null)';
    const value = this.r.scalarValue(node);
    if (typeof value === 'string') return ` (got ${JSON.stringify(value)})`;
    // YAML reads a plain true or 5 as a boolean or a number; where a string is wanted, say so.
    return wantString ? ` (got ${String(value)}, not a string: quote it)` : ` (got ${String(value)})`;
  }
}
