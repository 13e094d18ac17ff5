import { resolve } from 'node:path';
import { FlagFileError } from '../convert/index.js';
import type { Logger } from '../shared/logger.js';
import { Debounce } from './debounce.js';
import { flagFilesFingerprint } from './flagFileList.js';
import { FlagFileWatcher } from './flagFileWatcher.js';
import { DEFAULT_MAX_FILE_BYTES, FilesChangingError, readFlagPath } from './readFlagPath.js';
import type { Source, SourceState, SourceUpdate } from './source.js';
import { WorkerConverter, type ConvertedFiles } from './workerConverter.js';

export interface FileSourceOptions {
  /** A flag file, or a directory of them. */
  path: string;
  /** The environment the files are served as (Flipt's default: "default"). */
  environment?: string;
  /** Watch for changes and reload (default true). */
  watch?: boolean;
  /** Quiet time after the last change before reloading, in ms (default 75). */
  debounceMs?: number;
  /** Longest a reload waits for changes to stop, in ms (default 1 000). */
  debounceMaxWaitMs?: number;
  /**
   * A file modified less than this long ago is read again this much later and must read the
   * same before it is loaded, so a file being written is never served half-way (default 50 ms).
   */
  settleMs?: number;
  /** How often file identities are checked even without watch events, in ms (default 2 000). */
  pollMs?: number;
  /** Files larger than this are refused like a bad edit (default 8 MiB). */
  maxFileBytes?: number;
  /** Longest a conversion may take before it is stopped and fails (default 120 000 ms). */
  convertTimeoutMs?: number;
  logger: Logger;
}

/** Reads of a file that keeps changing before a load gives up (and retries after the next change). */
const SETTLE_ATTEMPTS = 5;
/** First wait before a load that failed for a passing reason (EMFILE, EIO, a read timeout) is retried; doubled each time. */
const RETRY_FIRST_MS = 500;
/** Longest wait between such retries. */
const RETRY_MAX_MS = 30_000;

/** A failure that may pass without the files changing: a system error (EMFILE, EIO, ETIMEDOUT…). */
function isPassing(err: unknown): err is NodeJS.ErrnoException {
  return !(err instanceof FlagFileError) && typeof (err as NodeJS.ErrnoException | undefined)?.code === 'string';
}

/**
 * Serves Flipt declarative flag files. Converts them on a worker thread, reloads when they
 * change (see FlagFileWatcher), never takes a file that is still being written, and keeps the
 * last good snapshots when a load fails or would drop every namespace.
 */
export class FileSource implements Source {
  readonly kind = 'file';
  readonly name: string;
  private readonly path: string;
  private readonly environment: string;
  private readonly options: FileSourceOptions;
  private readonly converter: WorkerConverter;
  private readonly debounce: Debounce;
  private onUpdate: ((update: SourceUpdate) => void) | undefined;
  private watcher: FlagFileWatcher | undefined;
  private loading: Promise<boolean> | undefined;
  /** The load after the current one, shared by the reloads asked for meanwhile. */
  private next: Promise<boolean> | undefined;
  /** The files' fingerprint when the last load began: a change to it needs no new load. */
  private loadedFingerprint: string | undefined;
  private closed = false;
  private started = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Passing failures in a row (the retry backoff). */
  private retries = 0;
  private readonly status: SourceState;

  constructor(options: FileSourceOptions) {
    this.options = options;
    this.path = resolve(options.path);
    this.environment = options.environment ?? 'default';
    this.name = `file:${options.path}`;
    this.status = { name: this.name, kind: this.kind, ok: false, namespaces: 0, loads: 0, loadErrors: 0, lastLoadAt: null, lastError: null };
    const maxFileMb = (options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES) / (1024 * 1024);
    // Conversion needs up to ~200 times a file's size in memory: the heap allows a file at the limit.
    this.converter = new WorkerConverter({
      timeoutMs: options.convertTimeoutMs ?? 120_000,
      maxHeapMb: Math.max(1024, Math.ceil(256 * maxFileMb)),
      onInline: (reason) => options.logger.warn('flag files are converted on the event loop, which stalls while a large file loads', { source: this.name, reason }),
    });
    this.debounce = new Debounce(() => void this.reload(), options.debounceMs ?? 75, options.debounceMaxWaitMs ?? 1000);
  }

  /** Loads once; rejects with the error (naming the file) when that fails. Then watches. */
  async start(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    this.onUpdate = onUpdate;
    if (this.options.watch !== false) {
      // Watching starts before the first read, so a change made during it is not missed.
      this.watcher = new FlagFileWatcher({
        path: this.path,
        pollMs: this.options.pollMs ?? 2000,
        onChange: (fingerprint) => {
          if (fingerprint !== this.loadedFingerprint) this.debounce.poke();
        },
        onError: (message, error) => this.options.logger.warn(message, { source: this.name, error: String(error) }),
      });
      await this.watcher.start();
    }
    try {
      if (!(await this.reload())) throw this.startError();
    } catch (err) {
      await this.close();
      throw err;
    }
    this.started = true;
  }

