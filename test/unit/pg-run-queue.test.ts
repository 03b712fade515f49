/**
 * The PostgreSQL run queue (pg-boss + leases in the runs tables), in-process: several queues over one
 * database stand for several processes. Runs only with PLMX_DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PgRunQueue, type PgRunQueueOptions } from '../../src/jobs/pg-run-queue.js';
import { Store } from '../../src/store/store.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const PG = Boolean(process.env.PLMX_DATABASE_URL);

describe('PostgreSQL run queue', { skip: !PG && 'needs PLMX_DATABASE_URL' }, () => {
  let server: TestServer;
  let exportGuid: string;
  let token: string;
  const stores: Store[] = [];
  const queues: PgRunQueue[] = [];

  before(async () => {
    server = await startTestServer({ items: 50 });
    await server.services.queue.stop(); // runs made through HTTP stay CREATED until a test's queue takes them
    token = await server.login('alice@acme.test');
    const res = await server.request('POST', '/v1/exports', {
      token,
      body: { name: 'queue', world: 'ITEMS', options: { exportViews: ['SPECS'], format: 'csv' }, criteria: [[{ attribute: 'number', operator: 'CONTAINS', value: '-' }]] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    exportGuid = res.json.guid;
  });
  after(async () => {
    for (const q of queues) await q.stop();
    for (const s of stores) await s.close();
    await server.close();
  });

  const db = () => server.services.store.db;
  async function newRun(): Promise<number> {
    const res = await server.request('POST', `/v1/exports/${exportGuid}/runs`, { token, body: {} });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const row = await db().selectFrom('export_runs').select('id').where('guid', '=', res.json.guid).executeTakeFirstOrThrow();
    return row.id;
  }
  /** Stops the queues of a test, so the next test's runs go to its own queues only. */
  async function stopAll() {
    for (const q of queues.splice(0)) await q.stop();
  }
  const run = (id: number) => db().selectFrom('export_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** A queue of its own (its own pool), with a handler that records and completes runs. */
  async function queue(role: PgRunQueueOptions['role'], workerId: string, handler?: (runId: number) => Promise<void>, more: Partial<PgRunQueueOptions> = {}) {
    const store = await Store.open({ databaseUrl: server.services.config.databaseUrl });
    stores.push(store);
    const q = new PgRunQueue(store, { databaseUrl: server.services.config.databaseUrl!, role, leaseSeconds: 1, maxAttempts: 3, pollMs: 100, workerId, ...more });
    const done: number[] = [];
    q.handle('export', handler ?? (async (runId) => {
      done.push(runId);
      await store.db.updateTable('export_runs').set({ status: 'COMPLETE' }).where('id', '=', runId).where('status', '=', 'RUNNING').execute();
    }));
    q.handle('import', async () => {});
    await q.start();
    queues.push(q);
    return { q, done };
  }

  async function until(what: string, test: () => Promise<boolean>, ms = 15_000) {
    const deadline = Date.now() + ms;
    while (!(await test())) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a run sent by an api process is executed once by one of several workers, however many messages name it', async () => {
    const api = await queue('api', 'api:1');
    const workers = [await queue('worker', 'w:1'), await queue('worker', 'w:2')];
    const id = await newRun();
    for (let i = 0; i < 5; i++) await api.q.enqueue('export', id);
    await until('the run COMPLETE', async () => (await run(id)).status === 'COMPLETE');
    await new Promise((r) => setTimeout(r, 1500)); // let the duplicate messages be delivered too
    assert.deepEqual(workers.flatMap((w) => w.done).filter((r) => r === id), [id]);
    const row = await run(id);
    assert.equal(row.attempts, 1);
    assert.ok(['w:1', 'w:2'].includes(row.worker!));
    await stopAll();
  });

  it('takes over a run whose worker stopped heart-beating, and abandons one that ran out of attempts', async () => {
    const worker = await queue('worker', 'w:3');
    const orphan = await newRun();
    const hopeless = await newRun();
    const old = Date.now() - 60_000;
    await db().updateTable('export_runs').set({ status: 'RUNNING', worker: 'dead:1', heartbeat_at: old, attempts: 1 }).where('id', '=', orphan).execute();
    await db().updateTable('export_runs').set({ status: 'RUNNING', worker: 'dead:1', heartbeat_at: old, attempts: 3 }).where('id', '=', hopeless).execute();
    await until('the orphan COMPLETE', async () => (await run(orphan)).status === 'COMPLETE');
    assert.equal((await run(orphan)).attempts, 2);
    assert.ok(worker.done.includes(orphan));
    await until('the hopeless run FAILED', async () => (await run(hopeless)).status === 'FAILED');
    assert.match((await run(hopeless)).error!, /interrupted 3 times/);
    await stopAll();
  });

  it('fences a taken-over run: the attempt its first worker got no longer matches', async () => {
    const id = await newRun();
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    let attemptSeen = 0;
    // a long lease: it renews its heartbeat rarely, so for its peer (lease 1 s) it looks frozen
    const slow = await queue('worker', 'w:slow', async (runId) => {
      attemptSeen = (await run(runId)).attempts;
      await blocked;
      // the final write of an executor: only for the attempt it started
      await db().updateTable('export_runs').set({ status: 'COMPLETE', error: 'slow' }).where('id', '=', runId).where('attempts', '=', attemptSeen).execute();
    }, { leaseSeconds: 60, graceMs: 100 });
    await slow.q.enqueue('export', id);
    await until('the run RUNNING on w:slow', async () => (await run(id)).worker === 'w:slow');
    // its heartbeat is old (as if its process were frozen): a peer takes the run over and completes it
    await db().updateTable('export_runs').set({ heartbeat_at: Date.now() - 60_000 }).where('id', '=', id).execute();
    const peer = await queue('worker', 'w:peer');
    await until('the peer completes it', async () => peer.done.includes(id));
    release();
    await new Promise((r) => setTimeout(r, 200));
    const row = await run(id);
    assert.equal(row.status, 'COMPLETE');
    assert.equal(row.error, null, 'the first worker could not finish the run');
    assert.equal(row.attempts, attemptSeen + 1);
    await stopAll();
  });

  it('on stop, hands back the runs still executing after the grace period; another worker finishes them', async () => {
    const id = await newRun();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const stuck = await queue('worker', 'w:stuck', () => held, { graceMs: 300 });
    await stuck.q.enqueue('export', id);
    await until('the run RUNNING on w:stuck', async () => (await run(id)).worker === 'w:stuck');
    await stuck.q.stop();
    const row = await run(id);
    assert.equal(row.status, 'CREATED');
    assert.equal(row.worker, null);
    const next = await queue('worker', 'w:next');
    await until('another worker completes it', async () => next.done.includes(id));
    release();
    await stopAll();
  });
});
