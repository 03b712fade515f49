/** What the import-reader tests share: a temp dir of generated inputs, reading a sheet whole, and file errors. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { type CellValue, ImportFileError, openRows, type ReadOptions, type SubmitFileType } from '../../src/engine/import/readers/index.js';

/** Registers a temp dir for the test file; the returned function writes one input into it. */
export function inputFiles(prefix: string, defaultExt: string): (content: string | Buffer, ext?: string) => string {
  let dir = '';
  let fileNo = 0;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return (content, ext = defaultExt) => {
    const p = path.join(dir, `f${++fileNo}${ext}`);
    fs.writeFileSync(p, content);
    return p;
  };
}

export interface Read {
  headers: string[];
  headerRowNumber: number;
  sheetName?: string;
  rows: [number, CellValue[]][];
  batches: { first: number; size: number }[];
}

/** Every row of a file with its row number, and the batches they came in. */
export async function readAll(p: string, type: SubmitFileType = 'CSV', opts: ReadOptions = {}): Promise<Read> {
  const sheet = await openRows(p, type, opts);
  const out: Read = { headers: sheet.headers, headerRowNumber: sheet.headerRowNumber, sheetName: sheet.sheetName, rows: [], batches: [] };
  for await (const b of sheet.rows) {
    out.batches.push({ first: b.firstRowNumber, size: b.rows.length });
    b.rows.forEach((r, i) => out.rows.push([b.firstRowNumber + i, r]));
  }
  return out;
}

/** Runs fn, expecting an ImportFileError whose message matches; returns the message. */
export async function fileError(fn: () => Promise<unknown>, re: RegExp): Promise<string> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ImportFileError, `expected ImportFileError, got ${(err as Error)?.stack ?? String(err)}`);
    assert.match(err.message, re);
    assert.equal(err.reason, err.message);
    console.log(`    # ${err.message}`);
    return err.message;
  }
  assert.fail(`expected an ImportFileError matching ${re}`);
}
