/** The loader thread of sqlite-loader.ts: inserts each batch it is sent, in order, through its own connection. */
import { parentPort, workerData } from 'node:worker_threads';
import { type FlatRows, openSqlite, sqliteInsert } from './sqlite-bulk.js';
import type { LoaderInput, LoaderReply } from './sqlite-loader.js';

const port = parentPort!;
const { file, table, scratch } = workerData as LoaderInput;
const post = (m: LoaderReply) => port.postMessage(m);
// A long write transaction of the main connection (another run's commit) is waited for, not failed on.
// Appending rows needs few pages in memory: a small cache keeps the thread's RSS down.
const db = openSqlite(file, { scratch, busyTimeoutMs: 10 * 60_000, cacheKiB: 8000 });

port.on('message', (rows: FlatRows | null) => {
  if (rows === null) {
    db.close();
    post({ kind: 'done' });
    port.close();
    return;
  }
  try {
    sqliteInsert(db, table, rows);
    post({ kind: 'inserted' });
  } catch (err) {
    post({ kind: 'failed', message: (err as Error).message, stack: (err as Error).stack });
  }
});
