/*
 * RFC 3339 date-times as Flipt's engine reads them (chrono's `parse_from_rfc3339`):
 * `YYYY-MM-DD` then `T`, `t` or a space, `HH:MM:SS`, optional `.` and one or more digits,
 * then `Z`, `z` or an offset `±HH:MM` (U+2212 also counts as minus) of at most 23:59.
 * A `:60` leap second reads as `:59`. Comparisons use whole seconds, so the fraction is dropped.
 */

/** Seconds since the Unix epoch, or NaN when `text` is not an RFC 3339 date-time. */
export function parseDateTime(text: string): number {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const sep = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 116 && sep !== 32) ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    !(month >= 1 && month <= 12) ||
    !(day >= 1 && day <= daysInMonth(year, month)) ||
    !(hour >= 0 && hour <= 23) ||
    !(minute >= 0 && minute <= 59) ||
    !(second >= 0 && second <= 60)
  ) {
    return NaN;
  }
  let i = 19;
  if (text.charCodeAt(i) === 46) {
    const start = ++i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === start) return NaN;
  }
  let offset = 0;
  const sign = text.charCodeAt(i);
  if (sign === 90 || sign === 122) {
    i++;
  } else {
    if (sign !== 43 && sign !== 45 && sign !== 0x2212) return NaN;
    const hours = digits(text, i + 1, 2);
    const minutes = digits(text, i + 4, 2);
    if (text.charCodeAt(i + 3) !== 58 || !(hours >= 0 && hours <= 23) || !(minutes >= 0 && minutes <= 59)) return NaN;
    offset = (hours * 60 + minutes) * 60 * (sign === 43 ? 1 : -1);
    i += 6;
  }
  if (i !== text.length) return NaN;
  return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + Math.min(second, 59) - offset;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The number written by `count` ASCII digits at `at`, or -1. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - 48;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}
