/**
 * SQLite connections and bulk inserts.
 */
import SqliteDatabase from 'better-sqlite3';
import type { FlatRows } from './bulk-rows.js';

/** Rows per INSERT statement: a fifth less time than one row per statement, most of it binding. */
const ROWS_PER_INSERT = 10;

export function openSqlite(
  file: string, opts: { readonly?: boolean; cacheKiB?: number } = {},
): SqliteDatabase.Database {
  const readonly = opts.readonly ?? false;
  const db = new SqliteDatabase(file, { readonly });
  if (!readonly) {
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
  db.pragma('busy_timeout = 5000');
  // The streaming reader keeps a small page cache: its scans are sequential, and SQLite's sorter takes as
  // much again during a large ORDER BY (64 MB here cost 110 MB more peak RSS per export for no speed).
  db.pragma(`cache_size = ${-(opts.cacheKiB ?? (readonly ? 8000 : 64000))}`);
  return db;
}

export function quoteIdent(name: string): string {
  return `"${name}"`;
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
