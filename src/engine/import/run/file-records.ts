/**
 * What FILE_SUMMARY and ITEM_FILES imports share about file records: the file-summary values (staged under
 * the same column names by both resources), the file key (a guid names one edition; a number names the
 * file, i.e. its latest edition), the checks of a new or edited file (title, storage method and location,
 * FILE category, author) and the numbering and insertion of new files.
 *
 * Files have editions: every edition is a `files` row and all editions of a file share its number. A new
 * file gets one edition (default "1", `latest`), no content (imports take no `fileContent`, so FILE
 * storage is refused) and the next free number `F-NNNNNN`.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../../store/schema.js';
import { ROW, RowError, type StageColumn, type StagedValues, booleanCell, concat, failRows, rowFailer } from './context.js';
import { loadCategories, loadUsers } from './lookups.js';
import type { RunContext, StageContext } from './resource.js';

export const STORAGE_METHODS = ['FILE', 'PLACE_HOLDER', 'FTP', 'WEB'] as const;

/** Prefix and padding of generated file numbers (as the seed numbers files: F-000001). */
const NUMBER_PREFIX = 'F-';
const NUMBER_DIGITS = 6;
/** The per-workspace sequence that remembers the highest generated file number. */
export const FILE_NUMBER_SEQUENCE = 'file:F-';

/** A file-summary attribute (apiName without a `file.` prefix): its staging column and what it writes. */
export interface FileAttr {
  col: string;
  /** the files column written directly from `col` on edit */
  file?: string;
  kind: 'text' | 'bool' | 'storage' | 'ref';
  /** removeValue on it is a row error */
  required?: boolean;
}

export const FILE_ATTRS: Record<string, FileAttr> = {
  title: { col: 'f_title', file: 'title', kind: 'text', required: true },
  description: { col: 'f_description', file: 'description', kind: 'text' },
  edition: { col: 'f_edition', file: 'edition', kind: 'text', required: true },
  format: { col: 'f_format', file: 'format', kind: 'text' },
  storageMethodName: { col: 'f_storage', file: 'storage_method', kind: 'storage', required: true },
  location: { col: 'f_location', file: 'location', kind: 'text' },
  'category.name': { col: 'f_cat_name', kind: 'ref' },
  'category.guid': { col: 'f_cat_guid', kind: 'ref' },
  'category.path': { col: 'f_cat_path', kind: 'ref' },
  'author.fullName': { col: 'f_author_name', kind: 'ref' },
  private: { col: 'f_private', file: 'private', kind: 'bool', required: true },
};

/** Staged value -> files column pairs compared and written when a file is edited (resolved ids included). */
export const FILE_WRITTEN: [string, string][] = [
  ...Object.values(FILE_ATTRS).filter((a) => a.file).map((a) => [a.col, a.file!] as [string, string]),
  ['f_cat_id', 'category_id'],
  ['f_author_id', 'author_id'],
];

/** Staging columns of the file key and the file-summary values. */
export const FILE_COLUMNS: StageColumn[] = [
  { name: 'fkey', type: 'text' },
  { name: 'fguid', type: 'text' },
  ...Object.values(FILE_ATTRS).map((a) => ({ name: a.col, type: a.kind === 'bool' ? ('integer' as const) : ('text' as const) })),
  { name: 'f_cat_id', type: 'integer' },
  { name: 'f_author_id', type: 'integer' },
  { name: 'file_id', type: 'integer' },
  /** the edited file's storage method and location before the run */
  { name: 'cur_storage', type: 'text' },
  { name: 'cur_location', type: 'text' },
  { name: 'new_guid', type: 'text' },
  { name: 'clears', type: 'text' },
];

/** Stages one file-summary cell (`column` is the apiName as mapped); removeValue goes to `clears`. */
export function stageFileValue(out: StagedValues, clears: string[], column: string, attr: FileAttr, text: string, ctx: StageContext): void {
  if (text === ctx.options.removeValue && ctx.mode !== 'DELETE') {
    if (attr.required) throw new RowError(ROW.REQUIRED, `Column '${column}': '${text}' cannot clear ${column}, it is required.`);
    clears.push(attr.kind === 'ref' ? (attr.col.startsWith('f_cat') ? 'f_cat_id' : 'f_author_id') : attr.col);
    return;
  }
  if (attr.kind === 'bool') out.set(attr.col, booleanCell(column, text));
  else if (attr.kind === 'storage') {
    const v = text.toUpperCase();
    if (!(STORAGE_METHODS as readonly string[]).includes(v)) {
      throw new RowError(ROW.NOT_AN_OPTION, `Column '${column}': value '${text}' is not valid; expected one of ${STORAGE_METHODS.join(', ')}.`);
    }
    out.set(attr.col, v);
  } else out.set(attr.col, text);
}

