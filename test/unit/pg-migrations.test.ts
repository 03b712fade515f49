/**
 * Migrations run on start, so several plmx processes starting at once on a fresh PostgreSQL database all
 * migrate it together. Kysely's Migrator holds a session advisory lock (pg_advisory_lock) around reading
 * and applying migrations, and tolerates a lost race when creating its own tables; these tests check that
 * this holds for plmx's migrations: every opener succeeds and the schema is there once. Needs
 * PLMX_DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { Store } from '../../src/store/store.js';
import { type ScratchDatabase, scratchDatabase } from '../helpers/database.js';

const PG_URL = process.env.PLMX_DATABASE_URL;
const MIGRATIONS = ['0001_initial', '0002_imports', '0003_run_leases', '0004_blobs', '0005_blob_lz4'];
const STORE_MODULE = fileURLToPath(new URL('../../src/store/store.ts', import.meta.url));

async function schemaOf(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const migrations = (await c.query('SELECT name FROM kysely_migration ORDER BY name')).rows.map((r) => r.name as string);
    const tables = (await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).rows.map((r) => r.table_name as string);
    const columns = Number((await c.query(`SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'public'`)).rows[0].n);
    const indexes = Number((await c.query(`SELECT count(*) AS n FROM pg_indexes WHERE schemaname = 'public'`)).rows[0].n);
    const chunks = await c.query(`SELECT attcompression FROM pg_attribute WHERE attrelid = 'blob_chunks'::regclass AND attname = 'data'`);
    const lz4 = await c.query(`SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)`);
    // blob chunks in lz4 where the server has it, in the server's default where not
    const chunksLz4 = chunks.rows[0].attcompression === (lz4.rowCount ? 'l' : '');
    return { migrations, tables, columns, indexes, chunksLz4 };
  } finally {
    await c.end();
  }
}

describe('migrations on PostgreSQL, several processes at once', { skip: PG_URL ? false : 'PLMX_DATABASE_URL is not set', timeout: 120_000 }, () => {
  const dbs: ScratchDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  async function fresh(): Promise<string> {
    const db = await scratchDatabase(PG_URL);
    dbs.push(db);
    return db.url!;
  }

  it('migrates a fresh database from 8 pools at once, and again when it is current', async () => {
    const url = await fresh();
    for (let round = 0; round < 2; round++) {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => Store.open({ databaseUrl: url })));
      const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      for (const r of results) if (r.status === 'fulfilled') await r.value.close();
      assert.deepEqual(failures, [], `round ${round}: every opener succeeds`);
    }
    // the same schema as one opener alone makes
    const alone = await fresh();
    await (await Store.open({ databaseUrl: alone })).close();
    const [together, single] = [await schemaOf(url), await schemaOf(alone)];
    assert.deepEqual(together, single);
    assert.deepEqual(together.migrations, MIGRATIONS);
    assert.equal(together.chunksLz4, true);
    for (const t of ['blobs', 'blob_chunks', 'blob_versions']) assert.ok(together.tables.includes(t), `${t} exists`);
  });

  it('migrates a fresh database from 4 processes started at once', async () => {
    const url = await fresh();
    const script = `
      const { Store } = await import(${JSON.stringify(STORE_MODULE)});
      const store = await Store.open({ databaseUrl: process.env.URL });
      await store.close();
      console.log('migrated');`;
    const run = promisify(execFile);
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, URL: url }, timeout: 60_000 }),
      ),
    );
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(failures, [], 'every process migrates');
    for (const r of results) assert.match((r as PromiseFulfilledResult<{ stdout: string }>).value.stdout, /migrated/);
    const schema = await schemaOf(url);
    assert.deepEqual(schema.migrations, MIGRATIONS);
  });
});
