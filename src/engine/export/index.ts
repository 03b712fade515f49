/**
 * The Export Engine: definition options, run execution, and the pieces it is built from.
 *
 * ```ts
 * const def = validateDefinitionBody(body);                 // POST /exports
 * checkArenaLimits(await countSelection(store, ws, criteria, def.options), def.options);  // with --arena-limits
 * await executeExportRun(services, runId);                 // run queue worker
 * ```
 */
export {
  BOM_LEVELS, DEFAULT_EXPORT_OPTIONS, EXPORT_FORMATS, EXPORT_VIEWS, HEADER_STYLES, ITEM_FILE_CONTENT, REVISION_STATUSES,
  SUPPLIER_ITEM_FILE_CONTENT, type BomLevels, type ExportDefinitionInput, type ExportFormat, type ExportOptions,
  type ExportViewName, type FileContentOptions, type HeaderStyle, type RevisionStatus, normalizeExportOptions, orderedViews,
  validateDefinitionBody,
} from './options.js';
export { type MaterialisedSelection, type SelectionCounts, type SelectionSpec, clearSelection, countMatches, materialiseSelection } from './selection.js';
export { type ExportCounts, MAX_EXPORT_ITEMS, MAX_LINES_WITH_BOM_OR_FILES, checkArenaLimits, countSelection } from './limits.js';
export { executeExportRun, exportBlobKey, exportFileName } from './executor.js';
export { MAX_MISSING_CONTENT, type ZipResult, exportEntries, writeExportPackage, writeZip } from './package.js';
export { formatWriter, type FormatWriter, type PackageEntry, type ViewSource, XLSX_ENTRY_NAME } from './formats/index.js';
export { VIEWS, viewTitles, type Cell, type ColumnContext, type ViewContext, loadCustomAttributes, noCustomAttributes } from './views/index.js';
export { isSafeEntryName, itemFileEntryName, sanitizeFileName, supplierItemFileEntryName } from './entry-names.js';
