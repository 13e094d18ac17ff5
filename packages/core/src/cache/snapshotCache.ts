import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { Snapshot } from '../types';

/** What the cache keeps for one url + environment + namespace. Never a token. */
export interface CacheEntry {
  version: 1;
  digest: string;
  /** When it was saved (ms since the epoch): how old the flags are when offline. */
  savedAt: number;
  snapshot: Snapshot;
}

/** Storage for the last good snapshot. Bring your own (localStorage, a file) or use IndexedDB. */
export interface SnapshotCache {
  load(key: string): Promise<unknown>;
  save(key: string, entry: CacheEntry): Promise<void>;
  remove(key: string): Promise<void>;
}

/** IndexedDB (database `flagcast`, store `snapshots`) through idb-keyval. Opens lazily. */
export function indexedDbCache(): SnapshotCache {
  let store: UseStore | undefined;
  const use = () => (store ||= createStore('flagcast', 'snapshots'));
  return {
    load: (key) => get(key, use()),
    save: (key, entry) => set(key, entry, use()),
    remove: (key) => del(key, use()),
  };
}
