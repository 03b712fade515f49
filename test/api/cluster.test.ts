/**
 * plmx scaled out on PostgreSQL: two `--role api` processes and three `--role worker` processes on one
 * database. Twenty export runs and twenty ITEM_SPECS CREATE import runs (some committing, some
 * previews, a few thousand rows each, distinct item numbers per run) go in through both API processes
 * alternately; one worker is killed with SIGKILL while it holds a run (the runs tables' `worker` column
 * names it, `<host>:<pid>`). With a 5-second lease another worker takes the run over. Every run must end
 * COMPLETE; each committed import's items exist exactly once, previews wrote nothing, each export zip is
 * whole (SPECS.csv has criteriaResultsCount rows + header). Then a worker gets SIGTERM while it holds a
 * committing import: it exits 0 and the run ends COMPLETE, its items written once. The other processes
 * then stop on SIGTERM with exit 0.
 *
 * Needs PLMX_DATABASE_URL (skipped otherwise).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { type Cluster, type PlmxProcess, http, login, sleep, startCluster } from '../helpers/cluster.js';
import { readZip } from '../helpers/zip.js';

const PG = Boolean(process.env.PLMX_DATABASE_URL);
const RUNS = 20;
/** rows per import run; the first few are larger so that a run is in flight long enough to be caught */
const rowsFor = (i: number) => (i < 6 || i >= RUNS ? 6000 : 2500);
/** every third import is a preview */
const commitFor = (i: number) => i % 3 !== 2;
/** import numbers have no dash: the exports select the seeded items (`900-000001`…) by `number CONTAINS -` */
const prefixFor = (i: number) => `CL${String(i).padStart(2, '0')}N`;
const SEED_ITEMS = 1500;
const EMAIL = 'alice@acme.test';

interface Submitted {
  kind: 'import' | 'export';
  index: number;
  defGuid: string;
  guid: string;
  via: PlmxProcess;
}