const ok = sql`err_code IS NULL`;

/** SQL: the latest edition of the file numbered by the row's `fkey`. */
function latestEditionSql(ctx: RunContext): RawBuilder<number | null> {
  const T = ctx.staging.table;
  return sql<number | null>`(SELECT f.id FROM files f WHERE f.workspace_id = ${ctx.workspaceId} AND f.number = ${T}.fkey
    ORDER BY f.latest DESC, f.id DESC LIMIT 1)`;
}

/**
 * Resolves the file key of the valid rows: a `fguid` (when `useGuid`) names that edition (3012 when no
 * file has it) and sets `fkey` to its number; otherwise `fkey` names the file's latest edition. Rows whose
 * number matches no file keep `file_id` null (the caller decides whether that is an error).
 */
export async function resolveFileKey(db: Kysely<DB>, ctx: RunContext, prefix: string, useGuid: boolean): Promise<void> {
  const T = ctx.staging.table;
  const ws = ctx.workspaceId;
  if (useGuid) {
    await sql`UPDATE ${T} SET file_id = (SELECT f.id FROM files f WHERE f.workspace_id = ${ws} AND f.guid = ${T}.fguid)
      WHERE ${ok} AND fguid IS NOT NULL`.execute(db);
    await failRows(db, ctx.staging, ROW.NOT_FOUND, concat(`Column '${prefix}guid': no file has the guid '`, sql`fguid`, `'.`),
      sql`fguid IS NOT NULL AND file_id IS NULL`);
    await sql`UPDATE ${T} SET fkey = (SELECT f.number FROM files f WHERE f.id = ${T}.file_id) WHERE ${ok} AND file_id IS NOT NULL`.execute(db);
  }
  await sql`UPDATE ${T} SET file_id = ${latestEditionSql(ctx)} WHERE ${ok} AND file_id IS NULL AND fkey IS NOT NULL`.execute(db);
}

/** Sets `into` to the latest edition of each valid row's file (after resolveFileKey). */
export async function setLatestEdition(db: Kysely<DB>, ctx: RunContext, into: string, where: RawBuilder<unknown>): Promise<void> {
  await sql`UPDATE ${ctx.staging.table} SET ${sql.ref(into)} = ${latestEditionSql(ctx)} WHERE ${ok} AND fkey IS NOT NULL AND (${where})`.execute(db);
}

/**
 * Checks the file-summary values of the valid rows that create a file (`creating`) or edit the file of
 * `file_id` (`editing`): a title for new files; the storage method (default WEB with a location, else
 * PLACE_HOLDER; FILE needs content, so it is refused on new files and on files not stored as FILE, and a
 * FILE-stored file keeps its storage method); a location for WEB and FTP; the FILE category (guid, path or
 * name) and the author (a workspace member by full name).
 */
