/**
 * `npm run bench -- [export] [import] [workers] [--items N] [--rows N] [--runs N] [--cases specs,bom,xlsx] [--repeat N]
 * [--database postgres | --database-url postgres://… (an empty database)]`: throughput and memory of the
 * engines against a raw floor measured in the same run (on PostgreSQL: psql's \copy). Each measured case
 * runs in a fresh child process so peak RSS is its own. `workers` (PostgreSQL): 20 imports on 1, 2, 3 workers.
 */
import { parseArgs } from 'node:util';
import { benchExport } from './export.js';
import { benchImport } from './import.js';
import { benchWorkers, withScratchDatabase } from './postgres.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    items: { type: 'string' }, rows: { type: 'string' }, cases: { type: 'string' }, database: { type: 'string' },
    'database-url': { type: 'string' }, runs: { type: 'string' }, keep: { type: 'boolean' }, repeat: { type: 'string' },
  },
});
const postgres = values.database === 'postgres';
if (values.database !== undefined && !postgres) throw new Error(`--database takes postgres (the default is the embedded database)`);
// --database postgres: each benchmark on a scratch database of the server in PLMX_DATABASE_URL (or local)
const baseUrl = process.env.PLMX_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const which = positionals.length > 0 ? positionals : postgres ? ['import', 'export', 'workers'] : ['export'];
const onDatabase = (work: (url?: string) => Promise<void>) =>
  values['database-url'] ? work(values['database-url']) : postgres ? withScratchDatabase(baseUrl, work, values.keep) : work(undefined);

for (const name of which) {
  if (name === 'export') {
    await onDatabase((databaseUrl) => benchExport({ items: Number(values.items ?? 100_000), keep: Boolean(values.keep), databaseUrl }));
  } else if (name === 'import') {
    await onDatabase((databaseUrl) => benchImport({
      rows: Number(values.rows ?? 1_000_000), keep: Boolean(values.keep), repeat: Number(values.repeat ?? 1), cases: values.cases?.split(','), databaseUrl,
    }));
  } else if (name === 'workers') {
    if (!postgres) throw new Error('the workers benchmark needs --database postgres');
    await benchWorkers({ baseUrl, rows: Number(values.rows ?? 100_000), runs: Number(values.runs ?? 20), workers: [1, 2, 3] });
  } else throw new Error(`unknown benchmark "${name}" (known: export, import, workers)`);
}
