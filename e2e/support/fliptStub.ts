import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';

/** A snapshot the stub serves: one boolean flag `banner`, on or off for everyone. */
function snapshotOf(banner: boolean) {
  const body = {
    namespace: { key: 'default' },
    flags: [{ key: 'banner', name: 'banner', description: '', enabled: true, type: 'BOOLEAN_FLAG_TYPE', rules: [], rollouts: [{ threshold: { percentage: 100, value: banner } }] }],
  };
  const digest = createHash('sha1').update(JSON.stringify(body)).digest('hex');
  return { ...body, digest };
}

export interface FliptStub {
  url: string;
  /** Stream requests received so far. */
  readonly streams: number;
  /** Resolves once `n` stream requests have arrived. */
  waitForStreams(n: number, timeoutMs?: number): Promise<void>;
  /** Serves the other snapshot and notifies the open streams, as Flipt does. */
  flip(): void;
  close(): Promise<void>;
}

/**
 * A Flipt v2 stand-in on loopback for the browser, with CORS: the first stream sends one
 * `refetchEvaluation`, then (once the client has fetched the snapshot) an error event, and ends
 * (what Flipt does when its stream fails). Later streams stay open and notify on `flip()`.
 */
export async function startFliptStub(): Promise<FliptStub> {
  let current = snapshotOf(true);
  let streams = 0;
  let snapshotServed: () => void = () => {};
  const served = new Promise<void>((resolve) => (snapshotServed = resolve));
  const open = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  const notification = () => `id: ${current.digest.slice(0, 9)}\ndata: {"etag":"${current.digest}","type":"refetchEvaluation"}\n\n`;

  const server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'etag');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*', 'access-control-allow-methods': 'GET' });
      res.end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path.endsWith('/snapshot')) {
      const tag = (req.headers['if-none-match'] ?? '').replace(/"/g, '');
      if (tag === current.digest) {
        res.writeHead(304, { etag: current.digest }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json', etag: current.digest }).end(JSON.stringify(current));
      }
      snapshotServed();
      return;
    }
    if (!path.endsWith('/stream')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    streams++;
    for (const wake of [...waiters]) wake();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (streams === 1) {
      res.write(notification());
      void served.then(() => setTimeout(() => res.write('data: {"type":"error","code":13,"message":"stream interrupted"}\n\n', () => res.end()), 50));
      return;
    }
    res.flushHeaders();
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    get streams() {
      return streams;
    },
    waitForStreams(n, timeoutMs = 5000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fliptStub: ${streams} stream request(s) after ${timeoutMs} ms, expected ${n}`));
        }, timeoutMs);
        const check = () => {
          if (streams < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
    flip() {
      current = snapshotOf(!current.flags[0]!.rollouts[0]!.threshold.value);
      for (const res of open) res.write(notification());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