export async function checkFileValues(
  db: Kysely<DB>, ctx: RunContext, prefix: string, creating: RawBuilder<unknown>, editing: RawBuilder<unknown>,
): Promise<void> {
  const T = ctx.staging.table;
  const ws = ctx.workspaceId;
  const fail = rowFailer(db, ctx.staging);
  const writes = sql`((${creating}) OR (${editing}))`;
  await sql`UPDATE ${T} SET cur_storage = (SELECT f.storage_method FROM files f WHERE f.id = ${T}.file_id),
      cur_location = (SELECT f.location FROM files f WHERE f.id = ${T}.file_id) WHERE ${ok} AND (${editing})`.execute(db);
  await fail(ROW.REQUIRED, concat(`Column '${prefix}title' is empty: a new file needs a title.`), sql`(${creating}) AND f_title IS NULL`);
  await sql`UPDATE ${T} SET f_storage = CASE WHEN f_location IS NOT NULL THEN 'WEB' ELSE 'PLACE_HOLDER' END
    WHERE ${ok} AND (${creating}) AND f_storage IS NULL`.execute(db);
  await fail(
    ROW.NOT_AN_OPTION,
    concat(`Column '${prefix}storageMethodName': FILE storage needs the file's content, which an import does not take; use PLACE_HOLDER, WEB or FTP.`),
    sql`f_storage = 'FILE' AND ((${creating}) OR ((${editing}) AND cur_storage <> 'FILE'))`,
  );
  await fail(
    ROW.NOT_AN_OPTION,
    concat(`Column '${prefix}storageMethodName': the file '`, sql`fkey`, `' is stored as FILE; its storage method cannot change.`),
    sql`(${editing}) AND f_storage IS NOT NULL AND f_storage <> 'FILE' AND cur_storage = 'FILE'`,
  );
  await fail(
    ROW.REQUIRED,
    concat(`Column '${prefix}location' is empty: a `, sql`coalesce(f_storage, cur_storage)`, ` file needs a location.`),
    sql`${writes} AND coalesce(f_storage, cur_storage) IN ('WEB', 'FTP')
      AND (clears LIKE '%,f_location,%' OR (f_location IS NULL AND ((${creating}) OR cur_location IS NULL)))`,
  );
  const anyCategory = sql`(f_cat_guid IS NOT NULL OR f_cat_path IS NOT NULL OR f_cat_name IS NOT NULL)`;
  const categories = await loadCategories(db, ws, 'FILE');
  await resolveDistinct(db, ctx, 'f_cat_id', ['f_cat_guid', 'f_cat_path', 'f_cat_name'], sql`${writes} AND ${anyCategory}`, ([guid, path, name]) =>
    guid !== null ? categories.byGuid.get(guid) : path !== null ? categories.byPath.get(path) : categories.byName.get(name!));
  await fail(
    ROW.NOT_FOUND,
    concat(`Column '${prefix}category': no file category matches '`, sql`coalesce(f_cat_guid, f_cat_path, f_cat_name)`, `'.`),
    sql`${writes} AND f_cat_id IS NULL AND ${anyCategory}`,
  );
  const users = await loadUsers(db, ws);
  await resolveDistinct(db, ctx, 'f_author_id', ['f_author_name'], sql`${writes} AND f_author_name IS NOT NULL`, ([name]) => users.byFullName.get(name!));
  await fail(
    ROW.NOT_FOUND,
    concat(`Column '${prefix}author.fullName': no user of the workspace is named '`, sql`f_author_name`, `'.`),
    sql`${writes} AND f_author_id IS NULL AND f_author_name IS NOT NULL`,
  );
}

/**
 * Sets `target` on the valid rows of `where` from the distinct values of `cols` in the staging table,
 * resolved in JS by `resolve` against a reference table loaded once (lookups.ts); unresolved stays null.
 */
async function resolveDistinct(
  db: Kysely<DB>, ctx: RunContext, target: string, cols: string[], where: RawBuilder<unknown>,
  resolve: (values: (string | null)[]) => number | undefined,
): Promise<void> {
  const T = ctx.staging.table;
  const { rows } = await sql<Record<string, string | null>>`SELECT DISTINCT ${sql.join(cols.map((c) => sql.ref(c)))} FROM ${T}
    WHERE ${ok} AND (${where})`.execute(db);
  for (const r of rows) {
    const values = cols.map((c) => r[c] ?? null);
    const id = resolve(values);
    if (id === undefined) continue;
    const same = sql.join(cols.map((c, i) => (values[i] === null ? sql`${sql.ref(c)} IS NULL` : sql`${sql.ref(c)} = ${values[i]}`)), sql` AND `);
    await sql`UPDATE ${T} SET ${sql.ref(target)} = ${id} WHERE ${ok} AND (${where}) AND ${same}`.execute(db);
  }
}

/** SQL condition: `col` is a generated-style file number (F- and digits only). */
function generatedNumber(ctx: RunContext, col: RawBuilder<unknown>): RawBuilder<unknown> {
  const width = NUMBER_PREFIX.length;
  return ctx.dialect === 'postgres'
    ? sql`${col} ~ ${`^${NUMBER_PREFIX}[0-9]{1,15}$`}`
    : sql`${col} GLOB ${`${NUMBER_PREFIX}[0-9]*`} AND substr(${col}, ${width + 1}) NOT GLOB '*[^0-9]*' AND length(${col}) <= ${width + 15}`;
}

