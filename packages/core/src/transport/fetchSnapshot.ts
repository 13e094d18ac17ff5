import type { Snapshot } from '../types.js';
import { parseSnapshot } from '../parseSnapshot.js';
import { FlagClientError, SnapshotError } from '../errors.js';
import { headers, snapshotUrl, type Endpoint } from './endpoints.js';
import { asClientError, httpError } from './httpError.js';

export interface FetchedSnapshot {
  snapshot: Snapshot;
  /** The response's ETag, unquoted (the digest). */
  etag: string | undefined;
}

/**
 * GETs the snapshot, conditionally on `etag` (`304 Not Modified` gives undefined), within
 * `timeoutMs`, and validates it. Throws FlagClientError.
 */
export async function fetchSnapshot(
  fetchImpl: typeof fetch,
  endpoint: Endpoint,
  etag: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<FetchedSnapshot | undefined> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await fetchImpl(snapshotUrl(endpoint), {
      headers: headers(endpoint, etag ? { Accept: 'application/json', 'If-None-Match': etag } : { Accept: 'application/json' }),
      signal: controller.signal,
    });
    if (response.status === 304) return undefined;
    if (!response.ok) throw httpError(response.status, 'snapshot request');
    const text = await response.text();
    try {
      return { snapshot: parseSnapshot(text), etag: unquote(response.headers.get('etag')) };
    } catch (error) {
      throw new FlagClientError('INVALID_SNAPSHOT', `the server sent an invalid snapshot: ${(error as SnapshotError).message}`);
    }
  } catch (error) {
    throw asClientError(error, timedOut);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}

/** ETags may come quoted (`"abc"`) or weak (`W/"abc"`); the digest is what is inside. */
export function unquote(etag: string | null): string | undefined {
  return etag ? etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1') : undefined;
}
