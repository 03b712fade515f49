import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArenaError } from '../../src/domain/errors.js';
import {
  type CriteriaContext, compileCriteria, isEmptyCriteria, loadCriteriaContext, parseCriteria,
} from '../../src/engine/criteria/index.js';
import { Store } from '../../src/store/store.js';
import { scratchDatabase } from '../helpers/database.js';

// Custom attribute GUIDs (the seed inserts them; parse tests use the same context shape)
const A = {
  TEXT: 'ATEXT000000000000001', MULTI: 'AMULTI00000000000001', SINGLE: 'ASINGLE0000000000001', NUM: 'ANUM0000000000000001',
  INT: 'AINT0000000000000001', DATE: 'ADATE000000000000001', DT: 'ADT00000000000000001', BOOL: 'ABOOL000000000000001',
  OBJ: 'AOBJ0000000000000001',
};
const CUSTOM: [string, string, boolean][] = [
  [A.TEXT, 'SINGLE_LINE_TEXT', false], [A.MULTI, 'FIXED_DROP_DOWN', true], [A.SINGLE, 'FIXED_DROP_DOWN', false],
  [A.NUM, 'NUMBER', false], [A.INT, 'INTEGER', false], [A.DATE, 'DATE', false], [A.DT, 'DATETIME', false],
  [A.BOOL, 'BOOLEAN', false], [A.OBJ, 'OBJECT', false],
];

const parseCtx: CriteriaContext = {
  dialect: 'sqlite',
  customAttributes: new Map(CUSTOM.map(([guid, fieldType, multiSelect]) => [guid, { guid, name: guid, fieldType, multiSelect }])),
};

const c = (attribute: string, operator: string, value?: unknown) => ({ attribute, operator, value });

function throwsArena(input: unknown, code: number, message: string) {
  assert.throws(
    () => parseCriteria(input, parseCtx),
    (err: unknown) => {
      assert.ok(err instanceof ArenaError, String(err));
      assert.equal(err.code, code);
      assert.equal(err.message, message);
      assert.equal(err.status, 400);
      return true;
    },
  );
}

describe('isEmptyCriteria', () => {
  it('treats null, undefined, [] and [[]] as no criteria', () => {
    for (const v of [null, undefined, [], [[]], [[], []]]) assert.equal(isEmptyCriteria(v), true, JSON.stringify(v));
    for (const v of [[[c('number', 'IS_EQUAL_TO', 'x')]], [c('number', 'IS_EQUAL_TO', 'x')], {}, 'x', [[], 'OR', []]]) {
      assert.equal(isEmptyCriteria(v), false, JSON.stringify(v));
    }
  });
});

