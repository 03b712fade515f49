/**
 * ITEM_SPECS imports: one row per item, keyed by `number` (or the revision `guid`, used first when
 * mapped). CREATE makes items with one WORKING revision; EDIT changes the item's working revision
 * (made from the latest one when the item has none, and only when a value really changes); OVERWRITE is
 * EDIT for existing items and CREATE for the others; DELETE removes never-released, unused items.
 */
import { type Kysely, sql } from 'kysely';
import { newGuid } from '../../../domain/ids.js';
import type { AttributeDef } from '../../../domain/item-json.js';
import { attrsChange, customAttributeNames, customValue, mergeAttrs } from './custom.js';
import type { DB } from '../../../store/schema.js';
import { ROW, RowError, type StageColumn, concat, ensureWorkingRevisions, failRows, numberCell } from './context.js';
import type { ResourceHandler, RunContext } from './resource.js';

interface Std {
  col: string;
  /** the item_revisions column it writes, when it is written directly */
  rev?: string;
  kind: 'text' | 'real' | 'key' | 'ref';
}

const STD: Record<string, Std> = {
  number: { col: 'key', kind: 'key' },
  guid: { col: 'guid', kind: 'key' },
  name: { col: 'name', rev: 'name', kind: 'text' },
  description: { col: 'description', rev: 'description', kind: 'text' },
  'category.name': { col: 'cat_name', kind: 'ref' },
  'category.path': { col: 'cat_path', kind: 'ref' },
  'category.guid': { col: 'cat_guid', kind: 'ref' },
  'lifecyclePhase.name': { col: 'lc_name', kind: 'ref' },
  'lifecyclePhase.guid': { col: 'lc_guid', kind: 'ref' },
  'owner.fullName': { col: 'owner_name', kind: 'ref' },
  'owner.email': { col: 'owner_email', kind: 'ref' },
  uom: { col: 'uom', rev: 'uom', kind: 'text' },
  procurementType: { col: 'proc', rev: 'procurement_type', kind: 'text' },
  productionCost: { col: 'production_cost', rev: 'production_cost', kind: 'real' },
  prototypeCost: { col: 'prototype_cost', rev: 'prototype_cost', kind: 'real' },
  targetCost: { col: 'target_cost', rev: 'target_cost', kind: 'real' },
  targetPrice: { col: 'target_price', rev: 'target_price', kind: 'real' },
  standardCost: { col: 'standard_cost', rev: 'standard_cost', kind: 'real' },
};

/** Staged value -> revision column pairs compared and written on EDIT (ids resolved in SQL included). */
const WRITTEN: [string, string][] = [
  ...Object.values(STD).filter((s) => s.rev).map((s) => [s.col, s.rev!] as [string, string]),
  ['cat_id', 'category_id'],
  ['lc_id', 'lifecycle_phase_id'],
  ['owner_id', 'owner_id'],
];

const COLUMNS: StageColumn[] = [
  ...Object.values(STD).map((s) => ({ name: s.col, type: s.kind === 'real' ? ('real' as const) : ('text' as const) })),
  { name: 'new_guid', type: 'text' },
  { name: 'clears', type: 'text' },
  { name: 'attrs', type: 'text' },
  { name: 'attr_clears', type: 'text' },
  { name: 'dkey', type: 'text' },
  { name: 'item_id', type: 'integer' },
  { name: 'cat_id', type: 'integer' },
  { name: 'lc_id', type: 'integer' },
  { name: 'owner_id', type: 'integer' },
];

const NOT_REMOVABLE = new Set(['key', 'guid', 'name', 'lc_name', 'lc_guid']);
const ok = sql`err_code IS NULL`;

