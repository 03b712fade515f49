/**
 * Spec §8: import run results (submit, result and error content) are kept for 60 days (`retentionDays`);
 * afterwards the retention sweep deletes them and the run becomes PURGED. Runs are aged by moving their
 * completionDateTime back in the database.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { addDays, zulu } from '../../src/domain/time.js';
import { ABANDONED_WORK_DIR_MS, sweepAbandonedWorkDirs, sweepExpiredImportRuns, sweepExpiredResults } from '../../src/jobs/retention.js';
import { assertError } from '../helpers/assertions.js';
import { dropStaleStagingTables } from '../../src/store/import-run-repo.js';
import { IMPORT_WORK_DIR_PREFIX, importErrorKey, importResultKey } from '../../src/engine/import/run/executor.js';
import { type TestServer, startTestServer, waitForRun } from '../helpers/server.js';

const EXPIRED = 'The file content is no longer available: import results are kept for 60 days.';

function multipart(csv: string, commit: boolean): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----plmx${randomBytes(8).toString('hex')}`;
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="commit"\r\n\r\n${commit}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="submitContent"; filename="items.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n` +
      `--${boundary}--\r\n`,
  );
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('Import runs: the 60-day purge', () => {
  let server: TestServer;
  let alice: string;
  let def: string;

  before(async () => {
    server = await startTestServer({ items: 50 });
    alice = await server.login('alice@acme.test');
    const res = await server.request('POST', '/v1/imports', { token: alice, body: { name: 'Purge', resource: 'ITEM_SPECS', mode: 'CREATE' } });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    def = res.json.guid;
  });
  after(() => server.close());

  async function run(csv: string, commit: boolean) {
    const started = await server.request('POST', `/v1/imports/${def}/runs`, { token: alice, ...multipart(csv, commit) });
    assert.equal(started.status, 201, JSON.stringify(started.json));
    return (await waitForRun(server, `/v1/imports/${def}/runs/${started.json.guid}`, alice)).json;
  }

  const db = () => server.services.store.db;
  async function age(guid: string, days: number) {
    await db().updateTable('import_runs').set({ completed_at: addDays(zulu(), -days) }).where('guid', '=', guid).execute();
  }
  async function row(guid: string) {
    return db().selectFrom('import_runs').selectAll().where('guid', '=', guid).executeTakeFirstOrThrow();
  }
  const content = (guid: string, which: string) => server.request('GET', `/v1/imports/${def}/runs/${guid}/${which}`, { token: alice });

  it('purges runs completed more than retentionDays ago: blobs deleted, status PURGED, run still listable, content 3017', async () => {
    const preview = await run('number,name\nPRG-1,One\n', false);
    const committed = await run('number,name\nPRG-2,Two\nPRG-2,Again\n', true);
    const failed = await run('number,Number\nX,Y\n', true);
    const recent = await run('number,name\nPRG-3,Three\n', true);
    const borderline = await run('number,name\nPRG-4,Four\n', false);
    assert.deepEqual([preview.status, committed.status, failed.status, recent.status], ['COMPLETE', 'COMPLETE', 'ERROR', 'COMPLETE']);
    for (const r of [preview, committed, failed]) await age(r.guid, 61);
    await age(borderline.guid, 59);
    const committedRow = await row(committed.guid);

    // past retention, not swept yet: the run still says COMPLETE, the content is already refused
    assert.equal((await server.getJson(`/v1/imports/${def}/runs/${committed.guid}`, alice)).status, 'COMPLETE');
    assertError(await content(committed.guid, 'resultContent'), 400, 3017, EXPIRED);
    const early = await server.request('PUT', `/v1/imports/${def}/runs/${preview.guid}`, { token: alice, body: { commit: true } });
    assertError(early, 400, 3176, `The commit of import run "${preview.guid}" is not available: the run is PURGED.`);

    assert.equal(await sweepExpiredImportRuns(server.services), 3);
    const { blobs } = server.services;
    for (const r of [preview, committed, failed]) {
      const after = await row(r.guid);
      assert.equal(after.status, 'PURGED');
      for (const key of [importResultKey(r.guid, after.attempts), importErrorKey(r.guid, after.attempts), `imports/${r.guid}/submit`]) {
        assert.equal(await blobs.size(key), null, `${key} is deleted`);
      }
      for (const which of ['submitContent', 'resultContent', 'errorContent']) assertError(await content(r.guid, which), 400, 3017, EXPIRED);
    }
    // the run object keeps what it said, with status PURGED
    const purged = await server.getJson(`/v1/imports/${def}/runs/${committed.guid}`, alice);
    assert.deepEqual([purged.status, purged.totalCount, purged.successCount, purged.errorCount, purged.commit], ['PURGED', 2, 1, 1, true]);
    assert.equal(purged.completionDateTime, committedRow.completed_at);
    const purgedError = await server.getJson(`/v1/imports/${def}/runs/${failed.guid}`, alice);
    assert.equal(purgedError.status, 'PURGED');
    assert.match(purgedError.errorMessage, /number/i, 'an ERROR run keeps its errorMessage');
    // the items a purged run wrote stay: only its files go
    const item = await db().selectFrom('items').select('number').where('workspace_id', '=', server.workspaceId).where('number', '=', 'PRG-2').executeTakeFirst();
    assert.equal(item?.number, 'PRG-2');

    // listable and searchable by status
    const list = await server.getJson(`/v1/imports/${def}/runs?status=PURGED`, alice);
    assert.deepEqual(list.results.map((r: { guid: string }) => r.guid), [preview.guid, committed.guid, failed.guid]);
    assert.deepEqual(list.results.map((r: { status: string }) => r.status), ['PURGED', 'PURGED', 'PURGED']);
    const lower = await server.getJson(`/v1/imports/${def}/runs?status=purged`, alice);
    assert.equal(lower.count, 3);
    const complete = await server.getJson(`/v1/imports/${def}/runs?status=COMPLETE`, alice);
    assert.deepEqual(complete.results.map((r: { guid: string }) => r.guid), [recent.guid, borderline.guid]);
    const all = await server.getJson(`/v1/imports/${def}/runs`, alice);
    assert.equal(all.count, 5);

    // a purged preview cannot be committed any more (its submit file is gone)
    const commit = await server.request('PUT', `/v1/imports/${def}/runs/${preview.guid}`, { token: alice, body: { commit: true } });
    assertError(commit, 400, 3176, `The commit of import run "${preview.guid}" is not available: the run is PURGED.`);

    // newer runs keep their files; a 59-day-old preview can still be committed
    for (const which of ['submitContent', 'resultContent', 'errorContent']) assert.equal((await content(recent.guid, which)).status, 200, which);
    assert.equal((await content(borderline.guid, 'submitContent')).status, 200);
    const late = await server.request('PUT', `/v1/imports/${def}/runs/${borderline.guid}`, { token: alice, body: { commit: true } });
    assert.equal(late.status, 200, JSON.stringify(late.json));
    const done = (await waitForRun(server, `/v1/imports/${def}/runs/${borderline.guid}`, alice)).json;
    assert.deepEqual([done.status, done.successCount], ['COMPLETE', 1]);

    // a second sweep has nothing to do
    assert.equal(await sweepExpiredImportRuns(server.services), 0);
  });

  it('leaves CREATED and RUNNING runs alone and finishes a sweep that was interrupted after marking', async () => {
    const r = await run('number,name\nPRG-5,Five\n', false);
    // a run marked PURGED whose blobs a crashed sweep did not delete yet
    await db().updateTable('import_runs').set({ status: 'PURGED', completed_at: addDays(zulu(), -90) }).where('guid', '=', r.guid).execute();
    const resultKey = importResultKey(r.guid, (await row(r.guid)).attempts);
    assert.notEqual(await server.services.blobs.size(resultKey), null);
    // an old run that never finished is not purged
    const stuck = await run('number,name\nPRG-6,Six\n', false);
    await db().updateTable('import_runs').set({ status: 'RUNNING', completed_at: addDays(zulu(), -90) }).where('guid', '=', stuck.guid).execute();

    assert.ok((await sweepExpiredResults(server.services)) >= 0);
    assert.equal(await server.services.blobs.size(resultKey), null);
    assert.equal(await server.services.blobs.size(`imports/${r.guid}/submit`), null);
    assert.equal((await row(stuck.guid)).status, 'RUNNING');
    assert.notEqual(await server.services.blobs.size(`imports/${stuck.guid}/submit`), null);
    await db().updateTable('import_runs').set({ status: 'COMPLETE' }).where('guid', '=', stuck.guid).execute();
  });

  it('removes the work directories a killed process left once nothing in them changed for a day, and no others', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-sweep-'));
    try {
      const dirs = Object.fromEntries(['abandoned', 'fresh', 'written-lately', 'not-ours'].map((n) => {
        const dir = path.join(tmp, n === 'not-ours' ? n : `${IMPORT_WORK_DIR_PREFIX}${n}`);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'results'), 'x');
        return [n, dir];
      }));
      const dayAgo = new Date(Date.now() - ABANDONED_WORK_DIR_MS - 60_000);
      for (const n of ['abandoned', 'written-lately', 'not-ours']) {
        if (n !== 'written-lately') fs.utimesSync(path.join(dirs[n], 'results'), dayAgo, dayAgo);
        fs.utimesSync(dirs[n], dayAgo, dayAgo);
      }
      assert.equal(await sweepAbandonedWorkDirs(tmp), 1);
      assert.deepEqual(Object.keys(dirs).filter((n) => fs.existsSync(dirs[n])), ['fresh', 'written-lately', 'not-ours']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('drops the staging tables and SQLite scratch files a killed process left, of runs no longer running only', async () => {
    const { store } = server.services;
    const done = await row((await run('number,name\nPRG-7,Seven\n', false)).guid);
    const going = await row((await run('number,name\nPRG-8,Eight\n', false)).guid);
    await db().updateTable('import_runs').set({ status: 'RUNNING' }).where('id', '=', going.id).execute();
    try {
      for (const id of [done.id, going.id]) await sql`CREATE TABLE ${sql.raw(`import_stage_${id}`)} (junk integer)`.execute(db());
      const scratchDir = path.join(server.dataDir, 'scratch');
      const scratch = ['import_' + done.id, 'import_' + going.id, 'export_' + done.id].map((n) => path.join(scratchDir, `${n}.sqlite`));
      if (store.dialect === 'sqlite') {
        fs.mkdirSync(scratchDir, { recursive: true });
        for (const f of scratch) fs.writeFileSync(f, 'left by a killed process');
      }
      const dropped = await dropStaleStagingTables(store);
      assert.deepEqual(dropped.sort(), [`import_stage_${done.id}`, ...(store.dialect === 'sqlite' ? [`import_${done.id}`] : [])].sort());
      const tables = (store.dialect === 'postgres'
        ? await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'import_stage_%'`.execute(db())
        : await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'import_stage_%'`.execute(db())).rows.map((t) => t.name);
      assert.equal(tables.includes(`import_stage_${done.id}`), false);
      assert.equal(tables.includes(`import_stage_${going.id}`), true);
      if (store.dialect === 'sqlite') assert.deepEqual(scratch.map((f) => fs.existsSync(f)), [false, true, true]);
    } finally {
      await sql`DROP TABLE IF EXISTS ${sql.raw(`import_stage_${going.id}`)}`.execute(db());
      await db().updateTable('import_runs').set({ status: 'COMPLETE' }).where('id', '=', going.id).execute();
    }
  });

  it('honours retentionDays', async () => {
    const short = await startTestServer({ items: 50, config: { retentionDays: 2 } });
    try {
      const token = await short.login('alice@acme.test');
      const d = await short.request('POST', '/v1/imports', { token, body: { name: 'Short', resource: 'ITEM_SPECS', mode: 'CREATE' } });
      const started = await short.request('POST', `/v1/imports/${d.json.guid}/runs`, { token, ...multipart('number,name\nS-1,One\n', false) });
      const r = (await waitForRun(short, `/v1/imports/${d.json.guid}/runs/${started.json.guid}`, token)).json;
      await short.services.store.db.updateTable('import_runs').set({ completed_at: addDays(zulu(), -3) }).where('guid', '=', r.guid).execute();
      assert.equal(await sweepExpiredImportRuns(short.services), 1);
      const res = await short.request('GET', `/v1/imports/${d.json.guid}/runs/${r.guid}/resultContent`, { token });
      assertError(res, 400, 3017, 'The file content is no longer available: import results are kept for 2 days.');
    } finally {
      await short.close();
    }
  });
});
