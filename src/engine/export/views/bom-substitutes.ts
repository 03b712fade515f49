/**
 * BOM_SUBSTITUTES: one row per substitute of the BOM lines the BOM view shows. Empty when BOM is not among
 * the exportViews or bomLevels is NONE (spec §7). Columns: parent.*, item.*, substitute.* (each number,
 * guid, revisionNumber, name), bom.guid, guid, rank, quantity, notes. The substitute's revision follows the
 * child rule of the selection.
 */
import { sql } from 'kysely';
import { bomLineOrder, childRevision, textOrder } from '../revision-pick.js';
import { bomLinesEmpty, bomLinesFrom, bomLinesWhere } from './bom-lines.js';
import { type Column, type ExportView, type Row, col, fields, num, text } from './view.js';

const F = fields({
  parentNumber: 'pi.number',
  parentGuid: 'p.guid',
  parentRevision: 'p.revision_number',
  parentName: 'p.name',
  itemNumber: 'ci.number',
  itemGuid: 'c.guid',
  itemRevision: 'c.revision_number',
  itemName: 'c.name',
  substituteNumber: 'si.number',
  substituteGuid: 'sr.guid',
  substituteRevision: 'sr.revision_number',
  substituteName: 'sr.name',
  bomGuid: 'b.guid',
  guid: 's.guid',
  rank: 's.rank',
  quantity: 's.quantity',
  notes: 's.notes',
});

const COLUMNS: Column<Row>[] = [
  col('parent.number', (r) => text(r[F.parentNumber])),
  col('parent.guid', (r) => text(r[F.parentGuid])),
  col('parent.revisionNumber', (r) => text(r[F.parentRevision])),
  col('parent.name', (r) => text(r[F.parentName])),
  col('item.number', (r) => text(r[F.itemNumber])),
  col('item.guid', (r) => text(r[F.itemGuid])),
  col('item.revisionNumber', (r) => text(r[F.itemRevision])),
  col('item.name', (r) => text(r[F.itemName])),
  col('substitute.number', (r) => text(r[F.substituteNumber])),
  col('substitute.guid', (r) => text(r[F.substituteGuid])),
  col('substitute.revisionNumber', (r) => text(r[F.substituteRevision])),
  col('substitute.name', (r) => text(r[F.substituteName])),
  col('bom.guid', (r) => text(r[F.bomGuid])),
  col('guid', (r) => text(r[F.guid])),
  col('rank', (r) => num(r[F.rank])),
  col('quantity', (r) => num(r[F.quantity])),
  col('notes', (r) => text(r[F.notes])),
];

export const bomSubstitutesView: ExportView = {
  name: 'BOM_SUBSTITUTES',
  sheetName: 'BOM_SUBSTITUTES',
  columns: () => COLUMNS,
  query: (ctx) =>
    bomLinesEmpty(ctx) || !ctx.options.exportViews.includes('BOM')
      ? null
      : sql<{ j: unknown }>`
        SELECT ${F.select(ctx.store.dialect)}
        ${bomLinesFrom(ctx)}
        JOIN bom_substitutes s ON s.bom_line_id = b.id
        JOIN items si ON si.id = s.item_id
        LEFT JOIN item_revisions sr ON sr.id = ${childRevision(ctx.options.revisionStatus, 'si')}
        ${bomLinesWhere(ctx)}
        ORDER BY ${textOrder(ctx.store.dialect, 'pi.number')}, e.level, p.id, ${bomLineOrder('b')}, s.rank, s.id`.compile(ctx.store.db),
};
