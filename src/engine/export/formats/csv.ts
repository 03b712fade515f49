/**
 * CSV: one `<VIEW>.csv` entry per view. UTF-8 without a byte-order mark, RFC 4180: comma separator,
 * CRLF record ends, a field quoted (quotes doubled) when it holds a comma, a quote, CR or LF. The header
 * row is always written, so an empty view is a file with only the header. Cells: booleans `true`/`false`,
 * numbers in JavaScript's shortest round-trip form, null as an empty field, text as is (a leading `=`
 * is not escaped: the file must import back unchanged).
 */
import { Readable } from 'node:stream';
import type { Cell } from '../views/view.js';
import type { FormatWriter, PackageEntry, ViewSource } from './format.js';

// Hand-written rather than csv-stringify: on export rows (30+ columns) csv-stringify 6.9 took 450-600 ms
// per 20,000 rows here, this loop 170 ms for the same bytes, and CSV encoding is most of an export's time.
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'string') return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return value ? 'true' : 'false';
}

/** RFC 4180 records, each ended by CRLF. */
export function csvLines(rows: readonly (readonly Cell[])[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      if (i > 0) out += ',';
      out += csvField(row[i]);
    }
    out += '\r\n';
  }
  return out;
}

async function* csvChunks(view: ViewSource): AsyncGenerator<string> {
  yield csvLines([view.titles]);
  for await (const batch of view.rows()) {
    if (batch.length > 0) yield csvLines(batch);
  }
}

export const csvWriter: FormatWriter = {
  format: 'csv',
  entries: (views) =>
    views.map(
      (view): PackageEntry => ({
        name: `${view.name}.csv`,
        compress: true,
        open: () => Readable.from(csvChunks(view), { objectMode: false }),
      }),
    ),
};
