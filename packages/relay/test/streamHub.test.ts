// Broadcasting without a network: one shared buffer per change, slow readers dropped without
// holding up the others.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../src/http/metrics.js';
import { SnapshotEntry } from '../src/snapshots/snapshotEntry.js';
import { StreamHub } from '../src/http/streamHub.js';

/** A response that records writes and lets the test decide how much is still unsent. */
class FakeResponse extends EventEmitter {
  chunks: Buffer[] = [];
  writableLength = 0;
  writableEnded = false;
  destroyed = false;
  /** When true, nothing written is ever flushed (a client that stopped reading). */
  constructor(private readonly stuck = false) {
    super();
  }
  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    if (this.stuck) this.writableLength += chunk.length;
    return !this.stuck;
  }
  end(): void {
    this.writableEnded = true;
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

const entry = (digest: string, size = 10) =>
  new SnapshotEntry({ namespace: { key: 'default' }, flags: [{ key: 'x'.repeat(size), name: '', enabled: true }], digest });

let hub: StreamHub | undefined;
afterEach(() => hub?.closeAll());

describe('StreamHub', () => {
  it('writes the same buffer to every stream, skipping streams already current', async () => {
    const metrics = new Metrics();
    hub = new StreamHub({ heartbeatMs: 60_000, maxBufferedBytes: 1 << 20, metrics, onDrop: () => {} });
    const a = new FakeResponse();
    const b = new FakeResponse();
    const first = entry('a'.repeat(40));
    hub.add('k', a as unknown as ServerResponse, 'sse', '', first);
    hub.add('k', b as unknown as ServerResponse, 'sse', 'a'.repeat(40), first);
    expect(a.chunks).toHaveLength(1);
    expect(b.chunks).toHaveLength(0);
    const next = entry('b'.repeat(40));
    hub.broadcast('k', next);
    expect(a.chunks[1]).toBe(next.sseNotify);
    expect(b.chunks[0]).toBe(next.sseNotify);
    expect(await metrics.render({ openStreams: {}, sources: [] })).toMatch(/^flagcast_relay_broadcast_seconds_count 1$/m);
  });

  it('drops a stream whose client stopped reading, and keeps serving the others', async () => {
    const metrics = new Metrics();
    const dropped: number[] = [];
    hub = new StreamHub({ heartbeatMs: 60_000, maxBufferedBytes: 4096, metrics, onDrop: (_f, n) => dropped.push(n) });
    const slow = new FakeResponse(true);
    const fast = new FakeResponse();
    hub.add('k', slow as unknown as ServerResponse, 'sse-inline', '', entry('0'.repeat(40), 3000));
    hub.add('k', fast as unknown as ServerResponse, 'sse-inline', '', entry('0'.repeat(40), 3000));
    for (let i = 1; i <= 5; i++) hub.broadcast('k', entry(String(i).repeat(40), 3000));
    expect(slow.destroyed).toBe(true);
    expect(fast.destroyed).toBe(false);
    expect(fast.chunks).toHaveLength(6);
    expect(await metrics.render({ openStreams: {}, sources: [] })).toMatch(/^flagcast_relay_streams_dropped_total 1$/m);
    expect(dropped[0]).toBeGreaterThan(4096);
    expect(hub.size).toBe(1);
  });

  it('sends heartbeats to SSE streams only', async () => {
    hub = new StreamHub({ heartbeatMs: 20, maxBufferedBytes: 1 << 20, metrics: new Metrics(), onDrop: () => {} });
    const sse = new FakeResponse();
    const ndjson = new FakeResponse();
    hub.add('k', sse as unknown as ServerResponse, 'sse', 'd'.repeat(40), entry('d'.repeat(40)));
    hub.add('k', ndjson as unknown as ServerResponse, 'ndjson', 'd'.repeat(40), entry('d'.repeat(40)));
    await new Promise((r) => setTimeout(r, 70));
    expect(sse.chunks.length).toBeGreaterThanOrEqual(2);
    expect(sse.chunks[0]!.toString()).toBe(': heartbeat\n\n');
    expect(ndjson.chunks).toHaveLength(0);
  });

  it('ends every stream on closeAll', () => {
    hub = new StreamHub({ heartbeatMs: 60_000, maxBufferedBytes: 1 << 20, metrics: new Metrics(), onDrop: () => {} });
    const a = new FakeResponse();
    hub.add('k', a as unknown as ServerResponse, 'sse', '', entry('e'.repeat(40)));
    hub.closeAll();
    expect(a.writableEnded).toBe(true);
    expect(hub.size).toBe(0);
  });
});

describe('test SSE parser', () => {
  it('handles CRLF split across chunks, comments, retry and multi-line data', async () => {
    const { createSseParser } = await import('./support/sseParser.js');
    const seen: unknown[] = [];
    const p = createSseParser({ onEvent: (e) => seen.push(e), onComment: (c) => seen.push(`#${c}`), onRetry: (ms) => seen.push(ms) });
    for (const chunk of ['retry: 2000\r', '\n\r\n: heart', 'beat\n\nid: abc\ndata: {"a":', '1}\ndata: x\r', '\n\r', '\n']) p.feed(chunk);
    expect(seen).toEqual([2000, '#heartbeat', { id: 'abc', event: undefined, data: '{"a":1}\nx' }]);
  });
});
