import type { Snapshot } from '../types.js';
import { parseSnapshot } from '../snapshot/parseSnapshot.js';
import { FlagClientError, type SnapshotError } from '../errors.js';
import { headers, snapshotUrl, type Endpoint, type ServerApi } from './endpoints.js';
import { answerProblem } from './checkAnswer.js';
import { asClientError, httpError } from './httpError.js';
import { readBoundedText } from './readBoundedText.js';

export interface FetchedSnapshot {
  snapshot: Snapshot;
  /** The response's ETag, unquoted: the snapshot's identity (v1 bodies may lack `digest`). */
  etag: string | undefined;
  /** The body as received (a relay serves an upstream's bytes as they are). */
  text: string;
}

/**
 * GETs the snapshot, conditionally on `etag` (`304 Not Modified` gives undefined), within
 * `timeoutMs` (body included) and `maxBytes`, and validates it: a snapshot, of the namespace
 * asked for, with an ETag that can be passed on. Throws FlagClientError naming the URL.
 */
export async function fetchSnapshot(
  fetchImpl: typeof fetch,
  endpoint: Endpoint,
  api: ServerApi,
  etag: string | undefined,
  timeoutMs: number,
  maxBytes: number,
  signal: AbortSignal,
): Promise<FetchedSnapshot | undefined> {
  const url = snapshotUrl(endpoint, api);
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const accept = { Accept: 'application/json' };
    const response = await fetchImpl(url, {
      headers: headers(endpoint, api, etag ? { ...accept, 'If-None-Match': etag } : accept),
      signal: controller.signal,
    });
    if (response.status === 304) {
      if (etag) return undefined;
      // Not modified from nothing: there is no snapshot to keep.
      throw new FlagClientError('HTTP_ERROR', `GET ${url}: HTTP 304 without If-None-Match`, { status: 304, url });
    }
    if (!response.ok) throw await httpError(response, url);
    const text = await readBoundedText(response, maxBytes, url);
    const identity = unquote(response.headers.get('etag'));
    let snapshot: Snapshot;
    try {
      snapshot = parseSnapshot(text);
    } catch (error) {
      throw new FlagClientError('INVALID_SNAPSHOT', `GET ${url}: the server sent an invalid snapshot: ${(error as SnapshotError).message}`, { url });
    }
    const problem = answerProblem(snapshot, identity, endpoint.namespace);
    if (problem) throw new FlagClientError('INVALID_SNAPSHOT', `GET ${url}: the server sent a snapshot of ${problem}`, { url });
    return { snapshot, etag: identity, text };
  } catch (error) {
    throw asClientError(error, timedOut ? timeoutMs : undefined, url);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}

/** ETags may come quoted (`"abc"`) or weak (`W/"abc"`); the digest is what is inside. */
export function unquote(etag: string | null): string | undefined {
  return etag ? etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1') || undefined : undefined;
}
