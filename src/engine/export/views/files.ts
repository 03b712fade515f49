/**
 * FILES: one row per file association of an exported revision, ordered by item number. Empty when both
 * fileContent values are NONE (spec §7). Columns: parent.guid, parent.revisionNumber, parent.name,
 * parent.number, file.name, file.location, file.guid, file.number, file.edition, file.title,
 * file.storageMethodName, latestEditionAssociation, primary, contentPath. A file that is in the zip has
 * its contentPath on every association row, primary or not.
 */
import { sql } from 'kysely';
import { textOrder } from '../revision-pick.js';
import { exportedRevisions } from './exported-revisions.js';
import { fileAssociationViewsEmpty, itemContentPath, itemFileSet } from './file-scope.js';
import { type Column, type ColumnContext, type ExportView, type Row, bool, col, fields, text } from './view.js';

const FIELD_SPEC = {
  parentGuid: 'r.guid',
  parentRevision: 'r.revision_number',
  parentName: 'r.name',
  parentNumber: 'i.number',
  fileName: 'f.name',
  location: 'f.location',
  fileGuid: 'f.guid',
  fileNumber: 'f.number',
  edition: 'f.edition',
  title: 'f.title',
  storageMethod: 'f.storage_method',
  latestEditionAssociation: 'a.latest_edition_association',
  primary: 'a."primary"',
  blobKey: 'f.blob_key',
  // PRIMARY includes a file when any exported association is primary: the flag comes from the per-file
  // aggregate `fs`, joined only in that mode.
  anyPrimary: 'fs.any_primary',
};

const F = fields(FIELD_SPEC);
/** The same positions without the aggregate, for the modes that do not need it. */
const F_NO_PRIMARY = fields({ ...FIELD_SPEC, anyPrimary: 'NULL' });

function columns(ctx: ColumnContext): Column<Row>[] {
  return [
    col('parent.guid', (r) => text(r[F.parentGuid])),
    col('parent.revisionNumber', (r) => text(r[F.parentRevision])),
    col('parent.name', (r) => text(r[F.parentName])),
    col('parent.number', (r) => text(r[F.parentNumber])),
    col('file.name', (r) => text(r[F.fileName])),
    col('file.location', (r) => text(r[F.location])),
    col('file.guid', (r) => text(r[F.fileGuid])),
    col('file.number', (r) => text(r[F.fileNumber])),
    col('file.edition', (r) => text(r[F.edition])),
    col('file.title', (r) => text(r[F.title])),
    col('file.storageMethodName', (r) => text(r[F.storageMethod])),
    col('latestEditionAssociation', (r) => bool(r[F.latestEditionAssociation])),
    col('primary', (r) => bool(r[F.primary])),
    col('contentPath', (r) =>
      itemContentPath(ctx, {
        guid: r[F.fileGuid], name: r[F.fileName], storageMethod: r[F.storageMethod], blobKey: r[F.blobKey], anyPrimary: r[F.anyPrimary],
      })),
  ];
}

export const filesView: ExportView = {
  name: 'FILES',
  sheetName: 'FILES',
  columns,
  query: (ctx) => {
    if (fileAssociationViewsEmpty(ctx.options)) return null;
    const primary = ctx.options.fileContent.item === 'PRIMARY';
    const { from, where } = exportedRevisions(ctx, 'r', 'i');
    // LEFT JOIN keeps `fs` an inner loop (every association's file is in it), so the item walk stays outermost.
    return sql<{ j: unknown }>`
      SELECT ${(primary ? F : F_NO_PRIMARY).select(ctx.store.dialect)}
      ${from}
      JOIN item_files a ON a.rev_id = r.id
      JOIN files f ON f.id = a.file_id
      ${primary ? sql`LEFT JOIN ${itemFileSet(ctx)} fs ON fs.file_id = a.file_id` : sql``}
      ${where}
      ORDER BY ${textOrder(ctx.store.dialect, 'i.number')}, e.level, r.id, a.id`.compile(ctx.store.db);
  },
};
