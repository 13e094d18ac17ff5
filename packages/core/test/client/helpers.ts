/**
 * Shared pieces for the client tests: hand-built snapshots with real digests, a harness that
 * closes every client and server after each test, an event recorder, and two fetch doubles
 * (one that re-cuts a real server's SSE body into tiny pieces, one fully scripted for fake
 * timers).
 */
import { createHash } from 'node:crypto';
import { afterEach, vi } from 'vitest';
import { createFlagClient } from '../../src/index';
import { startFlagServer, type FlagServer, type FlagServerOptions } from '../support/flagServer';

// ---- snapshots -------------------------------------------------------------------------------

export interface TestFlag {
  key: string;
  name: string;
  enabled: boolean;
  type: 'BOOLEAN_FLAG_TYPE' | 'VARIANT_FLAG_TYPE';
  description?: string;
  rules: unknown[];
  rollouts: unknown[];
  defaultVariant?: { id: string; key: string; attachment: string };
  [extra: string]: unknown;
}

export interface TestSnapshot {
  namespace: { key: string };
  flags: TestFlag[];
  digest: string;
}

/** A boolean flag that returns `value` for everyone (100 % threshold rollout). */
export function booleanFlag(key: string, value = true, extra: Partial<TestFlag> = {}): TestFlag {
  return {
    key,
    name: key,
    description: '',
    enabled: true,
    type: 'BOOLEAN_FLAG_TYPE',
    rules: [],
    rollouts: [{ threshold: { percentage: 100, value } }],
    ...extra,
  };
}

/** A variant flag with no rules whose default variant is `variantKey`. */
export function variantFlag(key: string, variantKey: string, extra: Partial<TestFlag> = {}): TestFlag {
  return {
    key,
    name: key,
    description: '',
    enabled: true,
    type: 'VARIANT_FLAG_TYPE',
    rules: [],
    rollouts: [],
    defaultVariant: { id: `${key}-${variantKey}`, key: variantKey, attachment: 'null' },
    ...extra,
  };
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** A snapshot whose digest is the SHA-1 of its content (40 hex chars), unless given. */
export function makeSnapshot(flags: TestFlag[], options: { namespace?: string; digest?: string } = {}): TestSnapshot {
  const namespace = { key: options.namespace ?? 'default' };
  return { namespace, flags, digest: options.digest ?? sha1(JSON.stringify({ namespace, flags })) };
}

/** `If-None-Match` / `ETag` value without quotes or weak prefix. */
export function bareEtag(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) value = value[0];
  return value?.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

// ---- harness ---------------------------------------------------------------------------------

export type FlagClient = ReturnType<typeof createFlagClient>;
export type ClientOptions = Parameters<typeof createFlagClient>[0];

/**
 * Registers an `afterEach` that closes every client then every server made through it.
 * Call once at the top of a test file (or describe block).
 */
export function useHarness() {
  const clients: FlagClient[] = [];
  const servers: FlagServer[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) {
      try {
        client.close();
      } catch {
        // a failing close is reported by the close tests, not here
      }
    }
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    async server(options?: FlagServerOptions): Promise<FlagServer> {
      const server = await startFlagServer(options);
      servers.push(server);
      return server;
    },
    client(options: ClientOptions): FlagClient {
      const client = createFlagClient(options);
      clients.push(client);
      return client;
    },
  };
}

export type Harness = ReturnType<typeof useHarness>;

/** A server serving `snapshot`, and a client that has loaded it and holds an open connection. */
export async function connectedClient(harness: Harness, serverOptions: FlagServerOptions, snapshot: TestSnapshot, clientOptions: Partial<ClientOptions> = {}) {
  const server = await harness.server(serverOptions);
  server.setSnapshot(snapshot);
  const client = harness.client(optionsFor(server, clientOptions));
  await client.ready();
  await until(() => client.connection === 'open');
  return { server, client };
}

/** Client options for a test server: no cache, fast retries unless overridden. */
export function optionsFor(server: FlagServer, extra: Partial<ClientOptions> = {}): ClientOptions {
  return { url: server.url, cache: 'none', retry: { minDelayMs: 10, maxDelayMs: 50 }, ...extra } as ClientOptions;
}

// ---- observing a client ----------------------------------------------------------------------

