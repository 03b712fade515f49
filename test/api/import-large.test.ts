/**
 * An import large enough (over 8 MiB) to take the threaded path: the file read, converted and encoded on a
 * staging thread, whose batches the engine's thread loads. Preview and commit through HTTP, with failed
 * rows among 110,000.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { csvRows, type ImportClient, importClient } from '../helpers/imports.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const ROWS = 110_000;

describe('Import of a file over 8 MiB (staging thread)', () => {
  let server: TestServer;
  let imports: ImportClient;
  let csv = '';

  before(async () => {
    server = await startTestServer({ items: 50 });
    imports = importClient(server, await server.login('alice@acme.test'));
    const category = await server.services.store.db.selectFrom('categories').select('name').where('workspace_id', '=', server.workspaceId)
      .where('world', '=', 'ITEM').orderBy('id').executeTakeFirstOrThrow();
    const lines = ['number,name,description,category.name,productionCost'];
    for (let r = 2; r <= ROWS + 1; r++) {
      const number = r === 3 ? 'BIG-0000002' : `BIG-${String(r).padStart(7, '0')}`; // row 3 repeats row 2
      const cost = r === 50_000 ? 'abc' : (r / 100).toFixed(2);
      const description = r === ROWS + 1 ? '"last, with ""quotes""\nand a line break"' : `Large import row ${r} padding the file`;
      lines.push(`${number},Part ${r},${description},${category.name},${cost}`);
    }
    csv = `${lines.join('\r\n')}\r\n`;
    assert.ok(Buffer.byteLength(csv) > 8 * 1024 * 1024, `${Buffer.byteLength(csv)} bytes`);
  });
  after(() => server.close());

  it('previews, then commits, with the failed rows reported by number', async () => {
    const def = await imports.define('ITEM_SPECS', 'CREATE');
    const preview = await imports.run(def, csv, false);
    assert.equal(preview.status, 'COMPLETE', preview.errorMessage);
    assert.deepEqual([preview.totalCount, preview.successCount, preview.errorCount], [ROWS, ROWS - 2, 2]);
    const errors = csvRows(await imports.content(def, preview.guid, 'errorContent'));
    assert.deepEqual(errors.map((e) => [e.rowNumber, e.errorCode]), [['3', '3026'], ['50000', '3003']]);
    const result = csvRows(await imports.content(def, preview.guid, 'resultContent'));
    assert.equal(result.length, ROWS);
    assert.deepEqual(result[0], {
      number: 'BIG-0000002', name: 'Part 2', description: 'Large import row 2 padding the file', 'category.name': result[0]['category.name'],
      productionCost: '0.02', status: 'SUCCESS', errorCode: '', errorMessage: '', rowNumber: '2',
    });
    assert.equal(result[ROWS - 1].description, 'last, with "quotes"\nand a line break');
    const before = await server.services.store.db.selectFrom('items').select((eb) => eb.fn.countAll().as('n')).where('number', 'like', 'BIG-%').executeTakeFirstOrThrow();
    assert.equal(Number(before.n), 0);

    const commit = await imports.run(def, csv, true);
    assert.deepEqual([commit.status, commit.successCount, commit.errorCount], ['COMPLETE', ROWS - 2, 2]);
    const after = await server.services.store.db.selectFrom('items').select((eb) => eb.fn.countAll().as('n')).where('number', 'like', 'BIG-%').executeTakeFirstOrThrow();
    assert.equal(Number(after.n), ROWS - 2);
    const last = await server.services.store.db.selectFrom('items as i').innerJoin('item_revisions as r', 'r.id', 'i.working_rev_id')
      .select(['r.description', 'r.production_cost']).where('i.number', '=', `BIG-${String(ROWS + 1).padStart(7, '0')}`).executeTakeFirstOrThrow();
    assert.deepEqual(last, { description: 'last, with "quotes"\nand a line break', production_cost: (ROWS + 1) / 100 });
  });
});
