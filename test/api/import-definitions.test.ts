/**
 * Black-box tests of the Import Engine's definition endpoints I1–I4 (spec §8.1–8.5, §8.10, §8.12):
 * default filling and pruning of options, mapping validation, addToChange, edit, search, errors,
 * workspace isolation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { GUID, ZULU, assertError } from '../helpers/assertions.js';

const BAD_GUID = 'L3N6PX663K3K3HOBOOT0';

let server: TestServer;
let alice: string;
let bob: string;
let carol: string;
let changes: { guid: string; number: string }[];
let changeCategoryGuid: string;
let itemCategoryGuid: string;
let custom: { guid: string; name: string; world: string }[];

const post = (body: unknown, token = alice) => server.request('POST', '/v1/imports', { token, body });
const get = (url: string, token = alice) => server.request('GET', url, { token });
const put = (guid: string, body: unknown, token = alice) => server.request('PUT', `/v1/imports/${guid}`, { token, body });

async function create(body: Record<string, unknown>, token = alice): Promise<any> {
  const res = await post(body, token);
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json;
}

async function optionsOf(resource: string, mode: string, options: unknown = undefined): Promise<any> {
  return (await create({ name: `${resource} ${mode}`, resource, mode, options })).options;
}

before(async () => {
  server = await startTestServer({ items: 50 });
  alice = await server.login('alice@acme.test');
  bob = await server.login('bob@acme.test');
  carol = await server.login('carol@other.test');
  changes = (await server.getJson('/v1/changes?limit=5', alice)).results;
  changeCategoryGuid = (await server.getJson('/v1/settings/changes/categories', alice)).results[0].guid;
  itemCategoryGuid = (await server.getJson('/v1/settings/items/categories', alice)).results[0].guid;
  custom = await server.services.store.db
    .selectFrom('attributes')
    .select(['guid', 'name', 'world'])
    .where('workspace_id', '=', server.workspaceId)
    .orderBy('id')
    .execute();
});

after(() => server.close());

describe('POST /imports (I1)', () => {
  test('ITEM_SPECS + CREATE: 201, upper-cased enums, the defaults of the search sample, mapping echoed', async () => {
    const res = await post({
      name: 'ItemSpecs-Create',
      description: 'Creates new items',
      resource: 'item_specs',
      mode: 'create',
      options: {
        mapping: [
          { resource: 'item_specs', apiName: 'NUMBER', sourceName: 'Part Number' },
          { resource: 'ITEM_SPECS', apiName: 'name', sourceName: 'Name', inResponse: false, notes: 'the item name' },
          { resource: 'Item_Specs', apiName: 'category.name', sourceName: 'Category' },
        ],
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const def = res.json;
    assert.match(def.guid, GUID);
    assert.equal(typeof def.number, 'number');
    assert.equal(def.name, 'ItemSpecs-Create');
    assert.equal(def.description, 'Creates new items');
    assert.equal(def.resource, 'ITEM_SPECS');
    assert.equal(def.mode, 'CREATE');
    assert.deepEqual(def.creator, { email: 'alice@acme.test', fullName: 'Alice Anders', guid: def.creator.guid });
    assert.match(def.creator.guid, GUID);
    assert.match(def.creationDateTime, ZULU);
    assert.deepEqual(def.options, {
      createDuplicates: 'ERROR',
      multiSelectDelimiter: ';',
      useCategoryNumberFormat: '[Use Category Number Format]',
      stripWhiteSpace: 'STRIP',
      numberingFreeTextHeader: 'Numbering Free Text',
      mapping: [
        { resource: 'ITEM_SPECS', apiName: 'number', sourceName: 'Part Number', inResponse: true, notes: null },
        { resource: 'ITEM_SPECS', apiName: 'name', sourceName: 'Name', inResponse: false, notes: 'the item name' },
        { resource: 'ITEM_SPECS', apiName: 'category.name', sourceName: 'Category', inResponse: true, notes: null },
      ],
    });
    assert.deepEqual(Object.keys(def), ['guid', 'number', 'name', 'description', 'resource', 'mode', 'options', 'creator', 'creationDateTime']);
    const got = await get(`/v1/imports/${def.guid}`, bob);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, def);
  });

  test('ITEM_BOM + REPLACE: inapplicable options dropped, checkRefDes and stripWhiteSpace added (the create sample)', async () => {
    const def = await create({
      name: 'BOM Replace',
      resource: 'ITEM_BOM',
      mode: 'Replace',
      options: {
        createDuplicates: 'ERROR',
        matchDuplicates: 'ERROR',
        matchDuplicateParents: 'ERROR',
        removeValue: '[Remove Value]',
        multiSelectDelimiter: ';',
        useCategoryNumberFormat: '[Use Category Number Format]',
        mapping: [
          { resource: 'item_bom', apiName: 'parent.number', sourceName: 'Parent' },
          { resource: 'item_bom', apiName: 'item.number', sourceName: 'Child' },
          { resource: 'item_bom', apiName: 'quantity', sourceName: 'Qty' },
          { resource: 'import', apiName: 'errormessage', sourceName: 'error messages' },
        ],
      },
    });
    assert.equal(def.mode, 'REPLACE');
    assert.deepEqual(def.options, {
      matchDuplicateParents: 'ERROR',
      removeValue: '[Remove Value]',
      multiSelectDelimiter: ';',
      checkRefDes: 'CHECK',
      stripWhiteSpace: 'STRIP',
      mapping: [
        { resource: 'ITEM_BOM', apiName: 'parent.number', sourceName: 'Parent', inResponse: true, notes: null },
        { resource: 'ITEM_BOM', apiName: 'item.number', sourceName: 'Child', inResponse: true, notes: null },
        { resource: 'ITEM_BOM', apiName: 'quantity', sourceName: 'Qty', inResponse: true, notes: null },
        { resource: 'import', apiName: 'errorMessage', sourceName: 'error messages', inResponse: true, notes: null },
      ],
    });
  });

  test('every resource and mode: the defaults that apply, and nothing else', async () => {
    const expected: Record<string, Record<string, Record<string, string>>> = {
      ITEM_SPECS: {
        CREATE: { createDuplicates: 'ERROR', multiSelectDelimiter: ';', useCategoryNumberFormat: '[Use Category Number Format]', stripWhiteSpace: 'STRIP', numberingFreeTextHeader: 'Numbering Free Text' },
        EDIT: { matchDuplicates: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', stripWhiteSpace: 'STRIP', numberingFreeTextHeader: 'Numbering Free Text' },
        OVERWRITE: {
          matchDuplicates: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', useCategoryNumberFormat: '[Use Category Number Format]',
          stripWhiteSpace: 'STRIP', numberingFreeTextHeader: 'Numbering Free Text',
        },
        DELETE: { matchDuplicates: 'ERROR', stripWhiteSpace: 'STRIP' },
      },
      ITEM_BOM: {
        CREATE: { createDuplicates: 'ERROR', multiSelectDelimiter: ';', checkRefDes: 'CHECK', stripWhiteSpace: 'STRIP' },
        EDIT: { matchDuplicates: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', checkRefDes: 'CHECK', stripWhiteSpace: 'STRIP' },
        OVERWRITE: { matchDuplicates: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', checkRefDes: 'CHECK', stripWhiteSpace: 'STRIP' },
        REPLACE: { matchDuplicateParents: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', checkRefDes: 'CHECK', stripWhiteSpace: 'STRIP' },
        DELETE: { matchDuplicates: 'ERROR', stripWhiteSpace: 'STRIP' },
      },
      ITEM_FILES: {
        CREATE: { createDuplicates: 'ERROR', multiSelectDelimiter: ';', stripWhiteSpace: 'STRIP' },
        EDIT: { matchDuplicates: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', stripWhiteSpace: 'STRIP' },
        OVERWRITE: { matchDuplicates: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', stripWhiteSpace: 'STRIP' },
        REPLACE: { matchDuplicateParents: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', stripWhiteSpace: 'STRIP' },
        DELETE: { matchDuplicates: 'ERROR', stripWhiteSpace: 'STRIP' },
      },
      FILE_SUMMARY: {
        CREATE: { createDuplicates: 'ERROR', multiSelectDelimiter: ';', stripWhiteSpace: 'STRIP' },
        EDIT: { matchDuplicates: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', stripWhiteSpace: 'STRIP' },
        OVERWRITE: { matchDuplicates: 'ERROR', removeValue: '[Remove Value]', multiSelectDelimiter: ';', stripWhiteSpace: 'STRIP' },
        DELETE: { matchDuplicates: 'ERROR', stripWhiteSpace: 'STRIP' },
      },
    };
    for (const [resource, modes] of Object.entries(expected)) {
      for (const [mode, options] of Object.entries(modes)) {
        const got = await optionsOf(resource.toLowerCase(), mode.toLowerCase());
        assert.deepEqual(got, { ...options, mapping: [] }, `${resource} ${mode}`);
      }
    }
  });

  test('option values: enums in any case echoed upper, strings as given, time zones canonical, file options kept for files', async () => {
    const specs = await optionsOf('ITEM_SPECS', 'OVERWRITE', {
      matchDuplicates: 'apply_to_all', stripWhiteSpace: 'Retain', removeValue: '<clear>', multiSelectDelimiter: '|',
      useCategoryNumberFormat: '<auto>', numberingFreeTextHeader: 'Free Text', timeZone: 'america/los_angeles',
      checkRefDes: 'do_not_check', createDuplicates: 'allow', fileEditionEdit: 'CREATE_EDITION',
    });
    assert.deepEqual(specs, {
      matchDuplicates: 'APPLY_TO_ALL', removeValue: '<clear>', multiSelectDelimiter: '|', useCategoryNumberFormat: '<auto>',
      stripWhiteSpace: 'RETAIN', numberingFreeTextHeader: 'Free Text', timeZone: 'America/Los_Angeles', mapping: [],
    });
    const bom = await optionsOf('ITEM_BOM', 'CREATE', { createDuplicates: 'Allow', checkRefDes: 'Do_Not_Check', timeZone: 'UTC', mergeIdenticalBOMLines: 'MERGE' });
    assert.deepEqual(bom, {
      createDuplicates: 'ALLOW', multiSelectDelimiter: ';', checkRefDes: 'DO_NOT_CHECK', stripWhiteSpace: 'STRIP', timeZone: 'UTC',
      mergeIdenticalBOMLines: 'MERGE', mapping: [],
    });
    const files = await optionsOf('FILE_SUMMARY', 'EDIT', { fileEditionEdit: 'CREATE_EDITION', filePlaceHolder: 'KEEP', mergeIdenticalBOMLines: true });
    assert.equal(files.fileEditionEdit, 'CREATE_EDITION');
    assert.equal(files.filePlaceHolder, 'KEEP');
    assert.equal(files.mergeIdenticalBOMLines, undefined);
    const del = await optionsOf('ITEM_SPECS', 'DELETE', { timeZone: 'Europe/Paris', addToChange: { number: changes[0].number } });
    assert.deepEqual(del, { matchDuplicates: 'ERROR', stripWhiteSpace: 'STRIP', mapping: [] }, 'timeZone and addToChange do not apply to DELETE');
  });

  test('rejects invalid definitions with the catalogue codes and messages', async () => {
    const base = { name: 'x', resource: 'ITEM_SPECS', mode: 'CREATE' };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...base, name: undefined }, 3001, 'The attribute "name" is required.'],
      [{ ...base, name: '   ' }, 3001, 'The attribute "name" is required.'],
      [{ ...base, name: 'n'.repeat(101) }, 3003, 'The value for the attribute "name" is not valid.'],
      [{ ...base, name: 42 }, 3003, 'The value for the attribute "name" is not valid.'],
      [{ ...base, description: 'd'.repeat(4001) }, 3003, 'The value for the attribute "description" is not valid.'],
      [{ ...base, resource: undefined }, 3001, 'The attribute "resource" is required.'],
      [{ ...base, resource: 'CHANGES' }, 3006, 'The specified value "CHANGES" is not a valid option for the attribute "resource".'],
      [{ ...base, mode: undefined }, 3001, 'The attribute "mode" is required.'],
      [{ ...base, mode: 'CREATE_AND_UPDATE' }, 3006, 'The specified value "CREATE_AND_UPDATE" is not a valid option for the attribute "mode".'],
      [{ ...base, mode: 'REPLACE' }, 3006, 'The specified value "REPLACE" is not a valid option for the attribute "mode".'],
      [{ ...base, resource: 'FILE_SUMMARY', mode: 'REPLACE' }, 3006, 'The specified value "REPLACE" is not a valid option for the attribute "mode".'],
      [{ ...base, name1: 'y' }, 3031, 'The attribute "name1" is not creatable.'],
      [{ ...base, guid: 'ABC' }, 3031, 'The attribute "guid" is not creatable.'],
      [{ ...base, options: 'fast' }, 3003, 'The value for the attribute "options" is not valid.'],
      [{ ...base, options: { speed: 'fast' } }, 3031, 'The attribute "speed" is not creatable.'],
      [{ ...base, options: { createDuplicates: 'MAYBE' } }, 3006, 'The specified value "MAYBE" is not a valid option for the attribute "createDuplicates".'],
      [{ ...base, options: { stripWhiteSpace: 'TRIM' } }, 3006, 'The specified value "TRIM" is not a valid option for the attribute "stripWhiteSpace".'],
      [{ ...base, options: { checkRefDes: 'yes' } }, 3006, 'The specified value "yes" is not a valid option for the attribute "checkRefDes".'],
      [{ ...base, options: { timeZone: 'Mars/Olympus_Mons' } }, 3003, 'The value for the attribute "timeZone" is not valid.'],
      [{ ...base, options: { multiSelectDelimiter: '' } }, 3020, 'The value for the attribute "multiSelectDelimiter" cannot be empty.'],
      [{ ...base, options: { removeValue: 7 } }, 3003, 'The value for the attribute "removeValue" is not valid.'],
      [{ ...base, options: { mapping: {} } }, 3003, 'The value for the attribute "mapping" is not valid.'],
    ];
    for (const [body, code, message] of cases) {
      const res = await post(body);
      assert.deepEqual(res.json, { status: 400, errors: [{ code, message }] }, JSON.stringify(body));
    }
  });

  test('accepts and ignores the [OAS] extras workspaceId, userId and uniqueRequestID', async () => {
    const def = await create({ name: 'With extras', resource: 'FILE_SUMMARY', mode: 'DELETE', workspaceId: 1, userId: 2, uniqueRequestID: 'abc' });
    assert.equal(def.workspaceId, undefined);
    assert.equal(def.uniqueRequestID, undefined);
    assert.equal(def.description, null);
  });

  test('numbers are one sequence per workspace', async () => {
    const a = await create({ name: 'Seq A', resource: 'ITEM_SPECS', mode: 'EDIT' });
    const b = await create({ name: 'Seq B', resource: 'ITEM_SPECS', mode: 'EDIT' }, bob);
    assert.equal(b.number, a.number + 1);
    const c = await create({ name: 'Seq C', resource: 'ITEM_SPECS', mode: 'EDIT' }, carol);
    assert.equal(c.number, 1, 'the other workspace has its own sequence');
  });

  test('a body that is not an object is 400', async () => {
    assertError(await post([1, 2]), 400, 400);
    assertError(await server.request('POST', '/v1/imports', { token: alice, body: '{bad json', headers: { 'content-type': 'application/json' } }), 400, 400);
  });
});

describe('mapping', () => {
  const spec = (mapping: unknown[]) => post({ name: 'Mapping', resource: 'ITEM_SPECS', mode: 'CREATE', options: { mapping } });

  test('custom attributes by display name (any case) or GUID; system names win; every documented ITEM_SPECS attribute', async () => {
    const item = custom.filter((c) => c.world === 'ITEM');
    const tolerance = item.find((c) => c.name === 'Tolerance')!;
    const weight = item.find((c) => c.name === 'Weight (g)')!;
    const names = [
      'number', 'name', 'description', 'revisionNumber', 'category.name', 'category.guid', 'category.path', 'lifecyclePhase.name',
      'lifecyclePhase.guid', 'uom', 'procurementType', 'owner.fullName', 'owner.email', 'productionCost', 'prototypeCost', 'targetCost',
      'targetPrice', 'standardCost', 'guid',
    ];
    const res = await spec([
      ...names.map((n) => ({ resource: 'ITEM_SPECS', apiName: n.toUpperCase(), sourceName: `col ${n}` })),
      { resource: 'item_specs', apiName: 'tolerance', sourceName: 'Tol' },
      { resource: 'item_specs', apiName: weight.guid, sourceName: 'Weight' },
      { resource: 'import', apiName: 'STATUS', sourceName: 'Result' },
      { resource: 'Import', apiName: 'ErrorCode', sourceName: 'Code', inResponse: false },
    ]);
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const mapping = res.json.options.mapping;
    assert.deepEqual(mapping.slice(0, names.length).map((m: any) => m.apiName), names);
    assert.deepEqual(mapping.slice(names.length), [
      { resource: 'ITEM_SPECS', apiName: tolerance.name, sourceName: 'Tol', inResponse: true, notes: null },
      { resource: 'ITEM_SPECS', apiName: weight.guid, sourceName: 'Weight', inResponse: true, notes: null },
      { resource: 'import', apiName: 'status', sourceName: 'Result', inResponse: true, notes: null },
      { resource: 'import', apiName: 'errorCode', sourceName: 'Code', inResponse: false, notes: null },
    ]);
    const owner = await spec([{ apiName: 'owner', sourceName: 'Owner' }]);
    assert.deepEqual(owner.json.options.mapping, [{ resource: 'ITEM_SPECS', apiName: 'owner', sourceName: 'Owner', inResponse: true, notes: null }],
      'the sample apiName "owner", resource defaulted to the definition\'s');
  });

  test('the attributes of ITEM_BOM, ITEM_FILES and FILE_SUMMARY (export column titles), BOM customs', async () => {
    const mount = custom.find((c) => c.world === 'BOM')!;
    const tables: Record<string, string[]> = {
      ITEM_BOM: ['parent.number', 'parent.guid', 'parent.revisionNumber', 'item.number', 'item.guid', 'quantity', 'refDes', 'notes', 'lineNumber', mount.name],
      ITEM_FILES: [
        'item.number', 'item.guid', 'file.number', 'file.guid', 'file.name', 'file.title', 'file.description', 'file.edition', 'file.format',
        'file.storageMethodName', 'file.location', 'file.category.name', 'primary', 'latestEditionAssociation',
      ],
      FILE_SUMMARY: [
        'number', 'guid', 'name', 'title', 'description', 'edition', 'format', 'storageMethodName', 'location', 'category.name', 'category.guid',
        'author.fullName', 'private',
      ],
    };
    for (const [resource, names] of Object.entries(tables)) {
      const mapping = names.map((n, i) => ({ resource, apiName: n.toLowerCase(), sourceName: `c${i}` }));
      const def = await create({ name: `Map ${resource}`, resource, mode: 'OVERWRITE', options: { mapping } });
      assert.deepEqual(def.options.mapping.map((m: any) => m.apiName), names, resource);
    }
    const files = await create({
      name: 'Files from export', resource: 'ITEM_FILES', mode: 'CREATE',
      options: { mapping: [{ apiName: 'parent.number', sourceName: 'parent.number' }, { apiName: 'file.number', sourceName: 'file.number' }] },
    });
    assert.deepEqual(files.options.mapping.map((m: any) => m.apiName), ['parent.number', 'file.number'], 'the FILES export titles map back');
    const bomByGuid = await create({ name: 'BOM custom by GUID', resource: 'ITEM_BOM', mode: 'EDIT', options: { mapping: [{ apiName: mount.guid, sourceName: 'Mount' }] } });
    assert.equal(bomByGuid.options.mapping[0].apiName, mount.guid);
    // A custom attribute of another world is not an attribute of the resource.
    const item = custom.find((c) => c.world === 'ITEM')!;
    assertError(await post({ name: 'x', resource: 'ITEM_BOM', mode: 'CREATE', options: { mapping: [{ apiName: item.name, sourceName: 'x' }] } }),
      400, 3004, `The attribute "${item.name}" is not recognized.`);
    assertError(await post({ name: 'x', resource: 'FILE_SUMMARY', mode: 'CREATE', options: { mapping: [{ apiName: 'refDes', sourceName: 'x' }] } }),
      400, 3004, 'The attribute "refDes" is not recognized.');
  });

  test('mapping errors', async () => {
    const cases: [unknown[], number, string][] = [
      [[{ resource: 'ITEM_SPECS', apiName: 'colour', sourceName: 'Colour' }], 3004, 'The attribute "colour" is not recognized.'],
      [[{ resource: 'import', apiName: 'warnings', sourceName: 'W' }], 3004, 'The attribute "warnings" is not recognized.'],
      [[{ resource: 'import', apiName: 'number', sourceName: 'W' }], 3004, 'The attribute "number" is not recognized.'],
      [[{ resource: 'ITEM_SPECS', apiName: 'number' }], 3001, 'The attribute "sourceName" is required.'],
      [[{ resource: 'ITEM_SPECS', apiName: 'number', sourceName: '' }], 3001, 'The attribute "sourceName" is required.'],
      [[{ resource: 'ITEM_SPECS', sourceName: 'Number' }], 3001, 'The attribute "apiName" is required.'],
      [[{ apiName: 'number', sourceName: 'Col' }, { apiName: 'name', sourceName: 'col' }], 3003, 'The value for the attribute "sourceName" is not valid.'],
      [[{ apiName: 'number', sourceName: 'A' }, { apiName: 'NUMBER', sourceName: 'B' }], 3003, 'The value for the attribute "apiName" is not valid.'],
      [[{ apiName: 'owner', sourceName: 'A' }, { apiName: 'owner.fullName', sourceName: 'B' }], 3003, 'The value for the attribute "apiName" is not valid.'],
      [[{ resource: 'ITEM_BOM', apiName: 'quantity', sourceName: 'Q' }], 3006, 'The specified value "ITEM_BOM" is not a valid option for the attribute "resource".'],
      [[{ apiName: 'number', sourceName: 'N', inResponse: 'yes' }], 3003, 'The value for the attribute "inResponse" is not valid.'],
      [[{ apiName: 'number', sourceName: 'N', column: 'A' }], 3031, 'The attribute "column" is not creatable.'],
      [['number'], 3003, 'The value for the attribute "mapping" is not valid.'],
    ];
    for (const [mapping, code, message] of cases) {
      const res = await spec(mapping);
      assert.deepEqual(res.json, { status: 400, errors: [{ code, message }] }, JSON.stringify(mapping));
    }
    const tol = custom.find((c) => c.name === 'Tolerance')!;
    assertError(await spec([{ apiName: 'Tolerance', sourceName: 'A' }, { apiName: tol.guid, sourceName: 'B' }]), 400, 3003,
      'The value for the attribute "apiName" is not valid.');
  });
});

describe('addToChange', () => {
  const withChange = (addToChange: unknown, mode = 'CREATE') =>
    post({ name: 'To change', resource: 'ITEM_SPECS', mode, options: { addToChange } });

  test('an existing change by GUID or by number', async () => {
    const byGuid = await withChange({ guid: changes[0].guid });
    assert.equal(byGuid.status, 201, JSON.stringify(byGuid.json));
    assert.deepEqual(byGuid.json.options.addToChange, { guid: changes[0].guid });
    const byNumber = await withChange({ number: changes[1].number }, 'overwrite');
    assert.equal(byNumber.status, 201, JSON.stringify(byNumber.json));
    assert.deepEqual(byNumber.json.options.addToChange, { number: changes[1].number });
  });

  test('a POST /changes body, stored for the run to create the change', async () => {
    const res = await post({
      name: 'New ECO per run', resource: 'ITEM_BOM', mode: 'REPLACE',
      options: {
        addToChange: {
          effectivityType: 'permanent_on_approval', category: { guid: changeCategoryGuid }, numberSequencePrefix: { value: 'ECO-' },
          title: 'Import ECO', description: 'made by the import', routings: [{ guid: 'ROUTING0000000000001' }],
        },
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.deepEqual(res.json.options.addToChange, {
      category: { guid: changeCategoryGuid }, numberSequencePrefix: { value: 'ECO-' }, title: 'Import ECO', description: 'made by the import',
      routings: [{ guid: 'ROUTING0000000000001' }], effectivityType: 'PERMANENT_ON_APPROVAL',
    });
    const dated = await withChange({ title: 'Dated', effectivityType: 'PERMANENT_ON_DATE', effectivityPlannedDateTime: '2031-01-02' });
    assert.equal(dated.json.options.addToChange.effectivityPlannedDateTime, '2031-01-02T00:00:00Z');
  });

  test('addToChange errors', async () => {
    const cases: [unknown, number, string][] = [
      [{ guid: BAD_GUID }, 3011, `The guid "${BAD_GUID}" is not valid.`],
      [{ number: 'ECO-999999' }, 3003, 'The value for the attribute "number" is not valid.'],
      [{ number: 12 }, 3003, 'The value for the attribute "number" is not valid.'],
      [{ guid: changes[0].guid, title: 'x' }, 3031, 'The attribute "title" is not creatable.'],
      [{ category: { guid: changeCategoryGuid } }, 3001, 'The attribute "title" is required.'],
      [{ title: 'x', category: { guid: itemCategoryGuid } }, 3011, `The guid "${itemCategoryGuid}" is not valid.`],
      [{ title: 'x', category: {} }, 3001, 'The attribute "category.guid" is required.'],
      [{ title: 'x', effectivityType: 'SOMEDAY' }, 3006, 'The specified value "SOMEDAY" is not a valid option for the attribute "effectivityType".'],
      [{ title: 'x', effectivityType: 'TEMPORARY' }, 3001, 'The attribute "expirationDateTime" is required.'],
      [{ title: 'x', expirationDateTime: 'soon' }, 3003, 'The value for the attribute "expirationDateTime" is not valid.'],
      [{ title: 'x', lifecycleStatus: 'OPEN' }, 3031, 'The attribute "lifecycleStatus" is not creatable.'],
      ['ECO-000001', 3003, 'The value for the attribute "addToChange" is not valid.'],
    ];
    for (const [addToChange, code, message] of cases) {
      const res = await withChange(addToChange);
      assert.deepEqual(res.json, { status: 400, errors: [{ code, message }] }, JSON.stringify(addToChange));
    }
  });

  test('a change of another workspace resolves to nothing', async () => {
    const res = await post({ name: 'x', resource: 'ITEM_SPECS', mode: 'CREATE', options: { addToChange: { guid: changes[0].guid } } }, carol);
    assertError(res, 400, 3011, `The guid "${changes[0].guid}" is not valid.`);
    const cat = await post({ name: 'x', resource: 'ITEM_SPECS', mode: 'CREATE', options: { addToChange: { title: 't', category: { guid: changeCategoryGuid } } } }, carol);
    assertError(cat, 400, 3011, `The guid "${changeCategoryGuid}" is not valid.`);
  });
});

describe('GET /imports/{guid} (I3) and PUT (I4)', () => {
  test('3011 for a GUID that resolves to nothing, including one of another workspace', async () => {
    assert.deepEqual((await get(`/v1/imports/${BAD_GUID}`)).json, { status: 400, errors: [{ code: 3011, message: `The guid "${BAD_GUID}" is not valid.` }] });
    const def = await create({ name: 'Acme only', resource: 'ITEM_SPECS', mode: 'CREATE' });
    assertError(await get(`/v1/imports/${def.guid}`, carol), 400, 3011, `The guid "${def.guid}" is not valid.`);
    assertError(await put(def.guid, { name: 'stolen' }, carol), 400, 3011, `The guid "${def.guid}" is not valid.`);
    const theirs = await create({ name: 'Other Co only', resource: 'ITEM_SPECS', mode: 'CREATE' }, carol);
    assertError(await get(`/v1/imports/${theirs.guid}`), 400, 3011);
  });

  test('PUT edits name and description only: 200 + the definition', async () => {
    const def = await create({ name: 'Before', description: 'old', resource: 'ITEM_BOM', mode: 'EDIT', options: { removeValue: '<x>' } });
    const res = await put(def.guid, { name: 'After', description: 'new', uniqueRequestID: 'r1' }, bob);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json, { ...def, name: 'After', description: 'new' });
    assert.deepEqual((await get(`/v1/imports/${def.guid}`)).json, res.json);
    const nameOnly = await put(def.guid, { name: 'Only name' });
    assert.equal(nameOnly.json.description, 'new');
    const cleared = await put(def.guid, { description: null });
    assert.deepEqual(cleared.json, { ...def, name: 'Only name', description: null });
    const empty = await put(def.guid, {});
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, cleared.json);
  });

  test('PUT refuses everything else with 3032 and applies the name rules', async () => {
    const def = await create({ name: 'Fixed', resource: 'ITEM_SPECS', mode: 'CREATE' });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ name: 'x', mode: 'EDIT' }, 3032, 'The attribute "mode" is not editable.'],
      [{ resource: 'ITEM_BOM' }, 3032, 'The attribute "resource" is not editable.'],
      [{ options: { createDuplicates: 'ALLOW' } }, 3032, 'The attribute "options" is not editable.'],
      [{ guid: def.guid }, 3032, 'The attribute "guid" is not editable.'],
      [{ number: 7 }, 3032, 'The attribute "number" is not editable.'],
      [{ name: '' }, 3001, 'The attribute "name" is required.'],
      [{ name: null }, 3001, 'The attribute "name" is required.'],
      [{ name: 'n'.repeat(101) }, 3003, 'The value for the attribute "name" is not valid.'],
      [{ description: 'd'.repeat(4001) }, 3003, 'The value for the attribute "description" is not valid.'],
    ];
    for (const [body, code, message] of cases) {
      const res = await put(def.guid, body);
      assert.deepEqual(res.json, { status: 400, errors: [{ code, message }] }, JSON.stringify(body));
    }
    assert.deepEqual((await get(`/v1/imports/${def.guid}`)).json, def, 'nothing changed');
    assertError(await put(BAD_GUID, { name: 'x' }), 400, 3011);
  });
});

describe('GET /imports (I2)', () => {
  let defs: any[];

  before(async () => {
    defs = [
      await create({ name: 'Search Alpha', description: 'first of three', resource: 'ITEM_SPECS', mode: 'CREATE' }),
      await create({ name: 'Search Beta', description: 'second of three', resource: 'ITEM_BOM', mode: 'REPLACE' }, bob),
      await create({ name: 'Search Gamma', resource: 'FILE_SUMMARY', mode: 'DELETE' }),
    ];
  });

  const names = async (query: string, token = alice): Promise<string[]> => {
    const res = await get(`/v1/imports?${query}`, token);
    assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.json)}`);
    assert.equal(res.json.count, res.json.results.length);
    return res.json.results.map((d: any) => d.name);
  };

  test('lists definitions in number order with the list envelope', async () => {
    const res = await get('/v1/imports?limit=400');
    assert.equal(res.status, 200);
    const numbers = res.json.results.map((d: any) => d.number);
    assert.deepEqual(numbers, [...numbers].sort((x: number, y: number) => x - y));
    assert.deepEqual(res.json.results.find((d: any) => d.guid === defs[1].guid), defs[1]);
    assert.equal((await get('/v1/imports')).json.count, Math.min(20, res.json.count));
  });

  test('search by each parameter', async () => {
    assert.deepEqual(await names('name=Search*'), ['Search Alpha', 'Search Beta', 'Search Gamma']);
    assert.deepEqual(await names('name=search%20b*'), ['Search Beta'], 'wildcards ignore case');
    assert.deepEqual(await names('name=Search%20Alpha'), ['Search Alpha']);
    assert.deepEqual(await names('name=search%20alpha'), [], 'exact without a wildcard');
    assert.deepEqual(await names(`number=${defs[2].number}`), ['Search Gamma']);
    assert.deepEqual(await names('description=*of%20three'), ['Search Alpha', 'Search Beta']);
    assert.deepEqual(await names('name=Search*&resource=item_bom'), ['Search Beta']);
    assert.deepEqual(await names('name=Search*&mode=Delete'), ['Search Gamma']);
    assert.deepEqual(await names('name=Search*&resource=ITEM_SPECS&mode=CREATE'), ['Search Alpha']);
    assert.deepEqual(await names('name=Search*&creator.email=bob@acme.test'), ['Search Beta']);
    assert.deepEqual(await names('name=Search*&creator.fullName=Alice*'), ['Search Alpha', 'Search Gamma']);
    assert.deepEqual(await names(`name=Search*&creator.guid=${defs[1].creator.guid}`), ['Search Beta']);
    assert.deepEqual(await names('name=Search*&limit=1&offset=1'), ['Search Beta']);
    assert.deepEqual(await names('name=Search*&offset=3'), []);
  });

  test('search errors', async () => {
    assertError(await get('/v1/imports?creator.Name=x'), 400, 3019, 'The attribute "creator.Name" is not searchable.');
    assertError(await get('/v1/imports?status=COMPLETE'), 400, 3019, 'The attribute "status" is not searchable.');
    for (const bad of ['limit=0', 'limit=401', 'offset=-1', 'limit=abc']) assertError(await get(`/v1/imports?${bad}`), 400, 3220);
    assertError(await get('/v1/imports?resource=ITEMS'), 400, 3006, 'The specified value "ITEMS" is not a valid option for the attribute "resource".');
    assertError(await get('/v1/imports?mode=UPSERT'), 400, 3006, 'The specified value "UPSERT" is not a valid option for the attribute "mode".');
    assertError(await get('/v1/imports?number=abc'), 400, 3141);
  });

  test('workspace isolation', async () => {
    assert.deepEqual(await names('name=Search*', carol), []);
    const theirs = await get('/v1/imports?limit=400', carol);
    const mine = new Set((await get('/v1/imports?limit=400')).json.results.map((d: any) => d.guid));
    assert.ok(theirs.json.count > 0);
    for (const d of theirs.json.results) assert.equal(mine.has(d.guid), false);
  });
});

describe('methods and sessions', () => {
  test('405 for other methods, 401 without a session', async () => {
    const def = await create({ name: 'Methods', resource: 'ITEM_SPECS', mode: 'CREATE' });
    assertError(await server.request('DELETE', `/v1/imports/${def.guid}`, { token: alice }), 405, 405, 'The method is not allowed.');
    assertError(await server.request('POST', `/v1/imports/${def.guid}`, { token: alice, body: {} }), 405, 405);
    assertError(await server.request('PUT', '/v1/imports', { token: alice, body: {} }), 405, 405);
    assertError(await server.request('DELETE', '/v1/imports', { token: alice }), 405, 405);
    const noSession = 'There is no access token associated with this request or the access token is not valid.';
    assertError(await server.request('GET', '/v1/imports'), 401, 401, noSession);
    assertError(await server.request('POST', '/v1/imports', { body: { name: 'x', resource: 'ITEM_SPECS', mode: 'CREATE' } }), 401, 401, noSession);
    assertError(await server.request('GET', `/v1/imports/${def.guid}`), 401, 401, noSession);
    assertError(await server.request('PUT', `/v1/imports/${def.guid}`, { body: { name: 'x' } }), 401, 401, noSession);
  });
});
