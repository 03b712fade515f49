/** Opens the rows of an upload with the reader for its type (see reader.ts for what they look like). */
import fs from 'node:fs';
import { openCsvRows } from './csv-reader.js';
import { DEFAULT_WORKER_ABOVE_BYTES, type ReadOptions, type SheetRows, type SubmitFileType } from './reader.js';
import { openRowsInWorker } from './threaded-rows.js';
import { openXlsxRows } from './xlsx-reader.js';

/**
 * Opens `file` (a path on disk) as `type` (from detectFileType) and reads up to its header row, on a
 * worker thread when the file is larger than `opts.workerAboveBytes`.
 * Throws ImportFileError when the file cannot be read as such; iterating `rows` may throw it too.
 */
export async function openRows(file: string, type: SubmitFileType, opts: ReadOptions = {}): Promise<SheetRows> {
  const threshold = opts.workerAboveBytes ?? DEFAULT_WORKER_ABOVE_BYTES;
  if (Number.isFinite(threshold) && (await fs.promises.stat(file)).size > threshold) return openRowsInWorker(file, type, opts);
  return type === 'EXCEL_WORKSHEET' ? openXlsxRows(file, opts) : openCsvRows(file, opts);
}
