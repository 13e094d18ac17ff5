/*
 * What a corpus entry actually exercises, read back from its source files and from the snapshots
 * the relay converts it to. Each entry's claims (loading.ts) must be among these, and the whole
 * corpus must cover REQUIRED_FEATURES, so a file cannot say it covers something it does not.
 */
import type { Snapshot, SnapshotSegment } from '@flagcast/core';
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';
import { CONSTRAINT_OPERATORS, SUPPORTED_VERSIONS } from '../../src/convert/flagSchema.js';
import type { FlagFile } from '../../src/index.js';

/** Short names of the comparison types, as the feature names use them. */
const TYPE_NAME: Record<string, string> = {
  STRING_COMPARISON_TYPE: 'STRING',
  NUMBER_COMPARISON_TYPE: 'NUMBER',
  BOOLEAN_COMPARISON_TYPE: 'BOOLEAN',
  DATETIME_COMPARISON_TYPE: 'DATETIME',
  ENTITY_ID_COMPARISON_TYPE: 'ENTITY_ID',
};
const SNAPSHOT_TYPE_NAME: Record<string, string> = Object.fromEntries(Object.values(TYPE_NAME).map((t) => [`${t}_CONSTRAINT_COMPARISON_TYPE`, t]));

/** Everything the corpus as a whole must exercise (the list, spelled as features). */
export const REQUIRED_FEATURES: readonly string[] = [
  ...SUPPORTED_VERSIONS.map((v) => `version:${v}`),
  'version:absent',
  ...Object.entries(CONSTRAINT_OPERATORS).flatMap(([type, ops]) => ops.map((op) => `constraint:${TYPE_NAME[type]}:${op}`)),
  'match:ALL',
  'match:ANY',
  'rule:AND',
  'rule:OR',
  'rollout:AND',
  'rollout:OR',
  'rollout:threshold',
  'rollout:segment',
  'flag:variant',
  'flag:boolean',
  'flag:disabled',
  'default-variant',
  'metadata',
  'namespace:mapping',
  'description:null',
  'stream',
  'namespaces:several',
  'namespace:merged',
  'directory',
  'json',
  'yaml:anchor',
  'yaml:merge-key',
  'attachment:map',
  'attachment:list',
  'attachment:nested',
  'attachment:empty',
  'attachment:none',
  'attachment:string',
  'attachment:integer',
  'attachment:decimal',
  'attachment:boolean',
  'attachment:null',
  'attachment:big-integer',
  'attachment:escaped',
  'distribution:split',
  'distribution:none',
  'distribution:under-100',
  'one-of:json-string',
  'one-of:list',
  'variant:duplicate-key',
  'zero:rollout',
  'zero:threshold',
  'threshold:100',
  'segment:no-constraints',
  'constraint:empty-value',
  'segment:left-out',
];

/** Features of the source text: versions, streams, YAML anchors and merge keys, namespace and description forms. */
function sourceFeatures(files: readonly FlagFile[], out: Set<string>): void {
  if (files.length > 1) out.add('directory');
  for (const file of files) {
    if (file.name.endsWith('.json')) out.add('json');
    const text = typeof file.contents === 'string' ? file.contents : new TextDecoder().decode(file.contents);
    const docs = parseAllDocuments(text, { merge: true }).filter((d) => d.toJS() !== null);
    if (docs.length > 1) out.add('stream');
    for (const doc of docs) {
      const top = doc.toJS({ maxAliasCount: -1 }) as Record<string, unknown>;
      out.add('version' in top ? `version:${String(top['version'])}` : 'version:absent');
      if (top['namespace'] !== null && typeof top['namespace'] === 'object') out.add('namespace:mapping');
      for (const flag of (top['flags'] ?? []) as { variants?: { key: string }[] }[]) {
        const keys = (flag.variants ?? []).map((v) => v.key);
        if (new Set(keys).size < keys.length) out.add('variant:duplicate-key');
      }
      visit(doc, {
        Map: (_, map) => {
          // A one-of constraint: its list written in a string (before 1.6) or as a YAML list.
          const operator = map.get('operator');
          if (operator !== 'isoneof' && operator !== 'isnotoneof') return;
          const value = map.get('value', true);
          if (isSeq(value)) out.add('one-of:list');
          else if (isScalar(value) && typeof value.value === 'string') out.add('one-of:json-string');
        },
        Alias: () => void out.add('yaml:anchor'),
        Pair: (_, pair) => {
          if (!isPair(pair) || !isScalar(pair.key)) return;
          const key = pair.key.value;
          if (pair.key.source === '<<') out.add('yaml:merge-key');
          if (key === 'metadata' && isMap(pair.value)) out.add('metadata');
          if (key === 'description' && (pair.value === null || (isScalar(pair.value) && pair.value.value === null))) out.add('description:null');
          if (isAlias(pair.value)) out.add('yaml:anchor');
        },
      });
    }
  }
}

