/**
 * SPECS: one row per exported item revision (every BOM level), ordered by item number.
 * Columns (spec §7): number, guid, revisionNumber, name, lifecyclePhase.name, category.name, category.path,
 * description, uom, procurementType, offTheShelf, owner.fullName, creationDateTime, shared, creator.email,
 * creator.fullName, deviated, effectiveDateTime, isAssembly, modifiedBOM, modifiedFiles, modifiedSourcing,
 * modifiedSpecs, modifiedCosting, productionCost, prototypeCost, targetCost, targetPrice, standardCost,
 * revisionStatus, supersededDateTime, then the ITEM custom attributes.
 */
import { sql } from 'kysely';
import { textOrder } from '../revision-pick.js';
import { customColumns } from './custom-attributes.js';
import { exportedRevisions } from './exported-revisions.js';
import { type Column, type ExportView, type Row, bool, col, fields, num, text } from './view.js';

const F = fields({
  number: 'i.number',
  guid: 'r.guid',
  revisionNumber: 'r.revision_number',
  name: 'r.name',
  phase: 'lp.name',
  categoryName: 'c.name',
  categoryPath: 'c.path',
  description: 'r.description',
  uom: 'r.uom',
  procurementType: 'r.procurement_type',
  owner: 'o.full_name',
  createdAt: 'r.created_at',
  shared: 'r.shared',
  creatorEmail: 'cr.email',
  creatorName: 'cr.full_name',
  deviated: 'r.deviated',
  effectiveAt: 'r.effective_at',
  isAssembly: 'CASE WHEN EXISTS (SELECT 1 FROM bom_lines bl WHERE bl.parent_rev_id = r.id) THEN 1 ELSE 0 END',
  modifiedBom: 'r.modified_bom',
  modifiedFiles: 'r.modified_files',
  modifiedSourcing: 'r.modified_sourcing',
  modifiedSpecs: 'r.modified_specs',
  modifiedCosting: 'r.modified_costing',
  productionCost: 'r.production_cost',
  prototypeCost: 'r.prototype_cost',
  targetCost: 'r.target_cost',
  targetPrice: 'r.target_price',
  standardCost: 'r.standard_cost',
  revisionStatus: 'r.revision_status',
  supersededAt: 'r.superseded_at',
  attrs: 'r.attrs',
});

const SYSTEM_COLUMNS: Column<Row>[] = [
  col('number', (r) => text(r[F.number])),
  col('guid', (r) => text(r[F.guid])),
  col('revisionNumber', (r) => text(r[F.revisionNumber])),
  col('name', (r) => text(r[F.name])),
  col('lifecyclePhase.name', (r) => text(r[F.phase])),
  col('category.name', (r) => text(r[F.categoryName])),
  col('category.path', (r) => text(r[F.categoryPath])),
  col('description', (r) => text(r[F.description])),
  col('uom', (r) => text(r[F.uom])),
  col('procurementType', (r) => text(r[F.procurementType])),
  col('offTheShelf', (r) => (r[F.procurementType] == null ? null : r[F.procurementType] === 'OTS')),
  col('owner.fullName', (r) => text(r[F.owner])),
  col('creationDateTime', (r) => text(r[F.createdAt])),
  col('shared', (r) => bool(r[F.shared])),
  col('creator.email', (r) => text(r[F.creatorEmail])),
  col('creator.fullName', (r) => text(r[F.creatorName])),
  col('deviated', (r) => bool(r[F.deviated])),
  col('effectiveDateTime', (r) => text(r[F.effectiveAt])),
  col('isAssembly', (r) => bool(r[F.isAssembly])),
  col('modifiedBOM', (r) => bool(r[F.modifiedBom])),
  col('modifiedFiles', (r) => bool(r[F.modifiedFiles])),
  col('modifiedSourcing', (r) => bool(r[F.modifiedSourcing])),
  col('modifiedSpecs', (r) => bool(r[F.modifiedSpecs])),
  col('modifiedCosting', (r) => bool(r[F.modifiedCosting])),
  col('productionCost', (r) => num(r[F.productionCost])),
  col('prototypeCost', (r) => num(r[F.prototypeCost])),
  col('targetCost', (r) => num(r[F.targetCost])),
  col('targetPrice', (r) => num(r[F.targetPrice])),
  col('standardCost', (r) => num(r[F.standardCost])),
  col('revisionStatus', (r) => text(r[F.revisionStatus])),
  col('supersededDateTime', (r) => text(r[F.supersededAt])),
];

export const specsView: ExportView = {
  name: 'SPECS',
  sheetName: 'SPECS',
  columns: (ctx) => [
    ...SYSTEM_COLUMNS,
    ...customColumns(ctx.attributes.ITEM, ctx.options.header, SYSTEM_COLUMNS.map((c) => c.title), (r) => r[F.attrs]),
  ],
  query: (ctx) => {
    const { from, where } = exportedRevisions(ctx, 'r', 'i');
    return sql<{ j: unknown }>`
      SELECT ${F.select(ctx.store.dialect)}
      ${from}
      LEFT JOIN lifecycle_phases lp ON lp.id = r.lifecycle_phase_id
      LEFT JOIN categories c ON c.id = r.category_id
      LEFT JOIN users o ON o.id = r.owner_id
      LEFT JOIN users cr ON cr.id = r.creator_id
      ${where}
      ORDER BY ${textOrder(ctx.store.dialect, 'i.number')}, e.level, r.id`.compile(ctx.store.db);
  },
};
