import { watch, type FSWatcher } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { flagFilesFingerprint, listFlagTree, mayHoldFlags } from './flagFileList.js';

/** The backstop poll waits at least this many times as long as a look at the files takes. */
const POLL_COST_FACTOR = 50;

export interface FlagFileWatcherOptions {
  /** The flag file or directory (absolute). */
  path: string;
  /** How often the files' identities are checked even without events (a backstop). */
  pollMs: number;
  /** The flag files changed: their fingerprint (see flagFilesFingerprint) moved to this. */
  onChange: (fingerprint: string) => void;
  onError: (message: string, error: unknown) => void;
}

/** One directory watched, and which names in it matter. */
interface Watch {
  dir: string;
  /** A directory of the flag tree: any name that may hold flags (see mayHoldFlags) matters. */
  tree: boolean;
  /** Otherwise: the names that lead to a flag file. */
  names: Set<string>;
}

/**
 * Tells when the flag files at a path change, however a deployment changes them: edited in
 * place or replaced by a rename, through symbolic links (their targets' directories are
 * watched too), in a Kubernetes ConfigMap volume (`features.yml -> ..data/features.yml`, where
 * `..data` is swapped), or with the whole directory replaced. Events only prompt a look at the
 * files' identities (device, inode, size, times); a change is reported when those moved, so
 * a busy neighbour (a log written every few ms beside the flags) triggers nothing. A flag
 * directory is watched with one plain watch per directory below it (Node 20's recursive watch
 * costs the event loop time in proportion to the files for each event: minutes for 10,000). Watches are
 * re-created when a watched directory is replaced, and the identities are polled as a backstop
 * for what events miss (network filesystems, a replaced ancestor).
 */
export class FlagFileWatcher {
  private readonly watchers = new Map<string, { watcher: FSWatcher; inode: bigint; names: Set<string> }>();
  private fingerprint = '';
  private scanning = false;
  private again = false;
  private poll: NodeJS.Timeout | undefined;
  private closed = false;
  private warnedWatch = false;
  /** How long the last look at the files took (ms). */
  private lastScanMs = 0;

  constructor(private readonly options: FlagFileWatcherOptions) {}

  /** Takes the current fingerprint (later changes are reported) and starts watching. */
  async start(): Promise<void> {
    this.fingerprint = await flagFilesFingerprint(this.options.path);
    await this.updateWatches();
    this.schedulePoll();
  }

  /**
   * The next backstop look: after `pollMs`, or longer when a look is costly (a large tree), so
   * that polling takes at most about 1/POLL_COST_FACTOR of the event loop while nothing changes.
   */
  private schedulePoll(): void {
    if (this.closed) return;
    this.poll = setTimeout(() => this.scan(true), Math.max(this.options.pollMs, POLL_COST_FACTOR * this.lastScanMs));
    this.poll.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.poll);
    for (const { watcher } of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  /** Looks at the files again (one look at a time; events during a look cause one more). */
  private scan(fromPoll = false): void {
    if (this.closed) return;
    if (this.scanning) {
      this.again = true;
      if (fromPoll) this.schedulePoll();
      return;
    }
    this.scanning = true;
    void (async () => {
      const started = performance.now();
      try {
        const next = await flagFilesFingerprint(this.options.path);
        this.lastScanMs = performance.now() - started;
        if (next === this.fingerprint || this.closed) return;
        this.fingerprint = next;
        await this.updateWatches();
        if (!this.closed) this.options.onChange(next);
      } catch (err) {
        this.options.onError('checking the flag files failed', err);
      } finally {
        this.scanning = false;
        if (fromPoll) this.schedulePoll();
        if (this.again) {
          this.again = false;
          this.scan();
        }
      }
    })();
  }

  /** The directories to watch now: the path's parent and grandparent, the path, link targets. */
  private async wantedWatches(): Promise<Map<string, Watch>> {
    const { path } = this.options;
    const wanted = new Map<string, Watch>();
    const want = (dir: string, name: string | undefined, tree = false) => {
      const key = `${tree ? 't' : 'n'}:${dir}`;
      const w = wanted.get(key) ?? { dir, tree, names: new Set<string>() };
      if (name !== undefined) w.names.add(name);
      wanted.set(key, w);
    };
    const parent = dirname(path);
    want(parent, basename(path));
    if (dirname(parent) !== parent) want(dirname(parent), basename(parent));
    const { files, directories } = await listFlagTree(path).catch(() => ({ files: [], directories: [] }));
    for (const dir of directories) want(dir, undefined, true);
    for (const file of files) {
      const real = await realpath(file).catch(() => file);
      if (real !== file) want(dirname(real), basename(real));
    }
    return wanted;
  }

  private async updateWatches(): Promise<void> {
    const wanted = await this.wantedWatches();
    for (const [key, current] of this.watchers) {
      if (!wanted.has(key)) {
        current.watcher.close();
        this.watchers.delete(key);
      }
    }
    for (const [key, w] of wanted) {
      if (this.closed) return;
      const inode = await stat(w.dir, { bigint: true }).then((s) => s.ino, () => undefined);
      const current = this.watchers.get(key);
      if (current && current.inode === inode) {
        current.names = w.names;
        continue;
      }
      current?.watcher.close(); // the directory was replaced: watch the new one
      this.watchers.delete(key);
      if (inode === undefined) continue; // gone for now; the poll sees it come back
      try {
        const watcher = watch(w.dir, { persistent: false }, (_event, name) => {
          const n = name === null ? null : String(name);
          const names = this.watchers.get(key)?.names ?? w.names;
          if (n === null || (w.tree ? mayHoldFlags(n) : names.has(n) || n.startsWith('..'))) this.scan();
        });
        watcher.on('error', () => {
          watcher.close();
          if (this.watchers.get(key)?.watcher === watcher) this.watchers.delete(key);
          this.scan();
        });
        this.watchers.set(key, { watcher, inode, names: w.names });
      } catch (err) {
        if (!this.warnedWatch) this.options.onError(`cannot watch ${w.dir}; changes there are seen by polling every ${this.options.pollMs} ms`, err);
        this.warnedWatch = true;
      }
    }
  }
}