export function itemSpecsHandler(customAttrs: AttributeDef[]): ResourceHandler {
  const attributes = new Map<string, string>();
  for (const name of Object.keys(STD)) attributes.set(name.toLowerCase(), name);
  attributes.set('owner', 'owner.fullName');
  const custom = customAttributeNames(attributes, customAttrs);

  return {
    attributes,
    columns: COLUMNS,
    indexed: ['key', 'item_id', 'dkey'],
    itemColumn: 'item_id',

    stage(values, ctx) {
      const out = new Map<string, unknown>();
      const clears: string[] = [];
      const attrs: Record<string, unknown> = {};
      const attrClears: string[] = [];
      const { removeValue, multiSelectDelimiter } = ctx.options;
      for (const [apiName, text] of values) {
        const def = custom.get(apiName);
        if (def) {
          if (text === removeValue) attrClears.push(def.guid);
          else attrs[def.guid] = customValue(def, apiName, text, multiSelectDelimiter, ctx.options.timeZone);
          continue;
        }
        const std = STD[apiName];
        if (!std) continue;
        if (text === removeValue && ctx.mode !== 'DELETE') {
          if (NOT_REMOVABLE.has(std.col)) throw new RowError(ROW.REQUIRED, `Column '${apiName}': '${text}' cannot clear ${apiName}, it is required.`);
          clears.push(std.kind === 'ref' ? (std.col.startsWith('cat') ? 'cat_id' : std.col.startsWith('owner') ? 'owner_id' : 'lc_id') : std.col);
          continue;
        }
        if (std.kind === 'real') out.set(std.col, numberCell(apiName, text));
        else if (std.col === 'proc') {
          const v = text.toUpperCase();
          if (v !== 'OTS' && v !== 'MTS') throw new RowError(ROW.NOT_AN_OPTION, `Column '${apiName}': value '${text}' is not valid; expected OTS or MTS.`);
          out.set(std.col, v);
        } else out.set(std.col, text);
      }
      const useGuid = ctx.mode !== 'CREATE' && out.has('guid');
      if (!useGuid && !out.has('key')) {
        throw new RowError(ROW.REQUIRED, `Column 'number' is empty: the item number is required${ctx.mode === 'CREATE' ? '' : ' (or a guid column)'}.`);
      }
      if (!useGuid) out.delete('guid');
      out.set('new_guid', newGuid());
      out.set('clears', clears.length > 0 ? `,${clears.join(',')},` : null);
      out.set('attrs', Object.keys(attrs).length > 0 ? JSON.stringify(attrs) : null);
      out.set('attr_clears', attrClears.length > 0 ? JSON.stringify(attrClears) : null);
      return COLUMNS.map((c) => out.get(c.name) ?? null);
    },

    async check(db, ctx) {
      const T = ctx.staging.table;
      const ws = ctx.workspaceId;
      const fail = (code: number, message: ReturnType<typeof concat>, where: ReturnType<typeof sql>) => failRows(db, ctx.staging, code, message, where);
      if (ctx.mode !== 'CREATE') {
        await sql`UPDATE ${T} SET item_id = (SELECT r.item_id FROM item_revisions r WHERE r.workspace_id = ${ws} AND r.guid = ${T}.guid)
          WHERE ${ok} AND guid IS NOT NULL`.execute(db);
        await fail(ROW.NOT_FOUND, concat(`Column 'guid': no item revision has the guid '`, sql`guid`, `'.`), sql`guid IS NOT NULL AND item_id IS NULL`);
      }
      await sql`UPDATE ${T} SET item_id = (SELECT i.id FROM items i WHERE i.workspace_id = ${ws} AND i.number = ${T}.key)
        WHERE ${ok} AND guid IS NULL`.execute(db);
      await sql`UPDATE ${T} SET dkey = CASE WHEN item_id IS NOT NULL THEN ${'i'} || CAST(item_id AS text) ELSE ${'n'} || key END WHERE ${ok}`.execute(db);
      await fail(
        ROW.DUPLICATE_ROW,
        concat(`The item '`, sql`coalesce(key, guid)`, `' is already on row `, sql`(SELECT min(t2.row_no) FROM ${T} t2 WHERE t2.dkey = ${T}.dkey)`, `; an item can appear once per file.`),
        sql`EXISTS (SELECT 1 FROM ${T} t2 WHERE t2.dkey = ${T}.dkey AND t2.row_no < ${T}.row_no)`,
      );
      const notFound = concat(`Column 'number': no item has the number '`, sql`key`, `'.`);
      switch (ctx.mode) {
        case 'CREATE':
          await fail(ROW.IN_USE, concat(`Column 'number': the item number '`, sql`key`, `' is already in use.`), sql`item_id IS NOT NULL`);
          await sql`UPDATE ${T} SET action = 'CREATE' WHERE ${ok}`.execute(db);
          break;
        case 'OVERWRITE':
          await sql`UPDATE ${T} SET action = CASE WHEN item_id IS NULL THEN 'CREATE' ELSE 'EDIT' END WHERE ${ok}`.execute(db);
          break;
        default:
          await fail(ROW.NOT_FOUND, notFound, sql`item_id IS NULL`);
          await sql`UPDATE ${T} SET action = ${ctx.mode} WHERE ${ok}`.execute(db);
      }
      if (ctx.mode === 'DELETE') {
        await fail(
          ROW.NOT_DELETABLE,
          concat(`The item '`, sql`coalesce(key, guid)`, `' has been released and cannot be deleted.`),
          sql`EXISTS (SELECT 1 FROM item_revisions r WHERE r.item_id = ${T}.item_id AND r.revision_status <> 'WORKING')`,
        );
        await fail(
          ROW.NOT_DELETABLE,
          concat(`The item '`, sql`coalesce(key, guid)`, `' is used on a BOM and cannot be deleted.`),
          sql`EXISTS (SELECT 1 FROM bom_lines bl WHERE bl.child_item_id = ${T}.item_id) OR EXISTS (SELECT 1 FROM bom_substitutes bs WHERE bs.item_id = ${T}.item_id)`,
        );
        await fail(
          ROW.NOT_DELETABLE,
          concat(`The item '`, sql`coalesce(key, guid)`, `' is on a change and cannot be deleted.`),
          sql`EXISTS (SELECT 1 FROM change_items ci JOIN item_revisions r ON r.id = ci.rev_id WHERE r.item_id = ${T}.item_id)`,
        );
        return;
      }
      await fail(ROW.REQUIRED, concat(`Column 'name' is empty: the new item '`, sql`key`, `' needs a name.`), sql`action = 'CREATE' AND name IS NULL`);
      // category and lifecycle phase by guid, path or name (names compared ignoring case)
      await sql`UPDATE ${T} SET cat_id = CASE
          WHEN cat_guid IS NOT NULL THEN (SELECT min(c.id) FROM categories c WHERE c.workspace_id = ${ws} AND c.world = 'ITEM' AND c.guid = ${T}.cat_guid)
          WHEN cat_path IS NOT NULL THEN (SELECT min(c.id) FROM categories c WHERE c.workspace_id = ${ws} AND c.world = 'ITEM' AND lower(c.path) = lower(${T}.cat_path))
          ELSE (SELECT min(c.id) FROM categories c WHERE c.workspace_id = ${ws} AND c.world = 'ITEM' AND lower(c.name) = lower(${T}.cat_name)) END
        WHERE ${ok} AND (cat_guid IS NOT NULL OR cat_path IS NOT NULL OR cat_name IS NOT NULL)`.execute(db);
      await fail(
        ROW.NOT_FOUND,
        concat(`Column 'category': no item category matches '`, sql`coalesce(cat_guid, cat_path, cat_name)`, `'.`),
        sql`cat_id IS NULL AND (cat_guid IS NOT NULL OR cat_path IS NOT NULL OR cat_name IS NOT NULL)`,
      );
      await sql`UPDATE ${T} SET lc_id = CASE
          WHEN lc_guid IS NOT NULL THEN (SELECT min(p.id) FROM lifecycle_phases p WHERE p.workspace_id = ${ws} AND p.guid = ${T}.lc_guid)
          ELSE (SELECT min(p.id) FROM lifecycle_phases p WHERE p.workspace_id = ${ws} AND (lower(p.name) = lower(${T}.lc_name) OR lower(p.short_name) = lower(${T}.lc_name))) END
        WHERE ${ok} AND (lc_guid IS NOT NULL OR lc_name IS NOT NULL)`.execute(db);
      await fail(
        ROW.NOT_FOUND,
        concat(`Column 'lifecyclePhase': no lifecycle phase matches '`, sql`coalesce(lc_guid, lc_name)`, `'.`),
        sql`lc_id IS NULL AND (lc_guid IS NOT NULL OR lc_name IS NOT NULL)`,
      );
      // the owner: a member of the workspace, by email or full name (ignoring case)
      await sql`UPDATE ${T} SET owner_id = (SELECT min(u.id) FROM users u JOIN workspace_users wu ON wu.user_id = u.id AND wu.workspace_id = ${ws}
          WHERE (${T}.owner_email IS NOT NULL AND lower(u.email) = lower(${T}.owner_email))
             OR (${T}.owner_email IS NULL AND lower(u.full_name) = lower(${T}.owner_name)))
        WHERE ${ok} AND (owner_email IS NOT NULL OR owner_name IS NOT NULL)`.execute(db);
      await fail(
        ROW.NOT_FOUND,
        concat(`Column 'owner': no user of the workspace matches '`, sql`coalesce(owner_email, owner_name)`, `'.`),
        sql`owner_id IS NULL AND (owner_email IS NOT NULL OR owner_name IS NOT NULL)`,
      );
    },

    async apply(db, ctx) {
      if (ctx.mode === 'DELETE') return applyDelete(db, ctx);
      await applyCreate(db, ctx);
      await applyEdit(db, ctx);
    },
  };
}

