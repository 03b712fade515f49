/** The thread of sqlite-checkpointer.ts: a PASSIVE checkpoint every interval, through its own connection. */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-bulk.js';
import type { CheckpointerInput } from './sqlite-checkpointer.js';

const port = parentPort!;
const { file, intervalMs } = workerData as CheckpointerInput;
const db = openSqlite(file, { cacheKiB: 2000 });

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    console.error(`plmx: WAL checkpoint failed: ${(err as Error).message}`);
  }
}, intervalMs);

port.on('message', () => {
  clearInterval(timer);
  db.close();
  port.close();
});
