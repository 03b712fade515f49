/**
 * ITEM_FILES imports: one row per item–file association, keyed by the item (`item.number` / `item.guid`,
 * aliases `parent.number` / `parent.guid`) and the file (`file.number` / `file.guid`; a guid names one
 * edition, a number the latest edition). Associations live on the item's WORKING revision (made from the
 * latest one when a row really changes something); a revision has at most one association per file number.
 *
 * CREATE associates an existing file, or — without a file key — creates a new file from the `file.*`
 * columns and associates it; EDIT changes `primary` and `latestEditionAssociation` only (`file.*` columns
 * are not written); OVERWRITE is EDIT for an existing association, else CREATE; REPLACE keeps, per item,
 * exactly the files of its rows (others are removed, existing ones edited, missing ones added); DELETE
 * removes associations. A row that makes a file primary takes primary from the revision's other files.
 */
import { type Kysely, sql } from 'kysely';
import { newGuid } from '../../../domain/ids.js';
import type { DB } from '../../../store/schema.js';
import { ROW, RowError, type StageColumn, booleanCell, clearsText, concat, ensureWorkingRevisions, flagRevisions, guidSql, rowFailer, StagedValues, StageIndex } from './context.js';
import {
  FILE_ATTRS, FILE_COLUMNS, checkFileValues, insertFiles, resolveFileKey, setLatestEdition, stageFileValue,
} from './file-records.js';
import type { ResourceHandler, RunContext } from './resource.js';

const KEYS: Record<string, string> = { 'item.number': 'ikey', 'item.guid': 'iguid', 'file.number': 'fkey', 'file.guid': 'fguid' };
const ALIASES: Record<string, string> = { 'parent.number': 'item.number', 'parent.guid': 'item.guid' };
const FLAGS: Record<string, string> = { primary: 'is_primary', latestEditionAssociation: 'lea' };
/** The file-summary attributes a new file takes from `file.*` columns. */
const NEW_FILE_ATTRS = ['title', 'description', 'edition', 'format', 'storageMethodName', 'location', 'category.name'];

const COLUMNS: StageColumn[] = [
  { name: 'ikey', type: 'text' },
  { name: 'iguid', type: 'text' },
  ...FILE_COLUMNS,
  { name: 'is_primary', type: 'integer' },
  { name: 'lea', type: 'integer' },
  { name: 'new_file', type: 'integer' },
  { name: 'dkey', type: 'text' },
  { name: 'item_id', type: 'integer' },
  { name: 'latest_file_id', type: 'integer' },
  { name: 'assoc_id', type: 'integer' },
  { name: 'assoc_primary', type: 'integer' },
  { name: 'assoc_lea', type: 'integer' },
  { name: 'assoc_file_id', type: 'integer' },
  { name: 'sets_primary', type: 'integer' },
];
const INDEX = new StageIndex(COLUMNS);

const ok = sql`err_code IS NULL`;

