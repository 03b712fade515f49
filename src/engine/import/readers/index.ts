/** The Import Engine's streaming source readers (CSV, XLSX): see reader.ts. */
export {
  type CellValue,
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_INFLATED_BYTES,
  DEFAULT_MAX_ROW_BYTES,
  DEFAULT_MAX_SHARED_STRING_CHARS,
  DEFAULT_MAX_SHARED_STRINGS,
  ImportFileError,
  type ReadOptions,
  type RowBatch,
  type SheetRows,
  type SubmitFileType,
} from './reader.js';
export { detectFileType, parseSubmitFileType, readFirstBytes, SNIFF_BYTES, XLS_NOT_SUPPORTED } from './file-type.js';
export { openRows } from './open-rows.js';
export { openCsvRows } from './csv-reader.js';
export { openXlsxRows, columnLetters } from './xlsx-reader.js';
