/**
 * Rows as the bulk loads take them (Store.bulkLoad), encoded for the dialect; and rows packed to cross
 * from the thread that makes them (an import's staging thread) to the database's thread as cheaply as
 * they can.
 */
import type { Dialect } from './store.js';

/**
 * A batch of rows as SQLite inserts it: the columns that are not null in every row (the others are left to
 * their default: binding a null costs as much as a value; 1M import rows: 2.6 s with 27 columns of which 15
 * null, 1.6 s without) and their values, row after row, in one flat array (a third less structured-clone
 * time than an array per row).
 */
export interface FlatRows {
  columns: string[];
  values: unknown[];
}

/** A batch of rows for Store.bulkLoad: FlatRows on SQLite, the text of COPY … (FORMAT csv) on PostgreSQL. */
export type EncodedRows = FlatRows | string;

/**
 * Rows as they cross between threads: every string value in one string, cut at `ends`, and the
 * numbers and the kind of each value in typed arrays (transferred, not copied). The structured clone of a
 * million rows' values took the receiving thread 1.0 s, cutting the one string 0.2 s.
 */
export interface PackedRows {
  columns: string[];
  text: string;
  /** per value: 0 null, 1 a number (in `numbers`), 2 a string (`text` up to `ends`, from the previous string's end) */
  kinds: Uint8Array;
  numbers: Float64Array;
  ends: Uint32Array;
}

/**
 * `rows` packed to cross between threads (in one pass over the rows), and the buffers to transfer with
 * them: for SQLite the columns that flatRows would keep, for PostgreSQL every column (COPY takes them all).
 * The receiving thread makes the EncodedRows (unpackedRows): on PostgreSQL that thread would otherwise
 * wait on the staging thread, which spent 1.5 s of a million rows' 7 s on COPY's quoting.
 */
export function packedRows(dialect: Dialect, columns: string[], rows: unknown[][]): { rows: PackedRows; transfer: ArrayBuffer[] } {
  const live = dialect === 'sqlite' ? liveColumns(columns, rows) : columns.map((_, c) => c);
  const width = live.length;
  const count = rows.length * width;
  const kinds = new Uint8Array(count);
  const numbers = new Float64Array(count);
  const ends = new Uint32Array(count);
  const parts: string[] = [];
  let length = 0;
  for (let r = 0, i = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < width; c++, i++) {
      const v = row[live[c]];
      if (v === null || v === undefined) continue;
      if (typeof v === 'number') {
        kinds[i] = 1;
        numbers[i] = v;
      } else if (typeof v === 'string') {
        kinds[i] = 2;
        parts.push(v);
        length += v.length;
        ends[i] = length;
      } else throw new TypeError(`a staged value must be a number, a string or null, not ${typeof v}`);
    }
  }
  const packed = { columns: live.map((c) => columns[c]), text: parts.join(''), kinds, numbers, ends };
  return { rows: packed, transfer: [kinds.buffer, numbers.buffer, ends.buffer] };
}

/** What packedRows packed for `dialect`, as encodeRows makes it. */
export function unpackedRows(dialect: Dialect, rows: PackedRows): EncodedRows {
  return dialect === 'sqlite' ? unpackedFlat(rows) : unpackedCopyCsv(rows);
}

function unpackedFlat({ columns, kinds, numbers, ends, text }: PackedRows): FlatRows {
  const values = new Array<unknown>(kinds.length);
  let at = 0;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    if (kind === 0) values[i] = null;
    else if (kind === 1) values[i] = numbers[i];
    else {
      values[i] = text.substring(at, ends[i]);
      at = ends[i];
    }
  }
  return { columns, values };
}

/** copyCsv of the packed rows. */
function unpackedCopyCsv({ columns, kinds, numbers, ends, text }: PackedRows): string {
  // one test of the whole batch's strings instead of one per value: most batches have nothing to quote
  const plain = !NEEDS_QUOTES.test(text);
  const last = columns.length - 1;
  let csv = '';
  let at = 0;
  for (let i = 0, c = 0; i < kinds.length; i++, c = c === last ? 0 : c + 1) {
    const kind = kinds[i];
    if (kind === 1) csv += String(numbers[i]);
    else if (kind === 2) {
      const s = text.substring(at, ends[i]);
      at = ends[i];
      csv += plain && s !== '' && s !== '\\.' ? s : copyField(s);
    }
    csv += c === last ? '\n' : ',';
  }
  return csv;
}

/** `rows` (values in `columns` order) encoded for `dialect`; for PostgreSQL, every column is in the text. */
export function encodeRows(dialect: Dialect, columns: string[], rows: unknown[][]): EncodedRows {
  return dialect === 'sqlite' ? flatRows(columns, rows) : copyCsv(rows);
}

export function flatRows(columns: string[], rows: unknown[][]): FlatRows {
  const live = liveColumns(columns, rows);
  const width = live.length;
  const values = new Array<unknown>(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < width; c++) values[r * width + c] = row[live[c]] ?? null;
  }
  return { columns: live.map((c) => columns[c]), values };
}

/** The positions of the columns not null in every row (all of them when every value is null: such rows are still rows). */
export function liveColumns(columns: string[], rows: unknown[][]): number[] {
  const seen = new Array<boolean>(columns.length).fill(false);
  let found = 0;
  for (const row of rows) {
    for (let c = 0; c < columns.length; c++) {
      if (!seen[c] && row[c] !== null && row[c] !== undefined) {
        seen[c] = true;
        found++;
      }
    }
    if (found === columns.length) break;
  }
  const live: number[] = [];
  for (let c = 0; c < columns.length; c++) if (seen[c] || found === 0) live.push(c);
  return live;
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * COPY's CSV: NULL is an empty unquoted field, so an empty string is quoted (and `\.`, the end-of-data
 * marker); booleans are 1/0 as stored.
 */
export function copyCsv(rows: unknown[][]): string {
  let text = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (i > 0) text += ',';
      if (v === null || v === undefined) continue;
      text += copyField(typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'string' ? v : String(v));
    }
    text += '\n';
  }
  return text;
}

function copyField(s: string): string {
  return s === '' || s === '\\.' || NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