export function itemFilesHandler(): ResourceHandler {
  const attributes = new Map<string, string>();
  for (const name of [...Object.keys(KEYS), ...Object.keys(FLAGS), ...NEW_FILE_ATTRS.map((a) => `file.${a}`)]) attributes.set(name.toLowerCase(), name);
  for (const [alias, name] of Object.entries(ALIASES)) attributes.set(alias.toLowerCase(), name);

  return {
    attributes,
    columns: COLUMNS,
    indexed: ['item_id', 'fkey', 'dkey', 'assoc_id'],
    itemColumn: 'item_id',

    stage(values, ctx) {
      const out = new StagedValues(INDEX);
      const clears: string[] = [];
      for (let i = 0; i < values.names.length; i++) {
        const text = values.texts[i];
        if (text === null) continue;
        const apiName = values.names[i];
        const col = KEYS[apiName] ?? FLAGS[apiName];
        if (col) {
          if (text === ctx.options.removeValue && ctx.mode !== 'DELETE') {
            throw new RowError(ROW.REQUIRED, `Column '${apiName}': '${text}' cannot clear ${apiName}, it is required.`);
          }
          out.set(col, FLAGS[apiName] ? booleanCell(apiName, text) : text);
        } else if (apiName.startsWith('file.')) {
          const attr = FILE_ATTRS[apiName.slice('file.'.length)];
          if (attr) stageFileValue(out, clears, apiName, attr, text, ctx);
        }
      }
      if (!out.has('ikey') && !out.has('iguid')) throw new RowError(ROW.REQUIRED, `Column 'item.number' is empty: the item number is required.`);
      if (out.has('fguid')) out.delete('fkey');
      const fileKey = out.has('fkey') || out.has('fguid');
      if (!fileKey) {
        if (ctx.mode === 'EDIT' || ctx.mode === 'DELETE') {
          throw new RowError(ROW.REQUIRED, `Column 'file.number' is empty: the file number (or file.guid) is required.`);
        }
        if (!out.has('f_title')) {
          throw new RowError(ROW.REQUIRED, `Column 'file.number' is empty: name an existing file, or give a file.title to create a new file.`);
        }
      }
      out.set('new_file', fileKey ? 0 : 1);
      out.set('new_guid', newGuid());
      out.set('clears', clearsText(clears));
      return out.values;
    },

    async check(db, ctx) {
      const T = ctx.staging.table;
      const ws = ctx.workspaceId;
      const fail = rowFailer(db, ctx.staging);
      // the item: a guid (of any revision) first, else the number
      await sql`UPDATE ${T} SET item_id = CASE WHEN iguid IS NOT NULL
          THEN (SELECT r.item_id FROM item_revisions r WHERE r.workspace_id = ${ws} AND r.guid = ${T}.iguid)
          ELSE (SELECT i.id FROM items i WHERE i.workspace_id = ${ws} AND i.number = ${T}.ikey) END WHERE ${ok}`.execute(db);
      await fail(ROW.NOT_FOUND, concat(`Column 'item': no item has the `, sql`CASE WHEN iguid IS NOT NULL THEN 'guid ''' || iguid ELSE 'number ''' || ikey END`, `'.`),
        sql`item_id IS NULL`);
      await sql`UPDATE ${T} SET ikey = (SELECT i.number FROM items i WHERE i.id = ${T}.item_id) WHERE ${ok}`.execute(db);
      // the file, and its current association with the item's working (else latest) revision, by file number
      await resolveFileKey(db, ctx, 'file.', true);
      await fail(ROW.NOT_FOUND, concat(`Column 'file.number': no file has the number '`, sql`fkey`, `'.`), sql`new_file = 0 AND file_id IS NULL`);
      await setLatestEdition(db, ctx, 'latest_file_id', sql`new_file = 0`);
      await sql`UPDATE ${T} SET dkey = CAST(item_id AS text) || ${':'} || fkey WHERE ${ok} AND new_file = 0`.execute(db);
      await findAssociations(db, ctx, sql`coalesce(i.working_rev_id, i.latest_rev_id)`, sql`new_file = 0`);
      await sql`UPDATE ${T} SET assoc_primary = (SELECT a."primary" FROM item_files a WHERE a.id = ${T}.assoc_id),
          assoc_lea = (SELECT a.latest_edition_association FROM item_files a WHERE a.id = ${T}.assoc_id),
          assoc_file_id = (SELECT a.file_id FROM item_files a WHERE a.id = ${T}.assoc_id)
        WHERE ${ok} AND assoc_id IS NOT NULL`.execute(db);
      await fail(
        ROW.DUPLICATE_ROW,
        concat(`The file '`, sql`fkey`, `' of the item '`, sql`ikey`, `' is already on row `, sql`(SELECT min(t2.row_no) FROM ${T} t2 WHERE t2.dkey = ${T}.dkey)`,
          `; an item and file can appear once per file.`),
        sql`EXISTS (SELECT 1 FROM ${T} t2 WHERE t2.dkey = ${T}.dkey AND t2.row_no < ${T}.row_no)`,
      );
      switch (ctx.mode) {
        case 'CREATE':
          await fail(ROW.IN_USE, concat(`The file '`, sql`fkey`, `' is already associated with the item '`, sql`ikey`, `'.`), sql`assoc_id IS NOT NULL`);
          await sql`UPDATE ${T} SET action = 'CREATE' WHERE ${ok}`.execute(db);
          break;
        case 'OVERWRITE':
        case 'REPLACE':
          await sql`UPDATE ${T} SET action = CASE WHEN assoc_id IS NULL THEN 'CREATE' ELSE 'EDIT' END WHERE ${ok}`.execute(db);
          break;
        default:
          await fail(ROW.NOT_FOUND, concat(`The file '`, sql`fkey`, `' is not associated with the item '`, sql`ikey`, `'.`), sql`assoc_id IS NULL`);
          await sql`UPDATE ${T} SET action = ${ctx.mode} WHERE ${ok}`.execute(db);
      }
      if (ctx.mode === 'DELETE') return;
      await checkFileValues(db, ctx, 'file.', sql`new_file = 1`, sql`0 = 1`);
      // a new association follows the latest edition unless it names an older one
      await sql`UPDATE ${T} SET lea = CASE WHEN new_file = 1 OR file_id = latest_file_id THEN 1 ELSE 0 END
        WHERE ${ok} AND action = 'CREATE' AND lea IS NULL`.execute(db);
      // one primary file per revision: a second row of an item claiming primary fails when any of them changes it
      await sql`UPDATE ${T} SET sets_primary = 1 WHERE ${ok} AND is_primary = 1 AND (action = 'CREATE' OR assoc_primary = 0)`.execute(db);
      await fail(
        ROW.INVALID,
        concat(`Column 'primary': row `, sql`(SELECT min(t2.row_no) FROM ${T} t2 WHERE t2.err_code IS NULL AND t2.item_id = ${T}.item_id AND t2.is_primary = 1)`,
          ` already makes a file primary for the item '`, sql`ikey`, `'; an item revision has one primary file.`),
        sql`is_primary = 1
          AND EXISTS (SELECT 1 FROM ${T} t2 WHERE t2.err_code IS NULL AND t2.item_id = ${T}.item_id AND t2.is_primary = 1 AND t2.row_no < ${T}.row_no)
          AND EXISTS (SELECT 1 FROM ${T} t2 WHERE t2.err_code IS NULL AND t2.item_id = ${T}.item_id AND t2.sets_primary = 1)`,
      );
    },

    async apply(db, ctx) {
      await applyItemFiles(db, ctx);
    },
  };
}

