/*
 * RFC 3339 date-times as Flipt's engine reads them (chrono's `parse_from_rfc3339`):
 * `YYYY-MM-DD`, then `T`, `t` or a space, `HH:MM:SS`, optionally `.` and digits, then `Z`, `z`
 * or an offset `±HH:MM` (U+2212 also counts as minus) of at most 23:59. A `:60` leap second
 * reads as `:59`. Comparisons use whole seconds, so the fraction is dropped. Evaluation parses
 * context values on every call, so this allocates nothing.
 */
const FORMAT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+\-\u2212]([01]\d|2[0-3]):[0-5]\d)$/;

/** Seconds since the Unix epoch, or NaN when `text` is not an RFC 3339 date-time. */
export function parseDateTime(text: string): number {
  if (!FORMAT.test(text)) return NaN;
  const end = text.length;
  const year = pair(text, 0) * 100 + pair(text, 2);
  const month = pair(text, 5);
  const day = pair(text, 8);
  // Months have 30 or 31 days by this bit trick; February 28 or 29.
  const days = month === 2 ? 28 + +(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) : 30 + ((month ^ (month >> 3)) & 1);
  const offset = text.charCodeAt(end - 1) > 57 ? 0 : (pair(text, end - 5) * 60 + pair(text, end - 2)) * (text.charCodeAt(end - 6) === 43 ? 60 : -60);
  if (day > days) return NaN;
  // Days since 1970-01-01 (H. Hinnant's days_from_civil): integer arithmetic, unlike Date.UTC
  // it costs next to nothing, and it has no two-digit-year special case.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const epochDay = era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
  return epochDay * 86400 + pair(text, 11) * 3600 + pair(text, 14) * 60 + Math.min(pair(text, 17), 59) - offset;
}

/** The two-digit number at `at`. */
function pair(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
}
