/**
 * End to end: a hand-made dataset in a temporary SQLite store, export runs executed with
 * executeExportRun, the zip read back and compared with the database.
 * With PLMX_DATABASE_URL=postgres://… the same suite runs on PostgreSQL, in a scratch database.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { DirectoryBlobStore } from '../../src/blobs/directory-blob-store.js';
import { loadConfig } from '../../src/config.js';
import { ArenaError } from '../../src/domain/errors.js';
import { newGuid } from '../../src/domain/ids.js';
import { addDays } from '../../src/domain/time.js';
import { executeExportRun } from '../../src/engine/export/executor.js';
import { checkArenaLimits, countSelection } from '../../src/engine/export/limits.js';
import { normalizeExportOptions } from '../../src/engine/export/options.js';
import { clearSelection, materialiseSelection } from '../../src/engine/export/selection.js';
import { VIEWS, loadCustomAttributes, viewRows } from '../../src/engine/export/views/index.js';
import { compileCriteria } from '../../src/engine/criteria/index.js';
import { parseCriteria, loadCriteriaContext } from '../../src/engine/criteria/index.js';
import type { RunQueue } from '../../src/jobs/run-queue.js';
import type { Services } from '../../src/services.js';
import { Store } from '../../src/store/store.js';
import { type ScratchDatabase, scratchDatabase } from '../helpers/database.js';

const T0 = '2024-01-02T03:04:05Z';
const WS = 1;

let dataDir: string;
let database: ScratchDatabase;
let store: Store;
let blobs: DirectoryBlobStore;
let services: Services;

/** Revision ids and GUIDs by short name (a1 = item A's effective revision, a2 = its working one …). */
const rev: Record<string, { id: number; guid: string }> = {};
const fileGuid: Record<string, string> = {};
const ATTR = { item: 'ATTRITEM000000000001', bom: 'ATTRBOM0000000000001', si: 'ATTRSI00000000000001', sup: 'ATTRSUP0000000000001' };

const dummyQueue: RunQueue = {
  handle() {},
  enqueue: async () => {},
  start: async () => {},
  stop: async () => {},
  idle: async () => {},
};

async function insert(table: string, values: Record<string, unknown>): Promise<number> {
  const row = await store.db
    .insertInto(table as 'items')
    .values(values as never)
    .returning('id' as never)
    .executeTakeFirstOrThrow();
  return Number((row as { id: number }).id);
}

async function item(number: string, revisions: { key: string; status: 'WORKING' | 'EFFECTIVE'; revNumber: string | null; extra?: Record<string, unknown> }[]) {
  const itemId = await insert('items', { workspace_id: WS, number, created_at: T0 });
  let latest: number | null = null;
  let working: number | null = null;
  for (const r of revisions) {
    const guid = newGuid();
    const id = await insert('item_revisions', {
      workspace_id: WS, item_id: itemId, guid, revision_number: r.revNumber, revision_status: r.status,
      name: `${number} ${r.status.toLowerCase()}`, creator_id: 1, created_at: T0,
      effective_at: r.status === 'EFFECTIVE' ? T0 : null, ...(r.extra ?? {}),
    });
    rev[r.key] = { id, guid };
    if (r.status === 'EFFECTIVE') latest = id;
    else working = id;
  }
  await store.db.updateTable('items').set({ latest_rev_id: latest ?? working, working_rev_id: working }).where('id', '=', itemId).execute();
  return itemId;
}

async function file(key: string, values: { name: string | null; storage: string; content?: string; blobKey?: string }) {
  const guid = newGuid();
  fileGuid[key] = guid;
  const blobKey = values.storage === 'FILE' ? (values.blobKey ?? `files/${guid}`) : null;
  if (values.content !== undefined && blobKey) await blobs.put(blobKey, values.content);
  return insert('files', {
    workspace_id: WS, guid, number: `DOC-${key}`, name: values.name, title: `Title ${key}`, edition: '1',
    size: values.content?.length ?? 0, storage_method: values.storage, location: values.storage === 'WEB' ? 'https://example.com/doc' : null,
    created_at: T0, modified_at: T0, blob_key: blobKey, mime_type: 'text/plain',
  });
}

