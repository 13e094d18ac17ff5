import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRelay, type Relay } from '@flagcast/relay';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Bound on a test's own requests to its servers (the page's are bounded by the test's expectations). */
export const REQUEST_TIMEOUT_MS = 5000;

export interface RelayUnderTest {
  url: string;
  relay: Relay;
  /** The features file the relay watches (a temporary copy). */
  file: string;
  /** Replaces the features file the way editors do (write elsewhere, then rename). */
  write(text: string): Promise<void>;
  /** Stops the relay (its streams ended, its file watch closed), then removes the temporary copy. */
  close(): Promise<void>;
}

/**
 * A real relay on an ephemeral loopback port, serving a temporary copy of `featuresFile`.
 * Tests close their browser context before their servers, so that no page reconnects to a
 * server while it stops.
 */
export async function startRelay(featuresFile: string, options: { tokens?: string[] } = {}): Promise<RelayUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'flagcast-e2e-'));
  const file = join(dir, 'features.yml');
  await writeFile(file, await readFile(featuresFile));
  const relay = await createRelay({ file, port: 0, host: '127.0.0.1', corsOrigins: ['*'], logLevel: 'silent', heartbeatMs: 1000, ...options }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: relay.url,
    relay,
    file,
    async write(text) {
      const temp = `${file}.${process.hrtime.bigint()}.tmp`;
      await writeFile(temp, text);
      await rename(temp, file);
    },
    async close() {
      await relay.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Streams the relay holds open now, all formats together (its `/metrics`). */
export async function openStreams(relayUrl: string): Promise<number> {
  const text = await (await fetch(`${relayUrl}/metrics`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).text();
  return [...text.matchAll(/^flagcast_relay_open_streams\{[^}]*\} (\d+)$/gm)].reduce((sum, [, n]) => sum + Number(n), 0);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * A static file server on loopback: URL path → file, or URL prefix → directory (first match wins).
 * `headers` are added to every response (a Content-Security-Policy, say).
 */
export async function startStatic(mounts: Record<string, string>, headers: Record<string, string> = {}): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      if (path === prefix && extname(dir)) {
        // A mounted file that is missing (packages not built) answers 500 naming it; it must not
        // become an unhandled rejection that ends the test run.
        const body = await readFile(dir).catch((error: Error) => error);
        if (body instanceof Error) res.writeHead(500, { 'content-type': 'text/plain' }).end(`${path}: ${body.message}`);
        else res.writeHead(200, { 'content-type': TYPES[extname(dir)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
        return;
      }
      const relative = normalize(path.slice(prefix.length) || 'index.html').replace(/^([/\\])+/, '');
      if (relative.startsWith('..')) break;
      try {
        const body = await readFile(join(dir, relative.endsWith('/') || relative === '' ? 'index.html' : relative));
        res.writeHead(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
        return;
      } catch {
        // try the next mount
      }
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
