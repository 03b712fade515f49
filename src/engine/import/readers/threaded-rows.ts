/**
 * A reader run on a worker thread: parsing a large file (CSV records, the XLSX XML) and making strings of
 * its cells is a large share of an import's CPU, so on a worker it overlaps the engine's own work on the
 * rows instead of adding to it (1M-row CSV: ~1.3 s leave the engine's thread; each batch costs it a
 * structured clone, ~0.2 µs per cell).
 * Starting the thread costs about 0.1 s, so openRows uses one only for files above `workerAboveBytes`.
 *
 * The worker reads a few batches ahead of the consumer and then waits for it, so memory stays bounded by
 * those batches. ImportFileError crosses the thread with its row number; leaving the loop early or
 * close() ends the thread.
 */
import { startWorker } from '../../../worker-threads.js';
import { ImportFileError, type ReadOptions, type RowBatch, type SheetRows, type SubmitFileType } from './reader.js';

/** What the worker posts (rows-worker.ts); the consumer answers each batch with 'next'. */
export type WorkerMessage =
  | { kind: 'sheet'; headers: string[]; headerRowNumber: number; sheetName?: string }
  | { kind: 'batch'; batch: RowBatch }
  | { kind: 'end' }
  | { kind: 'file-error'; reason: string; rowNumber?: number }
  | { kind: 'failed'; message: string; stack?: string };

export interface WorkerInput {
  file: string;
  type: SubmitFileType;
  opts: ReadOptions;
}

/** Batches the worker may read ahead of the consumer. */
export const READ_AHEAD_BATCHES = 4;

export async function openRowsInWorker(file: string, type: SubmitFileType, opts: ReadOptions): Promise<SheetRows> {
  const worker = startWorker(import.meta.url, 'rows-worker', { file, type, opts } satisfies WorkerInput);
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  const push = (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  };
  worker.on('message', push);
  worker.on('error', (err) => push({ kind: 'failed', message: err.message, stack: err.stack }));
  worker.on('exit', (code) => push({ kind: 'failed', message: `the reader thread exited (code ${code}) before the end of the file` }));
  const next = async (): Promise<WorkerMessage> => {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    const m = queue.shift()!;
    if (m.kind === 'file-error') throw new ImportFileError(m.reason, m.rowNumber);
    if (m.kind === 'failed') throw Object.assign(new Error(m.message), m.stack ? { stack: m.stack } : {});
    return m;
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    worker.removeAllListeners('exit');
    await worker.terminate();
  };

  let sheet: WorkerMessage;
  try {
    sheet = await next();
    if (sheet.kind !== 'sheet') throw new Error(`the reader thread sent ${sheet.kind} before the header row`);
  } catch (err) {
    await close();
    throw err;
  }
  async function* rows(): AsyncGenerator<RowBatch> {
    try {
      for (;;) {
        const m = await next();
        if (m.kind === 'end') return;
        if (m.kind !== 'batch') throw new Error(`the reader thread sent ${m.kind} among the rows`);
        worker.postMessage('next');
        yield m.batch;
      }
    } finally {
      await close();
    }
  }
  return { headers: sheet.headers, headerRowNumber: sheet.headerRowNumber, sheetName: sheet.sheetName, rows: rows(), close };
}
