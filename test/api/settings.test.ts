/**
 * Black-box tests of the settings endpoints: item and change categories, lifecycle phases, and the export
 * definition attributes under both paths.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { assertError, GUID } from '../helpers/assertions.js';


let server: TestServer;
let alice: string;
let carol: string;

const get = (url: string, token = alice) => server.request('GET', url, { token });

const ok = (url: string, token = alice): Promise<any> => server.getJson(url, token);

before(async () => {
  server = await startTestServer({ items: 50 });
  alice = await server.login('alice@acme.test');
  carol = await server.login('carol@other.test');
});

after(async () => {
  await server.close();
});

describe('GET /settings/items/categories', () => {
  test('401 without a session', async () => {
    assertError(await server.request('GET', '/v1/settings/items/categories'), 401, 401);
    assertError(await server.request('GET', '/v1/settings/exports/attributes'), 401, 401);
  });

  test('the item category tree', async () => {
    const body = await ok('/v1/settings/items/categories');
    assert.equal(body.count, body.results.length);
    const byGuid = new Map(body.results.map((c: any) => [c.guid, c]));
    const assembly = body.results.find((c: any) => c.path === 'Item\\Assembly');
    assert.ok(assembly, 'Item\\Assembly exists');
    assert.equal(assembly.name, 'Assembly');
    assert.equal(assembly.level, 2);
    for (const c of body.results) {
      assert.match(c.guid, GUID);
      assert.ok(c.path.startsWith('Item\\'), c.path);
      assert.ok(c.path.endsWith(`\\${c.name}`));
      assert.equal(c.level, c.path.split('\\').length);
      if (c.parentCategory) {
        const parent: any = byGuid.get(c.parentCategory.guid);
        assert.ok(parent, 'the parent is listed');
        assert.equal(`${parent.path}\\${c.name}`, c.path);
      }
    }
    if (server.services.store.dialect === 'sqlite') {
      const paths = body.results.map((c: any) => c.path);
      assert.deepEqual(paths, [...paths].sort());
    }
  });

  test('path filter (wildcard, any case) and includeDeleted', async () => {
    const body = await ok(`/v1/settings/items/categories?${new URLSearchParams({ path: 'item\\assembly*' })}`);
    assert.ok(body.count >= 2);
    for (const c of body.results) assert.ok(c.path.startsWith('Item\\Assembly'), c.path);
    const exact = await ok(`/v1/settings/items/categories?${new URLSearchParams({ path: 'Item\\Assembly' })}`);
    assert.deepEqual(exact.results.map((c: any) => c.path), ['Item\\Assembly']);
    const all = await ok('/v1/settings/items/categories');
    assert.deepEqual(await ok('/v1/settings/items/categories?includeDeleted=true'), all);
    assertError(await get('/v1/settings/items/categories?includeDeleted=perhaps'), 400, 3003);
    assertError(await get('/v1/settings/items/categories?name=Assembly'), 400, 3019);
  });

  test('one category by GUID; 3011 for another workspace or world', async () => {
    const body = await ok('/v1/settings/items/categories');
    const one = await ok(`/v1/settings/items/categories/${body.results[0].guid}`);
    assert.deepEqual(one, body.results[0]);
    const carols = await ok('/v1/settings/items/categories', carol);
    const mine = new Set(body.results.map((c: any) => c.guid));
    for (const c of carols.results) assert.equal(mine.has(c.guid), false);
    assertError(await get(`/v1/settings/items/categories/${carols.results[0].guid}`), 400, 3011);
    const changeCats = await ok('/v1/settings/changes/categories');
    assertError(await get(`/v1/settings/items/categories/${changeCats.results[0].guid}`), 400, 3011);
    assertError(await get('/v1/settings/items/categories/bad-guid'), 400, 3011, 'The guid "bad-guid" is not valid.');
  });

  test('405 for other methods', async () => {
    assertError(await server.request('POST', '/v1/settings/items/categories', { token: alice, body: {} }), 405, 405);
    assertError(await server.request('DELETE', '/v1/settings/items/lifecyclephases', { token: alice }), 405, 405);
    assertError(await server.request('POST', '/v1/settings/exports/attributes', { token: alice, body: {} }), 405, 405);
  });
});

describe('GET /settings/changes/categories', () => {
  test('the change category tree', async () => {
    const body = await ok('/v1/settings/changes/categories');
    assert.ok(body.count >= 1);
    for (const c of body.results) assert.ok(c.path.startsWith('Change\\'), c.path);
    assert.ok(body.results.some((c: any) => c.path === 'Change\\Change Order\\Engineering Change Order'));
    const one = await ok(`/v1/settings/changes/categories/${body.results[0].guid}`);
    assert.deepEqual(one, body.results[0]);
  });
});

describe('GET /settings/items/lifecyclephases', () => {
  test('the phases in display order', async () => {
    const body = await ok('/v1/settings/items/lifecyclephases');
    assert.equal(body.count, body.results.length);
    assert.ok(body.count >= 3);
    const names = body.results.map((p: any) => p.name);
    assert.ok(names.includes('In Production'));
    assert.ok(names.includes('Unreleased'));
    for (const p of body.results) {
      assert.match(p.guid, GUID);
      assert.ok(['UNRELEASED', 'DESIGN', 'PRODUCTION'].includes(p.stage));
      assert.equal(typeof p.shortName, 'string');
      assert.equal(typeof p.active, 'boolean');
      assert.equal(typeof p.used, 'boolean');
    }
    const orders = body.results.map((p: any) => p.displayOrder);
    assert.deepEqual(orders, [...orders].sort((a: number, b: number) => a - b));
    // `used` agrees with the items
    const items = (await ok('/v1/items?limit=400')).results;
    for (const i of items) {
      if (i.lifecyclePhase) assert.equal(body.results.find((p: any) => p.guid === i.lifecyclePhase.guid).used, true);
    }
    const carols = await ok('/v1/settings/items/lifecyclephases', carol);
    const mine = new Set(body.results.map((p: any) => p.guid));
    for (const p of carols.results) assert.equal(mine.has(p.guid), false);
  });
});

describe('GET /settings/exports/attributes', () => {
  const NAMES = ['creationDateTime', 'creator', 'criteria', 'description', 'guid', 'name', 'number', 'options', 'world'];

  test('the nine attributes, under both paths', async () => {
    const body = await ok('/v1/settings/exports/attributes');
    assert.equal(body.count, 9);
    assert.deepEqual(body.results.map((a: any) => a.apiName), NAMES);
    assert.deepEqual(await ok('/v1/settings/export/attributes'), body);
    for (const a of body.results) {
      assert.deepEqual(a.inViews, ['EXPORT_SUMMARY']);
      assert.equal(a.possibleValues, null);
      assert.equal(a.allowsExplicitNullValue, false);
      for (const k of ['creatable', 'editable', 'searchable', 'required']) assert.equal(typeof a[k], 'boolean', k);
    }
    const by = (n: string) => body.results.find((a: any) => a.apiName === n);
    assert.deepEqual(
      { fieldType: by('name').fieldType, maxLength: by('name').maxLength, required: by('name').required, creatable: by('name').creatable },
      { fieldType: 'SINGLE_LINE_TEXT', maxLength: 100, required: true, creatable: true },
    );
    assert.equal(by('description').maxLength, 4000);
    assert.equal(by('description').required, false);
    assert.equal(by('world').fieldType, 'FIXED_DROP_DOWN');
    assert.equal(by('world').required, true);
    assert.equal(by('creationDateTime').fieldType, 'DATETIME');
    assert.equal(by('number').fieldType, 'NUMBER');
  });

  test('includePossibleValues and world=items', async () => {
    const body = await ok('/v1/settings/export/attributes?includePossibleValues=true&world=items');
    assert.equal(body.count, 9);
    const world = body.results.find((a: any) => a.apiName === 'world');
    assert.deepEqual(world.possibleValues, ['ITEMS']);
    for (const a of body.results) if (a.apiName !== 'world') assert.equal(a.possibleValues, null);
    const off = await ok('/v1/settings/exports/attributes?includePossibleValues=false&world=ITEMS');
    assert.equal(off.results.find((a: any) => a.apiName === 'world').possibleValues, null);
  });

  test('creatableOnly, editableOnly, searchableOnly', async () => {
    const names = async (query: string) => (await ok(`/v1/settings/exports/attributes?${query}`)).results.map((a: any) => a.apiName);
    assert.deepEqual(await names('creatableOnly=true'), ['criteria', 'description', 'name', 'options', 'world']);
    assert.deepEqual(await names('searchableOnly=true'), ['creator', 'description', 'name', 'number']);
    assert.deepEqual(await names('editableOnly=true'), []);
    assert.deepEqual(await names('creatableOnly=true&searchableOnly=true'), ['description', 'name']);
    assert.deepEqual(await names('creatableOnly=false'), NAMES);
  });

  test('errors: unknown parameter 3019, bad flag 3003, bad world 3006', async () => {
    assertError(await get('/v1/settings/exports/attributes?colour=red'), 400, 3019, 'The attribute "colour" is not searchable.');
    assertError(await get('/v1/settings/export/attributes?creatableOnly=yes'), 400, 3003);
    assertError(
      await get('/v1/settings/exports/attributes?world=Changes'), 400, 3006,
      'The specified value "Changes" is not a valid option for the attribute "world".',
    );
  });
});
