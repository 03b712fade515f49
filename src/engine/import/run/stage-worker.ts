/**
 * The staging thread of staged-rows.ts: waits for its StageInput (it is started before the input is all at
 * hand), stages the file in this thread and posts the packed batches.
 */
import { parentPort } from 'node:worker_threads';
import { packedRows } from '../../../store/bulk-rows.js';
import { StreamPort } from '../../../worker-threads.js';
import { AHEAD, type StageInput, type StageMessage, type StageSummary, stageHere } from './staged-rows.js';

const input = await new Promise<StageInput>((resolve) => parentPort!.once('message', resolve));
// after the input: every later message from the parent is a credit
const port = new StreamPort<StageMessage, StageSummary>(parentPort!, AHEAD);

try {
  const staged = await stageHere(input, (columns, rows) => packedRows(input.dialect, columns, rows));
  await port.post({ head: { columns: staged.columns, warnings: staged.warnings } });
  for await (const { rows, transfer } of staged.batches) await port.post({ item: rows }, transfer);
  port.end(staged.summary());
} catch (err) {
  port.fail(err);
}
