/**
 * Child process: the floor an export is compared with — the same rows read with plain SQL on a
 * read-only connection and written as CSV (the engine's RFC 4180 encoder) into a zip (yazl), with no
 * engine in between: no selection table, no views, no cell mapping.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import yazl from 'yazl';
import { csvLines } from '../src/engine/export/formats/csv.js';
import type { Cell } from '../src/engine/export/views/view.js';
import { EXPORT_FLOOR_QUERIES as QUERIES } from './export-queries.js';
import { measured } from './measure.js';
import { countZipRows } from './zip-rows.js';


const [dataDir, views, out] = process.argv.slice(2);
const result = await measured(async () => {
  const db = new Database(path.join(dataDir, 'plmx.sqlite'), { readonly: true });
  const zip = new yazl.ZipFile();
  const written = pipeline(zip.outputStream, fs.createWriteStream(out));
  for (const view of views.split(',')) {
    // A generator, so each query starts only when yazl reaches its entry: one open iterator at a time.
    const chunks = (function* () {
      let batch: Cell[][] = [];
      for (const row of db.prepare(QUERIES[view]).raw(true).iterate() as Iterable<Cell[]>) {
        batch.push(row);
        if (batch.length === 2000) {
          yield csvLines(batch);
          batch = [];
        }
      }
      yield csvLines(batch);
    })();
    zip.addReadStream(Readable.from(chunks, { objectMode: false }), `${view}.csv`);
  }
  zip.end();
  await written;
  db.close();
  return { rows: 0 };
});
result.rows = await countZipRows(out, false);
result.bytes = fs.statSync(out).size;
console.log(JSON.stringify(result));
