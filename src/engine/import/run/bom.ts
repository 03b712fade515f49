/**
 * ITEM_BOM imports: one row per BOM line, keyed by `parent.number` + `item.number` (the child). Lines are
 * written on the parent's WORKING revision (made from the latest one when needed). CREATE adds lines,
 * EDIT changes existing ones, OVERWRITE does either, REPLACE empties each parent's BOM and adds the
 * file's lines, DELETE removes lines. checkRefDes=CHECK expands ref-des ranges (R4-R10), rejects
 * duplicates and makes the quantity the ref-des count. Lines that would make a BOM recursive fail.
 */
import { type Kysely, sql } from 'kysely';
import type { AttributeDef } from '../../../domain/item-json.js';
import type { DB } from '../../../store/schema.js';
import { attrsChange, customAttributeNames, customValue, mergeAttrs, setCustomColumns } from './custom.js';
import { ROW, RowError, type StageColumn, clearsText, concat, ensureWorkingRevisions, flagRevisions, guidSql, indexStagingOn, numberCell, rewriteStaging, rowFailer, StagedValues, StageIndex } from './context.js';
import type { ResourceHandler, RunContext } from './resource.js';

const STD: Record<string, { col: string; kind: 'text' | 'real' | 'integer' | 'key' }> = {
  'parent.number': { col: 'pkey', kind: 'key' },
  'item.number': { col: 'ckey', kind: 'key' },
  'parent.guid': { col: 'pguid', kind: 'key' },
  'item.guid': { col: 'cguid', kind: 'key' },
  quantity: { col: 'quantity', kind: 'real' },
  refDes: { col: 'ref_des', kind: 'text' },
  notes: { col: 'notes', kind: 'text' },
  lineNumber: { col: 'line_number', kind: 'integer' },
};

const COLUMNS: StageColumn[] = [
  ...Object.values(STD).map((s) => ({ name: s.col, type: s.kind === 'key' ? ('text' as const) : s.kind })),
  { name: 'clears', type: 'text' },
  { name: 'attrs', type: 'text' },
  { name: 'attr_clears', type: 'text' },
  { name: 'parent_item_id', type: 'integer' },
  { name: 'child_item_id', type: 'integer' },
  { name: 'line_id', type: 'integer' },
];
const INDEX = new StageIndex(COLUMNS);

const ok = sql`err_code IS NULL`;

/** Expands `R1, R4-R7;C2` into [R1, R4, R5, R6, R7, C2]; a malformed range is a RowError. */
export function expandRefDes(text: string): string[] {
  const out: string[] = [];
  for (const token of text.split(/[\s,;]+/).filter((t) => t !== '')) {
    const range = /^([A-Za-z_]*)(\d+)-([A-Za-z_]*)(\d+)$/.exec(token);
    if (!range) {
      out.push(token);
      continue;
    }
    const [, p1, a, p2, b] = range;
    const from = Number(a);
    const to = Number(b);
    if ((p2 !== '' && p2 !== p1) || to < from || to - from > 100_000) {
      throw new RowError(ROW.REF_DES, `Column 'refDes': '${token}' is not a valid range; expected a range like R4-R10.`);
    }
    for (let n = from; n <= to; n++) out.push(`${p1}${n}`);
  }
  return out;
}

