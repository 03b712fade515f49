/**
 * Items, their revisions, BOM lines, sourcing and file associations, plus the item settings (categories,
 * lifecycle phases, custom attribute definitions) that describe them. Every query is scoped to one
 * workspace. Rows come back in the record shapes of `domain/item-json.ts`.
 *
 * ```ts
 * const rev = await findRevision(store, workspaceId, guid);      // undefined when it is not there
 * const page = await searchItems(store, workspaceId, { text: { number: 'PCB-*' } }, { offset: 0, limit: 20 });
 * ```
 */
import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type {
  AssemblyType, AttributeDef, BomLineRecord, CategoryRecord, ItemFileRecord, ItemRecord, LifecyclePhaseRecord,
  RevisionRecord, SourcingRecord, SubstituteRecord,
} from '../domain/item-json.js';
import { arenaError } from '../domain/errors.js';
import { newGuid } from '../domain/ids.js';
import { zulu } from '../domain/time.js';
import { likePattern } from './like.js';
import type { DB } from './schema.js';
import type { Dialect, Store } from './store.js';

// ---------------------------------------------------------------------------------------------------------
// Shared SQL fragments

/** Revision `r` has BOM lines. */
const HAS_CHILDREN_COND = sql<SqlBool>`EXISTS (SELECT 1 FROM bom_lines b WHERE b.parent_rev_id = r.id)`;
const IS_ASSEMBLY = sql<number>`CASE WHEN ${HAS_CHILDREN_COND} THEN 1 ELSE 0 END`;

/** Item `i` is a child on the current BOM (latest or working revision) of some item. */
const IN_ASSEMBLY_COND = sql<SqlBool>`EXISTS (SELECT 1 FROM bom_lines b
  JOIN item_revisions pr ON pr.id = b.parent_rev_id
  JOIN items p ON p.id = pr.item_id
  WHERE b.child_item_id = i.id AND (p.latest_rev_id = pr.id OR p.working_rev_id = pr.id))`;
const IN_ASSEMBLY = sql<number>`CASE WHEN ${IN_ASSEMBLY_COND} THEN 1 ELSE 0 END`;

/**
 * Arena's string search on one column: exact (case-sensitive) unless the value has a `*` wildcard, which
 * becomes a case-insensitive LIKE.
 */
export function textMatch(ref: Expression<unknown>, value: string): RawBuilder<SqlBool> {
  const { pattern, wildcard } = likePattern(value);
  return wildcard
    ? sql<SqlBool>`lower(${ref}) LIKE lower(${pattern}) ESCAPE '\\'`
    : sql<SqlBool>`${ref} = ${value}`;
}

/** The text of custom attribute `guid` in the `attrs` JSON of revision `r`. */
function attrText(dialect: Dialect, guid: string): RawBuilder<string | null> {
  return dialect === 'sqlite'
    ? sql<string | null>`CAST(json_extract(r.attrs, ${`$."${guid}"`}) AS TEXT)`
    : sql<string | null>`(r.attrs::jsonb ->> ${guid})`;
}

/**
 * Revision `r` of item `i` with the lookups an item's JSON and its search filters name (`c` category, `lp`
 * lifecycle phase, `ow` owner, `cu` creator). `join` says how `i` meets `r`: `latest` keeps only the
 * item's latest revision (searches), `revision` any revision.
 */
function itemJoins(db: Kysely<DB>, join: 'latest' | 'revision') {
  return db
    .selectFrom('item_revisions as r')
    .innerJoin('items as i', (j) => (join === 'latest' ? j.onRef('i.latest_rev_id', '=', 'r.id') : j.onRef('i.id', '=', 'r.item_id')))
    .leftJoin('categories as c', 'c.id', 'r.category_id')
    .leftJoin('lifecycle_phases as lp', 'lp.id', 'r.lifecycle_phase_id')
    .leftJoin('users as ow', 'ow.id', 'r.owner_id')
    .leftJoin('users as cu', 'cu.id', 'r.creator_id');
}

