/*
 * CRC-32 (IEEE) over the UTF-8 bytes of JavaScript strings, as Flipt buckets entities.
 * Strings are encoded on the fly, so hashing allocates nothing. A lone surrogate is hashed
 * as U+FFFD, which is what Flipt's engine sees after the JS-to-Rust string conversion.
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
  const feed = (byte: number) => (state = t[(state ^ byte) & 0xff]! ^ (state >>> 8));
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0x80) {
      if (c < 0x800) {
        feed(0xc0 | (c >> 6));
      } else {
        if ((c & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c - 0xd800) << 10) + text.charCodeAt(++i) - 0xdc00;
          feed(0xf0 | (c >> 18));
          feed(0x80 | ((c >> 12) & 0x3f));
        } else {
          feed(0xe0 | ((c & 0xf800) === 0xd800 ? (c = 0xfffd) : c) >> 12);
        }
        feed(0x80 | ((c >> 6) & 0x3f));
      }
      c = 0x80 | (c & 0x3f);
    }
    feed(c);
  }
  return state;
}