export function itemBomHandler(customAttrs: AttributeDef[]): ResourceHandler {
  const attributes = new Map<string, string>();
  for (const name of Object.keys(STD)) attributes.set(name.toLowerCase(), name);
  const custom = customAttributeNames(attributes, customAttrs);

  return {
    attributes,
    columns: COLUMNS,
    indexed: [],
    itemColumn: 'parent_item_id',

    stagedAction(ctx) {
      return ctx.mode === 'OVERWRITE' ? null : ctx.mode === 'REPLACE' ? 'CREATE' : ctx.mode;
    },

    stage(values, ctx) {
      const out = new StagedValues(INDEX);
      const clears: string[] = [];
      const attrs: Record<string, unknown> = {};
      const attrClears: string[] = [];
      for (let i = 0; i < values.names.length; i++) {
        const text = values.texts[i];
        if (text === null) continue;
        const apiName = values.names[i];
        const def = custom.get(apiName);
        if (def) {
          if (text === ctx.options.removeValue) attrClears.push(def.guid);
          else attrs[def.guid] = customValue(def, apiName, text, ctx.options.multiSelectDelimiter, ctx.options.timeZone);
          continue;
        }
        const std = STD[apiName];
        if (!std) continue;
        if (text === ctx.options.removeValue && ctx.mode !== 'DELETE') {
          if (std.kind === 'key' || std.col === 'quantity') throw new RowError(ROW.REQUIRED, `Column '${apiName}': '${text}' cannot clear ${apiName}, it is required.`);
          clears.push(std.col);
          continue;
        }
        if (std.kind === 'real') {
          const n = numberCell(apiName, text);
          if (n < 0) throw new RowError(ROW.INVALID, `Column '${apiName}': value '${text}' is negative; expected a quantity of 0 or more.`);
          out.set(std.col, n);
        } else if (std.kind === 'integer') {
          const n = numberCell(apiName, text);
          if (!Number.isInteger(n) || n < 1) throw new RowError(ROW.INVALID, `Column '${apiName}': value '${text}' is not valid; expected a whole number of 1 or more.`);
          out.set(std.col, n);
        } else out.set(std.col, text);
      }
      if (!out.has('pkey') && !out.has('pguid')) throw new RowError(ROW.REQUIRED, `Column 'parent.number' is empty: the parent item number is required.`);
      if (!out.has('ckey') && !out.has('cguid')) throw new RowError(ROW.REQUIRED, `Column 'item.number' is empty: the child item number is required.`);
      if (ctx.options.checkRefDes && out.has('ref_des') && ctx.mode !== 'DELETE') {
        const text = String(out.get('ref_des'));
        const list = expandRefDes(text);
        const seen = new Set<string>();
        for (const r of list) {
          if (seen.has(r.toUpperCase())) throw new RowError(ROW.REF_DES, `Column 'refDes': '${r}' appears more than once in '${text}'.`);
          seen.add(r.toUpperCase());
        }
        const q = out.get('quantity');
        if (q === undefined) out.set('quantity', list.length);
        else if (q !== list.length) {
          throw new RowError(ROW.REF_DES, `Column 'quantity': ${String(q)} does not match the ${list.length} reference designators in '${text}'.`);
        }
      }
      out.set('clears', clearsText(clears));
      setCustomColumns(out, attrs, attrClears);
      return out.values;
    },

    async check(db, ctx) {
      const T = ctx.staging.table;
      const ws = ctx.workspaceId;
      const fail = rowFailer(db, ctx.staging);
      // a guid (of any revision of the item) is used first, else the number
      const byKey = (guid: string, number: string) => sql`CASE WHEN ${sql.ref(`${ctx.staging.name}.${guid}`)} IS NOT NULL
        THEN (SELECT r.item_id FROM item_revisions r WHERE r.workspace_id = ${ws} AND r.guid = ${sql.ref(`${ctx.staging.name}.${guid}`)})
        ELSE (SELECT i.id FROM items i WHERE i.workspace_id = ${ws} AND i.number = ${sql.ref(`${ctx.staging.name}.${number}`)}) END`;
      if (ctx.dialect === 'postgres') {
        // lines naming both items by number, joined in as the staging table is rewritten (a lookup per row
        // took 5.5 s for a million lines, an UPDATE joining them 10 s)
        const byNumber = sql`s.err_code IS NULL AND s.pguid IS NULL AND s.cguid IS NULL`;
        await rewriteStaging(db, ctx.staging, { parent_item_id: sql`p.id`, child_item_id: sql`c.id` }, sql`${T} s
          LEFT JOIN items p ON ${byNumber} AND p.workspace_id = ${ws} AND p.number = s.pkey
          LEFT JOIN items c ON ${byNumber} AND c.workspace_id = ${ws} AND c.number = s.ckey`);
      }
      await sql`UPDATE ${T} SET parent_item_id = ${byKey('pguid', 'pkey')}, child_item_id = ${byKey('cguid', 'ckey')}
        WHERE ${ok} AND (parent_item_id IS NULL OR child_item_id IS NULL)`.execute(db);
      await fail(ROW.NOT_FOUND, concat(`Column 'parent': no item has the `, sql`CASE WHEN pguid IS NOT NULL THEN 'guid ''' || pguid ELSE 'number ''' || pkey END`, `'.`), sql`parent_item_id IS NULL`);
      await fail(ROW.NOT_FOUND, concat(`Column 'item': no item has the `, sql`CASE WHEN cguid IS NOT NULL THEN 'guid ''' || cguid ELSE 'number ''' || ckey END`, `'.`), sql`child_item_id IS NULL`);
      // name lines by number in messages
      await sql`UPDATE ${T} SET pkey = (SELECT i.number FROM items i WHERE i.id = ${T}.parent_item_id),
          ckey = (SELECT i.number FROM items i WHERE i.id = ${T}.child_item_id) WHERE ${ok} AND (pguid IS NOT NULL OR cguid IS NOT NULL)`.execute(db);
      await indexStagingOn(db, ctx.staging, 'line', ['parent_item_id', 'child_item_id']);
      await fail(ROW.RECURSIVE, concat(`The item '`, sql`pkey`, `' cannot be added to its own BOM (recursive BOM).`), sql`parent_item_id = child_item_id`);
      // createDuplicates ALLOW: a CREATE row adds a line even when the parent already has one for the child
      const allowDuplicates = ctx.mode === 'CREATE' && ctx.options.createDuplicates === 'ALLOW';
      const sameLine = sql`t2.parent_item_id = ${T}.parent_item_id AND t2.child_item_id = ${T}.child_item_id AND t2.err_code IS NULL`;
      if (!allowDuplicates) {
        await fail(
          ROW.DUPLICATE_ROW,
          concat(`The line '`, sql`pkey`, ` > `, sql`ckey`, `' is already on row `, sql`(SELECT min(t2.row_no) FROM ${T} t2 WHERE ${sameLine})`, `; a line can appear once per file.`),
          sql`EXISTS (SELECT 1 FROM ${T} t2 WHERE ${sameLine} AND t2.row_no < ${T}.row_no)`,
        );
      }
      if (ctx.dialect === 'postgres') {
        // the current lines of the file's parents, joined (a lookup per row: 4.8 s for a million lines)
        await sql`UPDATE ${T} SET line_id = x.id FROM (
            SELECT i.id AS pid, bl.child_item_id AS cid, min(bl.id) AS id FROM items i
            JOIN bom_lines bl ON bl.parent_rev_id = coalesce(i.working_rev_id, i.latest_rev_id)
            WHERE i.id IN (SELECT parent_item_id FROM ${T} WHERE err_code IS NULL) GROUP BY i.id, bl.child_item_id) x
          WHERE ${T}.err_code IS NULL AND x.pid = ${T}.parent_item_id AND x.cid = ${T}.child_item_id`.execute(db);
      } else {
        await sql`UPDATE ${T} SET line_id = (SELECT min(bl.id) FROM bom_lines bl JOIN items i ON bl.parent_rev_id = coalesce(i.working_rev_id, i.latest_rev_id)
            WHERE i.id = ${T}.parent_item_id AND bl.child_item_id = ${T}.child_item_id) WHERE ${ok}`.execute(db);
      }
      const onBom = concat(`The item '`, sql`ckey`, `' is already on the BOM of '`, sql`pkey`, `'.`);
      const notOnBom = concat(`The item '`, sql`ckey`, `' is not on the BOM of '`, sql`pkey`, `'.`);
      switch (ctx.mode) {
        case 'CREATE':
          if (!allowDuplicates) await fail(ROW.IN_USE, onBom, sql`line_id IS NOT NULL`);
          break;
        case 'OVERWRITE':
          await sql`UPDATE ${T} SET action = CASE WHEN line_id IS NULL THEN 'CREATE' ELSE 'EDIT' END WHERE ${ok}`.execute(db);
          break;
        case 'REPLACE':
          break;
        default:
          await fail(ROW.NOT_FOUND, notOnBom, sql`line_id IS NULL`);
      }
      // matchDuplicates ERROR: a row matching several lines of the parent's BOM changes none (APPLY_TO_ALL: all)
      if (['EDIT', 'OVERWRITE', 'DELETE'].includes(ctx.mode) && ctx.options.matchDuplicates === 'ERROR') {
        const lines = sql`(SELECT count(*) FROM bom_lines bl JOIN items i ON bl.parent_rev_id = coalesce(i.working_rev_id, i.latest_rev_id)
          WHERE i.id = ${T}.parent_item_id AND bl.child_item_id = ${T}.child_item_id)`;
        await fail(
          ROW.AMBIGUOUS,
          concat(`The item '`, sql`ckey`, `' is on the BOM of '`, sql`pkey`, `' `, lines, ` times; set matchDuplicates to APPLY_TO_ALL to change every such line.`),
          sql`line_id IS NOT NULL AND ${lines} > 1`,
        );
      }
      if (ctx.mode === 'DELETE') return;
      // a line whose child already has the parent below it (through current BOMs or this file) closes a
      // loop; a child with nothing below it (a leaf part, as most lines' children are) closes none, so the
      // walk starts only from the others, and when there are none (1M lines onto leaves) is not made: a
      // walk with nowhere to go still sorted every edge on PostgreSQL (1.7 s). The workspace's edges are
      // read from its BOM lines, not from each of its items (2.5 s on PostgreSQL, 0.35 s on SQLite, for
      // a million items and no lines).
      const current = sql`SELECT i.id AS p, bl.child_item_id AS c FROM bom_lines bl JOIN item_revisions r ON r.id = bl.parent_rev_id
        JOIN items i ON i.id = r.item_id AND (i.latest_rev_id = r.id OR i.working_rev_id = r.id) WHERE bl.workspace_id = ${ws}`;
      const starts = sql`SELECT row_no, child_item_id FROM ${T} WHERE err_code IS NULL
        AND (child_item_id IN (SELECT parent_item_id FROM ${T} WHERE err_code IS NULL) OR child_item_id IN (SELECT x.p FROM (${current}) x))`;
      if ((await sql`SELECT 1 AS one FROM (${starts}) s LIMIT 1`.execute(db)).rows.length === 0) return;
      await fail(
        ROW.RECURSIVE,
        concat(`The item '`, sql`ckey`, `' cannot be added to the BOM of '`, sql`pkey`, `': '`, sql`pkey`, `' is already below it (recursive BOM).`),
        sql`row_no IN (
          WITH RECURSIVE edges(p, c) AS (${current} UNION ALL SELECT parent_item_id, child_item_id FROM ${T} WHERE err_code IS NULL),
          reach(rn, item) AS (${starts} UNION SELECT r.rn, e.c FROM reach r JOIN edges e ON e.p = r.item)
          SELECT r.rn FROM reach r JOIN ${T} s ON s.row_no = r.rn WHERE r.item = s.parent_item_id)`,
      );
    },

    async apply(db, ctx) {
      await applyBom(db, ctx);
    },
  };
}