async function seed() {
  await insert('workspaces', { name: 'Acme', request_limit: 1000, created_at: T0 });
  await insert('users', { guid: newGuid(), email: 'alice@acme.test', full_name: 'Alice Smith', password_hash: 'x', failed_logins: 0, created_at: T0 });
  const cat = await insert('categories', { workspace_id: WS, guid: newGuid(), world: 'ITEM', name: 'Assembly', path: 'Item\\Assembly' });
  const phase = await insert('lifecycle_phases', {
    workspace_id: WS, guid: newGuid(), name: 'In Production', short_name: 'PROD', stage: 'PRODUCTION', active: 1, display_order: 1,
  });
  await insert('attributes', { workspace_id: WS, guid: ATTR.item, world: 'ITEM', name: 'Tolerance', field_type: 'SINGLE_LINE_TEXT', multi_select: 0 });
  await insert('attributes', { workspace_id: WS, guid: ATTR.bom, world: 'BOM', name: 'Torque', field_type: 'NUMBER', multi_select: 0 });
  await insert('attributes', { workspace_id: WS, guid: ATTR.si, world: 'SUPPLIER_ITEM', name: 'RoHS', field_type: 'BOOLEAN', multi_select: 0 });
  await insert('attributes', { workspace_id: WS, guid: ATTR.sup, world: 'SUPPLIER', name: 'Region', field_type: 'FIXED_DROP_DOWN', multi_select: 1 });

  const A = await item('100-A', [
    { key: 'a1', status: 'EFFECTIVE', revNumber: 'A', extra: {
      category_id: cat, lifecycle_phase_id: phase, owner_id: 1, procurement_type: 'MTS', production_cost: 12.5, shared: 1,
      description: 'Top, "quoted", multi\nline', attrs: JSON.stringify({ [ATTR.item]: '±0.1' }),
    } },
    { key: 'a2', status: 'WORKING', revNumber: null, extra: { modified_bom: 1 } },
  ]);
  const B = await item('200-B', [
    { key: 'b1', status: 'EFFECTIVE', revNumber: '1' },
    { key: 'b2', status: 'WORKING', revNumber: null },
  ]);
  const C = await item('300-C', [{ key: 'c1', status: 'EFFECTIVE', revNumber: '1', extra: { procurement_type: 'OTS' } }]);
  const D = await item('400-D', [{ key: 'd1', status: 'EFFECTIVE', revNumber: 'A' }]);
  const E = await item('500-E', [{ key: 'e1', status: 'WORKING', revNumber: null }]);
  const X = await item('900-X', [{ key: 'x1', status: 'EFFECTIVE', revNumber: '1' }]);
  const Y = await item('901-Y', [{ key: 'y1', status: 'EFFECTIVE', revNumber: '1' }]);
  void A;

  const line = (parent: string, child: number, n: number | null, extra: Record<string, unknown> = {}) =>
    insert('bom_lines', { workspace_id: WS, guid: newGuid(), parent_rev_id: rev[parent].id, child_item_id: child, line_number: n, quantity: 1, ...extra });
  const a1b = await line('a1', B, 1, { quantity: 2, ref_des: 'R1,R2', notes: 'n1', attrs: JSON.stringify({ [ATTR.bom]: 5 }) });
  await line('a2', B, 1);
  await line('a2', C, 2);
  await line('b1', D, null);
  await line('b2', E, 1);
  await line('c1', D, 1);
  await line('x1', Y, 1);
  await line('y1', X, 1);
  await insert('bom_substitutes', { workspace_id: WS, guid: newGuid(), bom_line_id: a1b, item_id: C, rank: 1, quantity: 2, notes: 'sub' });

  const s1 = await insert('suppliers', {
    workspace_id: WS, guid: newGuid(), name: 'Mfr Co', approval_status: 'approved', creator_id: 1, created_at: T0,
    attrs: JSON.stringify({ [ATTR.sup]: ['EU', 'US'] }),
  });
  const s2 = await insert('suppliers', { workspace_id: WS, guid: newGuid(), name: 'Vendor Co', approval_status: 'unrated', creator_id: 1, created_at: T0 });
  const m1 = await insert('supplier_items', {
    workspace_id: WS, guid: newGuid(), supplier_id: s1, number: 'MPN-1', name: 'Mfr part', type: 'PART', creator_id: 1, created_at: T0,
    attrs: JSON.stringify({ [ATTR.si]: true }),
  });
  const v1 = await insert('supplier_items', { workspace_id: WS, guid: newGuid(), supplier_id: s2, number: 'VPN-1', name: 'Vendor part', type: 'PART', creator_id: 1, created_at: T0 });
  await insert('supplier_items', { workspace_id: WS, guid: newGuid(), supplier_id: s2, number: 'UNUSED', type: 'PART', creator_id: 1, created_at: T0 });
  await insert('sourcing', {
    workspace_id: WS, guid: newGuid(), rev_id: rev.a1.id, mfr_item_id: m1, vendor_item_id: v1, approved: 1, aml_rank: 1,
    vendor_item_conversion_factor: 1.5,
  });

  const f1 = await file('F1', { name: '../../evil\\name?.txt', storage: 'FILE', content: 'primary content' });
  const f2 = await file('F2', { name: 'drawing.pdf', storage: 'FILE', content: 'pdf bytes' });
  const f3 = await file('F3', { name: null, storage: 'WEB' });
  const f4 = await file('F4', { name: 'lost.txt', storage: 'FILE', blobKey: 'files/does-not-exist' });
  const sf1 = await file('SF1', { name: 'spec sheet.pdf', storage: 'FILE', content: 'supplier sheet' });
  const assoc = (r: string, f: number, primary: 0 | 1) =>
    insert('item_files', { workspace_id: WS, guid: newGuid(), rev_id: rev[r].id, file_id: f, primary, latest_edition_association: 1 });
  await assoc('a1', f1, 1);
  await assoc('a1', f2, 0);
  await assoc('a1', f3, 0);
  await assoc('a1', f4, 1);
  await assoc('d1', f1, 0);
  await insert('supplier_item_files', { workspace_id: WS, guid: newGuid(), supplier_item_id: m1, file_id: sf1, primary: 1 });
}

