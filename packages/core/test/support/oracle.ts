/**
 * The oracle: Flipt's own evaluation engine (Rust compiled to WASM), as shipped in
 * `@flipt-io/flipt-client-js@0.5.1`, wrapped so that tests can compare our engine against it.
 *
 * How the oracle behaves (checked by experiment, see the corpus for recorded examples):
 * - A snapshot the engine cannot deserialize makes `FliptClient.init` REJECT. The rejection
 *   value is usually a plain string (e.g. "Error: missing field `name`"), not an Error; a
 *   non-object `flags` gives a TypeError. Evaluation never sees a half-loaded snapshot.
 *   `createOracle` rejects with an `OracleLoadError`; `loadOracle` returns `{loaded:false}`.
 * - `init` with only `{namespace, fetcher}` starts no timer (the 120 s auto-refresh interval is
 *   only set up when `updateInterval` is passed), so nothing keeps the process alive. `close()`
 *   is still called, and the WASM-side engine is freed.
 * - Every `init` re-compiles the WASM module (~3-5 ms; the instance itself is shared by all
 *   clients in the process), so create one client per snapshot and evaluate many requests.
 * - Evaluation errors are thrown as `Error` (message from the engine or from the JS wrapper's
 *   empty-key check); a WebAssembly.RuntimeError would mean the Rust code panicked, which
 *   poisons the shared instance: it is reported as `fatal: true`.
 */
import { FliptClient } from '@flipt-io/flipt-client-js/node';

export type OracleResult<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: string; fatal: boolean };

export interface Oracle {
  readonly loaded: true;
  readonly namespace: string;
  evaluateVariant(request: unknown): OracleResult;
  evaluateBoolean(request: unknown): OracleResult;
  evaluateBatch(requests: unknown): OracleResult;
  listFlags(): OracleResult;
  /** Stops the client (no-op for timers, as none are started) and frees the WASM engine. */
  close(): void;
}

export class OracleLoadError extends Error {
  constructor(readonly reason: string) {
    super(`oracle rejected the snapshot: ${reason}`);
    this.name = 'OracleLoadError';
  }
}

export type OracleLoad = { loaded: true; oracle: Oracle } | { loaded: false; error: string };

type Client = Awaited<ReturnType<typeof FliptClient.init>>;

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function isFatal(e: unknown): boolean {
  return typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError;
}

/** Removes `timestamp` and `requestDurationMillis` at any depth (and drops undefined fields). */
export function stripVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripVolatile);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'timestamp' || k === 'requestDurationMillis' || v === undefined) continue;
      defineOwn(out, k, stripVolatile(v));
    }
    return out;
  }
  return value;
}

/** Sets an own enumerable property, even for keys such as `__proto__`. */
export function defineOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Canonical form for comparison: `segmentKeys` arrays are sorted (Flipt keeps segments in a
 * Rust HashMap, so their order is arbitrary), fields whose value is `undefined` are dropped.
 * Apply to results of evaluateVariant / evaluateBoolean / evaluateBatch.
 */
export function normalize<T>(value: T): T {
  return normalizeAny(value) as T;
}

function normalizeAny(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeAny);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (k === 'segmentKeys' && Array.isArray(v)) {
        defineOwn(out, k, [...(v as string[])].sort(compareStrings));
      } else {
        defineOwn(out, k, normalizeAny(v));
      }
    }
    return out;
  }
  return value;
}

/** Canonical form of a listFlags result: flags sorted by key (Flipt's order is HashMap order). */
export function normalizeFlags<T>(flags: T): T {
  if (!Array.isArray(flags)) return normalize(flags);
  const copy = (normalizeAny(flags) as { key?: unknown }[]).slice();
  copy.sort((a, b) => compareStrings(String(a?.key), String(b?.key)));
  return copy as T;
}

function wrap(client: Client, namespace: string): Oracle {
  const run = (fn: () => unknown): OracleResult => {
    try {
      return { ok: true, value: stripVolatile(fn()) };
    } catch (e) {
      return { ok: false, error: describeError(e), fatal: isFatal(e) };
    }
  };
  // The public types say `Record<string, string>`; the tests deliberately pass anything.
  type Req = Parameters<Client['evaluateVariant']>[0];
  type BatchReq = Parameters<Client['evaluateBatch']>[0];
  return {
    loaded: true,
    namespace,
    evaluateVariant: (request) => run(() => client.evaluateVariant(request as Req)),
    evaluateBoolean: (request) => run(() => client.evaluateBoolean(request as Req)),
    evaluateBatch: (requests) => run(() => client.evaluateBatch(requests as BatchReq)),
    listFlags: () => run(() => client.listFlags()),
    close: () => {
      const c = client as unknown as { close?: () => void; engine?: { free?: () => void } };
      c.close?.();
      try {
        c.engine?.free?.();
      } catch {
        // already freed
      }
    },
  };
}

/** The namespace the client is created for: the snapshot's own `namespace.key`. */
function namespaceOf(snapshot: unknown): string | undefined {
  if (snapshot === null || typeof snapshot !== 'object') return undefined;
  const ns = (snapshot as { namespace?: unknown }).namespace;
  if (ns === null || typeof ns !== 'object') return undefined;
  const key = (ns as { key?: unknown }).key;
  return typeof key === 'string' ? key : undefined;
}

/**
 * Loads `snapshot` (sent as JSON, exactly like an HTTP response body) into a fresh oracle
 * client. Never throws: a snapshot Flipt rejects gives `{loaded:false, error}`.
 */
export async function loadOracle(snapshot: unknown): Promise<OracleLoad> {
  const namespace = namespaceOf(snapshot);
  const body = JSON.stringify(snapshot);
  try {
    const client = await FliptClient.init({
      ...(namespace === undefined ? {} : { namespace }),
      fetcher: async () => new Response(body, { status: 200, headers: { etag: 'x' } }),
    });
    return { loaded: true, oracle: wrap(client, namespace ?? 'default') };
  } catch (e) {
    return { loaded: false, error: describeError(e) };
  }
}

/** Like loadOracle, but rejects with OracleLoadError when Flipt cannot load the snapshot. */
export async function createOracle(snapshot: unknown): Promise<Oracle> {
  const r = await loadOracle(snapshot);
  if (!r.loaded) throw new OracleLoadError(r.error);
  return r.oracle;
}
