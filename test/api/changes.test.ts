/**
 * Black-box tests of GET /changes and GET /changes/{guid}: shapes, search, paging, errors, isolation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { assertError, ZULU, GUID } from '../helpers/assertions.js';

const STATUSES = [
  'OPEN_AND_UNLOCKED', 'OPEN_AND_LOCKED', 'SUBMITTED_FOR_ROUTING', 'SUBMITTED_FOR_APPROVAL', 'REJECTED', 'CANCELED',
  'APPROVED', 'EFFECTIVE', 'COMPLETED', 'EXPIRED',
];

let server: TestServer;
let alice: string;
let carol: string;
let all: any[];
let carolChanges: any[];

const get = (url: string, token = alice) => server.request('GET', url, { token });

const ok = (url: string, token = alice): Promise<any> => server.getJson(url, token);

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

before(async () => {
  server = await startTestServer();
  alice = await server.login('alice@acme.test');
  carol = await server.login('carol@other.test');
  all = (await ok('/v1/changes?limit=400')).results;
  carolChanges = (await ok('/v1/changes?limit=400', carol)).results;
});

after(async () => {
  await server.close();
});

describe('GET /changes', () => {
  test('401 without a session', async () => {
    assertError(await server.request('GET', '/v1/changes'), 401, 401);
    assertError(await server.request('GET', `/v1/changes/${all[0].guid}`), 401, 401);
  });

  test('compact changes in number order', async () => {
    assert.ok(all.length >= 2, 'the seed has changes');
    const page = await ok('/v1/changes');
    assert.equal(page.count, page.results.length);
    assert.equal(page.count, Math.min(20, all.length));
    assert.deepEqual(page.results, all.slice(0, page.count));
    for (const c of all) {
      assert.match(c.guid, GUID);
      assert.match(c.number, /^[A-Z]+-\d{6}$/);
      assert.equal(typeof c.title, 'string');
      assert.ok(STATUSES.includes(c.lifecycleStatus.type), c.lifecycleStatus.type);
      assert.match(c.creationDateTime, ZULU);
      assert.match(c.lifecycleDateTime, ZULU);
      if (c.effectiveDateTime !== null) assert.match(c.effectiveDateTime, ZULU);
      assert.equal(typeof c.implementationStatus, 'string');
      assert.match(c.creator.guid, GUID);
      assert.equal(c.url.api.endsWith(`/v1/changes/${c.guid}`), true);
    }
    assert.ok(all.some((c) => c.number === 'ECO-000001'));
    if (server.services.store.dialect === 'sqlite') {
      const numbers = all.map((c) => c.number);
      assert.deepEqual(numbers, [...numbers].sort());
    }
  });

  test('search by number, title and lifecycle status', async () => {
    const target = all[all.length - 1];
    const exact = await ok(`/v1/changes?${q({ number: target.number })}`);
    assert.deepEqual(exact.results.map((c: any) => c.guid), [target.guid]);
    const eco = await ok('/v1/changes?number=ECO-*&limit=400');
    assert.deepEqual(eco.results.map((c: any) => c.guid), all.filter((c) => c.number.startsWith('ECO-')).map((c) => c.guid));
    const none = await ok('/v1/changes?number=ECO-');
    assert.equal(none.count, 0, 'exact unless a wildcard is given');

    const title = await ok(`/v1/changes?${q({ title: target.title })}`);
    assert.ok(title.results.some((c: any) => c.guid === target.guid));
    const word = target.title.split(' ')[0];
    const titleWild = await ok(`/v1/changes?${q({ title: `${word.toLowerCase()}*`, limit: '400' })}`);
    assert.ok(titleWild.results.some((c: any) => c.guid === target.guid), 'wildcards ignore case');

    const status = target.lifecycleStatus.type;
    const byStatus = await ok(`/v1/changes?lifecycleStatus.type=${status.toLowerCase()}&limit=400`);
    assert.deepEqual(byStatus.results.map((c: any) => c.guid), all.filter((c) => c.lifecycleStatus.type === status).map((c) => c.guid));
    assertError(await get('/v1/changes?lifecycleStatus.type=DONE_AND_DUSTED'), 400, 3006);
  });

  test('search by category and creator', async () => {
    const target = all[0];
    const byCat = await ok(`/v1/changes?${q({ 'category.guid': target.category.guid, limit: '400' })}`);
    assert.deepEqual(byCat.results.map((c: any) => c.guid), all.filter((c) => c.category?.guid === target.category.guid).map((c) => c.guid));
    const byCreator = await ok(`/v1/changes?${q({ 'creator.guid': target.creator.guid, limit: '400' })}`);
    assert.ok(byCreator.results.some((c: any) => c.guid === target.guid));
  });

  test('paging windows and errors', async () => {
    const n = Math.min(all.length, 4);
    const window = await ok(`/v1/changes?limit=${n}&offset=0`);
    const a = await ok(`/v1/changes?limit=${Math.ceil(n / 2)}&offset=0`);
    const b = await ok(`/v1/changes?limit=${Math.floor(n / 2)}&offset=${Math.ceil(n / 2)}`);
    assert.deepEqual([...a.results, ...b.results], window.results);
    assert.equal((await ok(`/v1/changes?offset=${all.length}`)).count, 0);
    for (const bad of ['limit=0', 'limit=401', 'limit=-1', 'limit=x', 'offset=-5']) {
      assertError(await get(`/v1/changes?${bad}`), 400, 3220);
    }
    assertError(await get('/v1/changes?owner.fullName=X'), 400, 3019, 'The attribute "owner.fullName" is not searchable.');
  });

  test('405 for other methods', async () => {
    assertError(await server.request('DELETE', '/v1/changes', { token: alice }), 405, 405, 'The method is not allowed.');
    assertError(await server.request('PUT', `/v1/changes/${all[0].guid}`, { token: alice, body: {} }), 405, 405);
  });

  test('workspace isolation', async () => {
    const mine = new Set(all.map((c) => c.guid));
    for (const c of carolChanges) assert.equal(mine.has(c.guid), false);
    assertError(await get(`/v1/changes/${all[0].guid}`, carol), 400, 3011, `The guid "${all[0].guid}" is not valid.`);
  });
});

describe('GET /changes/{guid}', () => {
  test('the full change', async () => {
    const target = all.find((c) => c.category) ?? all[0];
    const change = await ok(`/v1/changes/${target.guid}`);
    assert.equal(change.guid, target.guid);
    assert.equal(change.number, target.number);
    assert.equal(change.title, target.title);
    assert.deepEqual(change.lifecycleStatus, target.lifecycleStatus);
    assert.ok(['PERMANENT_ON_APPROVAL', 'PERMANENT_ON_DATE', 'TEMPORARY'].includes(change.effectivityType));
    assert.equal(change.category.guid, target.category.guid);
    assert.ok(change.category.path.startsWith('Change\\'), change.category.path);
    assert.ok('description' in change);
    assert.deepEqual(change.creator, target.creator);
    assert.ok(Array.isArray(change.additionalAttributes));
    assert.equal(change.url.api.endsWith(`/v1/changes/${change.guid}`), true);
  });

  test('3011 for a malformed or unknown GUID', async () => {
    assertError(await get('/v1/changes/bad'), 400, 3011, 'The guid "bad" is not valid.');
    assertError(await get('/v1/changes/ABCDEFGHIJABCDEFGHIJ'), 400, 3011);
    const item = (await ok('/v1/items?limit=1')).results[0];
    assertError(await get(`/v1/changes/${item.guid}`), 400, 3011, `The guid "${item.guid}" is not valid.`);
  });
});