describe('parseCriteria', () => {
  const num = c('number', 'IS_EQUAL_TO', '1');
  const desc = c('description', 'CONTAINS', 'x');

  it('builds AND-before-OR trees from groups, flat arrays and any-case tokens', () => {
    const kinds = (t: ReturnType<typeof parseCriteria>): unknown =>
      t.kind === 'criterion' ? t.attribute.name : { [t.kind]: t.terms.map(kinds) };
    assert.deepEqual(kinds(parseCriteria([[num, 'OR', desc, 'and', num]], parseCtx)), { or: ['number', { and: ['description', 'number'] }] });
    assert.deepEqual(kinds(parseCriteria([[num], 'And', [desc, 'OR', num]], parseCtx)), { and: ['number', { or: ['description', 'number'] }] });
    assert.deepEqual(kinds(parseCriteria([num], parseCtx)), 'number');
    assert.deepEqual(kinds(parseCriteria([num, 'or', desc], parseCtx)), { or: ['number', 'description'] });
    assert.deepEqual(kinds(parseCriteria([[num], 'OR', desc], parseCtx)), { or: ['number', 'description'] });
    assert.deepEqual(kinds(parseCriteria([[num, desc]], parseCtx)), { and: ['number', 'description'] });
  });

  it('accepts operators in any case, with spaces, and attribute names in any case', () => {
    const t = parseCriteria([[c('MODIFIEDBom', 'is_equal to', true)]], parseCtx);
    assert.equal(t.kind, 'criterion');
    if (t.kind === 'criterion') {
      assert.equal(t.operator, 'IS_EQUAL_TO');
      assert.equal(t.attribute.name, 'modifiedBOM');
    }
    assert.doesNotThrow(() => parseCriteria([[c(A.TEXT.toLowerCase(), 'Contains', 'x')]], parseCtx));
  });

  it('3003 "criteria" for malformed structure', () => {
    const msg = 'The value for the attribute "criteria" is not valid.';
    for (const bad of [
      {}, 'x', [], [[num, 'OR']], ['OR', [num]], [[num, 'XOR', desc]], [[num], 'OR', []], [[[num]]], [[num, 'AND', 'OR', desc]],
      [[{ operator: 'IS_EQUAL_TO', value: 'x' }]], [[{ attribute: 'number', value: 'x' }]], [[{ attribute: '', operator: 'IS_EQUAL_TO', value: 'x' }]],
      [[5]], [[null]], [['AND']], [[num], [desc], 'AND'],
    ]) {
      throwsArena(bad, 3003, msg);
    }
  });

  it('3004 for an unknown attribute', () => {
    throwsArena([[c('colour', 'IS_EQUAL_TO', 'red')]], 3004, 'The attribute "colour" is not recognized.');
    throwsArena([[c('BOMATTR0000000000001', 'IS_EQUAL_TO', 'x')]], 3004, 'The attribute "BOMATTR0000000000001" is not recognized.');
  });

  it('3114 for an operator the attribute does not take', () => {
    const cases: [string, string, unknown][] = [
      ['number', 'IS_BEFORE', '2020-01-01'], ['number', 'EQUALS', 'x'], ['number', 'IS_IN', ['x']], ['guid', 'CONTAINS', 'X'],
      ['creator.guid', 'IS_IN', ['X']], ['lifecyclePhase.name', 'CONTAINS', 'x'], ['lifecyclePhase.stage', 'IS_IN', ['DESIGN']],
      ['effectiveDateTime', 'IS_LESS_THAN', 1], ['modifiedBOM', 'IS_NOT_EQUAL_TO', true], ['any', 'IS_EQUAL_TO', 'x'],
      [A.DATE, 'IS_EQUAL_TO', '2023-01-01'], [A.MULTI, 'IS_EQUAL_TO', 'Red'], [A.NUM, 'CONTAINS', '1'], [A.TEXT, 'IS_IN', ['x']],
      [A.OBJ, 'IS_EQUAL_TO', 'x'], [A.BOOL, 'IS_NOT_EQUAL_TO', true],
    ];
    for (const [attr, op, value] of cases) {
      throwsArena([[c(attr, op, value)]], 3114, `The specified operator "${op}" is not valid for the attribute "${attr}".`);
    }
  });

  it('3003 with the attribute name for a value of the wrong type', () => {
    const cases: [string, string, unknown][] = [
      ['number', 'IS_EQUAL_TO', true], ['number', 'CONTAINS', undefined], ['description', 'IS_EQUAL_TO', null], ['name', 'CONTAINS', ['x']],
      ['modifiedBOM', 'IS_EQUAL_TO', 'true'], ['guid', 'IS_IN', 'G1'], ['guid', 'IS_IN', []], ['guid', 'IS_EQUAL_TO', ''],
      ['category.guid', 'IS_IN', [1]], ['creationDateTime', 'IS_AFTER', 'yesterday'], ['creationDateTime', 'IS_EQUAL_TO', 20230101],
      ['creationDateTime', 'IS_BETWEEN', ['2023-01-01', 'nope']], ['category.name', 'IS_EQUAL_TO', ' ; '],
      [A.NUM, 'IS_GREATER_THAN', 'abc'], [A.NUM, 'IS_EQUAL_TO', true], [A.MULTI, 'IS_IN', [1]], [A.MULTI, 'IS_IN', []],
      [A.BOOL, 'IS_EQUAL_TO', 1], [A.DT, 'IS_BEFORE', 5],
    ];
    for (const [attr, op, value] of cases) {
      throwsArena([[c(attr, op, value)]], 3003, `The value for the attribute "${attr}" is not valid.`);
    }
  });

  it('3006 for a lifecycle stage that does not exist', () => {
    throwsArena([[c('lifecyclePhase.stage', 'IS_EQUAL_TO', 'DESIGN;RETIRED')]], 3006,
      'The specified value "RETIRED" is not a valid option for the attribute "lifecyclePhase.stage".');
  });

  it('3293 for IS_BETWEEN without two dates in chronological order', () => {
    throwsArena([[c('creationDateTime', 'IS_BETWEEN', ['2023-02-01', '2023-01-01'])]], 3293,
      'The datetimes in creationDateTime "2023-02-01, 2023-01-01" must be in chronological order.');
    throwsArena([[c('effectiveDateTime', 'IS_BETWEEN', ['2023-01-01T10:00:00Z', '2023-01-01T09:00:00Z'])]], 3293,
      'The datetimes in effectiveDateTime "2023-01-01T10:00:00Z, 2023-01-01T09:00:00Z" must be in chronological order.');
    throwsArena([[c('creationDateTime', 'IS_BETWEEN', ['2023-01-01'])]], 3293,
      'The datetimes in creationDateTime "2023-01-01" must be in chronological order.');
    throwsArena([[c(A.DT, 'IS_BETWEEN', '2023-01-01')]], 3293, `The datetimes in ${A.DT} "2023-01-01" must be in chronological order.`);
    assert.doesNotThrow(() => parseCriteria([[c('creationDateTime', 'IS_BETWEEN', ['2023-01-01', '2023-01-01'])]], parseCtx));
  });

  it('3294 when a GUID criterion is not alone', () => {
    const msg = 'Criteria cannot contain guid criterion.';
    throwsArena([[c('guid', 'IS_EQUAL_TO', 'G1'), 'AND', num]], 3294, msg);
    throwsArena([[c('guid', 'IS_IN', ['G1'])], 'OR', [num]], 3294, msg);
    throwsArena([[c('guid', 'IS_IN', ['G1']), 'OR', c('guid', 'IS_EQUAL_TO', 'G2')]], 3294, msg);
    for (const attr of ['category.guid', 'lifecyclePhase.guid', 'creator.guid', 'supplier.guid', 'supplierItem.guid']) {
      throwsArena([num, 'OR', c(attr, 'IS_EQUAL_TO', 'G1')], 3294, msg);
      assert.doesNotThrow(() => parseCriteria([[c(attr, 'IS_EQUAL_TO', 'G1')]], parseCtx));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Compile tests: the same seed and expectations on SQLite and (when reachable) PostgreSQL.

const G = {
  alice: 'UALICE00000000000001', bob: 'UBOB0000000000000001', catAsm: 'CATASM00000000000001', catRes: 'CATRES00000000000001',
  design: 'PHDESIGN000000000001', prod: 'PHPROD00000000000001', unrel: 'PHUNREL0000000000001', acme: 'SUPACME0000000000001',
  globex: 'SUPGLOBEX00000000001', si1: 'SIACME00000000000001', si2: 'SIGLOBEX000000000001',
  a1: 'REVA1000000000000001', a2: 'REVA2000000000000001', b1: 'REVB1000000000000001', c0: 'REVC0000000000000001',
  c1: 'REVC1000000000000001', d1: 'REVD1000000000000001', d2: 'REVD2000000000000001',
};

interface Seeded {
  store: Store;
  ws: number;
  ctx: CriteriaContext;
}

async function seed(store: Store): Promise<Seeded> {
  const db = store.db;
  const T = '2023-01-01T00:00:00Z';
  const ws = (await db.insertInto('workspaces').values({ name: 'w', request_limit: 1000, created_at: T }).returning('id').executeTakeFirstOrThrow()).id;
  const other = (await db.insertInto('workspaces').values({ name: 'o', request_limit: 1000, created_at: T }).returning('id').executeTakeFirstOrThrow()).id;
  const id = async (q: { executeTakeFirstOrThrow(): Promise<{ id: number }> }) => (await q.executeTakeFirstOrThrow()).id;
  const user = (guid: string, email: string, full_name: string) =>
    id(db.insertInto('users').values({ guid, email, full_name, password_hash: 'x', failed_logins: 0, created_at: T }).returning('id'));
  const alice = await user(G.alice, 'alice@example.com', 'Alice Anders');
  const bob = await user(G.bob, 'bob@example.com', 'Bob Brown');
  const cat = (guid: string, name: string) =>
    id(db.insertInto('categories').values({ workspace_id: ws, guid, world: 'ITEM', name, path: `Item\\${name}` }).returning('id'));
  const asm = await cat(G.catAsm, 'Assembly');
  const res = await cat(G.catRes, 'Resistor');
  const phase = (guid: string, name: string, stage: string, n: number) =>
    id(db.insertInto('lifecycle_phases').values({ workspace_id: ws, guid, name, short_name: name, stage, active: 1, display_order: n }).returning('id'));
  const design = await phase(G.design, 'In Design', 'DESIGN', 1);
  const prod = await phase(G.prod, 'In Production', 'PRODUCTION', 2);
  const unrel = await phase(G.unrel, 'Unreleased', 'UNRELEASED', 0);
  const supplier = (guid: string, name: string) =>
    id(db.insertInto('suppliers').values({ workspace_id: ws, guid, name, approval_status: 'approved', creator_id: alice, created_at: T }).returning('id'));
  const acme = await supplier(G.acme, 'Acme Corp');
  const globex = await supplier(G.globex, 'Globex');
  const supItem = (guid: string, supplier_id: number, number: string, name: string) =>
    id(db.insertInto('supplier_items').values({ workspace_id: ws, guid, supplier_id, number, name, type: 'PART', creator_id: alice, created_at: T }).returning('id'));
  const si1 = await supItem(G.si1, acme, 'ACM-1', 'Acme Widget');
  const si2 = await supItem(G.si2, globex, 'GLX-9', 'Res_50% pack');
  await db.insertInto('attributes').values([
    ...CUSTOM.map(([guid, field_type, multi]) => ({ workspace_id: ws, guid, world: 'ITEM', name: `n${guid}`, field_type, multi_select: multi ? 1 as const : 0 as const })),
    { workspace_id: ws, guid: 'BOMATTR0000000000001', world: 'BOM', name: 'bom', field_type: 'SINGLE_LINE_TEXT', multi_select: 0 },
    { workspace_id: other, guid: 'OTHERWS0000000000001', world: 'ITEM', name: 'other', field_type: 'SINGLE_LINE_TEXT', multi_select: 0 },
  ]).execute();

  type Rev = {
    guid: string; rev: string | null; status: string; name: string; description?: string | null; category?: number | null;
    phase: number; owner?: number | null; creator: number; created: string; effective?: string | null; attrs?: unknown;
    modified?: Partial<Record<'modified_bom' | 'modified_files' | 'modified_sourcing' | 'modified_specs', 0 | 1>>;
  };
  const item = async (number: string, revs: Rev[], latest: number, working: number | null) => {
    const itemId = await id(db.insertInto('items').values({ workspace_id: ws, number, created_at: T }).returning('id'));
    const ids: number[] = [];
    for (const r of revs) {
      ids.push(await id(db.insertInto('item_revisions').values({
        workspace_id: ws, item_id: itemId, guid: r.guid, revision_number: r.rev, revision_status: r.status, name: r.name,
        description: r.description ?? null, category_id: r.category ?? null, lifecycle_phase_id: r.phase, owner_id: r.owner ?? null,
        creator_id: r.creator, created_at: r.created, effective_at: r.effective ?? null, deviated: 0, shared: 0,
        modified_bom: 0, modified_files: 0, modified_sourcing: 0, modified_specs: 0, modified_costing: 0, ...r.modified,
        attrs: r.attrs === undefined ? null : JSON.stringify(r.attrs),
      }).returning('id')));
    }
    await db.updateTable('items').set({ latest_rev_id: ids[latest], working_rev_id: working === null ? null : ids[working] }).where('id', '=', itemId).execute();
    return ids;
  };
  const [a1] = await item('100-0001', [
    {
      guid: G.a1, rev: 'A', status: 'EFFECTIVE', name: 'Main Board Assembly', description: 'Top level board', category: asm, phase: prod,
      owner: alice, creator: alice, created: '2023-01-10T08:00:00Z', effective: '2023-02-01T10:00:00Z',
      attrs: {
        [A.TEXT]: 'Red Widget', [A.MULTI]: ['Red', 'Blue'], [A.SINGLE]: 'Large', [A.NUM]: 12.5, [A.INT]: 3,
        [A.DATE]: '2023-05-01T00:00:00Z', [A.DT]: '2023-05-01T13:45:00Z', [A.BOOL]: true,
      },
    },
    {
      guid: G.a2, rev: 'B', status: 'WORKING', name: 'Main Board Assembly Rev B', category: asm, phase: prod, owner: alice, creator: alice,
      created: '2023-06-01T00:00:00Z', modified: { modified_bom: 1 },
    },
  ], 0, 1);
  await item('100-0002', [
    {
      guid: G.b1, rev: null, status: 'WORKING', name: 'Resistor 10k', category: res, phase: design, owner: bob, creator: bob,
      created: '2023-03-15T12:00:00Z', modified: { modified_specs: 1 },
      attrs: { [A.TEXT]: '50% off_sale*', [A.MULTI]: 'Green', [A.SINGLE]: 'Small', [A.NUM]: 5, [A.INT]: 10, [A.BOOL]: false },
    },
  ], 0, 0);
  const [, c1] = await item('200-0001', [
    { guid: G.c0, rev: '0', status: 'SUPERSEDED', name: 'Old Cable', phase: prod, creator: alice, created: '2022-01-01T00:00:00Z' },
    {
      guid: G.c1, rev: '1', status: 'EFFECTIVE', name: 'Cable 100%', description: 'Wire_harness*', phase: unrel, creator: alice,
      created: '2023-03-15T23:59:59Z', effective: '2023-04-01T00:00:00Z',
    },
  ], 1, null);
  await item('X*1', [
    {
      guid: G.d1, rev: 'A', status: 'EFFECTIVE', name: 'Star part', description: 'Contains * literally', category: asm, phase: prod,
      owner: alice, creator: bob, created: '2022-12-31T23:00:00Z', effective: '2023-03-15T08:30:00Z',
      attrs: { [A.MULTI]: [], [A.DATE]: '2023-06-15T00:00:00Z', [A.NUM]: -2 },
    },
    {
      guid: G.d2, rev: 'B', status: 'WORKING', name: 'Star part', category: asm, phase: prod, owner: alice, creator: bob,
      created: '2023-07-01T00:00:00Z', modified: { modified_files: 1, modified_sourcing: 1 },
    },
  ], 0, 1);
  const source = (guid: string, rev_id: number, mfr: number | null, vendor: number | null) => ({
    workspace_id: ws, guid, rev_id, mfr_item_id: mfr, vendor_item_id: vendor, approved: 1 as const, active_production: 0 as const,
    active_prototype: 0 as const, make_item: 0 as const,
  });
  await db.insertInto('sourcing').values([source('SRC1', a1, si1, null), source('SRC2', a1, null, si2), source('SRC3', c1, si2, null)]).execute();
  return { store, ws, ctx: await loadCriteriaContext(store, ws) };
}

const ALL = ['100-0001', '100-0002', '200-0001', 'X*1'];

// [label, criteria, matched item numbers]
const CASES: [string, unknown, string[]][] = [
  // text attributes
  ['number equal', [[c('number', 'IS_EQUAL_TO', '100-0001')]], ['100-0001']],
  ['equal takes * literally', [[c('number', 'IS_EQUAL_TO', '100-000*')]], []],
  ['equal is case-insensitive, literal *', [[c('number', 'is_equal_to', 'x*1')]], ['X*1']],
  ['contains', [[c('number', 'CONTAINS', '000')]], ['100-0001', '100-0002', '200-0001']],
  ['starts with, * wildcard', [[c('number', 'STARTS_WITH', '1*2')]], ['100-0002']],
  ['does not start with', [[c('number', 'DOES_NOT_START_WITH', '1')]], ['200-0001', 'X*1']],
  ['_ is literal', [[c('number', 'CONTAINS', '0_0')]], []],
  ['% is literal', [[c('name', 'CONTAINS', '0%')]], ['200-0001']],
  ['name starts with', [[c('name', 'STARTS_WITH', 'main')]], ['100-0001']],
  ['does not contain counts NULL in', [[c('description', 'DOES_NOT_CONTAIN', 'board')]], ['100-0002', '200-0001', 'X*1']],
  ['contains * alone: any value', [[c('description', 'CONTAINS', '*')]], ['100-0001', '200-0001', 'X*1']],
  ['equal with literal _ and *', [[c('description', 'IS_EQUAL_TO', 'wire_harness*')]], ['200-0001']],
  ['not equal counts NULL in', [[c('description', 'IS_NOT_EQUAL_TO', 'Top level board')]], ['100-0002', '200-0001', 'X*1']],
  ['quotes are bound', [[c('description', 'IS_EQUAL_TO', "O'Brien\\")]], []],
  ['revisionNumber', [[c('revisionNumber', 'IS_EQUAL_TO', 'a')]], ['100-0001', 'X*1']],
  ['revisionNumber not equal', [[c('revisionNumber', 'IS_NOT_EQUAL_TO', 'A')]], ['100-0002', '200-0001']],
  ['owner.fullName', [[c('owner.fullName', 'CONTAINS', 'alice')]], ['100-0001', 'X*1']],
  ['owner.fullName negative counts no owner in', [[c('owner.fullName', 'DOES_NOT_CONTAIN', 'alice')]], ['100-0002', '200-0001']],
  ['creator.fullName', [[c('creator.fullName', 'IS_EQUAL_TO', 'bob brown')]], ['100-0002', 'X*1']],
  ['creator.email', [[c('creator.email', 'STARTS_WITH', 'ALICE@')]], ['100-0001', '200-0001']],
  ['supplier.name mfr', [[c('supplier.name', 'CONTAINS', 'acme')]], ['100-0001']],
  ['supplier.name vendor or mfr', [[c('supplier.name', 'IS_EQUAL_TO', 'globex')]], ['100-0001', '200-0001']],
  ['supplier.name negative: no supplier matches', [[c('supplier.name', 'DOES_NOT_CONTAIN', 'acme')]], ['100-0002', '200-0001', 'X*1']],
  ['supplierItem.name', [[c('supplierItem.name', 'CONTAINS', '_50%')]], ['100-0001', '200-0001']],
  ['number accepted as text', [[c('name', 'CONTAINS', 10)]], ['100-0002', '200-0001']],
  // drop-down built-ins
  ['category.name', [[c('category.name', 'IS_EQUAL_TO', 'assembly')]], ['100-0001', 'X*1']],
  ['category.name uncategorized', [[c('category.name', 'IS_EQUAL_TO', '-uncategorized-')]], ['200-0001']],
  ['category.name uncategorized (changelog spelling)', [[c('category.name', 'IS_EQUAL_TO', 'Uncategorized')]], ['200-0001']],
  ['category.name not uncategorized', [[c('category.name', 'IS_NOT_EQUAL_TO', '-uncategorized-')]], ['100-0001', '100-0002', 'X*1']],
  ['category.name not equal', [[c('category.name', 'IS_NOT_EQUAL_TO', 'Assembly')]], ['100-0002', '200-0001']],
  ['category.name ; alternatives', [[c('category.name', 'IS_EQUAL_TO', 'Assembly; Resistor')]], ['100-0001', '100-0002', 'X*1']],
  ['category.name contains', [[c('category.name', 'CONTAINS', 'SEM')]], ['100-0001', 'X*1']],
  ['category.name does not contain', [[c('category.name', 'DOES_NOT_CONTAIN', 'sem')]], ['100-0002', '200-0001']],
  ['lifecyclePhase.name', [[c('lifecyclePhase.name', 'IS_EQUAL_TO', 'in production')]], ['100-0001', 'X*1']],
  ['lifecyclePhase.name not equal', [[c('lifecyclePhase.name', 'IS_NOT_EQUAL_TO', 'In Production')]], ['100-0002', '200-0001']],
  ['lifecyclePhase.stage', [[c('lifecyclePhase.stage', 'IS_EQUAL_TO', 'design;unreleased')]], ['100-0002', '200-0001']],
  // GUIDs
  ['guid of any revision', [[c('guid', 'IS_EQUAL_TO', G.a2)]], ['100-0001']],
  ['guid IS_IN', [[c('guid', 'IS_IN', [G.b1, G.c0])]], ['100-0002', '200-0001']],
  ['guid is exact', [[c('guid', 'IS_EQUAL_TO', G.a1.toLowerCase())]], []],
  ['category.guid', [[c('category.guid', 'IS_IN', [G.catRes])]], ['100-0002']],
  ['lifecyclePhase.guid', [[c('lifecyclePhase.guid', 'IS_EQUAL_TO', G.design)]], ['100-0002']],
  ['creator.guid', [[c('creator.guid', 'IS_EQUAL_TO', G.bob)]], ['100-0002', 'X*1']],
  ['supplier.guid', [[c('supplier.guid', 'IS_EQUAL_TO', G.acme)]], ['100-0001']],
  ['supplierItem.guid', [[c('supplierItem.guid', 'IS_EQUAL_TO', G.si2)]], ['100-0001', '200-0001']],
  // dates
  ['date-only equal: whole UTC day', [[c('creationDateTime', 'IS_EQUAL_TO', '2023-03-15')]], ['100-0002', '200-0001']],
  ['datetime equal: exact second', [[c('creationDateTime', 'IS_EQUAL_TO', '2023-03-15T12:00:00Z')]], ['100-0002']],
  ['datetime without zone is UTC', [[c('creationDateTime', 'IS_EQUAL_TO', '2023-03-15T12:00:00')]], ['100-0002']],
  ['datetime with offset', [[c('creationDateTime', 'IS_EQUAL_TO', '2023-03-15T14:00:00+02:00')]], ['100-0002']],
  ['before', [[c('creationDateTime', 'IS_BEFORE', '2023-01-10')]], ['X*1']],
  ['after a day: after its end', [[c('creationDateTime', 'IS_AFTER', '2023-03-14')]], ['100-0002', '200-0001']],
  ['after the last day', [[c('creationDateTime', 'IS_AFTER', '2023-03-15')]], []],
  ['after a time: strict', [[c('creationDateTime', 'IS_AFTER', '2023-03-15T12:00:00Z')]], ['200-0001']],
  ['between days: inclusive end day', [[c('creationDateTime', 'IS_BETWEEN', ['2023-01-01', '2023-03-15'])]], ['100-0001', '100-0002', '200-0001']],
  ['between times: inclusive', [[c('creationDateTime', 'IS_BETWEEN', ['2023-01-10T08:00:00Z', '2023-03-15T12:00:00Z'])]], ['100-0001', '100-0002']],
  ['effective before (working has none)', [[c('effectiveDateTime', 'IS_BEFORE', '2023-03-01')]], ['100-0001']],
  ['effective after', [[c('effectiveDateTime', 'IS_AFTER', '2023-03-01')]], ['200-0001', 'X*1']],
  ['effective equal day', [[c('effectiveDateTime', 'IS_EQUAL_TO', '2023-03-15')]], ['X*1']],
  // booleans: always the working revision
  ['modifiedBOM reads the working revision', [[c('modifiedBOM', 'IS_EQUAL_TO', true)]], ['100-0001']],
  ['modifiedBom spelling', [[c('modifiedBom', 'IS_EQUAL_TO', true)]], ['100-0001']],
  ['modifiedSpecs', [[c('modifiedSpecs', 'IS_EQUAL_TO', true)]], ['100-0002']],
  ['modifiedFiles', [[c('modifiedFiles', 'IS_EQUAL_TO', true)]], ['X*1']],
  ['modifiedSourcing', [[c('modifiedSourcing', 'IS_EQUAL_TO', true)]], ['X*1']],
  ['modifiedBOM false includes items without a working revision', [[c('modifiedBOM', 'IS_EQUAL_TO', false)]], ['100-0002', '200-0001', 'X*1']],
  // any
  ['any: name', [[c('any', 'CONTAINS', 'cable')]], ['200-0001']],
  ['any: number with wildcard', [[c('any', 'CONTAINS', 'x*')]], ['X*1']],
  ['any: name and description', [[c('any', 'CONTAINS', 'board')]], ['100-0001']],
  // custom attributes
  ['custom text contains', [[c(A.TEXT, 'CONTAINS', 'red')]], ['100-0001']],
  ['custom text negative counts missing in', [[c(A.TEXT, 'DOES_NOT_CONTAIN', 'red')]], ['100-0002', '200-0001', 'X*1']],
  ['custom text literal %', [[c(A.TEXT, 'CONTAINS', '50%')]], ['100-0002']],
  ['custom text equal', [[c(A.TEXT, 'IS_EQUAL_TO', '50% OFF_SALE*')]], ['100-0002']],
  ['custom text starts with', [[c(A.TEXT, 'STARTS_WITH', 'r*w')]], ['100-0001']],
  ['custom text not equal', [[c(A.TEXT, 'IS_NOT_EQUAL_TO', 'Red Widget')]], ['100-0002', '200-0001', 'X*1']],
  ['multi-select IS_IN (array storage)', [[c(A.MULTI, 'IS_IN', ['blue'])]], ['100-0001']],
  ['multi-select IS_IN (scalar storage, ; string)', [[c(A.MULTI, 'IS_IN', 'Green;Purple')]], ['100-0002']],
  ['multi-select IS_IN several', [[c(A.MULTI, 'IS_IN', ['Red', 'Green'])]], ['100-0001', '100-0002']],
  ['multi-select IS_NOT_IN', [[c(A.MULTI, 'IS_NOT_IN', ['Red'])]], ['100-0002', '200-0001', 'X*1']],
  ['single-select IS_IN', [[c(A.SINGLE, 'IS_IN', ['large', 'medium'])]], ['100-0001']],
  ['single-select IS_NOT_IN', [[c(A.SINGLE, 'IS_NOT_IN', ['Large'])]], ['100-0002', '200-0001', 'X*1']],
  ['number >', [[c(A.NUM, 'IS_GREATER_THAN', 5)]], ['100-0001']],
  ['number >=', [[c(A.NUM, 'IS_GREATER_THAN_OR_EQUAL_TO', 5)]], ['100-0001', '100-0002']],
  ['number <', [[c(A.NUM, 'IS_LESS_THAN', 0)]], ['X*1']],
  ['number <= (numeric string)', [[c(A.NUM, 'IS_LESS_THAN_OR_EQUAL_TO', '5')]], ['100-0002', 'X*1']],
  ['number =', [[c(A.NUM, 'IS_EQUAL_TO', 12.5)]], ['100-0001']],
  ['number <> counts missing in', [[c(A.NUM, 'IS_NOT_EQUAL_TO', 5)]], ['100-0001', '200-0001', 'X*1']],
  ['integer compares numerically', [[c(A.INT, 'IS_GREATER_THAN', 4)]], ['100-0002']],
  ['custom date before', [[c(A.DATE, 'IS_BEFORE', '2023-06-01')]], ['100-0001']],
  ['custom date between', [[c(A.DATE, 'IS_BETWEEN', ['2023-06-01', '2023-06-15'])]], ['X*1']],
  ['custom date after', [[c(A.DATE, 'IS_AFTER', '2023-05-01')]], ['X*1']],
  ['custom datetime equal day', [[c(A.DT, 'IS_EQUAL_TO', '2023-05-01')]], ['100-0001']],
  ['custom datetime equal second', [[c(A.DT, 'IS_EQUAL_TO', '2023-05-01T13:45:00Z')]], ['100-0001']],
  ['custom datetime after', [[c(A.DT, 'IS_AFTER', '2023-05-01T13:45:00Z')]], []],
  ['custom boolean true', [[c(A.BOOL, 'IS_EQUAL_TO', true)]], ['100-0001']],
  ['custom boolean false includes missing', [[c(A.BOOL, 'IS_EQUAL_TO', false)]], ['100-0002', '200-0001', 'X*1']],
  // logic
  ['AND before OR in a group', [[c('number', 'IS_EQUAL_TO', '100-0001'), 'OR', c('category.name', 'IS_EQUAL_TO', 'Resistor'), 'AND', c('lifecyclePhase.stage', 'IS_EQUAL_TO', 'DESIGN')]], ['100-0001', '100-0002']],
  ['AND before OR in a group, other side', [[c('lifecyclePhase.stage', 'IS_EQUAL_TO', 'PRODUCTION'), 'and', c('owner.fullName', 'CONTAINS', 'alice'), 'or', c('number', 'STARTS_WITH', '2')]], ['100-0001', '200-0001', 'X*1']],
  ['AND before OR between groups', [[c('number', 'IS_EQUAL_TO', '100-0001')], 'OR', [c('category.name', 'IS_EQUAL_TO', 'Resistor')], 'AND', [c('lifecyclePhase.stage', 'IS_EQUAL_TO', 'DESIGN')]], ['100-0001', '100-0002']],
  ['OR group ANDed with a group', [[c('number', 'IS_EQUAL_TO', '100-0001'), 'OR', c('category.name', 'IS_EQUAL_TO', 'Resistor')], 'AND', [c('lifecyclePhase.stage', 'IS_EQUAL_TO', 'DESIGN')]], ['100-0002']],
  ['groups ORed', [[c('number', 'IS_EQUAL_TO', 'X*1')], 'Or', [c('modifiedSpecs', 'IS_EQUAL_TO', true)]], ['100-0002', 'X*1']],
  ['flat array', [c('creator.fullName', 'CONTAINS', 'bob')], ['100-0002', 'X*1']],
  ['flat array with logic', [c('number', 'IS_EQUAL_TO', 'X*1'), 'OR', c('number', 'IS_EQUAL_TO', '200-0001')], ['200-0001', 'X*1']],
  ['implicit AND', [[c('creator.fullName', 'CONTAINS', 'bob'), c('category.name', 'IS_EQUAL_TO', 'Assembly')]], ['X*1']],
  ['mixed group and bare criterion', [[c('number', 'IS_EQUAL_TO', 'X*1')], 'OR', c('number', 'IS_EQUAL_TO', '100-0002')], ['100-0002', 'X*1']],
  ['everything', [[c('number', 'CONTAINS', '*')]], ALL],
];

function compileSuite(open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>) {
  let s: Seeded;
  let cleanup: () => Promise<void>;
  before(async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    s = await seed(opened.store);
  });
  after(async () => {
    await cleanup?.();
  });

  const match = async (criteria: unknown, revCol: 'latest_rev_id' | 'working_rev_id' = 'latest_rev_id') => {
    const rows = await s.store.db
      .selectFrom('items as i')
      .innerJoin('item_revisions as r', 'r.id', `i.${revCol}`)
      .select('i.number')
      .where('i.workspace_id', '=', s.ws)
      .where(compileCriteria(parseCriteria(criteria, s.ctx), s.ctx))
      .execute();
    return rows.map((r) => r.number).sort();
  };

  it('loadCriteriaContext reads this workspace\'s ITEM attributes only', () => {
    assert.deepEqual([...s.ctx.customAttributes.keys()].sort(), CUSTOM.map(([g]) => g).sort());
    assert.deepEqual(s.ctx.customAttributes.get(A.MULTI), { guid: A.MULTI, name: `n${A.MULTI}`, fieldType: 'FIXED_DROP_DOWN', multiSelect: true });
    assert.equal(s.ctx.dialect, s.store.dialect);
  });

  for (const [label, criteria, expected] of CASES) {
    it(label, async () => {
      assert.deepEqual(await match(criteria), expected);
    });
  }

  it('applies to whichever revision the caller joins as r', async () => {
    assert.deepEqual(await match([[c('name', 'CONTAINS', 'rev b')]], 'working_rev_id'), ['100-0001']);
    assert.deepEqual(await match([[c('name', 'CONTAINS', 'rev b')]]), []);
  });

  it('binds values as parameters', () => {
    const q = s.store.db
      .selectFrom('items as i')
      .innerJoin('item_revisions as r', 'r.id', 'i.latest_rev_id')
      .select('i.number')
      .where(compileCriteria(parseCriteria([[c('description', 'IS_EQUAL_TO', 'zz-value'), 'OR', c(A.NUM, 'IS_LESS_THAN', 987654)]], s.ctx), s.ctx))
      .compile();
    assert.ok(!q.sql.includes('zz-value') && !q.sql.includes('987654'), q.sql);
    assert.ok(q.parameters.includes('zz-value') && q.parameters.includes(987654));
  });
}

describe('compileCriteria on SQLite', () => {
  compileSuite(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-criteria-'));
    const store = await Store.open({ dataDir: dir });
    return {
      store,
      cleanup: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

const PG_URL = process.env.PLMX_DATABASE_URL;

describe('compileCriteria on PostgreSQL', { skip: PG_URL ? false : 'PLMX_DATABASE_URL is not set' }, () => {
  compileSuite(async () => {
    const database = await scratchDatabase(PG_URL);
    const store = await Store.open({ databaseUrl: database.url });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await database.drop();
      },
    };
  });
});
