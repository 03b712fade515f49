/**
 * resultContent (every row) and errorContent (failed rows only): CSV files written in one pass over the
 * staging table in row order (keyset batches of 5,000 through the caller's connection, so they see the
 * run's own transaction), streamed into the blob store with bounded memory.
 */
import type { Writable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import type { BlobStore } from '../../../blobs/blob-store.js';
import type { DB } from '../../../store/schema.js';
import type { Staging } from './context.js';

/** Cells that must be quoted: a quote, comma or line break anywhere, or white space at either end. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Cells as CSV fields, each followed by a comma: the start of a line that more fields complete. */
export function csvFields(cells: readonly (string | number | null)[]): string {
  let out = '';
  for (const c of cells) {
    const s = c === null ? '' : typeof c === 'string' ? c : String(c);
    out += `${NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s},`;
  }
  return out;
}

export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${csvFields(cells).slice(0, -1)}\r\n`;
}

function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(text)) return resolve();
    const done = (err?: Error) => {
      stream.off('drain', done);
      stream.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
  });
}

function finish(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

export async function writeResults(
  db: Kysely<DB>, blobs: BlobStore, staging: Staging, headers: string[], resultKey: string, errorKey: string,
): Promise<{ total: number; errors: number }> {
  const result = blobs.createWriteStream(resultKey);
  const errors = blobs.createWriteStream(errorKey);
  let total = 0;
  let failed = 0;
  try {
    await write(result, csvLine(headers));
    await write(errors, csvLine(headers));
    let last = -1;
    for (;;) {
      const { rows } = await sql<{ row_no: number; src: string; err_code: number | null; err_msg: string | null }>`
        SELECT row_no, src, err_code, err_msg FROM ${staging.table} WHERE row_no > ${last} ORDER BY row_no LIMIT 5000`.execute(db);
      if (rows.length === 0) break;
      last = Number(rows[rows.length - 1].row_no);
      let out = '';
      let err = '';
      for (const r of rows) {
        total++;
        const bad = r.err_code !== null;
        const line = r.src + csvLine([bad ? 'ERROR' : 'SUCCESS', bad ? Number(r.err_code) : null, r.err_msg, Number(r.row_no)]);
        out += line;
        if (bad) {
          failed++;
          err += line;
        }
      }
      await write(result, out);
      if (err !== '') await write(errors, err);
    }
    await finish(result);
    await finish(errors);
  } catch (e) {
    result.destroy(e as Error);
    errors.destroy(e as Error);
    throw e;
  }
  return { total, errors: failed };
}
