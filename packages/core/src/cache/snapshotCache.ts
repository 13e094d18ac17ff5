import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import type { Snapshot } from '../types.js';

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

/**
 * IndexedDB (database `flagcast`, store `snapshots`) through idb-keyval's store helper. Opens
 * lazily. Writes resolve once their transaction commits. (idb-keyval's `get`/`set`/`del` would
 * also bundle its default database, which we never open.)
 */
export function indexedDbCache(): SnapshotCache {
  let store: UseStore | undefined;
  const use: UseStore = (mode, callback) => (store ||= createStore('flagcast', 'snapshots'))(mode, callback);
  return {
    load: (key) => use('readonly', (s) => promisifyRequest(s.get(key))),
    save: (key, entry) => use('readwrite', (s) => (s.put(entry, key), promisifyRequest(s.transaction))),
    remove: (key) => use('readwrite', (s) => (s.delete(key), promisifyRequest(s.transaction))),
  };
}
