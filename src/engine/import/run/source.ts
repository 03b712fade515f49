/**
 * The source file of an import run as the engine and the upload route name it: a thin seam over the
 * streaming readers (engine/import/readers), which staged-rows.ts reads it with.
 */
import { ImportFileError, type SubmitFileType, detectFileType } from '../readers/index.js';
import type { CellValue } from '../readers/index.js';

export type SourceFileType = SubmitFileType;
export type Cell = CellValue;

/** An unreadable source file: the upload answers 400 / 3175, a run ends ERROR with this message. */
export { ImportFileError as SourceFileError };

/** The type of an upload from its first bytes (plus name and declared type as hints); throws SourceFileError. */
export function detectSourceType(firstBytes: Buffer, fileName?: string, declared?: string): SourceFileType {
  return detectFileType(firstBytes, fileName, declared);
}
