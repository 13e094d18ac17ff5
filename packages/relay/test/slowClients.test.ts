// Slow and idle clients on the real relay over raw sockets: a body trickling in is answered and
// the connection closed, headers must arrive in time, a client that stops reading a large
// snapshot is cut off, and streams stay open for as long as they like.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../src/index.js';
import { StreamReader } from './support/http.js';
import { waitFor } from './support/waitFor.js';

const SNAPSHOT = '/client/v2/environments/default/namespaces/web/snapshot';
const STREAM = '/client/v2/environments/default/namespaces/web/stream';

let dir: string;
let relay: Relay;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-slow-'));
  writeFileSync(join(dir, 'features.yaml'), 'namespace: web\nflags:\n  - {key: f, name: F, type: BOOLEAN_FLAG_TYPE, enabled: true}\n');
  relay = await createRelay({ file: join(dir, 'features.yaml'), port: 0, logLevel: 'silent', headersTimeoutMs: 300, heartbeatMs: 100 });
});

afterAll(async () => {
  await relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw connection that records what the server sends and when it closes the connection. */
function rawClient(target: Relay, initial: string) {
  const client = { received: '', closed: false, socket: undefined as Socket | undefined };
  const socket = connect(target.port, '127.0.0.1', () => socket.write(initial));
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (client.received += d));
  socket.on('close', () => (client.closed = true));
  socket.on('error', () => {});
  client.socket = socket;
  return client;
}

const connections = (target: Relay) => new Promise<number>((resolve, reject) => target.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

describe('request bodies', () => {
  it('answers requests whose body trickles in, and closes each connection at once', async () => {
    const clients = Array.from({ length: 50 }, (_, i) =>
      rawClient(relay, `${i % 5 === 0 ? 'POST /healthz' : `GET ${SNAPSHOT}`} HTTP/1.1\r\nhost: relay\r\ncontent-length: 100000\r\n\r\n`),
    );
    const trickle = setInterval(() => {
      for (const c of clients) if (!c.closed) c.socket!.write('x');
    }, 100);
    try {
      // Well before the 30 s request timeout: the relay does not wait for the bodies.
      await waitFor(() => clients.every((c) => c.closed), 10_000, 'every connection to be closed');
      for (const [i, c] of clients.entries()) {
        expect(c.received).toMatch(i % 5 === 0 ? /^HTTP\/1\.1 405 / : /^HTTP\/1\.1 200 /);
        expect(c.received.toLowerCase()).toContain('connection: close');
      }
      await waitFor(async () => (await connections(relay)) === 0, 5000, 'no open connection');
    } finally {
      clearInterval(trickle);
      for (const c of clients) c.socket!.destroy();
    }
  });

  it('closes the connection of an evaluation refused before its body arrived', async () => {
    const secured = await createRelay({ file: join(dir, 'features.yaml'), port: 0, logLevel: 'silent', tokens: ['t'] });
    const c = rawClient(secured, 'POST /evaluate/v1/boolean HTTP/1.1\r\nhost: relay\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{');
    const trickle = setInterval(() => !c.closed && c.socket!.write(' '), 100);
    try {
      await waitFor(() => c.closed, 10_000, 'the connection to be closed');
      expect(c.received).toMatch(/^HTTP\/1\.1 401 /);
    } finally {
      clearInterval(trickle);
      c.socket!.destroy();
      await secured.close();
    }
  });

  it('refuses a stream request that carries a body', async () => {
    const c = rawClient(relay, `GET ${STREAM} HTTP/1.1\r\nhost: relay\r\naccept: text/event-stream\r\ncontent-length: 10\r\n\r\n`);
    await waitFor(() => c.closed, 5000, 'the answer');
    expect(c.received).toMatch(/^HTTP\/1\.1 400 /);
    expect(c.received).toContain('"message":"a stream request has no body"');
  });
});

describe('headers', () => {
  it('closes connections that send no request, or not all of its headers, after headersTimeoutMs', async () => {
    const silent = rawClient(relay, '');
    const partial = rawClient(relay, `GET ${SNAPSHOT} HTTP/1.1\r\nhost: relay\r\n`);
    await waitFor(() => silent.closed && partial.closed, 5000, 'both to be closed');
    expect(partial.received).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('responses', () => {
  it('keeps streams open past the request timeout', async () => {
    const short = await createRelay({ file: join(dir, 'features.yaml'), port: 0, logLevel: 'silent', requestTimeoutMs: 200, heartbeatMs: 50 });
    const sse = await StreamReader.open(short.url + STREAM);
    try {
      await sse.until((r) => r.items.filter((i) => i.kind === 'comment').length >= 12, 10_000, 'heartbeats well past 200 ms');
      expect(sse.ended).toBe(false);
    } finally {
      sse.close();
      await short.close();
    }
  });

  it('cuts off a client that stops reading a large snapshot after requestTimeoutMs', async () => {
    const big = join(dir, 'big.yaml');
    const blob = 'x'.repeat(450_000);
    let text = 'namespace: web\nflags:\n';
    for (let i = 0; i < 12; i++) text += `  - key: f${i}\n    name: F\n    variants:\n      - key: v\n        default: true\n        attachment: {blob: ${blob}}\n`;
    writeFileSync(big, text);
    const r = await createRelay({ file: big, port: 0, logLevel: 'silent', requestTimeoutMs: 1000, maxFileBytes: 16 * 1024 * 1024, watch: false });
    try {
      // More than the socket buffers hold (about 5.4 MB): the response cannot be written while nobody reads.
      const stalled = connect(r.port, '127.0.0.1', () => stalled.write(`GET ${SNAPSHOT} HTTP/1.1\r\nhost: relay\r\n\r\n`));
      stalled.pause();
      stalled.on('error', () => {});
      await waitFor(async () => (await connections(r)) === 1, 5000, 'the connection');
      await waitFor(async () => (await connections(r)) === 0, 10_000, 'the relay to drop the connection');
      stalled.destroy();
    } finally {
      await r.close();
    }
  }, 60_000);
});
