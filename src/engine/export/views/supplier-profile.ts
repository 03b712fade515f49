/**
 * SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE (alias SOURCING_SUPPLIERITEM_SPECS_PROFILE): one row per supplier
 * of a supplier item in scope, each once, ordered by name. Columns (spec §7): name, supplierId,
 * accountNumber, description, website, approvalStatus, guid, creationDateTime, creator.fullName,
 * creator.guid, creator.email, then the SUPPLIER custom attributes.
 */
import { sql } from 'kysely';
import { textOrder } from '../revision-pick.js';
import { customColumns } from './custom-attributes.js';
import { supplierItemSet } from './file-scope.js';
import { type Column, type ExportView, type Row, col, fields, text } from './view.js';

const F = fields({
  name: 'sup.name',
  supplierId: 'sup.supplier_code',
  accountNumber: 'sup.account_number',
  description: 'sup.description',
  website: 'sup.website',
  approvalStatus: 'sup.approval_status',
  guid: 'sup.guid',
  createdAt: 'sup.created_at',
  creatorName: 'cr.full_name',
  creatorGuid: 'cr.guid',
  creatorEmail: 'cr.email',
  attrs: 'sup.attrs',
});

const SYSTEM_COLUMNS: Column<Row>[] = [
  col('name', (r) => text(r[F.name])),
  col('supplierId', (r) => text(r[F.supplierId])),
  col('accountNumber', (r) => text(r[F.accountNumber])),
  col('description', (r) => text(r[F.description])),
  col('website', (r) => text(r[F.website])),
  col('approvalStatus', (r) => text(r[F.approvalStatus])),
  col('guid', (r) => text(r[F.guid])),
  col('creationDateTime', (r) => text(r[F.createdAt])),
  col('creator.fullName', (r) => text(r[F.creatorName])),
  col('creator.guid', (r) => text(r[F.creatorGuid])),
  col('creator.email', (r) => text(r[F.creatorEmail])),
];

export const supplierProfileView: ExportView = {
  name: 'SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE',
  sheetName: 'SUPPLIERITEM_SUPPLIER_PROFILE',
  columns: (ctx) => [
    ...SYSTEM_COLUMNS,
    ...customColumns(ctx.attributes.SUPPLIER, ctx.options.header, SYSTEM_COLUMNS.map((c) => c.title), (r) => r[F.attrs]),
  ],
  query: (ctx) =>
    sql<{ j: unknown }>`
      SELECT ${F.select(ctx.store.dialect)}
      FROM (SELECT DISTINCT si.supplier_id FROM ${supplierItemSet(ctx)} x JOIN supplier_items si ON si.id = x.si_id) ss
      JOIN suppliers sup ON sup.id = ss.supplier_id
      LEFT JOIN users cr ON cr.id = sup.creator_id
      ORDER BY ${textOrder(ctx.store.dialect, 'sup.name')}, sup.id`.compile(ctx.store.db),
};
