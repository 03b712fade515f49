/**
 * Which files an export touches and which of them travel in the zip, shared by the four file views and
 * by the packager (so a `contentPath` always names an entry that exists).
 *
 * - Item files: files associated with an exported revision. With `fileContent.item` ALL every one of them
 *   is included; with PRIMARY those associated as primary with at least one exported revision.
 * - Supplier items in scope: the manufacturer and vendor items of the exported revisions' sourcing.
 *   Supplier-item files: files of those supplier items; included when `fileContent.supplierItem` is ALL.
 * - Only FILE-stored files with a blob have content; WEB/FTP/PLACE_HOLDER rows keep an empty contentPath,
 *   as does a file whose blob is missing (recorded while the zip is written, before the views).
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { ExportOptions } from '../options.js';
import { itemFileEntryName, supplierItemFileEntryName } from '../entry-names.js';
import type { ColumnContext, ViewContext } from './view.js';

/** (file_id, any_primary) of every file associated with an exported revision. */
export function itemFileSet(ctx: ViewContext): RawBuilder<unknown> {
  return sql`(
    SELECT a.file_id, MAX(a."primary") AS any_primary
    FROM export_run_items e
    JOIN item_files a ON a.rev_id = e.rev_id
    WHERE e.run_id = ${ctx.runId}
    GROUP BY a.file_id)`;
}

/** (si_id) of every supplier item sourced by an exported revision, once each. */
export function supplierItemSet(ctx: ViewContext): RawBuilder<unknown> {
  return sql`(
    SELECT s.mfr_item_id AS si_id
    FROM export_run_items e JOIN sourcing s ON s.rev_id = e.rev_id
    WHERE e.run_id = ${ctx.runId} AND s.mfr_item_id IS NOT NULL
    UNION
    SELECT s.vendor_item_id AS si_id
    FROM export_run_items e JOIN sourcing s ON s.rev_id = e.rev_id
    WHERE e.run_id = ${ctx.runId} AND s.vendor_item_id IS NOT NULL)`;
}

/** (file_id, any_primary) of every file of a supplier item in scope, once each. */
export function supplierItemFileSet(ctx: ViewContext): RawBuilder<unknown> {
  return sql`(
    SELECT a.file_id, MAX(a."primary") AS any_primary
    FROM ${supplierItemSet(ctx)} x
    JOIN supplier_item_files a ON a.supplier_item_id = x.si_id
    GROUP BY a.file_id)`;
}

/** Spec §7: FILES and SOURCING_SUPPLIERITEM_FILES are empty when both fileContent values are NONE. */
export function fileAssociationViewsEmpty(options: ExportOptions): boolean {
  return options.fileContent.item === 'NONE' && options.fileContent.supplierItem === 'NONE';
}

/** SQL condition: the file (alias `f`) has content a zip can carry. */
export function hasStoredContent(alias = 'f'): RawBuilder<SqlBool> {
  return sql.raw<SqlBool>(`${alias}.storage_method = 'FILE' AND ${alias}.blob_key IS NOT NULL`);
}

/** What decides a file row's contentPath. */
export interface FileContentRef {
  guid: unknown;
  name: unknown;
  storageMethod: unknown;
  blobKey: unknown;
}

function storedContent(ctx: ColumnContext, f: FileContentRef): boolean {
  return f.storageMethod === 'FILE' && f.blobKey != null && !ctx.missingContent.has(String(f.guid));
}

function nameOf(f: FileContentRef): string | null {
  return f.name == null ? null : String(f.name);
}

/** contentPath of an item file: its entry name when the zip carries it, else null (an empty cell). */
export function itemContentPath(ctx: ColumnContext, f: FileContentRef & { anyPrimary: unknown }): string | null {
  const mode = ctx.options.fileContent.item;
  const wanted = mode === 'ALL' || (mode === 'PRIMARY' && Number(f.anyPrimary) === 1);
  return wanted && storedContent(ctx, f) ? itemFileEntryName(String(f.guid), nameOf(f)) : null;
}

/** contentPath of a supplier-item file. */
export function supplierItemContentPath(ctx: ColumnContext, f: FileContentRef): string | null {
  return ctx.options.fileContent.supplierItem === 'ALL' && storedContent(ctx, f)
    ? supplierItemFileEntryName(String(f.guid), nameOf(f))
    : null;
}

/** A file whose content goes into the zip. */
export interface ContentFile {
  guid: string;
  name: string | null;
  blob_key: string;
}

/** The item files to put in the zip for these options (null when none), ordered by GUID. */
export function itemContentFilesQuery(ctx: ViewContext) {
  const mode = ctx.options.fileContent.item;
  if (mode === 'NONE') return null;
  const primaryOnly = mode === 'PRIMARY' ? sql`AND fs.any_primary = 1` : sql``;
  return sql<ContentFile>`
    SELECT f.guid, f.name, f.blob_key
    FROM ${itemFileSet(ctx)} fs
    JOIN files f ON f.id = fs.file_id
    WHERE ${hasStoredContent()} ${primaryOnly}
    ORDER BY f.guid`.compile(ctx.store.db);
}

/** The supplier-item files to put in the zip (null when none), ordered by GUID. */
export function supplierItemContentFilesQuery(ctx: ViewContext) {
  if (ctx.options.fileContent.supplierItem !== 'ALL') return null;
  return sql<ContentFile>`
    SELECT f.guid, f.name, f.blob_key
    FROM ${supplierItemFileSet(ctx)} fs
    JOIN files f ON f.id = fs.file_id
    WHERE ${hasStoredContent()}
    ORDER BY f.guid`.compile(ctx.store.db);
}
