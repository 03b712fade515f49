/**
 * The crash test of the Import Engine's all-or-nothing commit: plmx runs as a real child process
 * (`node bin/plmx.js serve`), a committing ITEM_SPECS CREATE run of tens of thousands of rows is started
 * through HTTP, and the child is killed with SIGKILL at different moments — while the file is staged,
 * right after the commit transaction opened, inside it, later. After each kill the database is opened
 * directly: the run's items (and revisions) are there either all or not at all, and "all" goes together
 * with the run being COMPLETE. The server is then started again on the same data; the run is picked up
 * and ends COMPLETE with every item exactly once.
 *
 * Which phase a kill hit is observed from outside, without hooks in plmx: the staging table
 * `import_stage_<runId>` (its row count, and its indexes, built once every row is staged, just before the
 * commit transaction; on SQLite it is in the run's scratch file `scratch/import_<runId>.sqlite`), and an
 * open write transaction (PostgreSQL: pg_stat_activity; SQLite: BEGIN IMMEDIATE is refused while another
 * connection holds the write lock).
 *
 * Works on the embedded database and, with PLMX_DATABASE_URL, on a scratch PostgreSQL database.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { type Cluster, type PlmxProcess, http as request, sleep, startCluster } from '../helpers/cluster.js';

const EMAIL = 'crash@acme.test';
const PASSWORD = 'kill dash nine';
const PG = Boolean(process.env.PLMX_DATABASE_URL);
/**
 * Rows per run: enough for the commit transaction to take a few hundred ms or more. SQLite commits 40,000
 * rows in under 100 ms on a fast machine, too short for the probe to catch (CI missed it once); 250,000
 * gave two kills inside the commit in each of two runs, in 14 s.
 */
const N = PG ? 20_000 : 250_000;

/** Direct access to the database the children use, independent of plmx's own code. */
interface Probe {
  one<T = Record<string, unknown>>(sqlText: string, params?: unknown[]): Promise<T | undefined>;
  /**
   * Is another connection inside a write transaction right now? (PostgreSQL: a transaction with an xid
   * that is idle or past its first statement, so not an autocommit statement such as CREATE INDEX;
   * SQLite: the write lock is held.)
   */
  writeTransactionOpen(): Promise<boolean>;
  close(): Promise<void>;
}

