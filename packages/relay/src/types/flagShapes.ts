import type { Snapshot } from '@flagcast/core';
import type { FlagDocument } from '../convert/flagDocument.js';

/** What the compiler is told about one flag. */
export interface FlagShape {
  key: string;
  type: 'boolean' | 'variant';
  /** Variant key to its attachment as a value (null without one), in declaration order. */
  variants: Map<string, unknown>;
}

/**
 * The flags of `namespace` in decoded flag documents, with every variant they declare (served
 * or not yet). A repeated key replaces the earlier flag, as in Flipt.
 */
export function shapesFromDocuments(documents: Iterable<FlagDocument>, namespace: string): FlagShape[] {
  const flags = new Map<string, FlagShape>();
  for (const doc of documents) {
    if (doc.namespace !== namespace) continue;
    for (const flag of doc.flags) {
      flags.set(flag.key, {
        key: flag.key,
        type: flag.type === 'BOOLEAN_FLAG_TYPE' ? 'boolean' : 'variant',
        variants: new Map(flag.variants.map((v) => [v.key, v.attachment ?? null])),
      });
    }
  }
  return [...flags.values()];
}

/**
 * The flags of a snapshot as a server serves it. A snapshot names only the variants it can
 * serve (a rule's distributions and the default variant): a variant no rule uses is missing.
 */
export function shapesFromSnapshot(snapshot: Snapshot): FlagShape[] {
  const flags = new Map<string, FlagShape>();
  for (const flag of snapshot.flags) {
    const variants = new Map<string, unknown>();
    const add = (key: string, attachment: string | null | undefined) => variants.has(key) || variants.set(key, parseAttachment(attachment));
    if (flag.defaultVariant) add(flag.defaultVariant.key, flag.defaultVariant.attachment);
    for (const rule of flag.rules ?? []) for (const d of rule.distributions) add(d.variantKey, d.variantAttachment);
    flags.set(flag.key, { key: flag.key, type: flag.type === 'BOOLEAN_FLAG_TYPE' ? 'boolean' : 'variant', variants });
  }
  return [...flags.values()];
}

function parseAttachment(json: string | null | undefined): unknown {
  if (!json) return null;
  try {
    return JSON.parse(json);
  } catch {
    return undefined; // not JSON: the client gives no attachment either
  }
}
