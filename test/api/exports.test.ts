import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { EmbeddedRunQueue } from '../../src/jobs/embedded-run-queue.js';
import { sweepExpiredResults } from '../../src/jobs/retention.js';
import { type TestServer, startTestServer, waitForRun } from '../helpers/server.js';
import { readZip } from '../helpers/zip.js';

const BAD_GUID = 'L3N6PX663K3K3HOBOOT0';
const FORBIDDEN = {
  status: 403,
  errors: [{ code: 3024, message: 'Either you do not have privileges to access the requested data or it does not exist.' }],
};

describe('Export Engine through HTTP', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  let itemGuids: string[];

  before(async () => {
    server = await startTestServer({ items: 60 });
    alice = await server.login('alice@acme.test');
    bob = await server.login('bob@acme.test');
    const items = await server.request('GET', '/v1/items?limit=5', { token: alice });
    itemGuids = items.json.results.map((i: { guid: string }) => i.guid);
  });
  after(() => server.close());

  const define = (body: Record<string, unknown>, token = alice) =>
    server.request('POST', '/v1/exports', { token, body: { world: 'ITEMS', options: { exportViews: ['SPECS'] }, ...body } });

  async function runToCompletion(defGuid: string, body: unknown = {}, token = alice) {
    const started = await server.request('POST', `/v1/exports/${defGuid}/runs`, { token, body });
    assert.equal(started.status, 201, JSON.stringify(started.json));
    return waitForRun(server, `/v1/exports/${defGuid}/runs/${started.json.guid}`, token);
  }

  describe('definitions (E1-E3)', () => {
    it('creates a definition: 201, the echoed options with defaults, a workspace-wide number', async () => {
      const a = await define({ name: 'Specs A', description: 'first', criteria: [] });
      const b = await define({ name: 'Specs B', options: { exportViews: ['specs', 'BOM'], bomLevels: 'full', revisionStatus: 'Working', format: 'csv' } });
      assert.equal(a.status, 201);
      assert.match(a.json.guid, /^[0-9A-Z]{20}$/);
      assert.equal(b.json.number, a.json.number + 1);
      assert.equal(a.json.world, 'ITEMS');
      assert.equal(a.json.criteria, null);
      assert.deepEqual(a.json.creator, { email: 'alice@acme.test', fullName: 'Alice Anders', guid: a.json.creator.guid });
      assert.match(a.json.creationDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.deepEqual(b.json.options.exportViews, ['SPECS', 'BOM']);
      assert.equal(b.json.options.bomLevels, 'FULL');
      assert.equal(b.json.options.revisionStatus, 'WORKING');
      assert.equal(b.json.options.format, 'csv');
      const got = await server.request('GET', `/v1/exports/${a.json.guid}`, { token: bob });
      assert.equal(got.status, 200);
      assert.deepEqual(got.json, a.json);
    });

    it('rejects invalid definitions with the catalogue codes', async () => {
      const cases: [Record<string, unknown>, number, string][] = [
        [{ name: undefined }, 3001, 'The attribute "name" is required.'],
        [{ name: 'x', world: 'Changes' }, 3006, 'The specified value "Changes" is not a valid option for the attribute "world".'],
        [{ name: 'x', name1: 'y' }, 3031, 'The attribute "name1" is not creatable.'],
        [{ name: 'x', options: { fileContent: { item: 'ALL', supplierItem: 'PRIMARY' } } }, 3003, 'The value for the attribute "supplierItem" is not valid.'],
        [{ name: 'x', criteria: [[{ attribute: 'number', operator: 'IS_BEFORE', value: '1' }]] }, 3114, 'The specified operator "IS_BEFORE" is not valid for the attribute "number".'],
      ];
      for (const [body, code, message] of cases) {
        const res = await define(body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.deepEqual(res.json, { status: 400, errors: [{ code, message }] });
      }
    });

    it('searches definitions by every documented attribute, with paging and its errors', async () => {
      const res = await server.request('GET', '/v1/exports?name=Specs*', { token: alice });
      assert.equal(res.status, 200);
      assert.ok(res.json.count >= 2);
      assert.equal(res.json.count, res.json.results.length);
      assert.ok(res.json.results.every((d: { name: string }) => d.name.startsWith('Specs')));
      const exact = await server.request('GET', '/v1/exports?name=Specs%20A&creator.email=alice@acme.test', { token: alice });
      assert.deepEqual(exact.json.results.map((d: { name: string }) => d.name), ['Specs A']);
      const byNumber = await server.request('GET', `/v1/exports?number=${exact.json.results[0].number}`, { token: alice });
      assert.equal(byNumber.json.count, 1);
      const page = await server.request('GET', '/v1/exports?limit=1&offset=1', { token: alice });
      assert.equal(page.json.count, 1);
      const unknown = await server.request('GET', '/v1/exports?creator.Name=x', { token: alice });
      assert.deepEqual(unknown.json, { status: 400, errors: [{ code: 3019, message: 'The attribute "creator.Name" is not searchable.' }] });
      for (const bad of ['limit=0', 'limit=401', 'offset=-1', 'limit=abc']) {
        const r = await server.request('GET', `/v1/exports?${bad}`, { token: alice });
        assert.equal(r.json.errors[0].code, 3220, bad);
      }
    });

    it('answers 400/3011 for a GUID that resolves to nothing, as in the seed page', async () => {
      const res = await server.request('GET', `/v1/exports/${BAD_GUID}`, { token: alice });
      assert.deepEqual(res.json, { status: 400, errors: [{ code: 3011, message: `The guid "${BAD_GUID}" is not valid.` }] });
    });

    it('keeps definitions inside their workspace', async () => {
      const def = await define({ name: 'Private to Acme' });
      const carol = await server.login('carol@other.test');
      const res = await server.request('GET', `/v1/exports/${def.json.guid}`, { token: carol });
      assert.equal(res.json.errors[0].code, 3011);
    });
  });

  describe('runs (E4-E9)', () => {
    it('runs an export of several item GUIDs and produces a downloadable zip (seed: multiple GUIDs)', async () => {
      const def = await define({ name: 'Model 300', criteria: null });
      const criteria = [[{ attribute: 'guid', operator: 'IS_IN', value: itemGuids.slice(0, 2) }]];
      const started = await server.request('POST', `/v1/exports/${def.json.guid}/runs`, { token: alice, body: { criteria } });
      assert.equal(started.status, 201);
      assert.equal(started.json.status, 'CREATED');
      assert.equal(started.json.number, 1);
      assert.equal(started.json.completionDateTime, null);
      assert.deepEqual(started.json.criteria, criteria);
      const done = await waitForRun(server, `/v1/exports/${def.json.guid}/runs/${started.json.guid}`, alice);
      assert.equal(done.json.status, 'COMPLETE', JSON.stringify(done.json));
      assert.equal(done.json.criteriaResultsCount, 2);
      assert.match(done.json.completionDateTime, /Z$/);
      assert.equal(done.json.files.length, 1);
      const [file] = done.json.files;
      assert.equal(file.name, 'Model 300 Export Results.zip');
      assert.equal(file.title, null);
      assert.equal(file.storageMethodName, 'FILE');

      const base = `/v1/exports/${def.json.guid}/runs/${done.json.guid}/files/${file.guid}`;
      const meta = await server.request('GET', base, { token: alice });
      assert.equal(meta.status, 200);
      assert.equal(meta.json.mimeType, 'application/zip');
      assert.equal(meta.json.name, 'Model 300 Export Results.zip');
      assert.ok(meta.json.size > 0);

      const content = await server.request('GET', `${base}/content`, { token: alice });
      assert.equal(content.status, 200);
      assert.equal(content.headers['content-type'], 'application/zip');
      assert.equal(content.headers['content-disposition'], 'attachment; filename="Model 300 Export Results.zip"');
      assert.equal(content.raw.length, meta.json.size);
      const entries = await readZip(content.raw);
      const specs = parse(entries.get('SPECS.csv')!.toString('utf8'), { columns: true }) as Record<string, string>[];
      assert.equal(specs.length, 2);
      for (const row of specs) {
        const item = await server.request('GET', `/v1/items/${row.guid}`, { token: alice });
        assert.equal(item.status, 200);
        assert.equal(row.number, item.json.number);
        assert.equal(row.name, item.json.name);
        assert.equal(row.revisionStatus, item.json.revisionStatus);
      }
      const after = await server.request('GET', `/v1/exports/${def.json.guid}/runs/${done.json.guid}`, { token: alice });
      assert.equal(after.json.status, 'DOWNLOADED');
    });

    it('lets only the user who started a run read it, its file metadata and its content (403/3024)', async () => {
      const def = await define({ name: 'Alice only', criteria: [[{ attribute: 'number', operator: 'STARTS_WITH', value: '9' }]] });
      const run = await runToCompletion(def.json.guid);
      const file = run.json.files[0].guid;
      const runUrl = `/v1/exports/${def.json.guid}/runs/${run.json.guid}`;
      for (const url of [runUrl, `${runUrl}/files/${file}`, `${runUrl}/files/${file}/content`]) {
        const res = await server.request('GET', url, { token: bob });
        assert.equal(res.status, 403, url);
        assert.deepEqual(res.json, FORBIDDEN);
      }
      const list = await server.request('GET', `/v1/exports/${def.json.guid}/runs`, { token: bob });
      assert.equal(list.json.count, 0);
    });

    it('answers 400/3011 for unknown run and file GUIDs, and for a run of another definition', async () => {
      const a = await define({ name: 'A', criteria: [[{ attribute: 'number', operator: 'IS_EQUAL_TO', value: 'nothing' }]] });
      const b = await define({ name: 'B', criteria: [[{ attribute: 'number', operator: 'IS_EQUAL_TO', value: 'nothing' }]] });
      const run = await runToCompletion(a.json.guid);
      assert.equal(run.json.status, 'COMPLETE');
      assert.equal(run.json.criteriaResultsCount, 0);
      for (const url of [
        `/v1/exports/${a.json.guid}/runs/${BAD_GUID}`,
        `/v1/exports/${b.json.guid}/runs/${run.json.guid}`,
        `/v1/exports/${a.json.guid}/runs/${run.json.guid}/files/${BAD_GUID}`,
        `/v1/exports/${a.json.guid}/runs/${run.json.guid}/files/${BAD_GUID}/content`,
        `/v1/exports/${BAD_GUID}/runs`,
      ]) {
        const res = await server.request('GET', url, { token: alice });
        assert.equal(res.status, 400, url);
        assert.equal(res.json.errors[0].code, 3011, url);
      }
    });

    it('requires criteria in exactly one place (3140, 3142)', async () => {
      const none = await define({ name: 'No criteria' });
      const neither = await server.request('POST', `/v1/exports/${none.json.guid}/runs`, { token: alice, body: {} });
      assert.deepEqual(neither.json, { status: 400, errors: [{ code: 3140, message: 'The export must have criteria to run.' }] });
      const empty = await server.request('POST', `/v1/exports/${none.json.guid}/runs`, { token: alice, body: { criteria: [] } });
      assert.equal(empty.json.errors[0].code, 3140);
      const withCriteria = await define({ name: 'Has criteria', criteria: [[{ attribute: 'number', operator: 'CONTAINS', value: '1' }]] });
      const both = await server.request('POST', `/v1/exports/${withCriteria.json.guid}/runs`, {
        token: alice, body: { criteria: [[{ attribute: 'number', operator: 'CONTAINS', value: '2' }]] },
      });
      assert.deepEqual(both.json, { status: 400, errors: [{ code: 3142, message: 'Cannot override the criteria already set on the export definition.' }] });
      const bad = await server.request('POST', `/v1/exports/${none.json.guid}/runs`, {
        token: alice, body: { criteria: [[{ attribute: 'creationDateTime', operator: 'IS_BETWEEN', value: ['2024-01-02T00:00:00Z', '2024-01-01T00:00:00Z'] }]] },
      });
      assert.equal(bad.json.errors[0].code, 3293);
    });

    it('lists runs with number, status, latestCompleted and completion-date filters, and GET latestCompleted', async () => {
      const def = await define({ name: 'Listed', criteria: [[{ attribute: 'number', operator: 'STARTS_WITH', value: '100-' }]] });
      const first = await runToCompletion(def.json.guid);
      const second = await runToCompletion(def.json.guid);
      assert.deepEqual([first.json.number, second.json.number], [1, 2]);
      const base = `/v1/exports/${def.json.guid}/runs`;
      const all = await server.request('GET', base, { token: alice });
      assert.deepEqual(all.json.results.map((r: { number: number }) => r.number), [1, 2]);
      const latest = await server.request('GET', `${base}?latestCompleted=true`, { token: alice });
      assert.deepEqual(latest.json.results.map((r: { number: number }) => r.number), [2]);
      const byNumber = await server.request('GET', `${base}?number=1`, { token: alice });
      assert.deepEqual(byNumber.json.results.map((r: { guid: string }) => r.guid), [first.json.guid]);
      const byStatus = await server.request('GET', `${base}?status=COMPLETE`, { token: alice });
      assert.equal(byStatus.json.count, 2);
      const future = await server.request('GET', `${base}?completionDateTimeFrom=2999-01-01T00:00:00Z`, { token: alice });
      assert.equal(future.json.count, 0);
      const object = await server.request('GET', `${base}/latestCompleted?view=withFiles`, { token: alice });
      assert.equal(object.json.guid, second.json.guid);
      assert.equal(object.json.files.length, 1);
      const badAttr = await server.request('GET', `${base}?creator=x`, { token: alice });
      assert.equal(badAttr.json.errors[0].code, 3019);
      const badNumber = await server.request('GET', `${base}?number=0`, { token: alice });
      assert.equal(badNumber.json.errors[0].code, 3141);
      const emptyDef = await define({ name: 'Never run', criteria: [[{ attribute: 'number', operator: 'CONTAINS', value: '1' }]] });
      const none = await server.request('GET', `/v1/exports/${emptyDef.json.guid}/runs/latestCompleted`, { token: alice });
      assert.equal(none.status, 404);
      assert.equal(none.json.errors[0].code, 404);
    });

    it('answers a clear error for content past its retention, and the sweep removes the blob', async () => {
      const def = await define({ name: 'Expiring', criteria: [[{ attribute: 'number', operator: 'STARTS_WITH', value: '100-' }]] });
      const run = await runToCompletion(def.json.guid);
      const fileGuid = run.json.files[0].guid;
      await server.services.store.db.updateTable('export_files').set({ expires_at: '2000-01-01T00:00:00Z' }).where('guid', '=', fileGuid).execute();
      assert.ok((await sweepExpiredResults(server.services)) >= 1);
      const url = `/v1/exports/${def.json.guid}/runs/${run.json.guid}/files/${fileGuid}`;
      const content = await server.request('GET', `${url}/content`, { token: alice });
      assert.equal(content.status, 400);
      assert.equal(content.json.errors[0].code, 3017);
      const meta = await server.request('GET', url, { token: alice });
      assert.equal(meta.status, 200);
    });

    it('picks up runs left CREATED or RUNNING after a restart, and fails a run out of attempts', async () => {
      const def = await define({ name: 'Interrupted', criteria: [[{ attribute: 'number', operator: 'STARTS_WITH', value: '100-' }]] });
      const { store } = server.services;
      await server.services.queue.stop();
      const a = await server.request('POST', `/v1/exports/${def.json.guid}/runs`, { token: alice, body: {} });
      const b = await server.request('POST', `/v1/exports/${def.json.guid}/runs`, { token: alice, body: {} });
      await store.db.updateTable('export_runs').set({ status: 'RUNNING', attempts: 1 }).where('guid', '=', a.json.guid).execute();
      await store.db.updateTable('export_runs').set({ status: 'RUNNING', attempts: 3 }).where('guid', '=', b.json.guid).execute();
      const restarted = new EmbeddedRunQueue(store, { pollMs: 20, maxAttempts: 3 });
      const { executeExportRun } = await import('../../src/engine/export/executor.js');
      restarted.handle('export', (id) => executeExportRun(server.services, id));
      server.services.queue = restarted;
      await restarted.start();
      const ra = await waitForRun(server, `/v1/exports/${def.json.guid}/runs/${a.json.guid}`, alice);
      const rb = await waitForRun(server, `/v1/exports/${def.json.guid}/runs/${b.json.guid}`, alice);
      assert.equal(ra.json.status, 'COMPLETE');
      assert.equal(rb.json.status, 'FAILED');
    });
  });

  describe('export settings (E10)', () => {
    it('lists the definition attributes on both spellings of the path', async () => {
      for (const path of ['/v1/settings/exports/attributes', '/v1/settings/export/attributes']) {
        const res = await server.request('GET', `${path}?world=items`, { token: alice });
        assert.equal(res.status, 200, path);
        assert.deepEqual(
          res.json.results.map((a: { apiName: string }) => a.apiName).sort(),
          ['creationDateTime', 'creator', 'criteria', 'description', 'guid', 'name', 'number', 'options', 'world'],
        );
      }
    });
  });
});

describe('Export Engine with --arena-limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ items: 50, config: { arenaLimits: true, pollMs: 60_000 } });
  });
  after(() => server.close());

  it('refuses a second run while one is in progress (3144)', async () => {
    const token = await server.login('alice@acme.test');
    await server.services.queue.stop();
    const def = await server.request('POST', '/v1/exports', {
      token, body: { name: 'One at a time', world: 'ITEMS', options: {}, criteria: [[{ attribute: 'number', operator: 'CONTAINS', value: '0' }]] },
    });
    const first = await server.request('POST', `/v1/exports/${def.json.guid}/runs`, { token, body: {} });
    assert.equal(first.status, 201);
    assert.equal(typeof first.json.criteriaResultsCount, 'number');
    const second = await server.request('POST', `/v1/exports/${def.json.guid}/runs`, { token, body: {} });
    assert.deepEqual(second.json, { status: 400, errors: [{ code: 3144, message: 'Only one export can be in progress at any point in time.' }] });
  });
});
