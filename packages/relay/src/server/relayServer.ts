import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sendError } from './httpUtil.js';
import type { Logger } from './logger.js';
import { answerClientError, closeAfterEarlyAnswer, limitResponseTime, serverOptions, type RequestLimits } from './requestLimits.js';

export interface RelayServerOptions {
  limits: RequestLimits;
  maxConnections?: number;
  logger: Logger;
  /** Answers the request when it is an evaluation (and returns true); counts its own metrics. */
  evaluation?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Answers any other request; returns the route's name (`stream` for a stream kept open). */
  handle: (req: IncomingMessage, res: ServerResponse) => string;
  countRequest: (route: string, status: number) => void;
}

/**
 * An HTTP server for the relay's routes, with its request limits: headers and whole requests
 * in time, every answer but a stream taken in time, a connection answered before its body
 * arrived closed, and a status line for requests that are not HTTP.
 */
export function createRelayServer(options: RelayServerOptions): Server {
  const { limits, logger } = options;
  // The response on each connection while it is being written (no status line then).
  const responding = new WeakSet<object>();
  const server = createServer(serverOptions(limits), (req, res) => {
    responding.add(req.socket);
    res.once('finish', () => responding.delete(req.socket));
    closeAfterEarlyAnswer(req, res);
    if (options.evaluation?.(req, res)) {
      limitResponseTime(res, limits.requestTimeoutMs);
      return;
    }
    let name = 'unknown';
    try {
      name = options.handle(req, res);
    } catch (err) {
      logger.error('request failed', { error: err instanceof Error ? err.stack : String(err), url: req.url });
      if (!res.headersSent) sendError(res, 500, 13, 'internal error');
      else res.destroy();
    }
    // Streams stay open; every other answer must be taken in time.
    if (name !== 'stream' || res.writableEnded) limitResponseTime(res, limits.requestTimeoutMs);
    options.countRequest(name, res.statusCode);
  });
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    answerClientError(err, socket, responding.has(socket));
    logger.debug('client error', { error: String(err) });
  });
  return server;
}