async function applyCreate(db: Kysely<DB>, ctx: RunContext): Promise<void> {
  const T = ctx.staging.table;
  const ws = ctx.workspaceId;
  const creating = sql`${ok} AND action = 'CREATE'`;
  const phase = await sql<{ id: number }>`SELECT id FROM lifecycle_phases WHERE workspace_id = ${ws} AND stage = 'UNRELEASED' AND active = 1
    ORDER BY display_order, id LIMIT 1`.execute(db);
  const defaultPhase = phase.rows[0]?.id ?? null;
  await sql`INSERT INTO items (workspace_id, number, latest_rev_id, working_rev_id, created_at)
    SELECT ${ws}, key, NULL, NULL, ${ctx.now} FROM ${T} WHERE ${creating} ORDER BY row_no`.execute(db);
  await sql`UPDATE ${T} SET item_id = (SELECT i.id FROM items i WHERE i.workspace_id = ${ws} AND i.number = ${T}.key) WHERE ${creating}`.execute(db);
  await sql`INSERT INTO item_revisions (workspace_id, item_id, guid, revision_number, revision_status, name, description, category_id,
      lifecycle_phase_id, uom, procurement_type, owner_id, creator_id, created_at, effective_at, superseded_at, deviated, shared,
      modified_bom, modified_files, modified_sourcing, modified_specs, modified_costing, production_cost, prototype_cost, target_cost,
      target_price, standard_cost, change_id, attrs)
    SELECT ${ws}, item_id, new_guid, NULL, 'WORKING', name, description, cat_id, coalesce(lc_id, ${defaultPhase}), uom, proc,
      coalesce(owner_id, ${ctx.creatorId}), ${ctx.creatorId}, ${ctx.now}, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, production_cost, prototype_cost, target_cost,
      target_price, standard_cost, NULL, attrs
    FROM ${T} WHERE ${creating} ORDER BY row_no`.execute(db);
  await sql`UPDATE items SET latest_rev_id = (SELECT min(r.id) FROM item_revisions r WHERE r.item_id = items.id),
      working_rev_id = (SELECT min(r.id) FROM item_revisions r WHERE r.item_id = items.id)
    WHERE workspace_id = ${ws} AND id IN (SELECT item_id FROM ${T} WHERE ${creating})`.execute(db);
}

