/**
 * SOURCING: one row per sourcing relationship of an exported revision, ordered by item number then AML
 * rank. Columns (spec §7): parent.guid, parent.revisionNumber, parent.name, parent.number,
 * mfrItem.number, mfrItem.supplier.name, vendorItem.number, vendorItem.supplier.name, approved, guid,
 * notes, activeProduction, activePrototype, amlRank, amlSplit, vendorItemConversionFactor (null for make
 * items), makeItem.
 */
import { sql } from 'kysely';
import { textOrder } from '../revision-pick.js';
import { exportedRevisions } from './exported-revisions.js';
import { type Column, type ExportView, type Row, bool, col, fields, num, text } from './view.js';

const F = fields({
  parentGuid: 'r.guid',
  parentRevision: 'r.revision_number',
  parentName: 'r.name',
  parentNumber: 'i.number',
  mfrNumber: 'mi.number',
  mfrSupplier: 'ms.name',
  vendorNumber: 'vi.number',
  vendorSupplier: 'vs.name',
  approved: 's.approved',
  guid: 's.guid',
  notes: 's.notes',
  activeProduction: 's.active_production',
  activePrototype: 's.active_prototype',
  amlRank: 's.aml_rank',
  amlSplit: 's.aml_split',
  conversionFactor: 's.vendor_item_conversion_factor',
  makeItem: 's.make_item',
});

const COLUMNS: Column<Row>[] = [
  col('parent.guid', (r) => text(r[F.parentGuid])),
  col('parent.revisionNumber', (r) => text(r[F.parentRevision])),
  col('parent.name', (r) => text(r[F.parentName])),
  col('parent.number', (r) => text(r[F.parentNumber])),
  col('mfrItem.number', (r) => text(r[F.mfrNumber])),
  col('mfrItem.supplier.name', (r) => text(r[F.mfrSupplier])),
  col('vendorItem.number', (r) => text(r[F.vendorNumber])),
  col('vendorItem.supplier.name', (r) => text(r[F.vendorSupplier])),
  col('approved', (r) => bool(r[F.approved])),
  col('guid', (r) => text(r[F.guid])),
  col('notes', (r) => text(r[F.notes])),
  col('activeProduction', (r) => bool(r[F.activeProduction])),
  col('activePrototype', (r) => bool(r[F.activePrototype])),
  col('amlRank', (r) => num(r[F.amlRank])),
  col('amlSplit', (r) => num(r[F.amlSplit])),
  col('vendorItemConversionFactor', (r) => (bool(r[F.makeItem]) ? null : num(r[F.conversionFactor]))),
  col('makeItem', (r) => bool(r[F.makeItem])),
];

export const sourcingView: ExportView = {
  name: 'SOURCING',
  sheetName: 'SOURCING',
  columns: () => COLUMNS,
  query: (ctx) => {
    const { from, where } = exportedRevisions(ctx, 'r', 'i');
    return sql<{ j: unknown }>`
      SELECT ${F.select(ctx.store.dialect)}
      ${from}
      JOIN sourcing s ON s.rev_id = r.id
      LEFT JOIN supplier_items mi ON mi.id = s.mfr_item_id
      LEFT JOIN suppliers ms ON ms.id = mi.supplier_id
      LEFT JOIN supplier_items vi ON vi.id = s.vendor_item_id
      LEFT JOIN suppliers vs ON vs.id = vi.supplier_id
      ${where}
      ORDER BY ${textOrder(ctx.store.dialect, 'i.number')}, e.level, r.id,
        CASE WHEN s.aml_rank IS NULL THEN 1 ELSE 0 END, s.aml_rank, s.id`.compile(ctx.store.db);
  },
};