/** Features of one attachment (JSON text as served). */
function attachmentFeatures(text: string | null | undefined, out: Set<string>): void {
  if (text === undefined || text === null) return;
  if (text === 'null') return void out.add('attachment:none');
  if (/\\u00|\\n|\\t|\\"/.test(text)) out.add('attachment:escaped');
  const value: unknown = JSON.parse(text);
  if (Array.isArray(value)) out.add(value.length === 0 ? 'attachment:empty' : 'attachment:list');
  else if (value !== null && typeof value === 'object') out.add(Object.keys(value).length === 0 ? 'attachment:empty' : 'attachment:map');
  const walk = (v: unknown, depth: number): void => {
    if (Array.isArray(v) || (v !== null && typeof v === 'object')) {
      if (depth > 0) out.add('attachment:nested');
      for (const x of Object.values(v as object)) walk(x, depth + 1);
    } else if (v === null) out.add('attachment:null');
    else if (typeof v === 'string') out.add('attachment:string');
    else if (typeof v === 'boolean') out.add('attachment:boolean');
  };
  walk(value, 0);
  // Numbers by their text (JSON.parse would round an integer beyond 2^53, and 6.02e+23 is an integer to JavaScript).
  for (const [token] of text.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    if (/[.eE]/.test(token)) out.add('attachment:decimal');
    else out.add(Number.isSafeInteger(Number(token)) ? 'attachment:integer' : 'attachment:big-integer');
  }
}

function segmentFeatures(segments: readonly SnapshotSegment[], out: Set<string>): void {
  for (const s of segments) {
    out.add(s.matchType === 'ALL_SEGMENT_MATCH_TYPE' ? 'match:ALL' : 'match:ANY');
    if (s.constraints.length === 0) out.add('segment:no-constraints');
    for (const c of s.constraints) {
      out.add(`constraint:${SNAPSHOT_TYPE_NAME[c.type] ?? c.type}:${c.operator}`);
      if (c.value === '' && !['empty', 'notempty', 'present', 'notpresent', 'true', 'false'].includes(c.operator)) out.add('constraint:empty-value');
    }
  }
}

/** Features of the converted snapshots: flags, rules, rollouts, segments (as inlined), attachments. */
function snapshotFeatures(snapshots: readonly Snapshot[], out: Set<string>): void {
  if (snapshots.length > 1) out.add('namespaces:several');
  for (const snapshot of snapshots) {
    // A namespace built from one document has the file's SHA-1 (40); more documents chain into 32.
    if (snapshot.digest?.length === 32) out.add('namespace:merged');
    for (const flag of snapshot.flags) {
      out.add(flag.type === 'BOOLEAN_FLAG_TYPE' ? 'flag:boolean' : 'flag:variant');
      if (!flag.enabled) out.add('flag:disabled');
      if (flag.defaultVariant) {
        out.add('default-variant');
        attachmentFeatures(flag.defaultVariant.attachment, out);
      }
      for (const rule of flag.rules ?? []) {
        const segments = rule.segments ?? [];
        if (segments.length === 0) out.add('segment:left-out');
        if (segments.length > 1) out.add(rule.segmentOperator === 'AND_SEGMENT_OPERATOR' ? 'rule:AND' : 'rule:OR');
        segmentFeatures(segments, out);
        const ds = rule.distributions;
        if (ds.length === 0) out.add('distribution:none');
        if (ds.length > 1) out.add('distribution:split');
        const total = ds.reduce((sum, d) => sum + d.rollout, 0);
        if (ds.length > 0 && total > 0 && total < 99.99) out.add('distribution:under-100');
        for (const d of ds) {
          if (d.rollout === 0) out.add('zero:rollout');
          attachmentFeatures(d.variantAttachment, out);
        }
      }
      for (const rollout of flag.rollouts ?? []) {
        if (rollout.threshold) {
          out.add('rollout:threshold');
          if (rollout.threshold.percentage === 0) out.add('zero:threshold');
          if (rollout.threshold.percentage === 100) out.add('threshold:100');
        }
        if (rollout.segment) {
          out.add('rollout:segment');
          const segments = rollout.segment.segments;
          if (segments.length === 0) out.add('segment:left-out');
          if (segments.length > 1) out.add(rollout.segment.segmentOperator === 'AND_SEGMENT_OPERATOR' ? 'rollout:AND' : 'rollout:OR');
          segmentFeatures(segments, out);
        }
      }
    }
  }
}

/** Every feature a corpus entry (its files and their converted snapshots) exercises. */
export function corpusFeatures(files: readonly FlagFile[], snapshots: readonly Snapshot[]): Set<string> {
  const out = new Set<string>();
  sourceFeatures(files, out);
  snapshotFeatures(snapshots, out);
  return out;
}