async function applyEdit(db: Kysely<DB>, ctx: RunContext): Promise<void> {
  const T = ctx.staging.table;
  const ws = ctx.workspaceId;
  const editing = sql`${ok} AND action = 'EDIT'`;
  // 1. which rows really change something (standard columns, set-based)
  const differs = WRITTEN.map(([s, r]) =>
    sql`(${sql.ref(`s.${s}`)} IS NOT NULL AND ${sql.ref(`s.${s}`)} IS DISTINCT FROM ${sql.ref(`r.${r}`)}) OR (s.clears LIKE ${`%,${s},%`} AND ${sql.ref(`r.${r}`)} IS NOT NULL)`);
  await sql`UPDATE ${T} SET changed = 1 WHERE ${editing} AND EXISTS (
      SELECT 1 FROM ${T} s JOIN items i ON i.id = s.item_id JOIN item_revisions r ON r.id = coalesce(i.working_rev_id, i.latest_rev_id)
      WHERE s.row_no = ${T}.row_no AND (${sql.join(differs, sql` OR `)}))`.execute(db);
  // 2. custom attributes (JSON), compared in batches
  await forAttrRows(db, ctx, sql`coalesce(i.working_rev_id, i.latest_rev_id)`, async (rows, current) => {
    const changed = rows.filter((row) => attrsChange(current.get(row.rev_id) ?? null, row.attrs, row.attr_clears));
    if (changed.length > 0) {
      await sql`UPDATE ${T} SET changed = 1 WHERE row_no IN (${sql.join(changed.map((r) => r.row_no))})`.execute(db);
    }
  });
  // 3. a working revision for every changed item, then the standard columns, set-based
  const changedItems = sql`SELECT item_id FROM ${T} WHERE ${editing} AND changed = 1`;
  await ensureWorkingRevisions(db, ctx.dialect, ws, ctx.creatorId, ctx.now, changedItems);
  const sets = WRITTEN.map(([s, r]) =>
    sql`${sql.raw(r)} = CASE WHEN s.clears LIKE ${`%,${s},%`} THEN NULL ELSE coalesce(${sql.ref(`s.${s}`)}, item_revisions.${sql.raw(r)}) END`);
  await sql`UPDATE item_revisions SET ${sql.join(sets)}, modified_specs = 1
    FROM ${T} s JOIN items i ON i.id = s.item_id
    WHERE item_revisions.id = i.working_rev_id AND s.err_code IS NULL AND s.action = 'EDIT' AND s.changed = 1`.execute(db);
  // 4. custom attributes merged into the working revisions
  await forAttrRows(db, ctx, sql`i.working_rev_id`, async (rows, current) => {
    for (const row of rows) {
      const text = mergeAttrs(current.get(row.rev_id) ?? null, row.attrs, row.attr_clears);
      await sql`UPDATE item_revisions SET attrs = ${text} WHERE id = ${row.rev_id}`.execute(db);
    }
  }, sql`AND s.changed = 1`);
}

