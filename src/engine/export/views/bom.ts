/**
 * BOM: one row per BOM line of the exported parent revisions (see bom-lines.ts), ordered by parent item
 * number then line number. Columns (spec §7): parent.number, parent.name, parent.revisionNumber,
 * item.number, item.name, item.revisionNumber, guid, lineNumber, quantity, refDes, notes, then the BOM
 * custom attributes. `parent.number` + `item.number` are the ITEM_BOM import keys.
 */
import { sql } from 'kysely';
import { bomLineOrder, textOrder } from '../revision-pick.js';
import { bomLinesEmpty, bomLinesFrom, bomLinesWhere } from './bom-lines.js';
import { customColumns } from './custom-attributes.js';
import { type Column, type ExportView, type Row, col, fields, num, text } from './view.js';

const F = fields({
  parentNumber: 'pi.number',
  parentName: 'p.name',
  parentRevision: 'p.revision_number',
  itemNumber: 'ci.number',
  itemName: 'c.name',
  itemRevision: 'c.revision_number',
  guid: 'b.guid',
  lineNumber: 'b.line_number',
  quantity: 'b.quantity',
  refDes: 'b.ref_des',
  notes: 'b.notes',
  attrs: 'b.attrs',
});

const SYSTEM_COLUMNS: Column<Row>[] = [
  col('parent.number', (r) => text(r[F.parentNumber])),
  col('parent.name', (r) => text(r[F.parentName])),
  col('parent.revisionNumber', (r) => text(r[F.parentRevision])),
  col('item.number', (r) => text(r[F.itemNumber])),
  col('item.name', (r) => text(r[F.itemName])),
  col('item.revisionNumber', (r) => text(r[F.itemRevision])),
  col('guid', (r) => text(r[F.guid])),
  col('lineNumber', (r) => num(r[F.lineNumber])),
  col('quantity', (r) => num(r[F.quantity])),
  col('refDes', (r) => text(r[F.refDes])),
  col('notes', (r) => text(r[F.notes])),
];

export const bomView: ExportView = {
  name: 'BOM',
  sheetName: 'BOM',
  columns: (ctx) => [
    ...SYSTEM_COLUMNS,
    ...customColumns(ctx.attributes.BOM, ctx.options.header, SYSTEM_COLUMNS.map((c) => c.title), (r) => r[F.attrs]),
  ],
  query: (ctx) =>
    bomLinesEmpty(ctx)
      ? null
      : sql<{ j: unknown }>`
        SELECT ${F.select(ctx.store.dialect)}
        ${bomLinesFrom(ctx)}
        ${bomLinesWhere(ctx)}
        ORDER BY ${textOrder(ctx.store.dialect, 'pi.number')}, e.level, p.id, ${bomLineOrder('b')}`.compile(ctx.store.db),
};
