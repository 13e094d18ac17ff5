import { FlagClientError } from '../errors.js';

/**
 * A response body as text, refused as INVALID_SNAPSHOT once it is larger than `maxBytes`: at
 * once on its `Content-Length`, else as soon as the bytes read pass the limit (the rest is never
 * downloaded). At most `maxBytes` are buffered, and decoded only when the whole body fits.
 */
export async function readBoundedText(response: Response, maxBytes: number, url: string): Promise<string> {
  const refuse = (what: string) => new FlagClientError('INVALID_SNAPSHOT', `GET ${url}: snapshot over the limit of ${maxBytes} bytes (${what})`, { url });
  const declared = Number(response.headers.get('content-length'));
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    if (declared > maxBytes) throw refuse(`Content-Length ${declared}`);
    for (let read; reader && !(read = await reader.read()).done; chunks.push(read.value)) {
      if ((bytes += read.value.byteLength) > maxBytes) throw refuse('read so far');
    }
  } finally {
    reader?.cancel().catch(() => {});
  }
  return new Blob(chunks as BlobPart[]).text();
}