interface AttrRow {
  row_no: number;
  rev_id: number;
  attrs: string | null;
  attr_clears: string | null;
}

/** Visits the EDIT rows carrying custom attribute values, 500 at a time, with the current attrs of `revExpr`. */
async function forAttrRows(
  db: Kysely<DB>, ctx: RunContext, revExpr: ReturnType<typeof sql>, visit: (rows: AttrRow[], current: Map<number, string | null>) => Promise<void>,
  extra = sql``,
): Promise<void> {
  const T = ctx.staging.table;
  let last = 0;
  for (;;) {
    const res = await sql<AttrRow>`SELECT s.row_no, ${revExpr} AS rev_id, s.attrs, s.attr_clears FROM ${T} s JOIN items i ON i.id = s.item_id
      WHERE s.err_code IS NULL AND s.action = 'EDIT' AND (s.attrs IS NOT NULL OR s.attr_clears IS NOT NULL) AND s.row_no > ${last} ${extra}
      ORDER BY s.row_no LIMIT 500`.execute(db);
    if (res.rows.length === 0) return;
    const ids = res.rows.map((r) => Number(r.rev_id));
    const revs = await sql<{ id: number; attrs: string | null }>`SELECT id, attrs FROM item_revisions WHERE id IN (${sql.join(ids)})`.execute(db);
    await visit(res.rows.map((r) => ({ ...r, rev_id: Number(r.rev_id) })), new Map(revs.rows.map((r) => [Number(r.id), r.attrs])));
    last = Number(res.rows[res.rows.length - 1].row_no);
  }
}

async function applyDelete(db: Kysely<DB>, ctx: RunContext): Promise<void> {
  const T = ctx.staging.table;
  const items = sql`SELECT item_id FROM ${T} WHERE ${ok} AND action = 'DELETE'`;
  const revs = sql`SELECT r.id FROM item_revisions r WHERE r.item_id IN (${items})`;
  await sql`DELETE FROM bom_substitutes WHERE bom_line_id IN (SELECT bl.id FROM bom_lines bl WHERE bl.parent_rev_id IN (${revs}))`.execute(db);
  await sql`DELETE FROM bom_lines WHERE parent_rev_id IN (${revs})`.execute(db);
  await sql`DELETE FROM item_files WHERE rev_id IN (${revs})`.execute(db);
  await sql`DELETE FROM sourcing WHERE rev_id IN (${revs})`.execute(db);
  await sql`UPDATE items SET latest_rev_id = NULL, working_rev_id = NULL WHERE id IN (${items})`.execute(db);
  await sql`DELETE FROM item_revisions WHERE item_id IN (${items})`.execute(db);
  await sql`DELETE FROM items WHERE id IN (${items})`.execute(db);
}
