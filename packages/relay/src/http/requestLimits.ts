import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a client may take to send a request, and to take a (non-stream) answer. */
export interface RequestLimits {
  /** Until the request headers are complete, from the connection or the previous request. */
  headersTimeoutMs: number;
  /**
   * Until the whole request is received, and until a non-stream response is fully written.
   * A stream's request is complete with its headers, so streams stay open.
   */
  requestTimeoutMs: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { headersTimeoutMs: 15_000, requestTimeoutMs: 30_000 };

/**
 * Options for `http.createServer`. Node enforces both timeouts from a sweep over the open
 * connections, every 30 s by default: the sweep here runs often enough for the limits to hold.
 */
export function serverOptions(limits: RequestLimits): ServerOptions {
  return {
    // Node refuses a headers timeout longer than the request timeout (which includes the headers).
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
    maxHeaderSize: 16 * 1024,
  };
}

/** Whether the request announces a body (that may still be arriving when we answer). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * For routes that never read a body: drains it, and when one is still arriving, makes the
 * answer close the connection, so a client trickling a body cannot hold a socket once answered.
 * Returns whether the request has a body.
 */
export function answerWithoutBody(req: IncomingMessage, res: ServerResponse): boolean {
  req.resume();
  if (!hasBody(req) || req.complete) return false;
  res.setHeader('connection', 'close');
  return true;
}

/**
 * Closes the connection once the response is written when the request's body is still
 * arriving (an evaluation refused before its body was read, say), so a client trickling a body
 * cannot keep the socket.
 */
export function closeAfterEarlyAnswer(req: IncomingMessage, res: ServerResponse): void {
  if (!hasBody(req)) return;
  res.once('finish', () => {
    if (!req.complete) req.socket.end();
  });
}

/**
 * Destroys the connection when the response is not fully written `ms` from now (a client that
 * stops reading a large snapshot). Not for streams, which are meant to stay open.
 */
export function limitResponseTime(res: ServerResponse, ms: number): void {
  if (res.writableFinished || ms <= 0) return;
  const timer = setTimeout(() => res.destroy(), ms);
  timer.unref();
  const clear = () => clearTimeout(timer);
  res.once('finish', clear);
  res.once('close', clear);
}

/**
 * The server's `clientError` handler: a status line when nothing was sent on the connection
 * yet (431 for oversized headers, 408 for a timeout, else 400), then the connection closes.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, responding: boolean): void {
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
  if (socket.writable && !responding) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  else socket.destroy();
}
