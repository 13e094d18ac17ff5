import type { ServerResponse } from 'node:http';
import { sseEvent } from '../shared/sseFrame.js';
import type { RelayError } from './relayError.js';
import { GrpcCode } from './status.js';

/** How an endpoint's errors are written: Flipt's gateway JSON, an SSE error event, or OFREP. */
export type Dialect = 'gateway' | 'sse' | 'ofrep';

/** OFREP's error codes, from the gRPC code as Flipt's OFREP error handler maps them. */
function ofrepErrorCode(code: GrpcCode): 'INVALID_CONTEXT' | 'FLAG_NOT_FOUND' | 'GENERAL' {
  if (code === GrpcCode.InvalidArgument) return 'INVALID_CONTEXT';
  if (code === GrpcCode.NotFound) return 'FLAG_NOT_FOUND';
  return 'GENERAL';
}

/** The JSON body of an error: `{code, message, details}` (gateway) or `{key?, errorCode, errorDetails}` (OFREP). */
export function errorBody(dialect: 'gateway' | 'ofrep', err: RelayError): unknown {
  if (dialect === 'gateway') return { code: err.code, message: err.message, details: [] };
  return { ...(err.flagKey ? { key: err.flagKey } : {}), errorCode: ofrepErrorCode(err.code), errorDetails: err.message };
}

/** Writes a whole error response in `dialect`, with the given extra headers (CORS, Allow). */
export function renderError(res: ServerResponse, dialect: Dialect, err: RelayError, headers: Record<string, string> = {}): void {
  if (dialect === 'sse') {
    // Flipt's stream error event: `{code, message, type: "error"}` in that order.
    const data = sseEvent(JSON.stringify({ code: err.code, message: err.message, type: 'error' }));
    res.writeHead(err.status, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'content-length': data.length });
    res.end(data);
    return;
  }
  sendJson(res, err.status, errorBody(dialect, err), headers);
}

/** A JSON response (bodies already serialized are sent as they are). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const data = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': data.length });
  res.end(data);
}
