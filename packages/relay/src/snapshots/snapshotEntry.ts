import type { Snapshot } from '@flagcast/core';
import { brotliBody, gzipBody, type EncodedBodies } from '../shared/compression.js';
import { sseEvent } from '../shared/sseFrame.js';

const ID_LENGTH = 9;

/**
 * One namespace snapshot and every byte sequence the relay sends for it, built once per change
 * and shared by all requests and streams. Compressed forms come ready-made with the body or
 * are made on first use; the stream forms are made on first use (they copy the whole body).
 */
export class SnapshotEntry {
  readonly etag: string;
  /** The snapshot endpoint's body. */
  readonly body: Buffer;
  /** SSE notification in Flipt's dialect: `id:` then `{"etag","type":"refetchEvaluation"}`. */
  readonly sseNotify: Buffer;
  /** The body as one line, for the stream forms. */
  private readonly json: Buffer;
  private gzipBody: Buffer | undefined;
  private brotliBody: Buffer | undefined;
  private sseInlineBody: Buffer | undefined;
  private ndjsonBody: Buffer | undefined;

  /**
   * @param raw the JSON bytes to serve as they are (an upstream's body, or the conversion
   *   worker's); else the snapshot is serialized. Stream lines embed it with CR/LF removed: JSON
   *   strings cannot hold raw line breaks, so those are whitespace between tokens.
   * @param encoded compressed forms of `raw`, when already made.
   */
  constructor(
    readonly snapshot: Snapshot,
    raw?: Buffer,
    encoded?: EncodedBodies,
  ) {
    const digest = snapshot.digest ?? '';
    this.etag = digest;
    this.json = raw ? stripLineBreaks(raw) : Buffer.from(JSON.stringify(snapshot));
    this.body = raw ?? this.json;
    if (raw) {
      this.gzipBody = encoded?.gzip;
      this.brotliBody = encoded?.brotli;
    }
    // Flipt marshals the notification from a Go map: keys come out sorted.
    this.sseNotify = sseEvent(JSON.stringify({ etag: digest, type: 'refetchEvaluation' }), this.eventId());
  }

  /** SSE event id: the digest's first characters, enough to tell changes apart. */
  private eventId(): string {
    return this.etag.slice(0, ID_LENGTH);
  }

  /** SSE event with the snapshot inline (relay dialect, `?include=snapshot`). */
  get sseInline(): Buffer {
    this.sseInlineBody ??= sseEvent([`{"etag":${JSON.stringify(this.etag)},"snapshot":`, this.json, ',"type":"snapshot"}'], this.eventId());
    return this.sseInlineBody;
  }

  /** Newline-delimited JSON stream line, as Flipt's gateway writes it. */
  get ndjson(): Buffer {
    this.ndjsonBody ??= Buffer.concat([Buffer.from('{"result":'), this.json, Buffer.from('}\n')]);
    return this.ndjsonBody;
  }

  gzip(): Buffer {
    this.gzipBody ??= gzipBody(this.body);
    return this.gzipBody;
  }

  brotli(): Buffer {
    this.brotliBody ??= brotliBody(this.body);
    return this.brotliBody;
  }
}

function stripLineBreaks(raw: Buffer): Buffer {
  if (!raw.includes(0x0a) && !raw.includes(0x0d)) return raw;
  // 0x0a and 0x0d never occur inside a multi-byte UTF-8 sequence.
  return Buffer.from(raw.filter((b) => b !== 0x0a && b !== 0x0d));
}
