import { Worker } from 'node:worker_threads';
import type { Snapshot, SnapshotFlag } from '@flagcast/core';
import { convertFlagFiles, FlagFileError, type ConvertWarning, type FlagFile } from '../convert/index.js';
import type { EncodedBodies } from '../shared/compression.js';

/** What the conversion worker sends for one namespace (its flags follow in slices). */
export interface ConvertedNamespace {
  key: string;
  head: Snapshot;
  flagCount: number;
  body: Uint8Array;
  gzip: Uint8Array;
  brotli: Uint8Array;
}

export type ToWorker =
  | { type: 'convert'; id: number; files: FlagFile[]; now: number }
  | { type: 'flags'; id: number; namespace: string; from: number; count: number }
  | { type: 'release'; id: number };

export type FromWorker =
  | { type: 'ready'; id: 0 }
  | { type: 'converted'; id: number; namespaces: ConvertedNamespace[]; warnings: ConvertWarning[]; heapBytes: number }
  | { type: 'failed'; id: number; error: { file?: string; reason: string; line?: number; column?: number } }
  | { type: 'flags'; id: number; flags: SnapshotFlag[] };

/** Flag files converted, with each namespace's body serialized and compressed. */
export interface ConvertedFiles {
  snapshots: Map<string, Snapshot>;
  bodies: Map<string, Buffer>;
  encoded: Map<string, EncodedBodies>;
  warnings: ConvertWarning[];
}

export interface WorkerConverterOptions {
  /** Longest a conversion may take before the worker is stopped (default 60 000 ms). */
  timeoutMs?: number;
  /** Heap limit of the worker, in MB (default 2048): a file that needs more fails to load. */
  maxHeapMb?: number;
  /** Called once if the worker cannot start here, and conversions run on this thread instead. */
  onInline?: (reason: string) => void;
}

/** The worker's module cannot be loaded here (a bundle without it, a test runner's transform). */
class WorkerUnavailableError extends Error {}

/** Flags per message: small enough that taking one in stays far below a millisecond or so. */
const FLAGS_PER_SLICE = 250;
/** A worker whose heap grew past this (a large file) is ended after its conversion, so the memory is returned. */
const KEEP_WORKER_HEAP_BYTES = 256 * 1024 * 1024;
const WORKER_URL = new URL('./convertWorker.js', import.meta.url);

/**
 * Converts flag files on a worker thread (`convertWorker.js`), so that a large file or a
 * hostile one never stalls the relay's streams and health checks. A conversion that runs out
 * of time or memory stops the worker and fails like a bad file; the next one starts a new
 * worker. One conversion at a time.
 */
export class WorkerConverter {
  private worker: Worker | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: { id: number; resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;
  private closed = false;
  /** The worker's module loaded (it said so): failures after that are not about starting it. */
  private ready = false;
  private inline = false;

  constructor(private readonly options: WorkerConverterOptions = {}) {}

  /** Converts `files` (as `convertFlagFiles` does); rejects with a FlagFileError for bad files. */
  convert(files: FlagFile[], now = new Date()): Promise<ConvertedFiles> {
    const run = this.queue.then(() => this.run(files, now));
    this.queue = run.catch(() => {});
    return run;
  }

  private async run(files: FlagFile[], now: Date): Promise<ConvertedFiles> {
    if (this.closed) throw new Error('the conversion worker is closed');
    if (!this.inline) {
      try {
        return await this.runOnWorker(files, now);
      } catch (err) {
        if (!(err instanceof WorkerUnavailableError)) throw err;
        this.inline = true;
        this.options.onInline?.(err.message);
      }
    }
    // Without a worker the event loop is busy while a file converts; bodies are made on first use.
    const { snapshots, warnings } = convertFlagFiles(files, { now });
    return { snapshots, bodies: new Map(), encoded: new Map(), warnings };
  }

  private async runOnWorker(files: FlagFile[], now: Date): Promise<ConvertedFiles> {
    const worker = this.start();
    worker.ref();
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => this.stop(new Error(`conversion took longer than ${timeoutMs} ms and was stopped`)), timeoutMs);
    try {
      const id = this.nextId++;
      const reply = await this.request({ type: 'convert', id, files, now: now.getTime() });
      if (reply.type === 'failed') {
        const { file, reason, line, column } = reply.error;
        throw file === undefined ? new Error(reason) : new FlagFileError(file, reason, line === undefined ? undefined : { line, column: column ?? 0 });
      }
      if (reply.type !== 'converted') throw new Error(`unexpected reply from the conversion worker: ${reply.type}`);
      const result: ConvertedFiles = { snapshots: new Map(), bodies: new Map(), encoded: new Map(), warnings: reply.warnings };
      for (const ns of reply.namespaces) {
        const snapshot = ns.head;
        while (snapshot.flags.length < ns.flagCount) {
          // Let requests and streams run between slices.
          await new Promise<void>((resolve) => setImmediate(resolve));
          const slice = await this.request({ type: 'flags', id, namespace: ns.key, from: snapshot.flags.length, count: FLAGS_PER_SLICE });
          if (slice.type !== 'flags' || slice.flags.length === 0) throw new Error('the conversion worker lost the converted flags');
          for (const flag of slice.flags) snapshot.flags.push(flag);
        }
        result.snapshots.set(ns.key, snapshot);
        result.bodies.set(ns.key, toBuffer(ns.body));
        result.encoded.set(ns.key, { gzip: toBuffer(ns.gzip), brotli: toBuffer(ns.brotli) });
      }
      if (reply.heapBytes > KEEP_WORKER_HEAP_BYTES) this.stop(new Error('the conversion worker was ended to return its memory'));
      else this.worker?.postMessage({ type: 'release', id } satisfies ToWorker);
      return result;
    } finally {
      clearTimeout(timer);
      this.worker?.unref();
    }
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    let worker: Worker;
    this.ready = false;
    try {
      worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 2048 } });
    } catch (err) {
      throw new WorkerUnavailableError(`the conversion worker cannot start: ${(err as Error).message}`);
    }
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        this.ready = true;
        return;
      }
      const waiting = this.waiting;
      if (waiting?.id !== message.id) return;
      this.waiting = undefined;
      waiting.resolve(message);
    });
    worker.on('error', (err: NodeJS.ErrnoException) => {
      const limit = this.options.maxHeapMb ?? 2048;
      if (!this.ready) return this.stop(new WorkerUnavailableError(`the conversion worker cannot start: ${err.message}`));
      this.stop(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`conversion ran out of memory (worker heap limit ${limit} MB)`) : new Error(`the conversion worker failed: ${err.message}`));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.stop(new Error(`the conversion worker exited (code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private request(message: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      if (!this.worker) return reject(new Error('the conversion worker is not running'));
      this.waiting = { id: message.id, resolve, reject };
      this.worker.postMessage(message);
    });
  }

  /** Ends the worker (a new one starts on the next conversion) and fails what is waiting. */
  private stop(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(reason);
    void worker?.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.stop(new Error('the conversion worker was closed'));
    await worker?.terminate();
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
