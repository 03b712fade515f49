/**
 * XLSX dates: a date is a number (days since the workbook's epoch) whose cell style has a date number
 * format. Which formats are dates, and the text a date cell reads as:
 *
 * - date-only formats (no hour, minute, second or AM/PM): `YYYY-MM-DD`; a time of day in the value is
 *   dropped, as Excel does when it displays the cell;
 * - formats with a date and a time: `YYYY-MM-DDTHH:mm:ssZ`;
 * - time-only formats (`h:mm`, `mm:ss`, `[h]:mm:ss`): `HH:mm:ss` when the value is under one day,
 *   else the full `YYYY-MM-DDTHH:mm:ssZ`.
 * Excel's dates have no time zone: the text is the wall-clock value written with `Z`. Values are rounded
 * to the second. The 1900 date system keeps Excel's leap-year bug (serial 60 is the nonexistent
 * 1900-02-29 and reads as 1900-02-28; serials below 60 are one day later than a plain count from
 * 1899-12-30); `date1904` workbooks count from 1904-01-01. A negative serial, or one past 9999-12-31,
 * is not a date Excel can show and stays a number.
 */

export const DateKind = { None: 0, Date: 1, DateTime: 2, Time: 3 } as const;
export type DateKind = (typeof DateKind)[keyof typeof DateKind];

/**
 * Built-in number formats that are dates or times (ECMA-376 §18.8.30): 14–22 and 45–47, plus the
 * East-Asian locale formats 27–36 and 50–58 Excel writes in those locales.
 */
const BUILTIN: ReadonlyMap<number, DateKind> = new Map<number, DateKind>([
  [14, DateKind.Date], [15, DateKind.Date], [16, DateKind.Date], [17, DateKind.Date],
  [18, DateKind.Time], [19, DateKind.Time], [20, DateKind.Time], [21, DateKind.Time],
  [22, DateKind.DateTime],
  [45, DateKind.Time], [46, DateKind.Time], [47, DateKind.Time],
  [27, DateKind.Date], [28, DateKind.Date], [29, DateKind.Date], [30, DateKind.Date], [31, DateKind.Date],
  [32, DateKind.Time], [33, DateKind.Time], [34, DateKind.Time], [35, DateKind.Time], [36, DateKind.Date],
  [50, DateKind.Date], [51, DateKind.Date], [52, DateKind.Date], [53, DateKind.Date], [54, DateKind.Date],
  [55, DateKind.Date], [56, DateKind.Date], [57, DateKind.Date], [58, DateKind.Date],
]);

export function builtinDateKind(numFmtId: number): DateKind {
  return BUILTIN.get(numFmtId) ?? DateKind.None;
}

/**
 * Whether a format code shows a date, a time or both. Only the first section (before `;`) counts.
 * Quoted text, `\x` escapes, `_x` spacers, `*x` fills and bracketed codes (colours, conditions,
 * locales) are ignored, except the elapsed-time codes `[h]`, `[mm]`, `[ss]`. Date tokens are `y`, `d`
 * and `m` (`m` is minutes next to a time token, so a format with a time and no `y`/`d` is time-only);
 * time tokens are `h`, `s` and `AM/PM` / `A/P`.
 */
export function formatDateKind(code: string): DateKind {
  let s = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === ';') break;
    if (c === '"') {
      const end = code.indexOf('"', i + 1);
      if (end === -1) break;
      i = end;
    } else if (c === '\\' || c === '_' || c === '*') {
      i++;
    } else if (c === '[') {
      const end = code.indexOf(']', i + 1);
      if (end === -1) break;
      const inner = code.slice(i + 1, end).toLowerCase();
      if (/^(h+|m+|s+)$/.test(inner)) s += inner;
      i = end;
    } else {
      s += c.toLowerCase();
    }
  }
  let time = false;
  if (s.includes('am/pm') || s.includes('a/p')) {
    time = true;
    s = s.replace(/am\/pm|a\/p/g, '');
  }
  if (/[hs]/.test(s)) time = true;
  const date = /[yd]/.test(s) || (!time && s.includes('m'));
  if (date && time) return DateKind.DateTime;
  if (date) return DateKind.Date;
  return time ? DateKind.Time : DateKind.None;
}

const DAY_SECONDS = 86400;
/** days from 1970-01-01 to each epoch: 1899-12-30, 1899-12-31 (serials below 60), 1904-01-01 */
const DAYS_1899_12_30 = -25569;
const DAYS_1899_12_31 = -25568;
const DAYS_1904_01_01 = -24107;
/** serial of 9999-12-31 in the 1900 system */
const MAX_SERIAL_1900 = 2958465;
const MAX_SERIAL_1904 = MAX_SERIAL_1900 - 1462;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` of a day count from 1970-01-01 (proleptic Gregorian; H. Hinnant's civil_from_days). */
function civilDate(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

function clock(seconds: number): string {
  return `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
}

/** The text of a date-formatted number, or the number itself when it is out of Excel's date range. */
export function serialToText(serial: number, kind: DateKind, date1904: boolean): string | number {
  if (!(serial >= 0)) return serial;
  const seconds = Math.round(serial * DAY_SECONDS);
  const whole = Math.floor(seconds / DAY_SECONDS);
  if (whole > (date1904 ? MAX_SERIAL_1904 : MAX_SERIAL_1900)) return serial;
  if (kind === DateKind.Time && seconds < DAY_SECONDS) return clock(seconds);
  const epoch = date1904 ? DAYS_1904_01_01 : whole < 60 ? DAYS_1899_12_31 : DAYS_1899_12_30;
  const date = civilDate(epoch + whole);
  return kind === DateKind.Date ? date : `${date}T${clock(seconds - whole * DAY_SECONDS)}Z`;
}

/**
 * The text of a `t="d"` cell (an ISO 8601 date written by some producers): `YYYY-MM-DD` when it has no
 * time, else `YYYY-MM-DDTHH:mm:ssZ` (an offset, if present, is applied). Unparseable text stays as is.
 */
export function isoCellToText(text: string): string {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(t);
  const ms = Date.parse(hasZone ? t : `${t}Z`);
  if (Number.isNaN(ms)) return text;
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
