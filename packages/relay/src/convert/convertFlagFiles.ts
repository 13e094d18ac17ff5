import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Snapshot, SnapshotFlag, SnapshotRule, SnapshotRollout, SnapshotSegment } from '@flagcast/core';
import { LineCounter, parseAllDocuments, isScalar, type Node } from 'yaml';
import { FlagFileError } from './flagFileError.js';
import { flagFileText } from './flagFileText.js';
import { decodeFlagDocument, type FlagDocument, type SegmentDef, type SegmentRef } from './flagDocument.js';
import { checkFlagSchema } from './flagSchema.js';
import { GoEncodeError, goJson } from './goFormat.js';
import { preparesForEvaluation } from './preparesForEvaluation.js';
import { AliasExpansionError, YamlAliases } from './yamlAliases.js';
import { YamlReader } from './yamlReader.js';

/** One flag file: its name (the extension picks YAML or JSON) and its bytes. */
export interface FlagFile {
  name: string;
  contents: Uint8Array | string;
}

export interface ConvertOptions {
  /** `createdAt`/`updatedAt` of every flag (Flipt uses the time the snapshot was built). */
  now?: Date;
}

/** Something Flipt accepts silently but that changes what is served; worth logging. */
export interface ConvertWarning {
  file: string;
  namespace: string;
  message: string;
}

export interface ConvertResult {
  /** One snapshot per namespace, in the order namespaces first appear. */
  snapshots: Map<string, Snapshot>;
  warnings: ConvertWarning[];
}

const sha1 = (data: Uint8Array | string): string => createHash('sha1').update(data).digest('hex');

const MATCH_TYPE: Record<string, string> = { ALL_MATCH_TYPE: 'ALL_SEGMENT_MATCH_TYPE', ANY_MATCH_TYPE: 'ANY_SEGMENT_MATCH_TYPE' };
const COMPARISON_TYPE: Record<string, string> = {
  STRING_COMPARISON_TYPE: 'STRING_CONSTRAINT_COMPARISON_TYPE',
  NUMBER_COMPARISON_TYPE: 'NUMBER_CONSTRAINT_COMPARISON_TYPE',
  BOOLEAN_COMPARISON_TYPE: 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE',
  DATETIME_COMPARISON_TYPE: 'DATETIME_CONSTRAINT_COMPARISON_TYPE',
  ENTITY_ID_COMPARISON_TYPE: 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE',
};
const segmentOperator = (op: string): string => (op === 'AND_SEGMENT_OPERATOR' ? 'AND_SEGMENT_OPERATOR' : 'OR_SEGMENT_OPERATOR');

/** protojson's Timestamp text: RFC 3339 in UTC, fractional digits only when non-zero. */
function timestamp(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** A stable UUID-shaped id (Flipt uses random UUIDs; stable ids keep equal digests byte-equal). */
function stableId(...parts: (string | number)[]): string {
  const h = sha1(parts.join('\u0000'));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Splits a file into documents (YAML stream, or one JSON value), with a reader per document. */
function readDocuments(file: FlagFile): { reader: YamlReader; root: Node | null }[] {
  const ext = posix.extname(file.name.replace(/\\/g, '/')).toLowerCase();
  if (!['.yaml', '.yml', '.json', ''].includes(ext)) {
    throw new FlagFileError(file.name, `unexpected extension ${JSON.stringify(ext)} (use .yaml, .yml or .json)`);
  }
  const text = typeof file.contents === 'string' ? file.contents : flagFileText(file.name, file.contents, ext === '.json');
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, merge: true, intAsBigInt: true, prettyErrors: false });
  const out: { reader: YamlReader; root: Node | null }[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      const what = ext === '.json' ? 'invalid JSON' : 'invalid YAML';
      throw new FlagFileError(file.name, `${what}: ${error.message}`, pos ? { line: pos.line, column: pos.col } : undefined);
    }
    const root = (doc.contents as Node | null) ?? null;
    // Comment-only or empty documents (e.g. a trailing `---`) carry nothing: skipped.
    if (root === null || (isScalar(root) && root.value === null)) continue;
    if (ext === '.json' && out.length > 0) throw new FlagFileError(file.name, 'a JSON flag file holds one document');
    const aliases = new YamlAliases(doc);
    const reader = new YamlReader(file.name, doc, lines, aliases);
    try {
      aliases.checkExpansion(root);
    } catch (err) {
      if (err instanceof AliasExpansionError) reader.fail(err.node, err.message);
      throw err;
    }
    out.push({ reader, root });
  }
  return out;
}

