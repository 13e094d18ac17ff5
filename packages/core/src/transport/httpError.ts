import { FlagClientError, type FlagClientErrorCode } from '../errors.js';

/** The longest `Retry-After` honoured: a server cannot park a client for longer than this. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

const CODES: Record<number, FlagClientErrorCode> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };
const HINTS: Record<number, string> = {
  401: ' (check the client token)',
  403: ' (the token may not read this namespace)',
  404: ' (check the url, environment and namespace)',
};

/**
 * The error for a failed response: names the URL asked for and quotes what the server said
 * (Flipt's JSON `message`, the relay's, an SSE `error` event, or plain text). Reads the body,
 * which the caller's timeout still bounds.
 */
export async function httpError(response: Response, url: string): Promise<FlagClientError> {
  const { status } = response;
  const said = await serverMessage(response);
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
  const message = `GET ${url}: HTTP ${status}${said ? `: ${said}` : ''}${HINTS[status] ?? ''}`;
  return new FlagClientError(CODES[status] ?? 'HTTP_ERROR', message, { status, url, retryAfterMs });
}

/** 401/403: retrying cannot help, the client stops. */
export function isFatal(error: unknown): boolean {
  return error instanceof FlagClientError && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN');
}

/** A definitive answer: with nothing to evaluate, `ready()` rejects at once. */
export function isDefinitive(error: unknown): boolean {
  return isFatal(error) || (error instanceof FlagClientError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST'));
}

/** Any failure as a FlagClientError (fetch rejections are network errors or timeouts). */
export function asClientError(error: unknown, timedOutAfterMs: number | undefined, url: string): FlagClientError {
  if (error instanceof FlagClientError) return error;
  if (timedOutAfterMs !== undefined) return new FlagClientError('TIMEOUT', `GET ${url}: no answer within ${timedOutAfterMs} ms`, { url });
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const detail = cause && (cause.code || cause.message) ? ` (${String(cause.code || cause.message)})` : '';
  return new FlagClientError('NETWORK', `GET ${url}: network error: ${(error as Error)?.message ?? String(error)}${detail}`, { url });
}

/** `Retry-After` as seconds or an HTTP date, in ms from now, capped; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

async function serverMessage(response: Response): Promise<string> {
  let text: string;
  try {
    text = (await response.text()).trim();
  } catch {
    return '';
  }
  // An SSE body (Flipt's stream answers auth failures with an `error` event): its data line.
  const data = /^data:\s?(.*)$/m.exec(text);
  const json = data ? data[1]! : text;
  try {
    const body = JSON.parse(json) as { message?: unknown; error?: { message?: unknown } | unknown };
    const message = body?.message ?? (body?.error as { message?: unknown })?.message ?? body?.error;
    if (typeof message === 'string' && message) return quote(message);
  } catch {
    // not JSON: plain text
  }
  return quote(text);
}

function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
