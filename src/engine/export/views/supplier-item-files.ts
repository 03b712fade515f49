/**
 * SOURCING_SUPPLIERITEM_FILES: one row per file association of a supplier item in scope, ordered by
 * supplier-item number. Empty when both fileContent values are NONE (spec §7). Columns: parent.number,
 * parent.supplier.name, parent.supplier.guid, parent.guid, parent.name, file.name, file.location,
 * file.number, file.edition, file.title, file.storageMethodName, guid, primary, contentPath.
 */
import { sql } from 'kysely';
import { textOrder } from '../revision-pick.js';
import { fileAssociationViewsEmpty, supplierItemContentPath, supplierItemSet } from './file-scope.js';
import { type Column, type ColumnContext, type ExportView, type Row, bool, col, fields, text } from './view.js';

const F = fields({
  parentNumber: 'si.number',
  supplierName: 'sup.name',
  supplierGuid: 'sup.guid',
  parentGuid: 'si.guid',
  parentName: 'si.name',
  fileName: 'f.name',
  location: 'f.location',
  fileNumber: 'f.number',
  edition: 'f.edition',
  title: 'f.title',
  storageMethod: 'f.storage_method',
  guid: 'a.guid',
  primary: 'a."primary"',
  fileGuid: 'f.guid',
  blobKey: 'f.blob_key',
});

function columns(ctx: ColumnContext): Column<Row>[] {
  return [
    col('parent.number', (r) => text(r[F.parentNumber])),
    col('parent.supplier.name', (r) => text(r[F.supplierName])),
    col('parent.supplier.guid', (r) => text(r[F.supplierGuid])),
    col('parent.guid', (r) => text(r[F.parentGuid])),
    col('parent.name', (r) => text(r[F.parentName])),
    col('file.name', (r) => text(r[F.fileName])),
    col('file.location', (r) => text(r[F.location])),
    col('file.number', (r) => text(r[F.fileNumber])),
    col('file.edition', (r) => text(r[F.edition])),
    col('file.title', (r) => text(r[F.title])),
    col('file.storageMethodName', (r) => text(r[F.storageMethod])),
    col('guid', (r) => text(r[F.guid])),
    col('primary', (r) => bool(r[F.primary])),
    col('contentPath', (r) =>
      supplierItemContentPath(ctx, { guid: r[F.fileGuid], name: r[F.fileName], storageMethod: r[F.storageMethod], blobKey: r[F.blobKey] })),
  ];
}

export const supplierItemFilesView: ExportView = {
  name: 'SOURCING_SUPPLIERITEM_FILES',
  sheetName: 'SUPPLIERITEM_FILES',
  columns,
  query: (ctx) =>
    fileAssociationViewsEmpty(ctx.options)
      ? null
      : sql<{ j: unknown }>`
        SELECT ${F.select(ctx.store.dialect)}
        FROM ${supplierItemSet(ctx)} x
        JOIN supplier_items si ON si.id = x.si_id
        JOIN suppliers sup ON sup.id = si.supplier_id
        JOIN supplier_item_files a ON a.supplier_item_id = si.id
        JOIN files f ON f.id = a.file_id
        ORDER BY ${textOrder(ctx.store.dialect, 'si.number')}, si.id, a.id`.compile(ctx.store.db),
};
