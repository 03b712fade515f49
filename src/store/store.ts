/**
 * The database behind plmx: one Kysely instance over better-sqlite3 (embedded default) or PostgreSQL,
 * plus the few dialect-specific paths that Kysely does not cover — streaming large reads in batches and
 * bulk loading rows.
 *
 * ```ts
 * const store = await Store.open({ dataDir: './data' });
 * const row = await store.db.selectFrom('items').selectAll().executeTakeFirst();
 * for await (const batch of store.stream(query.compile())) { ... }
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type CompiledQuery, Kysely, type Logger, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import Cursor from 'pg-cursor';
import { migrate } from './migrations.js';
import { type EncodedRows, type FlatRows, copyCsv, flatRows, liveColumns } from './bulk-rows.js';
import { openSqlite, quoteIdent, sqliteInsert } from './sqlite-bulk.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** Where one job keeps its scratch tables (Store.openScratch). */
export interface Scratch {
  /** the schema that names its tables and indexes (SQLite: a file attached for it), or null: the main database's */
  readonly schema: string | null;
  /** A load into one of its tables, as Store.bulkLoad. */
  bulkLoad(table: string, columns: string[]): Promise<BulkLoad>;
  /** Gives it up with all its tables (SQLite: detaches and deletes its file). */
  close(): Promise<void>;
}

/** Rows loaded into one table in batches (Store.bulkLoad). */
export interface BulkLoad {
  /** a batch encoded by encodeRows for the store's dialect and the load's columns */
  write(rows: EncodedRows): Promise<void>;
  end(): Promise<void>;
  abort(): Promise<void>;
}

export interface StoreConfig {
  /** directory of the embedded database file; ignored with databaseUrl */
  dataDir?: string;
  /** postgres://… switches to PostgreSQL */
  databaseUrl?: string;
  /** log every statement that takes at least this many milliseconds (to stderr) */
  slowQueryMs?: number;
}

/**
 * SQLite scratch databases (Store.openScratch), as pragmas of the schema they are attached as: 16 KB pages
 * (a million-row import staged 0.6 s sooner than with 4 KB), no journal (a failed job's scratch tables are
 * thrown away, not rolled back) and no syncing (a crash loses them anyway).
 */
const SCRATCH_PRAGMAS = ['page_size = 16384', 'journal_mode = OFF', 'synchronous = OFF', 'cache_size = -8000'];

// int8 (counts, sizes, epoch milliseconds) fits a JS number everywhere plmx uses it.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

function slowQueryLog(ms: number | undefined): Logger | undefined {
  if (ms === undefined || !(ms >= 0)) return undefined;
  return (event) => {
    if (event.queryDurationMillis < ms) return;
    const text = event.query.sql.replace(/\s+/g, ' ').slice(0, 300);
    console.error(`plmx: ${event.level === 'error' ? 'failed' : 'slow'} query ${event.queryDurationMillis.toFixed(0)} ms: ${text}`);
  };
}

export class Store {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  readonly #sqlite?: SqliteDatabase.Database;
  readonly #sqliteFile?: string;
  readonly #pool?: pg.Pool;

  readonly #checkpointer?: SqliteCheckpointer;

  private constructor(
    db: Kysely<DB>, dialect: Dialect, opts: { sqlite?: SqliteDatabase.Database; file?: string; pool?: pg.Pool; checkpointer?: SqliteCheckpointer },
  ) {
    this.db = db;
    this.dialect = dialect;
    this.#sqlite = opts.sqlite;
    this.#sqliteFile = opts.file;
    this.#pool = opts.pool;
    this.#checkpointer = opts.checkpointer;
  }

