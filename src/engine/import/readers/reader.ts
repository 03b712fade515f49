/**
 * The Import Engine's source readers behind one interface: a reader streams the rows of an uploaded CSV
 * file or XLSX worksheet as batches, holding one batch (plus one input chunk) in memory at a time.
 *
 * Implementations: `openCsvRows` (csv-reader.ts) and `openXlsxRows` (xlsx-reader.ts); `openRows`
 * (open-rows.ts) picks one, `detectFileType` (file-type.ts) says which.
 *
 * ```ts
 * const type = detectFileType(await readFirstBytes(path), fileName, run.submitFileType);
 * const sheet = await openRows(path, type, { worksheetName: run.submitWorksheetName });
 * for await (const batch of sheet.rows) {
 *   batch.rows.forEach((row, i) => handle(sheet.headers, row, batch.firstRowNumber + i));
 * }
 * ```
 *
 * What every reader guarantees (both formats alike):
 * - The header row is the first row that is not blank (normally row 1); `headers` holds its cells as
 *   text, untrimmed. Trailing empty header cells are dropped; an empty header cell between named ones
 *   is kept as `''`. Two headers that are equal ignoring case and surrounding white space are an error.
 * - A cell is `null` when it is empty (an empty CSV field, quoted or not; a missing or empty XLSX cell).
 *   Strings are never `''`. White space is kept: the engine's stripWhiteSpace option strips it.
 * - Every data row is padded with `null` to the header width. A row with values beyond the header width
 *   keeps them (trailing nulls beyond the width are dropped), so `row.length > headers.length` tells the
 *   engine that a row has cells without a header.
 * - Rows are consecutive: the rows of a batch are source rows `firstRowNumber`, `firstRowNumber + 1`, …
 *   Blank rows between data rows (and rows an XLSX file leaves out) are yielded as all-null rows;
 *   blank rows after the last data row are not yielded.
 * - Anything wrong with the file as a whole throws `ImportFileError`, from `openRows` or while iterating.
 */

import { THREAD_WORTH_BYTES } from '../../../worker-threads.js';

/** A cell: text, a number or a boolean (XLSX only; CSV cells are text), or null when empty. */
export type CellValue = string | number | boolean | null;

export interface RowBatch {
  rows: CellValue[][];
  /** 1-based row number, in the source file, of `rows[0]` (the header row is normally row 1) */
  firstRowNumber: number;
}

export interface SheetRows {
  headers: string[];
  /** the source row number of the header row (1 unless the file starts with blank rows) */
  headerRowNumber: number;
  /** XLSX: the name of the worksheet read */
  sheetName?: string;
  /** the data rows after the header, in batches. Iterate once; leaving the loop early closes the file. */
  rows: AsyncIterable<RowBatch>;
  /** Closes the file; needed only when `rows` is not iterated to its end or left early. Idempotent. */
  close(): Promise<void>;
}

export type SubmitFileType = 'CSV' | 'EXCEL_WORKSHEET';

export interface ReadOptions {
  /** XLSX: the worksheet to read (exact name, else case-insensitive); default the first worksheet */
  worksheetName?: string;
  /** rows per batch, default 1000 */
  batchSize?: number;
  /** XLSX: the most bytes the parts read may inflate to, all together (zip-bomb guard), default 2 GiB */
  maxInflatedBytes?: number;
  /** XLSX: the most shared strings held in memory, default 8,000,000 */
  maxSharedStrings?: number;
  /** XLSX: the most characters of shared strings held in memory, default 256 Mi */
  maxSharedStringChars?: number;
  /** CSV: the most bytes one row may take (an unclosed quote swallows the rest of the file), default 4 MiB */
  maxRowBytes?: number;
  /** files larger than this are read on a worker thread (threaded-rows.ts), default 8 MiB; Infinity: never */
  workerAboveBytes?: number;
}

export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_MAX_INFLATED_BYTES = 2 * 1024 ** 3;
export const DEFAULT_MAX_SHARED_STRINGS = 8_000_000;
export const DEFAULT_MAX_SHARED_STRING_CHARS = 256 * 1024 ** 2;
export const DEFAULT_MAX_ROW_BYTES = 4 * 1024 ** 2;
export const DEFAULT_WORKER_ABOVE_BYTES = THREAD_WORTH_BYTES;

/** `value` when it is a positive number (floored), else `fallback`: a bad option never disables a limit. */
export function positiveOption(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/**
 * What is wrong with an uploaded file, in words for the user who sent it: what, and where (row, column,
 * line or byte offset) when known. The engine turns it into a 4xx or an ERROR run; it is never a bug.
 */
export class ImportFileError extends Error {
  readonly reason: string;
  /** the source row the problem is in, when known */
  readonly rowNumber?: number;

  constructor(reason: string, rowNumber?: number) {
    super(reason);
    this.name = 'ImportFileError';
    this.reason = reason;
    if (rowNumber !== undefined) this.rowNumber = rowNumber;
  }
}

/** Formats a byte count for messages: `52,428,800 bytes (50 MiB)`. */
export function describeBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let unit = '';
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  const short = unit ? ` (${Number.isInteger(v) ? v : v.toFixed(1)} ${unit})` : '';
  return `${n.toLocaleString('en-US')} bytes${short}`;
}
