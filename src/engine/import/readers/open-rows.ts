/** Opens the rows of an upload with the reader for its type (see reader.ts for what they look like). */
import { openCsvRows } from './csv-reader.js';
import type { ReadOptions, SheetRows, SubmitFileType } from './reader.js';
import { openXlsxRows } from './xlsx-reader.js';

/**
 * Opens `file` (a path on disk) as `type` (from detectFileType) and reads up to its header row.
 * Throws ImportFileError when the file cannot be read as such; iterating `rows` may throw it too.
 */
export async function openRows(file: string, type: SubmitFileType, opts: ReadOptions = {}): Promise<SheetRows> {
  return type === 'EXCEL_WORKSHEET' ? openXlsxRows(file, opts) : openCsvRows(file, opts);
}