  static async open(config: StoreConfig): Promise<Store> {
    let store: Store;
    const log = slowQueryLog(config.slowQueryMs);
    if (config.databaseUrl) {
      const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
      // An idle connection the server closes (restart, failover, pg_terminate_backend) is dropped from the
      // pool and replaced on next use; without a listener its error event would crash the process.
      pool.on('error', (err) => console.error(`plmx: idle PostgreSQL connection lost: ${err.message}`));
      store = new Store(new Kysely<DB>({ dialect: new PostgresDialect({ pool, cursor: Cursor }), log }), 'postgres', { pool });
    } else {
      const dir = config.dataDir ?? './data';
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'plmx.sqlite');
      const sqlite = openSqlite(file);
      const checkpointer = new SqliteCheckpointer({ file, intervalMs: 200 });
      store = new Store(new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }), log }), 'sqlite', { sqlite, file, checkpointer });
    }
    try {
      await migrate(store.db, store.dialect);
    } catch (err) {
      await store.close().catch(() => {}); // a failed open leaves no pool, thread or file handle behind
      throw err;
    }
    return store;
  }

  /**
   * Runs a compiled query and yields its rows in batches, without holding the result in memory.
   * SQLite reads through a second connection, so the main one stays free for writes while an export
   * streams (WAL gives the reader a consistent snapshot).
   */
  async *stream<R = Record<string, unknown>>(query: CompiledQuery, batchSize = 2000): AsyncGenerator<R[]> {
    if (this.#pool) {
      const client = await this.#pool.connect();
      try {
        const cursor = client.query(new Cursor(query.sql, query.parameters as unknown[]));
        for (;;) {
          const rows = (await cursor.read(batchSize)) as R[];
          if (rows.length === 0) break;
          yield rows;
        }
        await cursor.close();
      } finally {
        client.release();
      }
      return;
    }
    const reader = openSqlite(this.#sqliteFile!, { readonly: true });
    try {
      let batch: R[] = [];
      for (const row of reader.prepare(query.sql).iterate(...(query.parameters as unknown[]))) {
        batch.push(row as R);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      reader.close();
    }
  }

  /**
   * Loads many rows into one table as fast as the dialect allows: a prepared statement inside one
   * transaction on SQLite, COPY on PostgreSQL. A column null in every row is not inserted. Runs outside
   * Kysely for speed, so outside any Kysely transaction.
   */
  async bulkInsert(table: keyof DB, allColumns: string[], allRows: unknown[][]): Promise<number> {
    if (this.#sqlite) return sqliteInsert(this.#sqlite, table, flatRows(allColumns, allRows));
    const live = liveColumns(allColumns, allRows);
    const load = await this.bulkLoad(table, live.map((c) => allColumns[c]));
    try {
      for (let i = 0; i < allRows.length; i += 1000) await load.write(copyCsv(allRows.slice(i, i + 1000).map((row) => live.map((c) => row[c]))));
      await load.end();
    } catch (err) {
      await load.abort();
      throw err;
    }
    return allRows.length;
  }

  /**
   * A load of rows arriving in batches, into one table, overlapping the database's work with the
   * caller's. PostgreSQL: ONE COPY … FROM STDIN (CSV) held open for the whole load (a COPY per 1,000-row
   * batch waited for each: 7 s of a 1M-row import's staging). SQLite: an insert of each batch, in a
   * transaction of its own. end() completes the load (on PostgreSQL all rows or none); abort() gives it up.
   */
  async bulkLoad(table: keyof DB, columns: string[]): Promise<BulkLoad> {
    if (this.#sqlite) return this.#sqliteLoad(table);
    const client = await this.#pool!.connect();
    const copy = client.query(copyFrom(`COPY ${table} (${columns.map(quoteIdent).join(', ')}) FROM STDIN WITH (FORMAT csv)`));
    let failure: Error | null = null;
    copy.on('error', (err: Error) => (failure = err));
    const done = new Promise<void>((resolve, reject) => {
      copy.once('finish', resolve);
      copy.once('error', reject);
    });
    done.catch(() => {}); // awaited by end(); abort() does not want it
    let released = false;
    const release = (err?: Error) => {
      if (released) return;
      released = true;
      client.release(err);
    };
    return {
      async write(rows) {
        if (failure) throw failure;
        if (!copy.write(rows as string)) await Promise.race([new Promise((resolve) => copy.once('drain', resolve)), done]);
        if (failure) throw failure;
      },
      async end() {
        copy.end();
        try {
          await done;
        } finally {
          release(failure ?? undefined);
        }
      },
      async abort() {
        // the connection is in the middle of a COPY: it is closed rather than put back in the pool
        copy.destroy();
        release(failure ?? new Error('bulk load aborted'));
      },
    };
  }

  /** A load into `qualified` (a table as the main connection names it). */
  #sqliteLoad(qualified: string): BulkLoad {
    return { write: async (rows) => void sqliteInsert(this.#sqlite!, qualified, rows as FlatRows), end: async () => {}, abort: async () => {} };
  }

  /**
   * Scratch tables for one job (`name`: letters, digits and _), which a crash may lose. PostgreSQL: the main
   * database (where they are best UNLOGGED). SQLite: a database file of their own under the data
   * directory's `scratch/`, attached to the main connection with no journal and no syncing, so their
   * rows are written once instead of through the WAL and again by its checkpoints (1M-row import staging:
   * about 1 s less).
   */
  async openScratch(name: string): Promise<Scratch> {
    if (!/^\w+$/.test(name)) throw new Error(`not a scratch name: ${name}`);
    if (!this.#sqlite) {
      return { schema: null, bulkLoad: (table, columns) => this.bulkLoad(table as keyof DB, columns), close: async () => {} };
    }
    const schema = `scratch_${name}`;
    const file = this.#scratchFile(name);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.rm(file, { force: true }); // left by a process that died during the same job
    await sql`ATTACH DATABASE ${file} AS ${sql.raw(schema)}`.execute(this.db);
    for (const pragma of SCRATCH_PRAGMAS) await sql.raw(`PRAGMA ${schema}.${pragma}`).execute(this.db);
    return {
      schema,
      bulkLoad: async (table) => this.#sqliteLoad(`${schema}.${table}`),
      close: async () => {
        try {
          await sql`DETACH DATABASE ${sql.raw(schema)}`.execute(this.db);
        } finally {
          await fs.promises.rm(file, { force: true }); // the space comes back once detached, whatever happened
        }
      },
    };
  }

  /**
   * The scratch databases on disk (SQLite; PostgreSQL's scratch tables are the main database's), by name:
   * a process that dies with one open leaves its file behind.
   */
  async scratchNames(): Promise<string[]> {
    if (!this.#sqlite) return [];
    const files = await fs.promises.readdir(this.#scratchDir()).catch(() => []);
    return files.filter((f) => /^\w+\.sqlite$/.test(f)).map((f) => f.slice(0, -'.sqlite'.length));
  }

  /** Deletes the file of a scratch database no job has open (scratchNames). */
  async removeScratch(name: string): Promise<void> {
    if (!/^\w+$/.test(name)) throw new Error(`not a scratch name: ${name}`);
    if (this.#sqlite) await fs.promises.rm(this.#scratchFile(name), { force: true });
  }

  #scratchDir(): string {
    return path.join(path.dirname(this.#sqliteFile!), 'scratch');
  }

  #scratchFile(name: string): string {
    return path.join(this.#scratchDir(), `${name}.sqlite`);
  }

  /** Atomically takes the next value of a per-workspace counter (definition numbers, change numbers…). */
  async nextSequence(workspaceId: number, name: string): Promise<number> {
    const row = await sql<{ value: number }>`
      INSERT INTO sequences (workspace_id, name, value) VALUES (${workspaceId}, ${name}, 1)
      ON CONFLICT (workspace_id, name) DO UPDATE SET value = sequences.value + 1
      RETURNING value`.execute(this.db);
    return Number(row.rows[0].value);
  }

  async close(): Promise<void> {
    await this.#checkpointer?.stop();
    await this.db.destroy(); // the last SQLite connection to close checkpoints what is left
  }
}
