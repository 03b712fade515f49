/**
 * CSV: one `<VIEW>.csv` entry per view. UTF-8 without a byte-order mark, RFC 4180: comma separator,
 * CRLF record ends, a field quoted (quotes doubled) when it holds a comma, a quote, CR or LF. The header
 * row is always written, so an empty view is a file with only the header. Cells: booleans `true`/`false`,
 * numbers in JavaScript's shortest round-trip form, null as an empty field, text as is (a leading `=`
 * is not escaped: the file must import back unchanged).
 */
import { Readable } from 'node:stream';
import { type Options, stringify } from 'csv-stringify/sync';
import type { Cell } from '../views/view.js';
import type { FormatWriter, PackageEntry, ViewSource } from './format.js';

export const CSV_OPTIONS: Options = Object.freeze({
  delimiter: ',',
  record_delimiter: '\r\n',
  quote: '"',
  escape: '"',
  // csv-stringify only quotes the record delimiter as a whole; a lone LF or CR inside a value must be quoted too.
  quoted_match: /[\r\n]/,
  cast: {
    boolean: (v: boolean) => (v ? 'true' : 'false'),
    number: (v: number) => (Number.isFinite(v) ? String(v) : ''),
  },
});

export function csvLines(rows: Cell[][]): string {
  return stringify(rows, CSV_OPTIONS);
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
