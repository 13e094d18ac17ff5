/*
 * Text encodings that must match what Flipt's Go code produces, because the bytes end up inside
 * snapshot strings (constraint values, attachments) that Flipt's client engine parses again.
 * Values come from YAML decoded the way yaml.v3 decodes into `any`: null, boolean, string,
 * number, bigint (integers beyond 2^53), arrays and plain objects.
 */

/** Code point order, as Go sorts map keys (byte order of UTF-8). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/** Thrown for values Go's encoders refuse (NaN, infinities, non-string map keys). */
export class GoEncodeError extends Error {
  override readonly name = 'GoEncodeError';
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A JSON string literal escaped like Go's encoding/json (HTML-safe: <, > and & as \u00XX). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = ESCAPES[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&' || cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\\ufffd'; // a lone surrogate is invalid UTF-8 in Go: replaced
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/** Go's encoding/json float64 text: same thresholds and shortest digits as JavaScript. */
function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new GoEncodeError(`unsupported number ${n}`);
  return JSON.stringify(n);
}

/** `json.Marshal(v)` for a value decoded from YAML: compact, map keys sorted. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return goQuote(value);
    case 'number':
      return goNumber(value);
    case 'bigint':
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
      if (value instanceof Map) throw new GoEncodeError('a mapping with non-string keys cannot be encoded as JSON');
      const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareCodePoints(a, b));
      return `{${entries.map(([k, v]) => `${goQuote(k)}:${goJson(v)}`).join(',')}}`;
    }
    default:
      throw new GoEncodeError(`unsupported value of type ${typeof value}`);
  }
}

/** `strconv.FormatFloat(n, 'f', -1, 64)`: shortest digits, never an exponent. */
export function goFormatFloatF(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  const [mantissa = '0', expText = '0'] = n.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const exp = Number(expText);
  let text: string;
  if (exp >= digits.length - 1) text = digits + '0'.repeat(exp - digits.length + 1);
  else if (exp >= 0) text = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else text = `0.${'0'.repeat(-exp - 1)}${digits}`;
  return negative ? `-${text}` : text;
}

/** `fmt.Sprintf("%v", v)` for the few shapes a YAML list element can take. */
export function goSprintV(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
    return goFormatFloatG(value);
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(goSprintV).join(' ')}]`;
  if (value instanceof Map) return `map[${[...value].map(([k, v]) => `${goSprintV(k)}:${goSprintV(v)}`).join(' ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareCodePoints(a, b));
  return `map[${entries.map(([k, v]) => `${k}:${goSprintV(v)}`).join(' ')}]`;
}

/** `%g` for float64 (shortest digits; exponent when < -4 or >= 6, Go style `e+06`). */
function goFormatFloatG(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const [mantissa = '0', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return goFormatFloatF(n);
}

/**
 * The float32 Flipt stores for a YAML number (rollout, percentage), as the shortest decimal that
 * rounds to it: what protojson writes for a `float` field.
 */
export function toFloat32(n: number): number {
  const f = Math.fround(n);
  if (!Number.isFinite(f) || f === 0) return f === 0 ? 0 : f;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}
