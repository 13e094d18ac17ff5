import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Compressed forms of a snapshot body, made once (on the conversion worker for flag files). */
export interface EncodedBodies {
  gzip?: Buffer;
  brotli?: Buffer;
}

/** The gzip form of a body, as served with `Content-Encoding: gzip`. */
export function gzipBody(body: Buffer): Buffer {
  return gzipSync(body, { level: 6 });
}

/** The brotli form of a body; quality 5 compresses close to 11 at a fraction of the time. */
export function brotliBody(body: Buffer): Buffer {
  return brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
}
