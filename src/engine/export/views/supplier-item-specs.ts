/**
 * SOURCING_SUPPLIERITEM_SPECS: one row per supplier item (manufacturer or vendor item) sourced by an
 * exported revision, each once, ordered by number. Columns (spec §7): number, supplier.name,
 * supplier.guid, name, type, uom, description, procurementType, offTheShelf, guid, creationDateTime,
 * creator.fullName, creator.email, then the SUPPLIER_ITEM custom attributes.
 */
import { sql } from 'kysely';
import { textOrder } from '../revision-pick.js';
import { customColumns } from './custom-attributes.js';
import { supplierItemSet } from './file-scope.js';
import { type Column, type ExportView, type Row, col, fields, text } from './view.js';

const F = fields({
  number: 'si.number',
  supplierName: 'sup.name',
  supplierGuid: 'sup.guid',
  name: 'si.name',
  type: 'si.type',
  uom: 'si.uom',
  description: 'si.description',
  procurementType: 'si.procurement_type',
  guid: 'si.guid',
  createdAt: 'si.created_at',
  creatorName: 'cr.full_name',
  creatorEmail: 'cr.email',
  attrs: 'si.attrs',
});

const SYSTEM_COLUMNS: Column<Row>[] = [
  col('number', (r) => text(r[F.number])),
  col('supplier.name', (r) => text(r[F.supplierName])),
  col('supplier.guid', (r) => text(r[F.supplierGuid])),
  col('name', (r) => text(r[F.name])),
  col('type', (r) => text(r[F.type])),
  col('uom', (r) => text(r[F.uom])),
  col('description', (r) => text(r[F.description])),
  col('procurementType', (r) => text(r[F.procurementType])),
  col('offTheShelf', (r) => (r[F.procurementType] == null ? null : r[F.procurementType] === 'OTS')),
  col('guid', (r) => text(r[F.guid])),
  col('creationDateTime', (r) => text(r[F.createdAt])),
  col('creator.fullName', (r) => text(r[F.creatorName])),
  col('creator.email', (r) => text(r[F.creatorEmail])),
];

export const supplierItemSpecsView: ExportView = {
  name: 'SOURCING_SUPPLIERITEM_SPECS',
  sheetName: 'SUPPLIERITEM_SPECS',
  columns: (ctx) => [
    ...SYSTEM_COLUMNS,
    ...customColumns(ctx.attributes.SUPPLIER_ITEM, ctx.options.header, SYSTEM_COLUMNS.map((c) => c.title), (r) => r[F.attrs]),
  ],
  query: (ctx) =>
    sql<{ j: unknown }>`
      SELECT ${F.select(ctx.store.dialect)}
      FROM ${supplierItemSet(ctx)} x
      JOIN supplier_items si ON si.id = x.si_id
      JOIN suppliers sup ON sup.id = si.supplier_id
      LEFT JOIN users cr ON cr.id = si.creator_id
      ORDER BY ${textOrder(ctx.store.dialect, 'si.number')}, si.id`.compile(ctx.store.db),
};