describe('two API processes and three workers on PostgreSQL, one worker killed', { skip: !PG && 'needs PLMX_DATABASE_URL', timeout: 120_000 }, () => {
  let cluster: Cluster;
  let workspaceId = 0;

  before(async () => {
    // a short lease so the killed worker's run is taken over within seconds
    cluster = await startCluster({ env: { PLMX_LEASE_SECONDS: '5', PLMX_POLL_MS: '100', PLMX_MAX_RUN_ATTEMPTS: '5' } });
    ({ workspaceId } = await cluster.addWorkspace({ name: 'Acme Robotics', users: [{ email: EMAIL }], seedItems: SEED_ITEMS }));
  });

  after(async () => {
    await cluster?.close();
  });

  function csvFor(i: number): string {
    const p = prefixFor(i);
    const lines = ['number,name,description'];
    for (let r = 1; r <= rowsFor(i); r++) lines.push(`${p}${String(r).padStart(6, '0')},Cluster ${p}${r},run ${i} row ${r}`);
    return `${lines.join('\r\n')}\r\n`;
  }

  /** The runs (of both kinds) that are RUNNING right now, with the worker that holds each. */
  async function runningRuns(): Promise<{ kind: string; id: number; guid: string; worker: string | null }[]> {
    return cluster.query(
      `SELECT 'import' AS kind, id, guid, worker FROM import_runs WHERE workspace_id = $1 AND status = 'RUNNING'
       UNION ALL
       SELECT 'export' AS kind, id, guid, worker FROM export_runs WHERE workspace_id = $1 AND status = 'RUNNING'`,
      [workspaceId],
    );
  }

  const pidOf = (worker: string | null) => (worker ? Number(/(\d+)$/.exec(worker)?.[1]) : NaN);

  it('finishes 40 runs exactly once each while a worker is killed mid-run', async () => {
    const t0 = performance.now();
    const timings: string[] = [];
    const mark = (what: string) => timings.push(`${what} ${((performance.now() - t0) / 1000).toFixed(1)} s (${new Date().toISOString().slice(11, 23)})`);
    try {
      const [apiA, apiB, ...workers] = await Promise.all([
        cluster.start('api'), cluster.start('api'), cluster.start('worker'), cluster.start('worker'), cluster.start('worker'),
      ]);
      const apis = [apiA, apiB];
      mark('5 processes ready');
      // one session serves both API processes (a second login would revoke the first)
      const token = await login(apiA.url!, EMAIL);

      const imp = await http(apiA.url!, 'POST', '/imports', { token, body: { name: 'Cluster specs', resource: 'ITEM_SPECS', mode: 'CREATE' } });
      assert.equal(imp.status, 201, imp.text);
      const exports: string[] = [];
      for (const [n, views] of [[1, ['SPECS']], [2, ['SPECS', 'SOURCING']]] as const) {
        const exp = await http(apiB.url!, 'POST', '/exports', {
          token,
          body: { name: `Cluster export ${n}`, world: 'ITEMS', options: { exportViews: views, format: 'csv' },
            criteria: [[{ attribute: 'number', operator: 'CONTAINS', value: '-' }]] },
        });
        assert.equal(exp.status, 201, exp.text);
        exports.push(exp.json.guid);
      }

      // watch for a worker holding a run, from before the first submission; kill it with SIGKILL
      let victim: { process: PlmxProcess; worker: string; held: { kind: string; id: number; guid: string }[]; atMs: number } | undefined;
      let watching = true;
      const watcher = (async () => {
        const deadline = Date.now() + 60_000;
        while (watching && Date.now() < deadline) {
          const rows = await runningRuns();
          // prefer a committing import: the case where a takeover could apply rows twice
          const held = rows.filter((r) => workers.some((w) => w.running && w.pid === pidOf(r.worker)));
          const pick = held.find((r) => r.kind === 'import') ?? held[0];
          if (pick) {
            const proc = workers.find((w) => w.pid === pidOf(pick.worker))!;
            assert.equal(await proc.kill('SIGKILL'), 'SIGKILL');
            const stillHeld = await cluster.query<{ kind: string; id: number; guid: string }>(
              `SELECT 'import' AS kind, id, guid FROM import_runs WHERE status = 'RUNNING' AND worker = $1
               UNION ALL SELECT 'export' AS kind, id, guid FROM export_runs WHERE status = 'RUNNING' AND worker = $1`,
              [pick.worker],
            );
            victim = { process: proc, worker: pick.worker!, held: stillHeld, atMs: performance.now() - t0 };
            mark(`killed ${proc.label} (${pick.worker}) holding ${stillHeld.map((r) => `${r.kind} ${r.id}`).join(', ') || 'nothing any more'}`);
            return;
          }
          await sleep(10);
        }
      })();
      void watcher.catch(() => {}); // awaited below; not an unhandled rejection meanwhile

      // submit 20 imports and 20 exports, alternating between the API processes
      const submitted: Submitted[] = [];
      for (let i = 0; i < RUNS; i++) {
        const viaImport = apis[i % 2];
        const form = new FormData();
        form.append('commit', String(commitFor(i)));
        form.append('submitContent', new Blob([csvFor(i)], { type: 'text/csv' }), `${prefixFor(i)}.csv`);
        const run = await http(viaImport.url!, 'POST', `/imports/${imp.json.guid}/runs`, { token, body: form });
        assert.equal(run.status, 201, `import ${i} via ${viaImport.label}: ${run.text}`);
        submitted.push({ kind: 'import', index: i, defGuid: imp.json.guid, guid: run.json.guid, via: viaImport });

        const viaExport = apis[(i + 1) % 2];
        const defGuid = exports[i % exports.length];
        const ex = await http(viaExport.url!, 'POST', `/exports/${defGuid}/runs`, { token, body: {} });
        assert.equal(ex.status, 201, `export ${i} via ${viaExport.label}: ${ex.text}`);
        submitted.push({ kind: 'export', index: i, defGuid, guid: ex.json.guid, via: viaExport });
      }
      mark('40 runs submitted');
      const submittedMs = performance.now() - t0;

      // every run reaches a terminal state, polled through both API processes
      const terminal = new Map<string, any>();
      /** when the poll first saw each run terminal (ms since the test began) */
      const seenDone = new Map<string, number>();
      const deadline = Date.now() + 90_000;
      let polls = 0;
      while (terminal.size < submitted.length) {
        for (const s of submitted) {
          if (terminal.has(s.guid)) continue;
          const base = s.kind === 'import' ? `/imports/${s.defGuid}/runs/${s.guid}` : `/exports/${s.defGuid}/runs/${s.guid}`;
          const res = await http(apis[polls++ % 2].url!, 'GET', base, { token });
          assert.equal(res.status, 200, res.text);
          if (!['CREATED', 'RUNNING'].includes(res.json.status)) {
            terminal.set(s.guid, res.json);
            seenDone.set(s.guid, performance.now() - t0);
          }
        }
        if (terminal.size === submitted.length) break;
        if (Date.now() > deadline) {
          const left = submitted.filter((s) => !terminal.has(s.guid)).map((s) => `${s.kind} ${s.index}`);
          const rows = await cluster.query(
            `SELECT 'import' AS kind, id, status, attempts, worker, heartbeat_at FROM import_runs WHERE status IN ('CREATED', 'RUNNING')
             UNION ALL SELECT 'export', id, status, attempts, worker, heartbeat_at FROM export_runs WHERE status IN ('CREATED', 'RUNNING')`,
          );
          throw new Error(`not terminal after 90 s: ${left.join(', ')}\n${JSON.stringify(rows, null, 1)} (now ${Date.now()})`);
        }
        await sleep(200);
      }
      mark('every run terminal');
      // the slowest runs, with their attempts and pg-boss messages (a run that waits for a takeover or a
      // resent message shows here)
      const slowest = [...submitted].sort((x, y) => seenDone.get(y.guid)! - seenDone.get(x.guid)!).slice(0, 3);
      for (const s of slowest) {
        const [row] = await cluster.query<{ id: number; attempts: number; worker: string | null }>(
          `SELECT id, attempts, worker FROM ${s.kind}_runs WHERE guid = $1`, [s.guid],
        );
        const jobs = await cluster.query<{ state: string; created_on: Date; started_on: Date | null; completed_on: Date | null }>(
          `SELECT state, created_on, started_on, completed_on FROM pgboss.job WHERE name = $1 AND (data->>'runId')::int = $2 ORDER BY created_on`,
          [`plmx-${s.kind}-runs`, row.id],
        ).catch((err: Error) => [{ state: `(pgboss.job: ${err.message})` }] as any[]);
        const at = (d: Date | null | undefined) => (d ? d.toISOString().slice(11, 23) : '-');
        timings.push(`slow: ${s.kind} ${s.index} (run ${row.id}) terminal at ${(seenDone.get(s.guid)! / 1000).toFixed(1)} s, attempts ${row.attempts}, ` +
          `jobs ${jobs.map((j) => `${j.state} created ${at(j.created_on)} started ${at(j.started_on)} completed ${at(j.completed_on)}`).join('; ')}`);
      }
      watching = false;
      await watcher;

      // the kill happened, on a worker that held a run
      assert.ok(victim, 'no worker was seen holding a run: nothing was killed');
      assert.ok(!victim.process.running);
      // a dead worker delays its runs by about a lease (5 s) plus the takeover period, not more: every run
      // is done within 30 s of the last submission (undisturbed, all 40 take about 6 s here)
      const lastDone = Math.max(...seenDone.values());
      assert.ok(lastDone - submittedMs < 30_000,
        `the last run was terminal ${((lastDone - submittedMs) / 1000).toFixed(1)} s after the last submission ` +
        `(worker killed at ${(victim.atMs / 1000).toFixed(1)} s; see the slow runs below)`);

      const notComplete = submitted.filter((s) => terminal.get(s.guid).status !== 'COMPLETE')
        .map((s) => `${s.kind} ${s.index}: ${JSON.stringify(terminal.get(s.guid))}`);
      assert.deepEqual(notComplete, [], 'every run COMPLETE');

      // the runs the killed worker held were taken over: finished by another worker, on a later attempt
      const attempts: string[] = [];
      for (const h of victim.held) {
        const [row] = await cluster.query<{ status: string; attempts: number; worker: string | null }>(
          `SELECT status, attempts, worker FROM ${h.kind}_runs WHERE id = $1`, [h.id],
        );
        attempts.push(`${h.kind} ${h.id}: ${row.status}, attempts ${row.attempts}, worker ${row.worker}`);
        assert.equal(row.status, 'COMPLETE');
        assert.ok(Number(row.attempts) >= 2, `the taken-over run was attempted again: ${attempts.at(-1)}`);
        assert.notEqual(row.worker, victim.worker, 'not finished by the killed worker');
      }

      // imports: committed runs wrote each item exactly once; previews wrote nothing
      for (const s of submitted.filter((x) => x.kind === 'import')) {
        const run = terminal.get(s.guid);
        const n = rowsFor(s.index);
        assert.equal(run.commit, commitFor(s.index));
        assert.deepEqual([run.totalCount, run.successCount, run.errorCount], [n, n, 0], `import ${s.index}`);
        const [w] = await cluster.query<{ n: string; d: string }>(
          'SELECT count(*) AS n, count(DISTINCT number) AS d FROM items WHERE workspace_id = $1 AND number LIKE $2',
          [workspaceId, `${prefixFor(s.index)}%`],
        );
        const expected = commitFor(s.index) ? n : 0;
        assert.deepEqual([Number(w.n), Number(w.d)], [expected, expected], `items of import ${s.index} (commit ${commitFor(s.index)})`);
        const [r] = await cluster.query<{ n: string }>(
          'SELECT count(*) AS n FROM item_revisions WHERE workspace_id = $1 AND name LIKE $2', [workspaceId, `Cluster ${prefixFor(s.index)}%`],
        );
        assert.equal(Number(r.n), expected, `revisions of import ${s.index}`);
      }
      const left = await cluster.query<{ n: string }>("SELECT count(*) AS n FROM pg_tables WHERE tablename LIKE 'import_stage_%'");
      assert.equal(Number(left[0].n), 0, 'staging tables are dropped');

      // exports: each zip is whole
      const [seeded] = await cluster.query<{ n: string }>(
        "SELECT count(*) AS n FROM items WHERE workspace_id = $1 AND number LIKE '%-%'", [workspaceId],
      );
      for (const s of submitted.filter((x) => x.kind === 'export')) {
        const run = terminal.get(s.guid);
        assert.equal(run.criteriaResultsCount, Number(seeded.n), `export ${s.index} selected the seeded items`);
        assert.equal(run.files.length, 1);
        const via = apis[s.index % 2];
        const zip = await http(via.url!, 'GET', `/exports/${s.defGuid}/runs/${s.guid}/files/${run.files[0].guid}/content`, { token });
        assert.equal(zip.status, 200, `export ${s.index} download: ${zip.text.slice(0, 300)}`);
        const entries = await readZip(zip.raw);
        const specs = entries.get('SPECS.csv');
        assert.ok(specs, `export ${s.index}: SPECS.csv in ${[...entries.keys()].join(', ')}`);
        const records = parse(specs, { bom: true }) as string[][];
        assert.equal(records.length, run.criteriaResultsCount + 1, `export ${s.index}: SPECS.csv rows = criteriaResultsCount + header`);
        if (s.defGuid === exports[1]) assert.ok(entries.has('SOURCING.csv'), `export ${s.index}: SOURCING.csv`);
      }
      mark('checked');

      // SIGTERM on a worker that holds a committing import: it finishes (or hands back) the run and exits 0;
      // the run ends COMPLETE with its items once
      const extra = RUNS;
      const form = new FormData();
      form.append('commit', 'true');
      form.append('submitContent', new Blob([csvFor(extra)], { type: 'text/csv' }), `${prefixFor(extra)}.csv`);
      const late = await http(apiB.url!, 'POST', `/imports/${imp.json.guid}/runs`, { token, body: form });
      assert.equal(late.status, 201, late.text);
      let holder: PlmxProcess | undefined;
      for (const until = Date.now() + 20_000; !holder;) {
        const [row] = await cluster.query<{ status: string; worker: string | null }>('SELECT status, worker FROM import_runs WHERE guid = $1', [late.json.guid]);
        if (row.status === 'RUNNING') holder = workers.find((w) => w.running && w.pid === pidOf(row.worker));
        else assert.equal(row.status, 'CREATED', 'the late run finished before a worker was seen holding it');
        assert.ok(Date.now() < until, 'no worker took the late run within 20 s');
        if (!holder) await sleep(10);
      }
      const termAt = performance.now();
      assert.equal(await holder.stop(45_000), 0, `${holder.label} exit on SIGTERM with a run in hand`);
      mark(`SIGTERM ${holder.label} holding the late import: exit 0 after ${((performance.now() - termAt) / 1000).toFixed(1)} s`);
      let lateRun;
      for (const until = Date.now() + 60_000; ;) {
        lateRun = await http(apiA.url!, 'GET', `/imports/${imp.json.guid}/runs/${late.json.guid}`, { token });
        if (!['CREATED', 'RUNNING'].includes(lateRun.json.status)) break;
        assert.ok(Date.now() < until, `late run still ${lateRun.json.status}`);
        await sleep(100);
      }
      assert.equal(lateRun.json.status, 'COMPLETE', lateRun.text);
      const [lw] = await cluster.query<{ n: string; d: string }>(
        'SELECT count(*) AS n, count(DISTINCT number) AS d FROM items WHERE workspace_id = $1 AND number LIKE $2',
        [workspaceId, `${prefixFor(extra)}%`],
      );
      assert.deepEqual([Number(lw.n), Number(lw.d)], [rowsFor(extra), rowsFor(extra)], 'items of the late import, once each');
      mark('late import COMPLETE');

      // the survivors stop on SIGTERM and exit 0
      const survivors = [...apis, ...workers].filter((p) => p.running);
      assert.equal(survivors.length, 3);
      const exits = await Promise.all(survivors.map((p) => p.stop(20_000)));
      assert.deepEqual(exits, survivors.map(() => 0), `exit of ${survivors.map((p) => p.label).join(', ')}`);
      mark('stopped');
      console.log(`    # ${[...timings, ...attempts].join('\n    # ')}`);
    } catch (err) {
      throw cluster.withLogs(new Error(`${err instanceof Error ? err.stack : String(err)}\n--- timings ---\n${timings.join('\n')}`), 30_000);
    }
  });
});
