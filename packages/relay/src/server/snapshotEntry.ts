import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Snapshot } from '@flagcast/core';

/**
 * One namespace snapshot and every byte sequence the relay sends for it, built once per change
 * and shared by all requests and streams (compressed forms on first use).
 */
export class SnapshotEntry {
  readonly etag: string;
  /** The snapshot endpoint's body. */
  readonly body: Buffer;
  /** SSE notification in Flipt's dialect: `id:` then `{"etag","type":"refetchEvaluation"}`. */
  readonly sseNotify: Buffer;
  /** SSE event with the snapshot inline (relay dialect, `?include=snapshot`). */
  readonly sseInline: Buffer;
  /** Newline-delimited JSON stream line, as Flipt's gateway writes it. */
  readonly ndjson: Buffer;
  private gzipBody: Buffer | undefined;
  private brotliBody: Buffer | undefined;

  /**
   * @param raw the JSON bytes to serve as they are (an upstream's body); else the snapshot is
   *   serialized. Stream lines embed it with CR/LF removed: JSON strings cannot hold raw line
   *   breaks, so those are whitespace between tokens.
   */
  constructor(readonly snapshot: Snapshot, raw?: Buffer) {
    const digest = snapshot.digest ?? '';
    this.etag = digest;
    const json = raw ? stripLineBreaks(raw).toString('utf8') : JSON.stringify(snapshot);
    this.body = raw ?? Buffer.from(json);
    const id = `id: ${digest.slice(0, 9)}\n`;
    // Flipt marshals the notification from a Go map: keys come out sorted.
    this.sseNotify = Buffer.from(`${id}data: ${JSON.stringify({ etag: digest, type: 'refetchEvaluation' })}\n\n`);
    this.sseInline = Buffer.from(`${id}data: {"etag":${JSON.stringify(digest)},"snapshot":${json},"type":"snapshot"}\n\n`);
    this.ndjson = Buffer.from(`{"result":${json}}\n`);
  }

  gzip(): Buffer {
    this.gzipBody ??= gzipSync(this.body, { level: 6 });
    return this.gzipBody;
  }

  brotli(): Buffer {
    this.brotliBody ??= brotliCompressSync(this.body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: this.body.length },
    });
    return this.brotliBody;
  }
}

function stripLineBreaks(raw: Buffer): Buffer {
  if (!raw.includes(0x0a) && !raw.includes(0x0d)) return raw;
  // 0x0a and 0x0d never occur inside a multi-byte UTF-8 sequence.
  return Buffer.from(raw.filter((b) => b !== 0x0a && b !== 0x0d));
}
