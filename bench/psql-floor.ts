/**
 * Child process: the PostgreSQL floor — psql's own \copy, timed around the psql process.
 *   import <url> <file.csv> <columns>: the CSV loaded into a plain text table (header skipped);
 *   export <url> <VIEW,...> <dir>: each view's floor query written to <dir>/<VIEW>.csv.
 * Peak RSS is psql's (GNU time's %M when /usr/bin/time exists, else not reported).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EXPORT_FLOOR_QUERIES } from './export-queries.js';

const [what, url, a, b] = process.argv.slice(2);

function psql(commands: string[]): { seconds: number; peakRssMb: number } {
  const time = fs.existsSync('/usr/bin/time');
  const args = [url, '-v', 'ON_ERROR_STOP=1', '-q', ...commands.flatMap((c) => ['-c', c])];
  const started = performance.now();
  const res = time
    ? spawnSync('/usr/bin/time', ['-f', 'RSS %M', 'psql', ...args], { encoding: 'utf8' })
    : spawnSync('psql', args, { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
  const rss = /RSS (\d+)/.exec(res.stderr ?? '');
  return { seconds, peakRssMb: rss ? Math.round(Number(rss[1]) / 1024) : 0 };
}

function lines(file: string): number {
  let n = 0;
  const buf = Buffer.alloc(1 << 20);
  const fd = fs.openSync(file, 'r');
  for (let r; (r = fs.readSync(fd, buf)) > 0;) for (let i = 0; i < r; i++) if (buf[i] === 10) n++;
  fs.closeSync(fd);
  return n;
}

if (what === 'import') {
  const columns = Number(b);
  const cols = Array.from({ length: columns }, (_, i) => `c${i} text`).join(', ');
  const t = psql([`DROP TABLE IF EXISTS bench_floor`, `CREATE TABLE bench_floor (${cols})`, `\\copy bench_floor FROM '${a}' CSV HEADER`]);
  psql(['DROP TABLE bench_floor']);
  console.log(JSON.stringify({ rows: lines(a) - 1, ...t }));
} else {
  const views = a.split(',');
  const t = psql(views.map((v) => `\\copy (${EXPORT_FLOOR_QUERIES[v].replace(/\s+/g, ' ').trim()}) TO '${path.join(b, `${v}.csv`)}' CSV HEADER`));
  const rows = views.reduce((n, v) => n + lines(path.join(b, `${v}.csv`)) - 1, 0);
  console.log(JSON.stringify({ rows, ...t }));
}
