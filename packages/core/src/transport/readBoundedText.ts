import { FlagClientError } from '../errors.js';

/**
 * A response body as text, refused as INVALID_SNAPSHOT once it is larger than `maxBytes`: at
 * once on its `Content-Length`, else as soon as the bytes read pass the limit (the rest is never
 * downloaded). At most `maxBytes` are buffered, and decoded only when the whole body fits.
 */
export async function readBoundedText(response: Response, maxBytes: number, url: string): Promise<string> {
  const tooLarge = (what: string) => new FlagClientError('INVALID_SNAPSHOT', `GET ${url}: the snapshot is larger than the limit of ${maxBytes} bytes (${what}); refused`, { url });
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(`Content-Length ${declared}`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) throw tooLarge(`more than ${maxBytes} bytes received`);
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const whole = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  chunks.length = 0;
  return new TextDecoder().decode(whole);
}
