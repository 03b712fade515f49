/**
 * A reader run on a worker thread: parsing a large file (CSV records, the XLSX XML) and making strings of
 * its cells is a large share of an import's CPU, so on a worker it overlaps the consumer's own work on the
 * rows instead of adding to it (1M-row CSV: ~1.3 s leave the consumer's thread; each batch costs it a
 * structured clone, ~0.2 µs per cell).
 * Starting the thread costs about 0.05 s, so openRows uses one only for files above `workerAboveBytes`.
 *
 * The worker reads a few batches ahead of the consumer and then waits for it, so memory stays bounded by
 * those batches. ImportFileError crosses the thread with its row number; leaving the loop early or
 * close() ends the thread.
 */
import { type Headed, type ThreadError, ThreadStream, openHeaded, reviveError, startWorker } from '../../../worker-threads.js';
import { ImportFileError, type ReadOptions, type RowBatch, type SheetRows, type SubmitFileType } from './reader.js';

/** What the worker posts (rows-worker.ts): the header row, then the batches. */
export type WorkerMessage = Headed<Omit<SheetRows, 'rows' | 'close'>, RowBatch>;

export interface WorkerInput {
  file: string;
  type: SubmitFileType;
  opts: ReadOptions;
}

/** Batches the worker may read ahead of the consumer. */
export const READ_AHEAD_BATCHES = 4;

/** An error of a reader or staging thread as it was thrown there: ImportFileError keeps its row number. */
export function reviveFileError(e: ThreadError): Error {
  if (e.name === 'ImportFileError') return new ImportFileError(e.message, e.props.rowNumber as number | undefined);
  return reviveError(e);
}

export async function openRowsInWorker(file: string, type: SubmitFileType, opts: ReadOptions): Promise<SheetRows> {
  const worker = startWorker(import.meta.url, 'rows-worker', { file, type, opts } satisfies WorkerInput);
  const stream = await openHeaded(new ThreadStream<WorkerMessage>(worker, reviveFileError), 'reader');
  return { ...stream.head, rows: stream.items, close: stream.close };
}
