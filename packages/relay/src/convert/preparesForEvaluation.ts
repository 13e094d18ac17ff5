import type { ConstraintDef } from './flagDocument.js';

/*
 * Flipt's server pre-parses constraint values before it puts a segment into a rule or rollout
 * (storage.EvaluationConstraint.PrepareForEvaluation). A segment with a constraint that fails
 * this step is logged and LEFT OUT of the rule's/rollout's segment list in the snapshot, which
 * changes evaluation (an AND rule with no segments matches everyone). We reproduce the check.
 */

const GO_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+|inf|infinity|nan)$/i;

/** Go's `strconv.ParseFloat(s, 64)` accepting `s`, approximately (syntax and range). */
function goParsesFloat(s: string): boolean {
  if (!GO_FLOAT.test(s)) return false;
  if (/inf|nan|^[+-]?0x/i.test(s)) return true;
  return Number.isFinite(Number(s));
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}

/** Go's `time.Parse(time.RFC3339, s)` or `time.Parse(time.DateOnly, s)` succeeding. */
function goParsesDatetime(s: string): boolean {
  const m = RFC3339.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, , , zh, zm] = m;
    if (!validDate(Number(y), Number(mo), Number(d))) return false;
    if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return false;
    if (zh !== undefined && (Number(zh) > 23 || Number(zm) > 59)) return false;
    return true;
  }
  const d = DATE_ONLY.exec(s);
  return d !== null && validDate(Number(d[1]), Number(d[2]), Number(d[3]));
}

function parseJsonArray(text: string, element: (v: unknown) => boolean): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  // Go's json.Unmarshal of `null` into a slice succeeds (nil slice).
  return parsed === null || (Array.isArray(parsed) && parsed.every(element));
}

/** Whether Flipt's server accepts this constraint; when not, it drops the whole segment. */
export function preparesForEvaluation(c: ConstraintDef): boolean {
  if (c.operator === 'isoneof' || c.operator === 'isnotoneof') {
    if (c.type === 'STRING_COMPARISON_TYPE' || c.type === 'ENTITY_ID_COMPARISON_TYPE') {
      return parseJsonArray(c.value, (v) => typeof v === 'string' || v === null);
    }
    if (c.type === 'NUMBER_COMPARISON_TYPE') {
      return parseJsonArray(c.value, (v) => (typeof v === 'number' && Number.isFinite(v)) || v === null);
    }
    return true;
  }
  if (['eq', 'neq', 'lt', 'lte', 'gt', 'gte'].includes(c.operator) && c.value !== '') {
    if (c.type === 'NUMBER_COMPARISON_TYPE') return goParsesFloat(c.value);
    if (c.type === 'DATETIME_COMPARISON_TYPE') return goParsesDatetime(c.value);
  }
  return true;
}
