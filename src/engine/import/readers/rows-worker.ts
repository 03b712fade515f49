/** The reader thread of threaded-rows.ts: reads the file with the in-thread readers and posts its rows. */
import { parentPort, workerData } from 'node:worker_threads';
import { openRows } from './open-rows.js';
import { ImportFileError } from './reader.js';
import { READ_AHEAD_BATCHES, type WorkerInput, type WorkerMessage } from './threaded-rows.js';

const port = parentPort!;
const { file, type, opts } = workerData as WorkerInput;
const post = (m: WorkerMessage) => port.postMessage(m);

let credit = READ_AHEAD_BATCHES;
let wake: (() => void) | null = null;
port.on('message', () => {
  credit++;
  wake?.();
});

try {
  const sheet = await openRows(file, type, { ...opts, workerAboveBytes: Number.POSITIVE_INFINITY });
  post({ kind: 'sheet', headers: sheet.headers, headerRowNumber: sheet.headerRowNumber, sheetName: sheet.sheetName });
  for await (const batch of sheet.rows) {
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    post({ kind: 'batch', batch });
  }
  post({ kind: 'end' });
} catch (err) {
  if (err instanceof ImportFileError) post({ kind: 'file-error', reason: err.reason, rowNumber: err.rowNumber });
  else post({ kind: 'failed', message: (err as Error).message, stack: (err as Error).stack });
}
port.close();
