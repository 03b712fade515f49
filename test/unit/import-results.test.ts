/** The import engine's result files: the lines and records it keeps while staging, and their merge. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DirectoryBlobStore } from '../../src/blobs/directory-blob-store.js';
import { RecordFile, type ResultIndex, ResultLines, csvFields, readRecords, writeResults } from '../../src/engine/import/run/results.js';

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-results-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function written(name: string, records: string[][]): Promise<string> {
  const f = new RecordFile(path.join(dir, name));
  for (const r of records) f.add(r);
  await f.close();
  return f.path;
}

/** A ResultLines of [row number, echoed cells] pairs (a row's cells: a skipped one, then those), flushed every `perFlush` rows. */
async function resultLines(name: string, rows: [number, (string | null)[]][], perFlush = 1000): Promise<ResultIndex> {
  const lines = new ResultLines(path.join(dir, name));
  for (const [i, [row, cells]] of rows.entries()) {
    lines.add(row, ['not echoed', ...cells], cells.map((_, c) => c + 1));
    if (i % perFlush === perFlush - 1) await lines.flush();
  }
  return lines.close();
}

async function readAllRecords(file: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of readRecords(file)) out.push(...batch);
  return out;
}

describe('RecordFile', () => {
  it('keeps any text: tabs, line breaks, backslashes, empty fields and multi-byte characters', async () => {
    const records = [
      ['1', 'plain'],
      ['2', 'tab\there', 'line\nbreak', 'cr\r\nlf'],
      ['3', 'back\\slash', '\\t is not a tab', ''],
      ['4', 'Ω ünïcödé 部品 😀'],
      ['5', '\\', '\t', '\n\\n'],
    ];
    assert.deepEqual(await readAllRecords(await written('odd', records)), records);
  });

  it('reads records that straddle its read chunks', async () => {
    const long = 'x'.repeat(700_000);
    const records = Array.from({ length: 6 }, (_, i) => [String(i), `${long}\n${i}`, 'é'.repeat(100_001)]);
    assert.deepEqual(await readAllRecords(await written('long', records)), records);
  });
});

describe('writeResults', () => {
  it('merges the echoed rows with the failed ones, in row order, into result and error files', async () => {
    const blobs = new DirectoryBlobStore(path.join(dir, 'blobs'));
    const lines = await resultLines('lines', [
      [2, ['P-1', 'Bolt']],
      [3, ['P-2', 'Nut, "hex"']],
      [5, ['P-3', 'multi\nline\ttab \\n']],
      [6, ['P-4', null]],
      [16, ['P-5', 'x']],
    ], 2);
    const errors = await written('errors', [
      ['3', '3026', "The item 'P-2' is already on row 2; an item can appear once per file."],
      ['5', '3003', 'next to another'],
      ['6', '3001', "Column 'name' is empty"],
    ]);
    const counts = await writeResults(blobs, { lines, errors, headers: ['number', 'name', 'status', 'errorCode', 'errorMessage', 'rowNumber'] }, 'r.csv', 'e.csv');
    assert.deepEqual(counts, { total: 5, errors: 3 });
    const read = async (key: string) => (await fs.promises.readFile(path.join(dir, 'blobs', key))).toString('utf8');
    const header = 'number,name,status,errorCode,errorMessage,rowNumber\r\n';
    const p2 = `P-2,"Nut, ""hex""",ERROR,3026,The item 'P-2' is already on row 2; an item can appear once per file.,3\r\n`;
    const p3 = `P-3,"multi\nline\ttab \\n",ERROR,3003,next to another,5\r\n`;
    const p4 = `P-4,,ERROR,3001,Column 'name' is empty,6\r\n`;
    assert.equal(await read('r.csv'), `${header}P-1,Bolt,SUCCESS,,,2\r\n${p2}${p3}${p4}P-5,x,SUCCESS,,,16\r\n`);
    assert.equal(await read('e.csv'), `${header}${p2}${p3}${p4}`);
  });

  it('finds failed rows across the pieces a large echo file is read in', async () => {
    const blobs = new DirectoryBlobStore(path.join(dir, 'blobs'));
    const rows = 60_000;
    const failing = new Set([2, 7919, 15838, 23757, 31676, 47514, rows + 1]);
    const echoed: [number, string[]][] = [];
    const errorRecords: string[][] = [];
    let expected = 'n,d,status,errorCode,errorMessage,rowNumber\r\n';
    let expectedErrors = expected;
    for (let r = 2; r <= rows + 1; r++) {
      const cells = [`P-${r}`, r % 1000 === 0 ? `tab\there ${r}` : r % 777 === 0 ? `部品 ${r}` : `padding to make the file larger ${r}`];
      const src = csvFields(cells);
      echoed.push([r, cells]);
      if (failing.has(r)) {
        errorRecords.push([String(r), '3003', `bad\trow ${r}`]);
        const line = `${src}ERROR,3003,bad\trow ${r},${r}\r\n`;
        expected += line;
        expectedErrors += line;
      } else expected += `${src}SUCCESS,,,${r}\r\n`;
    }
    const input = { lines: await resultLines('big-lines', echoed), errors: await written('big-errors', errorRecords), headers: ['n', 'd', 'status', 'errorCode', 'errorMessage', 'rowNumber'] };
    assert.ok(fs.statSync(input.lines.path).size > 2 * 1024 * 1024);
    assert.deepEqual(await writeResults(blobs, input, 'big-r.csv', 'big-e.csv'), { total: rows, errors: failing.size });
    assert.equal(fs.readFileSync(path.join(dir, 'blobs', 'big-r.csv'), 'utf8'), expected);
    assert.equal(fs.readFileSync(path.join(dir, 'blobs', 'big-e.csv'), 'utf8'), expectedErrors);
  });

  it('copies the lines as they are when no row failed, and refuses a failed row it has no line for', async () => {
    const blobs = new DirectoryBlobStore(path.join(dir, 'blobs'));
    const lines = await resultLines('clean', [[2, ['P-1']], [4, ['P-2']]]);
    const none = await written('no-errors', []);
    assert.deepEqual(await writeResults(blobs, { lines, errors: none, headers: ['n', 'status', 'errorCode', 'errorMessage', 'rowNumber'] }, 'c-r.csv', 'c-e.csv'), { total: 2, errors: 0 });
    assert.equal(fs.readFileSync(path.join(dir, 'blobs', 'c-r.csv'), 'utf8'), 'n,status,errorCode,errorMessage,rowNumber\r\nP-1,SUCCESS,,,2\r\nP-2,SUCCESS,,,4\r\n');
    assert.equal(fs.readFileSync(path.join(dir, 'blobs', 'c-e.csv'), 'utf8'), 'n,status,errorCode,errorMessage,rowNumber\r\n');
    const stray = await written('stray', [['5', '3003', 'x']]);
    await assert.rejects(writeResults(blobs, { lines, errors: stray, headers: ['n'] }, 's-r.csv', 's-e.csv'), /row 5 failed but was not staged/);
  });
});