async function applyBom(db: Kysely<DB>, ctx: RunContext): Promise<void> {
  const T = ctx.staging.table;
  const ws = ctx.workspaceId;
  // EDIT rows that change nothing leave the BOM (and the revision) as it is; rows of other actions always
  // change it, and are not marked (a million-row CREATE spent 3.9 s on PostgreSQL marking every row)
  await sql`UPDATE ${T} SET changed = 1 WHERE ${ok} AND action = 'EDIT' AND (EXISTS (
      SELECT 1 FROM bom_lines bl JOIN items i ON bl.parent_rev_id = coalesce(i.working_rev_id, i.latest_rev_id)
      WHERE i.id = ${T}.parent_item_id AND bl.child_item_id = ${T}.child_item_id AND (
        (${T}.quantity IS NOT NULL AND ${T}.quantity IS DISTINCT FROM bl.quantity)
        OR (${T}.ref_des IS NOT NULL AND ${T}.ref_des IS DISTINCT FROM bl.ref_des) OR (${T}.clears LIKE '%,ref_des,%' AND bl.ref_des IS NOT NULL)
        OR (${T}.notes IS NOT NULL AND ${T}.notes IS DISTINCT FROM bl.notes) OR (${T}.clears LIKE '%,notes,%' AND bl.notes IS NOT NULL)
        OR (${T}.line_number IS NOT NULL AND ${T}.line_number IS DISTINCT FROM bl.line_number) OR (${T}.clears LIKE '%,line_number,%' AND bl.line_number IS NOT NULL))))`.execute(db);
  await forAttrLines(db, ctx, sql`coalesce(i.working_rev_id, i.latest_rev_id)`, sql``, async (rows) => {
    const changed = rows.filter((r) => attrsChange(r.line_attrs, r.attrs, r.attr_clears)).map((r) => r.row_no);
    if (changed.length > 0) await sql`UPDATE ${T} SET changed = 1 WHERE row_no IN (${sql.join(changed)})`.execute(db);
  });
  const parents = sql`SELECT parent_item_id FROM ${T} WHERE ${ok} AND (action <> 'EDIT' OR changed = 1)`;
  await ensureWorkingRevisions(db, ctx.dialect, ws, ctx.creatorId, ctx.now, parents);
  const workingRevs = sql`SELECT i.working_rev_id FROM items i WHERE i.id IN (${parents})`;
  if (ctx.mode === 'REPLACE') {
    await sql`DELETE FROM bom_substitutes WHERE bom_line_id IN (SELECT bl.id FROM bom_lines bl WHERE bl.parent_rev_id IN (${workingRevs}))`.execute(db);
    await sql`DELETE FROM bom_lines WHERE parent_rev_id IN (${workingRevs})`.execute(db);
  }
  // the lines a row edits or deletes: its child's lines on the parent's working revision (copied there when it was made)
  const deleted = sql`SELECT bl.id FROM ${T} s JOIN items i ON i.id = s.parent_item_id
    JOIN bom_lines bl ON bl.parent_rev_id = i.working_rev_id AND bl.child_item_id = s.child_item_id WHERE s.err_code IS NULL AND s.action = 'DELETE'`;
  await sql`DELETE FROM bom_substitutes WHERE bom_line_id IN (${deleted})`.execute(db);
  await sql`DELETE FROM bom_lines WHERE id IN (${deleted})`.execute(db);
  await sql`UPDATE bom_lines SET quantity = coalesce(s.quantity, bom_lines.quantity),
      ref_des = CASE WHEN s.clears LIKE '%,ref_des,%' THEN NULL ELSE coalesce(s.ref_des, bom_lines.ref_des) END,
      notes = CASE WHEN s.clears LIKE '%,notes,%' THEN NULL ELSE coalesce(s.notes, bom_lines.notes) END,
      line_number = CASE WHEN s.clears LIKE '%,line_number,%' THEN NULL ELSE coalesce(s.line_number, bom_lines.line_number) END
    FROM ${T} s JOIN items i ON i.id = s.parent_item_id
    WHERE bom_lines.parent_rev_id = i.working_rev_id AND bom_lines.child_item_id = s.child_item_id AND s.err_code IS NULL AND s.action = 'EDIT' AND s.changed = 1`.execute(db);
  await forAttrLines(db, ctx, sql`i.working_rev_id`, sql`AND s.changed = 1`, async (rows) => {
    for (const r of rows) {
      await sql`UPDATE bom_lines SET attrs = ${mergeAttrs(r.line_attrs, r.attrs, r.attr_clears)} WHERE id = ${r.line_id}`.execute(db);
    }
  });
  await sql`INSERT INTO bom_lines (workspace_id, guid, parent_rev_id, child_item_id, line_number, quantity, ref_des, notes, attrs)
    SELECT ${ws}, ${guidSql(ctx.dialect, sql`s.row_no`)}, i.working_rev_id, s.child_item_id, s.line_number, coalesce(s.quantity, 1), s.ref_des, s.notes, s.attrs
    FROM ${T} s JOIN items i ON i.id = s.parent_item_id WHERE s.err_code IS NULL AND s.action = 'CREATE' ORDER BY s.row_no`.execute(db);
  await flagRevisions(db, 'modified_bom', workingRevs);
}

