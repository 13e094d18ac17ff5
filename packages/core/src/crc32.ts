/*
 * CRC-32 (IEEE) over the UTF-8 bytes of strings, as Flipt buckets entities. ASCII is hashed
 * straight from the string; anything else is encoded first, and TextEncoder turns a lone
 * surrogate into U+FFFD, which is what Flipt's engine sees after its JS-to-Rust conversion.
 * A running state starts at -1 and is finished by `crcFinish`.
 */

let table: Int32Array | undefined;

export function crcFinish(state: number): number {
  return ~state >>> 0;
}

/** Feeds the UTF-8 bytes of `text` into a running CRC state. */
export function crcString(state: number, text: string): number {
  const t = (table ||= Int32Array.from({ length: 256 }, (_, n) => {
    for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
    return n;
  }));
  const start = state;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) {
      state = start;
      for (const byte of new TextEncoder().encode(text)) state = t[(state ^ byte) & 0xff]! ^ (state >>> 8);
      break;
    }
    state = t[(state ^ c) & 0xff]! ^ (state >>> 8);
  }
  return state;
}
