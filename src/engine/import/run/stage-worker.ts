/** The staging thread of staged-rows.ts: stages the file in this thread and posts the encoded batches. */
import { parentPort, workerData } from 'node:worker_threads';
import { portableRows } from '../../../store/bulk-rows.js';
import { StreamPort } from '../../../worker-threads.js';
import { AHEAD, type StageInput, type StageMessage, type StageSummary, stageHere } from './staged-rows.js';

const port = new StreamPort<StageMessage, StageSummary>(parentPort!, AHEAD);

try {
  const staged = await stageHere(workerData as StageInput);
  await port.post({ head: { columns: staged.columns, warnings: staged.warnings } });
  for await (const batch of staged.batches) {
    const { rows, transfer } = portableRows(batch);
    await port.post({ item: rows }, transfer);
  }
  port.end(staged.summary());
} catch (err) {
  port.fail(err);
}
