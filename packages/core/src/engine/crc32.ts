/*
 * CRC-32 (IEEE) over the UTF-8 bytes of strings, as Flipt buckets entities. ASCII is hashed
 * straight from the string; anything else is encoded first, and TextEncoder turns a lone
 * surrogate into U+FFFD, which is what Flipt's engine sees after its JS-to-Rust conversion.
 * A running state starts at CRC_START and is finished by `crcFinish`.
 */

/** The reversed IEEE polynomial. */
const POLYNOMIAL = 0xedb88320;

/** The running state before any byte: all ones. */
export const CRC_START = -1;

let table: Int32Array | undefined;

export function crcFinish(state: number): number {
  return ~state >>> 0;
}

/** Feeds the UTF-8 bytes of `text` into a running CRC state. */
export function crcString(state: number, text: string): number {
  const t = (table ||= Int32Array.from({ length: 256 }, (_, n) => {
    for (let k = 0; k < 8; k++) n = n & 1 ? POLYNOMIAL ^ (n >>> 1) : n >>> 1;
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

/**
 * A string's effect on a running CRC, precomputed: CRC registers are affine in their state, so
 * feeding `text` from any state `s` gives `shift(s) ^ alone`, where `shift` only depends on the
 * byte length (four 256-entry tables) and `alone` is `text` fed from state 0. Appending a flag
 * key to an entity's state then costs four lookups instead of a pass over the key.
 */
export interface CrcSuffix {
  readonly shift: Int32Array;
  readonly alone: number;
}

const shifts = new Map<number, Int32Array>();

export function crcSuffix(text: string): CrcSuffix {
  const length = new TextEncoder().encode(text).length;
  let shift = shifts.get(length);
  if (!shift) {
    crcString(0, ''); // builds the byte table
    shift = new Int32Array(1024);
    for (let k = 0; k < 4; k++) {
      for (let byte = 0; byte < 256; byte++) {
        let state = byte << (8 * k);
        for (let i = 0; i < length; i++) state = table![state & 0xff]! ^ (state >>> 8);
        shift[k * 256 + byte] = state;
      }
    }
    shifts.set(length, shift);
  }
  return { shift, alone: crcString(0, text) };
}

/** The running state after feeding the suffix's text from `state`. */
export function crcAppend(state: number, { shift, alone }: CrcSuffix): number {
  return shift[state & 0xff]! ^ shift[256 + ((state >>> 8) & 0xff)]! ^ shift[512 + ((state >>> 16) & 0xff)]! ^ shift[768 + (state >>> 24)]! ^ alone;
}