  /** Why the first load failed, as an error naming the file. */
  private startError(): Error {
    const e = this.status.lastError;
    if (!e) return new Error(`cannot load ${this.options.path}`);
    if (e.file === undefined) return new Error(`cannot load ${this.options.path}: ${e.message}`);
    return new FlagFileError(e.file, e.message, e.line === undefined ? undefined : { line: e.line, column: e.column ?? 0 });
  }

  /**
   * Reloads now; resolves with whether it succeeded. A call during a load gets the load that
   * starts after it (so it reflects the files as they were when called); calls meanwhile share it.
   */
  reload(): Promise<boolean> {
    if (!this.loading) return this.startLoad();
    this.next ??= this.loading.then(() => (this.closed ? false : this.startLoad()));
    return this.next;
  }

  private startLoad(): Promise<boolean> {
    this.next = undefined;
    this.debounce.cancel();
    this.loading = this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async read(): Promise<ConvertedFiles> {
    for (let attempt = 1; ; attempt++) {
      try {
        const files = await readFlagPath(this.path, { settleMs: this.options.settleMs, maxFileBytes: this.options.maxFileBytes });
        return await this.converter.convert(files);
      } catch (err) {
        if (!(err instanceof FilesChangingError) || attempt >= SETTLE_ATTEMPTS || this.closed) throw err;
      }
    }
  }

  private async load(): Promise<boolean> {
    const s = this.status;
    s.loads++;
    try {
      this.loadedFingerprint = await flagFilesFingerprint(this.path);
      const { snapshots, bodies, encoded, warnings } = await this.read();
      if (snapshots.size === 0) {
        throw new FlagFileError(this.options.path, 'holds no namespace and no flags (empty or comment-only); not loaded, as that would serve nothing');
      }
      for (const w of warnings) this.options.logger.warn('flag file accepted with a caveat', { source: this.name, ...w });
      if (this.closed) return false;
      this.cancelRetry();
      s.ok = true;
      s.namespaces = snapshots.size;
      s.lastLoadAt = new Date().toISOString();
      this.options.logger.info('flag files loaded', { source: this.name, namespaces: [...snapshots.values()].map((x) => ({ key: x.namespace.key, digest: x.digest })) });
      if (!this.closed) this.onUpdate?.({ environment: this.environment, snapshots, bodies, encoded });
      return true;
    } catch (err) {
      s.ok = false;
      s.loadErrors++;
      const at = new Date().toISOString();
      s.lastError = err instanceof FlagFileError ? { at, ...err.toJSON() } : { at, file: this.options.path, message: err instanceof Error ? err.message : String(err) };
      if (this.closed) return false;
      const passing = isPassing(err) && this.started;
      this.cancelRetry(passing);
      s.waitingFor = 'a change to the flag files';
      if (err instanceof FilesChangingError) {
        s.lastError = { at, file: err.file, message: `kept changing while read ${SETTLE_ATTEMPTS} times; loaded once it settles` };
        s.waitingFor = 'the flag files to stop changing';
        this.debounce.poke();
      } else if (passing) this.scheduleRetry((err as NodeJS.ErrnoException).code!);
      // Before the first good load there is nothing to keep serving: start() reports the error.
      if (this.started) this.options.logger.error('flag files rejected; still serving the last good snapshots', { source: this.name, error: s.lastError });
      return false;
    }
  }

  /** Tries a load that failed for a passing reason again, later each time (the files may not change). */
  private scheduleRetry(code: string): void {
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.retries++);
    this.status.retryAt = new Date(Date.now() + delay).toISOString();
    this.status.waitingFor = `a retry at ${this.status.retryAt} (${code}), or a change to the flag files`;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.reload();
    }, delay);
    this.retryTimer.unref();
  }

  /** No retry is due; the backoff starts over unless `keepBackoff` (another passing failure). */
  private cancelRetry(keepBackoff = false): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    delete this.status.retryAt;
    delete this.status.waitingFor;
    if (!keepBackoff) this.retries = 0;
  }

  /**
   * Stops at once: the conversion worker is terminated mid-conversion and a read in progress is
   * not waited for (it ends in the background and its result is dropped).
   */
  async close(): Promise<void> {
    this.closed = true;
    this.debounce.cancel();
    this.cancelRetry();
    this.watcher?.close();
    await this.converter.close();
  }

  state(): SourceState {
    return { ...this.status };
  }
}
