/**
 * SQLite connections and bulk inserts, shared by the Store and its loader thread (sqlite-loader.ts).
 */
import SqliteDatabase from 'better-sqlite3';

/** Rows per INSERT statement: a fifth less time than one row per statement, most of it binding. */
const ROWS_PER_INSERT = 10;

/**
 * Scratch databases (Store.openScratch): no journal (a failed job's scratch tables are thrown away, not
 * rolled back) and no syncing (a crash loses them anyway).
 */
export const SCRATCH_SETTINGS: [string, string | number][] = [['journal_mode', 'OFF'], ['synchronous', 'OFF'], ['cache_size', -8000]];

export function openSqlite(
  file: string, opts: { readonly?: boolean; scratch?: boolean; busyTimeoutMs?: number; cacheKiB?: number } = {},
): SqliteDatabase.Database {
  const readonly = opts.readonly ?? false;
  const db = new SqliteDatabase(file, { readonly });
  if (opts.scratch) {
    for (const [name, value] of SCRATCH_SETTINGS) db.pragma(`${name} = ${value}`);
  } else if (!readonly) {
    // for a new database (fixed once it has tables): a million-row import writes its items and revisions
    // 0.3 s sooner than with 4 KB pages, and its commit takes half as long
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // checkpoints run on their own thread (sqlite-checkpointer.ts), not inside commits; a WAL file that
    // grew during a large import is cut back to this size once checkpointed
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  }
  db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
  // The streaming reader keeps a small page cache: its scans are sequential, and SQLite's sorter takes as
  // much again during a large ORDER BY (64 MB here cost 110 MB more peak RSS per export for no speed).
  db.pragma(`cache_size = ${-(opts.cacheKiB ?? (readonly ? 8000 : 64000))}`);
  return db;
}

export function quoteIdent(name: string): string {
  return `"${name}"`;
}

/**
 * A batch of rows as SQLite inserts it: the columns that are not null in every row (the others are left to
 * their default: binding a null costs as much as a value; 1M import rows: 2.6 s with 27 columns of which 15
 * null, 1.6 s without) and their values, row after row, in one flat array (what the loader thread is sent:
 * a third less structured-clone time than an array per row).
 */
export interface FlatRows {
  columns: string[];
  values: unknown[];
}

export function flatRows(columns: string[], rows: unknown[][]): FlatRows {
  const live = liveColumns(columns, rows);
  const width = live.length;
  const values = new Array<unknown>(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < width; c++) values[r * width + c] = row[live[c]] ?? null;
  }
  return { columns: live.map((c) => columns[c]), values };
}

/** The positions of the columns not null in every row (all of them when every value is null: such rows are still rows). */
export function liveColumns(columns: string[], rows: unknown[][]): number[] {
  const seen = new Array<boolean>(columns.length).fill(false);
  let found = 0;
  for (const row of rows) {
    for (let c = 0; c < columns.length; c++) {
      if (!seen[c] && row[c] !== null && row[c] !== undefined) {
        seen[c] = true;
        found++;
      }
    }
    if (found === columns.length) break;
  }
  const live: number[] = [];
  for (let c = 0; c < columns.length; c++) if (seen[c] || found === 0) live.push(c);
  return live;
}

const statements = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

/** A statement prepared once per connection: a load of 1,000-row batches inserts with the same few. */
function prepared(db: SqliteDatabase.Database, text: string): SqliteDatabase.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(text);
  if (!statement) {
    if (cache.size >= 64) cache.clear();
    cache.set(text, (statement = db.prepare(text)));
  }
  return statement;
}

/** The rows of a FlatRows into `table`, in one transaction; returns how many. */
export function sqliteInsert(db: SqliteDatabase.Database, table: string, { columns, values }: FlatRows): number {
  const width = columns.length;
  const cols = columns.map(quoteIdent).join(', ');
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const insert = (k: number) => prepared(db, `INSERT INTO ${table} (${cols}) VALUES ${Array(k).fill(tuple).join(', ')}`);
  const many = insert(ROWS_PER_INSERT);
  const one = insert(1);
  const step = ROWS_PER_INSERT * width;
  db.transaction(() => {
    let i = 0;
    for (; i + step <= values.length; i += step) many.run(values.slice(i, i + step));
    for (; i < values.length; i += width) one.run(values.slice(i, i + width));
  })();
  return values.length / width;
}
