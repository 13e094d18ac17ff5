import type { IncomingMessage } from 'node:http';
import { HttpStatus } from '../status.js';

/** A request body that could not be read: too large, too slow, or aborted. */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  constructor(
    /** 413 (too large) or 408 (not sent in time); 400 when the client went away. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a request body whole, within a size limit and a deadline: the server's own request
 * timeout is off (streams are long-lived), so a client that sends headers and then stalls must
 * not hold a connection and a buffer for ever.
 */
export function readBody(req: IncomingMessage, limits: { maxBytes: number; timeoutMs: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limits.maxBytes) {
      req.resume();
      reject(new BodyReadError(HttpStatus.PayloadTooLarge, `request body of ${declared} bytes exceeds the ${limits.maxBytes}-byte limit`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: BodyReadError) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) {
        req.resume();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) done(new BodyReadError(HttpStatus.PayloadTooLarge, `request body exceeds the ${limits.maxBytes}-byte limit`));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(new BodyReadError(HttpStatus.BadRequest, `request body could not be read: ${err.message}`));
    const onClose = () => done(new BodyReadError(HttpStatus.BadRequest, 'request body was aborted by the client'));
    const timer = setTimeout(() => done(new BodyReadError(HttpStatus.RequestTimeout, `request body not received within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
