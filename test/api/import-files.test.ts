import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ImportClient, csvRows, exportEntries, importClient } from '../helpers/imports.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

describe('Import Engine: FILE_SUMMARY and ITEM_FILES runs through HTTP', () => {
  let server: TestServer;
  let alice: string;
  let imports: ImportClient;
  /** the highest F-NNNNNN file number seeded */
  let maxFileNumber: number;
  /** items with only an effective revision (no working one) and files */
  let effectiveOnly: { id: number; number: string; guid: string }[];
  /** a file stored as FILE, associated with an item */
  let storedFile: string;
  /** a file associated with a supplier item only */
  let supplierOnlyFile: string | undefined;

  const db = () => server.services.store.db;

  before(async () => {
    server = await startTestServer({ items: 60 });
    alice = await server.login('alice@acme.test');
    imports = importClient(server, alice);
    const ws = server.workspaceId;
    const numbers = await db().selectFrom('files').select('number').where('workspace_id', '=', ws).execute();
    maxFileNumber = Math.max(...numbers.map((n) => Number(/^F-(\d+)$/.exec(n.number)?.[1] ?? 0)));
    const items = await db().selectFrom('items as i').innerJoin('item_revisions as r', 'r.id', 'i.latest_rev_id')
      .select(['i.id', 'i.number', 'r.guid', 'i.working_rev_id', 'i.latest_rev_id'])
      .select((eb) => eb.selectFrom('item_files as a').whereRef('a.rev_id', '=', 'i.latest_rev_id').select(eb.fn.countAll().as('n')).as('files'))
      .where('i.workspace_id', '=', ws).orderBy('i.number').execute();
    effectiveOnly = items.filter((i) => i.working_rev_id === null && Number(i.files) >= 1).map((i) => ({ id: i.id, number: i.number, guid: i.guid }));
    assert.ok(effectiveOnly.length >= 4, `only ${effectiveOnly.length} effective-only items with files`);
    const stored = await db().selectFrom('files as f').innerJoin('item_files as a', 'a.file_id', 'f.id').select('f.number')
      .where('f.workspace_id', '=', ws).where('f.storage_method', '=', 'FILE').orderBy('f.id').executeTakeFirstOrThrow();
    storedFile = stored.number;
    const so = await db().selectFrom('files as f').innerJoin('supplier_item_files as s', 's.file_id', 'f.id').select('f.number')
      .where('f.workspace_id', '=', ws)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('item_files as a').innerJoin('files as f2', 'f2.id', 'a.file_id').whereRef('f2.number', '=', 'f.number').select('a.id'))))
      .orderBy('f.id').executeTakeFirst();
    supplierOnlyFile = so?.number;
  });
  after(() => server.close());

  const pad = (n: number) => `F-${String(n).padStart(6, '0')}`;

  async function file(number: string) {
    return db().selectFrom('files as f').leftJoin('categories as c', 'c.id', 'f.category_id').leftJoin('users as u', 'u.id', 'f.author_id')
      .select(['f.id', 'f.guid', 'f.number', 'f.name', 'f.title', 'f.description', 'f.edition', 'f.format', 'f.storage_method', 'f.location',
        'f.private', 'f.latest', 'f.size', 'f.modified_at', 'c.name as category', 'u.full_name as author'])
      .where('f.workspace_id', '=', server.workspaceId).where('f.number', '=', number).orderBy('f.id', 'desc').executeTakeFirst();
  }

  async function item(number: string) {
    return db().selectFrom('items').select(['id', 'latest_rev_id', 'working_rev_id']).where('workspace_id', '=', server.workspaceId)
      .where('number', '=', number).executeTakeFirstOrThrow();
  }

  /** GET /items/{working revision guid}/files as [file number, primary, latestEditionAssociation], primary first */
  async function filesOf(number: string): Promise<[string, boolean, boolean][]> {
    const it = await item(number);
    const rev = await db().selectFrom('item_revisions').select('guid').where('id', '=', it.working_rev_id ?? it.latest_rev_id!).executeTakeFirstOrThrow();
    const body = await server.getJson(`/v1/items/${rev.guid}/files`, alice);
    return body.results.map((a: any) => [a.file.number, a.primary, a.latestEditionAssociation]);
  }

  async function latestFiles(itemNumber: string): Promise<{ number: string; primary: number }[]> {
    const it = await item(itemNumber);
    return db().selectFrom('item_files as a').innerJoin('files as f', 'f.id', 'a.file_id').select(['f.number', 'a.primary'])
      .where('a.rev_id', '=', it.latest_rev_id!).orderBy('a.id').execute();
  }

  it('FILE_SUMMARY CREATE: preview writes nothing; commit creates files with generated numbers; row errors and result files', async () => {
    const def = await imports.define('FILE_SUMMARY', 'CREATE');
    const csv = [
      'number,title,description,storageMethodName,location,category.name,author.fullName,private,edition,name',
      'IMPF-1,Spec sheet,first,web,https://example.com/a,drawing,Bob Brown,Yes,,ignored.pdf',
      ',Generated one,,,,,,no,,',
      ',Generated two,,,https://example.com/b,,,,3,',
      `${pad(1)},Clash,,,,,,,,`,
      'IMPF-1,Again,,,,,,,,',
      'IMPF-2,,no title,,,,,,,',
      'IMPF-3,Stored,,FILE,,,,,,',
      'IMPF-4,Web without location,,WEB,,,,,,',
      'IMPF-5,Bad category,,,,No Such Category,,,,',
      'IMPF-6,Bad storage,,BOGUS,,,,,,',
      'IMPF-7,Bad flag,,,,,,maybe,,',
      'IMPF-8,Bad author,,,,,Nobody Here,,,',
    ].join('\r\n');
    const preview = await imports.run(def, csv, false);
    assert.equal(preview.status, 'COMPLETE', JSON.stringify(preview));
    assert.deepEqual(preview.warnings, { count: 1, results: [{ code: 331, message: "Column 'name' ignored." }] });
    assert.deepEqual([preview.totalCount, preview.successCount, preview.errorCount], [12, 3, 9]);
    assert.equal(await file('IMPF-1'), undefined, 'a preview writes nothing');
    assert.equal(await file(pad(maxFileNumber + 1)), undefined);

    const r = await imports.run(def, csv, true);
    assert.deepEqual([r.status, r.commit, r.totalCount, r.successCount, r.errorCount], ['COMPLETE', true, 12, 3, 9]);
    assert.deepEqual(r.changes, [], 'FILE_SUMMARY adds nothing to a change');
    const rows = csvRows(await imports.content(def, r.guid, 'resultContent'));
    assert.deepEqual(Object.keys(rows[0]), ['number', 'title', 'description', 'storageMethodName', 'location', 'category.name', 'author.fullName',
      'private', 'edition', 'status', 'errorCode', 'errorMessage', 'rowNumber']);
    assert.deepEqual(rows.map((x) => [x.status, x.errorCode, x.rowNumber]), [
      ['SUCCESS', '', '2'], ['SUCCESS', '', '3'], ['SUCCESS', '', '4'], ['ERROR', '3025', '5'], ['ERROR', '3026', '6'], ['ERROR', '3001', '7'],
      ['ERROR', '3006', '8'], ['ERROR', '3001', '9'], ['ERROR', '3012', '10'], ['ERROR', '3006', '11'], ['ERROR', '3003', '12'], ['ERROR', '3012', '13'],
    ]);
    assert.equal(rows[0].number, 'IMPF-1', 'source cells are echoed');
    assert.match(rows[3].errorMessage, /the file number 'F-000001' is already in use/);
    assert.match(rows[4].errorMessage, /already on row 2/);
    assert.match(rows[6].errorMessage, /FILE storage needs the file's content/);
    assert.match(rows[7].errorMessage, /location' is empty/);
    assert.match(rows[8].errorMessage, /no file category matches 'No Such Category'/);
    assert.match(rows[10].errorMessage, /Column 'private': value 'maybe' is not valid; expected true or false/);
    assert.match(rows[11].errorMessage, /no user of the workspace is named 'Nobody Here'/);
    const errors = csvRows(await imports.content(def, r.guid, 'errorContent'));
    assert.deepEqual(errors.map((x) => x.rowNumber), ['5', '6', '7', '8', '9', '10', '11', '12', '13']);

    const f1 = await file('IMPF-1');
    assert.deepEqual(
      [f1?.title, f1?.description, f1?.storage_method, f1?.location, f1?.category, f1?.author, Number(f1?.private), f1?.edition, f1?.name, Number(f1?.latest)],
      ['Spec sheet', 'first', 'WEB', 'https://example.com/a', 'Drawing', 'Bob Brown', 1, '1', null, 1],
    );
    const g1 = await file(pad(maxFileNumber + 1));
    const g2 = await file(pad(maxFileNumber + 2));
    assert.deepEqual([g1?.title, g1?.storage_method, g1?.author, Number(g1?.private)], ['Generated one', 'PLACE_HOLDER', 'Alice Anders', 0]);
    assert.deepEqual([g2?.title, g2?.storage_method, g2?.location, g2?.edition], ['Generated two', 'WEB', 'https://example.com/b', '3']);
    // the next generated number follows on
    const again = await imports.run(def, 'title\nGenerated three\n', true);
    assert.equal(again.successCount, 1);
    assert.equal((await file(pad(maxFileNumber + 3)))?.title, 'Generated three');
  });

  it('FILE_SUMMARY EDIT by number and by guid: removeValue clears, unchanged rows write nothing, errors', async () => {
    const g1 = (await file(pad(maxFileNumber + 1)))!;
    const before = (await file('IMPF-1'))!;
    const def = await imports.define('FILE_SUMMARY', 'EDIT');
    const csv = [
      'number,guid,title,description,location,category.path,private,storageMethodName',
      'IMPF-1,,,[Remove Value],,File\\Datasheet,false,',
      `,${g1.guid},,described now,,,,`,
      'NOPE-1,,,,,,,',
      ',NOSUCHGUID0000000000,,,,,,',
      `${pad(maxFileNumber + 2)},,[Remove Value],,,,,`,
      `,${before.guid},,x,,,,`,
      `${storedFile},,,,https://example.com/moved,,,WEB`,
      `${pad(maxFileNumber + 3)},,Generated three,,,,,`,
      `${pad(maxFileNumber + 2)},,,,[Remove Value],,,`,
    ].join('\n');
    const r = await imports.run(def, csv, true);
    const rows = csvRows(await imports.content(def, r.guid, 'resultContent'));
    assert.deepEqual(rows.map((x) => x.errorCode), ['', '', '3012', '3012', '3001', '3026', '3006', '', '3001'], JSON.stringify(rows));
    assert.match(rows[2].errorMessage, /no file has the number 'NOPE-1'/);
    assert.match(rows[3].errorMessage, /Column 'guid': no file has the guid 'NOSUCHGUID0000000000'/);
    assert.match(rows[6].errorMessage, /is stored as FILE; its storage method cannot change/);
    assert.match(rows[8].errorMessage, /Column 'location' is empty: a WEB file needs a location/);
    assert.deepEqual([r.successCount, r.errorCount], [3, 6]);
    const f1 = (await file('IMPF-1'))!;
    assert.deepEqual([f1.description, f1.category, Number(f1.private), f1.title], [null, 'Datasheet', 0, 'Spec sheet']);
    assert.equal((await file(g1.number))?.description, 'described now');
    const g3 = (await file(pad(maxFileNumber + 3)))!;
    const fresh = await imports.run(def, `number,title\n${g3.number},Generated three\n`, true);
    assert.equal(fresh.successCount, 1);
    assert.equal((await file(g3.number))?.modified_at, g3.modified_at, 'an unchanged row writes nothing');
  });

  it('FILE_SUMMARY OVERWRITE edits existing files and creates the others', async () => {
    const def = await imports.define('FILE_SUMMARY', 'OVERWRITE');
    const r = await imports.run(def, 'number,title,format\nIMPF-1,Spec sheet v2,pdf\nIMPF-9,Overwritten new,txt\n', true);
    assert.deepEqual([r.successCount, r.errorCount], [2, 0]);
    assert.deepEqual([(await file('IMPF-1'))?.title, (await file('IMPF-1'))?.format], ['Spec sheet v2', 'pdf']);
    assert.deepEqual([(await file('IMPF-9'))?.title, (await file('IMPF-9'))?.storage_method], ['Overwritten new', 'PLACE_HOLDER']);
  });

  it('ITEM_FILES CREATE: existing and new files on a new working revision, primary moves, errors, addToChange', async () => {
    const [x, y] = effectiveOnly;
    const g1 = (await file(pad(maxFileNumber + 1)))!;
    const effectiveBefore = await latestFiles(x.number);
    const already = effectiveBefore[0].number;
    const def = await imports.define('ITEM_FILES', 'CREATE', { addToChange: { title: 'Files import', numberSequencePrefix: { value: 'FILECO-' } } });
    const csv = [
      'item.number,item.guid,file.number,file.guid,primary,file.title,file.location,file.category.name',
      `${x.number},,IMPF-1,,TRUE,,,`,
      `,${y.guid},,${g1.guid},,,,`,
      `${x.number},,${already},,,,,`,
      `${x.number},,IMPF-1,,,,,`,
      'NO-SUCH-ITEM,,IMPF-1,,,,,',
      `${x.number},,NOFILE-1,,,,,`,
      `${x.number},,,,,Brand new,https://example.com/new,Reference`,
      `${x.number},,,,,,,`,
      `${y.number},,IMPF-9,,maybe,,,`,
    ].join('\n');
    const preview = await imports.run(def, csv, false);
    assert.deepEqual([preview.successCount, preview.errorCount], [3, 6]);
    assert.equal((await item(x.number)).working_rev_id, null, 'a preview writes nothing');
    assert.deepEqual(preview.changes, []);

    const r = await imports.run(def, csv, true);
    const rows = csvRows(await imports.content(def, r.guid, 'resultContent'));
    assert.deepEqual(rows.map((x) => x.errorCode), ['', '', '3025', '3026', '3012', '3012', '', '3001', '3003'], JSON.stringify(rows));
    assert.match(rows[2].errorMessage, new RegExp(`The file '${already}' is already associated with the item '${x.number}'`));
    assert.match(rows[4].errorMessage, /no item has the number 'NO-SUCH-ITEM'/);
    assert.match(rows[5].errorMessage, /no file has the number 'NOFILE-1'/);
    assert.match(rows[7].errorMessage, /give a file.title to create a new file/);
    assert.deepEqual([r.totalCount, r.successCount, r.errorCount], [9, 3, 6]);
    // associations on new working revisions; the effective revision keeps its files
    assert.notEqual((await item(x.number)).working_rev_id, null);
    assert.deepEqual(await latestFiles(x.number), effectiveBefore);
    const xs = await filesOf(x.number);
    assert.deepEqual(xs[0], ['IMPF-1', true, true], JSON.stringify(xs));
    assert.equal(xs.filter((a) => a[1]).length, 1, 'one primary file');
    assert.equal(xs.length, effectiveBefore.length + 2);
    const created = await db().selectFrom('files').select(['number', 'title', 'storage_method', 'location'])
      .where('workspace_id', '=', server.workspaceId).where('title', '=', 'Brand new').executeTakeFirstOrThrow();
    assert.deepEqual([created.number, created.storage_method, created.location], [pad(maxFileNumber + 4), 'WEB', 'https://example.com/new']);
    assert.ok(xs.some((a) => a[0] === created.number && a[1] === false && a[2] === true));
    const ys = await filesOf(y.number);
    assert.ok(ys.some((a) => a[0] === g1.number && a[1] === false), JSON.stringify(ys));
    const yRev = await db().selectFrom('item_revisions').select('modified_files').where('id', '=', (await item(y.number)).working_rev_id!).executeTakeFirstOrThrow();
    assert.equal(Number(yRev.modified_files), 1);
    // addToChange: both items' working revisions, once each
    assert.equal(r.changes.length, 1);
    assert.equal(r.changes[0].number, 'FILECO-000001');
    const onChange = await db().selectFrom('change_items as ci').innerJoin('changes as c', 'c.id', 'ci.change_id')
      .innerJoin('item_revisions as rv', 'rv.id', 'ci.rev_id').select(['rv.item_id', 'rv.revision_status'])
      .where('c.guid', '=', r.changes[0].guid).orderBy('rv.item_id').execute();
    assert.deepEqual(onChange.map((c) => [c.item_id, c.revision_status]), [x, y].map((it) => [it.id, 'WORKING']).sort((a, b) => Number(a[0]) - Number(b[0])));
  });

  it('ITEM_FILES EDIT: primary and latestEditionAssociation only; unchanged rows create no working revision; errors', async () => {
    const [x, , z] = effectiveOnly;
    const zFiles = await latestFiles(z.number);
    const def = await imports.define('ITEM_FILES', 'EDIT');
    // unchanged rows on an item without a working revision: nothing is written
    const same = zFiles.map((f) => `${z.number},${f.number},${f.primary ? 'yes' : 'no'}`).join('\n');
    const r0 = await imports.run(def, `parent.number,file.number,primary\n${same}\n`, true);
    assert.deepEqual([r0.successCount, r0.errorCount], [zFiles.length, 0]);
    assert.equal((await item(z.number)).working_rev_id, null);

    const other = (await filesOf(x.number)).find((a) => a[0] !== 'IMPF-1' && !a[1])![0];
    const titleBefore = (await file(other))?.title;
    const csv = [
      'item.number,file.number,primary,latestEditionAssociation,file.title',
      `${x.number},${other},1,,Not written`,
      `${x.number},IMPF-1,,0,`,
      `${x.number},IMPF-9,true,,`,
      `${x.number},,true,,`,
      `${x.number},IMPF-1,,,`,
      `${x.number},${other},[Remove Value],,`,
    ].join('\n');
    const r = await imports.run(def, csv, true);
    const rows = csvRows(await imports.content(def, r.guid, 'resultContent'));
    assert.deepEqual(rows.map((x) => x.errorCode), ['', '', '3012', '3001', '3026', '3001'], JSON.stringify(rows));
    assert.match(rows[2].errorMessage, new RegExp(`The file 'IMPF-9' is not associated with the item '${x.number}'`));
    const xs = await filesOf(x.number);
    assert.deepEqual(xs.filter((a) => a[1]).map((a) => a[0]), [other], 'primary moved');
    assert.deepEqual(xs.find((a) => a[0] === 'IMPF-1'), ['IMPF-1', false, false]);
    assert.equal((await file(other))?.title, titleBefore, 'file.* columns are not written by EDIT');
    // two rows of one item that both make a file primary
    const two = await imports.run(def, `item.number,file.number,primary\n${x.number},IMPF-1,true\n${x.number},${other},true\n`, false);
    const twoRows = csvRows(await imports.content(def, two.guid, 'resultContent'));
    assert.deepEqual(twoRows.map((x) => x.errorCode), ['', '3003']);
    assert.match(twoRows[1].errorMessage, /row 2 already makes a file primary/);
  });

  it('ITEM_FILES OVERWRITE edits existing associations and creates the others', async () => {
    const [x] = effectiveOnly;
    const def = await imports.define('ITEM_FILES', 'OVERWRITE');
    const r = await imports.run(def, `item.number,file.number,latestEditionAssociation\n${x.number},IMPF-1,true\n${x.number},IMPF-9,false\n`, true);
    assert.deepEqual([r.successCount, r.errorCount], [2, 0]);
    const xs = await filesOf(x.number);
    assert.deepEqual(xs.find((a) => a[0] === 'IMPF-1'), ['IMPF-1', false, true]);
    assert.deepEqual(xs.find((a) => a[0] === 'IMPF-9'), ['IMPF-9', false, false]);
  });

  it('ITEM_FILES REPLACE keeps exactly the files of each item in the file', async () => {
    const [x, , , w] = effectiveOnly;
    const wBefore = await filesOf(w.number);
    const def = await imports.define('ITEM_FILES', 'REPLACE');
    const csv = `item.number,file.number,file.title,primary\n${x.number},IMPF-1,,\n${x.number},,Replacement,true\n${w.number},NOFILE-2,,\n`;
    const r = await imports.run(def, csv, true);
    assert.deepEqual([r.successCount, r.errorCount], [2, 1]);
    const xs = await filesOf(x.number);
    const replacement = await db().selectFrom('files').select('number').where('workspace_id', '=', server.workspaceId)
      .where('title', '=', 'Replacement').executeTakeFirstOrThrow();
    assert.deepEqual(xs, [[replacement.number, true, true], ['IMPF-1', false, true]]);
    assert.deepEqual(await filesOf(w.number), wBefore, 'an item whose rows all fail keeps its files');
    assert.equal((await item(w.number)).working_rev_id, null);
  });

  it('ITEM_FILES DELETE removes associations; FILE_SUMMARY DELETE refuses files in use', async () => {
    const [x, y] = effectiveOnly;
    const g1 = (await file(pad(maxFileNumber + 1)))!;
    const def = await imports.define('ITEM_FILES', 'DELETE');
    const r = await imports.run(def, `item.guid,file.guid\n${y.guid},${g1.guid}\n${x.guid},${g1.guid}\n`, true);
    const rows = csvRows(await imports.content(def, r.guid, 'resultContent'));
    assert.deepEqual(rows.map((x) => x.errorCode), ['', '3012']);
    assert.ok(!(await filesOf(y.number)).some((a) => a[0] === g1.number));

    const del = await imports.define('FILE_SUMMARY', 'DELETE');
    const lines = ['number', g1.number, 'IMPF-1', storedFile, 'NOPE-2', g1.number];
    if (supplierOnlyFile) lines.push(supplierOnlyFile);
    const d = await imports.run(del, lines.join('\n'), true);
    const drows = csvRows(await imports.content(del, d.guid, 'resultContent'));
    assert.deepEqual(drows.map((x) => x.errorCode), ['', '3170', '3170', '3012', '3026', ...(supplierOnlyFile ? ['3170'] : [])], JSON.stringify(drows));
    assert.match(drows[1].errorMessage, /The file 'IMPF-1' is associated with an item and cannot be deleted/);
    if (supplierOnlyFile) assert.match(drows[5].errorMessage, /associated with a supplier item/);
    assert.equal(await file(g1.number), undefined);
    assert.ok(await file('IMPF-1'));
  });

  it('round trip: a FILES csv export imported back with ITEM_FILES EDIT succeeds on every row and changes nothing', async () => {
    const entries = await exportEntries(server, alice, 'files round trip', {
      exportViews: ['FILES'], format: 'csv', revisionStatus: 'WORKING', fileContent: { item: 'PRIMARY' },
    });
    const name = [...entries.keys()].find((n) => /^FILES\.csv$/i.test(n))!;
    assert.ok(name, [...entries.keys()].join(', '));
    const csv = entries.get(name)!;
    const exported = csvRows(csv);
    assert.ok(exported.length > 10, `${exported.length} rows`);

    const snapshot = async () => JSON.stringify(await Promise.all(['item_files', 'item_revisions', 'files', 'items'].map((t) =>
      db().selectFrom(t as 'files').selectAll().orderBy('id').execute())));
    const before = await snapshot();
    const def = await imports.define('ITEM_FILES', 'EDIT');
    const r = await imports.run(def, csv.toString('utf8'), true);
    assert.equal(r.status, 'COMPLETE', JSON.stringify(r));
    assert.deepEqual(csvRows(await imports.content(def, r.guid, 'errorContent')), []);
    assert.deepEqual([r.errorCount, r.successCount], [0, exported.length]);
    assert.deepEqual(r.warnings.results.map((w: any) => w.message).sort(),
      ["Column 'contentPath' ignored.", "Column 'file.name' ignored.", "Column 'parent.name' ignored.", "Column 'parent.revisionNumber' ignored."]);
    assert.equal(await snapshot(), before, 'nothing changed');
  });
});