/**
 * Gives the valid rows of `where` without a number (`fkey` null) the next file numbers, in row order:
 * F- and six digits after the highest of the workspace's numbers of that form, the numbers staged in
 * this run and the FILE_NUMBER_SEQUENCE (whose row also serialises concurrent runs on PostgreSQL).
 */
export async function assignFileNumbers(db: Kysely<DB>, ctx: RunContext, where: RawBuilder<unknown>): Promise<void> {
  const T = ctx.staging.table;
  const ws = ctx.workspaceId;
  const pending = sql`${ok} AND fkey IS NULL AND (${where})`;
  const count = await sql<{ n: number }>`SELECT count(*) AS n FROM ${T} WHERE ${pending}`.execute(db);
  const n = Number(count.rows[0]?.n ?? 0);
  if (n === 0) return;
  const seq = await sql<{ value: number }>`INSERT INTO sequences (workspace_id, name, value) VALUES (${ws}, ${FILE_NUMBER_SEQUENCE}, 0)
    ON CONFLICT (workspace_id, name) DO UPDATE SET value = sequences.value RETURNING value`.execute(db);
  const suffix = (col: string) => sql`CAST(substr(${sql.raw(col)}, ${NUMBER_PREFIX.length + 1}) AS bigint)`;
  const used = await sql<{ m: number | null }>`SELECT max(m) AS m FROM (
      SELECT max(${suffix('number')}) AS m FROM files WHERE workspace_id = ${ws} AND ${generatedNumber(ctx, sql.ref('number'))}
      UNION ALL SELECT max(${suffix('fkey')}) AS m FROM ${T} WHERE fkey IS NOT NULL AND ${generatedNumber(ctx, sql.ref('fkey'))}) x`.execute(db);
  const base = Math.max(Number(seq.rows[0]?.value ?? 0), Number(used.rows[0]?.m ?? 0));
  const num = sql`CAST(CAST(${base} AS bigint) + y.rn AS text)`;
  await sql`UPDATE ${T} SET fkey = g.number FROM (
      SELECT y.row_no, ${NUMBER_PREFIX} || CASE WHEN length(${num}) >= ${NUMBER_DIGITS} THEN ${num}
        ELSE substr(${'0'.repeat(NUMBER_DIGITS)}, 1, ${NUMBER_DIGITS} - length(${num})) || ${num} END AS number
      FROM (SELECT row_no, ROW_NUMBER() OVER (ORDER BY row_no) AS rn FROM ${T} WHERE ${pending}) y) g
    WHERE g.row_no = ${T}.row_no`.execute(db);
  await sql`UPDATE sequences SET value = ${base + n} WHERE workspace_id = ${ws} AND name = ${FILE_NUMBER_SEQUENCE}`.execute(db);
}

/**
 * Inserts a new file (one edition, latest) for every valid row of `where`, numbered first by
 * assignFileNumbers; sets the rows' `file_id`. Author: the row's, else the importer.
 */
export async function insertFiles(db: Kysely<DB>, ctx: RunContext, where: RawBuilder<unknown>): Promise<void> {
  const T = ctx.staging.table;
  await assignFileNumbers(db, ctx, where);
  await sql`INSERT INTO files (workspace_id, guid, number, name, title, description, edition, format, mime_type, size, category_id, author_id,
      storage_method, location, latest, locked, private, has_markup, created_at, modified_at, blob_key)
    SELECT ${ctx.workspaceId}, new_guid, fkey, NULL, f_title, f_description, coalesce(f_edition, '1'), f_format, NULL, 0, f_cat_id,
      coalesce(f_author_id, ${ctx.creatorId}), f_storage, f_location, 1, 0, coalesce(f_private, 0), 0, ${ctx.now}, ${ctx.now}, NULL
    FROM ${T} WHERE ${ok} AND (${where}) ORDER BY row_no`.execute(db);
  await sql`UPDATE ${T} SET file_id = (SELECT f.id FROM files f WHERE f.guid = ${T}.new_guid) WHERE ${ok} AND (${where})`.execute(db);
}
