// Upstream mode: a relay following a Flipt v2 server. The upstream is either a relay in file mode
// (it speaks Flipt's v2 endpoints) or, for what a relay does not imitate (headers held until the
// first event, no heartbeats, no stream endpoint, 401, invalid snapshots, dying streams), a small
// programmable fake Flipt on node:http.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFlagClient } from '@flagcast/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createRelay, type Relay, type SourceState, type UpstreamSourceOptions } from '../src/index.js';
import { get, StreamReader } from './support/http.js';

const WEB = '/client/v2/environments/default/namespaces/web';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 4000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function downstream(url: string, upstream: Partial<UpstreamSourceOptions> = {}): Promise<Relay> {
  const relay = await createRelay({
    upstream: { url, namespaces: ['web'], pollMs: 100, backoffMinMs: 20, backoffMaxMs: 100, requestTimeoutMs: 1000, ...upstream },
    port: 0,
    logLevel: 'silent',
  });
  cleanup.push(() => relay.close());
  return relay;
}

async function health(relay: Relay): Promise<{ ok: boolean; sources: SourceState[] }> {
  return JSON.parse((await get(`${relay.url}/healthz`)).body.toString()) as { ok: boolean; sources: SourceState[] };
}

const upstreamNs = (relay: Relay) => relay.sources()[0]!.upstream!.namespaces[0]!;

// ---- a relay in file mode as the upstream ----------------------------------------------------

const flagFile = (enabled: boolean) => `namespace: web\nflags:\n  - {key: checkout, name: Checkout, type: BOOLEAN_FLAG_TYPE, enabled: ${enabled}}\n`;

