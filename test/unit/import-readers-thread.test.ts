/** Import readers, part 3: the same readers run on a worker thread (what openRows does for large files). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { openRows } from '../../src/engine/import/readers/index.js';
import { fileError, inputFiles, readAll } from '../helpers/readers.js';

const file = inputFiles('plmx-readers-thread-', '.csv');
const threaded = { workerAboveBytes: 0 };

function csvOf(rows: number): string {
  const lines = ['number,name,qty'];
  for (let i = 1; i <= rows; i++) lines.push(`P-${i},"Part ${i}, ""quoted""",${i}`);
  return `${lines.join('\r\n')}\r\n`;
}

describe('readers on a worker thread', () => {
  it('yields the same headers, rows and batches as in the calling thread', async () => {
    const p = file(csvOf(2500));
    const here = await readAll(p, 'CSV', { batchSize: 100, workerAboveBytes: Number.POSITIVE_INFINITY });
    const there = await readAll(p, 'CSV', { batchSize: 100, ...threaded });
    assert.deepEqual(there, here);
    assert.equal(there.rows.length, 2500);
    assert.equal(there.batches.length, 25);
    assert.deepEqual(there.rows[1], [3, ['P-2', 'Part 2, "quoted"', '2']]);
  });

  it('reads a named worksheet of an .xlsx workbook, numbers and booleans kept', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['not this one']);
    const sheet = wb.addWorksheet('Items');
    sheet.addRow(['number', 'cost', 'active']);
    sheet.addRow(['P-1', 1.5, true]);
    const p = file(Buffer.from(await wb.xlsx.writeBuffer()), '.xlsx');
    const read = await readAll(p, 'EXCEL_WORKSHEET', { worksheetName: 'Items', ...threaded });
    assert.equal(read.sheetName, 'Items');
    assert.deepEqual(read.headers, ['number', 'cost', 'active']);
    assert.deepEqual(read.rows, [[2, ['P-1', 1.5, true]]]);
  });

  it('raises the reader errors in the calling thread, with their row numbers', async () => {
    await fileError(() => readAll(file(''), 'CSV', threaded), /^The file is empty\.$/);
    await fileError(() => readAll(file('a,b\n1,2\n'), 'EXCEL_WORKSHEET', threaded), /./);
    const broken = `${csvOf(3000)}P-x,"never closed,1\r\n`;
    await fileError(() => readAll(file(broken), 'CSV', { batchSize: 50, ...threaded }), /^Row 3002 \(starting on line 3002\) opens a quoted field that is never closed\.$/);
    await assert.rejects(readAll(file(broken), 'CSV', threaded), (err: { rowNumber?: number }) => err.rowNumber === 3002);
  });

  it('ends the thread when the rows are left early or closed unread', async () => {
    const p = file(csvOf(5000));
    const sheet = await openRows(p, 'CSV', { batchSize: 10, ...threaded });
    let seen = 0;
    for await (const batch of sheet.rows) {
      seen += batch.rows.length;
      if (seen >= 30) break;
    }
    assert.equal(seen, 30);
    await sheet.close(); // idempotent after the loop closed it
    const unread = await openRows(p, 'CSV', threaded);
    await unread.close();
    await unread.close();
  });
});
