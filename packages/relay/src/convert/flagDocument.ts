import type { Node } from 'yaml';
import { GoEncodeError, goFormatFloatF, goJson, goSprintV, toFloat32 } from './goFormat.js';
import type { Entry, YamlReader, YamlValue } from './yamlReader.js';

/*
 * A Flipt flag document after typed decoding (the shape of Flipt's `ext.Document`), with the
 * checks of Flipt's schema that matter for building a snapshot. Nodes are kept for error
 * positions.
 */

export const SUPPORTED_VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6'] as const;
const KEY_PATTERN = /^[-_,A-Za-z0-9]+$/;
const SEGMENT_OPERATORS = ['OR_SEGMENT_OPERATOR', 'AND_SEGMENT_OPERATOR'];
const MATCH_TYPES = ['ANY_MATCH_TYPE', 'ALL_MATCH_TYPE'];
const FLAG_TYPES = ['VARIANT_FLAG_TYPE', 'BOOLEAN_FLAG_TYPE'];
const STRING_OPERATORS = ['eq', 'neq', 'empty', 'notempty', 'prefix', 'suffix', 'contains', 'notcontains', 'isoneof', 'isnotoneof'];
const OPERATORS: Record<string, string[]> = {
  STRING_COMPARISON_TYPE: STRING_OPERATORS,
  ENTITY_ID_COMPARISON_TYPE: STRING_OPERATORS,
  NUMBER_COMPARISON_TYPE: ['eq', 'neq', 'present', 'notpresent', 'lt', 'lte', 'gt', 'gte', 'isoneof', 'isnotoneof'],
  BOOLEAN_COMPARISON_TYPE: ['true', 'false', 'present', 'notpresent'],
  DATETIME_COMPARISON_TYPE: ['eq', 'neq', 'present', 'notpresent', 'lt', 'lte', 'gt', 'gte'],
};

export interface FlagDocument {
  version: string;
  namespace: string;
  flags: FlagDef[];
  segments: SegmentDef[];
}

export interface FlagDef {
  key: string;
  type: string;
  enabled: boolean;
  variants: VariantDef[];
  rules: RuleDef[];
  rollouts: RolloutDef[];
}

export interface VariantDef {
  key: string;
  isDefault: boolean;
  attachment: YamlValue;
  node: Node;
}

export interface SegmentRef {
  keys: string[];
  operator: string;
  value: boolean;
  node: Node;
}

export interface RuleDef {
  segment: SegmentRef;
  distributions: { variant: string; rollout: number; node: Node }[];
}

export interface RolloutDef {
  threshold?: { percentage: number; value: boolean };
  segment?: SegmentRef;
}

export interface SegmentDef {
  key: string;
  matchType: string;
  constraints: ConstraintDef[];
}

export interface ConstraintDef {
  type: string;
  property: string;
  operator: string;
  value: string;
}

function field(entries: Entry[], key: string): Node | null {
  return entries.find((e) => e.key === key)?.value ?? null;
}

function has(entries: Entry[], key: string): boolean {
  return entries.some((e) => e.key === key);
}

