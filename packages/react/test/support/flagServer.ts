/**
 * A small Flagcast relay stand-in on 127.0.0.1 (random port): the v2 snapshot endpoint, and an
 * SSE stream that sends the snapshot inline (the relay's dialect) on connect and on `publish`,
 * with heartbeats. Counts stream requests and open streams. `await server.close()` after each test.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestSnapshot } from './snapshots';

export interface FlagServer {
  readonly url: string;
  /** Stream requests received so far. */
  readonly streamRequests: number;
  /** Streams still open. */
  readonly openStreams: number;
  /** Replaces the snapshot and sends it to every open stream. */
  publish(snapshot: TestSnapshot): void;
  close(): Promise<void>;
}

export async function startFlagServer(initial: TestSnapshot | undefined): Promise<FlagServer> {
  let snapshot = initial;
  let streamRequests = 0;
  const streams = new Set<ServerResponse>();
  const event = (s: TestSnapshot) => `data: ${JSON.stringify({ type: 'snapshot', etag: s.digest, snapshot: s })}\n\n`;

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path.endsWith('/stream')) {
      streamRequests++;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': hello\n\n');
      if (snapshot) res.write(event(snapshot));
      streams.add(res);
      const heartbeat = setInterval(() => res.write(': ping\n\n'), 1_000);
      res.on('close', () => {
        clearInterval(heartbeat);
        streams.delete(res);
      });
    } else if (path.endsWith('/snapshot') && snapshot) {
      res.writeHead(200, { 'content-type': 'application/json', etag: `"${snapshot.digest}"` }).end(JSON.stringify(snapshot));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get streamRequests() {
      return streamRequests;
    },
    get openStreams() {
      return streams.size;
    },
    publish(next) {
      snapshot = next;
      for (const res of streams) res.write(event(next));
    },
    close() {
      for (const res of streams) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