/**
 * Sets `assoc_id` of the valid rows of `where`: the association of the row's file number with the revision
 * `revExpr` (over items i), else null. One join over the associations of the staged items, not a lookup per
 * row (item_files has no index by file, and an item may have many files).
 */
async function findAssociations(db: Kysely<DB>, ctx: RunContext, revExpr: ReturnType<typeof sql>, where: ReturnType<typeof sql>): Promise<void> {
  const T = ctx.staging.table;
  await sql`UPDATE ${T} SET assoc_id = NULL WHERE ${ok} AND (${where})`.execute(db);
  await sql`UPDATE ${T} SET assoc_id = x.x_assoc FROM (
      SELECT CAST(i.id AS text) || ${':'} || f.number AS x_key, min(a.id) AS x_assoc
      FROM items i JOIN item_files a ON a.rev_id = ${revExpr} JOIN files f ON f.id = a.file_id
      WHERE i.id IN (SELECT item_id FROM ${T} WHERE ${ok} AND (${where}))
      GROUP BY i.id, f.number) x
    WHERE ${T}.dkey = x.x_key AND ${T}.err_code IS NULL AND (${where})`.execute(db);
}

async function applyItemFiles(db: Kysely<DB>, ctx: RunContext): Promise<void> {
  const T = ctx.staging.table;
  const ws = ctx.workspaceId;
  // 1. which rows change something: every CREATE and DELETE; an EDIT that changes a flag (or moves a
  // latest-edition association to the latest edition); under REPLACE every row of an item that loses a file
  await sql`UPDATE ${T} SET changed = 1 WHERE ${ok} AND (action IN ('CREATE', 'DELETE') OR (action = 'EDIT' AND (
      (is_primary IS NOT NULL AND is_primary <> assoc_primary)
      OR (lea IS NOT NULL AND (lea <> assoc_lea OR (lea = 1 AND assoc_file_id <> latest_file_id))))))`.execute(db);
  // (dkey = item:file number of a row naming an existing file; indexed)
  const kept = (item: ReturnType<typeof sql>) =>
    sql`NOT EXISTS (SELECT 1 FROM ${T} t2 WHERE t2.dkey = CAST(${item} AS text) || ${':'} || f.number AND t2.err_code IS NULL)`;
  if (ctx.mode === 'REPLACE') {
    await sql`UPDATE ${T} SET changed = 1 WHERE ${ok} AND item_id IN (
        SELECT i.id FROM items i JOIN item_files a ON a.rev_id = coalesce(i.working_rev_id, i.latest_rev_id) JOIN files f ON f.id = a.file_id
        WHERE i.id IN (SELECT item_id FROM ${T} WHERE ${ok}) AND ${kept(sql`i.id`)})`.execute(db);
  }
  // 2. a working revision for every item that changes; its associations are found again there
  const items = sql`SELECT item_id FROM ${T} WHERE ${ok} AND changed = 1`;
  await ensureWorkingRevisions(db, ctx.dialect, ws, ctx.creatorId, ctx.now, items);
  await findAssociations(db, ctx, sql`i.working_rev_id`, sql`changed = 1 AND action IN ('EDIT', 'DELETE')`);
  const workingRevs = sql`SELECT i.working_rev_id FROM items i WHERE i.id IN (${items})`;
  // 3. removed associations: REPLACE drops the files an item's rows do not name; DELETE rows
  if (ctx.mode === 'REPLACE') {
    await sql`DELETE FROM item_files WHERE id IN (SELECT a.id FROM items i JOIN item_files a ON a.rev_id = i.working_rev_id JOIN files f ON f.id = a.file_id
        WHERE i.id IN (${items}) AND ${kept(sql`i.id`)})`.execute(db);
  }
  await sql`DELETE FROM item_files WHERE id IN (SELECT assoc_id FROM ${T} WHERE ${ok} AND action = 'DELETE')`.execute(db);
  // 4. new files
  await insertFiles(db, ctx, sql`new_file = 1 AND action = 'CREATE'`);
  await sql`UPDATE ${T} SET latest_file_id = file_id WHERE ${ok} AND new_file = 1`.execute(db);
  // 5. primary moves to the file a row makes primary
  await sql`UPDATE item_files SET "primary" = 0 WHERE "primary" = 1 AND rev_id IN (
      SELECT i.working_rev_id FROM ${T} s JOIN items i ON i.id = s.item_id WHERE s.err_code IS NULL AND s.sets_primary = 1)`.execute(db);
  // 6. edited and new associations (a latest-edition association points at the latest edition)
  await sql`UPDATE item_files SET "primary" = coalesce(s.is_primary, item_files."primary"),
      latest_edition_association = coalesce(s.lea, item_files.latest_edition_association),
      file_id = CASE WHEN coalesce(s.lea, item_files.latest_edition_association) = 1 THEN s.latest_file_id ELSE item_files.file_id END
    FROM ${T} s WHERE item_files.id = s.assoc_id AND s.err_code IS NULL AND s.action = 'EDIT' AND s.changed = 1`.execute(db);
  await sql`INSERT INTO item_files (workspace_id, guid, rev_id, file_id, "primary", latest_edition_association)
    SELECT ${ws}, ${guidSql(ctx.dialect)}, i.working_rev_id, CASE WHEN s.lea = 1 THEN s.latest_file_id ELSE s.file_id END, coalesce(s.is_primary, 0), s.lea
    FROM ${T} s JOIN items i ON i.id = s.item_id WHERE s.err_code IS NULL AND s.action = 'CREATE' ORDER BY s.row_no`.execute(db);
  await flagRevisions(db, 'modified_files', workingRevs);
}
