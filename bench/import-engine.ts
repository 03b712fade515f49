/** Child process: executes one prepared import run through the engine and reports rows, time and RSS. */
import { closeServices, openServices } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { executeImportRun } from '../src/engine/import/run/executor.js';
import { measured } from './measure.js';

const [dataDir, runId, databaseUrl] = process.argv.slice(2);
const services = await openServices(loadConfig({ dataDir, databaseUrl: databaseUrl || undefined, logLevel: 'silent' }));
const result = await measured(async () => {
  await executeImportRun(services, Number(runId));
  const run = await services.store.db.selectFrom('import_runs').selectAll().where('id', '=', Number(runId)).executeTakeFirstOrThrow();
  if (run.status !== 'COMPLETE') throw new Error(`run ended ${run.status}: ${run.error}`);
  if (run.error_count > 0) throw new Error(`${run.error_count} of ${run.total_count} rows failed`);
  return { rows: run.total_count };
});
await closeServices(services);
console.log(JSON.stringify(result));
