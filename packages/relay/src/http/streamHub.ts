import type { ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';
import { sseComment } from '../shared/sseFrame.js';
import type { SnapshotEntry } from '../snapshots/snapshotEntry.js';

/** How a stream client wants changes: Flipt's SSE notifications, SSE with the snapshot, or NDJSON. */
export type StreamFormat = 'sse' | 'sse-inline' | 'ndjson';

interface Stream {
  res: ServerResponse;
  format: StreamFormat;
  /** Digest last sent (or the client's `?digest=`): nothing is sent while it is current. */
  digest: string;
  /** Largest event the client accepts (`?maxEventBytes=`); a larger inline event goes as a notification. */
  maxEventBytes: number;
}

export interface StreamHubOptions {
  heartbeatMs: number;
  /** A stream whose unsent bytes exceed this is closed: a slow reader must not hold memory. */
  maxBufferedBytes: number;
  metrics: Metrics;
  onDrop: (format: StreamFormat, buffered: number) => void;
}

const HEARTBEAT = sseComment('heartbeat');

function payload(entry: SnapshotEntry, { format, maxEventBytes }: Stream): Buffer {
  if (format === 'sse-inline') return entry.sseInline.length <= maxEventBytes ? entry.sseInline : entry.sseNotify;
  return format === 'sse' ? entry.sseNotify : entry.ndjson;
}

/** The hub key of an environment's namespace. */
export const streamKey = (environment: string, namespace: string) => `${environment}\u0000${namespace}`;

/** The open streams, by environment and namespace; writes each change to all of them. */
export class StreamHub {
  private readonly streams = new Map<string, Set<Stream>>();
  private readonly timer: NodeJS.Timeout;
  private count = 0;

  constructor(private readonly options: StreamHubOptions) {
    this.timer = setInterval(() => this.heartbeat(), options.heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.count;
  }

  countByFormat(): Record<StreamFormat, number> {
    const out: Record<StreamFormat, number> = { sse: 0, 'sse-inline': 0, ndjson: 0 };
    for (const set of this.streams.values()) for (const s of set) out[s.format]++;
    return out;
  }

  /** Registers a stream (its headers already sent) and sends the current entry unless current. */
  add(key: string, res: ServerResponse, format: StreamFormat, clientDigest: string, current: SnapshotEntry | undefined, maxEventBytes = Infinity): void {
    const stream: Stream = { res, format, digest: clientDigest, maxEventBytes };
    let set = this.streams.get(key);
    if (!set) this.streams.set(key, (set = new Set()));
    set.add(stream);
    this.count++;
    const remove = () => {
      if (set.delete(stream)) this.count--;
      if (set.size === 0 && this.streams.get(key) === set) this.streams.delete(key);
    };
    res.once('close', remove);
    if (current) this.send(stream, current);
  }

  /** Writes a new entry to every stream of `key` (one shared buffer per format). */
  broadcast(key: string, entry: SnapshotEntry): void {
    const set = this.streams.get(key);
    if (!set || set.size === 0) return;
    const start = performance.now();
    for (const stream of set) this.send(stream, entry);
    this.options.metrics.recordBroadcast((performance.now() - start) / 1000);
  }

  private send(stream: Stream, entry: SnapshotEntry): void {
    if (entry.etag === stream.digest) return;
    stream.digest = entry.etag;
    this.write(stream, payload(entry, stream));
  }

  private write(stream: Stream, chunk: Buffer): void {
    const { res } = stream;
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > this.options.maxBufferedBytes) {
      this.options.metrics.countStreamDropped();
      this.options.onDrop(stream.format, res.writableLength);
      res.destroy();
      return;
    }
    res.write(chunk);
  }

  private heartbeat(): void {
    for (const set of this.streams.values()) {
      for (const stream of set) if (stream.format !== 'ndjson') this.write(stream, HEARTBEAT);
    }
  }

  /** Ends every stream (SSE clients get a final comment) and stops the heartbeat. */
  closeAll(): void {
    clearInterval(this.timer);
    for (const set of this.streams.values()) {
      for (const { res } of set) if (!res.writableEnded) res.end();
    }
  }
}
