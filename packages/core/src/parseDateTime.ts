/*
 * RFC 3339 date-times as Flipt's engine reads them (chrono's `parse_from_rfc3339`):
 * `YYYY-MM-DD`, then `T`, `t` or a space, `HH:MM:SS`, optionally `.` and digits, then `Z`, `z`
 * or an offset `±HH:MM` (U+2212 also counts as minus) of at most 23:59. A `:60` leap second
 * reads as `:59`. Comparisons use whole seconds, so the fraction is dropped.
 */
const FORMAT = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(?:\.\d+)?(?:[Zz]|([+\-\u2212])([01]\d|2[0-3]):([0-5]\d))$/;

/** Seconds since the Unix epoch, or NaN when `text` is not an RFC 3339 date-time. */
export function parseDateTime(text: string): number {
  const match = FORMAT.exec(text);
  if (!match) return NaN;
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match.map(Number) as number[];
  // Date.UTC reads years below 100 as 19xx: shift by 400 years (a whole Gregorian cycle) and back.
  const date = new Date(Date.UTC(year! + 400, month! - 1, day!, hour!, minute!, second! > 59 ? 59 : second!));
  // A day past the end of its month rolls over into the next: such a date does not exist.
  return date.getUTCDate() === day
    ? date.getTime() / 1000 - 12622780800 - (match[7] ? (match[7] === '+' ? 60 : -60) * (offsetHours! * 60 + offsetMinutes!) : 0)
    : NaN;
}
