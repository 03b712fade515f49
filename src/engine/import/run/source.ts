/**
 * The source file of an import run, seen as header + row batches: a thin seam over the streaming readers
 * (engine/import/readers), so the executor and the upload route name one module.
 */
import { ImportFileError, type SubmitFileType, detectFileType, openRows } from '../readers/index.js';
import type { CellValue, SheetRows } from '../readers/index.js';

export type SourceFileType = SubmitFileType;
export type Cell = CellValue;
export type SourceRows = SheetRows;

/** An unreadable source file: the upload answers 400 / 3175, a run ends ERROR with this message. */
export { ImportFileError as SourceFileError };

/** The type of an upload from its first bytes (plus name and declared type as hints); throws SourceFileError. */
export function detectSourceType(firstBytes: Buffer, fileName?: string, declared?: string): SourceFileType {
  return detectFileType(firstBytes, fileName, declared);
}

export function openSource(
  filePath: string, type: SourceFileType, opts: { worksheetName?: string | null; batchSize?: number; maxInflatedBytes?: number } = {},
): Promise<SourceRows> {
  return openRows(filePath, type, { worksheetName: opts.worksheetName ?? undefined, batchSize: opts.batchSize, maxInflatedBytes: opts.maxInflatedBytes });
}

export { ImportFileError };
