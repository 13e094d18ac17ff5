import { isAlias, isMap, isSeq, visit, type Alias, type Document, type Node } from 'yaml';

/*
 * yaml.v3 (Flipt's decoder) refuses a document when, after the first 1,000 decoded nodes and
 * 100 alias-expanded ones, more than a given share of the nodes it decoded came from alias
 * expansion: 99% up to 400,000 nodes, falling linearly to 10% at 4,000,000. That stops the
 * "billion laughs" (a few hundred bytes expanding to billions of nodes) while leaving ordinary
 * anchors alone. The `yaml` library's own guard (`maxAliasCount`, default 100) only acts in
 * `toJS()`, which the converter does not use, and would refuse files Flipt accepts.
 */
const RATIO_RANGE_LOW = 400_000;
const RATIO_RANGE_HIGH = 4_000_000;

function allowedAliasRatio(decoded: number): number {
  if (decoded <= RATIO_RANGE_LOW) return 0.99;
  if (decoded >= RATIO_RANGE_HIGH) return 0.1;
  return 0.99 - 0.89 * ((decoded - RATIO_RANGE_LOW) / (RATIO_RANGE_HIGH - RATIO_RANGE_LOW));
}

/** Why a document's aliases cannot be expanded; `node` is where (an alias). */
export class AliasExpansionError extends Error {
  constructor(
    message: string,
    readonly node: Node,
  ) {
    super(message);
  }
}

/**
 * The aliases of one parsed document, each resolved once to its anchor (the last node with
 * that anchor before the alias, as YAML and yaml.v3 define it). `Alias.resolve(doc)` of the
 * `yaml` library walks the whole document on every call.
 */
export class YamlAliases {
  private readonly targets = new Map<Alias, Node>();

  constructor(doc: Document.Parsed) {
    const anchors = new Map<string, Node>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchors.get(node.source);
          if (target) this.targets.set(node, target);
        } else if (node.anchor) {
          anchors.set(node.anchor, node);
        }
      },
    });
  }

  /** The node an alias refers to; undefined for an unknown anchor. */
  target(alias: Alias): Node | undefined {
    return this.targets.get(alias);
  }

  /**
   * Counts the nodes a decoder visits with every alias expanded, as yaml.v3 counts them, and
   * throws AliasExpansionError where yaml.v3 would stop: excessive aliasing, or an anchor whose
   * value contains an alias to itself. Stops as soon as the limit is crossed, so a bomb costs
   * about as much as the document's own size.
   */
  checkExpansion(root: Node | null): void {
    if (this.targets.size === 0 || root === null) return;
    let decoded = 1; // the document node
    let expanded = 0;
    let aliasDepth = 0;
    let outermost: Alias | undefined;
    const open = new Set<Alias>();
    const walk = (node: unknown): void => {
      decoded++;
      if (aliasDepth > 0) expanded++;
      if (expanded > 100 && decoded > 1000 && expanded / decoded > allowedAliasRatio(decoded)) {
        throw new AliasExpansionError(`document contains excessive aliasing: ${expanded} of the first ${decoded} values come from aliases (Flipt refuses such files)`, outermost!);
      }
      if (isAlias(node)) {
        const target = this.targets.get(node);
        if (!target) return;
        if (open.has(node)) throw new AliasExpansionError(`anchor ${JSON.stringify(node.source)} value contains itself`, node);
        open.add(node);
        if (aliasDepth++ === 0) outermost = node;
        walk(target);
        aliasDepth--;
        open.delete(node);
      } else if (isMap(node)) {
        for (const pair of node.items) {
          walk(pair.key);
          walk(pair.value);
        }
      } else if (isSeq(node)) {
        for (const item of node.items) walk(item);
      }
    };
    walk(root);
  }
}
