import type { Node } from 'yaml';
import { GoEncodeError, goJson, toFloat32 } from './goFormat.js';
import type { Entry, YamlReader, YamlValue } from './yamlReader.js';

/*
 * A Flipt flag document after typed decoding (the shape of Flipt's `ext.Document`). Decoding
 * runs after `checkFlagSchema` accepted the document, as in Flipt, so it only reads values and
 * applies defaults. Nodes are kept for error positions.
 */

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

/** Decodes one YAML/JSON document (its root node, checked by `checkFlagSchema`) into a FlagDocument. */
export function decodeFlagDocument(r: YamlReader, root: Node | null): FlagDocument {
  const top = r.entries(root, 'the document');
  return {
    version: has(top, 'version') ? r.string(field(top, 'version'), 'version') : '1.6',
    namespace: decodeNamespace(r, field(top, 'namespace')),
    flags: r.items(field(top, 'flags'), 'flags').map((node, i) => decodeFlag(r, node, i + 1)),
    segments: r.items(field(top, 'segments'), 'segments').map((node, i) => decodeSegment(r, node, i + 1)),
  };
}

function decodeNamespace(r: YamlReader, node: Node | null): string {
  switch (r.kind(node)) {
    case 'scalar':
      return r.string(node, 'namespace');
    case 'map': {
      const entries = r.entries(node, 'namespace');
      return has(entries, 'key') ? r.string(field(entries, 'key'), 'namespace.key') : 'default';
    }
    default:
      return 'default';
  }
}

function decodeFlag(r: YamlReader, node: Node, index: number): FlagDef {
  const e = r.entries(node, `flag ${index}`);
  const key = r.string(field(e, 'key'), `flag ${index} key`);
  const what = `flag ${JSON.stringify(key)}`;
  return {
    key,
    type: has(e, 'type') ? r.string(field(e, 'type'), `${what} type`) : 'VARIANT_FLAG_TYPE',
    enabled: r.bool(field(e, 'enabled'), `${what} enabled`),
    variants: r.items(field(e, 'variants'), `${what} variants`).map((v, i) => decodeVariant(r, v, `${what} variant ${i + 1}`)),
    rules: r.items(field(e, 'rules'), `${what} rules`).map((v) => decodeRule(r, v)),
    rollouts: r.items(field(e, 'rollouts'), `${what} rollouts`).map((v) => decodeRollout(r, v)),
  };
}

function decodeVariant(r: YamlReader, node: Node, what: string): VariantDef {
  const e = r.entries(node, what);
  return {
    key: r.string(field(e, 'key'), `${what} key`),
    isDefault: r.bool(field(e, 'default'), `${what} default`),
    attachment: r.value(field(e, 'attachment')),
    node,
  };
}

/** A rule's `segment` (a key, or `{keys, operator}`) or a rollout's (`{key | keys, operator, value}`). */
function decodeSegmentRef(r: YamlReader, node: Node | null): SegmentRef {
  if (r.kind(node) === 'scalar') return { keys: [r.string(node, 'segment')], operator: '', value: false, node: node! };
  const e = r.entries(node, 'segment');
  const keys = r.items(field(e, 'keys'), 'segment keys').map((k) => r.string(k, 'segment key'));
  const single = r.string(field(e, 'key'), 'segment key');
  return {
    keys: keys.length > 0 ? keys : single !== '' ? [single] : [],
    operator: r.string(field(e, 'operator'), 'segment operator'),
    value: r.bool(field(e, 'value'), 'segment value'),
    node: node!,
  };
}

function decodeRule(r: YamlReader, node: Node): RuleDef {
  const e = r.entries(node, 'rule');
  return {
    segment: decodeSegmentRef(r, field(e, 'segment')),
    distributions: r.items(field(e, 'distributions'), 'distributions').map((d) => {
      const de = r.entries(d, 'distribution');
      return { variant: r.string(field(de, 'variant'), 'variant'), rollout: toFloat32(r.number(field(de, 'rollout'), 'rollout')), node: field(de, 'variant') ?? d };
    }),
  };
}

function decodeRollout(r: YamlReader, node: Node): RolloutDef {
  const e = r.entries(node, 'rollout');
  if (has(e, 'threshold')) {
    const t = r.entries(field(e, 'threshold'), 'threshold');
    return { threshold: { percentage: toFloat32(r.number(field(t, 'percentage'), 'percentage')), value: r.bool(field(t, 'value'), 'value') } };
  }
  return has(e, 'segment') ? { segment: decodeSegmentRef(r, field(e, 'segment')) } : {};
}

function decodeSegment(r: YamlReader, node: Node, index: number): SegmentDef {
  const e = r.entries(node, `segment ${index}`);
  const key = r.string(field(e, 'key'), `segment ${index} key`);
  return {
    key,
    matchType: r.string(field(e, 'match_type'), 'match_type'),
    constraints: r.items(field(e, 'constraints'), 'constraints').map((c, i) => decodeConstraint(r, c, `segment ${JSON.stringify(key)} constraint ${i + 1}`)),
  };
}

function decodeConstraint(r: YamlReader, node: Node, what: string): ConstraintDef {
  const e = r.entries(node, what);
  const valueNode = field(e, 'value');
  const value = r.value(valueNode);
  let text = '';
  try {
    // A string, or (from version 1.6) a list of strings or numbers, which Flipt writes as JSON.
    text = Array.isArray(value) ? goJson(value) : typeof value === 'string' ? value : '';
  } catch (err) {
    if (err instanceof GoEncodeError) return r.fail(valueNode, `${what} value: ${err.message}`);
    throw err;
  }
  return { type: r.string(field(e, 'type'), 'type'), property: r.string(field(e, 'property'), 'property'), operator: r.string(field(e, 'operator'), 'operator'), value: text };
}
