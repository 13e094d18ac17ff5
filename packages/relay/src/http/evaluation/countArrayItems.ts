const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

function sameBytes(json: Uint8Array, start: number, end: number, wanted: Uint8Array): boolean {
  if (start < 0 || end - start !== wanted.length) return false;
  for (let i = 0; i < wanted.length; i++) if (json[start + i] !== wanted[i]) return false;
  return true;
}

/**
 * The number of elements of the array that a JSON object holds under `key` (the first such
 * key, written without escapes), counted on the raw bytes without parsing them; undefined when
 * there is none. Parsing 1 MiB of `{}` items takes tens of times longer than this scan, so a
 * body far over a limit is refused before it is parsed. Meaningful for valid JSON only: the
 * parser refuses any other body, and decides whenever this answers undefined.
 */
export function countArrayItems(json: Uint8Array, key: string): number | undefined {
  const wanted = Buffer.from(JSON.stringify(key));
  let depth = 0;
  // The last string seen directly inside the top-level object: before a `[` there, its key.
  let keyStart = -1;
  let keyEnd = -1;
  let counting = false;
  let commas = 0;
  let empty = true;
  for (let i = 0; i < json.length; i++) {
    const b = json[i]!;
    if (b === QUOTE) {
      const start = i;
      // Bytes of multi-byte UTF-8 characters are all >= 0x80: never a quote or a backslash.
      for (i++; i < json.length && json[i] !== QUOTE; i++) if (json[i] === BACKSLASH) i++;
      if (depth === 1) [keyStart, keyEnd] = [start, i + 1];
      if (counting && depth === 2) empty = false;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (counting && depth === 2) empty = false;
      depth++;
      if (b === OPEN_ARRAY && depth === 2 && !counting) counting = sameBytes(json, keyStart, keyEnd, wanted);
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
      if (counting && depth === 1) return empty ? 0 : commas + 1;
    } else if (counting && depth === 2) {
      if (b === COMMA) commas++;
      else if (!isSpace(b)) empty = false;
    }
  }
  return undefined;
}
