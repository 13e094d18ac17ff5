import type { Snapshot } from '../types.js';

/** The longest ETag taken from a server: it travels on as a header, an SSE id and a digest. */
export const MAX_ETAG_CHARS = 256;

/**
 * An entity tag's characters (RFC 9110 `etagc`: visible ASCII but `"`, and obs-text). Flipt
 * sends its digest unquoted, so the quotes are optional; what is inside them must be etagc — a
 * newline or a quote would be written into every response and stream that passes it on.
 */
const ETAG_CHARS = /^[\x21\x23-\x7e\x80-\xff]+$/;

/** Why an ETag (unquoted) cannot be taken, or undefined when it can. */
export function etagProblem(etag: string): string | undefined {
  if (etag.length > MAX_ETAG_CHARS) return `an ETag of ${etag.length} characters (limit ${MAX_ETAG_CHARS})`;
  if (!ETAG_CHARS.test(etag)) return `an invalid ETag ${JSON.stringify(etag.slice(0, 64))}`;
}

/**
 * Why a server's answer is not the snapshot asked for, or undefined when it is: another
 * namespace's snapshot, or an identity (the ETag, else the body's `digest`) that cannot be
 * passed on.
 */
export function answerProblem(snapshot: Snapshot, etag: string | undefined, namespace: string): string | undefined {
  if (snapshot.namespace.key !== namespace) return `namespace "${snapshot.namespace.key}" instead of "${namespace}"`;
  const identity = etag || (typeof snapshot.digest === 'string' ? snapshot.digest : '');
  return identity ? etagProblem(identity) : undefined;
}
