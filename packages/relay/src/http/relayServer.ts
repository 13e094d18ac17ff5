import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../shared/logger.js';
import { answerClientError, closeAfterEarlyAnswer, serverOptions, type RequestLimits } from './requestLimits.js';

export interface RelayServerOptions {
  limits: RequestLimits;
  maxConnections?: number;
  logger: Logger;
  /** Answers every request (the request pipeline). */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * An HTTP server with the relay's connection limits: headers and whole requests in time, a
 * connection answered before its body arrived closed, and a status line for requests that are
 * not HTTP. What each request gets is the pipeline's business.
 */
export function createRelayServer(options: RelayServerOptions): Server {
  const { limits, logger } = options;
  // The response on each connection while it is being written (no status line then).
  const responding = new WeakSet<object>();
  const server = createServer(serverOptions(limits), (req, res) => {
    responding.add(req.socket);
    res.once('finish', () => responding.delete(req.socket));
    closeAfterEarlyAnswer(req, res);
    options.handle(req, res);
  });
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    answerClientError(err, socket, responding.has(socket));
    logger.debug('client error', { error: String(err) });
  });
  return server;
}
