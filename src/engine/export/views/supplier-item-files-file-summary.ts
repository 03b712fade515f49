/**
 * SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY: one row per file of a supplier item in scope (each file once),
 * same columns as FILES_FILE_SUMMARY; contentPath is `supplierItemFiles/<fileGuid>/<name>` when included.
 */
import { supplierItemContentPath, supplierItemFileSet } from './file-scope.js';
import { fileSummaryColumns, fileSummaryQuery } from './file-summary.js';
import type { ExportView } from './view.js';

export const supplierItemFilesFileSummaryView: ExportView = {
  name: 'SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY',
  sheetName: 'SUPPLIERITEM_FILES_FILE_SUMMARY',
  columns: (ctx) => fileSummaryColumns(ctx, supplierItemContentPath),
  query: (ctx) => fileSummaryQuery(ctx, supplierItemFileSet(ctx)),
};
