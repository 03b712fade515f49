/**
 * One writer per output format behind one interface: given the selected views (titles plus a lazy source
 * of row batches), a writer says which zip entries it makes and streams each one on demand. A view's
 * query only starts when the zip reaches its entry, so one view streams at a time.
 *
 * Implementations: `csvWriter` (csv.ts), `jsonWriter` (json.ts), `xlsxWriter` (xlsx.ts).
 */
import type { Readable } from 'node:stream';
import type { ExportFormat, ExportViewName } from '../options.js';
import type { Cell } from '../views/view.js';

/** A view as a format writer sees it. `rows()` is called once, when the view's entry is streamed. */
export interface ViewSource {
  name: ExportViewName;
  /** worksheet name for XLSX (at most 31 characters) */
  sheetName: string;
  titles: string[];
  rows(): AsyncIterable<Cell[][]>;
}

/** One entry of the export zip. `open()` is called when the zip is ready to take the entry's bytes. */
export interface PackageEntry {
  name: string;
  /** false for content that is already compressed (XLSX) */
  compress: boolean;
  open(): Readable;
}

export interface FormatWriter {
  readonly format: ExportFormat;
  entries(views: readonly ViewSource[]): PackageEntry[];
}