interface AttrLine {
  row_no: number;
  line_id: number;
  attrs: string | null;
  attr_clears: string | null;
  line_attrs: string | null;
}

/**
 * Visits the EDIT rows carrying custom attribute values, 500 rows at a time, one entry per line of the row
 * on `revision` (of the parent item `i`) with the line's current attrs.
 */
async function forAttrLines(
  db: Kysely<DB>, ctx: RunContext, revision: ReturnType<typeof sql>, extra: ReturnType<typeof sql>, visit: (rows: AttrLine[]) => Promise<void>,
): Promise<void> {
  const T = ctx.staging.table;
  let last = -1;
  for (;;) {
    const page = await sql<{ row_no: number }>`SELECT row_no FROM ${T} s WHERE s.err_code IS NULL AND s.action = 'EDIT'
      AND (s.attrs IS NOT NULL OR s.attr_clears IS NOT NULL) AND s.row_no > ${last} ${extra} ORDER BY s.row_no LIMIT 500`.execute(db);
    if (page.rows.length === 0) return;
    const rowNos = page.rows.map((r) => Number(r.row_no));
    const { rows } = await sql<AttrLine>`SELECT s.row_no, bl.id AS line_id, s.attrs, s.attr_clears, bl.attrs AS line_attrs
      FROM ${T} s JOIN items i ON i.id = s.parent_item_id
      JOIN bom_lines bl ON bl.parent_rev_id = ${revision} AND bl.child_item_id = s.child_item_id
      WHERE s.row_no IN (${sql.join(rowNos)}) ORDER BY s.row_no, bl.id`.execute(db);
    await visit(rows.map((r) => ({ ...r, row_no: Number(r.row_no), line_id: Number(r.line_id) })));
    last = rowNos[rowNos.length - 1];
  }
}
