/**
 * Child process: the import floor — the same file read by the same reader and bulk-inserted, every cell
 * as text, into a plain table with one column per header: no mapping, conversion, checks or writes.
 */
import { openRows } from '../src/engine/import/readers/index.js';
import { Store } from '../src/store/store.js';
import type { DB } from '../src/store/schema.js';
import { sql } from 'kysely';
import { measured } from './measure.js';

const [dataDir, file, type, databaseUrl] = process.argv.slice(2);
const store = await Store.open({ dataDir, databaseUrl: databaseUrl || undefined });
const result = await measured(async () => {
  const sheet = await openRows(file, type === 'xlsx' ? 'EXCEL_WORKSHEET' : 'CSV');
  const columns = sheet.headers.map((_, i) => `c${i}`);
  await sql`DROP TABLE IF EXISTS bench_floor`.execute(store.db);
  await sql.raw(`CREATE TABLE bench_floor (${columns.map((c) => `${c} text`).join(', ')})`).execute(store.db);
  let rows = 0;
  for await (const batch of sheet.rows) {
    const text = batch.rows.map((r) => columns.map((_, i) => (r[i] === null || r[i] === undefined ? null : String(r[i]))));
    rows += await store.bulkInsert('bench_floor' as keyof DB, columns, text);
  }
  await sql`DROP TABLE bench_floor`.execute(store.db);
  return { rows };
});
await store.close();
console.log(JSON.stringify(result));
