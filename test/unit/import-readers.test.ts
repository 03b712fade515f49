/** Import readers, part 1: file type detection and the CSV reader (every input generated here). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { describe, it } from 'node:test';
import {
  detectFileType,
  ImportFileError,
  openRows,
  type ReadOptions,
  readFirstBytes,
  XLS_NOT_SUPPORTED,
} from '../../src/engine/import/readers/index.js';
import { fileError, inputFiles, readAll } from '../helpers/readers.js';

const file = inputFiles('plmx-readers-csv-', '.csv');

const csvError = (content: string | Buffer, re: RegExp, opts: ReadOptions = {}) => fileError(() => readAll(file(content), 'CSV', opts), re);

describe('detectFileType', () => {
  const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]);
  const ole2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
  const throwsFile = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (err: unknown) => err instanceof ImportFileError && re.test(err.message));

  it('tells XLSX (a zip) from CSV (UTF-8 text), honouring a consistent declared type', () => {
    assert.equal(detectFileType(zip), 'EXCEL_WORKSHEET');
    assert.equal(detectFileType(zip, 'parts.xlsx', 'EXCEL_WORKSHEET'), 'EXCEL_WORKSHEET');
    assert.equal(detectFileType(zip, 'parts.csv'), 'EXCEL_WORKSHEET'); // the bytes decide
    assert.equal(detectFileType(Buffer.from('number,name\r\nP-1,Bolt\r\n')), 'CSV');
    assert.equal(detectFileType(Buffer.from('\ufeffnumber,name\n'), 'a.csv', 'csv'), 'CSV');
    assert.equal(detectFileType(Buffer.from('number;name\n'), 'parts.txt'), 'CSV');
    assert.equal(detectFileType(Buffer.from('a,b\n'), 'odd.xlsx', 'CSV'), 'CSV'); // declared CSV agrees with the bytes
    // a multi-byte character cut by the end of the sniffed bytes is fine
    assert.equal(detectFileType(Buffer.from('name\nCafé', 'utf8').subarray(0, 9)), 'CSV');
  });

  it('refuses .xls, encrypted workbooks and other formats with a clear message', () => {
    throwsFile(() => detectFileType(ole2), /^\.xls \(Excel 97-2003\) is not supported; save the workbook as \.xlsx or CSV$/);
    assert.equal(XLS_NOT_SUPPORTED, '.xls (Excel 97-2003) is not supported; save the workbook as .xlsx or CSV');
    throwsFile(() => detectFileType(ole2, 'book.xls'), /Excel 97-2003/);
    throwsFile(() => detectFileType(Buffer.from('<html><table>'), 'book.xls'), /Excel 97-2003/);
    throwsFile(() => detectFileType(ole2, 'secret.xlsx'), /encrypted/);
    throwsFile(() => detectFileType(zip, 'book.xlsb'), /xlsb/);
    throwsFile(() => detectFileType(zip, 'sheet.ods'), /OpenDocument/);
    const ods = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')]);
    throwsFile(() => detectFileType(ods), /OpenDocument/);
    throwsFile(() => detectFileType(Buffer.from('%PDF-1.7\n')), /PDF document/);
    throwsFile(() => detectFileType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a])), /PNG image/);
    throwsFile(() => detectFileType(Buffer.from([0xff, 0xfe, 0x61, 0x00])), /UTF-16/);
    throwsFile(() => detectFileType(Buffer.from('a,b\n1,\u0000\u0001')), /binary data.*NUL byte at byte offset 6/);
    throwsFile(() => detectFileType(Buffer.from([0x61, 0x2c, 0xe9, 0x0a])), /not UTF-8 text: byte 0xE9 at byte offset 2/);
    throwsFile(() => detectFileType(Buffer.alloc(0)), /^The file is empty\.$/);
  });

  it('refuses a declared type the bytes contradict, and a text file named .xlsx', () => {
    throwsFile(() => detectFileType(Buffer.from('a,b\n'), 'a.csv', 'EXCEL_WORKSHEET'), /submitFileType is EXCEL_WORKSHEET, but the file is text/);
    throwsFile(() => detectFileType(zip, 'a.xlsx', 'CSV'), /submitFileType is CSV, but the file is a zip archive/);
    throwsFile(() => detectFileType(Buffer.from('a,b\n'), 'a.csv', 'PDF'), /submitFileType must be CSV or EXCEL_WORKSHEET/);
    throwsFile(() => detectFileType(Buffer.from('a,b\n'), 'parts.xlsx'), /named \.xlsx but is text/);
  });

  it('reads the first bytes of a file', async () => {
    const p = file(Buffer.concat([Buffer.from('a,b\n'), Buffer.alloc(10000, 0x41)]));
    assert.equal((await readFirstBytes(p)).length, 4096);
    assert.equal((await readFirstBytes(file(''))).length, 0);
  });
});

describe('CSV reader', () => {
  it('reads LF files: headers, text cells, 1-based row numbers', async () => {
    const r = await readAll(file('number,name,qty\nP-1,Bolt,4\nP-2,Nut,10\n'));
    assert.deepEqual(r.headers, ['number', 'name', 'qty']);
    assert.equal(r.headerRowNumber, 1);
    assert.deepEqual(r.rows, [
      [2, ['P-1', 'Bolt', '4']],
      [3, ['P-2', 'Nut', '10']],
    ]);
  });

  it('reads CRLF files with a BOM, and mixed line endings, the same way', async () => {
    const expected = [
      [2, ['P-1', 'Bolt']],
      [3, ['P-2', 'Nut']],
      [4, ['P-3', 'Washer']],
    ];
    const crlf = await readAll(file('\ufeffnumber,name\r\nP-1,Bolt\r\nP-2,Nut\r\nP-3,Washer\r\n'));
    assert.deepEqual(crlf.headers, ['number', 'name']);
    assert.deepEqual(crlf.rows, expected);
    const mixed = await readAll(file('number,name\r\nP-1,Bolt\nP-2,Nut\rP-3,Washer'));
    assert.deepEqual(mixed.headers, ['number', 'name']);
    assert.deepEqual(mixed.rows, expected);
  });

  it('reads quoted fields holding commas, quotes and line breaks; a multi-line field stays one row', async () => {
    const r = await readAll(
      file('number,description,notes\r\n"P-1","M6, zinc","say ""hi"""\r\n"P-2","two\r\nlines","a\nb"\r\nP-3,"",plain\r\n'),
    );
    assert.deepEqual(r.rows, [
      [2, ['P-1', 'M6, zinc', 'say "hi"']],
      [3, ['P-2', 'two\r\nlines', 'a\nb']],
      [4, ['P-3', null, 'plain']],
    ]);
  });

  it('keeps white space, turns empty fields into null and keeps unicode', async () => {
    const r = await readAll(file('a,b,c\n  x  ,,"é ✓ 😀"\n'));
    assert.deepEqual(r.rows, [[2, ['  x  ', null, 'é ✓ 😀']]]);
  });

  it('counts rows across batches', async () => {
    const lines = ['n,v'];
    for (let i = 0; i < 2500; i++) lines.push(`${i},v${i}`);
    const r = await readAll(file(`${lines.join('\n')}\n`), 'CSV', { batchSize: 1000 });
    assert.deepEqual(r.batches, [
      { first: 2, size: 1000 },
      { first: 1002, size: 1000 },
      { first: 2002, size: 500 },
    ]);
    for (const [n, row] of r.rows) assert.equal(row[0], String(n - 2));
  });

  it('ignores batch sizes and limits that are not positive numbers', async () => {
    const r = await readAll(file('a\n1\n2\n'), 'CSV', { batchSize: 0, maxRowBytes: Number.NaN });
    assert.deepEqual(r.batches, [{ first: 2, size: 2 }]);
  });

  it('a header row alone gives the headers and no rows', async () => {
    for (const content of ['a,b', 'a,b\n', 'a,b\r\n\r\n\n']) {
      const r = await readAll(file(content));
      assert.deepEqual(r.headers, ['a', 'b']);
      assert.deepEqual(r.rows, []);
    }
  });

  it('refuses an empty file', async () => {
    await csvError('', /^The file is empty\.$/);
    await csvError('\ufeff', /^The file is empty\.$/);
    await csvError('\n\r\n\n', /no header row/);
  });

  it('refuses duplicate headers (ignoring case and surrounding spaces); drops trailing empty headers', async () => {
    await csvError('number,name,qty,name\n1,2,3,4\n', /^The column header 'name' appears more than once \(columns 2 and 4 of header row 1\); column headers must be unique\.$/);
    await csvError('number,Name,qty, name \n1,2,3,4\n', /^The column headers 'Name' \(column 2\) and ' name ' \(column 4\) of header row 1 are the same/);
    const r = await readAll(file('a,,c,,\n1,2,3\n'));
    assert.deepEqual(r.headers, ['a', '', 'c']);
    assert.deepEqual(r.rows, [[2, ['1', '2', '3']]]);
  });

  it('pads short rows with null and keeps the extra cells of long rows', async () => {
    const r = await readAll(file('a,b,c\n1\n1,2,3,4\n1,2,,\n,,,\n5,,,,,\n'));
    assert.deepEqual(r.rows, [
      [2, ['1', null, null]],
      [3, ['1', '2', '3', '4']],
      [4, ['1', '2', null]],
      [5, [null, null, null]],
      [6, ['5', null, null]],
    ]);
  });

  it('yields blank lines between rows as blank rows and drops trailing ones; skips leading ones', async () => {
    const r = await readAll(file('\n\na,b\n1,2\n\n3,4\n\n\n'));
    assert.equal(r.headerRowNumber, 3);
    assert.deepEqual(r.rows, [
      [4, ['1', '2']],
      [5, [null, null]],
      [6, ['3', '4']],
    ]);
  });

  it('names the row and line of an unclosed quote', async () => {
    const e = await csvError('a,b\n1,2\n3,"x\n4,5\n6,7\n', /^Row 3 \(starting on line 3\) opens a quoted field that is never closed\.$/);
    assert.ok(e);
    // a quoted field with CRLF inside earlier in the file: lines and rows differ
    await csvError('a,b\r\n"x\r\ny",2\r\n3,"z\r\n', /^Row 3 \(starting on line 4\) opens a quoted field that is never closed/);
    // the row cannot swallow the file: maxRowBytes
    await csvError(`a,b\n1,"${'x'.repeat(5000)}\n2,3\n`, /^Row 2 \(starting on line 2\) is longer than 1,024 bytes \(1 KiB\); is a quote left open\?$/, {
      maxRowBytes: 1024,
    });
  });

  it('names the row and column of a stray quote (strict RFC 4180)', async () => {
    await csvError('a,b\n1,2\n1,5" bolt\n', /^Row 3 \(starting on line 3\), column 2: a quote appears inside an unquoted field/);
    await csvError('a,b\n"1"x,2\n', /^Row 2 \(starting on line 2\), column 1: a quoted field goes on after its closing quote/);
    try {
      await readAll(file('a,b\n1,2\n1,5" bolt\n'));
    } catch (err) {
      assert.equal((err as ImportFileError).rowNumber, 3);
    }
  });

  it('refuses invalid UTF-8, naming the byte offset and line', async () => {
    await csvError(Buffer.from('name,city\nBob,Montr\xe9al\n', 'latin1'), /^The file is not UTF-8 text: byte 0xE9 at byte offset 19 \(line 2\)/);
    // a character cut by the end of the file
    await csvError(Buffer.concat([Buffer.from('a\nx'), Buffer.from([0xe2, 0x9c])]), /byte 0xE2 at byte offset 3 \(line 2\)/);
    // an overlong encoding and a UTF-16 surrogate are invalid too
    await csvError(Buffer.concat([Buffer.from('a\n'), Buffer.from([0xc0, 0xaf])]), /byte 0xC0 at byte offset 2/);
    await csvError(Buffer.concat([Buffer.from('a\n'), Buffer.from([0xed, 0xa0, 0x80])]), /byte 0xED at byte offset 2/);
    await csvError(Buffer.from([0xff, 0xfe, 0x61, 0x00]), /UTF-16/);
  });

  it('reads characters split across read chunks, and finds an invalid byte far into the file', async () => {
    const chunk = 256 * 1024;
    const head = 'name\n';
    const filler = `${'x'.repeat(chunk - head.length - 2)}`; // the 4-byte emoji starts 2 bytes before the chunk boundary
    const r = await readAll(file(`${head}${filler}😀\nnext\n`));
    assert.deepEqual(r.rows, [
      [2, [`${filler}😀`]],
      [3, ['next']],
    ]);
    const lines = ['n'];
    for (let i = 0; i < 100000; i++) lines.push(`row ${i}`);
    const bad = Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), Buffer.from([0x41, 0x80, 0x0a])]);
    await csvError(bad, new RegExp(`byte 0x80 at byte offset ${bad.length - 2} \\(line 100002\\)`));
  });

  it('refuses binary files named .csv', async () => {
    await csvError(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x01, 0x02]), /not CSV text: it holds a NUL byte at byte offset 4 \(line 2\)/);
    let seed = 42;
    const random = Buffer.alloc(65536);
    for (let i = 0; i < random.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      random[i] = (seed >> 16) & 0xff;
    }
    await csvError(random, /NUL byte|not UTF-8/);
    const noNul = Buffer.from(random.map((b) => b || 1));
    await csvError(noNul, /^The file is not UTF-8 text/);
    // detectFileType catches the same from the first bytes
    assert.throws(() => detectFileType(random.subarray(0, 4096), 'data.csv'), ImportFileError);
    // and a zip (an .xlsx) read as CSV is binary
    await csvError(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]), Buffer.alloc(40)]), /NUL byte/);
  });

  it('closes the file when the consumer stops early, and close() is idempotent', async () => {
    const lines = ['n'];
    for (let i = 0; i < 5000; i++) lines.push(String(i));
    const sheet = await openRows(file(lines.join('\n')), 'CSV', { batchSize: 100 });
    let seen = 0;
    for await (const b of sheet.rows) {
      seen += b.rows.length;
      break;
    }
    assert.equal(seen, 100);
    await sheet.close();
    await sheet.close();
    const unread = await openRows(file('a\n1\n'), 'CSV');
    await unread.close();
  });

  it('streams a 200,000-row file', async () => {
    const p = file(''); // a fresh path for the stream
    const out = fs.createWriteStream(p);
    out.write('\ufeffnumber,name,description,category,qty,price,active,date\r\n');
    let buf = '';
    for (let i = 0; i < 200_000; i++) {
      buf += `P-${i},Part ${i},"Desc, with ""quotes"" ${i}",Resistor,${i % 100},${i * 0.25},true,2020-01-01\r\n`;
      if (buf.length > 1 << 20) {
        if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
        buf = '';
      }
    }
    await new Promise<void>((r) => out.end(buf, () => r()));
    const size = fs.statSync(p).size;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let rows = 0;
    let batches = 0;
    let last = 0;
    let peakRss = 0;
    const sheet = await openRows(p, 'CSV');
    for await (const b of sheet.rows) {
      batches++;
      rows += b.rows.length;
      last = b.firstRowNumber + b.rows.length - 1;
      if (batches === 1) assert.deepEqual(b.rows[0], ['P-0', 'Part 0', 'Desc, with "quotes" 0', 'Resistor', '0', '0', 'true', '2020-01-01']);
      if (batches % 20 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    assert.equal(rows, 200_000);
    assert.equal(batches, 200);
    assert.equal(last, 200_001);
    console.log(
      `    # CSV ${rows} rows x 8 (${(size / 1048576).toFixed(1)} MiB): ${ms.toFixed(0)} ms, ` +
        `${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms; ` +
        `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores), peak RSS ${(peakRss / 1048576).toFixed(0)} MiB`,
    );
  });
});