function oneOf(r: YamlReader, node: Node | null, value: string, allowed: readonly string[], what: string): void {
  if (!allowed.includes(value)) r.fail(node, `${what} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}

function requireKey(r: YamlReader, node: Node | null, value: string, what: string): void {
  if (!KEY_PATTERN.test(value)) r.fail(node, `${what} must match ${KEY_PATTERN.source} (got ${JSON.stringify(value)})`);
}

/** Decodes one YAML/JSON document (its root node) into a FlagDocument. */
export function decodeFlagDocument(r: YamlReader, root: Node | null): FlagDocument {
  if (r.kind(root) !== 'map') r.fail(root, 'a flag document must be a mapping with version, namespace, flags and segments');
  const top = r.entries(root, 'the document');
  for (const e of top) {
    if (!['version', 'namespace', 'flags', 'segments'].includes(e.key)) {
      r.fail(e.keyNode, `unknown top-level field ${JSON.stringify(e.key)} (allowed: version, namespace, flags, segments)`);
    }
  }

  const versionNode = field(top, 'version');
  let version = '1.6';
  if (has(top, 'version')) {
    const raw = r.scalarValue(versionNode);
    if (typeof raw !== 'string') {
      r.fail(versionNode, `version must be a quoted string such as "1.6" (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
    }
    version = raw;
    if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
      r.fail(versionNode, `unsupported version ${JSON.stringify(version)} (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
    }
  }

  const namespace = decodeNamespace(r, field(top, 'namespace'));
  const flags = r.items(field(top, 'flags'), 'flags').map((node, i) => decodeFlag(r, node, i + 1));
  const segments = r.items(field(top, 'segments'), 'segments').map((node, i) => decodeSegment(r, node, i + 1));
  return { version, namespace, flags, segments };
}

function decodeNamespace(r: YamlReader, node: Node | null): string {
  switch (r.kind(node)) {
    case 'null':
      return 'default';
    case 'scalar': {
      const key = r.string(node, 'namespace');
      requireKey(r, node, key, 'namespace');
      return key;
    }
    case 'map': {
      const entries = r.entries(node, 'namespace');
      const keyNode = field(entries, 'key');
      const key = has(entries, 'key') ? r.string(keyNode, 'namespace.key') : 'default';
      requireKey(r, keyNode ?? node, key, 'namespace.key');
      return key;
    }
    default:
      return r.fail(node, 'namespace must be a key or a mapping {key, name, description}');
  }
}

function decodeFlag(r: YamlReader, node: Node, index: number): FlagDef {
  const e = r.entries(node, `flag ${index}`);
  const key = r.string(field(e, 'key'), `flag ${index} key`);
  requireKey(r, field(e, 'key') ?? node, key, `flag ${index} key`);
  const what = `flag ${JSON.stringify(key)}`;
  r.string(field(e, 'name'), `${what} name`);
  r.string(field(e, 'description'), `${what} description`);
  const type = has(e, 'type') ? r.string(field(e, 'type'), `${what} type`) : 'VARIANT_FLAG_TYPE';
  oneOf(r, field(e, 'type'), type, FLAG_TYPES, `${what} type`);
  if (type !== 'BOOLEAN_FLAG_TYPE' && has(e, 'rollouts')) {
    r.fail(e.find((x) => x.key === 'rollouts')!.keyNode, `${what} is a variant flag: rollouts are only allowed on BOOLEAN_FLAG_TYPE flags`);
  }
  r.entries(field(e, 'metadata'), `${what} metadata`); // must be a mapping when present
  return {
    key,
    type,
    enabled: r.bool(field(e, 'enabled'), `${what} enabled`),
    variants: r.items(field(e, 'variants'), `${what} variants`).map((v, i) => decodeVariant(r, v, `${what} variant ${i + 1}`)),
    rules: r.items(field(e, 'rules'), `${what} rules`).map((v, i) => decodeRule(r, v, `${what} rule ${i + 1}`)),
    rollouts: r.items(field(e, 'rollouts'), `${what} rollouts`).map((v, i) => decodeRollout(r, v, `${what} rollout ${i + 1}`)),
  };
}

function decodeVariant(r: YamlReader, node: Node, what: string): VariantDef {
  const e = r.entries(node, what);
  const key = r.string(field(e, 'key'), `${what} key`);
  if (key === '') r.fail(field(e, 'key') ?? node, `${what} needs a key`);
  const attachmentNode = field(e, 'attachment');
  const kind = r.kind(attachmentNode);
  if (kind === 'scalar') r.fail(attachmentNode, `${what} (${key}) attachment must be a mapping, a list or null`);
  return { key, isDefault: r.bool(field(e, 'default'), `${what} default`), attachment: r.value(attachmentNode), node };
}

/** A rule's or rollout's `segment`: a key, a list of keys, or `{key | keys, operator, value}`. */
function decodeSegmentRef(r: YamlReader, node: Node | null, what: string, allowShorthand: boolean): SegmentRef {
  const kind = r.kind(node);
  if (kind === 'scalar' && allowShorthand) {
    const key = r.string(node, `${what} segment`);
    requireKey(r, node, key, `${what} segment`);
    return { keys: [key], operator: '', value: false, node: node! };
  }
  if (kind === 'seq' && allowShorthand) {
    return { keys: r.items(node, `${what} segment`).map((k) => r.string(k, `${what} segment key`)), operator: '', value: false, node: node! };
  }
  if (kind !== 'map') r.fail(node, `${what} needs a segment: a segment key or {keys: [...], operator}`);
  const e = r.entries(node, `${what} segment`);
  const keys = r.items(field(e, 'keys'), `${what} segment keys`).map((k) => r.string(k, `${what} segment key`));
  const single = r.string(field(e, 'key'), `${what} segment key`);
  const operator = r.string(field(e, 'operator'), `${what} segment operator`);
  if (operator !== '') oneOf(r, field(e, 'operator'), operator, SEGMENT_OPERATORS, `${what} segment operator`);
  return {
    keys: keys.length > 0 ? keys : single !== '' ? [single] : [],
    operator,
    value: r.bool(field(e, 'value'), `${what} segment value`),
    node: node!,
  };
}

function decodeRule(r: YamlReader, node: Node, what: string): RuleDef {
  const e = r.entries(node, what);
  if (r.kind(field(e, 'rank')) !== 'null' && !Number.isInteger(r.number(field(e, 'rank'), `${what} rank`))) {
    r.fail(field(e, 'rank'), `${what} rank must be an integer`);
  }
  return {
    segment: decodeSegmentRef(r, field(e, 'segment'), what, true),
    distributions: r.items(field(e, 'distributions'), `${what} distributions`).map((d, i) => {
      const dw = `${what} distribution ${i + 1}`;
      const de = r.entries(d, dw);
      const variant = r.string(field(de, 'variant'), `${dw} variant`);
      if (variant === '') r.fail(field(de, 'variant') ?? d, `${dw} needs a variant`);
      if (!has(de, 'rollout')) r.fail(d, `${dw} needs a rollout (0 to 100)`);
      const rollout = r.number(field(de, 'rollout'), `${dw} rollout`);
      if (!(rollout >= 0 && rollout <= 100)) r.fail(field(de, 'rollout'), `${dw} rollout must be between 0 and 100 (got ${rollout})`);
      return { variant, rollout: toFloat32(rollout), node: field(de, 'variant') ?? d };
    }),
  };
}

function decodeRollout(r: YamlReader, node: Node, what: string): RolloutDef {
  const e = r.entries(node, what);
  const thresholdNode = field(e, 'threshold');
  if (r.kind(thresholdNode) !== 'null') {
    const t = r.entries(thresholdNode, `${what} threshold`);
    if (!has(t, 'percentage')) r.fail(thresholdNode, `${what} threshold needs a percentage`);
    const percentage = toFloat32(r.number(field(t, 'percentage'), `${what} threshold percentage`));
    if (!Number.isFinite(percentage)) r.fail(field(t, 'percentage'), `${what} threshold percentage is out of range`);
    return { threshold: { percentage, value: r.bool(field(t, 'value'), `${what} threshold value`) } };
  }
  if (r.kind(field(e, 'segment')) !== 'null') {
    return { segment: decodeSegmentRef(r, field(e, 'segment'), what, false) };
  }
  return {};
}

function decodeSegment(r: YamlReader, node: Node, index: number): SegmentDef {
  const e = r.entries(node, `segment ${index}`);
  const key = r.string(field(e, 'key'), `segment ${index} key`);
  requireKey(r, field(e, 'key') ?? node, key, `segment ${index} key`);
  const what = `segment ${JSON.stringify(key)}`;
  r.string(field(e, 'name'), `${what} name`);
  r.string(field(e, 'description'), `${what} description`);
  // Flipt's schema wants a match_type; its snapshot builder reads a missing one as ALL.
  const matchType = has(e, 'match_type') ? r.string(field(e, 'match_type'), `${what} match_type`) : 'ALL_MATCH_TYPE';
  oneOf(r, field(e, 'match_type'), matchType, MATCH_TYPES, `${what} match_type`);
  return {
    key,
    matchType,
    constraints: r.items(field(e, 'constraints'), `${what} constraints`).map((c, i) => decodeConstraint(r, c, `${what} constraint ${i + 1}`)),
  };
}

function decodeConstraint(r: YamlReader, node: Node, what: string): ConstraintDef {
  const e = r.entries(node, what);
  const type = r.string(field(e, 'type'), `${what} type`);
  oneOf(r, field(e, 'type') ?? node, type, Object.keys(OPERATORS), `${what} type`);
  const property = r.string(field(e, 'property'), `${what} property`);
  if (property === '') r.fail(field(e, 'property') ?? node, `${what} needs a property`);
  const operator = r.string(field(e, 'operator'), `${what} operator`);
  oneOf(r, field(e, 'operator') ?? node, operator, OPERATORS[type]!, `${what} operator for ${type}`);
  const valueNode = field(e, 'value');
  if ((operator === 'isoneof' || operator === 'isnotoneof') && r.kind(valueNode) === 'null') {
    r.fail(valueNode ?? node, `${what} (${operator}) needs a value: a list`);
  }
  if (r.kind(valueNode) === 'map') r.fail(valueNode, `${what} value must be a string or a list`);
  try {
    return { type, property, operator, value: constraintValue(r.value(valueNode)) };
  } catch (err) {
    if (err instanceof GoEncodeError) return r.fail(valueNode, `${what} value: ${err.message}`);
    throw err;
  }
}

/** Flipt's rule for a constraint `value` written as any YAML value (see ext.Constraint). */
function constraintValue(v: YamlValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFormatFloatF(v);
  if (Array.isArray(v)) {
    const items = v.map((item) => {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'bigint') return item;
      if (typeof item === 'boolean') return String(item);
      if (item === null) return '';
      return goSprintV(item);
    });
    return goJson(items);
  }
  return goSprintV(v);
}
