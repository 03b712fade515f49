/**
 * A bulk load into the embedded database on a thread of its own: the loader thread opens its own
 * connection and inserts each batch (one transaction per batch) while the caller prepares the next, so
 * SQLite's share of a large import's staging (1M rows: ~2.4 s, with the WAL checkpoints its commits
 * bring) leaves the engine's thread; each batch costs that thread a structured clone (~0.5 s per 1M rows).
 * A few batches may wait in the thread; write() waits beyond that.
 */
import { startWorker } from '../worker-threads.js';
import { flatRows } from './sqlite-bulk.js';
import type { BulkLoad } from './store.js';

export interface LoaderInput {
  file: string;
  table: string;
  columns: string[];
  /** the file is a scratch database (Store.openScratch) */
  scratch?: boolean;
}

/** What the loader thread posts back: one 'inserted' per batch, then 'done' after the null that ends the load. */
export type LoaderReply = { kind: 'inserted' } | { kind: 'done' } | { kind: 'failed'; message: string; stack?: string };

const BATCHES_AHEAD = 4;

export function openSqliteLoader(input: LoaderInput): BulkLoad {
  const worker = startWorker(import.meta.url, 'sqlite-loader-worker', input);
  let queued = 0;
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  worker.on('message', (m: LoaderReply) => {
    if (m.kind === 'inserted') queued--;
    else if (m.kind === 'done') done = true;
    else failure = Object.assign(new Error(m.message), m.stack ? { stack: m.stack } : {});
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (!done && !failure) failure = new Error(`the loader thread exited (code ${code}) before the end of the load`);
    wake?.();
  });
  const until = async (ready: () => boolean) => {
    while (!ready() && !failure) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    if (failure) throw failure;
  };
  return {
    async write(rows) {
      if (failure) throw failure;
      queued++;
      worker.postMessage(flatRows(input.columns, rows));
      await until(() => queued < BATCHES_AHEAD);
    },
    async end() {
      worker.postMessage(null);
      await until(() => done);
      await worker.terminate();
    },
    async abort() {
      worker.removeAllListeners();
      await worker.terminate();
    },
  };
}
