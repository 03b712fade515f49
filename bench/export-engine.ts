/** Child process: executes one prepared export run through the engine and reports rows, time and RSS. */
import path from 'node:path';
import { closeServices, openServices } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { executeExportRun } from '../src/engine/export/executor.js';
import { measured } from './measure.js';
import { countZipRows } from './zip-rows.js';

const [dataDir, runId] = process.argv.slice(2);
const services = await openServices(loadConfig({ dataDir, logLevel: 'silent' }));
const result = await measured(async () => {
  await executeExportRun(services, Number(runId));
  return { rows: 0 };
});
const file = await services.store.db.selectFrom('export_files').select(['blob_key', 'size']).where('run_id', '=', Number(runId)).executeTakeFirstOrThrow();
await closeServices(services);
result.rows = await countZipRows(path.join(dataDir, 'blobs', file.blob_key));
result.bytes = file.size;
console.log(JSON.stringify(result));