/** The columns of `domain/item-json.ts` ItemRecord. */
function itemQuery(db: Kysely<DB>, join: 'latest' | 'revision') {
  return itemJoins(db, join)
    .select([
      'r.id as rev_id', 'i.id as item_id', 'r.guid', 'i.number', 'r.name', 'r.description', 'r.revision_number',
      'r.revision_status', 'c.guid as category_guid', 'c.name as category_name', 'c.path as category_path',
      'lp.guid as phase_guid', 'lp.name as phase_name', 'lp.stage as phase_stage', 'ow.guid as owner_guid',
      'ow.email as owner_email', 'ow.full_name as owner_name', 'cu.guid as creator_guid', 'cu.email as creator_email',
      'cu.full_name as creator_name', 'r.created_at', 'r.effective_at', 'r.superseded_at', 'r.uom',
      'r.procurement_type', 'r.deviated', 'r.shared', 'r.modified_bom', 'r.modified_files', 'r.modified_sourcing',
      'r.modified_specs', 'r.production_cost', 'r.prototype_cost', 'r.target_cost', 'r.target_price',
      'r.standard_cost', 'r.attrs',
    ])
    .select([IS_ASSEMBLY.as('is_assembly'), IN_ASSEMBLY.as('in_assembly')]);
}

// ---------------------------------------------------------------------------------------------------------
// Items

/** The revision with this GUID in the workspace, or undefined. */
export async function findRevision(store: Store, workspaceId: number, guid: string): Promise<ItemRecord | undefined> {
  const row = await itemQuery(store.db, 'revision')
    .where('r.workspace_id', '=', workspaceId)
    .where('r.guid', '=', guid)
    .executeTakeFirst();
  return row as ItemRecord | undefined;
}

/** The ids a write needs of the revision with this GUID, or undefined. */
export async function findRevisionRef(store: Store, workspaceId: number, guid: string) {
  return store.db
    .selectFrom('item_revisions as r')
    .innerJoin('items as i', 'i.id', 'r.item_id')
    .select(['r.id', 'r.item_id', 'r.revision_status', 'i.number', 'i.working_rev_id', 'i.latest_rev_id'])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.guid', '=', guid)
    .executeTakeFirst();
}

/** Text search attributes of GET /items and the columns they match. */
export const ITEM_TEXT_COLUMNS = {
  number: 'i.number',
  name: 'r.name',
  description: 'r.description',
  revisionNumber: 'r.revision_number',
  'category.name': 'c.name',
  'lifecyclePhase.name': 'lp.name',
  'owner.fullName': 'ow.full_name',
  'creator.email': 'cu.email',
  'creator.fullName': 'cu.full_name',
} as const;

export const ITEM_GUID_COLUMNS = {
  'category.guid': 'c.guid',
  'lifecyclePhase.guid': 'lp.guid',
  'creator.guid': 'cu.guid',
  'owner.guid': 'ow.guid',
} as const;

export type ModifiedFlag = 'modified_bom' | 'modified_files' | 'modified_sourcing' | 'modified_specs';

/** A search on a custom attribute, by the attribute's GUID. */
export interface CustomSearch {
  def: AttributeDef;
  value: string;
}

/** The filters of GET /items, already validated by the route. */
export interface ItemSearch {
  text?: Partial<Record<keyof typeof ITEM_TEXT_COLUMNS, string>>;
  guids?: Partial<Record<keyof typeof ITEM_GUID_COLUMNS, string>>;
  lifecycleStage?: string;
  inAssembly?: boolean;
  assemblyType?: AssemblyType;
  /** flags of the item's WORKING revision (false when it has none) */
  modified?: Partial<Record<ModifiedFlag, boolean>>;
  effectiveFrom?: string;
  effectiveTo?: string;
  custom?: CustomSearch[];
  /** a compiled criteria condition over `r` and `i` */
  criteria?: RawBuilder<SqlBool>;
}