/**
 * The documents of one flag file, each checked against Flipt's schema and decoded, in order.
 * Lazy: a document's error is thrown when it is reached. Throws FlagFileError.
 */
export function* flagDocuments(file: FlagFile): Generator<{ reader: YamlReader; doc: FlagDocument }> {
  for (const { reader, root } of readDocuments(file)) {
    checkFlagSchema(reader, root);
    yield { reader, doc: decodeFlagDocument(reader, root) };
  }
}

interface NamespaceState {
  snapshot: Snapshot;
  /** Segments defined so far in this namespace, over all documents (Flipt's `ns.segments`). */
  segments: Map<string, SegmentDef>;
  etag: string;
}

/**
 * Converts Flipt declarative flag files into the snapshots a Flipt server would serve for them,
 * one per namespace. Files are processed in the given order; several documents for one
 * namespace are merged, as Flipt does. Throws FlagFileError when Flipt would refuse the files.
 */
export function convertFlagFiles(files: readonly FlagFile[], options: ConvertOptions = {}): ConvertResult {
  const now = timestamp(options.now ?? new Date());
  const namespaces = new Map<string, NamespaceState>();
  const warnings: ConvertWarning[] = [];

  for (const file of files) {
    try {
      addFile(file, namespaces, now, warnings);
    } catch (err) {
      // Whatever goes wrong (a stack overflow on absurd nesting, say) names the file.
      if (err instanceof FlagFileError) throw err;
      throw new FlagFileError(file.name, `cannot be converted: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  return { snapshots: new Map([...namespaces].map(([key, ns]) => [key, ns.snapshot])), warnings };
}

/** Adds one file's documents to their namespaces. */
function addFile(file: FlagFile, namespaces: Map<string, NamespaceState>, now: string, warnings: ConvertWarning[]): void {
  const fileEtag = sha1(file.contents);
  let docIndex = 0;
  for (const { reader, doc } of flagDocuments(file)) {
    let ns = namespaces.get(doc.namespace);
    if (!ns) {
      ns = { snapshot: { namespace: { key: doc.namespace }, flags: [], digest: '' }, segments: new Map(), etag: '' };
      namespaces.set(doc.namespace, ns);
    }
    addDocument(ns, doc, { reader, file: file.name, now, idSeed: `${fileEtag}/${docIndex}`, warnings });
    // Flipt's digest: the file's SHA-1; each further document for the namespace chains into
    // it and cuts it to 32 characters.
    ns.etag = ns.etag === '' ? fileEtag : sha1(ns.etag + fileEtag).slice(0, 32);
    ns.snapshot.digest = ns.etag;
    docIndex++;
  }
}

interface DocContext {
  reader: YamlReader;
  file: string;
  now: string;
  idSeed: string;
  warnings: ConvertWarning[];
}

function addDocument(ns: NamespaceState, doc: FlagDocument, ctx: DocContext): void {
  const { reader } = ctx;
  // Segments of this document as they appear in the snapshot. Flipt resolves references against
  // every segment of the namespace so far, but inlines only this document's segments.
  const docSegments = new Map<string, SnapshotSegment>();
  for (const s of doc.segments) {
    ns.segments.set(s.key, s);
    docSegments.set(s.key, {
      key: s.key,
      name: '',
      description: '',
      matchType: MATCH_TYPE[s.matchType] ?? 'ALL_SEGMENT_MATCH_TYPE',
      constraints: s.constraints.map((c) => ({
        type: COMPARISON_TYPE[c.type] ?? 'UNKNOWN_CONSTRAINT_COMPARISON_TYPE',
        property: c.property,
        operator: c.operator,
        value: c.value,
      })),
    });
  }

  const inlineSegments = (ref: SegmentRef, where: string): SnapshotSegment[] => {
    const out: SnapshotSegment[] = [];
    for (const key of ref.keys) {
      const def = ns.segments.get(key) ?? reader.fail(ref.node, `${where} references unknown segment ${JSON.stringify(key)}`);
      if (!def.constraints.every(preparesForEvaluation)) {
        ctx.warnings.push({ file: ctx.file, namespace: doc.namespace, message: `${where}: segment ${JSON.stringify(key)} has a constraint Flipt cannot prepare; Flipt leaves the segment out` });
        continue;
      }
      const inline = docSegments.get(key);
      if (!inline) {
        ctx.warnings.push({ file: ctx.file, namespace: doc.namespace, message: `${where}: segment ${JSON.stringify(key)} is defined in another document; Flipt leaves it out of the snapshot` });
        continue;
      }
      out.push(inline);
    }
    return out;
  };

  for (const f of doc.flags) {
    const flag: SnapshotFlag = {
      key: f.key,
      name: '',
      description: '',
      enabled: f.enabled,
      type: f.type === 'BOOLEAN_FLAG_TYPE' ? 'BOOLEAN_FLAG_TYPE' : 'VARIANT_FLAG_TYPE',
      createdAt: ctx.now,
      updatedAt: ctx.now,
      rules: [],
      rollouts: [],
    };
    const attachments = f.variants.map((v) => {
      try {
        return goJson(v.attachment);
      } catch (err) {
        if (err instanceof GoEncodeError) return reader.fail(v.node, `flag ${doc.namespace}/${f.key} variant ${JSON.stringify(v.key)} attachment: ${err.message}`);
        throw err;
      }
    });
    f.variants.forEach((v, i) => {
      if (v.isDefault) flag.defaultVariant = { id: posix.join(f.key, v.key), key: v.key, attachment: attachments[i]! };
    });

    f.rules.forEach((r, i) => {
      const rank = i + 1;
      const where = `flag ${doc.namespace}/${f.key} rule ${rank}`;
      const id = stableId(ctx.idSeed, f.key, rank);
      const rule: SnapshotRule = {
        id,
        segments: inlineSegments(r.segment, where),
        rank,
        segmentOperator: segmentOperator(r.segment.operator),
        distributions: r.distributions.map((d) => {
          const index = f.variants.findIndex((v) => v.key === d.variant);
          if (index < 0) reader.fail(d.node, `${where} references unknown variant ${JSON.stringify(d.variant)}`);
          return { ruleId: id, variantKey: d.variant, variantAttachment: attachments[index]!, rollout: d.rollout };
        }),
      };
      flag.rules!.push(rule);
    });

    f.rollouts.forEach((r, i) => {
      const rank = i + 1;
      let rollout: SnapshotRollout;
      if (r.threshold) {
        rollout = { type: 'THRESHOLD_ROLLOUT_TYPE', rank, threshold: { percentage: r.threshold.percentage, value: r.threshold.value } };
      } else if (r.segment) {
        rollout = {
          type: 'SEGMENT_ROLLOUT_TYPE',
          rank,
          segment: {
            value: r.segment.value,
            segmentOperator: segmentOperator(r.segment.operator),
            segments: inlineSegments(r.segment, `flag ${doc.namespace}/${f.key} rollout ${rank}`),
          },
        };
      } else {
        rollout = { type: 'UNKNOWN_ROLLOUT_TYPE', rank };
      }
      flag.rollouts!.push(rollout);
    });

    ns.snapshot.flags.push(flag);
  }
}
