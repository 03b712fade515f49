import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { csvRows, type ImportClient, importClient } from '../helpers/imports.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

describe('Import options: createDuplicates, matchDuplicates, useCategoryNumberFormat, numberingFreeTextHeader', () => {
  let server: TestServer;
  let imports: ImportClient;
  let category: string;

  before(async () => {
    server = await startTestServer({ items: 50 });
    imports = importClient(server, await server.login('alice@acme.test'));
    const cat = await server.services.store.db.selectFrom('categories').select('name').where('workspace_id', '=', server.workspaceId)
      .where('world', '=', 'ITEM').orderBy('id').executeTakeFirstOrThrow();
    category = cat.name;
    const specs = await imports.define('ITEM_SPECS', 'CREATE');
    const made = await imports.run(specs, 'number,name\nOPT-P,Parent\nOPT-C,Child\nOPT-D,Other', true);
    assert.equal(made.successCount, 3);
  });
  after(() => server.close());

  /** The lines of `parent`'s working BOM for `child`: notes, in line order. */
  async function lines(parent: string, child: string) {
    return server.services.store.db
      .selectFrom('items as p')
      .innerJoin('bom_lines as bl', 'bl.parent_rev_id', 'p.working_rev_id')
      .innerJoin('items as c', 'c.id', 'bl.child_item_id')
      .select(['bl.notes', 'bl.quantity'])
      .where('p.workspace_id', '=', server.workspaceId)
      .where('p.number', '=', parent)
      .where('c.number', '=', child)
      .orderBy('bl.id')
      .execute();
  }

  it('ITEM_BOM CREATE: createDuplicates ERROR refuses a second line for a child, ALLOW adds it', async () => {
    const strict = await imports.define('ITEM_BOM', 'CREATE');
    const first = await imports.run(strict, 'parent.number,item.number,quantity,notes\nOPT-P,OPT-C,1,first', true);
    assert.deepEqual([first.successCount, first.errorCount], [1, 0]);
    const again = await imports.run(strict, 'parent.number,item.number,quantity,notes\nOPT-P,OPT-C,1,second\nOPT-P,OPT-D,1,d\nOPT-P,OPT-D,1,d2', false);
    const result = csvRows(await imports.content(strict, again.guid, 'resultContent'));
    assert.deepEqual(result.map((r) => r.errorCode), ['3025', '', '3026']);

    const allow = await imports.define('ITEM_BOM', 'CREATE', { createDuplicates: 'ALLOW' });
    const run = await imports.run(allow, 'parent.number,item.number,quantity,notes\nOPT-P,OPT-C,2,second\nOPT-P,OPT-C,3,third', true);
    assert.deepEqual([run.totalCount, run.successCount, run.errorCount], [2, 2, 0]);
    assert.deepEqual((await lines('OPT-P', 'OPT-C')).map((l) => l.notes), ['first', 'second', 'third']);
  });

  it('ITEM_BOM EDIT / DELETE: matchDuplicates ERROR fails a row matching several lines, APPLY_TO_ALL changes them all', async () => {
    const strict = await imports.define('ITEM_BOM', 'EDIT');
    const refused = await imports.run(strict, 'parent.number,item.number,notes\nOPT-P,OPT-C,edited', true);
    assert.deepEqual([refused.successCount, refused.errorCount], [0, 1]);
    const [row] = csvRows(await imports.content(strict, refused.guid, 'errorContent'));
    assert.equal(row.errorCode, '3234');
    assert.match(row.errorMessage, /'OPT-C' is on the BOM of 'OPT-P' 3 times; set matchDuplicates to APPLY_TO_ALL/);
    assert.deepEqual((await lines('OPT-P', 'OPT-C')).map((l) => l.notes), ['first', 'second', 'third']);

    const all = await imports.define('ITEM_BOM', 'EDIT', { matchDuplicates: 'APPLY_TO_ALL' });
    const edited = await imports.run(all, 'parent.number,item.number,notes\nOPT-P,OPT-C,edited', true);
    assert.deepEqual([edited.successCount, edited.errorCount], [1, 0]);
    assert.deepEqual((await lines('OPT-P', 'OPT-C')).map((l) => l.notes), ['edited', 'edited', 'edited']);
    assert.deepEqual((await lines('OPT-P', 'OPT-C')).map((l) => l.quantity), [1, 2, 3], 'only the columns given change');

    const strictDelete = await imports.define('ITEM_BOM', 'DELETE');
    const kept = await imports.run(strictDelete, 'parent.number,item.number\nOPT-P,OPT-C', true);
    assert.equal(kept.errorCount, 1);
    const deleteAll = await imports.define('ITEM_BOM', 'DELETE', { matchDuplicates: 'APPLY_TO_ALL' });
    const deleted = await imports.run(deleteAll, 'parent.number,item.number\nOPT-P,OPT-C', true);
    assert.deepEqual([deleted.successCount, deleted.errorCount], [1, 0]);
    assert.deepEqual(await lines('OPT-P', 'OPT-C'), []);
  });

  it('ITEM_SPECS CREATE: the useCategoryNumberFormat token numbers an item from its category, with the free text column', async () => {
    const prefix = category.replace(/[^A-Za-z0-9]/g, '').slice(0, 3).toUpperCase();
    const def = await imports.define('ITEM_SPECS', 'CREATE', { numberingFreeTextHeader: 'Suffix' });
    const csv = [
      'number,name,category.name,Suffix',
      `[Use Category Number Format],Generated one,${category},`,
      `[Use Category Number Format],Generated two,${category},BLUE`,
      '[Use Category Number Format],No category,,',
      `GEN-EXPLICIT,Explicit,${category},ignored`,
    ].join('\n');
    const preview = await imports.run(def, csv, false);
    assert.deepEqual(preview.warnings, { count: 0, results: [] }, 'the free-text column is the engine\'s, not an ignored one');
    assert.deepEqual([preview.totalCount, preview.successCount, preview.errorCount], [4, 3, 1]);
    const [bad] = csvRows(await imports.content(def, preview.guid, 'errorContent'));
    assert.equal(bad.errorCode, '3001');
    assert.match(bad.errorMessage, /needs a category column/);

    const committed = await imports.run(def, csv, true);
    assert.deepEqual([committed.successCount, committed.errorCount], [3, 1]);
    const made = await server.services.store.db.selectFrom('items as i').innerJoin('item_revisions as r', 'r.id', 'i.working_rev_id')
      .select(['i.number', 'r.name']).where('i.workspace_id', '=', server.workspaceId).where('r.name', 'like', 'Generated%').orderBy('r.name').execute();
    assert.equal(made.length, 2);
    const [one, two] = made;
    assert.match(one.number, new RegExp(`^${prefix}-\\d{6}$`));
    const next = `${prefix}-${String(Number(one.number.slice(prefix.length + 1)) + 1).padStart(6, '0')}-BLUE`;
    assert.equal(two.number, next, 'numbers follow in row order; the free text is appended');

    // the sequence goes on after the highest number in use
    const later = await imports.run(def, `number,name,category.name\n[Use Category Number Format],Generated three,${category}`, true);
    assert.equal(later.successCount, 1);
    const three = await server.services.store.db.selectFrom('items as i').innerJoin('item_revisions as r', 'r.id', 'i.working_rev_id')
      .select('i.number').where('r.name', '=', 'Generated three').executeTakeFirstOrThrow();
    assert.equal(three.number, `${prefix}-${String(Number(one.number.slice(prefix.length + 1)) + 2).padStart(6, '0')}`);
  });
});
