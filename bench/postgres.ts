/**
 * PostgreSQL for the benchmarks: a scratch database per benchmark (created and dropped here), and the
 * worker-scaling benchmark: 20 ITEM_SPECS imports of N rows submitted at once to a cluster of 1, 2 and 3
 * `plmx serve --role worker` processes, timed from submission until every run is COMPLETE.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { closeServices, openServices } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { createUser } from '../src/domain/users.js';
import { createWorkspace } from '../src/domain/workspace-defaults.js';
import { prepare } from './import.js';
import { writeSpecsCsv } from './import-files.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Creates an empty database next to `baseUrl`'s, runs `work` on it, drops it. */
export async function withScratchDatabase<T>(baseUrl: string, work: (url: string) => Promise<T>, keep = false): Promise<T> {
  const name = `plmx_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

function startWorker(url: string, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'bin/plmx.js'), 'serve', '--role', 'worker', '--database-url', url, '--data', dataDir], {
    env: { ...process.env, PLMX_POLL_MS: '500', PLMX_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('worker ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${out}`)));
  });
}

export async function benchWorkers(opts: { baseUrl: string; rows: number; runs: number; workers: number[] }): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-bench-'));
  console.log(`worker scaling: ${opts.runs} ITEM_SPECS imports of ${opts.rows.toLocaleString('en-US')} rows each, PostgreSQL`);
  const files: string[] = [];
  for (let r = 0; r < opts.runs; r++) {
    files.push(path.join(dataDir, `run${r}.csv`));
    await writeSpecsCsv(files[r], `W${String(r).padStart(2, '0')}`, opts.rows);
  }
  for (const n of opts.workers) {
    await withScratchDatabase(opts.baseUrl, async (url) => {
      const services = await openServices(loadConfig({ dataDir, databaseUrl: url, role: 'api', logLevel: 'silent' }));
      const workspaceId = await createWorkspace(services.store, 'Bench', 1_000_000);
      const userId = await createUser(services.store, { email: 'bench@plmx.dev', password: 'bench-password', fullName: 'Bench', workspaceIds: [workspaceId] });
      const runIds: number[] = [];
      for (const file of files) {
        const { preview, commit } = await prepare(services, workspaceId, userId, 'ITEM_SPECS', file, 'CSV');
        // only commits are measured: a preview left CREATED (never sent) would be found and run by the workers
        await services.store.db.deleteFrom('import_runs').where('id', '=', Number(preview)).execute();
        runIds.push(Number(commit));
      }
      // marked as just sent, as the API marks the runs it sends: a queue starting now would otherwise take
      // these never-sent runs for lost and send them itself, before the clock starts
      await services.store.db.updateTable('import_runs').set({ heartbeat_at: Date.now() }).where('id', 'in', runIds).execute();
      await services.queue.start();
      const workers = await Promise.all(Array.from({ length: n }, () => startWorker(url, dataDir)));
      const started = performance.now();
      for (const id of runIds) await services.queue.enqueue('import', id);
      for (;;) {
        const rows = await services.store.db.selectFrom('import_runs').select(['status', 'success_count']).where('id', 'in', runIds).execute();
        const open = rows.filter((r) => r.status === 'CREATED' || r.status === 'RUNNING').length;
        if (open === 0) {
          const seconds = (performance.now() - started) / 1000;
          const done = rows.reduce((s, r) => s + r.success_count, 0);
          const bad = rows.filter((r) => r.status !== 'COMPLETE').length;
          console.log(`${String(n).padStart(2)} worker(s): ${done.toLocaleString('en-US')} rows committed in ${seconds.toFixed(1)} s  ${Math.round(done / seconds).toLocaleString('en-US')} rows/s${bad ? `  (${bad} runs not COMPLETE)` : ''}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
      await closeServices(services);
    });
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}