function customCondition(dialect: Dialect, { def, value }: CustomSearch): RawBuilder<SqlBool> {
  const text = attrText(dialect, def.guid);
  const type = def.field_type;
  if (type === 'DROP_DOWN' || type === 'FIXED_DROP_DOWN') {
    // `;` separates alternatives (always OR); a multi-select value is a JSON array, matched by element.
    const alternatives = value.split(';').map((v) => v.trim()).filter((v) => v !== '');
    if (alternatives.length === 0) return sql<SqlBool>`1 = 0`;
    const conds = alternatives.map((v) =>
      Number(def.multi_select) === 1
        ? sql<SqlBool>`lower(${text}) LIKE ${`%${JSON.stringify(v).replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`.toLowerCase()} ESCAPE '\\'`
        : textMatch(text, v),
    );
    return sql<SqlBool>`(${sql.join(conds, sql` OR `)})`;
  }
  if (type === 'BOOLEAN') {
    const truthy = /^true$/i.test(value);
    return truthy ? sql<SqlBool>`${text} IN ('true', '1')` : sql<SqlBool>`(${text} IS NULL OR ${text} IN ('false', '0'))`;
  }
  if ((type === 'DATE' || type === 'DATETIME') && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return sql<SqlBool>`${text} LIKE ${`${value}%`}`;
  }
  return textMatch(text, value);
}

/**
 * One page of items (their latest revision) matching a search, in item-number order. The page is chosen
 * first and only its rows get the per-row columns (assembly flags): PostgreSQL would otherwise plan those
 * subqueries for the whole workspace.
 */
export async function searchItems(
  store: Store, workspaceId: number, s: ItemSearch, page: { offset: number; limit: number },
): Promise<ItemRecord[]> {
  let q = itemJoins(store.db, 'latest')
    .select(['r.id as page_rev_id', 'i.id as page_item_id', 'i.number as page_number'])
    .where('i.workspace_id', '=', workspaceId);
  for (const [key, value] of Object.entries(s.text ?? {})) {
    q = q.where(textMatch(sql.ref(ITEM_TEXT_COLUMNS[key as keyof typeof ITEM_TEXT_COLUMNS]), value));
  }
  for (const [key, value] of Object.entries(s.guids ?? {})) {
    q = q.where(sql.ref(ITEM_GUID_COLUMNS[key as keyof typeof ITEM_GUID_COLUMNS]), '=', value);
  }
  if (s.lifecycleStage !== undefined) q = q.where('lp.stage', '=', s.lifecycleStage.toUpperCase());
  if (s.inAssembly !== undefined) q = q.where(s.inAssembly ? IN_ASSEMBLY_COND : sql<SqlBool>`NOT ${IN_ASSEMBLY_COND}`);
  if (s.assemblyType === 'NOT_AN_ASSEMBLY') q = q.where(sql<SqlBool>`NOT ${HAS_CHILDREN_COND}`);
  if (s.assemblyType === 'ASSEMBLY') q = q.where(HAS_CHILDREN_COND).where(IN_ASSEMBLY_COND);
  if (s.assemblyType === 'TOP_LEVEL_ASSEMBLY') q = q.where(HAS_CHILDREN_COND).where(sql<SqlBool>`NOT ${IN_ASSEMBLY_COND}`);
  for (const [flag, wanted] of Object.entries(s.modified ?? {})) {
    const cond = sql<SqlBool>`EXISTS (SELECT 1 FROM item_revisions w WHERE w.id = i.working_rev_id AND w.${sql.ref(flag)} = 1)`;
    q = q.where(wanted ? cond : sql<SqlBool>`NOT ${cond}`);
  }
  if (s.effectiveFrom !== undefined) q = q.where('r.effective_at', '>=', s.effectiveFrom);
  if (s.effectiveTo !== undefined) q = q.where('r.effective_at', '<=', s.effectiveTo);
  for (const c of s.custom ?? []) q = q.where(customCondition(store.dialect, c));
  if (s.criteria) q = q.where(s.criteria);
  const pageQuery = q.orderBy('i.number').orderBy('i.id').limit(page.limit).offset(page.offset);

  const rows = await itemQuery(store.db, 'revision')
    .innerJoin(pageQuery.as('pg'), 'pg.page_rev_id', 'r.id')
    .orderBy('pg.page_number')
    .orderBy('pg.page_item_id')
    .execute();
  return rows as ItemRecord[];
}

/** All revisions of an item: the working one first, then the newest first. */
export async function listRevisions(store: Store, workspaceId: number, itemId: number): Promise<RevisionRecord[]> {
  const rows = await store.db
    .selectFrom('item_revisions as r')
    .leftJoin('lifecycle_phases as lp', 'lp.id', 'r.lifecycle_phase_id')
    .leftJoin('changes as ch', 'ch.id', 'r.change_id')
    .select([
      'r.guid', 'r.revision_number', 'r.revision_status', 'r.created_at', 'r.effective_at', 'r.superseded_at',
      'r.deviated', 'lp.guid as phase_guid', 'lp.name as phase_name', 'lp.stage as phase_stage',
      'ch.guid as change_guid', 'ch.number as change_number', 'ch.created_at as change_created_at',
    ])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.item_id', '=', itemId)
    .orderBy(sql`CASE WHEN r.revision_status = 'WORKING' THEN 0 ELSE 1 END`)
    .orderBy(sql`coalesce(r.effective_at, r.created_at)`, 'desc')
    .orderBy('r.id', 'desc')
    .execute();
  return rows as RevisionRecord[];
}

export interface NewItem {
  number: string;
  /** the planned revision number of the working revision, or null */
  revisionNumber: string | null;
  name: string;
  description: string | null;
  categoryId: number | null;
  lifecyclePhaseId: number | null;
  uom: string | null;
  procurementType: string | null;
  ownerId: number | null;
  creatorId: number;
  shared: boolean;
  costs: Partial<Record<'production_cost' | 'prototype_cost' | 'target_cost' | 'target_price' | 'standard_cost', number | null>>;
  attrs: Record<string, unknown>;
}

/** True for a violation of the unique (workspace, number) index of items, on either dialect. */
function isDuplicateNumber(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string } | null;
  if (!e) return false;
  if (e.code === '23505') return e.constraint === 'items_number';
  return e.code === 'SQLITE_CONSTRAINT_UNIQUE' && /items\.number/.test(e.message ?? '');
}

