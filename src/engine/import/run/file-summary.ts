/**
 * FILE_SUMMARY imports: one row per file record, keyed by `number` (or the `guid` of one edition, used
 * first when mapped; not in CREATE). A number names the file's latest edition. CREATE makes a new file
 * (one edition, no content: PLACE_HOLDER, WEB or FTP; number generated when not given); EDIT changes
 * the edition the key names, only where a value really changes; OVERWRITE is EDIT for existing files and
 * CREATE for the others; DELETE removes every edition of a file that no item revision and no supplier
 * item uses. Files are not items: nothing is added to a change (itemColumn null).
 */
import { type Kysely, sql } from 'kysely';
import { newGuid } from '../../../domain/ids.js';
import type { DB } from '../../../store/schema.js';
import { ROW, RowError, type StageColumn, StageIndex, StagedValues, clearsText, concat, rowFailer } from './context.js';
import { FILE_ATTRS, FILE_COLUMNS, FILE_WRITTEN, checkFileValues, insertFiles, resolveFileKey, stageFileValue } from './file-records.js';
import type { ResourceHandler, RunContext } from './resource.js';

const COLUMNS: StageColumn[] = [...FILE_COLUMNS, { name: 'dkey', type: 'text' }];
const INDEX = new StageIndex(COLUMNS);

const KEYS: Record<string, string> = { number: 'fkey', guid: 'fguid' };

const ok = sql`err_code IS NULL`;

export function fileSummaryHandler(): ResourceHandler {
  const attributes = new Map<string, string>();
  for (const name of [...Object.keys(KEYS), ...Object.keys(FILE_ATTRS)]) attributes.set(name.toLowerCase(), name);

  return {
    attributes,
    columns: COLUMNS,
    indexed: ['fkey', 'dkey', 'file_id'],
    itemColumn: null,

    stage(values, ctx) {
      const out = new StagedValues(INDEX);
      const clears: string[] = [];
      for (let i = 0; i < values.names.length; i++) {
        const text = values.texts[i];
        if (text === null) continue;
        const apiName = values.names[i];
        const key = KEYS[apiName];
        if (key) {
          if (text === ctx.options.removeValue && ctx.mode !== 'DELETE') {
            throw new RowError(ROW.REQUIRED, `Column '${apiName}': '${text}' cannot clear ${apiName}, it is required.`);
          }
          out.set(key, text);
        } else {
          const attr = FILE_ATTRS[apiName];
          if (attr) stageFileValue(out, clears, apiName, attr, text, ctx);
        }
      }
      if (ctx.mode === 'CREATE') out.delete('fguid');
      else if (out.has('fguid')) out.delete('fkey');
      if ((ctx.mode === 'EDIT' || ctx.mode === 'DELETE') && !out.has('fkey') && !out.has('fguid')) {
        throw new RowError(ROW.REQUIRED, `Column 'number' is empty: the file number is required (or a guid column).`);
      }
      out.set('new_guid', newGuid());
      out.set('clears', clearsText(clears));
      return out.values;
    },

    async check(db, ctx) {
      const T = ctx.staging.table;
      const ws = ctx.workspaceId;
      const fail = rowFailer(db, ctx.staging);
      await resolveFileKey(db, ctx, '', ctx.mode !== 'CREATE');
      // an edited edition appears once; a created or deleted file (all its editions) once per number
      const byEdition = ctx.mode === 'DELETE' ? sql`0 = 1` : sql`file_id IS NOT NULL`;
      await sql`UPDATE ${T} SET dkey = CASE WHEN ${byEdition} THEN ${'e'} || CAST(file_id AS text) ELSE ${'n'} || fkey END
        WHERE ${ok} AND fkey IS NOT NULL`.execute(db);
      await fail(
        ROW.DUPLICATE_ROW,
        concat(`The file '`, sql`fkey`, `' is already on row `, sql`(SELECT min(t2.row_no) FROM ${T} t2 WHERE t2.dkey = ${T}.dkey)`, `; a file can appear once per file.`),
        sql`EXISTS (SELECT 1 FROM ${T} t2 WHERE t2.dkey = ${T}.dkey AND t2.row_no < ${T}.row_no)`,
      );
      switch (ctx.mode) {
        case 'CREATE':
          await fail(ROW.IN_USE, concat(`Column 'number': the file number '`, sql`fkey`, `' is already in use.`), sql`file_id IS NOT NULL`);
          await sql`UPDATE ${T} SET action = 'CREATE' WHERE ${ok}`.execute(db);
          break;
        case 'OVERWRITE':
          await sql`UPDATE ${T} SET action = CASE WHEN file_id IS NULL THEN 'CREATE' ELSE 'EDIT' END WHERE ${ok}`.execute(db);
          break;
        default:
          await fail(ROW.NOT_FOUND, concat(`Column 'number': no file has the number '`, sql`fkey`, `'.`), sql`file_id IS NULL`);
          await sql`UPDATE ${T} SET action = ${ctx.mode} WHERE ${ok}`.execute(db);
      }
      if (ctx.mode === 'DELETE') {
        const used = (table: string) => sql`fkey IN (SELECT f.number FROM ${sql.table(table)} a JOIN files f ON f.id = a.file_id WHERE a.workspace_id = ${ws})`;
        await fail(ROW.NOT_DELETABLE, concat(`The file '`, sql`fkey`, `' is associated with an item and cannot be deleted.`), used('item_files'));
        await fail(ROW.NOT_DELETABLE, concat(`The file '`, sql`fkey`, `' is associated with a supplier item and cannot be deleted.`), used('supplier_item_files'));
        return;
      }
      await checkFileValues(db, ctx, '', sql`action = 'CREATE'`, sql`action = 'EDIT'`);
    },

    async apply(db, ctx) {
      const T = ctx.staging.table;
      if (ctx.mode === 'DELETE') {
        await sql`DELETE FROM files WHERE workspace_id = ${ctx.workspaceId}
          AND number IN (SELECT fkey FROM ${T} WHERE ${ok} AND action = 'DELETE')`.execute(db);
        return;
      }
      await insertFiles(db, ctx, sql`action = 'CREATE'`);
      await applyEdit(db, ctx);
    },
  };
}

async function applyEdit(db: Kysely<DB>, ctx: RunContext): Promise<void> {
  const T = ctx.staging.table;
  const differs = FILE_WRITTEN.map(([s, f]) =>
    sql`(${sql.ref(`s.${s}`)} IS NOT NULL AND ${sql.ref(`s.${s}`)} IS DISTINCT FROM ${sql.ref(`f.${f}`)}) OR (s.clears LIKE ${`%,${s},%`} AND ${sql.ref(`f.${f}`)} IS NOT NULL)`);
  await sql`UPDATE ${T} SET changed = 1 WHERE ${ok} AND action = 'EDIT' AND EXISTS (
      SELECT 1 FROM ${T} s JOIN files f ON f.id = s.file_id WHERE s.row_no = ${T}.row_no AND (${sql.join(differs, sql` OR `)}))`.execute(db);
  const sets = FILE_WRITTEN.map(([s, f]) =>
    sql`${sql.raw(f)} = CASE WHEN s.clears LIKE ${`%,${s},%`} THEN NULL ELSE coalesce(${sql.ref(`s.${s}`)}, files.${sql.raw(f)}) END`);
  await sql`UPDATE files SET ${sql.join(sets)}, modified_at = ${ctx.now}
    FROM ${T} s WHERE files.id = s.file_id AND s.err_code IS NULL AND s.action = 'EDIT' AND s.changed = 1`.execute(db);
}
