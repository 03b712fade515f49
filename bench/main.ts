/**
 * `npm run bench -- [export] [import] [--items N] [--rows N] [--cases specs,bom,xlsx] [--database-url postgres://… (an empty scratch database)]`: throughput and memory of the engines against a raw floor
 * measured in the same run. Each measured case runs in a fresh child process so peak RSS is its own.
 */
import { parseArgs } from 'node:util';
import { benchExport } from './export.js';
import { benchImport } from './import.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { items: { type: 'string' }, rows: { type: 'string' }, cases: { type: 'string' }, 'database-url': { type: 'string' }, keep: { type: 'boolean' } },
});
const which = positionals.length > 0 ? positionals : ['export'];
for (const name of which) {
  if (name === 'export') await benchExport({ items: Number(values.items ?? 100_000), keep: Boolean(values.keep) });
  else if (name === 'import') await benchImport({
    rows: Number(values.rows ?? 1_000_000), keep: Boolean(values.keep), cases: values.cases?.split(','), databaseUrl: values['database-url'],
  });
  else throw new Error(`unknown benchmark "${name}" (known: export, import)`);
}
