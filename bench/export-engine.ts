/** Child process: executes one prepared export run through the engine and reports rows, time and RSS. */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { closeServices, openServices } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { executeExportRun } from '../src/engine/export/executor.js';
import { measured } from './measure.js';
import { countZipRows } from './zip-rows.js';

const [dataDir, runId, databaseUrl] = process.argv.slice(2);
const services = await openServices(loadConfig({ dataDir, databaseUrl: databaseUrl || undefined, logLevel: 'silent' }));
const result = await measured(async () => {
  await executeExportRun(services, Number(runId));
  return { rows: 0 };
});
const file = await services.store.db.selectFrom('export_files').select(['blob_key', 'size']).where('run_id', '=', Number(runId)).executeTakeFirstOrThrow();
const zip = path.join(dataDir, `run-${runId}.zip`);
await pipeline(services.blobs.createReadStream(file.blob_key), fs.createWriteStream(zip));
await closeServices(services);
result.rows = await countZipRows(zip);
fs.rmSync(zip);
result.bytes = file.size;
console.log(JSON.stringify(result));