export interface Recorded {
  events: Array<{ type: string; changedFlags: string[] }>;
  /** `getState()` right after each event. */
  states: Array<ReturnType<FlagClient['getState']>>;
  /** Every distinct error object seen (via events or `errorNow`). */
  errors: unknown[];
  snapshotEvents(): Array<{ type: string; changedFlags: string[] }>;
  errorCodes(): string[];
  unsubscribe(): void;
}

/** Subscribes and records every event with the state after it. */
export function record(client: FlagClient): Recorded {
  const rec: Recorded = {
    events: [],
    states: [],
    errors: [],
    snapshotEvents: () => rec.events.filter((e) => e.type === 'snapshot'),
    errorCodes: () => rec.errors.map((e) => String((e as { code?: unknown }).code)),
    unsubscribe: () => {},
  };
  rec.unsubscribe = client.subscribe((event: { type: string; changedFlags: readonly string[] }) => {
    rec.events.push({ type: event.type, changedFlags: [...event.changedFlags] });
    const state = client.getState();
    rec.states.push(state);
    if (state.error && !rec.errors.includes(state.error)) rec.errors.push(state.error);
  });
  return rec;
}

/** Polls `check` (which throws or returns false while unmet) every 5 ms. */
export async function until(check: () => unknown, timeout = 3000): Promise<void> {
  await vi.waitFor(() => {
    const result = check();
    if (result === false) throw new Error('not yet');
  }, { timeout, interval: 5 });
}

/** Resolves after `ms` of real time: only for asserting that something does NOT happen. */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Evaluates a boolean flag through the client's throwing API. */
export function enabled(client: FlagClient, flagKey: string, entityId = 'user-1'): boolean {
  return client.evaluateBoolean({ flagKey, entityId, context: {} }).enabled;
}

// ---- fetch doubles ---------------------------------------------------------------------------

/**
 * Wraps the real fetch so that every `text/event-stream` body reaches the client `pieceBytes`
 * at a time: every CR/LF pair, UTF-8 sequence and field name gets cut, deterministically.
 */
export function rechunkingFetch(pieceBytes = 1, base: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    if (!response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) return response;
    const reader = response.body.getReader();
    let pending = new Uint8Array(0);
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        while (offset >= pending.length) {
          const next = await reader.read();
          if (next.done) {
            controller.close();
            return;
          }
          pending = next.value;
          offset = 0;
        }
        controller.enqueue(pending.slice(offset, offset + pieceBytes));
        offset += pieceBytes;
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

export interface FetchCall {
  url: URL;
  headers: Headers;
  signal: AbortSignal | undefined;
}

/**
 * A fetch whose every answer comes from `respond`; records each call. For fake-timer tests,
 * where no socket may be involved.
 */
export function scriptedFetch(respond: (call: FetchCall, index: number) => Response | Promise<Response>) {
  const calls: FetchCall[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const headers = new Headers(init?.headers ?? request?.headers);
    const signal = init?.signal ?? request?.signal ?? undefined;
    const call: FetchCall = { url, headers, signal };
    calls.push(call);
    if (signal?.aborted) throw signal.reason ?? new DOMException('aborted', 'AbortError');
    const response = await respond(call, calls.length - 1);
    return response;
  };
  return {
    fetch: fetchFn as typeof fetch,
    calls,
    streamCalls: () => calls.filter((c) => c.url.pathname.endsWith('/stream')),
    snapshotCalls: () => calls.filter((c) => c.url.pathname.endsWith('/snapshot')),
  };
}

/** An SSE response whose body the test writes to; errors when the request's signal aborts. */
export function sseResponse(signal?: AbortSignal) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let done = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      done = true;
    },
  });
  const encoder = new TextEncoder();
  const stream = {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    get done() {
      return done;
    },
    push(text: string) {
      if (!done) controller.enqueue(encoder.encode(text));
    },
    close() {
      if (done) return;
      done = true;
      controller.close();
    },
    fail(error: unknown = new TypeError('terminated')) {
      if (done) return;
      done = true;
      controller.error(error);
    },
  };
  signal?.addEventListener('abort', () => stream.fail(signal.reason ?? new DOMException('aborted', 'AbortError')));
  return stream;
}

/** The inline (relay) SSE event text for a snapshot. */
export function inlineEvent(snapshot: TestSnapshot): string {
  return `id: ${snapshot.digest.slice(0, 9)}\ndata: ${JSON.stringify({ etag: snapshot.digest, snapshot, type: 'snapshot' })}\n\n`;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 304 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
