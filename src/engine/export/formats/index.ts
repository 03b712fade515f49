/** The format writer for an export's `format` option. */
import type { ExportFormat } from '../options.js';
import { csvWriter } from './csv.js';
import type { FormatWriter } from './format.js';
import { jsonWriter } from './json.js';
import { xlsxWriter } from './xlsx.js';

const WRITERS: Readonly<Record<ExportFormat, FormatWriter>> = { csv: csvWriter, json: jsonWriter, xlsx: xlsxWriter };

export function formatWriter(format: ExportFormat): FormatWriter {
  return WRITERS[format];
}

export type { FormatWriter, PackageEntry, ViewSource } from './format.js';
export { XLSX_ENTRY_NAME } from './xlsx.js';
