import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { executeImportRun } from '../../src/engine/import/run/executor.js';
import { csvRows, exportEntries, multipart } from '../helpers/imports.js';
import { type TestServer, startTestServer, waitForRun } from '../helpers/server.js';

const BAD_GUID = 'L3N6PX663K3K3HOBOOT0';
const MAX_UPLOAD = 64 * 1024;

describe('Import Engine runs through HTTP', () => {
  let server: TestServer;
  let alice: string;
  let seeded: { number: string; guid: string; name: string; released: boolean }[];
  let categoryName: string;

  before(async () => {
    server = await startTestServer({ items: 60, config: { maxUploadBytes: MAX_UPLOAD } });
    alice = await server.login('alice@acme.test');
    const db = server.services.store.db;
    const rows = await db
      .selectFrom('items as i')
      .innerJoin('item_revisions as r', 'r.id', 'i.latest_rev_id')
      .select(['i.number', 'r.guid', 'r.name', 'r.revision_status'])
      .where('i.workspace_id', '=', server.workspaceId)
      .orderBy('i.number')
      .execute();
    seeded = rows.map((r) => ({ number: r.number, guid: r.guid, name: r.name, released: r.revision_status !== 'WORKING' }));
    const cat = await db.selectFrom('categories').select('name').where('workspace_id', '=', server.workspaceId).where('world', '=', 'ITEM')
      .orderBy('id').executeTakeFirstOrThrow();
    categoryName = cat.name;
  });
  after(() => server.close());

  /** An import definition made through I1 (POST /imports). */
  async function define(resource: string, mode: string, options: Record<string, unknown> = {}): Promise<string> {
    const res = await server.request('POST', '/v1/imports', { token: alice, body: { name: `${resource} ${mode}`, resource, mode, options } });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    return res.json.guid as string;
  }

  function upload(defGuid: string, csv: string | Buffer, fields: Record<string, string> = {}, fileField = 'submitContent', query = '') {
    const { body, headers } = multipart([
      ...Object.entries(fields).map(([name, data]) => ({ name, data })),
      { name: fileField, filename: 'items.csv', contentType: 'text/csv', data: csv },
    ]);
    return server.request('POST', `/v1/imports/${defGuid}/runs${query}`, { token: alice, body, headers });
  }

  async function run(defGuid: string, csv: string, commit: boolean) {
    const started = await upload(defGuid, csv, { commit: String(commit) });
    assert.equal(started.status, 201, JSON.stringify(started.json));
    assert.equal(started.json.status, 'CREATED');
    const done = await waitForRun(server, `/v1/imports/${defGuid}/runs/${started.json.guid}`, alice);
    assert.equal(done.status, 200);
    return done.json;
  }

  async function content(defGuid: string, runGuid: string, which: string) {
    const res = await server.request('GET', `/v1/imports/${defGuid}/runs/${runGuid}/${which}`, { token: alice });
    assert.equal(res.status, 200, `${which}: ${res.raw.toString()}`);
    return res;
  }

  async function current(number: string) {
    return server.services.store.db
      .selectFrom('items as i')
      .leftJoin('item_revisions as r', (j) => j.onRef('r.id', '=', 'i.working_rev_id'))
      .select(['i.id', 'i.latest_rev_id', 'i.working_rev_id', 'r.name', 'r.description', 'r.uom', 'r.revision_status'])
      .where('i.workspace_id', '=', server.workspaceId)
      .where('i.number', '=', number)
      .executeTakeFirst();
  }

  it('ITEM_SPECS: a duplicate is a repeat of a valid row; a row that failed does not make its number taken', async () => {
    const def = await define('ITEM_SPECS', 'CREATE');
    const csv = ['number,name,productionCost', 'DUP-1,First,abc', 'DUP-1,Second,1', 'DUP-1,Third,2', 'DUP-2,Only,3'].join('\n');
    const preview = await run(def, csv, false);
    const rows = csvRows((await content(def, preview.guid, 'resultContent')).raw);
    assert.deepEqual(rows.map((r) => [r.rowNumber, r.errorCode]), [['2', '3003'], ['3', ''], ['4', '3026'], ['5', '']]);
    assert.match(rows[2].errorMessage, /already on row 3/);
  });

  it('ITEM_SPECS CREATE: preview writes nothing, commit writes the same rows; warnings, row errors and result files', async () => {
    const def = await define('ITEM_SPECS', 'CREATE');
    const csv = [
      'Number,Name,Description,Bogus,category.name',
      `IMP-1,First,one,x,${categoryName}`,
      'IMP-2,Second,,y,',
      `${seeded[0].number},Clash,,,`,
      'IMP-3,,no name,,',
      'IMP-4,Bad cat,,,No Such Category',
      'IMP-1,Again,,,',
    ].join('\r\n');
    const preview = await run(def, csv, false);
    assert.equal(preview.status, 'COMPLETE');
    assert.equal(preview.commit, false);
    assert.deepEqual(preview.warnings, { count: 1, results: [{ code: 331, message: "Column 'Bogus' ignored." }] });
    assert.deepEqual([preview.totalCount, preview.successCount, preview.errorCount], [6, 2, 4]);
    assert.equal(await current('IMP-1'), undefined, 'a preview writes nothing');
    assert.match(preview.completionDateTime, /Z$/);
    assert.deepEqual(preview.options, { timeZone: 'UTC' });

    const result = csvRows((await content(def, preview.guid, 'resultContent')).raw);
    assert.deepEqual(Object.keys(result[0]), ['Number', 'Name', 'Description', 'category.name', 'status', 'errorCode', 'errorMessage', 'rowNumber']);
    assert.deepEqual(result.map((r) => [r.rowNumber, r.status, r.errorCode]), [
      ['2', 'SUCCESS', ''], ['3', 'SUCCESS', ''], ['4', 'ERROR', '3025'], ['5', 'ERROR', '3001'], ['6', 'ERROR', '3012'], ['7', 'ERROR', '3026'],
    ]);
    assert.match(result[2].errorMessage, new RegExp(`number '${seeded[0].number}' is already in use`));
    assert.match(result[4].errorMessage, /No Such Category/);
    assert.match(result[5].errorMessage, /already on row 2/);
    const errors = csvRows((await content(def, preview.guid, 'errorContent')).raw);
    assert.deepEqual(errors.map((r) => r.rowNumber), ['4', '5', '6', '7']);
    const submitted = await content(def, preview.guid, 'submitContent');
    assert.equal(submitted.raw.toString(), csv);
    assert.match(String(submitted.headers['content-disposition']), /filename="items.csv"/);

    // commit: the same run, same counts, now written
    const put = await server.request('PUT', `/v1/imports/${def}/runs/${preview.guid}`, { token: alice, body: { commit: true } });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    assert.equal(put.json.guid, preview.guid);
    assert.equal(put.json.number, preview.number);
    assert.equal(put.json.commit, true);
    const committed = (await waitForRun(server, `/v1/imports/${def}/runs/${preview.guid}`, alice)).json;
    assert.equal(committed.status, 'COMPLETE');
    assert.deepEqual([committed.totalCount, committed.successCount, committed.errorCount], [6, 2, 4]);
    const one = await current('IMP-1');
    assert.equal(one?.name, 'First');
    assert.equal(one?.description, 'one');
    assert.equal(one?.revision_status, 'WORKING');
    assert.equal(one?.latest_rev_id, one?.working_rev_id);
    assert.equal((await current('IMP-2'))?.name, 'Second');
    assert.equal(await current('IMP-3'), undefined);

    // one-way
    const again = await server.request('PUT', `/v1/imports/${def}/runs/${preview.guid}?commit=true`, { token: alice });
    assert.equal(again.status, 400);
    assert.equal(again.json.errors[0].code, 3517);
    const list = await server.getJson(`/v1/imports/${def}/runs?status=COMPLETE&creator.email=alice@acme.test`, alice);
    assert.equal(list.count, 1);
    assert.equal(list.results[0].guid, preview.guid);
  });

  it('ITEM_SPECS EDIT with a mapping: edits go to a working revision, [Remove Value] clears, unchanged rows write nothing', async () => {
    const released = seeded.find((s) => s.released)!;
    const def = await define('ITEM_SPECS', 'EDIT', {
      mapping: [
        { resource: 'ITEM_SPECS', apiName: 'number', sourceName: 'Part Number' },
        { resource: 'ITEM_SPECS', apiName: 'name', sourceName: 'Title', inResponse: false },
        { resource: 'ITEM_SPECS', apiName: 'description', sourceName: 'Desc' },
        { resource: 'import', apiName: 'errorMessage', sourceName: 'Problems' },
      ],
    });
    const before = await current(released.number);
    const csv = ['Part Number,Title,Desc,Extra', `IMP-1,First renamed,`, `IMP-2,,[Remove Value]`, 'NOPE-1,X,', `${released.number},,edited desc`, 'IMP-2,,dup'].join('\n');
    const preview = await run(def, csv, false);
    assert.deepEqual([preview.totalCount, preview.successCount, preview.errorCount], [5, 3, 2]);
    assert.deepEqual(preview.warnings.results, [{ code: 331, message: "Column 'Extra' ignored." }]);
    const result = csvRows((await content(def, preview.guid, 'resultContent')).raw);
    assert.deepEqual(Object.keys(result[0]), ['Part Number', 'Desc', 'status', 'errorCode', 'Problems', 'rowNumber']);
    assert.match(result[2].Problems, /no item has the number 'NOPE-1'/);
    await server.request('PUT', `/v1/imports/${def}/runs/${preview.guid}`, { token: alice, body: { commit: true } });
    const done = (await waitForRun(server, `/v1/imports/${def}/runs/${preview.guid}`, alice)).json;
    assert.deepEqual([done.totalCount, done.successCount, done.errorCount], [5, 3, 2]);
    assert.equal((await current('IMP-1'))?.name, 'First renamed');
    const after2 = await current(released.number);
    assert.equal(after2?.description, 'edited desc');
    if (before?.working_rev_id === null) {
      assert.notEqual(after2?.working_rev_id, null, 'a released item got a working revision');
      assert.equal(after2?.latest_rev_id, before.latest_rev_id, 'LATEST stays the effective revision');
    }
  });

  it('reads date-times without an offset in the definition timeZone', async () => {
    const def = await define('ITEM_SPECS', 'EDIT', { timeZone: 'America/Los_Angeles' });
    const r = await run(def, 'number,Date Zero\nIMP-1,2024-07-01T09:30:00\nIMP-2,2024-07-01T09:30:00Z\n', true);
    assert.deepEqual([r.successCount, r.options.timeZone], [2, 'America/Los_Angeles']);
    const attr = await server.services.store.db.selectFrom('attributes').select('guid').where('workspace_id', '=', server.workspaceId)
      .where('name', '=', 'Date Zero').executeTakeFirstOrThrow();
    const attrsOf = async (n: string) => {
      const c = await current(n);
      const rev = await server.services.store.db.selectFrom('item_revisions').select('attrs').where('id', '=', c!.working_rev_id!).executeTakeFirstOrThrow();
      return JSON.parse(rev.attrs!)[attr.guid];
    };
    assert.equal(await attrsOf('IMP-1'), '2024-07-01T16:30:00Z');
    assert.equal(await attrsOf('IMP-2'), '2024-07-01T09:30:00Z');
  });

  it('a run interrupted mid-way starts again from scratch (stale staging, same counts, same files)', async () => {
    const def = await define('ITEM_SPECS', 'CREATE');
    const first = await run(def, 'number,name\nRE-1,One\nIMP-1,Clash\n', false);
    const { store, config } = server.services;
    const db = store.db;
    const row = await db.selectFrom('import_runs').select('id').where('guid', '=', first.guid).executeTakeFirstOrThrow();
    await db.updateTable('import_runs').set({ status: 'RUNNING' }).where('id', '=', row.id).execute();
    // what a process that died while staging leaves: the scratch file of the run (SQLite), its staging table (PostgreSQL)
    const scratchFile = path.join(config.dataDir, 'scratch', `import_${row.id}.sqlite`);
    if (store.dialect === 'sqlite') {
      fs.mkdirSync(path.dirname(scratchFile), { recursive: true });
      fs.writeFileSync(scratchFile, 'half a database');
    } else await sql`CREATE TABLE ${sql.raw(`import_stage_${row.id}`)} (junk integer)`.execute(db);
    await executeImportRun(server.services, row.id);
    const again = await server.getJson(`/v1/imports/${def}/runs/${first.guid}`, alice);
    assert.deepEqual([again.status, again.totalCount, again.successCount, again.errorCount], ['COMPLETE', 2, 1, 1]);
    if (store.dialect === 'sqlite') {
      assert.equal(fs.existsSync(scratchFile), false, 'the scratch file is deleted');
      const attached = await sql<{ name: string }>`PRAGMA database_list`.execute(db);
      assert.deepEqual(attached.rows.map((r) => r.name), ['main'], 'and detached');
    } else {
      const tables = await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'import_stage_%'`.execute(db);
      assert.deepEqual(tables.rows, [], 'staging tables are dropped');
    }
  });

  it('ITEM_SPECS OVERWRITE and DELETE', async () => {
    const over = await define('ITEM_SPECS', 'OVERWRITE');
    const r1 = await run(over, 'number,name,uom\nIMP-2,Second v2,EA\nIMP-5,Fifth,EA\n', true);
    assert.deepEqual([r1.successCount, r1.errorCount], [2, 0]);
    assert.equal((await current('IMP-2'))?.name, 'Second v2');
    assert.equal((await current('IMP-5'))?.uom, 'EA');
    const del = await define('ITEM_SPECS', 'DELETE');
    const released = seeded.find((s) => s.released)!;
    const r2 = await run(del, `number\nIMP-5\n${released.number}\nNOPE-2\n`, true);
    assert.deepEqual([r2.successCount, r2.errorCount], [1, 2]);
    assert.equal(await current('IMP-5'), undefined);
    assert.notEqual(await current(released.number), undefined);
    const errs = csvRows((await content(del, r2.guid, 'errorContent')).raw);
    assert.deepEqual(errs.map((e) => e.errorCode), ['3170', '3012']);
  });

  it('ITEM_BOM CREATE: ref-des ranges give the quantity, mismatches and recursion are row errors', async () => {
    const def = await define('ITEM_BOM', 'CREATE');
    const [c1, c2] = seeded;
    const csv = [
      'parent.number,item.number,quantity,refDes',
      `IMP-1,${c1.number},,R1-R3`,
      `IMP-1,${c2.number},2,"C1,C2,C3"`,
      'IMP-1,IMP-1,1,',
      `IMP-1,${c1.number},1,`,
      `IMP-2,${c2.number},1,"R1,R1"`,
    ].join('\n');
    const r = await run(def, csv, true);
    assert.deepEqual([r.totalCount, r.successCount, r.errorCount], [5, 1, 4]);
    const rows = csvRows((await content(def, r.guid, 'resultContent')).raw);
    assert.deepEqual(rows.map((x) => x.errorCode), ['', '3171', '3037', '3026', '3171']);
    const item = await current('IMP-1');
    const lines = await server.services.store.db.selectFrom('bom_lines').selectAll().where('parent_rev_id', '=', item!.working_rev_id!).execute();
    assert.equal(lines.length, 1);
    assert.equal(lines[0].quantity, 3);
    assert.equal(lines[0].ref_des, 'R1-R3');
    // the working revision of the parent given a line is flagged, that of the parent whose lines all failed is not
    const modifiedBom = async (n: string) => Number((await server.services.store.db.selectFrom('item_revisions').select('modified_bom')
      .where('id', '=', (await current(n))!.working_rev_id!).executeTakeFirstOrThrow()).modified_bom);
    assert.deepEqual([await modifiedBom('IMP-1'), await modifiedBom('IMP-2')], [1, 0]);
    // a line back up the tree is recursive
    const loop = await run(def, `parent.number,item.number,quantity\n${c1.number},IMP-1,1\n`, false);
    assert.equal(loop.errorCount, 1);
    const loopRows = csvRows((await content(def, loop.guid, 'errorContent')).raw);
    assert.equal(loopRows[0].errorCode, '3037');
  });

  it('ITEM_BOM: items named by number or by revision GUID, and items that do not exist', async () => {
    const def = await define('ITEM_BOM', 'CREATE', { checkRefDes: 'DO_NOT_CHECK' });
    const [, , c3, c4, c5] = seeded;
    const csv = [
      'parent.number,parent.guid,item.number,item.guid,quantity',
      `${c3.number},,${c4.number},,1`,
      `,${c3.guid},,${c5.guid},2`,
      `${c4.number},,NOPE-9,,1`,
      `NOPE-8,,${c5.number},,1`,
      `,NOPE-GUID,${c5.number},,1`,
      `${c4.number},,,${c3.guid}x,1`,
    ].join('\n');
    const r = await run(def, csv, false);
    assert.deepEqual([r.totalCount, r.successCount, r.errorCount], [6, 2, 4]);
    const rows = csvRows((await content(def, r.guid, 'resultContent')).raw);
    assert.deepEqual(rows.map((x) => x.errorMessage), [
      '', '', "Column 'item': no item has the number 'NOPE-9'.", "Column 'parent': no item has the number 'NOPE-8'.",
      "Column 'parent': no item has the guid 'NOPE-GUID'.", `Column 'item': no item has the guid '${c3.guid}x'.`,
    ]);
    assert.deepEqual(rows.map((x) => [x.status, x.errorCode]), [
      ['SUCCESS', ''], ['SUCCESS', ''], ['ERROR', '3012'], ['ERROR', '3012'], ['ERROR', '3012'], ['ERROR', '3012'],
    ]);
  });

  it('ITEM_BOM: a loop made by the file alone fails each of its lines; lines onto parts with nothing below them pass', async () => {
    const specs = await define('ITEM_SPECS', 'CREATE');
    const made = await run(specs, 'number,name\nLOOP-A,A\nLOOP-B,B\nLOOP-C,C\nLEAF-D,D\n', true);
    assert.equal(made.successCount, 4);
    const def = await define('ITEM_BOM', 'CREATE', { checkRefDes: 'DO_NOT_CHECK' });
    const csv = 'parent.number,item.number\nLOOP-A,LOOP-B\nLOOP-B,LOOP-C\nLOOP-C,LOOP-A\nLOOP-A,LEAF-D\nLOOP-B,LEAF-D\n';
    const r = await run(def, csv, false);
    const rows = csvRows((await content(def, r.guid, 'resultContent')).raw);
    assert.deepEqual(rows.map((x) => x.errorCode), ['3037', '3037', '3037', '', '']);
    assert.equal(rows[2].errorMessage, "The item 'LOOP-A' cannot be added to the BOM of 'LOOP-C': 'LOOP-C' is already below it (recursive BOM).");
  });

  it('ITEM_BOM EDIT with a BOM custom attribute, REPLACE and DELETE', async () => {
    const [c1, c2] = seeded;
    const db = server.services.store.db;
    const linesOf = async () => {
      const item = await current('IMP-1');
      return db.selectFrom('bom_lines as bl').innerJoin('items as i', 'i.id', 'bl.child_item_id')
        .select(['i.number', 'bl.quantity', 'bl.ref_des', 'bl.notes', 'bl.attrs']).where('bl.parent_rev_id', '=', item!.working_rev_id!).orderBy('bl.id').execute();
    };
    const edit = await define('ITEM_BOM', 'EDIT', { checkRefDes: 'DO_NOT_CHECK' });
    const r1 = await run(edit, `parent.number,item.number,notes,Mount Type\nIMP-1,${c1.number},hello,SMT\nIMP-1,${c1.number},x,Glued\nIMP-1,${c2.number},y,\n`, true);
    const rows = csvRows((await content(edit, r1.guid, 'resultContent')).raw);
    assert.deepEqual(rows.map((x) => x.errorCode), ['', '3006', '3012'], JSON.stringify(rows));
    assert.match(rows[1].errorMessage, /Column 'Mount Type': value 'Glued' is not valid; expected one of/);
    let lines = await linesOf();
    assert.equal(lines.length, 1);
    assert.equal(lines[0].notes, 'hello');
    assert.deepEqual(Object.values(JSON.parse(lines[0].attrs!)), ['SMT']);
    const replace = await define('ITEM_BOM', 'REPLACE');
    const r2 = await run(replace, `parent.number,item.number,quantity\nIMP-1,${c2.number},4\n`, true);
    assert.equal(r2.successCount, 1);
    lines = await linesOf();
    assert.deepEqual(lines.map((l) => [l.number, l.quantity]), [[c2.number, 4]]);
    const del = await define('ITEM_BOM', 'DELETE');
    const r3 = await run(del, `parent.number,item.number\nIMP-1,${c2.number}\nIMP-1,${c1.number}\n`, true);
    assert.deepEqual([r3.successCount, r3.errorCount], [1, 1]);
    assert.deepEqual(await linesOf(), []);
  });

  it('answers 3011, 3001, 3519, 3176, 413, and force-completes', async () => {
    const def = await define('ITEM_SPECS', 'CREATE');
    for (const url of [`/v1/imports/${BAD_GUID}/runs`, `/v1/imports/${def}/runs/${BAD_GUID}`, `/v1/imports/${def}/runs/${BAD_GUID}/resultContent`]) {
      const res = await server.request('GET', url, { token: alice });
      assert.equal(res.status, 400, url);
      assert.equal(res.json.errors[0].code, 3011);
    }
    const none = await server.request('POST', `/v1/imports/${def}/runs`, { token: alice, ...multipartOnly({ commit: 'false' }) });
    assert.deepEqual(none.json, { status: 400, errors: [{ code: 3001, message: 'The attribute "submitContent" is required.' }] });
    const big = await upload(def, Buffer.alloc(MAX_UPLOAD + 10, 'a'));
    assert.equal(big.status, 413);
    assert.equal(big.json.errors[0].code, 413);
    const xls = await upload(def, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]));
    assert.equal(xls.status, 400);
    assert.equal(xls.json.errors[0].code, 3175);

    const preview = await run(def, 'number,name\nIMP-9,Nine\n', false);
    const noCommit = await server.request('PUT', `/v1/imports/${def}/runs/${preview.guid}`, { token: alice, body: { commit: false } });
    assert.equal(noCommit.json.errors[0].code, 3519);

    const started = await upload(def, 'number,name\nIMP-10,Ten\n', {}, 'submit_content', '?commit=false');
    assert.equal(started.status, 201);
    const forced = await server.request('PUT', `/v1/imports/${def}/runs/${started.json.guid}/complete`, { token: alice });
    assert.equal(forced.status, 200);
    assert.equal(forced.json.status, 'COMPLETE');
    assert.match(forced.json.completionDateTime, /Z$/);
    await server.services.queue.idle();
  });

  function multipartOnly(fields: Record<string, string>) {
    const { body, headers } = multipart(Object.entries(fields).map(([name, data]) => ({ name, data })));
    return { body, headers };
  }

  it('reads an .xlsx worksheet named by the (misspelt) submitWorsheetName field; an unreadable file ends the run ERROR', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['nothing here']);
    const sheet = wb.addWorksheet('Item Master');
    sheet.addRow(['number', 'name', 'productionCost']);
    sheet.addRow(['XL-1', 'From Excel', 12.5]);
    sheet.addRow(['XL-2', 'Bad cost', 'cheap']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const def = await define('ITEM_SPECS', 'CREATE');
    const { body, headers } = multipart([
      { name: 'commit', data: 'true' },
      { name: 'submitWorsheetName', data: 'Item Master' },
      { name: 'submitContent', filename: 'items.xlsx', contentType: 'application/octet-stream', data: xlsx },
    ]);
    const started = await server.request('POST', `/v1/imports/${def}/runs`, { token: alice, body, headers });
    assert.equal(started.status, 201, JSON.stringify(started.json));
    assert.equal(started.json.submitFileType, 'EXCEL_WORKSHEET');
    assert.equal(started.json.submitWorksheetName, 'Item Master');
    const done = (await waitForRun(server, `/v1/imports/${def}/runs/${started.json.guid}`, alice)).json;
    assert.deepEqual([done.status, done.successCount, done.errorCount], ['COMPLETE', 1, 1]);
    const errs = csvRows((await content(def, done.guid, 'errorContent')).raw);
    assert.equal(errs[0].errorMessage, "Column 'productionCost': value 'cheap' is not a number.");
    assert.equal(errs[0].rowNumber, '3');
    assert.equal((await current('XL-1'))?.name, 'From Excel');

    const broken = await run(def, 'number,Number\nX,Y\n', true);
    assert.equal(broken.status, 'ERROR');
    assert.match(broken.errorMessage, /number/i);
    const missing = await server.request('GET', `/v1/imports/${def}/runs/${broken.guid}/resultContent`, { token: alice });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.errors[0].code, 3176);
  });

  it('addToChange puts the created and changed items on an existing change and lists it in changes', async () => {
    const db = server.services.store.db;
    const change = await db.selectFrom('changes').select(['id', 'guid', 'number']).where('workspace_id', '=', server.workspaceId)
      .where('lifecycle_status', '=', 'OPEN_AND_UNLOCKED').orderBy('id').executeTakeFirstOrThrow();
    const def = await define('ITEM_SPECS', 'OVERWRITE', { addToChange: { number: change.number } });
    const r = await run(def, 'number,name\nCHG-1,On a change\nIMP-1,First renamed\n', true);
    assert.deepEqual([r.status, r.successCount], ['COMPLETE', 2]);
    assert.deepEqual(r.options.addToChange, { number: change.number });
    assert.equal(r.changes.length, 1);
    assert.equal(r.changes[0].guid, change.guid);
    assert.equal(r.changes[0].number, change.number);
    assert.deepEqual(Object.keys(r.changes[0]).sort(), ['category', 'creationDateTime', 'creator', 'effectiveDateTime', 'guid',
      'lifecycleDateTime', 'lifecycleStatus', 'number', 'submissionDateTime', 'title']);
    const onChange = await db.selectFrom('change_items as ci').innerJoin('item_revisions as r', 'r.id', 'ci.rev_id')
      .innerJoin('items as i', 'i.id', 'r.item_id').select('i.number').where('ci.change_id', '=', change.id).execute();
    // a POST /changes body: a new change per committing run
    const fresh = await define('ITEM_SPECS', 'OVERWRITE', { addToChange: { title: 'From an integration!', numberSequencePrefix: { value: 'IMPECO-' } } });
    const n1 = await run(fresh, 'number,name\nCHG-2,Two\n', true);
    const n2 = await run(fresh, 'number,name\nCHG-3,Three\n', true);
    assert.deepEqual([n1.changes[0].number, n1.changes[0].title, n1.changes[0].lifecycleStatus], ['IMPECO-000001', 'From an integration!', { type: 'OPEN_AND_UNLOCKED' }]);
    assert.equal(n2.changes[0].number, 'IMPECO-000002');
    const numbers = onChange.map((x) => x.number);
    assert.ok(numbers.includes('CHG-1'));
    assert.ok(!numbers.includes('IMP-1'), 'an unchanged item is not added');
  });

  it('round trip: a SPECS csv export imported back with ITEM_SPECS EDIT succeeds on every row and changes nothing', async () => {
    const entries = await exportEntries(server, alice, 'round trip', { exportViews: ['SPECS'], format: 'csv', revisionStatus: 'WORKING' });
    const specsName = [...entries.keys()].find((n) => /specs/i.test(n))!;
    assert.ok(specsName, [...entries.keys()].join(', '));
    const specs = entries.get(specsName)!;
    const exported = csvRows(specs);
    assert.ok(exported.length > 10, `${exported.length} rows: ${specs.toString().slice(0, 300)}`);

    const db = server.services.store.db;
    const snapshot = async () => JSON.stringify(await db.selectFrom('item_revisions').selectAll().orderBy('id').execute());
    const before = await snapshot();
    const cols = ['number', 'name', 'description', 'uom', 'category.name', 'lifecyclePhase.name', 'procurementType'];
    const def = await define('ITEM_SPECS', 'EDIT', { mapping: cols.map((c) => ({ resource: 'ITEM_SPECS', apiName: c, sourceName: c })) });
    const r = await run(def, specs.toString('utf8'), true);
    assert.equal(r.status, 'COMPLETE', JSON.stringify(r));
    const errors = csvRows((await content(def, r.guid, 'errorContent')).raw);
    assert.deepEqual(errors, []);
    assert.equal(r.errorCount, 0);
    assert.equal(r.successCount, exported.length);
    assert.equal(await snapshot(), before, 'nothing changed');
  });
});
