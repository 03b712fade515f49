/**
 * FILES_FILE_SUMMARY: one row per file associated with an exported revision (each file once), ordered by
 * file number. contentPath is `files/<fileGuid>/<name>` when the zip carries the content.
 */
import { itemContentPath, itemFileSet } from './file-scope.js';
import { fileSummaryColumns, fileSummaryQuery } from './file-summary.js';
import type { ExportView } from './view.js';

export const filesFileSummaryView: ExportView = {
  name: 'FILES_FILE_SUMMARY',
  sheetName: 'FILES_FILE_SUMMARY',
  columns: (ctx) => fileSummaryColumns(ctx, itemContentPath),
  query: (ctx) => fileSummaryQuery(ctx, itemFileSet(ctx)),
};