const BY_NUMBER_A = [[{ attribute: 'number', operator: 'IS_EQUAL_TO', value: '100-A' }]];

interface RunOutcome {
  runId: number;
  runGuid: string;
  entries: Map<string, Buffer>;
  csv(view: string): Record<string, string>[];
  json(view: string): Record<string, unknown>[];
}

let defCounter = 0;

async function createRun(options: Record<string, unknown>, criteria: unknown = BY_NUMBER_A) {
  defCounter++;
  const defId = await insert('export_definitions', {
    workspace_id: WS, guid: newGuid(), number: defCounter, name: `Def ${defCounter}`, world: 'ITEMS', criteria: null,
    options: JSON.stringify(options), creator_id: 1, created_at: T0,
  });
  const runGuid = newGuid();
  const runId = await insert('export_runs', {
    workspace_id: WS, guid: runGuid, definition_id: defId, number: 1, status: 'RUNNING', creator_id: 1, created_at: T0,
    criteria: JSON.stringify(criteria), attempts: 1,
  });
  return { runId, runGuid, defName: `Def ${defCounter}` };
}

async function readStream(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

async function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, s) => {
        if (err) return reject(err);
        readStream(s!).then((b) => {
          out.set(entry.fileName, b);
          zip.readEntry();
        }, reject);
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}

async function runExport(options: Record<string, unknown>, criteria: unknown = BY_NUMBER_A): Promise<RunOutcome> {
  const { runId, runGuid } = await createRun(options, criteria);
  await executeExportRun(services, runId);
  const zip = await readStream(blobs.createReadStream(`exports/${runGuid}-1.zip`));
  const entries = await unzip(zip);
  return {
    runId, runGuid, entries,
    csv(view) {
      const buf = entries.get(`${view}.csv`);
      assert.ok(buf, `${view}.csv in zip (has ${[...entries.keys()].join(', ')})`);
      return parse(buf.toString('utf8'), { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    },
    json(view) {
      const buf = entries.get(`${view}.json`);
      assert.ok(buf, `${view}.json in zip`);
      return JSON.parse(buf.toString('utf8'));
    },
  };
}

const ALL_VIEWS = [
  'SPECS', 'BOM', 'BOM_SUBSTITUTES', 'SOURCING', 'FILES', 'FILES_FILE_SUMMARY', 'SOURCING_SUPPLIERITEM_SPECS',
  'SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE', 'SOURCING_SUPPLIERITEM_FILES', 'SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY',
];

/** (number, guid) of each SPECS row. */
function specsKeys(rows: Record<string, string>[]): string[] {
  return rows.map((r) => `${r.number}@${r.guid}`);
}

function keys(...names: string[]): string[] {
  const numbers: Record<string, string> = { a: '100-A', b: '200-B', c: '300-C', d: '400-D', e: '500-E', x: '900-X', y: '901-Y' };
  return names.map((n) => `${numbers[n[0]]}@${rev[n].guid}`);
}

/** parent number/revision -> child number/revision of each BOM row. */
function bomPairs(rows: Record<string, string>[]): string[] {
  return rows.map((r) => `${r['parent.number']}/${r['parent.revisionNumber']}>${r['item.number']}/${r['item.revisionNumber']}`);
}

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-export-'));
  database = await scratchDatabase();
  store = await Store.open({ dataDir, databaseUrl: database.url });
  blobs = new DirectoryBlobStore(path.join(dataDir, 'blobs'));
  services = { config: loadConfig({ dataDir }), store, blobs, queue: dummyQueue };
  await seed();
});

