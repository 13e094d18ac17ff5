import type { Snapshot } from '../types.js';
import { parseSnapshot } from '../snapshot/parseSnapshot.js';
import { FlagClientError } from '../errors.js';
import { indexedDbCache, type CacheEntry, type SnapshotCache } from './snapshotCache.js';

/** One client's slot in the cache: read once at start, written after network snapshots. */
export interface CachedSnapshot {
  /** The stored snapshot, validated; a corrupt or outdated entry is removed. */
  load(): Promise<{ snapshot: Snapshot; digest: string; savedAt: number | undefined } | undefined>;
  /** Writes `snapshot` unless the cache holds `digest` already (read or written by this client). */
  save(snapshot: Snapshot, digest: string): void;
  /** False once the cache failed (the client works in memory). */
  readonly available: boolean;
}

/**
 * The cache a client uses, or undefined for none: `indexeddb` (default where it exists),
 * `none`, or the app's own. A failure (private mode, quota, a blocked database) is reported once
 * through `onUnavailable` and the client carries on in memory.
 */
export function openCachedSnapshot(
  option: 'indexeddb' | 'none' | SnapshotCache | undefined,
  key: string,
  onUnavailable: (error: FlagClientError) => void,
): CachedSnapshot | undefined {
  if (option === 'none') return undefined;
  const noIndexedDb = typeof indexedDB === 'undefined';
  if (typeof option !== 'object' && noIndexedDb) {
    if (option === 'indexeddb') onUnavailable(new FlagClientError('CACHE_UNAVAILABLE', 'IndexedDB is not available here: flags are kept in memory only'));
    return undefined;
  }
  let cache: SnapshotCache | undefined = typeof option === 'object' ? option : indexedDbCache();
  /** The digest the cache holds, as far as this client knows. */
  let holds: string | undefined;
  /** A cache call; a method that throws synchronously counts as a failed promise. */
  const call = <T>(run: (cache: SnapshotCache) => Promise<T>) => new Promise<T>((resolve) => resolve(run(cache!)));
  const failed = (error: unknown) => {
    if (!cache) return;
    cache = undefined;
    onUnavailable(new FlagClientError('CACHE_UNAVAILABLE', `snapshot cache unavailable, flags are kept in memory only: ${(error as Error)?.message ?? error}`));
  };
  return {
    get available() {
      return !!cache;
    },
    async load() {
      if (!cache) return undefined;
      let stored: CacheEntry | undefined;
      try {
        stored = (await call((c) => c.load(key))) as CacheEntry | undefined;
      } catch (error) {
        failed(error);
        return undefined;
      }
      if (!stored) return undefined;
      try {
        if (stored.version !== 1 || typeof stored.digest !== 'string') throw new Error('unknown cache entry format');
        const snapshot = parseSnapshot(stored.snapshot);
        holds ??= stored.digest; // unless a write of this client's is on its way
        return { snapshot, digest: stored.digest, savedAt: typeof stored.savedAt === 'number' ? stored.savedAt : undefined };
      } catch {
        if (cache) call((c) => c.remove(key)).catch(failed); // corrupt or outdated: drop it
        return undefined;
      }
    },
    save(snapshot, digest) {
      if (!cache || holds === digest) return;
      holds = digest;
      const entry: CacheEntry = { version: 1, digest, savedAt: Date.now(), snapshot };
      call((c) => c.save(key, entry)).catch(failed);
    },
  };
}
