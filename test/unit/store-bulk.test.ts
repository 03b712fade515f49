/**
 * Store.bulkLoad on the test database (the embedded one, or PostgreSQL with PLMX_DATABASE_URL): rows in
 * batches (encoded by encodeRows) with exact values, failures that reach the caller and leave the store
 * usable, and, on SQLite, the WAL checkpointer thread; Store.openScratch and loads into it; flatRows and
 * the COPY text of encodeRows.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { DB } from '../../src/store/schema.js';
import { copyCsv, encodeRows, flatRows, packedRows, unpackedRows } from '../../src/store/bulk-rows.js';
import { Store } from '../../src/store/store.js';
import { type ScratchDatabase, scratchDatabase } from '../helpers/database.js';

const TABLE = 'bulk_test' as keyof DB;
let dir = '';
let database: ScratchDatabase;
let store: Store;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-bulk-'));
  database = await scratchDatabase();
  store = await Store.open({ dataDir: dir, databaseUrl: database.url });
});
after(async () => {
  await store.close();
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function freshTable(): Promise<void> {
  await sql`DROP TABLE IF EXISTS bulk_test`.execute(store.db);
  await sql`CREATE TABLE bulk_test (id integer, name text, qty ${sql.raw(store.dialect === 'postgres' ? 'double precision' : 'real')})`.execute(store.db);
}

async function rows(): Promise<{ id: number; name: string | null; qty: number | null }[]> {
  return (await sql<{ id: number; name: string | null; qty: number | null }>`SELECT id, name, qty FROM bulk_test ORDER BY id`.execute(store.db)).rows;
}

const batch = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => [from + i, i % 7 === 0 ? null : `n "${from + i}", with\nline`, i % 5 === 0 ? null : (from + i) / 4]);

const COLUMNS = ['id', 'name', 'qty'];
const encoded = (rows: unknown[][], columns = COLUMNS) => encodeRows(store.dialect, columns, rows);

describe('Store.bulkLoad', () => {
  it('loads batches with their exact values', async () => {
    await freshTable();
    const load = await store.bulkLoad(TABLE, COLUMNS);
    for (let b = 0; b < 5; b++) await load.write(encoded(batch(b * 1000, 1000)));
    await load.write(encoded([[5000, '', 0], [5001, '\\.', -1.5]])); // an empty string, COPY's end-of-data marker
    await load.end();
    const got = await rows();
    assert.equal(got.length, 5002);
    assert.deepEqual(got.slice(0, 8).map((r) => [r.id, r.name, r.qty]), batch(0, 8));
    assert.deepEqual(got.slice(-2).map((r) => [r.id, r.name, r.qty]), [[5000, '', 0], [5001, '\\.', -1.5]]);
  });

  it('reports a failed load and stays usable', async () => {
    await freshTable();
    const load = await store.bulkLoad('no_such_table' as keyof DB, ['id']);
    await assert.rejects(async () => {
      for (let i = 0; i < 20; i++) await load.write(encoded([[i]], ['id']));
      await load.end();
    }, /no_such_table/);
    await load.abort();
    // an abandoned load gives back what it held: more loads than the pool has connections still run
    for (let i = 0; i < 12; i++) {
      const partial = await store.bulkLoad(TABLE, COLUMNS);
      await partial.write(encoded(batch(i * 10, 10)));
      await partial.abort();
    }
    const ok = await store.bulkLoad(TABLE, COLUMNS);
    await ok.write(encoded(batch(100_000, 3)));
    await ok.end();
    const ids = (await rows()).map((r) => r.id);
    // PostgreSQL: an aborted COPY adds nothing; SQLite commits each batch as it goes
    assert.ok(ids.includes(100_002));
    if (store.dialect === 'postgres') assert.deepEqual(ids, [100_000, 100_001, 100_002]);
  });

  it('checkpoints the SQLite WAL on its own thread, outside commits', async (t) => {
    if (store.dialect !== 'sqlite') return t.skip('SQLite only');
    const own = fs.mkdtempSync(path.join(dir, 'wal-'));
    const fresh = await Store.open({ dataDir: own }); // a new file: no free pages for checkpointed ones to fill
    try {
      await sql`CREATE TABLE bulk_test (id integer, name text, qty real)`.execute(fresh.db);
      const file = path.join(own, 'plmx.sqlite');
      const before = fs.statSync(file).size;
      await fresh.bulkInsert(TABLE, ['id', 'name', 'qty'], batch(0, 30_000));
      // auto-checkpoints are off: the database file grows only when the checkpointer copies the WAL into it
      const deadline = Date.now() + 5000;
      while (fs.statSync(file).size < before + 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(fs.statSync(file).size >= before + 1024 * 1024, `the database file stayed at ${fs.statSync(file).size} bytes`);
    } finally {
      await fresh.close();
    }
  });
});

describe('Store.openScratch', () => {
  it("holds tables the main connection queries with the main database's", async () => {
    await freshTable();
    await store.bulkLoad(TABLE, COLUMNS).then(async (l) => {
      await l.write(encoded([[1, 'main', 1]]));
      await l.end();
    });
    const scratch = await store.openScratch('bulk_scratch');
    const table = scratch.schema === null ? 'scratch_rows' : `${scratch.schema}.scratch_rows`;
    await sql.raw(`DROP TABLE IF EXISTS ${table}`).execute(store.db);
    await sql.raw(`CREATE TABLE ${table} (id integer, name text, qty real)`).execute(store.db);
    if (scratch.schema !== null) {
      const pageSize = await sql<{ page_size: number }>`PRAGMA ${sql.raw(scratch.schema)}.page_size`.execute(store.db);
      assert.equal(pageSize.rows[0].page_size, 16384);
    }
    const load = await scratch.bulkLoad('scratch_rows', COLUMNS);
    for (let b = 0; b < 3; b++) await load.write(encoded(batch(b * 1000, 1000)));
    await load.end();
    const joined = await sql<{ n: number; named: number }>`SELECT count(*) AS n, count(b.name) AS named
      FROM ${sql.raw(table)} s LEFT JOIN bulk_test b ON b.id = s.id`.execute(store.db);
    assert.deepEqual([Number(joined.rows[0].n), Number(joined.rows[0].named)], [3000, 1]);
    await sql.raw(`DROP TABLE ${table}`).execute(store.db);
    await scratch.close();
    if (store.dialect === 'sqlite') {
      assert.equal(fs.existsSync(path.join(dir, 'scratch', 'bulk_scratch.sqlite')), false, 'its file is deleted');
      const attached = await sql<{ name: string }>`PRAGMA database_list`.execute(store.db);
      assert.deepEqual(attached.rows.map((r) => r.name), ['main']);
    } else assert.equal(scratch.schema, null, 'PostgreSQL keeps scratch tables in the main database');
  });

  it('refuses a name that is not an identifier', async () => {
    await assert.rejects(store.openScratch('../x'), /not a scratch name/);
  });
});

describe('encodeRows', () => {
  it('SQLite: leaves out the columns null in every row, and keeps rows of nulls only', () => {
    assert.deepEqual(flatRows(['a', 'b', 'c'], [[1, null, 'x'], [2, null, null]]), { columns: ['a', 'c'], values: [1, 'x', 2, null] });
    assert.deepEqual(flatRows(['a', 'b'], [[null, null], [null, undefined]]), { columns: ['a', 'b'], values: [null, null, null, null] });
    assert.deepEqual(encodeRows('sqlite', ['a', 'b'], [[1, null]]), { columns: ['a'], values: [1] });
  });

  it('crosses threads packed and comes back as encodeRows makes it', () => {
    const columns = ['a', 'b', 'c', 'd'];
    const rows = [[1, '', null, null], [-1.5, 'Ω ünïcödé 部品 😀', 2 ** 40, null], [0, 'a "quoted", line\n', undefined, null]];
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { rows: packed, transfer } = packedRows(dialect, columns, rows);
      assert.equal(transfer.length, 3);
      assert.deepEqual(unpackedRows(dialect, structuredClone(packed, { transfer })), encodeRows(dialect, columns, rows));
    }
    assert.deepEqual(encodeRows('sqlite', columns, rows), { columns: ['a', 'b', 'c'], values: [1, '', null, -1.5, 'Ω ünïcödé 部品 😀', 2 ** 40, 0, 'a "quoted", line\n', null] });
    // a batch with nothing to quote takes the short way: every value still as copyCsv writes it
    const plain = [[7, 'x', '', null], [null, '\\.', 'ü', -0]];
    assert.equal(unpackedRows('postgres', packedRows('postgres', columns, plain).rows), copyCsv(plain));
    assert.equal(copyCsv(plain), '7,x,"",\n,"\\.",ü,0\n');
    assert.throws(() => packedRows('sqlite', ['a'], [[true]]), /must be a number, a string or null/);
  });

  it("PostgreSQL: COPY's CSV, with every column, NULL as an empty field and an empty string quoted", () => {
    assert.equal(copyCsv([[1, null, ''], [2, 'a "b", c\nd', true], [3, '\\.', 0.5]]), '1,,""\n2,"a ""b"", c\nd",1\n3,"\\.",0.5\n');
    assert.equal(encodeRows('postgres', ['a', 'b'], [[null, null]]), ',\n');
  });
});
