/**
 * The file-summary columns shared by FILES_FILE_SUMMARY and SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY
 * (spec §7): name, location, number, edition, title, storageMethodName, category.guid, category.name,
 * category.path, guid, description, author.fullName, format, size, creationDateTime,
 * lastModifiedDateTime, hasMarkup, mimeType, private, latest, locked, contentPath.
 */
import { type RawBuilder, sql } from 'kysely';
import { textOrder } from '../revision-pick.js';
import type { FileContentRef } from './file-scope.js';
import { type Column, type ColumnContext, type Row, type ViewContext, bool, col, fields, num, text } from './view.js';

const F = fields({
  name: 'f.name',
  location: 'f.location',
  number: 'f.number',
  edition: 'f.edition',
  title: 'f.title',
  storageMethod: 'f.storage_method',
  categoryGuid: 'c.guid',
  categoryName: 'c.name',
  categoryPath: 'c.path',
  guid: 'f.guid',
  description: 'f.description',
  author: 'au.full_name',
  format: 'f.format',
  size: 'f.size',
  createdAt: 'f.created_at',
  modifiedAt: 'f.modified_at',
  hasMarkup: 'f.has_markup',
  mimeType: 'f.mime_type',
  private: 'f.private',
  latest: 'f.latest',
  locked: 'f.locked',
  blobKey: 'f.blob_key',
  anyPrimary: 'fs.any_primary',
});

export function fileSummaryColumns(
  ctx: ColumnContext,
  contentPath: (ctx: ColumnContext, file: FileContentRef & { anyPrimary: unknown }) => string | null,
): Column<Row>[] {
  return [
    col('name', (r) => text(r[F.name])),
    col('location', (r) => text(r[F.location])),
    col('number', (r) => text(r[F.number])),
    col('edition', (r) => text(r[F.edition])),
    col('title', (r) => text(r[F.title])),
    col('storageMethodName', (r) => text(r[F.storageMethod])),
    col('category.guid', (r) => text(r[F.categoryGuid])),
    col('category.name', (r) => text(r[F.categoryName])),
    col('category.path', (r) => text(r[F.categoryPath])),
    col('guid', (r) => text(r[F.guid])),
    col('description', (r) => text(r[F.description])),
    col('author.fullName', (r) => text(r[F.author])),
    col('format', (r) => text(r[F.format])),
    col('size', (r) => num(r[F.size])),
    col('creationDateTime', (r) => text(r[F.createdAt])),
    col('lastModifiedDateTime', (r) => text(r[F.modifiedAt])),
    col('hasMarkup', (r) => bool(r[F.hasMarkup])),
    col('mimeType', (r) => text(r[F.mimeType])),
    col('private', (r) => bool(r[F.private])),
    col('latest', (r) => bool(r[F.latest])),
    col('locked', (r) => bool(r[F.locked])),
    col('contentPath', (r) =>
      contentPath(ctx, {
        guid: r[F.guid], name: r[F.name], storageMethod: r[F.storageMethod], blobKey: r[F.blobKey], anyPrimary: r[F.anyPrimary],
      })),
  ];
}

/**
 * One row per file of `fileSet` (a subquery with `file_id` and `any_primary`), ordered by file number.
 */
export function fileSummaryQuery(ctx: ViewContext, fileSet: RawBuilder<unknown>) {
  return sql<{ j: unknown }>`
    SELECT ${F.select(ctx.store.dialect)}
    FROM ${fileSet} fs
    JOIN files f ON f.id = fs.file_id
    LEFT JOIN categories c ON c.id = f.category_id
    LEFT JOIN users au ON au.id = f.author_id
    ORDER BY ${textOrder(ctx.store.dialect, 'f.number')}, f.id`.compile(ctx.store.db);
}
