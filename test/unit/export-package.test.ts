/** Zip entry names, the format writers and the zip streamer, without a database. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import yauzl from 'yauzl';
import { DirectoryBlobStore } from '../../src/blobs/directory-blob-store.js';
import { isSafeEntryName, itemFileEntryName, MAX_NAME_BYTES, sanitizeFileName, supplierItemFileEntryName } from '../../src/engine/export/entry-names.js';
import { csvWriter } from '../../src/engine/export/formats/csv.js';
import type { ViewSource } from '../../src/engine/export/formats/format.js';
import { jsonWriter } from '../../src/engine/export/formats/json.js';
import { xlsxWriter } from '../../src/engine/export/formats/xlsx.js';
import { writeZip } from '../../src/engine/export/package.js';
import type { Cell } from '../../src/engine/export/views/view.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function source(name: 'SPECS' | 'BOM', titles: string[], batches: Cell[][][], sheetName = name as string): ViewSource {
  return {
    name, sheetName, titles,
    rows: async function* () {
      for (const b of batches) yield b.map((r) => [...r]);
    },
  };
}

async function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, async (err, s) => {
        if (err) return reject(err);
        out.set(entry.fileName, await readAll(s!));
        zip.readEntry();
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}

class Sink extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void) {
    this.chunks.push(chunk);
    cb();
  }
}

const tricky: Cell[] = ['a,b', 'line1\nline2', 'say "hi"', '=SUM(A1:A2)', true, false, null, 1.5, 'é€😀', '\r'];
const titles = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9', 't10'];

describe('entry names', () => {
  it('sanitises hostile file names into one safe segment', () => {
    const cases: [string | null, string][] = [
      ['../../etc/passwd', '_.._etc_passwd'],
      ['..\\..\\win.ini', '_.._win.ini'],
      ['/abs/path.txt', '_abs_path.txt'],
      ['C:\\x.txt', 'C__x.txt'],
      ['a\u0000b\u001fc\u007f.txt', 'a_b_c_.txt'],
      ['evil\u202Etxt.exe', 'evil_txt.exe'],
      ['..', 'file'],
      ['.hidden', 'hidden'],
      ['   ', 'file'],
      [null, 'file'],
      ['CON', '_CON'],
      ['nul.txt', '_nul.txt'],
      ['trailing. . ', 'trailing'],
      ['ok name (1).pdf', 'ok name (1).pdf'],
    ];
    for (const [input, expected] of cases) assert.equal(sanitizeFileName(input), expected, String(input));
  });

  it('bounds the length in UTF-8 bytes, keeping the extension', () => {
    const long = `${'я'.repeat(300)}.pdf`;
    const s = sanitizeFileName(long);
    assert.ok(Buffer.byteLength(s) <= MAX_NAME_BYTES);
    assert.ok(s.endsWith('.pdf'));
    const noExt = sanitizeFileName('😀'.repeat(100));
    assert.ok(Buffer.byteLength(noExt) <= MAX_NAME_BYTES);
    assert.ok(!noExt.includes('\uFFFD'));
  });

  it('builds safe entry names', () => {
    assert.equal(itemFileEntryName('ABCDEF0123456789ABCD', 'a/b.txt'), 'files/ABCDEF0123456789ABCD/a_b.txt');
    assert.equal(supplierItemFileEntryName('ABCDEF0123456789ABCD', '../x'), 'supplierItemFiles/ABCDEF0123456789ABCD/_x');
    assert.equal(itemFileEntryName('../..', 'x'), 'files/_/x');
    for (const name of ['../x', '/x', 'a/../b', 'a\\b', 'a/\u0001', 'C:x', '', 'a//b']) assert.equal(isSafeEntryName(name), false, name);
    assert.equal(isSafeEntryName('files/G/n.txt'), true);
  });
});

describe('format writers', () => {
  it('csv: RFC 4180 with CRLF, header always, typed values as text', async () => {
    const [entry] = csvWriter.entries([source('SPECS', titles, [[tricky], [tricky]])]);
    assert.equal(entry.name, 'SPECS.csv');
    const text = (await readAll(entry.open())).toString('utf8');
    assert.ok(!text.startsWith('\uFEFF'));
    assert.ok(text.startsWith('t1,t2,t3,t4,t5,t6,t7,t8,t9,t10\r\n'));
    assert.ok(text.includes('"a,b","line1\nline2","say ""hi""",=SUM(A1:A2),true,false,,1.5,é€😀,"\r"\r\n'));
    const rows = parse(text, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    assert.equal(rows.length, 2);
    assert.equal(rows[0].t2, 'line1\nline2');
    assert.equal(rows[0].t10, '\r');
    const [empty] = csvWriter.entries([source('BOM', ['a', 'b'], [])]);
    assert.equal((await readAll(empty.open())).toString(), 'a,b\r\n');
  });

  it('json: one array of typed objects keyed by title; [] when empty', async () => {
    const [entry] = jsonWriter.entries([source('SPECS', titles, [[tricky], [], [tricky]])]);
    assert.equal(entry.name, 'SPECS.json');
    const parsed = JSON.parse((await readAll(entry.open())).toString('utf8'));
    assert.equal(parsed.length, 2);
    assert.deepEqual(Object.keys(parsed[0]), titles);
    assert.deepEqual(Object.values(parsed[0]), tricky);
    const [empty] = jsonWriter.entries([source('BOM', ['a'], [])]);
    assert.deepEqual(JSON.parse((await readAll(empty.open())).toString()), []);
    const [proto] = jsonWriter.entries([source('BOM', ['__proto__', 'x'], [[['p', 1]]])]);
    const p = JSON.parse((await readAll(proto.open())).toString());
    assert.deepEqual(Object.keys(p[0]), ['__proto__', 'x']);
  });

  it('xlsx: one workbook, one sheet per view, text never a formula', async () => {
    const entries = xlsxWriter.entries([
      source('SPECS', titles, [[tricky], [tricky]]),
      source('BOM', ['a', 'b'], [], 'BOM'),
    ]);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].name, 'export.xlsx');
    assert.equal(entries[0].compress, false);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await readAll(entries[0].open()) as unknown as ArrayBuffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['SPECS', 'BOM']);
    const specs = wb.getWorksheet('SPECS')!;
    assert.deepEqual((specs.getRow(1).values as unknown[]).slice(1), titles);
    assert.equal(specs.rowCount, 3);
    const formulaCell = specs.getRow(2).getCell(4);
    assert.equal(formulaCell.type, ExcelJS.ValueType.String);
    assert.equal(formulaCell.value, '=SUM(A1:A2)');
    assert.equal(specs.getRow(2).getCell(5).value, true);
    assert.equal(specs.getRow(2).getCell(7).value, null);
    assert.equal(specs.getRow(2).getCell(8).value, 1.5);
    assert.equal(specs.getRow(2).getCell(9).value, 'é€😀');
    assert.equal(wb.getWorksheet('BOM')!.rowCount, 1);
  });
});

describe('xlsx failure paths', () => {
  it('a failing view fails the entry; destroying the entry stops the rows (cursor closed)', async () => {
    let closed = 0;
    const rows = (fail: boolean) => async function* () {
      try {
        for (let i = 0; i < 10_000; i++) {
          yield Array.from({ length: 100 }, (_, k) => [`row ${i}-${k}`, i, true] as Cell[]);
          if (fail && i === 3) throw new Error('view failed');
        }
      } finally {
        closed++;
      }
    };
    const [failing] = xlsxWriter.entries([{ name: 'SPECS', sheetName: 'SPECS', titles: ['a', 'b', 'c'], rows: rows(true) }]);
    await assert.rejects(readAll(failing.open()), /view failed/);
    const [endless] = xlsxWriter.entries([{ name: 'SPECS', sheetName: 'SPECS', titles: ['a', 'b', 'c'], rows: rows(false) }]);
    const stream = endless.open();
    await new Promise((resolve) => stream.once('data', resolve));
    stream.destroy();
    for (let i = 0; i < 100 && closed < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(closed, 2);
  });
});

describe('writeZip', () => {
  it('streams entries in order and reports the size', async () => {
    const sink = new Sink();
    const result = await writeZip(
      [
        { name: 'a.txt', compress: true, open: () => Readable.from(['hello ', 'world']) },
        { name: 'dir/b.bin', compress: false, open: () => Readable.from([Buffer.alloc(1000, 7)]) },
      ],
      sink,
    );
    const buf = Buffer.concat(sink.chunks);
    assert.equal(result.size, buf.length);
    assert.equal(result.entries, 2);
    const files = await unzip(buf);
    assert.deepEqual([...files.keys()], ['a.txt', 'dir/b.bin']);
    assert.equal(files.get('a.txt')!.toString(), 'hello world');
  });

  it('fails (and destroys the output) when an entry stream fails', async () => {
    const sink = new Sink();
    await assert.rejects(
      writeZip(
        [
          {
            name: 'bad.csv', compress: true,
            open: () => Readable.from((async function* () {
              for (let i = 0; i < 200; i++) yield 'x'.repeat(10_000) + Math.random();
              throw new Error('boom');
            })()),
          },
          { name: 'never.txt', compress: true, open: () => assert.fail('must not open') },
        ],
        sink,
      ),
      /boom/,
    );
    assert.ok(sink.destroyed);
    // late writes of yazl into its destroyed output must not become uncaught errors
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('fails cleanly into a blob store: the output is ended, nothing is thrown later', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-zip-'));
    try {
      const blobs = new DirectoryBlobStore(dir);
      await assert.rejects(
        writeZip(
          [
            { name: 'ok.txt', compress: true, open: () => Readable.from(['hello'.repeat(10_000)]) },
            { name: 'bad.csv', compress: true, open: () => Readable.from((async function* () { throw new Error('early'); })()) },
          ],
          blobs.createWriteStream('exports/x.zip'),
        ),
        /early/,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      // no temporary file is left open or behind
      assert.deepEqual(fs.readdirSync(path.join(dir, 'exports')).filter((f) => f.endsWith('.part')), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unsafe entry names', async () => {
    await assert.rejects(writeZip([{ name: '../x', compress: true, open: () => Readable.from(['x']) }], new Sink()), /unsafe zip entry name/);
  });
});
