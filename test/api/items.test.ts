/**
 * Black-box tests of the Items world: GET/POST /items, one item, its revisions, BOM, sourcing and files,
 * BOM line creation, criteria search, paging, errors and workspace isolation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Response, type TestServer, startTestServer } from '../helpers/server.js';
import { assertError, ZULU, GUID } from '../helpers/assertions.js';


let server: TestServer;
let alice: string;
let carol: string;
/** every item of alice's workspace (latest revisions), in number order */
let all: any[];
let carolItems: any[];

const get = (url: string, token = alice): Promise<Response> => server.request('GET', url, { token });

const ok = (url: string, token = alice): Promise<any> => server.getJson(url, token);

async function listAll(token: string): Promise<any[]> {
  const out: any[] = [];
  for (let offset = 0; ; offset += 400) {
    const page = await ok(`/v1/items?limit=400&offset=${offset}`, token);
    out.push(...page.results);
    if (page.count < 400) return out;
  }
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const criteria = (c: unknown) => `/v1/items?${q({ criteria: JSON.stringify(c) })}`;

/** The first item for which `probe` returns a non-empty list body. */
async function findWith(path: string, filter: (it: any) => boolean = () => true): Promise<{ item: any; body: any } | undefined> {
  for (const item of all.filter(filter)) {
    const body = await ok(`/v1/items/${item.guid}/${path}`);
    if (body.count > 0) return { item, body };
  }
  return undefined;
}

let seq = 0;
async function createItem(body: Record<string, unknown> = {}, token = alice): Promise<any> {
  seq += 1;
  const res = await server.request('POST', '/v1/items', {
    token,
    body: { number: `TEST-${String(seq).padStart(4, '0')}`, name: `Test item ${seq}`, ...body },
  });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json;
}

before(async () => {
  server = await startTestServer();
  alice = await server.login('alice@acme.test');
  carol = await server.login('carol@other.test');
  all = await listAll(alice);
  carolItems = await listAll(carol);
});

after(async () => {
  await server.close();
});

describe('GET /items', () => {
  test('401 without a session', async () => {
    const res = await server.request('GET', '/v1/items');
    assertError(res, 401, 401);
  });

  test('lists latest revisions in item-number order, count = page size', async () => {
    assert.ok(all.length >= 20, 'the seed has items');
    const page = await ok('/v1/items');
    assert.equal(page.count, page.results.length);
    assert.equal(page.count, Math.min(20, all.length));
    const numbers = all.map((i) => i.number);
    assert.deepEqual(page.results.map((i: any) => i.guid), all.slice(0, 20).map((i) => i.guid));
    if (server.services.store.dialect === 'sqlite') {
      // PostgreSQL orders by the database collation; SQLite by code point.
      assert.deepEqual(numbers, [...numbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    assert.equal(new Set(numbers).size, numbers.length, 'one entry per item');
    const it = page.results[0];
    assert.match(it.guid, GUID);
    assert.equal(typeof it.number, 'string');
    assert.equal(typeof it.name, 'string');
    assert.match(it.creationDateTime, ZULU);
    assert.ok(['TOP_LEVEL_ASSEMBLY', 'ASSEMBLY', 'NOT_AN_ASSEMBLY'].includes(it.assemblyType));
    assert.equal(typeof it.inAssembly, 'boolean');
    assert.equal(it.url.api.endsWith(`/v1/items/${it.guid}`), true);
    assert.ok(['WORKING', 'EFFECTIVE'].includes(it.revisionStatus), 'latest is effective or working');
  });

  test('paging windows are consistent', async () => {
    const ten = await ok('/v1/items?limit=10&offset=3');
    const a = await ok('/v1/items?limit=5&offset=3');
    const b = await ok('/v1/items?limit=5&offset=8');
    assert.equal(ten.count, 10);
    assert.deepEqual([...a.results, ...b.results].map((i: any) => i.guid), ten.results.map((i: any) => i.guid));
    assert.deepEqual(ten.results.map((i: any) => i.guid), all.slice(3, 13).map((i) => i.guid));
    const beyond = await ok(`/v1/items?offset=${all.length}`);
    assert.deepEqual(beyond, { count: 0, results: [] });
  });

  for (const bad of ['limit=0', 'limit=401', 'limit=-1', 'limit=x', 'offset=-1', 'offset=abc']) {
    test(`3220 for ${bad}`, async () => {
      assertError(await get(`/v1/items?${bad}`), 400, 3220, 'Limit must be 1-400, offset must equal or bigger than 0.');
    });
  }

  test('3019 for an attribute that is not searchable', async () => {
    assertError(await get('/v1/items?owner.Name=*Walker'), 400, 3019, 'The attribute "owner.Name" is not searchable.');
    assertError(await get('/v1/items?Number=X'), 400, 3019, 'The attribute "Number" is not searchable.');
  });

  test('number: exact, and with a * wildcard', async () => {
    const target = all[Math.floor(all.length / 2)];
    const exact = await ok(`/v1/items?${q({ number: target.number })}`);
    assert.deepEqual(exact.results.map((i: any) => i.guid), [target.guid]);
    const prefix = target.number.slice(0, Math.max(1, target.number.length - 2));
    const partial = await ok(`/v1/items?${q({ number: prefix })}`);
    assert.equal(partial.count, all.filter((i) => i.number === prefix).length, 'no implicit wildcard');
    const wild = await ok(`/v1/items?${q({ number: `${prefix}*`, limit: '400' })}`);
    assert.deepEqual(wild.results.map((i: any) => i.guid), all.filter((i) => i.number.startsWith(prefix)).map((i) => i.guid));
    assert.ok(wild.count >= 1);
  });

  test('name and description with wildcards; responseview is accepted', async () => {
    const target = all[0];
    const word = target.name.split(/\s|,/)[0];
    const res = await ok(`/v1/items?${q({ name: `${word}*`, limit: '400', responseview: 'compact' })}`);
    assert.ok(res.results.some((i: any) => i.guid === target.guid));
    for (const i of res.results) assert.ok(i.name.toLowerCase().startsWith(word.toLowerCase()));
  });

  test('category and lifecycle phase filters', async () => {
    const withCat = all.find((i) => i.category);
    assert.ok(withCat, 'some item has a category');
    const byName = await ok(`/v1/items?${q({ 'category.name': withCat.category.name, limit: '400' })}`);
    assert.ok(byName.count >= 1);
    for (const i of byName.results) assert.equal(i.category.name, withCat.category.name);
    const byGuid = await ok(`/v1/items?${q({ 'category.guid': withCat.category.guid, limit: '400' })}`);
    assert.deepEqual(byGuid.results.map((i: any) => i.guid), all.filter((i) => i.category?.guid === withCat.category.guid).map((i) => i.guid));

    const stage = await ok('/v1/items?lifecyclePhase.stage=production&limit=400');
    assert.deepEqual(stage.results.map((i: any) => i.guid), all.filter((i) => i.lifecyclePhase?.stage === 'PRODUCTION').map((i) => i.guid));
    assertError(await get('/v1/items?lifecyclePhase.stage=SOMEDAY'), 400, 3006);

    const phase = all.find((i) => i.lifecyclePhase)!.lifecyclePhase;
    const byPhase = await ok(`/v1/items?${q({ 'lifecyclePhase.name': phase.name, limit: '400' })}`);
    assert.deepEqual(byPhase.results.map((i: any) => i.guid), all.filter((i) => i.lifecyclePhase?.guid === phase.guid).map((i) => i.guid));
  });

  test('assembly filters agree with the flags', async () => {
    for (const type of ['TOP_LEVEL_ASSEMBLY', 'ASSEMBLY', 'NOT_AN_ASSEMBLY']) {
      const res = await ok(`/v1/items?assemblyType=${type}&limit=400`);
      assert.deepEqual(res.results.map((i: any) => i.guid), all.filter((i) => i.assemblyType === type).map((i) => i.guid), type);
    }
    assert.ok(all.some((i) => i.assemblyType === 'TOP_LEVEL_ASSEMBLY'), 'the seed has assemblies');
    const inAsm = await ok('/v1/items?inAssembly=true&limit=400');
    assert.deepEqual(inAsm.results.map((i: any) => i.guid), all.filter((i) => i.inAssembly).map((i) => i.guid));
    const notIn = await ok('/v1/items?inAssembly=false&limit=400');
    assert.equal(inAsm.count + notIn.count, all.length);
    assertError(await get('/v1/items?inAssembly=maybe'), 400, 3003);
    assertError(await get('/v1/items?assemblyType=SUB'), 400, 3006);
  });

  test('modified flags and effective dates are searchable', async () => {
    const a = await ok('/v1/items?modifiedBom=true&limit=400');
    const b = await ok('/v1/items?modifiedBom=false&limit=400');
    assert.equal(a.count + b.count, all.length);
    const c = await ok('/v1/items?modifiedBOM=true&limit=400');
    assert.deepEqual(c.results, a.results);
    const eff = await ok('/v1/items?effectiveDateTimeFrom=2000-01-01T00:00:00Z&effectiveDateTimeTo=2999-01-01&limit=400');
    assert.deepEqual(eff.results.map((i: any) => i.guid), all.filter((i) => i.effectiveDateTime).map((i) => i.guid));
    assertError(await get('/v1/items?effectiveDateTimeFrom=yesterday'), 400, 3003);
  });

  test('custom attributes are searchable by GUID', async () => {
    // Gather the custom values of every item, then search for some of them.
    const values = new Map<string, { fieldType: string; multiSelect?: boolean; byItem: Map<string, unknown> }>();
    for (const i of all) {
      const item = await ok(`/v1/items/${i.guid}`);
      for (const a of item.additionalAttributes) {
        if (!values.has(a.guid)) values.set(a.guid, { fieldType: a.fieldType, multiSelect: a.multiSelect, byItem: new Map() });
        values.get(a.guid)!.byItem.set(i.guid, a.value);
      }
    }
    const expectSearch = async (guid: string, value: string, match: (v: unknown) => boolean) => {
      const res = await ok(`/v1/items?${q({ [guid]: value, limit: '400' })}`);
      const expected = all.filter((i) => values.get(guid)!.byItem.has(i.guid) && match(values.get(guid)!.byItem.get(i.guid)));
      assert.deepEqual(res.results.map((i: any) => i.guid), expected.map((i) => i.guid), `${guid}=${value}`);
      return res.count;
    };
    let searched = 0;
    for (const [guid, attr] of values) {
      const sample = [...attr.byItem.values()][0];
      if (attr.fieldType === 'SINGLE_LINE_TEXT' && typeof sample === 'string') {
        assert.ok(await expectSearch(guid, sample, (v) => v === sample) >= 1);
        const prefix = sample.slice(0, 1);
        await expectSearch(guid, `${prefix}*`, (v) => typeof v === 'string' && v.toLowerCase().startsWith(prefix.toLowerCase()));
        searched++;
      }
      if (attr.fieldType === 'FIXED_DROP_DOWN' && !attr.multiSelect && typeof sample === 'string') {
        const other = [...attr.byItem.values()].find((v) => v !== sample);
        const both = other === undefined ? sample : `${sample};${other}`;
        assert.ok(await expectSearch(guid, both, (v) => v === sample || v === other) >= 1);
        searched++;
      }
      if (attr.fieldType === 'FIXED_DROP_DOWN' && attr.multiSelect && Array.isArray(sample)) {
        assert.ok(await expectSearch(guid, sample[0], (v) => Array.isArray(v) && v.includes(sample[0])) >= 1);
        searched++;
      }
      if (attr.fieldType === 'BOOLEAN') {
        await expectSearch(guid, 'true', (v) => v === true);
        searched++;
      }
    }
    assert.ok(searched >= 2, 'the seed has searchable custom values');
    assertError(await get('/v1/items?ABCDEFGHIJKLMNOPQRST=x'), 400, 3019, 'The attribute "ABCDEFGHIJKLMNOPQRST" is not searchable.');
  });

  test('criteria: exact number, OR of two numbers, stage', async () => {
    const [x, y] = [all[1], all[all.length - 2]];
    const one = await ok(criteria([[{ attribute: 'number', operator: 'IS_EQUAL_TO', value: x.number }]]));
    assert.deepEqual(one.results.map((i: any) => i.guid), [x.guid]);

    const two = await ok(criteria([
      [{ attribute: 'number', operator: 'IS_EQUAL_TO', value: x.number }], 'OR',
      [{ attribute: 'number', operator: 'IS_EQUAL_TO', value: y.number }],
    ]));
    assert.deepEqual(two.results.map((i: any) => i.guid), [x.guid, y.guid]);

    const prod = await ok(`${criteria([[{ attribute: 'lifecyclePhase.stage', operator: 'IS_EQUAL_TO', value: 'PRODUCTION' }]])}&limit=400`);
    assert.deepEqual(prod.results.map((i: any) => i.guid), all.filter((i) => i.lifecyclePhase?.stage === 'PRODUCTION').map((i) => i.guid));
  });

  test('criteria combine with search parameters and paging', async () => {
    const prefix = all[0].number.slice(0, 2);
    const url = `${criteria([[{ attribute: 'number', operator: 'STARTS_WITH', value: prefix }]])}&assemblyType=NOT_AN_ASSEMBLY`;
    const full = await ok(`${url}&limit=400`);
    const expected = all.filter((i) => i.number.startsWith(prefix) && i.assemblyType === 'NOT_AN_ASSEMBLY');
    assert.deepEqual(full.results.map((i: any) => i.guid), expected.map((i) => i.guid));
    const page = await ok(`${url}&limit=2&offset=1`);
    assert.deepEqual(page.results.map((i: any) => i.guid), expected.slice(1, 3).map((i) => i.guid));
  });

  test('criteria: a guid criterion finds one revision, empty criteria are no filter', async () => {
    const x = all[3];
    const res = await ok(criteria([[{ attribute: 'guid', operator: 'IS_IN', value: [x.guid] }]]));
    assert.deepEqual(res.results.map((i: any) => i.guid), [x.guid]);
    const none = await ok(`${criteria([])}&limit=400`);
    assert.equal(none.count, Math.min(400, all.length));
  });

  test('criteria errors: 3114 bad operator, 3004 unknown attribute, 3294 guid mixed, 3003 bad JSON', async () => {
    assertError(
      await get(criteria([[{ attribute: 'number', operator: 'IS_BEFORE', value: 'X' }]])), 400, 3114,
      'The specified operator "IS_BEFORE" is not valid for the attribute "number".',
    );
    assertError(await get(criteria([[{ attribute: 'colour', operator: 'IS_EQUAL_TO', value: 'X' }]])), 400, 3004);
    assertError(await get(criteria([[
      { attribute: 'guid', operator: 'IS_EQUAL_TO', value: all[0].guid }, 'AND',
      { attribute: 'number', operator: 'IS_EQUAL_TO', value: all[0].number },
    ]])), 400, 3294);
    assertError(await get('/v1/items?criteria=%5B%5B%7B'), 400, 3003);
  });

  test('workspace isolation: carol sees only her own items', async () => {
    assert.ok(carolItems.length > 0);
    const mine = new Set(all.map((i) => i.guid));
    for (const i of carolItems) assert.equal(mine.has(i.guid), false);
    assertError(await get(`/v1/items/${all[0].guid}`, carol), 400, 3011, `The guid "${all[0].guid}" is not valid.`);
    const res = await ok(criteria([[{ attribute: 'guid', operator: 'IS_EQUAL_TO', value: all[0].guid }]]), carol);
    assert.equal(res.count, 0);
  });

  test('405 for other methods', async () => {
    assertError(await server.request('DELETE', '/v1/items', { token: alice }), 405, 405);
    assertError(await server.request('PUT', '/v1/items', { token: alice, body: {} }), 405, 405);
  });
});

describe('GET /items/{guid}', () => {
  test('returns the full item', async () => {
    const target = all.find((i) => i.category && i.lifecyclePhase)!;
    const item = await ok(`/v1/items/${target.guid}`);
    assert.equal(item.guid, target.guid);
    assert.equal(item.number, target.number);
    assert.equal(item.name, target.name);
    assert.deepEqual(Object.keys(item.category).sort(), ['guid', 'name', 'path']);
    assert.ok(item.category.path.startsWith('Item\\'), item.category.path);
    assert.ok(item.category.path.endsWith(item.category.name));
    assert.equal(item.lifecyclePhase.guid, target.lifecyclePhase.guid);
    assert.ok(['UNRELEASED', 'DESIGN', 'PRODUCTION'].includes(item.lifecyclePhase.stage));
    assert.match(item.creator.guid, GUID);
    assert.equal(typeof item.creator.email, 'string');
    assert.equal(typeof item.creator.fullName, 'string');
    assert.match(item.creationDateTime, ZULU);
    if (item.effectiveDateTime !== null) assert.match(item.effectiveDateTime, ZULU);
    for (const k of ['isAssembly', 'inAssembly', 'deviated', 'shared', 'modifiedBom', 'modifiedFiles', 'modifiedSourcing', 'modifiedSpecs', 'offTheShelf']) {
      assert.equal(typeof item[k], 'boolean', k);
    }
    assert.equal(item.status, { WORKING: 0, EFFECTIVE: 1, SUPERSEDED: 2 }[item.revisionStatus as string]);
    assert.equal(item.assemblyType, target.assemblyType);
    assert.ok(Array.isArray(item.additionalAttributes));
    assert.equal(item.url.api.endsWith(`/v1/items/${item.guid}`), true);
    assert.equal(typeof item.url.app, 'string');
  });

  test('additional attributes carry guid, apiName, name, fieldType and value', async () => {
    let found: any;
    for (const i of all) {
      const item = await ok(`/v1/items/${i.guid}`);
      if (item.additionalAttributes.length > 0) {
        found = item;
        break;
      }
    }
    assert.ok(found, 'some seeded item has custom attribute values');
    for (const a of found.additionalAttributes) {
      assert.match(a.guid, GUID);
      assert.equal(a.apiName, a.guid);
      assert.equal(typeof a.name, 'string');
      assert.equal(typeof a.fieldType, 'string');
      assert.ok('value' in a);
    }
    const withEmpty = await ok(`/v1/items/${found.guid}?includeEmptyAdditionalAttributes=true`);
    assert.ok(withEmpty.additionalAttributes.length >= found.additionalAttributes.length);
  });

  test('3011 for a malformed, unknown or foreign GUID', async () => {
    assertError(await get('/v1/items/not-a-guid'), 400, 3011, 'The guid "not-a-guid" is not valid.');
    assertError(await get('/v1/items/AAAAAAAAAAAAAAAAAAAA'), 400, 3011, 'The guid "AAAAAAAAAAAAAAAAAAAA" is not valid.');
    assertError(await get(`/v1/items/${carolItems[0].guid}`), 400, 3011);
    for (const sub of ['revisions', 'bom', 'sourcing', 'files']) {
      assertError(await get(`/v1/items/${carolItems[0].guid}/${sub}`), 400, 3011);
      assertError(await get(`/v1/items/ZZZZZZZZZZZZZZZZZZZZ/${sub}`), 400, 3011);
    }
  });

  test('405 for other methods', async () => {
    assertError(await server.request('DELETE', `/v1/items/${all[0].guid}`, { token: alice }), 405, 405);
    assertError(await server.request('POST', `/v1/items/${all[0].guid}/revisions`, { token: alice, body: {} }), 405, 405);
  });
});

describe('GET /items/{guid}/revisions', () => {
  test('lists every revision; each GUID returns that revision', async () => {
    const hit = await findWith('revisions', (i) => i.revisionStatus === 'EFFECTIVE');
    assert.ok(hit);
    let multi: { item: any; body: any } | undefined;
    for (const i of all) {
      const body = await ok(`/v1/items/${i.guid}/revisions`);
      if (body.count > 1) {
        multi = { item: i, body };
        break;
      }
    }
    assert.ok(multi, 'some item has several revisions');
    const { item, body } = multi;
    assert.equal(body.count, body.results.length);
    assert.ok(body.results.some((r: any) => r.guid === item.guid));
    for (const r of body.results) {
      assert.match(r.guid, GUID);
      assert.equal(r.status, { WORKING: 0, EFFECTIVE: 1, SUPERSEDED: 2 }[r.revisionStatus as string]);
      assert.ok('number' in r && 'change' in r && 'supersededDateTime' in r && 'lifecyclePhase' in r);
      assert.equal(r.url.api.endsWith(`/v1/items/${r.guid}`), true);
      if (r.revisionStatus === 'SUPERSEDED') assert.match(r.supersededDateTime, ZULU);
    }
    assert.ok(body.results.filter((r: any) => r.revisionStatus === 'EFFECTIVE').length <= 1);
    // The same list from any revision of the item.
    const other = body.results.find((r: any) => r.guid !== item.guid);
    const again = await ok(`/v1/items/${other.guid}/revisions`);
    assert.deepEqual(again, body);
    const rev = await ok(`/v1/items/${other.guid}`);
    assert.equal(rev.guid, other.guid);
    assert.equal(rev.number, item.number);
    assert.equal(rev.revisionStatus, other.revisionStatus);
  });
});

describe('GET /items/{guid}/bom, sourcing, files', () => {
  test('BOM lines name the child by its latest revision', async () => {
    const hit = await findWith('bom', (i) => i.isAssembly);
    assert.ok(hit, 'some item has a BOM');
    const { body } = hit;
    assert.equal(body.count, body.results.length);
    const byGuid = new Map(all.map((i) => [i.guid, i]));
    for (const line of body.results) {
      assert.match(line.guid, GUID);
      assert.equal(typeof line.quantity, 'number');
      assert.ok('refDes' in line && 'notes' in line && 'lineNumber' in line);
      assert.equal(line.additionalAttributes, undefined);
      assert.ok(Array.isArray(line.substitutes));
      const child = byGuid.get(line.item.guid);
      assert.ok(child, 'child is shown as its latest revision');
      assert.equal(line.item.number, child.number);
      assert.equal(line.item.revisionStatus, child.revisionStatus);
      assert.equal(child.inAssembly, true);
      assert.equal(line.item.url.api.endsWith(`/v1/items/${line.item.guid}`), true);
    }
    const withAttrs = await ok(`/v1/items/${hit.item.guid}/bom?includeAdditionalAttributes=true`);
    assert.equal(withAttrs.count, body.count);
    for (const line of withAttrs.results) assert.ok(Array.isArray(line.additionalAttributes));
  });

  test('a part has an empty BOM', async () => {
    const part = all.find((i) => i.assemblyType === 'NOT_AN_ASSEMBLY')!;
    assert.deepEqual(await ok(`/v1/items/${part.guid}/bom`), { count: 0, results: [] });
  });

  test('sourcing relationships', async () => {
    const hit = await findWith('sourcing');
    assert.ok(hit, 'some item has sourcing');
    for (const s of hit.body.results) {
      assert.match(s.guid, GUID);
      for (const k of ['approved', 'activeProduction', 'activePrototype', 'makeItem']) assert.equal(typeof s[k], 'boolean', k);
      assert.ok('amlRank' in s && 'vendorItemConversionFactor' in s && 'notes' in s);
      assert.ok(s.mfrItem || s.vendorItem || s.makeItem);
      if (s.mfrItem) {
        assert.match(s.mfrItem.guid, GUID);
        assert.equal(typeof s.mfrItem.number, 'string');
        assert.equal(typeof s.mfrItem.supplier.name, 'string');
      }
    }
  });

  test('file associations', async () => {
    const hit = await findWith('files');
    assert.ok(hit, 'some item has files');
    for (const a of hit.body.results) {
      assert.match(a.guid, GUID);
      assert.equal(typeof a.primary, 'boolean');
      assert.equal(typeof a.latestEditionAssociation, 'boolean');
      assert.match(a.file.guid, GUID);
      assert.equal(typeof a.file.number, 'string');
      assert.equal(typeof a.file.title, 'string');
      assert.ok(['FILE', 'PLACE_HOLDER', 'FTP', 'WEB'].includes(a.file.storageMethodName));
      assert.equal(typeof a.file.size, 'number');
      assert.match(a.file.creationDateTime, ZULU);
      assert.equal(typeof a.file.latest, 'boolean');
    }
  });
});

describe('POST /items', () => {
  let category: any;
  let phase: any;

  before(async () => {
    const cats = await ok('/v1/settings/items/categories');
    category = cats.results.find((c: any) => c.path === 'Item\\Part') ?? cats.results[0];
    const phases = await ok('/v1/settings/items/lifecyclephases');
    phase = phases.results.find((p: any) => p.stage === 'DESIGN');
  });

  test('creates an item with a working revision', async () => {
    const res = await server.request('POST', '/v1/items', {
      token: alice,
      body: {
        number: 'NEW-000001', name: 'Bracket, new', description: 'created by a test', category: { guid: category.guid },
        lifecyclePhase: { guid: phase.guid }, uom: 'each', procurementType: 'MTS', productionCost: 1.5, shared: true,
        revisionNumber: 'A',
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const item = res.json;
    assert.match(item.guid, GUID);
    assert.equal(item.number, 'NEW-000001');
    assert.equal(item.name, 'Bracket, new');
    assert.equal(item.description, 'created by a test');
    assert.equal(item.revisionStatus, 'WORKING');
    assert.equal(item.status, 0);
    assert.equal(item.revisionNumber, 'A');
    assert.deepEqual(item.category, { guid: category.guid, name: category.name, path: category.path });
    assert.equal(item.lifecyclePhase.guid, phase.guid);
    assert.equal(item.procurementType, 'MTS');
    assert.equal(item.offTheShelf, false);
    assert.equal(item.productionCost, 1.5);
    assert.equal(item.shared, true);
    assert.equal(item.creator.email, 'alice@acme.test');
    assert.equal(item.effectiveDateTime, null);
    assert.equal(item.assemblyType, 'NOT_AN_ASSEMBLY');
    assert.match(item.creationDateTime, ZULU);
    assert.deepEqual(await ok(`/v1/items/${item.guid}`), item);
    const found = await ok('/v1/items?number=NEW-000001');
    assert.deepEqual(found.results.map((i: any) => i.guid), [item.guid]);
    const revs = await ok(`/v1/items/${item.guid}/revisions`);
    assert.equal(revs.count, 1);
    assert.equal(revs.results[0].revisionStatus, 'WORKING');
    // carol cannot see it
    assertError(await get(`/v1/items/${item.guid}`, carol), 400, 3011);
  });

  test('without a phase the item starts Unreleased; custom attribute values are stored', async () => {
    const attrs = await server.services.store.db
      .selectFrom('attributes').select(['guid', 'field_type', 'possible_values'])
      .where('workspace_id', '=', server.workspaceId).where('world', '=', 'ITEM').execute();
    const text = attrs.find((a) => a.field_type === 'SINGLE_LINE_TEXT');
    const body: Record<string, unknown> = {};
    if (text) body.additionalAttributes = [{ guid: text.guid, value: '5%' }];
    const item = await createItem(body);
    assert.equal(item.lifecyclePhase.stage, 'UNRELEASED');
    if (text) {
      const attr = item.additionalAttributes.find((a: any) => a.guid === text.guid);
      assert.equal(attr.value, '5%');
      assert.equal(attr.fieldType, 'SINGLE_LINE_TEXT');
    }
    const fixed = attrs.find((a) => a.field_type === 'FIXED_DROP_DOWN' && a.possible_values);
    if (fixed) {
      const res = await server.request('POST', '/v1/items', {
        token: alice, body: { number: 'BAD-ATTR-1', name: 'x', additionalAttributes: [{ guid: fixed.guid, value: 'Not an option' }] },
      });
      assertError(res, 400, 3006);
    }
  });

  test('3001 when name or number is missing', async () => {
    assertError(await server.request('POST', '/v1/items', { token: alice, body: { number: 'NO-NAME-1' } }), 400, 3001, 'The attribute "name" is required.');
    assertError(await server.request('POST', '/v1/items', { token: alice, body: { number: 'NO-NAME-2', name: '  ' } }), 400, 3001);
    assertError(await server.request('POST', '/v1/items', { token: alice, body: { name: 'No number' } }), 400, 3001, 'The attribute "number" is required.');
    assert.equal((await get('/v1/items?number=NO-NAME-1')).json.count, 0);
  });

  test('409 / 3025 for a number in use; the same number is free in another workspace', async () => {
    const existing = all[0].number;
    assertError(await server.request('POST', '/v1/items', { token: alice, body: { number: existing, name: 'dup' } }), 409, 3025);
    await createItem({ number: 'DUP-000001' });
    assertError(await server.request('POST', '/v1/items', { token: alice, body: { number: 'DUP-000001', name: 'dup' } }), 409, 3025);
    const res = await server.request('POST', '/v1/items', { token: carol, body: { number: 'DUP-000001', name: 'dup elsewhere' } });
    assert.equal(res.status, 201);
  });

  test('3011 for a category or phase that is not in the workspace', async () => {
    const carolCats = await ok('/v1/settings/items/categories', carol);
    assertError(await server.request('POST', '/v1/items', {
      token: alice, body: { number: 'CAT-1', name: 'x', category: { guid: carolCats.results[0].guid } },
    }), 400, 3011, `The guid "${carolCats.results[0].guid}" is not valid.`);
    assertError(await server.request('POST', '/v1/items', {
      token: alice, body: { number: 'CAT-2', name: 'x', lifecyclePhase: { guid: 'QQQQQQQQQQQQQQQQQQQQ' } },
    }), 400, 3011);
  });

  test('other validation errors', async () => {
    const post = (body: unknown) => server.request('POST', '/v1/items', { token: alice, body });
    assertError(await post({ number: 'V-1', name: 'x', guid: 'ABC' }), 400, 3031, 'The attribute "guid" is not creatable.');
    assertError(await post({ number: 'V-2', name: 'x', colour: 'red' }), 400, 3004, 'The attribute "colour" is not recognized.');
    assertError(await post({ number: 'V-3', name: 'x', procurementType: 'XYZ' }), 400, 3006);
    assertError(await post({ number: 'V-4', name: 'x', productionCost: 'cheap' }), 400, 3003);
    assertError(await post({ number: 'V-5', name: 'x', additionalAttributes: [{ guid: 'NOSUCHATTRIBUTE00000', value: 1 }] }), 400, 3004);
    assertError(await post([1, 2]), 400, 400);
    assertError(await server.request('POST', '/v1/items', { token: alice, body: '{not json' }), 400, 400);
    assertError(await server.request('POST', '/v1/items', { body: { number: 'V-6', name: 'x' } }), 401, 401);
  });
});

describe('POST /items/{guid}/bom', () => {
  test('adds a line to a working revision and marks the BOM modified', async () => {
    const parent = await createItem();
    const child = await createItem();
    const res = await server.request('POST', `/v1/items/${parent.guid}/bom`, {
      token: alice, body: { item: { guid: child.guid }, quantity: 3, refDes: 'R1-R3', notes: 'test line', lineNumber: 10 },
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const line = res.json;
    assert.match(line.guid, GUID);
    assert.equal(line.quantity, 3);
    assert.equal(line.refDes, 'R1-R3');
    assert.equal(line.notes, 'test line');
    assert.equal(line.lineNumber, 10);
    assert.deepEqual(line.item, {
      guid: child.guid, name: child.name, number: child.number, revisionNumber: null, revisionStatus: 'WORKING', url: child.url,
    });
    const bom = await ok(`/v1/items/${parent.guid}/bom`);
    assert.equal(bom.count, 1);
    assert.equal(bom.results[0].guid, line.guid);
    const p = await ok(`/v1/items/${parent.guid}`);
    assert.equal(p.modifiedBom, true);
    assert.equal(p.isAssembly, true);
    assert.equal(p.assemblyType, 'TOP_LEVEL_ASSEMBLY');
    const c = await ok(`/v1/items/${child.guid}`);
    assert.equal(c.inAssembly, true);
    // a seeded item can be a child too, with default quantity 1
    const seeded = all.find((i) => i.assemblyType === 'NOT_AN_ASSEMBLY')!;
    const res2 = await server.request('POST', `/v1/items/${parent.guid}/bom`, { token: alice, body: { item: { guid: seeded.guid } } });
    assert.equal(res2.status, 201, JSON.stringify(res2.json));
    assert.equal(res2.json.quantity, 1);
    assert.equal(res2.json.lineNumber, null);
    assert.equal(res2.json.item.guid, seeded.guid);
  });

  test('3037 for a line that would make the BOM recursive', async () => {
    const top = await createItem();
    const mid = await createItem();
    const low = await createItem();
    const add = (p: any, c: any) => server.request('POST', `/v1/items/${p.guid}/bom`, { token: alice, body: { item: { guid: c.guid }, quantity: 1 } });
    assert.equal((await add(top, mid)).status, 201);
    assert.equal((await add(mid, low)).status, 201);
    assertError(await add(top, top), 400, 3037);
    assertError(await add(mid, top), 400, 3037);
    assertError(await add(low, top), 400, 3037);
    assertError(await add(low, mid), 400, 3037);
    assert.equal((await add(top, low)).status, 201, 'a second path to the same child is not a cycle');
  });

  test('3237 on a revision that is not WORKING', async () => {
    const effective = all.find((i) => i.revisionStatus === 'EFFECTIVE');
    assert.ok(effective, 'the seed has released items');
    const child = await createItem();
    const res = await server.request('POST', `/v1/items/${effective.guid}/bom`, { token: alice, body: { item: { guid: child.guid } } });
    assertError(res, 400, 3237, 'Only the working revision of an item can be edited.');
  });

  test('3001 / 3003 / 3011 for bad bodies and GUIDs', async () => {
    const parent = await createItem();
    const post = (guid: string, body: unknown, token = alice) => server.request('POST', `/v1/items/${guid}/bom`, { token, body });
    assertError(await post(parent.guid, { quantity: 1 }), 400, 3001, 'The attribute "item" is required.');
    assertError(await post(parent.guid, { item: { guid: 'NOPENOPENOPENOPENOPE' } }), 400, 3011, 'The guid "NOPENOPENOPENOPENOPE" is not valid.');
    assertError(await post(parent.guid, { item: { guid: carolItems[0].guid } }), 400, 3011);
    assertError(await post(parent.guid, { item: { guid: all[0].guid }, quantity: 'lots' }), 400, 3003);
    assertError(await post(parent.guid, { item: { guid: all[0].guid }, lineNumber: 1.5 }), 400, 3003);
    assertError(await post('NOPENOPENOPENOPENOPE', { item: { guid: all[0].guid } }), 400, 3011);
    // carol cannot edit alice's BOM
    const carolChild = carolItems[0];
    assertError(await post(parent.guid, { item: { guid: carolChild.guid } }, carol), 400, 3011);
    assert.equal((await ok(`/v1/items/${parent.guid}/bom`)).count, 0);
  });
});
