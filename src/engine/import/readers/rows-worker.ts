/** The reader thread of threaded-rows.ts: reads the file with the in-thread readers and posts its rows. */
import { parentPort, workerData } from 'node:worker_threads';
import { StreamPort } from '../../../worker-threads.js';
import { openRows } from './open-rows.js';
import { READ_AHEAD_BATCHES, type WorkerInput, type WorkerMessage } from './threaded-rows.js';

const { file, type, opts } = workerData as WorkerInput;
const port = new StreamPort<WorkerMessage>(parentPort!, READ_AHEAD_BATCHES);

try {
  const sheet = await openRows(file, type, { ...opts, workerAboveBytes: Number.POSITIVE_INFINITY });
  await port.post({ head: { headers: sheet.headers, headerRowNumber: sheet.headerRowNumber, sheetName: sheet.sheetName } });
  for await (const batch of sheet.rows) await port.post({ item: batch });
  port.end();
} catch (err) {
  port.fail(err);
}
