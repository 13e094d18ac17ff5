// What the relay shows to whom: CORS rules (`*` without credentials, listed origins with them,
// refused origins logged once with the option that allows them), health and metrics never
// readable cross-origin, served on their own port when asked, and shown on the main port to
// token holders only when the relay has tokens.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../src/index.js';
import { get, StreamReader } from './support/http.js';
import { captureLogs } from './support/captureLogs.js';

const SNAPSHOT = '/client/v2/environments/default/namespaces/web/snapshot';
const STREAM = '/client/v2/environments/default/namespaces/web/stream';
const preflight = (origin: string) => ({ origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, if-none-match' });

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-exposure-'));
  file = join(dir, 'features.yaml');
  writeFileSync(file, 'namespace: web\nflags:\n  - {key: f, name: F, type: BOOLEAN_FLAG_TYPE, enabled: true}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withRelay(options: Parameters<typeof createRelay>[0], run: (relay: Relay) => Promise<void>): Promise<void> {
  const relay = await createRelay({ file, port: 0, logLevel: 'silent', ...options });
  try {
    await run(relay);
  } finally {
    await relay.close();
  }
}

describe('CORS', () => {
  it("answers '*' without credentials for any origin, null included, when allowed with *", async () => {
    await withRelay({ corsOrigins: ['*'] }, async (relay) => {
      for (const origin of ['https://shop.example', 'null']) {
        const res = await get(relay.url + SNAPSHOT, { origin });
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        expect(res.headers['access-control-expose-headers']).toBe('Etag');
        const pre = await get(relay.url + SNAPSHOT, preflight(origin), 'OPTIONS');
        expect(pre.status).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe('*');
        expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
        // Authorization must be named: a `*` in allow-headers does not cover it.
        expect(pre.headers['access-control-allow-headers']).toBe('authorization, if-none-match');
      }
      const sse = await StreamReader.open(relay.url + STREAM, { accept: 'text/event-stream', origin: 'https://shop.example' });
      try {
        expect(sse.headers['access-control-allow-origin']).toBe('*');
        expect(sse.headers['access-control-allow-credentials']).toBeUndefined();
      } finally {
        sse.close();
      }
    });
  });

  it('reflects listed origins with credentials, and logs each refused origin once with the flag that allows it', async () => {
    const logs = captureLogs();
    await withRelay({ corsOrigins: ['https://app.example'], logger: logs.logger }, async (relay) => {
      const ok = await get(relay.url + SNAPSHOT, { origin: 'https://app.example' });
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(ok.headers['access-control-allow-credentials']).toBe('true');
      expect(ok.headers.vary).toBe('Origin, Accept-Encoding');
      for (let i = 0; i < 3; i++) {
        for (const origin of ['https://evil.example', 'null']) {
          const res = await get(relay.url + SNAPSHOT, { origin });
          expect(res.status).toBe(200);
          expect(res.headers['access-control-allow-origin']).toBeUndefined();
          expect((await get(relay.url + SNAPSHOT, preflight(origin), 'OPTIONS')).headers['access-control-allow-origin']).toBeUndefined();
        }
      }
      const refused = logs.lines.filter((l) => l.msg.startsWith('CORS: refused'));
      expect(refused).toEqual([
        expect.objectContaining({ level: 'warn', origin: 'https://evil.example', allowWith: expect.stringContaining('--cors-origin https://evil.example') }),
        expect.objectContaining({ level: 'warn', origin: 'null', allowWith: expect.stringContaining('--cors-origin null') }),
      ]);
    });
  });

  it('logs a browser origin when no origin is allowed at all (the app needs --cors-origin)', async () => {
    const logs = captureLogs();
    await withRelay({ logger: logs.logger }, async (relay) => {
      await get(relay.url + SNAPSHOT, { origin: 'http://localhost:5173' });
      await get(relay.url + SNAPSHOT, { origin: 'http://localhost:5173' });
      expect(logs.lines.filter((l) => l.msg.startsWith('CORS: refused')).map((l) => l.origin)).toEqual(['http://localhost:5173']);
    });
  });

  it('never makes /healthz and /metrics readable cross-origin', async () => {
    for (const corsOrigins of [['*'], ['https://app.example']]) {
      await withRelay({ corsOrigins }, async (relay) => {
        for (const path of ['/healthz', '/metrics']) {
          const res = await get(relay.url + path, { origin: 'https://app.example' });
          expect(res.status).toBe(200);
          expect(res.headers['access-control-allow-origin']).toBeUndefined();
          const pre = await get(relay.url + path, preflight('https://app.example'), 'OPTIONS');
          expect(pre.headers['access-control-allow-origin']).toBeUndefined();
          expect(pre.headers['access-control-allow-methods']).toBeUndefined();
        }
      });
    }
  });
});

describe('admin port', () => {
  it('serves /healthz and /metrics on their own port only, and flags on the main port only', async () => {
    await withRelay({ adminPort: 0 }, async (relay) => {
      expect(relay.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(relay.adminUrl).not.toBe(relay.url);
      for (const path of ['/healthz', '/metrics']) {
        expect((await get(relay.adminUrl + path)).status).toBe(200);
        expect((await get(relay.url + path)).status).toBe(404);
      }
      expect(JSON.parse((await get(`${relay.adminUrl}/healthz`)).body.toString())).toMatchObject({ ok: true, sources: [{ namespaces: 1 }] });
      expect((await get(relay.url + SNAPSHOT)).status).toBe(200);
      expect((await get(relay.adminUrl + SNAPSHOT)).status).toBe(404);
    });
  });
});

describe('health and metrics with tokens', () => {
  it('show only the health verdict, and no metrics, without a token on the main port; everything with one, and on the admin port', async () => {
    await withRelay({ tokens: ['s3cret'] }, async (relay) => {
      const anonymous = await get(`${relay.url}/healthz`);
      expect(anonymous.status).toBe(200);
      expect(JSON.parse(anonymous.body.toString())).toEqual({ ok: true });
      expect(anonymous.body.toString()).not.toContain(dir);
      for (const authorization of [undefined, 'Bearer wrong']) {
        const metrics = await get(`${relay.url}/metrics`, authorization ? { authorization } : {});
        expect(metrics.status).toBe(401);
        expect(JSON.parse(metrics.body.toString())).toEqual({ code: 16, message: 'request was not authenticated', details: [] });
      }
      const auth = { authorization: 'Bearer s3cret' };
      expect(JSON.parse((await get(`${relay.url}/healthz`, auth)).body.toString())).toMatchObject({ ok: true, streams: 0, sources: [{ namespaces: 1 }] });
      const metrics = await get(`${relay.url}/metrics`, auth);
      expect(metrics.status).toBe(200);
      expect(metrics.body.toString()).toMatch(/^flagcast_relay_source_up\{source="[^"]+"\} 1$/m);
    });
    await withRelay({ tokens: ['s3cret'], adminPort: 0 }, async (relay) => {
      expect(JSON.parse((await get(`${relay.adminUrl}/healthz`)).body.toString())).toMatchObject({ ok: true, sources: [{ namespaces: 1 }] });
      expect((await get(`${relay.adminUrl}/metrics`)).status).toBe(200);
    });
  });
});
