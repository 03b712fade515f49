/**
 * The ten export views (spec §7), by name, in canonical order.
 */
import type { ExportViewName } from '../options.js';
import { bomView } from './bom.js';
import { bomSubstitutesView } from './bom-substitutes.js';
import { filesView } from './files.js';
import { filesFileSummaryView } from './files-file-summary.js';
import { sourcingView } from './sourcing.js';
import { specsView } from './specs.js';
import { supplierItemFilesView } from './supplier-item-files.js';
import { supplierItemFilesFileSummaryView } from './supplier-item-files-file-summary.js';
import { supplierItemSpecsView } from './supplier-item-specs.js';
import { supplierProfileView } from './supplier-profile.js';
import type { ColumnContext, ExportView } from './view.js';

export const VIEWS: Readonly<Record<ExportViewName, ExportView>> = Object.freeze({
  SPECS: specsView,
  BOM: bomView,
  BOM_SUBSTITUTES: bomSubstitutesView,
  SOURCING: sourcingView,
  FILES: filesView,
  FILES_FILE_SUMMARY: filesFileSummaryView,
  SOURCING_SUPPLIERITEM_SPECS: supplierItemSpecsView,
  SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE: supplierProfileView,
  SOURCING_SUPPLIERITEM_FILES: supplierItemFilesView,
  SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY: supplierItemFilesFileSummaryView,
});

/** The column titles of a view, in order (the header row). */
export function viewTitles(view: ExportViewName, ctx: ColumnContext): string[] {
  return VIEWS[view].columns(ctx).map((c) => c.title);
}

export { type Cell, type Column, type ColumnContext, type ExportView, type ViewContext, viewRows } from './view.js';
export { type CustomAttribute, type CustomAttributes, loadCustomAttributes, noCustomAttributes } from './custom-attributes.js';
