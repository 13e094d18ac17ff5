import { FlagFileError } from './flagFileError.js';

/**
 * A file's bytes as text. YAML must be valid UTF-8 (yaml.v3 refuses anything else, so Flipt
 * does); Go's JSON decoder replaces invalid bytes with U+FFFD, and so does this for .json.
 */
export function flagFileText(name: string, bytes: Uint8Array, json: boolean): string {
  try {
    return new TextDecoder('utf-8', { fatal: !json }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    throw new FlagFileError(name, 'invalid YAML: invalid UTF-8 (yaml.v3 reads only UTF-8)', invalidUtf8Position(text, bytes));
  }
}

/**
 * Where the first invalid byte is: the first U+FFFD of the lenient decoding that is not the
 * bytes EF BF BD (a real U+FFFD). Before it the text re-encodes to exactly the file's bytes.
 */
function invalidUtf8Position(text: string, bytes: Uint8Array): { line: number; column: number } | undefined {
  let offset = 0;
  let from = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) {
    offset += Buffer.byteLength(text.slice(from, i));
    from = i + 1;
    if (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd) {
      offset += 3;
      continue;
    }
    const before = text.slice(0, i);
    return { line: before.split('\n').length, column: i - before.lastIndexOf('\n') };
  }
  return undefined;
}
