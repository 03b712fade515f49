/** The staging thread of staged-rows.ts: stages the file in this thread and posts the encoded batches. */
import { parentPort, workerData } from 'node:worker_threads';
import { packedRows } from '../../../store/bulk-rows.js';
import { StreamPort } from '../../../worker-threads.js';
import { AHEAD, type StageInput, type StageMessage, type StageSummary, stageHere } from './staged-rows.js';

const port = new StreamPort<StageMessage, StageSummary>(parentPort!, AHEAD);

try {
  const input = workerData as StageInput;
  const staged = await stageHere(input, (columns, rows) => packedRows(input.dialect, columns, rows));
  await port.post({ head: { columns: staged.columns, warnings: staged.warnings } });
  for await (const { rows, transfer } of staged.batches) await port.post({ item: rows }, transfer);
  port.end(staged.summary());
} catch (err) {
  port.fail(err);
}