async function fileUpstream(port = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'relay-upstream-'));
  const file = join(dir, 'features.yaml');
  writeFileSync(file, flagFile(false));
  const relay = await createRelay({ file, port, logLevel: 'silent', debounceMs: 10 });
  cleanup.push(async () => {
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const edit = async (enabled: boolean) => {
    writeFileSync(join(dir, '.tmp'), flagFile(enabled));
    renameSync(join(dir, '.tmp'), file);
    await relay.reload();
  };
  return { relay, edit };
}

describe('following a relay in file mode', () => {
  it('a downstream client sees a change made upstream; bytes and ETag are the upstream ones', async () => {
    const up = await fileUpstream();
    const relay = await downstream(up.relay.url);
    const client = createFlagClient({ url: relay.url, namespace: 'web', cache: 'none', retry: { minDelayMs: 20, maxDelayMs: 100 } });
    cleanup.push(() => client.close());
    await client.ready();
    expect(client.getBoolean('checkout', true, 'u1')).toBe(false);

    const changed = new Promise<readonly string[]>((resolve) => {
      const off = client.subscribe((e) => {
        if (e.type === 'snapshot') {
          off();
          resolve(e.changedFlags);
        }
      });
    });
    await up.edit(true);
    expect(await changed).toEqual(['checkout']);
    expect(client.getBoolean('checkout', false, 'u1')).toBe(true);

    const [a, b] = await Promise.all([get(`${up.relay.url}${WEB}/snapshot`), get(`${relay.url}${WEB}/snapshot`)]);
    expect(b.status).toBe(200);
    expect(b.headers.etag).toBe(a.headers.etag);
    expect(b.body.equals(a.body)).toBe(true);
    expect(client.getState().digest).toBe(a.headers.etag);
    expect((await get(`${relay.url}${WEB}/snapshot`, { 'if-none-match': String(a.headers.etag) })).status).toBe(304);
  });

  it('opens exactly one upstream stream for 50 downstream streams', async () => {
    const up = await fileUpstream();
    const relay = await downstream(up.relay.url);
    const readers = await Promise.all(Array.from({ length: 50 }, () => StreamReader.open(`${relay.url}${WEB}/stream`)));
    cleanup.push(() => readers.forEach((r) => r.close()));
    await Promise.all(readers.map((r) => r.until((x) => x.events().length === 1)));
    await waitFor(() => up.relay.streams() === 1, 'the upstream stream');
    expect(relay.streams()).toBe(50);

    await up.edit(true);
    const etag = up.relay.snapshot('web')!.digest!;
    await Promise.all(readers.map((r) => r.until((x) => x.events().length === 2, 3000, 'the change')));
    for (const r of readers) expect(JSON.parse(r.events()[1]!.data)).toEqual({ etag, type: 'refetchEvaluation' });
    expect(up.relay.streams()).toBe(1);
    expect(upstreamNs(relay)).toMatchObject({ mode: 'stream', phase: 'streaming', streamConnects: 1, digest: etag });
  });

  it('refuses to start when the upstream does not serve a namespace', async () => {
    const up = await fileUpstream();
    await expect(createRelay({ upstream: { url: up.relay.url, namespaces: ['web', 'nope'] }, port: 0, logLevel: 'silent' })).rejects.toThrow(/nope: GET http:\/\/127\.0\.0\.1:\d+\/client\/v2\/environments\/default\/namespaces\/nope\/snapshot: HTTP 404: evaluation snapshot for namespace "nope" not found/);
  });
});

// ---- a programmable fake Flipt -----------------------------------------------------------------

type StreamBehaviour = 'flipt' | 'die' | number;

function snapshotBody(enabled: boolean, extra: Record<string, unknown> = {}): { body: string; etag: string } {
  const content = { namespace: { key: 'web', name: 'Web' }, flags: [{ key: 'checkout', name: 'Checkout', description: '', enabled, type: 'BOOLEAN_FLAG_TYPE', rules: [], rollouts: [], ...extra }] };
  const etag = createHash('sha1').update(JSON.stringify(content)).digest('hex');
  // Pretty-printed on purpose: the relay must serve these bytes as they are.
  return { body: JSON.stringify({ ...content, digest: etag }, null, 2), etag };
}

interface Seen {
  kind: 'snapshot' | 'stream' | 'other';
  url: URL;
  headers: IncomingHttpHeaders;
  status: number;
}

/** Flipt's v2 endpoints as Flipt behaves: stream headers held until the first event, no heartbeats. */
class FakeFlipt {
  body = '';
  etag = '';
  stream: StreamBehaviour = 'flipt';
  token: string | undefined;
  /** When set, the only accepted credential is `Authorization: JWT <jwt>`. */
  jwt: string | undefined;
  revoked = false;
  /** Hung (a stopped process, a partition): requests are accepted and never answered. */
  hung = false;
  /** Answers snapshot GETs instead of the fake when set. */
  snapshotReply: ((res: ServerResponse) => void) | undefined;
  readonly seen: Seen[] = [];
  private readonly open = new Map<ServerResponse, { headersSent: boolean; digest: string }>();
  private server!: Server;
  port = 0;

  static async start(initial = snapshotBody(false)): Promise<FakeFlipt> {
    const fake = new FakeFlipt();
    fake.body = initial.body;
    fake.etag = initial.etag;
    await fake.listen(0);
    cleanup.push(() => fake.close());
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  requests(kind: Seen['kind']): Seen[] {
    return this.seen.filter((s) => s.kind === kind);
  }

  private listen(port: number): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    return new Promise((resolve) =>
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      }),
    );
  }

  /** Changes the snapshot and notifies open streams (headers go out with the first event). */
  set(next: { body: string; etag: string }): void {
    this.body = next.body;
    this.etag = next.etag;
    for (const [res, s] of this.open) this.notify(res, s);
  }

  private notify(res: ServerResponse, s: { headersSent: boolean; digest: string }): void {
    if (s.digest === this.etag) return;
    if (!s.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream' });
    s.headersSent = true;
    s.digest = this.etag;
    res.write(`id: ${this.etag.slice(0, 9)}\ndata: ${JSON.stringify({ etag: this.etag, type: 'refetchEvaluation' })}\n\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/client\/v2\/environments\/default\/namespaces\/web\/(snapshot|stream)$/.exec(url.pathname);
    const seen: Seen = { kind: m ? (m[1] as 'snapshot' | 'stream') : 'other', url, headers: req.headers, status: 0 };
    this.seen.push(seen);
    const reply = (status: number, headers: Record<string, string> = {}, body = '') => {
      seen.status = status;
      res.writeHead(status, headers);
      res.end(body);
    };
    if (!m) return reply(404, { 'content-type': 'application/json' }, '{"code":5,"message":"Not Found","details":[]}');
    if (this.hung) return;
    if (seen.kind === 'snapshot' && this.snapshotReply) return this.snapshotReply(res);
    const expected = this.jwt ? `JWT ${this.jwt}` : this.token && `Bearer ${this.token}`;
    if (this.revoked || (expected && req.headers.authorization !== expected)) {
      return seen.kind === 'stream'
        ? reply(401, { 'content-type': 'text/event-stream' }, 'data: {"code":16,"message":"request was not authenticated","type":"error"}\n\n')
        : reply(401, { 'content-type': 'application/json' }, '{"code":16,"message":"request was not authenticated","details":[]}');
    }
    if (seen.kind === 'snapshot') {
      if (req.headers['if-none-match'] === this.etag) return reply(304, { etag: this.etag });
      return reply(200, { 'content-type': 'application/json', etag: this.etag }, this.body);
    }
    if (typeof this.stream === 'number') return reply(this.stream, { 'content-type': 'application/json' }, '{"code":12,"message":"no","details":[]}');
    const digest = url.searchParams.get('digest') ?? '';
    if (digest && digest.length !== 40) return reply(400, { 'content-type': 'text/event-stream' }, 'data: {"code":3,"message":"invalid digest","type":"error"}\n\n');
    seen.status = 200;
    if (this.stream === 'die') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`id: ${this.etag.slice(0, 9)}\ndata: ${JSON.stringify({ etag: this.etag, type: 'refetchEvaluation' })}\n\n`, () => res.socket?.destroy());
      return;
    }
    const s = { headersSent: false, digest };
    this.open.set(res, s);
    res.on('close', () => this.open.delete(res));
    this.notify(res, s); // sends nothing (not even headers) while the client's digest is current
  }

  openStreams(): number {
    return this.open.size;
  }

  /** Stops and starts again on the same port: every connection is cut. */
  async restart(whileDown?: () => void): Promise<void> {
    await this.close();
    whileDown?.();
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    for (const res of this.open.keys()) res.destroy();
    this.open.clear();
    const closed = new Promise((r) => this.server.close(r));
    this.server.closeAllConnections();
    await closed;
  }
}

describe('following a Flipt server (fake)', () => {
  it('waits for held headers without reconnecting, then follows a change with a conditional GET', async () => {
    const fake = await FakeFlipt.start();
    fake.token = 'secret';
    const first = fake.etag;
    const relay = await downstream(fake.url, { token: 'secret', requestTimeoutMs: 200 });
    // Connected with our digest: Flipt sends nothing at all, not even headers, and no heartbeats.
    await waitFor(() => fake.openStreams() === 1, 'the upstream stream');
    await sleep(700); // > requestTimeoutMs: the wait for headers must not count as a timeout
    expect(fake.requests('stream')).toHaveLength(1);
    expect(fake.requests('stream')[0]!.url.searchParams.get('digest')).toBe(first);
    expect(fake.seen.every((s) => s.headers.authorization === 'Bearer secret')).toBe(true);
    // Headers held: not known to be open yet, and not a problem either.
    expect(upstreamNs(relay)).toMatchObject({ mode: 'stream', phase: 'connecting', error: null });
    expect((await health(relay)).ok).toBe(true);

    const next = snapshotBody(true);
    fake.set(next);
    await waitFor(() => relay.snapshot('web')?.digest === next.etag, 'the change');
    expect(upstreamNs(relay)).toMatchObject({ mode: 'stream', phase: 'streaming', error: null });
    const refetch = fake.requests('snapshot').at(-1)!;
    expect(refetch.headers['if-none-match']).toBe(first);
    expect(refetch.status).toBe(200);

    // Served as received: same bytes (newlines and all), same ETag; stream forms stay one line each.
    const res = await get(`${relay.url}${WEB}/snapshot`);
    expect(res.headers.etag).toBe(next.etag);
    expect(res.body.toString()).toBe(next.body);
    const inline = await StreamReader.open(`${relay.url}${WEB}/stream?include=snapshot`);
    const ndjson = await StreamReader.open(`${relay.url}${WEB}/stream`, {});
    cleanup.push(() => (inline.close(), ndjson.close()));
    await inline.until((r) => r.events().length === 1);
    await ndjson.until((r) => r.lines().length === 1);
    expect(JSON.parse(inline.events()[0]!.data).snapshot).toEqual(JSON.parse(next.body));
    expect(ndjson.lines()[0]).toEqual({ result: JSON.parse(next.body) });
    expect(fake.requests('stream')).toHaveLength(1);
  });

  it('reconnects a long-silent stream with its digest, without counting a failure', async () => {
    const fake = await FakeFlipt.start();
    const relay = await downstream(fake.url, { silenceReconnectMs: 150 });
    await waitFor(() => fake.requests('stream').length >= 3, 'silence reconnects');
    for (const r of fake.requests('stream')) expect(r.url.searchParams.get('digest')).toBe(fake.etag);
    expect(upstreamNs(relay)).toMatchObject({ mode: 'stream', streamFailures: 0, error: null });
  });

  it('reconnects with its digest after an upstream restart, and picks up a change made meanwhile', async () => {
    const fake = await FakeFlipt.start();
    const first = fake.etag;
    const relay = await downstream(fake.url);
    const reader = await StreamReader.open(`${relay.url}${WEB}/stream`);
    cleanup.push(() => reader.close());
    await reader.until((r) => r.events().length === 1);
    await waitFor(() => fake.openStreams() === 1, 'the upstream stream');

    const next = snapshotBody(true);
    await fake.restart(() => {
      fake.body = next.body;
      fake.etag = next.etag;
    });
    await reader.until((r) => r.events().length === 2, 4000, 'the change after the restart');
    expect(reader.events()[1]!.id).toBe(next.etag.slice(0, 9));
    const streams = fake.requests('stream');
    expect(streams.length).toBeGreaterThanOrEqual(2);
    expect(streams.at(-1)!.url.searchParams.get('digest')).toBe(first);
    await waitFor(() => upstreamNs(relay).error === null && fake.openStreams() === 1, 'a healthy stream again');
    expect((await health(relay)).ok).toBe(true);
  });

  it('sends ?digest= only when it has 40 characters', async () => {
    const short = snapshotBody(false);
    const fake = await FakeFlipt.start({ body: short.body, etag: short.etag.slice(0, 32) });
    await downstream(fake.url);
    await waitFor(() => fake.openStreams() === 1, 'the upstream stream');
    const stream = fake.requests('stream')[0]!;
    expect(stream.url.searchParams.has('digest')).toBe(false);
    expect(stream.status).toBe(200);
  });

  it('polls the snapshot with If-None-Match when there is no stream endpoint (304s)', async () => {
    const fake = await FakeFlipt.start();
    fake.stream = 404;
    const relay = await downstream(fake.url, { pollMs: 50 });
    await waitFor(() => upstreamNs(relay).notModified >= 3, 'conditional polls');
    expect(fake.requests('snapshot').filter((s) => s.status === 304).length).toBeGreaterThanOrEqual(3);
    expect(fake.requests('stream')).toHaveLength(1);
    for (const poll of fake.requests('snapshot').slice(1)) expect(poll.headers['if-none-match']).toBe(fake.etag);
    expect(upstreamNs(relay)).toMatchObject({ mode: 'poll', phase: 'polling', error: null });

    const reader = await StreamReader.open(`${relay.url}${WEB}/stream`);
    cleanup.push(() => reader.close());
    await reader.until((r) => r.events().length === 1);
    const next = snapshotBody(true);
    fake.set(next);
    await reader.until((r) => r.events().length === 2, 2000, 'the polled change');
    expect(JSON.parse(reader.events()[1]!.data).etag).toBe(next.etag);
    expect((await get(`${relay.url}/metrics`)).body.toString()).toMatch(/flagcast_relay_upstream_polling\{source="[^"]+",namespace="web"\} 1/);
  });

  it('follows changes through a stream that keeps dying before it delivers (a GET per retry after three)', async () => {
    const fake = await FakeFlipt.start();
    fake.stream = 'die';
    const relay = await downstream(fake.url, { backoffMinMs: 20, backoffMaxMs: 40 });
    await waitFor(() => upstreamNs(relay).streamFailures >= 3, 'three stream failures');
    const next = snapshotBody(true);
    fake.set(next);
    await waitFor(() => relay.snapshot('web')?.digest === next.etag, 'the change, by a GET');
    expect(upstreamNs(relay).mode).toBe('stream');
    expect(fake.requests('snapshot').at(-1)!.headers['if-none-match']).toBeDefined();
  });

  it('keeps the last good snapshot when the upstream serves an invalid one, and shows it', async () => {
    const fake = await FakeFlipt.start();
    const good = fake.etag;
    const relay = await downstream(fake.url);
    await waitFor(() => fake.openStreams() === 1, 'the upstream stream');
    const before = await get(`${relay.url}${WEB}/snapshot`);

    fake.set(snapshotBody(true, { enabled: 'yes' })); // `enabled` must be a boolean
    const h = await waitFor(async () => {
      const x = await health(relay);
      return x.ok ? undefined : x;
    }, 'the error in /healthz');
    expect(h.sources[0]).toMatchObject({ kind: 'upstream', ok: false, state: 'error', loadErrors: 1 });
    expect(h.sources[0]!.lastError!.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/client\/v2\/environments\/default\/namespaces\/web\/snapshot: the server sent an invalid snapshot: flags\[0\]\.enabled/);
    expect(h.sources[0]!.upstream!.namespaces[0]!.error!.kind).toBe('invalid-snapshot');
    const during = await get(`${relay.url}${WEB}/snapshot`);
    expect(during.headers.etag).toBe(good);
    expect(during.body.equals(before.body)).toBe(true);
    const metrics = (await get(`${relay.url}/metrics`)).body.toString();
    expect(metrics).toMatch(/flagcast_relay_source_up\{source="upstream:[^"]+"\} 0/);
    expect(metrics).toMatch(/flagcast_relay_reload_errors_total\{source="upstream:[^"]+"\} 1/);

    const fixed = snapshotBody(true);
    fake.set(fixed);
    await waitFor(() => relay.snapshot('web')?.digest === fixed.etag, 'the fixed snapshot');
    expect((await health(relay)).ok).toBe(true);
  });

  it('stops on 401 and reports it, still serving the last good snapshot', async () => {
    const fake = await FakeFlipt.start();
    fake.token = 'secret';
    const relay = await downstream(fake.url, { token: 'secret' });
    await waitFor(() => fake.openStreams() === 1, 'the upstream stream');

    fake.token = 'rotated';
    await fake.restart(); // drops the stream; the reconnect is refused
    // (The restart may show as unreachable first; wait for the 401 itself.)
    const h = await waitFor(async () => {
      const x = await health(relay);
      return x.sources[0]!.upstream!.namespaces[0]!.phase === 'stopped' ? x : undefined;
    }, 'the 401 in /healthz');
    expect(h.sources[0]).toMatchObject({ ok: false, state: 'error' });
    expect(h.sources[0]!.upstream!.namespaces[0]).toMatchObject({ phase: 'stopped', error: { kind: 'unauthorized' } });
    expect(h.sources[0]!.lastError!.message).toMatch(/401/);
    const served = await get(`${relay.url}${WEB}/snapshot`);
    expect(served.status).toBe(200);
    expect(served.headers.etag).toBe(fake.etag);
    // Stopped: no retry loop against the upstream.
    const count = fake.seen.length;
    await sleep(300);
    expect(fake.seen.length).toBe(count);

    // Fixed upstream-side: a reload resumes following.
    fake.token = 'secret';
    expect(await relay.reload()).toBe(true);
    await waitFor(() => fake.openStreams() === 1, 'the stream again');
    // Connected with a current digest: Flipt holds the headers, so 'connecting' until its next event.
    expect(upstreamNs(relay)).toMatchObject({ mode: 'stream', phase: 'connecting', error: null });
    expect((await health(relay)).ok).toBe(true);
  });

  it('authenticates with a JWT (Authorization: JWT), on the stream and the snapshot alike', async () => {
    const fake = await FakeFlipt.start();
    fake.jwt = 'eyJhbGciOiJIUzI1NiJ9.e30.sig';
    const relay = await downstream(fake.url, { jwt: fake.jwt });
    await waitFor(() => fake.openStreams() === 1, 'the upstream stream');
    const next = snapshotBody(true);
    fake.set(next);
    await waitFor(() => relay.snapshot('web')?.digest === next.etag, 'the change');
    expect(new Set(fake.seen.map((s) => s.kind))).toEqual(new Set(['snapshot', 'stream']));
    expect(fake.seen.every((s) => s.headers.authorization === `JWT ${fake.jwt}` && s.status !== 401)).toBe(true);
  });

  it('refuses a token and a JWT together', async () => {
    await expect(createRelay({ upstream: { url: 'http://127.0.0.1:1', token: 't', jwt: 'j' }, port: 0, logLevel: 'silent' })).rejects.toThrow(/either a client token or a JWT/);
  });

  it('refuses to start when the token is rejected', async () => {
    const fake = await FakeFlipt.start();
    fake.token = 'secret';
    await expect(createRelay({ upstream: { url: fake.url, namespaces: ['web'], token: 'wrong' }, port: 0, logLevel: 'silent' })).rejects.toThrow(/401/);
  });
});

// ---- bounded work: what an upstream answers is checked, and no failure stops following ---------

describe('an upstream that misbehaves', () => {
  it('a 304 to the first, unconditional GET: the relay refuses to start instead of serving nothing', async () => {
    const fake = await FakeFlipt.start();
    fake.snapshotReply = (res) => res.writeHead(304, { etag: fake.etag }).end();
    await expect(createRelay({ upstream: { url: fake.url, namespaces: ['web'] }, port: 0, logLevel: 'silent' })).rejects.toThrow(/web: GET http:\/\/127\.0\.0\.1:\d+\/client\/v2\/environments\/default\/namespaces\/web\/snapshot: HTTP 304 without If-None-Match/);
  });

  it("another namespace's snapshot is not served as this one", async () => {
    const other = snapshotBody(false);
    const fake = await FakeFlipt.start({ body: other.body.replace('"key": "web"', '"key": "other"'), etag: other.etag });
    await expect(createRelay({ upstream: { url: fake.url, namespaces: ['web'] }, port: 0, logLevel: 'silent' })).rejects.toThrow(/the server sent a snapshot of namespace "other" instead of "web"/);
  });

  it('a snapshot over maxSnapshotBytes, or with an ETag that cannot be passed on, is refused; the last good one keeps serving', async () => {
    const fake = await FakeFlipt.start();
    const good = fake.etag;
    const relay = await downstream(fake.url, { maxSnapshotBytes: 64 * 1024 });
    await waitFor(() => fake.openStreams() === 1, 'the upstream stream');
    const refusal = async (pattern: RegExp) => {
      const h = await waitFor(async () => {
        const x = await health(relay);
        return pattern.test(x.sources[0]!.upstream!.namespaces[0]!.error?.message ?? '') ? x : undefined;
      }, `${pattern} in /healthz`);
      expect(h.sources[0]).toMatchObject({ ok: false, upstream: { namespaces: [{ digest: good, error: { kind: 'invalid-snapshot' } }] } });
      const served = await get(`${relay.url}${WEB}/snapshot`);
      expect([served.status, served.headers.etag]).toEqual([200, good]);
    };
    fake.set(snapshotBody(true, { description: 'x'.repeat(1024 * 1024) }));
    await refusal(/snapshot: snapshot over the limit of 65536 bytes \(read so far\)$/);
    const long = snapshotBody(true);
    fake.set({ body: long.body, etag: 'e'.repeat(300) });
    await refusal(/an ETag of 300 characters \(limit 256\)/);
    const fixed = snapshotBody(true);
    fake.set(fixed);
    await waitFor(() => relay.snapshot('web')?.digest === fixed.etag, 'the fixed snapshot');
    expect((await health(relay)).ok).toBe(true);
  });

  it('a hung upstream (its stream silent past the bound, its GET unanswered) is reported, with how long it has been silent', async () => {
    const fake = await FakeFlipt.start();
    const relay = await downstream(fake.url, { silenceReconnectMs: 300, requestTimeoutMs: 200 });
    await waitFor(() => fake.openStreams() === 1, 'the upstream stream');
    fake.hung = true;
    const h = await waitFor(async () => {
      const x = await health(relay);
      return x.ok ? undefined : x;
    }, 'the silence in /healthz');
    const ns = h.sources[0]!.upstream!.namespaces[0]!;
    expect(ns.error).toMatchObject({ kind: 'unreachable' });
    expect(ns.error!.message).toMatch(/snapshot: no answer within 200 ms \(nothing heard from the upstream for \d+ s\)$/);
    expect(ns.silentForMs).toBeGreaterThanOrEqual(300);
    expect((await get(`${relay.url}/metrics`)).body.toString()).toMatch(/flagcast_relay_source_up\{source="upstream:[^"]+"\} 0/);
    fake.hung = false;
    await waitFor(async () => (await health(relay)).ok, 'ok again once the upstream answers', 4000);
  });

  it('a 401 is retried (far apart) without a reload, and /healthz says what it waits for', async () => {
    const fake = await FakeFlipt.start();
    fake.token = 'secret';
    const relay = await downstream(fake.url, { token: 'secret', refusedRetryMinMs: 400, refusedRetryMaxMs: 800 });
    await waitFor(() => fake.openStreams() === 1, 'the upstream stream');
    fake.token = 'rotated';
    await fake.restart();
    const ns = await waitFor(() => {
      const n = upstreamNs(relay);
      return n.phase === 'stopped' && n.nextAttemptAt ? n : undefined;
    }, 'the wait after the 401');
    expect(ns.error).toMatchObject({ kind: 'unauthorized' });
    expect(ns.waitingFor).toMatch(/^the next attempt in \d+ s, after: GET http:\/\/127\.0\.0\.1:\d+\S+: HTTP 401: request was not authenticated/);
    expect(Date.parse(ns.nextAttemptAt!) - Date.now()).toBeGreaterThan(0);
    const refused = fake.seen.filter((s) => s.status === 401).length;
    await waitFor(() => fake.seen.filter((s) => s.status === 401).length > refused, 'a second attempt, without a reload');
    fake.token = 'secret'; // fixed upstream-side
    await waitFor(() => fake.openStreams() === 1, 'the stream again, without a reload', 5000);
    await waitFor(async () => (await health(relay)).ok, 'ok again');
    expect(upstreamNs(relay)).toMatchObject({ error: null, nextAttemptAt: null, waitingFor: null });
  });

  it('an upstream whose stream answered 404 is polled, and its stream tried again later', async () => {
    const fake = await FakeFlipt.start();
    fake.stream = 404;
    const relay = await downstream(fake.url, { pollMs: 50, streamRetryMs: 200 });
    await waitFor(() => upstreamNs(relay).mode === 'poll', 'polling');
    await waitFor(() => fake.requests('stream').length >= 2, 'the stream tried again');
    fake.stream = 'flipt';
    await waitFor(() => upstreamNs(relay).mode === 'stream' && fake.openStreams() === 1, 'the stream followed again');
    const next = snapshotBody(true);
    fake.set(next);
    await waitFor(() => relay.snapshot('web')?.digest === next.etag, 'the change, through the stream');
    expect(upstreamNs(relay)).toMatchObject({ mode: 'stream', phase: 'streaming', error: null });
  });
});

// ---- the built CLI -----------------------------------------------------------------------------

const BIN = fileURLToPath(new URL('../bin/flagcast-relay.mjs', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/sources/upstreamSource.js', import.meta.url)));

function cli(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanup.push(() => void child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = waitFor(() => /listening on (http:\/\/\S+)/.exec(stdout)?.[1], 'the CLI to listen', 5000);
  listening.catch(() => {});
  return { child, exited, listening, stderr: () => stderr };
}

describe.skipIf(!built)('CLI --upstream', () => {
  it('follows an upstream, and exits cleanly on SIGTERM', async () => {
    const up = await fileUpstream();
    const run = cli(['--upstream', up.relay.url, '--namespace', 'web', '--upstream-poll-ms', '500', '--port', '0', '--log-level', 'warn']);
    const url = await run.listening;
    const res = await get(`${url}${WEB}/snapshot`);
    expect(res.headers.etag).toBe(up.relay.snapshot('web')!.digest);
    await waitFor(() => up.relay.streams() === 1, 'the upstream stream');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('rejects bad combinations', async () => {
    const [both, stray, strayJwt, scheme, down] = [
      cli(['--file', 'x.yaml', '--upstream', 'http://127.0.0.1:1']),
      cli(['--file', 'x.yaml', '--upstream-token', 't']),
      cli(['--file', 'x.yaml', '--upstream-jwt', 'j']),
      cli(['--upstream', 'ftp://flipt']),
      cli(['--upstream', 'http://127.0.0.1:1', '--port', '0']),
    ];
    expect(await Promise.all([both.exited, stray.exited, strayJwt.exited, scheme.exited, down.exited])).toEqual([2, 2, 2, 2, 1]);
    expect(stray.stderr()).toContain('--upstream-token needs --upstream');
    expect(strayJwt.stderr()).toContain('--upstream-jwt needs --upstream');
    expect(down.stderr()).toContain('cannot load from upstream');
  });
});
