/**
 * `npm run bench -- [export] [--items N]`: throughput and memory of the engines against a raw floor
 * measured in the same run. Each measured case runs in a fresh child process so peak RSS is its own.
 */
import { parseArgs } from 'node:util';
import { benchExport } from './export.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { items: { type: 'string' }, keep: { type: 'boolean' } },
});
const which = positionals.length > 0 ? positionals : ['export'];
for (const name of which) {
  if (name === 'export') await benchExport({ items: Number(values.items ?? 100_000), keep: Boolean(values.keep) });
  else throw new Error(`unknown benchmark "${name}" (known: export)`);
}