async function openProbe(dataDir: string, databaseUrl: string | undefined): Promise<Probe> {
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return {
      async one(text, params = []) {
        let i = 0;
        return (await client.query(text.replace(/\?/g, () => `$${++i}`), params)).rows[0];
      },
      async writeTransactionOpen() {
        const r = await client.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
             AND (state = 'idle in transaction' OR xact_start < query_start)`,
        );
        return r.rows[0].n > 0;
      },
      close: () => client.end(),
    };
  }
  const db = new SqliteDatabase(path.join(dataDir, 'plmx.sqlite'));
  db.pragma('busy_timeout = 0');
  return {
    async one(text, params = []) {
      return db.prepare(text).get(...params) as never;
    },
    async writeTransactionOpen() {
      try {
        db.exec('BEGIN IMMEDIATE');
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
        throw err;
      }
      db.exec('ROLLBACK');
      return false;
    },
    async close() {
      db.close();
    },
  };
}

/** SQLite: the run's staging table is in a scratch database file of its own while the run lasts. */
function scratchStaging(file: string, table: string): StagingState {
  if (!fs.existsSync(file)) return { exists: false, rows: 0, indexes: 0 };
  let db: SqliteDatabase.Database | undefined;
  try {
    db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 50');
    const exists = db.prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
    if (!exists) return { exists: false, rows: 0, indexes: 0 };
    const indexes = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = ?").get(table) as { n: number };
    const rows = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
    return { exists: true, rows: Number(rows.n), indexes: Number(indexes.n) };
  } catch {
    return { exists: false, rows: 0, indexes: 0 }; // being created, written or deleted right now
  } finally {
    db?.close();
  }
}

interface RunState {
  id: number;
  status: string;
  attempts: number;
  successCount: number;
}

interface StagingState {
  exists: boolean;
  rows: number;
  /** indexes are built once every row is staged, just before the commit transaction */
  indexes: number;
}

describe(`Import commit survives kill -9 (${PG ? 'PostgreSQL' : 'SQLite'})`, { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let child: PlmxProcess | undefined;
  let token = '';
  let definitionGuid = '';

  before(async () => {
    // a short lease: on PostgreSQL the restarted server takes over the run the killed one held
    cluster = await startCluster({ env: { PLMX_POLL_MS: '20', PLMX_MAX_RUN_ATTEMPTS: '50', PLMX_LEASE_SECONDS: '2' } });
    await cluster.addWorkspace({ name: 'Crash Test', users: [{ email: EMAIL, password: PASSWORD, fullName: 'Crash Tester' }] });
  });

  after(async () => {
    await cluster?.close();
  });

  /** Adds the output of every child so far to a failure message. */
  function withLogs(err: unknown): Error {
    return cluster.withLogs(err, 20_000);
  }

  async function start(): Promise<void> {
    child = await cluster.start(undefined, { label: `plmx#${cluster.processes.length + 1}` });
  }

  async function http(method: string, url: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
    return request(child!.url!, method, url, { token: token || undefined, body });
  }

  function csvFor(prefix: string): string {
    const lines = ['number,name,description'];
    // numbers in decreasing order: the duplicate check (skipped for increasing numbers) builds the staging
    // index whose appearance marks the end of staging
    for (let i = N; i >= 1; i--) lines.push(`${prefix}${String(i).padStart(6, '0')},Crash ${prefix}${i},row ${N + 1 - i} of ${N}`);
    return `${lines.join('\r\n')}\r\n`;
  }

  async function startRun(prefix: string): Promise<string> {
    const form = new FormData();
    form.append('commit', 'true');
    form.append('submitContent', new Blob([csvFor(prefix)], { type: 'text/csv' }), `${prefix}.csv`);
    const res = await http('POST', `/imports/${definitionGuid}/runs`, form);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.commit, true);
    return res.json.guid as string;
  }

  async function runState(probe: Probe, guid: string): Promise<RunState> {
    const r = await probe.one<{ id: number; status: string; attempts: number; success_count: number }>(
      'SELECT id, status, attempts, success_count FROM import_runs WHERE guid = ?', [guid],
    );
    assert.ok(r, `run ${guid} is in import_runs`);
    return { id: Number(r.id), status: r.status, attempts: Number(r.attempts), successCount: Number(r.success_count) };
  }

  async function staging(probe: Probe, runId: number): Promise<StagingState> {
    const table = `import_stage_${runId}`;
    if (!PG) return scratchStaging(path.join(cluster.dataDir, 'scratch', `import_${runId}.sqlite`), table);
    const exists = await probe.one('SELECT 1 AS x FROM pg_tables WHERE tablename = ?', [table]);
    if (!exists) return { exists: false, rows: 0, indexes: 0 };
    const indexes = await probe.one<{ n: number }>('SELECT count(*) AS n FROM pg_indexes WHERE tablename = ?', [table]);
    let rows = 0;
    try {
      rows = Number((await probe.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0);
    } catch {
      return { exists: false, rows: 0, indexes: 0 }; // dropped between the statements
    }
    return { exists: true, rows, indexes: Number(indexes?.n ?? 0) };
  }

  /** The run's writes as the database holds them: items by number prefix, revisions by name prefix. */
  async function written(probe: Probe, prefix: string) {
    const items = await probe.one<{ n: number; distinct_n: number }>(
      'SELECT count(*) AS n, count(DISTINCT number) AS distinct_n FROM items WHERE number LIKE ?', [`${prefix}%`],
    );
    const revisions = await probe.one<{ n: number }>('SELECT count(*) AS n FROM item_revisions WHERE name LIKE ?', [`Crash ${prefix}%`]);
    const linked = await probe.one<{ n: number }>(
      `SELECT count(*) AS n FROM items i JOIN item_revisions r ON r.id = i.working_rev_id AND r.item_id = i.id
       WHERE i.number LIKE ? AND r.name LIKE ?`, [`${prefix}%`, `Crash ${prefix}%`],
    );
    return { items: Number(items!.n), distinctItems: Number(items!.distinct_n), revisions: Number(revisions!.n), linked: Number(linked!.n) };
  }

  type Moment = { name: string; phase: 'staging' | 'commit'; delayMs: number };

  /**
   * Waits for the moment in the current attempt of the run (a fresh staging table first, then the phase),
   * sleeps, and kills the child; says what it saw just before the kill.
   */
  async function killAt(probe: Probe, guid: string, moment: Moment) {
    const deadline = Date.now() + 60_000;
    let fresh = false;
    let inTransaction = false;
    let st: StagingState = { exists: false, rows: 0, indexes: 0 };
    let run = await runState(probe, guid);
    for (;;) {
      if (Date.now() > deadline) throw new Error(`${moment.name}: not reached in 60 s (run ${run.status}, staging ${JSON.stringify(st)})`);
      run = await runState(probe, guid);
      if (run.status === 'COMPLETE' || run.status === 'ERROR') break; // too late: the kill lands after the run
      if (run.status === 'RUNNING') {
        st = await staging(probe, run.id);
        // a staging table left by the killed attempt is dropped and filled again: wait for that first
        if (!st.exists || st.indexes === 0 || st.rows < N) fresh = true;
        if (fresh && moment.phase === 'staging' && st.exists && st.rows > 0 && st.indexes === 0) break;
        if (fresh && moment.phase === 'commit' && st.indexes > 0 && st.rows === N && (await probe.writeTransactionOpen())) {
          if (PG) {
            inTransaction = true;
            break;
          }
          // SQLite's write lock is also held while each staging index is built: the commit transaction is
          // the one that holds it across 50 ms with no new index appearing
          await sleep(50);
          const again = await staging(probe, run.id);
          if (again.indexes === st.indexes && (await probe.writeTransactionOpen())) {
            inTransaction = true;
            break;
          }
        }
      }
      await sleep(moment.phase === 'staging' ? 2 : 5);
    }
    if (moment.delayMs > 0) await sleep(moment.delayMs);
    if (inTransaction) inTransaction = await probe.writeTransactionOpen();
    const before = await runState(probe, guid);
    assert.equal(await child!.kill('SIGKILL'), 'SIGKILL');
    return { staging: st, inTransaction, statusBeforeKill: before.status };
  }

  it(`rolls back or keeps a whole ${N.toLocaleString('en-US')}-row commit, and finishes it after a restart`, async () => {
    const t0 = performance.now();
    try {
      await start();
      const login = await http('POST', '/login', { email: EMAIL, password: PASSWORD });
      assert.equal(login.status, 200, login.text);
      token = login.json.arenaSessionId;
      const def = await http('POST', '/imports', { name: 'Crash', resource: 'ITEM_SPECS', mode: 'CREATE' });
      assert.equal(def.status, 201, def.text);
      definitionGuid = def.json.guid;

      const moments: Moment[] = [
        { name: 'while staging the file', phase: 'staging', delayMs: 0 },
        { name: 'as the commit transaction opens', phase: 'commit', delayMs: 0 },
        { name: '150 ms into the commit', phase: 'commit', delayMs: 150 },
        { name: '350 ms into the commit', phase: 'commit', delayMs: 350 },
        { name: '800 ms into the commit', phase: 'commit', delayMs: 800 },
        { name: '2 s into the commit (usually after it)', phase: 'commit', delayMs: 2000 },
      ];
      const runs: { guid: string; prefix: string }[] = [];
      let current: { guid: string; prefix: string } | undefined;
      let killsInsideCommit = 0;
      const seen: string[] = [];

      for (const moment of moments) {
        if (!current) {
          current = { prefix: `K${runs.length + 1}-`, guid: '' };
          current.guid = await startRun(current.prefix);
          runs.push(current);
        }
        const probe = await openProbe(cluster.dataDir, cluster.databaseUrl);
        let saw;
        try {
          saw = await killAt(probe, current.guid, moment);
        } finally {
          await probe.close();
        }

        // the database right after the kill, through a fresh connection
        const check = await openProbe(cluster.dataDir, cluster.databaseUrl);
        try {
          const w = await written(check, current.prefix);
          const run = await runState(check, current.guid);
          seen.push(`${moment.name}: staging ${JSON.stringify(saw.staging)}, write transaction open ${saw.inTransaction}, ` +
            `run ${saw.statusBeforeKill} -> ${run.status}, items ${w.items}, revisions ${w.revisions}`);
          assert.ok(w.items === 0 || w.items === N, `items after a kill ${moment.name}: ${w.items} (0 or ${N})`);
          assert.equal(w.revisions, w.items, `revisions after a kill ${moment.name}`);
          assert.equal(w.distinctItems, w.items);
          assert.equal(w.linked, w.items, 'every item points at its own working revision');
          if (w.items === N) {
            assert.equal(run.status, 'COMPLETE', 'the writes and the COMPLETE status commit together');
            assert.equal(run.successCount, N);
            current = undefined; // done: the next moment needs a new run
          } else {
            assert.equal(run.status, 'RUNNING', 'an interrupted run is neither COMPLETE nor ERROR');
            if (saw.inTransaction) killsInsideCommit++;
          }
        } finally {
          await check.close();
        }
        await start(); // picks the run up again (or has nothing to do)
      }

      // the last run ends COMPLETE on the restarted server; every run wrote each of its items once
      for (const r of runs) {
        const deadline = Date.now() + 60_000;
        let res;
        for (;;) {
          res = await http('GET', `/imports/${definitionGuid}/runs/${r.guid}`);
          assert.equal(res.status, 200, res.text);
          if (!['CREATED', 'RUNNING'].includes(res.json.status)) break;
          assert.ok(Date.now() < deadline, `run ${r.guid} still ${res.json.status}`);
          await sleep(100);
        }
        assert.equal(res.json.status, 'COMPLETE', res.text);
        assert.deepEqual([res.json.totalCount, res.json.successCount, res.json.errorCount], [N, N, 0]);
        const probe = await openProbe(cluster.dataDir, cluster.databaseUrl);
        try {
          const w = await written(probe, r.prefix);
          assert.deepEqual(w, { items: N, distinctItems: N, revisions: N, linked: N });
        } finally {
          await probe.close();
        }
        const result = await http('GET', `/imports/${definitionGuid}/runs/${r.guid}/resultContent`);
        assert.equal(result.status, 200);
        const lines = result.text.trimEnd().split('\r\n');
        assert.equal(lines.length, N + 1);
        assert.ok(lines.slice(1).every((l) => l.includes(',SUCCESS,')), 'every row SUCCESS');
      }
      // every run is COMPLETE: none left its staging table behind
      const probe = await openProbe(cluster.dataDir, cluster.databaseUrl);
      try {
        const left = PG
          ? await probe.one<{ n: number }>("SELECT count(*) AS n FROM pg_tables WHERE tablename LIKE 'import_stage_%'")
          : await probe.one<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name LIKE 'import_stage_%'");
        assert.equal(Number(left!.n), 0, 'staging tables are dropped');
      } finally {
        await probe.close();
      }
      assert.ok(killsInsideCommit >= 1, `no kill landed inside the commit transaction:\n${seen.join('\n')}`);
      console.log(`    # ${seen.join('\n    # ')}`);
      console.log(`    # ${runs.length} run(s) of ${N} rows, ${cluster.processes.length} server starts, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      throw withLogs(err);
    }
  });
});
