/*
 * CRC-32 (IEEE) over the UTF-8 bytes of JavaScript strings, as Flipt buckets entities.
 * Strings are encoded on the fly, so hashing allocates nothing. A lone surrogate is hashed
 * as U+FFFD, which is what Flipt's engine sees after the JS-to-Rust string conversion.
 */

let table: Int32Array | undefined;

function crcTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** Running CRC state (pre-inversion). Start with `CRC_INIT`, finish with `crcFinish`. */
export const CRC_INIT = -1;

export function crcFinish(state: number): number {
  return ~state >>> 0;
}

/** Feeds the UTF-8 bytes of `text` into a running CRC state. */
export function crcString(state: number, text: string): number {
  const t = (table ??= crcTable());
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0x80) {
      if (c < 0x800) {
        state = t[(state ^ (0xc0 | (c >> 6))) & 0xff]! ^ (state >>> 8);
      } else {
        if ((c & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
          state = t[(state ^ (0xf0 | (c >> 18))) & 0xff]! ^ (state >>> 8);
          state = t[(state ^ (0x80 | ((c >> 12) & 0x3f))) & 0xff]! ^ (state >>> 8);
        } else {
          if ((c & 0xf800) === 0xd800) c = 0xfffd;
          state = t[(state ^ (0xe0 | (c >> 12))) & 0xff]! ^ (state >>> 8);
        }
        state = t[(state ^ (0x80 | ((c >> 6) & 0x3f))) & 0xff]! ^ (state >>> 8);
      }
      c = 0x80 | (c & 0x3f);
    }
    state = t[(state ^ c) & 0xff]! ^ (state >>> 8);
  }
  return state;
}