after(async () => {
  await store.close();
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('executeExportRun', () => {
  it('completes the run, stores the zip and the file row, and clears the selection', async () => {
    const { runId, runGuid, defName } = await createRun({ exportViews: ['SPECS'] });
    await executeExportRun(services, runId);
    const run = await store.db.selectFrom('export_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    assert.equal(run.status, 'COMPLETE');
    assert.equal(run.criteria_results_count, 1);
    assert.match(run.completed_at!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const files = await store.db.selectFrom('export_files').selectAll().where('run_id', '=', runId).execute();
    assert.equal(files.length, 1);
    const f = files[0];
    assert.equal(f.name, `${defName} Export Results.zip`);
    assert.equal(f.mime_type, 'application/zip');
    assert.equal(f.blob_key, `exports/${runGuid}-1.zip`);
    assert.match(f.guid, /^[0-9A-Z]{20}$/);
    assert.equal(Number(f.size), await blobs.size(f.blob_key));
    assert.equal(f.expires_at, addDays(f.created_at, 60));
    const left = await store.db.selectFrom('export_run_items').selectAll().where('run_id', '=', runId).execute();
    assert.equal(left.length, 0);
  });

  it('writes SPECS matching the database, typed in JSON', async () => {
    const out = await runExport({ exportViews: ['SPECS'], format: 'json' });
    assert.deepEqual([...out.entries.keys()], ['SPECS.json']);
    const [a] = out.json('SPECS');
    assert.equal(a.number, '100-A');
    assert.equal(a.guid, rev.a1.guid);
    assert.equal(a.revisionNumber, 'A');
    assert.equal(a.revisionStatus, 'EFFECTIVE');
    assert.equal(a['lifecyclePhase.name'], 'In Production');
    assert.equal(a['category.name'], 'Assembly');
    assert.equal(a['category.path'], 'Item\\Assembly');
    assert.equal(a['owner.fullName'], 'Alice Smith');
    assert.equal(a['creator.email'], 'alice@acme.test');
    assert.equal(a.description, 'Top, "quoted", multi\nline');
    assert.equal(a.procurementType, 'MTS');
    assert.equal(a.offTheShelf, false);
    assert.equal(a.isAssembly, true);
    assert.equal(a.shared, true);
    assert.equal(a.deviated, false);
    assert.equal(a.productionCost, 12.5);
    assert.equal(a.prototypeCost, null);
    assert.equal(a.effectiveDateTime, T0);
    assert.equal(a.creationDateTime, T0);
    assert.equal(a.supersededDateTime, null);
    assert.equal(a[ATTR.item], '±0.1');
  });

  it('titles custom columns by display name with header name', async () => {
    const out = await runExport({ exportViews: ['SPECS', 'BOM'], header: 'name', bomLevels: 'SINGLE' });
    const [a] = out.csv('SPECS');
    assert.equal(a.Tolerance, '±0.1');
    assert.equal(a.description, 'Top, "quoted", multi\nline');
    assert.equal(a.isAssembly, 'true');
    assert.equal(a.prototypeCost, '');
    assert.equal(out.csv('BOM')[0].Torque, '5');
  });

  describe('revisionStatus and bomLevels pick the right revision at each level', () => {
    it('LATEST + FULL: latest revision at every level', async () => {
      const out = await runExport({ exportViews: ['SPECS', 'BOM'], bomLevels: 'FULL', revisionStatus: 'LATEST' });
      assert.deepEqual(specsKeys(out.csv('SPECS')), keys('a1', 'b1', 'd1'));
      assert.deepEqual(bomPairs(out.csv('BOM')), ['100-A/A>200-B/1', '200-B/1>400-D/A']);
      const [line] = out.csv('BOM');
      assert.equal(line.quantity, '2');
      assert.equal(line.refDes, 'R1,R2');
      assert.equal(line.lineNumber, '1');
      assert.equal(line.notes, 'n1');
      assert.equal(line[ATTR.bom], '5');
      assert.equal(out.csv('BOM')[1].lineNumber, '', 'auto-numbered line has an empty lineNumber');
      const dbLine = await store.db.selectFrom('bom_lines').select('guid').where('parent_rev_id', '=', rev.a1.id).executeTakeFirstOrThrow();
      assert.equal(line.guid, dbLine.guid);
    });

    it('WORKING + FULL: working top, latest below', async () => {
      const out = await runExport({ exportViews: ['SPECS', 'BOM'], bomLevels: 'FULL', revisionStatus: 'WORKING' });
      assert.deepEqual(specsKeys(out.csv('SPECS')), keys('a2', 'b1', 'c1', 'd1'));
      assert.deepEqual(bomPairs(out.csv('BOM')), ['100-A/>200-B/1', '100-A/>300-C/1', '200-B/1>400-D/A', '300-C/1>400-D/A']);
    });

    it('POTENTIAL + FULL: working (else latest) at every level', async () => {
      const out = await runExport({ exportViews: ['SPECS', 'BOM'], bomLevels: 'FULL', revisionStatus: 'POTENTIAL' });
      assert.deepEqual(specsKeys(out.csv('SPECS')), keys('a2', 'b2', 'c1', 'd1', 'e1'));
      assert.deepEqual(bomPairs(out.csv('BOM')), ['100-A/>200-B/', '100-A/>300-C/1', '200-B/>500-E/', '300-C/1>400-D/A']);
    });

    it('SINGLE: one level of children, BOM lines of the top level only', async () => {
      const out = await runExport({ exportViews: ['SPECS', 'BOM'], bomLevels: 'SINGLE', revisionStatus: 'WORKING' });
      assert.deepEqual(specsKeys(out.csv('SPECS')), keys('a2', 'b1', 'c1'));
      assert.deepEqual(bomPairs(out.csv('BOM')), ['100-A/>200-B/1', '100-A/>300-C/1']);
    });

    it('NONE: criteria matches only; BOM and BOM_SUBSTITUTES have only their header', async () => {
      const out = await runExport({ exportViews: ['SPECS', 'BOM', 'BOM_SUBSTITUTES'], bomLevels: 'NONE' });
      assert.deepEqual(specsKeys(out.csv('SPECS')), keys('a1'));
      assert.equal(out.entries.get('BOM.csv')!.toString().split('\r\n')[1], '');
      assert.equal(out.csv('BOM').length, 0);
      assert.equal(out.csv('BOM_SUBSTITUTES').length, 0);
      const json = await runExport({ exportViews: ['BOM'], bomLevels: 'NONE', format: 'json' });
      assert.deepEqual(json.json('BOM'), []);
    });

    it('FULL stops on a BOM cycle and de-duplicates', async () => {
      const out = await runExport({ exportViews: ['SPECS', 'BOM'], bomLevels: 'FULL' }, [[{ attribute: 'number', operator: 'STARTS_WITH', value: '90' }]]);
      assert.deepEqual(specsKeys(out.csv('SPECS')), keys('x1', 'y1'));
      assert.deepEqual(bomPairs(out.csv('BOM')), ['900-X/1>901-Y/1', '901-Y/1>900-X/1']);
      const run = await store.db.selectFrom('export_runs').select('criteria_results_count').where('id', '=', out.runId).executeTakeFirstOrThrow();
      assert.equal(run.criteria_results_count, 2);
    });

    it('BOM_SUBSTITUTES lists substitutes of the exported lines', async () => {
      const out = await runExport({ exportViews: ['BOM', 'BOM_SUBSTITUTES'], bomLevels: 'SINGLE' });
      const subs = out.csv('BOM_SUBSTITUTES');
      assert.equal(subs.length, 1);
      assert.equal(subs[0]['parent.number'], '100-A');
      assert.equal(subs[0]['item.number'], '200-B');
      assert.equal(subs[0]['substitute.number'], '300-C');
      assert.equal(subs[0]['substitute.guid'], rev.c1.guid);
      assert.equal(subs[0]['bom.guid'], out.csv('BOM')[0].guid);
      assert.equal(subs[0].rank, '1');
      const without = await runExport({ exportViews: ['BOM_SUBSTITUTES'], bomLevels: 'SINGLE' });
      assert.equal(without.csv('BOM_SUBSTITUTES').length, 0, 'empty without the BOM view');
    });
  });

  describe('sourcing and supplier items', () => {
    it('exports sourcing, the supplier items in scope and their suppliers', async () => {
      const out = await runExport({ exportViews: ALL_VIEWS, bomLevels: 'FULL' });
      const [s] = out.csv('SOURCING');
      assert.equal(s['parent.number'], '100-A');
      assert.equal(s['parent.guid'], rev.a1.guid);
      assert.equal(s['mfrItem.number'], 'MPN-1');
      assert.equal(s['mfrItem.supplier.name'], 'Mfr Co');
      assert.equal(s['vendorItem.number'], 'VPN-1');
      assert.equal(s.approved, 'true');
      assert.equal(s.amlRank, '1');
      assert.equal(s.vendorItemConversionFactor, '1.5');
      assert.equal(s.makeItem, 'false');
      const si = out.csv('SOURCING_SUPPLIERITEM_SPECS');
      assert.deepEqual(si.map((r) => r.number), ['MPN-1', 'VPN-1']);
      assert.equal(si[0][ATTR.si], 'true');
      const sup = out.csv('SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE');
      assert.deepEqual(sup.map((r) => r.name), ['Mfr Co', 'Vendor Co']);
      assert.equal(sup[0][ATTR.sup], 'EU;US');
      // both fileContent NONE: the file-association views are empty (spec §7), the summaries are not
      assert.equal(out.csv('FILES').length, 0);
      assert.equal(out.csv('SOURCING_SUPPLIERITEM_FILES').length, 0);
      assert.equal(out.csv('FILES_FILE_SUMMARY').length, 4);
      assert.deepEqual(out.csv('SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY').map((r) => r.guid), [fileGuid.SF1]);
      assert.ok(out.csv('FILES_FILE_SUMMARY').every((r) => r.contentPath === ''));
      assert.deepEqual([...out.entries.keys()], ALL_VIEWS.map((v) => `${v}.csv`));
    });
  });

  describe('fileContent', () => {
    const f1Path = () => `files/${fileGuid.F1}/_.._evil_name_.txt`;

    it('PRIMARY includes files associated as primary, with contentPath on every row of that file', async () => {
      const out = await runExport({
        exportViews: ['FILES', 'FILES_FILE_SUMMARY', 'SOURCING_SUPPLIERITEM_FILES'], bomLevels: 'FULL', fileContent: { item: 'PRIMARY' },
      });
      const physical = [...out.entries.keys()].filter((k) => k.startsWith('files/') || k.startsWith('supplierItemFiles/'));
      assert.deepEqual(physical, [f1Path()], 'F1 only: F2 is not primary, F3 is a web link, F4 has no blob');
      assert.equal(out.entries.get(f1Path())!.toString(), 'primary content');
      const rows = out.csv('FILES');
      const byKey = new Map(rows.map((r) => [`${r['parent.number']}:${r['file.guid']}`, r]));
      assert.equal(rows.length, 5);
      assert.equal(byKey.get(`100-A:${fileGuid.F1}`)!.contentPath, f1Path());
      assert.equal(byKey.get(`100-A:${fileGuid.F1}`)!.primary, 'true');
      assert.equal(byKey.get(`400-D:${fileGuid.F1}`)!.contentPath, f1Path(), 'non-primary association of an included file');
      assert.equal(byKey.get(`100-A:${fileGuid.F2}`)!.contentPath, '');
      assert.equal(byKey.get(`100-A:${fileGuid.F3}`)!.contentPath, '');
      assert.equal(byKey.get(`100-A:${fileGuid.F3}`)!['file.storageMethodName'], 'WEB');
      assert.equal(byKey.get(`100-A:${fileGuid.F4}`)!.contentPath, '', 'missing blob: no entry, no path');
      const summary = new Map(out.csv('FILES_FILE_SUMMARY').map((r) => [r.guid, r]));
      assert.equal(summary.get(fileGuid.F1)!.contentPath, f1Path());
      assert.equal(summary.get(fileGuid.F2)!.contentPath, '');
      assert.equal(summary.get(fileGuid.F1)!.name, '../../evil\\name?.txt', 'the view keeps the real name');
      // supplierItem NONE: the supplier-item file view lists associations without content
      const sif = out.csv('SOURCING_SUPPLIERITEM_FILES');
      assert.equal(sif.length, 1);
      assert.equal(sif[0].contentPath, '');
      for (const name of out.entries.keys()) {
        assert.ok(!name.includes('..') || name.split('/').every((seg) => seg !== '..'), name);
        assert.ok(!name.startsWith('/') && !name.includes('\\'), name);
      }
    });

    it('ALL (item and supplierItem) includes every stored file', async () => {
      const out = await runExport({
        exportViews: ['FILES', 'SOURCING_SUPPLIERITEM_FILES', 'SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY'], bomLevels: 'NONE',
        fileContent: { item: 'ALL', supplierItem: 'ALL' },
      });
      const sfPath = `supplierItemFiles/${fileGuid.SF1}/spec sheet.pdf`;
      const f2Path = `files/${fileGuid.F2}/drawing.pdf`;
      assert.equal(out.entries.get(f2Path)!.toString(), 'pdf bytes');
      assert.equal(out.entries.get(f1Path())!.toString(), 'primary content');
      assert.equal(out.entries.get(sfPath)!.toString(), 'supplier sheet');
      const rows = new Map(out.csv('FILES').map((r) => [r['file.guid'], r]));
      assert.equal(rows.get(fileGuid.F2)!.contentPath, f2Path);
      assert.equal(rows.get(fileGuid.F1)!.contentPath, f1Path());
      assert.equal(out.csv('SOURCING_SUPPLIERITEM_FILES')[0].contentPath, sfPath);
      assert.equal(out.csv('SOURCING_SUPPLIERITEM_FILES')[0]['parent.supplier.name'], 'Mfr Co');
      assert.equal(out.csv('SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY')[0].contentPath, sfPath);
      // every contentPath names an entry that exists
      for (const view of ['FILES', 'SOURCING_SUPPLIERITEM_FILES']) {
        for (const r of out.csv(view)) if (r.contentPath) assert.ok(out.entries.has(r.contentPath), r.contentPath);
      }
    });
  });

  it('xlsx: one workbook with one worksheet per view', async () => {
    const out = await runExport({ exportViews: ALL_VIEWS, bomLevels: 'FULL', format: 'xlsx' });
    assert.deepEqual([...out.entries.keys()], ['export.xlsx']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out.entries.get('export.xlsx')! as unknown as ArrayBuffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), [
      'SPECS', 'BOM', 'BOM_SUBSTITUTES', 'SOURCING', 'FILES', 'FILES_FILE_SUMMARY', 'SUPPLIERITEM_SPECS',
      'SUPPLIERITEM_SUPPLIER_PROFILE', 'SUPPLIERITEM_FILES', 'SUPPLIERITEM_FILES_FILE_SUMMARY',
    ]);
    const specs = wb.getWorksheet('SPECS')!;
    assert.equal(specs.getRow(1).getCell(1).value, 'number');
    assert.equal(specs.rowCount, 4);
    assert.equal(specs.getRow(2).getCell(1).value, '100-A');
    assert.equal(specs.getRow(2).getCell(19).value, true, 'isAssembly is a boolean cell');
    assert.equal(wb.getWorksheet('BOM')!.rowCount, 3);
  });

  it('is idempotent after a crash: leftovers of an earlier attempt are replaced', async () => {
    const { runId, runGuid } = await createRun({ exportViews: ['SPECS'], bomLevels: 'FULL' });
    await store.db.insertInto('export_run_items').values({ run_id: runId, rev_id: rev.x1.id, level: 0 }).execute();
    await blobs.put('exports/stale.zip', 'stale');
    await insert('export_files', {
      workspace_id: WS, guid: newGuid(), run_id: runId, name: 'stale', size: 5, mime_type: 'application/zip', blob_key: 'exports/stale.zip',
      created_at: T0, expires_at: T0, purged: 0,
    });
    await executeExportRun(services, runId);
    const files = await store.db.selectFrom('export_files').selectAll().where('run_id', '=', runId).execute();
    assert.equal(files.length, 1);
    assert.equal(files[0].blob_key, `exports/${runGuid}-1.zip`);
    assert.equal(await blobs.size('exports/stale.zip'), null);
    const entries = await unzip(await readStream(blobs.createReadStream(files[0].blob_key)));
    const specs = parse(entries.get('SPECS.csv')!.toString(), { columns: true }) as Record<string, string>[];
    assert.deepEqual(specsKeys(specs), keys('a1', 'b1', 'd1'));
    // a finished run is left alone
    await executeExportRun(services, runId);
    assert.equal((await store.db.selectFrom('export_files').selectAll().where('run_id', '=', runId).execute()).length, 1);
    assert.ok(await blobs.size(files[0].blob_key));
  });

  it('throws on invalid criteria and leaves nothing behind', async () => {
    const { runId, runGuid } = await createRun({ exportViews: ['SPECS'] }, [[{ attribute: 'bogus', operator: 'IS_EQUAL_TO', value: 'x' }]]);
    await assert.rejects(executeExportRun(services, runId), (err: unknown) => err instanceof ArenaError && err.code === 3004);
    assert.equal((await store.db.selectFrom('export_run_items').selectAll().where('run_id', '=', runId).execute()).length, 0);
    assert.equal(await blobs.size(`exports/${runGuid}-1.zip`), null);
    const { runId: emptyRun } = await createRun({ exportViews: ['SPECS'] }, []);
    await assert.rejects(executeExportRun(services, emptyRun), (err: unknown) => err instanceof ArenaError && err.code === 3140);
  });
});

describe('view plans', () => {
  it('walking items in number order gives exactly the rows of the sorted selection', async () => {
    const ctx = await loadCriteriaContext(store, WS);
    for (const revisionStatus of ['LATEST', 'WORKING', 'POTENTIAL'] as const) {
      for (const bomLevels of ['SINGLE', 'FULL'] as const) {
        const runId = 90_000;
        const condition = compileCriteria(parseCriteria([[{ attribute: 'number', operator: 'STARTS_WITH', value: '' }]], ctx), ctx);
        await materialiseSelection(store, runId, { workspaceId: WS, condition, bomLevels, revisionStatus });
        const options = normalizeExportOptions({ exportViews: ALL_VIEWS, bomLevels, revisionStatus, fileContent: { item: 'PRIMARY', supplierItem: 'ALL' } });
        const base = { store, runId, workspaceId: WS, options, attributes: await loadCustomAttributes(store, WS), missingContent: new Set<string>() };
        for (const view of Object.values(VIEWS)) {
          const collect = async (scan: 'selection' | 'items') => {
            const rows: unknown[] = [];
            for await (const batch of viewRows(view, { ...base, scan })) rows.push(...batch);
            return rows;
          };
          const sorted = await collect('selection');
          assert.deepEqual(await collect('items'), sorted, `${view.name} ${revisionStatus} ${bomLevels}`);
          if (revisionStatus === 'LATEST' && ['SPECS', 'BOM', 'SOURCING', 'FILES'].includes(view.name)) assert.ok(sorted.length > 0, view.name);
        }
        await clearSelection(store, runId);
      }
    }
  });
});

describe('countSelection and checkArenaLimits', () => {
  it('counts criteria matches and the expanded set like the run does', async () => {
    const ctx = await loadCriteriaContext(store, WS);
    const criteria = parseCriteria(BY_NUMBER_A, ctx);
    assert.deepEqual(await countSelection(store, WS, criteria, { bomLevels: 'FULL', revisionStatus: 'POTENTIAL' }),
      { criteriaResultsCount: 1, totalCount: 5, items: 1, lines: 5 });
    assert.deepEqual(await countSelection(store, WS, criteria, { bomLevels: 'SINGLE', revisionStatus: 'WORKING' }),
      { criteriaResultsCount: 1, totalCount: 3, items: 1, lines: 3 });
    assert.deepEqual(await countSelection(store, WS, criteria, {}), { criteriaResultsCount: 1, totalCount: 1, items: 1, lines: 1 });
    const cycle = parseCriteria([[{ attribute: 'number', operator: 'STARTS_WITH', value: '90' }]], ctx);
    assert.equal((await countSelection(store, WS, cycle, { bomLevels: 'FULL' })).lines, 2);
  });

  it('raises 3148 over 20,000 items and 3149 over 5,000 lines with BOM or FILES views', () => {
    const counts = (n: number) => ({ criteriaResultsCount: n, totalCount: n });
    assert.doesNotThrow(() => checkArenaLimits(counts(20_000), { exportViews: ['SPECS'] }));
    assert.throws(() => checkArenaLimits(counts(20_001), { exportViews: ['SPECS'] }),
      (e: unknown) => e instanceof ArenaError && e.code === 3148 && e.message === 'A maximum of 20000 items can be exported.');
    assert.doesNotThrow(() => checkArenaLimits(counts(5_001), { exportViews: ['SPECS', 'SOURCING'] }));
    assert.doesNotThrow(() => checkArenaLimits(counts(5_000), { exportViews: ['BOM'] }));
    for (const view of ['BOM', 'BOM_SUBSTITUTES', 'FILES', 'FILES_FILE_SUMMARY', 'SOURCING_SUPPLIERITEM_FILES'] as const) {
      assert.throws(() => checkArenaLimits(counts(5_001), { exportViews: ['SPECS', view] }), (e: unknown) => e instanceof ArenaError && e.code === 3149);
    }
  });
});
