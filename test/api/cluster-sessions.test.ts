/**
 * Processes sharing one PostgreSQL database. First, two API and two worker processes started at the same
 * moment on an empty database all come up (plmx's migrations and the queue's setup race each other).
 * Then sessions and rate limits across API processes: two real `plmx serve --role api` children. A session made on one is accepted by the other; a second login on B revokes the
 * first session on A; the workspace's request counter stays exact under hundreds of concurrent requests
 * split across both processes; a small limit gives exactly that many successes, then 429/4084.
 *
 * Needs PLMX_DATABASE_URL (skipped otherwise).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pacificDay } from '../../src/domain/time.js';
import { type Cluster, type PlmxProcess, http, login, startCluster } from '../helpers/cluster.js';

const PG = Boolean(process.env.PLMX_DATABASE_URL);

const NO_SESSION = {
  status: 401,
  errors: [{ code: 401, message: 'There is no access token associated with this request or the access token is not valid.' }],
};

describe('processes starting together on an empty database (PostgreSQL)', { skip: !PG && 'needs PLMX_DATABASE_URL', timeout: 120_000 }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.close();
  });

  it('brings up 2 API and 2 worker processes started at once, each migration applied once', async () => {
    try {
      const started = await Promise.allSettled([cluster.start('api'), cluster.start('api'), cluster.start('worker'), cluster.start('worker')]);
      const failed = started.flatMap((r) => (r.status === 'rejected' ? [String(r.reason).split('\n').slice(0, 3).join(' | ')] : []));
      assert.deepEqual(failed, [], 'every process came up');
      const migrations = await cluster.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
      const names = migrations.map((m) => m.name);
      assert.ok(names.length >= 3, names.join(', '));
      assert.equal(new Set(names).size, names.length, 'each migration recorded once');
      for (const p of cluster.processes.filter((x) => x.role === 'api')) {
        const res = await http(p.url!, 'GET', '/exports');
        assert.deepEqual([res.status, res.json], [401, NO_SESSION], p.label);
      }
    } catch (err) {
      throw cluster.withLogs(err, 10_000);
    }
  });
});

describe('sessions and rate limits across two API processes (PostgreSQL)', { skip: !PG && 'needs PLMX_DATABASE_URL', timeout: 120_000 }, () => {
  let cluster: Cluster;
  let a: PlmxProcess;
  let b: PlmxProcess;
  let workspaceId = 0;

  before(async () => {
    cluster = await startCluster();
    ({ workspaceId } = await cluster.addWorkspace({
      name: 'Acme Robotics',
      requestLimit: 100_000,
      users: [{ email: 'alice@acme.test' }, { email: 'bob@acme.test' }, { email: 'carl@acme.test' }],
    }));
    // one after the other: starting together on a fresh database is the next suite's subject
    a = await cluster.start('api');
    b = await cluster.start('api');
  });

  after(async () => {
    await cluster?.close();
  });

  async function check(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      throw cluster.withLogs(err, 10_000);
    }
  }

  async function counter(wsId: number): Promise<number> {
    const rows = await cluster.query<{ count: number }>(
      'SELECT count FROM rate_counters WHERE workspace_id = $1 AND period = $2', [wsId, pacificDay()],
    );
    return Number(rows[0]?.count ?? 0);
  }

  it('accepts on B a session made on A, and the other way round', () => check(async () => {
    assert.notEqual(a.url, b.url);
    const onA = await login(a.url!, 'alice@acme.test');
    const res = await http(b.url!, 'GET', '/exports', { token: onA });
    assert.equal(res.status, 200, res.text);
    const items = await http(b.url!, 'GET', '/items?limit=1', { token: onA });
    assert.equal(items.status, 200, items.text);

    const onB = await login(b.url!, 'bob@acme.test');
    assert.equal((await http(a.url!, 'GET', '/exports', { token: onB })).status, 200);
  }));

  it('revokes on A the session of a user who logs in again on B (401, Arena envelope)', () => check(async () => {
    const first = await login(a.url!, 'carl@acme.test');
    assert.equal((await http(a.url!, 'GET', '/exports', { token: first })).status, 200);
    const second = await login(b.url!, 'carl@acme.test');
    for (const p of [a, b]) {
      const old = await http(p.url!, 'GET', '/exports', { token: first });
      assert.equal(old.status, 401, `${p.label}: ${old.text}`);
      assert.deepEqual(old.json, NO_SESSION);
      assert.equal((await http(p.url!, 'GET', '/exports', { token: second })).status, 200, p.label);
    }
    // logout on B ends the session on A too
    const out = await http(b.url!, 'PUT', '/logout', { token: second, headers: { 'content-type': 'application/json' } });
    assert.equal(out.status, 200);
    assert.deepEqual((await http(a.url!, 'GET', '/exports', { token: second })).json, NO_SESSION);
  }));

  it('counts 300 concurrent requests across both processes exactly (no lost updates)', () => check(async () => {
    const token = await login(a.url!, 'alice@acme.test');
    const first = await http(a.url!, 'GET', '/exports', { token });
    assert.equal(first.status, 200);
    const before = Number(first.headers.get('x-arena-requests-remaining'));
    const countBefore = await counter(workspaceId);
    assert.equal(before, 100_000 - countBefore);

    const N = 300;
    const paths = ['/exports', '/items?limit=1', '/settings/items/categories'];
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => http(i % 2 === 0 ? a.url! : b.url!, 'GET', paths[i % paths.length], { token })),
    );
    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    assert.equal(statuses.get(200), N, `every request answered 200: ${JSON.stringify([...statuses])}`);
    // the remaining counts seen by the responses are N distinct values: each request got its own increment
    const seen = new Set(results.map((r) => Number(r.headers.get('x-arena-requests-remaining'))));
    assert.equal(seen.size, N, 'each response saw a different count');
    assert.equal(Math.min(...seen), before - N);

    assert.equal(await counter(workspaceId), countBefore + N, 'rate_counters moved by exactly N');
    const last = await http(b.url!, 'GET', '/exports', { token });
    assert.equal(Number(last.headers.get('x-arena-requests-remaining')), before - N - 1);
  }));

  it('gives a small limit exactly that many successes across both processes, then 429/4084', () => check(async () => {
    const LIMIT = 40;
    const { workspaceId: tinyId } = await cluster.addWorkspace({ name: 'Tiny Co', requestLimit: LIMIT, users: [{ email: 'tina@tiny.test' }] });
    const token = await login(b.url!, 'tina@tiny.test');
    const N = 120;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => http(i % 2 === 0 ? a.url! : b.url!, 'GET', '/exports', { token })),
    );
    const ok = results.filter((r) => r.status === 200);
    const over = results.filter((r) => r.status === 429);
    assert.equal(ok.length, LIMIT, `successes: ${ok.length}`);
    assert.equal(over.length, N - LIMIT);
    for (const r of over) {
      assert.equal(r.json.status, 429);
      assert.equal(r.json.errors[0].code, 4084);
      assert.match(r.json.errors[0].message, new RegExp(`^You have exceeded your maximum of "${LIMIT}" requests during the last 24 hours\\.`));
      assert.equal(r.headers.get('x-arena-requests-remaining'), '0');
    }
    assert.deepEqual(
      [...new Set(ok.map((r) => Number(r.headers.get('x-arena-requests-remaining'))))].sort((x, y) => x - y),
      Array.from({ length: LIMIT }, (_, i) => i),
      'the successes saw remaining counts LIMIT-1 … 0, each once',
    );
    // the refused requests are counted too (as on Arena): the counter moved by exactly N
    assert.equal(await counter(tinyId), N);
    const after = await http(a.url!, 'GET', '/exports', { token });
    assert.equal(after.status, 429);
  }));
});
