import type { Source, SourceState, SourceUpdate } from '../sources/source.js';
import { SnapshotEntry } from './snapshotEntry.js';

/** Called with each namespace whose entry changed (a new namespace included). */
export type ChangeListener = (environment: string, namespace: string, entry: SnapshotEntry) => void;

/**
 * The relay's snapshots: the sources' updates merged into one entry per environment and
 * namespace, and an event for each entry that changed. Sources serving the same environment
 * are merged, the first source listed winning a namespace both serve. Knows nothing of HTTP.
 */
export class SnapshotRegistry {
  // environment -> namespace -> entry
  private readonly entries = new Map<string, Map<string, SnapshotEntry>>();
  // The last update of each source, per environment.
  private readonly latest = new Map<Source, Map<string, SourceUpdate>>();
  private readonly listeners: ChangeListener[] = [];

  constructor(readonly sources: readonly Source[]) {
    if (sources.length === 0) throw new Error('createRelay needs a file, an upstream or a source');
  }

  /** Starts every source; resolves once each has made its first load (or failed it). */
  async start(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.start((update) => this.apply(s, update))));
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** The current snapshot entry of a namespace, if served. */
  entry(environment: string, namespace: string): SnapshotEntry | undefined {
    return this.entries.get(environment)?.get(namespace);
  }

  /**
   * The environment a request reads, chosen as Flipt chooses it: the v2 path's when it exists;
   * else the one the `x-flipt-environment` header names (an unknown "default" meaning the
   * default one, any other unknown name an error); else the default environment. Ours is
   * `default` when a source serves it, else the first environment served. Undefined: not found.
   */
  pickEnvironment(fromPath: string | undefined, header: string | undefined): string | undefined {
    if (fromPath !== undefined && this.entries.has(fromPath)) return fromPath;
    const fallback = this.entries.has('default') ? 'default' : this.entries.keys().next().value;
    if (header) return this.entries.has(header) ? header : header === 'default' ? fallback : undefined;
    return fallback;
  }

  states(): SourceState[] {
    return this.sources.map((s) => s.state());
  }

  /** Reloads every source now; resolves true when all loads succeeded. */
  async reload(): Promise<boolean> {
    return (await Promise.all(this.sources.map((s) => s.reload()))).every(Boolean);
  }

  async close(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.close()));
  }

  private apply(source: Source, update: SourceUpdate): void {
    let bySource = this.latest.get(source);
    if (!bySource) this.latest.set(source, (bySource = new Map()));
    bySource.set(update.environment, update);
    const previous = this.entries.get(update.environment) ?? new Map<string, SnapshotEntry>();
    const next = new Map<string, SnapshotEntry>();
    for (const s of this.sources) {
      const u = this.latest.get(s)?.get(update.environment);
      if (!u) continue;
      for (const [ns, snapshot] of u.snapshots) {
        if (next.has(ns)) continue;
        const old = previous.get(ns);
        // An unchanged digest keeps its entry: its encodings and engine stay warm, streams quiet.
        next.set(ns, old && old.etag === snapshot.digest ? old : new SnapshotEntry(snapshot, u.bodies?.get(ns), u.encoded?.get(ns)));
      }
    }
    this.entries.set(update.environment, next);
    for (const [ns, entry] of next) {
      if (previous.get(ns) !== entry) for (const listener of this.listeners) listener(update.environment, ns, entry);
    }
  }
}