export async function itemNumberExists(store: Store, workspaceId: number, number: string): Promise<boolean> {
  const row = await store.db.selectFrom('items').select('id').where('workspace_id', '=', workspaceId).where('number', '=', number).executeTakeFirst();
  return row !== undefined;
}

/**
 * Creates an item master and its first, WORKING revision (which is also what LATEST resolves to until a
 * release). Returns the revision's GUID. A number already in use is 409 / 3025.
 */
export async function createItem(store: Store, workspaceId: number, n: NewItem): Promise<string> {
  const guid = newGuid();
  const now = zulu();
  if (await itemNumberExists(store, workspaceId, n.number)) throw arenaError(3025, n.number);
  try {
    await store.db.transaction().execute(async (tx) => {
      const item = await tx
        .insertInto('items')
        .values({ workspace_id: workspaceId, number: n.number, latest_rev_id: null, working_rev_id: null, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const rev = await tx
        .insertInto('item_revisions')
        .values({
          workspace_id: workspaceId, item_id: item.id, guid, revision_number: n.revisionNumber, revision_status: 'WORKING',
          name: n.name, description: n.description, category_id: n.categoryId, lifecycle_phase_id: n.lifecyclePhaseId,
          uom: n.uom, procurement_type: n.procurementType, owner_id: n.ownerId, creator_id: n.creatorId,
          created_at: now, effective_at: null, superseded_at: null, deviated: 0, shared: n.shared ? 1 : 0,
          modified_bom: 0, modified_files: 0, modified_sourcing: 0, modified_specs: 0, modified_costing: 0,
          production_cost: n.costs.production_cost ?? null, prototype_cost: n.costs.prototype_cost ?? null,
          target_cost: n.costs.target_cost ?? null, target_price: n.costs.target_price ?? null,
          standard_cost: n.costs.standard_cost ?? null, change_id: null,
          attrs: Object.keys(n.attrs).length > 0 ? JSON.stringify(n.attrs) : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('items').set({ latest_rev_id: rev.id, working_rev_id: rev.id }).where('id', '=', item.id).execute();
    });
  } catch (err) {
    if (isDuplicateNumber(err)) throw arenaError(3025, n.number);
    throw err;
  }
  return guid;
}

// ---------------------------------------------------------------------------------------------------------
// BOM

/** The BOM lines of a revision, each child named by its latest revision, in line-number order. */
export async function listBomLines(store: Store, workspaceId: number, revId: number): Promise<BomLineRecord[]> {
  const rows = await bomLineQuery(store.db)
    .where('bl.workspace_id', '=', workspaceId)
    .where('bl.parent_rev_id', '=', revId)
    .orderBy(sql`CASE WHEN bl.line_number IS NULL THEN 1 ELSE 0 END`)
    .orderBy('bl.line_number')
    .orderBy('bl.id')
    .execute();
  return rows as BomLineRecord[];
}

export async function findBomLine(store: Store, workspaceId: number, lineId: number): Promise<BomLineRecord | undefined> {
  const row = await bomLineQuery(store.db).where('bl.workspace_id', '=', workspaceId).where('bl.id', '=', lineId).executeTakeFirst();
  return row as BomLineRecord | undefined;
}

function bomLineQuery(db: Kysely<DB>) {
  return db
    .selectFrom('bom_lines as bl')
    .innerJoin('items as ci', 'ci.id', 'bl.child_item_id')
    .innerJoin('item_revisions as cr', (j) => j.on(sql<SqlBool>`cr.id = coalesce(ci.latest_rev_id, ci.working_rev_id)`))
    .select([
      'bl.id', 'bl.guid', 'bl.line_number', 'bl.quantity', 'bl.ref_des', 'bl.notes', 'bl.attrs',
      'cr.guid as child_guid', 'ci.number as child_number', 'cr.name as child_name',
      'cr.revision_number as child_revision_number', 'cr.revision_status as child_revision_status',
    ]);
}

/** The substitutes of some BOM lines, by rank. */
export async function listSubstitutes(store: Store, workspaceId: number, lineIds: readonly number[]): Promise<SubstituteRecord[]> {
  if (lineIds.length === 0) return [];
  const rows = await store.db
    .selectFrom('bom_substitutes as s')
    .innerJoin('items as si', 'si.id', 's.item_id')
    .innerJoin('item_revisions as sr', (j) => j.on(sql<SqlBool>`sr.id = coalesce(si.latest_rev_id, si.working_rev_id)`))
    .select([
      's.bom_line_id', 's.guid', 's.rank', 's.quantity', 's.notes', 'sr.guid as item_guid', 'si.number as item_number',
      'sr.name as item_name', 'sr.revision_number as item_revision_number', 'sr.revision_status as item_revision_status',
    ])
    .where('s.workspace_id', '=', workspaceId)
    .where('s.bom_line_id', 'in', [...lineIds])
    .orderBy('s.bom_line_id')
    .orderBy('s.rank')
    .execute();
  return rows as SubstituteRecord[];
}

/**
 * True when putting `childItemId` on a BOM of `parentItemId` would close a loop: the child is the parent
 * itself or already has the parent somewhere below it, on the latest or working BOM of any level.
 */
export async function wouldCreateCycle(store: Store, parentItemId: number, childItemId: number): Promise<boolean> {
  if (parentItemId === childItemId) return true;
  const res = await sql<{ hit: number }>`
    WITH RECURSIVE below(item_id) AS (
      SELECT CAST(${childItemId} AS integer)
      UNION
      SELECT bl.child_item_id FROM below d
      JOIN items it ON it.id = d.item_id
      JOIN bom_lines bl ON bl.parent_rev_id = it.latest_rev_id OR bl.parent_rev_id = it.working_rev_id
    )
    SELECT 1 AS hit FROM below WHERE item_id = CAST(${parentItemId} AS integer) LIMIT 1`.execute(store.db);
  return res.rows.length > 0;
}

export interface NewBomLine {
  parentRevId: number;
  childItemId: number;
  lineNumber: number | null;
  quantity: number;
  refDes: string | null;
  notes: string | null;
  attrs: Record<string, unknown>;
}

/** Adds a line to a (working) revision's BOM and marks the revision's BOM modified. Returns the line id. */
export async function addBomLine(store: Store, workspaceId: number, l: NewBomLine): Promise<number> {
  return store.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('bom_lines')
      .values({
        workspace_id: workspaceId, guid: newGuid(), parent_rev_id: l.parentRevId, child_item_id: l.childItemId,
        line_number: l.lineNumber, quantity: l.quantity, ref_des: l.refDes, notes: l.notes,
        attrs: Object.keys(l.attrs).length > 0 ? JSON.stringify(l.attrs) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.updateTable('item_revisions').set({ modified_bom: 1 }).where('id', '=', l.parentRevId).execute();
    return row.id;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Sourcing and files

export async function listSourcing(store: Store, workspaceId: number, revId: number): Promise<SourcingRecord[]> {
  const rows = await store.db
    .selectFrom('sourcing as so')
    .leftJoin('supplier_items as mi', 'mi.id', 'so.mfr_item_id')
    .leftJoin('suppliers as ms', 'ms.id', 'mi.supplier_id')
    .leftJoin('supplier_items as vi', 'vi.id', 'so.vendor_item_id')
    .leftJoin('suppliers as vs', 'vs.id', 'vi.supplier_id')
    .select([
      'so.guid', 'so.approved', 'so.active_production', 'so.active_prototype', 'so.aml_rank', 'so.aml_split',
      'so.make_item', 'so.vendor_item_conversion_factor', 'so.notes',
      'mi.guid as mfr_guid', 'mi.number as mfr_number', 'mi.name as mfr_name', 'ms.guid as mfr_supplier_guid',
      'ms.name as mfr_supplier_name', 'vi.guid as vendor_guid', 'vi.number as vendor_number', 'vi.name as vendor_name',
      'vs.guid as vendor_supplier_guid', 'vs.name as vendor_supplier_name',
    ])
    .where('so.workspace_id', '=', workspaceId)
    .where('so.rev_id', '=', revId)
    .orderBy(sql`CASE WHEN so.aml_rank IS NULL THEN 1 ELSE 0 END`)
    .orderBy('so.aml_rank')
    .orderBy('so.id')
    .execute();
  return rows.map((r) => ({
    guid: r.guid, approved: r.approved, active_production: r.active_production, active_prototype: r.active_prototype,
    aml_rank: r.aml_rank, aml_split: r.aml_split, make_item: r.make_item,
    vendor_item_conversion_factor: r.vendor_item_conversion_factor, notes: r.notes,
    mfr: { guid: r.mfr_guid, number: r.mfr_number, name: r.mfr_name, supplier_guid: r.mfr_supplier_guid, supplier_name: r.mfr_supplier_name },
    vendor: { guid: r.vendor_guid, number: r.vendor_number, name: r.vendor_name, supplier_guid: r.vendor_supplier_guid, supplier_name: r.vendor_supplier_name },
  }));
}

export async function listItemFiles(store: Store, workspaceId: number, revId: number): Promise<ItemFileRecord[]> {
  const rows = await store.db
    .selectFrom('item_files as a')
    .innerJoin('files as f', 'f.id', 'a.file_id')
    .leftJoin('categories as fc', 'fc.id', 'f.category_id')
    .leftJoin('users as au', 'au.id', 'f.author_id')
    .select([
      'a.guid as assoc_guid', 'a.primary', 'a.latest_edition_association', 'f.guid', 'f.number', 'f.name', 'f.title',
      'f.description', 'f.edition', 'f.format', 'f.mime_type', 'f.size', 'f.storage_method', 'f.location', 'f.latest',
      'f.locked', 'f.private', 'f.has_markup', 'f.created_at', 'f.modified_at', 'fc.guid as category_guid',
      'fc.name as category_name', 'au.guid as author_guid', 'au.email as author_email', 'au.full_name as author_name',
    ])
    .where('a.workspace_id', '=', workspaceId)
    .where('a.rev_id', '=', revId)
    .orderBy('a.primary', 'desc')
    .orderBy('f.number')
    .orderBy('a.id')
    .execute();
  return rows as ItemFileRecord[];
}

// ---------------------------------------------------------------------------------------------------------
// Settings: attributes, categories, lifecycle phases, users

/** Custom attribute definitions of a world (ITEM, BOM, ...), by name. */
export async function listAttributes(store: Store, workspaceId: number, world: string): Promise<AttributeDef[]> {
  return store.db
    .selectFrom('attributes')
    .select(['guid', 'name', 'field_type', 'multi_select', 'possible_values'])
    .where('workspace_id', '=', workspaceId)
    .where('world', '=', world)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** Categories of a world (ITEM or CHANGE), in path order; `path` filters with the string-search rules, ignoring case. */
export async function listCategories(store: Store, workspaceId: number, world: string, path?: string): Promise<CategoryRecord[]> {
  let q = store.db
    .selectFrom('categories as c')
    .leftJoin('categories as p', 'p.id', 'c.parent_id')
    .select(['c.guid', 'c.name', 'c.path', 'p.guid as parent_guid'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.world', '=', world);
  if (path !== undefined) {
    const { pattern } = likePattern(path);
    q = q.where(sql<SqlBool>`lower(c.path) LIKE lower(${pattern}) ESCAPE '\\'`);
  }
  return q.orderBy('c.path').orderBy('c.id').execute();
}

export async function findCategory(store: Store, workspaceId: number, world: string, guid: string) {
  return store.db
    .selectFrom('categories as c')
    .leftJoin('categories as p', 'p.id', 'c.parent_id')
    .select(['c.id', 'c.guid', 'c.name', 'c.path', 'p.guid as parent_guid'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.world', '=', world)
    .where('c.guid', '=', guid)
    .executeTakeFirst();
}

export async function listLifecyclePhases(store: Store, workspaceId: number): Promise<LifecyclePhaseRecord[]> {
  return store.db
    .selectFrom('lifecycle_phases as lp')
    .select(['lp.guid', 'lp.name', 'lp.short_name', 'lp.stage', 'lp.active', 'lp.display_order'])
    .select(sql<number>`CASE WHEN EXISTS (SELECT 1 FROM item_revisions r WHERE r.lifecycle_phase_id = lp.id) THEN 1 ELSE 0 END`.as('used'))
    .where('lp.workspace_id', '=', workspaceId)
    .orderBy('lp.display_order')
    .orderBy('lp.id')
    .execute();
}

export async function findLifecyclePhase(store: Store, workspaceId: number, guid: string) {
  return store.db
    .selectFrom('lifecycle_phases')
    .select(['id', 'guid', 'name', 'stage'])
    .where('workspace_id', '=', workspaceId)
    .where('guid', '=', guid)
    .executeTakeFirst();
}

/** The phase a new item starts in when none is given: the first UNRELEASED phase, else none. */
export async function defaultLifecyclePhase(store: Store, workspaceId: number): Promise<number | null> {
  const row = await store.db
    .selectFrom('lifecycle_phases')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('stage', '=', 'UNRELEASED')
    .where('active', '=', 1)
    .orderBy('display_order')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** A member of the workspace by user GUID. */
export async function findWorkspaceUser(store: Store, workspaceId: number, guid: string) {
  return store.db
    .selectFrom('users as u')
    .innerJoin('workspace_users as wu', 'wu.user_id', 'u.id')
    .select(['u.id', 'u.guid'])
    .where('wu.workspace_id', '=', workspaceId)
    .where('u.guid', '=', guid)
    .executeTakeFirst();
}
