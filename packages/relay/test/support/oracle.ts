/**
 * The oracle: Flipt's own client engine (`@flipt-io/flipt-client-js`, Rust compiled to WASM),
 * loaded with a snapshot exactly as it would receive one over HTTP.
 */
import { FliptClient } from '@flipt-io/flipt-client-js';

export type OracleClient = Awaited<ReturnType<typeof FliptClient.init>>;

/** Loads a snapshot (JSON text) into a fresh Flipt client; rejects when Flipt cannot load it. */
export async function createOracle(text: string, namespace: string): Promise<OracleClient> {
  const warn = console.warn;
  console.warn = () => {}; // wasm-bindgen's init-signature deprecation notice
  try {
    return await FliptClient.init({
      namespace,
      fetcher: async () => new Response(text, { status: 200, headers: { etag: 'x' } }),
    });
  } catch (e) {
    throw new Error(`Flipt's engine rejected the snapshot: ${String(e)}`);
  } finally {
    console.warn = warn;
  }
}

export function closeOracle(client: OracleClient | undefined): void {
  (client as unknown as { close?: () => void } | undefined)?.close?.();
}

/** Equal modulo timestamp/requestDurationMillis; segmentKeys compared sorted (a duplicate still counts). */
export function normalizeResult(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeResult);
  if (value === null || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(src).sort()) {
    const v = src[key];
    if (key === 'timestamp' || key === 'requestDurationMillis' || v === undefined) continue;
    out[key] = key === 'segmentKeys' && Array.isArray(v) ? [...(v as string[])].sort() : normalizeResult(v);
  }
  return out;
}

export type Outcome = { ok: unknown } | { threw: true };

export function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: normalizeResult(fn()) };
  } catch {
    return { threw: true };
  }
}
