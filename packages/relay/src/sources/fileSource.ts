import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { convertFlagFiles, FlagFileError } from '../convert/index.js';
import type { Logger } from '../server/logger.js';
import { readFlagPath } from './readFlagPath.js';
import type { Source, SourceState, SourceUpdate } from './source.js';

export interface FileSourceOptions {
  /** A flag file, or a directory of them. */
  path: string;
  /** The environment the files are served as (Flipt's default: "default"). */
  environment?: string;
  /** Watch for changes and reload (default true). */
  watch?: boolean;
  /** Quiet time after the last change before reloading, in ms (default 75). */
  debounceMs?: number;
  logger: Logger;
}

/**
 * Serves Flipt declarative flag files. Watches the file's directory (editors replace files by
 * renaming, which a watch on the file itself would miss), reloads after changes settle, and
 * keeps the last good snapshots when a load fails.
 */
export class FileSource implements Source {
  readonly kind = 'file';
  readonly name: string;
  private readonly path: string;
  private readonly environment: string;
  private readonly options: FileSourceOptions;
  private onUpdate: ((update: SourceUpdate) => void) | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<boolean> | undefined;
  private again = false;
  private closed = false;
  private readonly status: SourceState;

  constructor(options: FileSourceOptions) {
    this.options = options;
    this.path = resolve(options.path);
    this.environment = options.environment ?? 'default';
    this.name = `file:${options.path}`;
    this.status = { name: this.name, kind: this.kind, ok: false, namespaces: 0, loads: 0, loadErrors: 0, lastLoadAt: null, lastError: null };
  }

  async start(onUpdate: (update: SourceUpdate) => void): Promise<void> {
    this.onUpdate = onUpdate;
    const isDirectory = (await stat(this.path)).isDirectory();
    if (!(await this.reload())) throw new Error(`cannot load ${this.options.path}: ${this.status.lastError?.message}`);
    if (this.options.watch === false) return;
    const target = isDirectory ? this.path : dirname(this.path);
    const file = basename(this.path);
    this.watcher = watch(target, { recursive: isDirectory, persistent: false }, (_event, name) => {
      if (!isDirectory && name !== null && name !== file) return;
      this.schedule();
    });
    this.watcher.on('error', (err) => this.options.logger.error('watch failed', { source: this.name, error: String(err) }));
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), this.options.debounceMs ?? 75);
  }

  /** Reloads now. Concurrent calls share a load; a call during a load triggers one more. */
  reload(): Promise<boolean> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.load().finally(() => {
      this.loading = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        void this.reload();
      }
    });
    return this.loading;
  }

  private async load(): Promise<boolean> {
    const s = this.status;
    s.loads++;
    try {
      const { snapshots, warnings } = convertFlagFiles(await readFlagPath(this.path));
      for (const w of warnings) this.options.logger.warn('flag file accepted with a caveat', { source: this.name, ...w });
      s.ok = true;
      s.namespaces = snapshots.size;
      s.lastLoadAt = new Date().toISOString();
      this.options.logger.info('flag files loaded', { source: this.name, namespaces: [...snapshots.values()].map((x) => ({ key: x.namespace.key, digest: x.digest })) });
      if (!this.closed) this.onUpdate?.({ environment: this.environment, snapshots });
      return true;
    } catch (err) {
      s.ok = false;
      s.loadErrors++;
      const at = new Date().toISOString();
      s.lastError = err instanceof FlagFileError ? { at, ...err.toJSON() } : { at, message: err instanceof Error ? err.message : String(err) };
      this.options.logger.error('flag files rejected; still serving the last good snapshots', { source: this.name, error: s.lastError });
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    await this.loading?.catch(() => {});
  }

  state(): SourceState {
    return { ...this.status };
  }
}
