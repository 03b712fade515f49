/**
 * Import readers, part 2: the XLSX reader. Workbooks are written here by exceljs, re-packed with yazl to
 * control the order of the zip entries, or written by hand (inline strings, prefixes, odd cell types).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import yazl from 'yazl';
import {
  type CellValue,
  detectFileType,
  ImportFileError,
  openRows,
  type ReadOptions,
  readFirstBytes,
} from '../../src/engine/import/readers/index.js';
import { fileError, inputFiles, readAll as readSheet } from '../helpers/readers.js';
import { readZip } from '../helpers/zip.js';

const file = inputFiles('plmx-readers-xlsx-', '.xlsx');
const readAll = (p: string, opts: ReadOptions = {}) => readSheet(p, 'EXCEL_WORKSHEET', opts);

const xlsxError = (buf: Buffer, re: RegExp, opts: ReadOptions = {}) => fileError(() => readAll(file(buf), opts), re);

async function excelBook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function zipOf(entries: Iterable<[string, Buffer | string]>, compressionLevel = 6): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) zip.addBuffer(Buffer.from(data), name, { compressionLevel });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as Readable) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Excel's entry order: the workbook first, then the worksheets, styles and shared strings after them. */
function excelOrder(name: string): number {
  const order: [RegExp, number][] = [
    [/^\[Content_Types\]\.xml$/, 0],
    [/^_rels\/\.rels$/, 1],
    [/^xl\/workbook\.xml$/, 2],
    [/^xl\/_rels\/workbook\.xml\.rels$/, 3],
    [/^xl\/worksheets\//, 4],
    [/^xl\/theme\//, 5],
    [/^xl\/styles\.xml$/, 6],
    [/^xl\/sharedStrings\.xml$/, 7],
  ];
  return order.find(([re]) => re.test(name))?.[1] ?? 8;
}

/** The same package with its entries stored in Excel's order (directory entries dropped). */
async function repackExcelOrder(buf: Buffer): Promise<Buffer> {
  const entries = [...(await readZip(buf)).entries()].filter(([n]) => !n.endsWith('/'));
  entries.sort((a, b) => excelOrder(a[0]) - excelOrder(b[0]) || a[0].localeCompare(b[0]));
  return zipOf(entries);
}

async function entryNames(buf: Buffer): Promise<string[]> {
  return [...(await readZip(buf)).keys()].filter((n) => !n.endsWith('/'));
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A package written by hand: no styles or shared strings unless given; worksheets in the order given. */
function handPackage(
  sheets: { name: string; xml: string }[],
  extra: { workbookPr?: string; styles?: string; sharedStrings?: string } = {},
): [string, string][] {
  const rels = sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`);
  if (extra.styles) rels.push(`<Relationship Id="rIdS" Type="${REL}/styles" Target="styles.xml"/>`);
  if (extra.sharedStrings) rels.push(`<Relationship Id="rIdSS" Type="${REL}/sharedStrings" Target="/xl/sharedStrings.xml"/>`);
  const entries: [string, string][] = [
    ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'],
    ['_rels/.rels', `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
    [
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS}>${extra.workbookPr ?? ''}<sheets>${sheets
        .map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
        .join('')}</sheets></workbook>`,
    ],
    ['xl/_rels/workbook.xml.rels', `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`],
  ];
  sheets.forEach((s, i) => entries.push([`xl/worksheets/sheet${i + 1}.xml`, s.xml]));
  if (extra.styles) entries.push(['xl/styles.xml', extra.styles]);
  if (extra.sharedStrings) entries.push(['xl/sharedStrings.xml', extra.sharedStrings]);
  return entries;
}

function sheetXml(rows: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><dimension ref="A1"/><sheetData>${rows}</sheetData><pageMargins left="0.7"/></worksheet>`;
}

const is = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

function threeSheets(wb: ExcelJS.Workbook): void {
  const notes = wb.addWorksheet('Notes');
  notes.addRow(['Read me']);
  notes.addRow(['This workbook holds items and a BOM']);
  const items = wb.addWorksheet('Items');
  items.addRow(['number', 'name', 'qty']);
  items.addRow(['P-1', 'Bolt', 4]);
  items.addRow(['P-2', 'Nut', 10]);
  const bom = wb.addWorksheet('BOM');
  bom.addRow(['parent', 'child', 'qty']);
  bom.addRow(['P-1', 'P-2', 2]);
}

describe('XLSX reader: packages and worksheet choice', () => {
  it('reads a workbook written by exceljs (xl/workbook.xml stored after the worksheets)', async () => {
    const buf = await excelBook(threeSheets);
    const names = await entryNames(buf);
    assert.ok(names.indexOf('xl/workbook.xml') > names.indexOf('xl/worksheets/sheet3.xml'), names.join());
    const p = file(buf);
    assert.equal(detectFileType(await readFirstBytes(p), 'book.xlsx'), 'EXCEL_WORKSHEET');
    const items = await readAll(p, { worksheetName: 'Items' });
    assert.equal(items.sheetName, 'Items');
    assert.deepEqual(items.headers, ['number', 'name', 'qty']);
    assert.deepEqual(items.rows, [
      [2, ['P-1', 'Bolt', 4]],
      [3, ['P-2', 'Nut', 10]],
    ]);
  });

  it('reads the same workbook stored in Excel order (workbook first, shared strings after the worksheets)', async () => {
    const buf = await repackExcelOrder(await excelBook(threeSheets));
    const names = await entryNames(buf);
    assert.equal(names[2], 'xl/workbook.xml');
    assert.ok(names.indexOf('xl/sharedStrings.xml') > names.indexOf('xl/worksheets/sheet3.xml'));
    const p = file(buf);
    const bom = await readAll(p, { worksheetName: 'BOM' });
    assert.deepEqual([bom.sheetName, bom.headers, bom.rows], ['BOM', ['parent', 'child', 'qty'], [[2, ['P-1', 'P-2', 2]]]]);
    const items = await readAll(p, { worksheetName: 'Items' });
    assert.deepEqual(items.rows, [
      [2, ['P-1', 'Bolt', 4]],
      [3, ['P-2', 'Nut', 10]],
    ]);
  });

  it('chooses the named worksheet (exact, else ignoring case), else the first; a missing name lists the worksheets', async () => {
    const p = file(await repackExcelOrder(await excelBook(threeSheets)));
    const first = await readAll(p);
    assert.deepEqual([first.sheetName, first.headers, first.rows], ['Notes', ['Read me'], [[2, ['This workbook holds items and a BOM']]]]);
    assert.equal((await readAll(p, { worksheetName: '' })).sheetName, 'Notes');
    assert.equal((await readAll(p, { worksheetName: 'items' })).sheetName, 'Items');
    assert.equal((await readAll(p, { worksheetName: ' bom ' })).sheetName, 'BOM');
    await fileError(() => readAll(p, { worksheetName: 'Parts' }), /^The workbook has no worksheet named 'Parts'\. Its worksheets are: 'Notes', 'Items', 'BOM'\.$/);
  });

  it('finds the parts through the relationships, whatever their names and order', async () => {
    const sheets = [
      { name: 'Hidden first', xml: sheetXml(`<row r="1">${is('A1', 'x')}</row>`) },
      { name: 'Data', xml: sheetXml(`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>`) },
    ];
    const entries = handPackage(sheets, {
      sharedStrings: `<sst ${NS} count="2" uniqueCount="2"><si><t>name</t></si><si><t>Bolt</t></si></sst>`,
    }).reverse(); // every part before the parts that point to it
    const r = await readAll(file(await zipOf(entries)), { worksheetName: 'Data' });
    assert.deepEqual([r.headers, r.rows], [['name'], [[2, ['Bolt']]]]);
    // a chart sheet first: the default is the first worksheet; naming the chart sheet is refused
    const withChart = entries.map(([n, d]): [string, string] =>
      n === 'xl/_rels/workbook.xml.rels' ? [n, d.replace(`${REL}/worksheet" Target="worksheets/sheet1.xml"`, `${REL}/chartsheet" Target="worksheets/sheet1.xml"`)] : [n, d],
    );
    const p = file(await zipOf(withChart));
    assert.equal((await readAll(p)).sheetName, 'Data');
    await fileError(() => readAll(p, { worksheetName: 'hidden FIRST' }), /^'Hidden first' is a chart sheet, not a worksheet\.$/);
  });
});

describe('XLSX reader: cells', () => {
  it('reads inline strings (rich text joined, phonetic runs left out), booleans, errors, formula text, ISO dates', async () => {
    const rows = [
      `<row r="1">${['Text', 'Rich', 'Bool', 'Error', 'Formula', 'Iso', 'Number'].map((h, i) => is(`${String.fromCharCode(65 + i)}1`, h)).join('')}</row>`,
      '<row r="2">' +
        `<c r="A2" t="inlineStr"><is><t>Line1_x000D_\nLine2 &lt;b&gt; &amp; caf&#233; &#x1F600;</t></is></c>` +
        '<c r="B2" t="inlineStr"><is><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space="preserve"> text</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></is></c>' +
        '<c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>' +
        '<c r="E2" t="str"><f>UPPER(A2)</f><v>calc &amp; text</v></c><c r="F2" t="d"><v>2024-03-01T10:20:30</v></c>' +
        '<c r="G2"><v>1e3</v></c></row>',
      '<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve">  spaced  </t></is></c><c r="B3" t="inlineStr"><is><t/></is></c>' +
        '<c r="C3" t="b"><v>0</v></c><c r="D3" t="e"><v>#N/A</v></c><c r="E3" t="str"><f>A1</f></c><c r="F3" t="d"><v>2024-03-01</v></c>' +
        '<c r="G3"><v>-0.5</v></c></row>',
    ];
    const r = await readAll(file(await zipOf(handPackage([{ name: 'Sheet1', xml: sheetXml(rows.join('\n')) }]))));
    assert.deepEqual(r.headers, ['Text', 'Rich', 'Bool', 'Error', 'Formula', 'Iso', 'Number']);
    assert.deepEqual(r.rows, [
      [2, ['Line1\r\nLine2 <b> & café 😀', 'Bold text', true, '#DIV/0!', 'calc & text', '2024-03-01T10:20:30Z', 1000]],
      [3, ['  spaced  ', null, false, '#N/A', null, '2024-03-01', -0.5]],
    ]);
  });

  it('reads prefixed elements, cells and rows without references, and shared strings with rich text', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>' +
      '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>' +
      '<x:row><x:c t="s"><x:v>2</x:v></x:c><x:c><x:v>7</x:v></x:c></x:row>' +
      '<x:row><x:c r="B3"><x:v>8</x:v></x:c></x:row>' +
      '</x:sheetData></x:worksheet>';
    const sst =
      `<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
      '<x:si><x:t>Ünïcødé ✓</x:t></x:si><x:si><x:t>qty</x:t></x:si>' +
      '<x:si><x:r><x:t>ab</x:t></x:r><x:r><x:rPr><x:i/></x:rPr><x:t>cd</x:t></x:r><x:rPh><x:t>ignored</x:t></x:rPh></x:si></x:sst>';
    const r = await readAll(file(await zipOf(handPackage([{ name: 'S', xml }], { sharedStrings: sst }))));
    assert.deepEqual(r.headers, ['Ünïcødé ✓', 'qty']);
    assert.deepEqual(r.rows, [
      [2, ['abcd', 7]],
      [3, [null, 8]],
    ]);
  });

  it('reads numbers, booleans, dates and times by their number format, and formula cells by their cached value', async () => {
    const buf = await excelBook((wb) => {
      const ws = wb.addWorksheet('Values');
      ws.addRow(['int', 'real', 'yes', 'no', 'date', 'datetime', 'dmy', 'percent', 'time', 'red', 'locale', 'formula', 'fstr', 'ferr', 'fnone']);
      ws.addRow([
        42,
        -3.25e-7,
        true,
        false,
        new Date(Date.UTC(2024, 0, 15)),
        new Date(Date.UTC(2024, 0, 15, 13, 45, 30)),
        new Date(Date.UTC(2024, 1, 29)),
        0.25,
        0.5,
        1234.5,
        new Date(Date.UTC(1999, 11, 31)),
        { formula: 'A2*2', result: 84 },
        { formula: 'UPPER("x")', result: 'X' },
        { formula: '1/0', result: { error: '#DIV/0!' } },
        { formula: 'A2+1' },
      ]);
      ws.getCell('F2').numFmt = 'yyyy-mm-dd hh:mm:ss';
      ws.getCell('G2').numFmt = 'dd/mm/yyyy';
      ws.getCell('H2').numFmt = '0.00%';
      ws.getCell('I2').numFmt = 'h:mm AM/PM';
      ws.getCell('J2').numFmt = '[Red]#,##0.00;"minus "#,##0.00';
      ws.getCell('K2').numFmt = '[$-409]d-mmm-yy;@';
    });
    const r = await readAll(file(buf));
    assert.deepEqual(r.rows, [
      [2, [42, -3.25e-7, true, false, '2024-01-15', '2024-01-15T13:45:30Z', '2024-02-29', 0.25, '12:00:00', 1234.5, '1999-12-31', 84, 'X', '#DIV/0!', null]],
    ]);
  });

  it('reads dates of the 1904 date system', async () => {
    const buf = await excelBook((wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet('D');
      ws.addRow(['date', 'datetime']);
      ws.addRow([new Date(Date.UTC(2024, 0, 15)), new Date(Date.UTC(1904, 0, 2, 6))]);
      ws.getCell('B2').numFmt = 'yyyy-mm-dd hh:mm';
    });
    assert.match((await readZip(buf)).get('xl/workbook.xml')!.toString(), /date1904="1"/);
    const r = await readAll(file(buf));
    assert.deepEqual(r.rows, [[2, ['2024-01-15', '1904-01-02T06:00:00Z']]]);
  });

  it('reads custom date formats from styles.xml and keeps Excel 1900 leap-year serials', async () => {
    const styles =
      `<styleSheet ${NS}><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="&quot;Day&quot; 0"/>` +
      '<numFmt numFmtId="166" formatCode="[h]:mm:ss"/></numFmts>' +
      '<cellStyleXfs count="1"><xf numFmtId="22"/></cellStyleXfs>' +
      '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="22"/></cellXfs></styleSheet>';
    const xml = sheetXml(
      `<row r="1">${is('A1', 'a')}${is('B1', 'b')}${is('C1', 'c')}${is('D1', 'd')}${is('E1', 'e')}</row>` +
        '<row r="2"><c r="A2" s="1"><v>59</v></c><c r="B2" s="1"><v>60</v></c><c r="C2" s="1"><v>61</v></c><c r="D2" s="2"><v>5</v></c><c r="E2" s="3"><v>0.75</v></c></row>' +
        '<row r="3"><c r="A3" s="4"><v>45306.25</v></c><c r="B3" s="1"><v>-1</v></c><c r="C3" s="9"><v>3</v></c><c r="D3" s="0"><v>45306</v></c><c r="E3" s="3"><v>1.5</v></c></row>',
    );
    const r = await readAll(file(await zipOf(handPackage([{ name: 'S', xml }], { styles }))));
    assert.deepEqual(r.rows, [
      [2, ['1900-02-28', '1900-02-28', '1900-03-01', 5, '18:00:00']],
      [3, ['2024-01-15T06:00:00Z', -1, 3, 45306, '1900-01-01T12:00:00Z']],
    ]);
  });

  it('reads sparse cells as null, left-out rows as blank rows, and drops trailing blank (styled) rows', async () => {
    const buf = await excelBook((wb) => {
      const ws = wb.addWorksheet('Sparse');
      ws.getCell('A3').value = 'id';
      ws.getCell('B3').value = 'name';
      ws.getCell('C3').value = 'qty';
      ws.getCell('D3').value = 'note';
      ws.getCell('A4').value = 1;
      ws.getCell('D4').value = 'x';
      ws.getCell('C7').value = 7;
      ws.getCell('F7').value = 'beyond';
      ws.getCell('B10').numFmt = '0.00'; // a styled, empty cell
      ws.getCell('B10').font = { bold: true };
    });
    const r = await readAll(file(buf));
    assert.equal(r.headerRowNumber, 3);
    assert.deepEqual(r.headers, ['id', 'name', 'qty', 'note']);
    assert.deepEqual(r.rows, [
      [4, [1, null, null, 'x']],
      [5, [null, null, null, null]],
      [6, [null, null, null, null]],
      [7, [null, null, 7, null, null, 'beyond']],
    ]);
  });

  it('keeps row numbers consecutive across batches when rows are left out', async () => {
    const xml = sheetXml(`<row r="1">${is('A1', 'n')}</row><row r="2"><c r="A2"><v>2</v></c></row><row r="2505"><c r="A2505"><v>2505</v></c></row>`);
    const sheet = await openRows(file(await zipOf(handPackage([{ name: 'S', xml }]))), 'EXCEL_WORKSHEET', { batchSize: 1000 });
    const batches: [number, number][] = [];
    const values = new Map<number, CellValue>();
    for await (const b of sheet.rows) {
      batches.push([b.firstRowNumber, b.rows.length]);
      b.rows.forEach((r, i) => r[0] !== null && values.set(b.firstRowNumber + i, r[0]));
    }
    assert.deepEqual(batches, [
      [2, 1000],
      [1002, 1000],
      [2002, 504],
    ]);
    assert.deepEqual([...values], [
      [2, 2],
      [2505, 2505],
    ]);
  });

  it('reads what plmx exports (exceljs streaming writer, no shared strings, no styles)', async () => {
    const p = file(Buffer.alloc(0)); // a fresh path for the writer
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: p, useSharedStrings: false, useStyles: false });
    for (const name of ['SPECS', 'BOM']) {
      const ws = wb.addWorksheet(name);
      ws.addRow(['number', 'name', 'active', `${name} =formula-looking`]).commit();
      ws.addRow(['P-1', '=not a formula', true, 1.5]).commit();
      await ws.commit();
    }
    await wb.commit();
    const r = await readAll(p, { worksheetName: 'BOM' });
    assert.deepEqual([r.headers, r.rows], [['number', 'name', 'active', 'BOM =formula-looking'], [[2, ['P-1', '=not a formula', true, 1.5]]]]);
  });

  it('refuses duplicate headers, naming the columns by letter', async () => {
    const buf = await excelBook((wb) => wb.addWorksheet('S').addRow(['Number', 'Name', 'NUMBER']));
    await xlsxError(buf, /^The column headers 'Number' \(column A\) and 'NUMBER' \(column C\) of header row 1 are the same/);
  });

  it('refuses an empty worksheet; a header row alone gives no rows', async () => {
    const buf = await excelBook((wb) => {
      wb.addWorksheet('Empty');
      wb.addWorksheet('Header').addRow(['a', 'b']);
    });
    await xlsxError(buf, /^The worksheet 'Empty' is empty\.$/);
    const r = await readAll(file(buf), { worksheetName: 'Header' });
    assert.deepEqual([r.headers, r.rows], [['a', 'b'], []]);
  });

  it('bounds the shared strings held in memory', async () => {
    const buf = await excelBook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['a', 'b', 'c']);
      ws.addRow(['one', 'two', 'three']);
    });
    await xlsxError(buf, /more than 5 distinct texts \(shared strings\)/, { maxSharedStrings: 5 });
    await xlsxError(buf, /exceed 8 characters/, { maxSharedStringChars: 8 });
    assert.equal((await readAll(file(buf), { maxSharedStrings: 6 })).rows.length, 1);
  });

  it('stops reading when the consumer stops early', async () => {
    const buf = await excelBook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['n']);
      for (let i = 0; i < 3000; i++) ws.addRow([i]);
    });
    const sheet = await openRows(file(buf), 'EXCEL_WORKSHEET', { batchSize: 500 });
    for await (const b of sheet.rows) {
      assert.deepEqual([b.firstRowNumber, b.rows.length, b.rows[0]], [2, 500, [0]]);
      break;
    }
    await sheet.close();
    const unread = await openRows(file(buf), 'EXCEL_WORKSHEET');
    await unread.close();
    await unread.close();
  });
});

describe('XLSX reader: bad files', () => {
  it('refuses .xls (OLE2) bytes', async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4088)]);
    const p = file(xls, '.xls');
    assert.throws(
      () => detectFileType(xls.subarray(0, 4096), 'old.xlsx'),
      (e: unknown) => e instanceof ImportFileError && /encrypted/.test(e.message),
    );
    assert.throws(
      () => detectFileType(xls.subarray(0, 4096), 'old.bin'),
      (e: unknown) => e instanceof ImportFileError && e.message === '.xls (Excel 97-2003) is not supported; save the workbook as .xlsx or CSV',
    );
    // read as a workbook anyway, it is not a zip
    await fileError(() => readAll(p), /^The \.xlsx file is damaged: it is not a complete zip archive/);
  });

  it('refuses a truncated workbook', async () => {
    const buf = await excelBook(threeSheets);
    await xlsxError(buf.subarray(0, Math.floor(buf.length / 2)), /^The \.xlsx file is damaged: it is not a complete zip archive \(truncated/);
    // cut just before the central directory's end record: still refused
    await xlsxError(buf.subarray(0, buf.length - 10), /^The \.xlsx file is damaged/);
  });

  it('refuses a corrupt entry, a corrupt XML part and a missing worksheet part', async () => {
    const good = await repackExcelOrder(await excelBook(threeSheets));
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) =>
      yauzl.fromBuffer(good, { lazyEntries: true }, (err, zip) => {
        if (err) return reject(err);
        zip.on('entry', (e: yauzl.Entry) => {
          entries.set(e.fileName, e);
          zip.readEntry();
        });
        zip.on('end', () => resolve());
        zip.readEntry();
      }),
    );
    const sheet = entries.get('xl/worksheets/sheet2.xml')!;
    const local = sheet.relativeOffsetOfLocalHeader;
    const dataStart = local + 30 + good.readUInt16LE(local + 26) + good.readUInt16LE(local + 28);
    const corrupt = Buffer.from(good);
    corrupt.fill(0xff, dataStart, dataStart + Math.min(40, sheet.compressedSize));
    await xlsxError(corrupt, /^The \.xlsx file is damaged: xl\/worksheets\/sheet2\.xml (holds invalid compressed data|inflates to)/, { worksheetName: 'Items' });
    const badHeader = Buffer.from(good);
    badHeader.writeUInt32LE(0x12345678, local);
    await xlsxError(badHeader, /^The \.xlsx file is damaged: invalid local file header signature/, { worksheetName: 'Items' });

    const parts = await readZip(good);
    parts.set('xl/worksheets/sheet2.xml', Buffer.from(sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></row>')));
    await xlsxError(await zipOf([...parts].filter(([n]) => !n.endsWith('/'))), /^The \.xlsx file is damaged: xl\/worksheets\/sheet2\.xml is not well-formed XML/, {
      worksheetName: 'Items',
    });
    parts.set('xl/worksheets/sheet2.xml', Buffer.from(sheetXml('<row r="2"><c r="A2" t="s"><v>999</v></c></row>')));
    await xlsxError(await zipOf([...parts].filter(([n]) => !n.endsWith('/'))), /cell A2 refers to shared string 999, but the workbook has \d+/, {
      worksheetName: 'Items',
    });
    parts.set('xl/worksheets/sheet2.xml', Buffer.from(sheetXml('<row r="5"><c r="A5"><v>1</v></c></row><row r="3"><c r="A3"><v>1</v></c></row>')));
    await xlsxError(await zipOf([...parts].filter(([n]) => !n.endsWith('/'))), /row 3 comes after row 5/, { worksheetName: 'Items' });
    parts.delete('xl/worksheets/sheet2.xml');
    await xlsxError(await zipOf([...parts].filter(([n]) => !n.endsWith('/'))), /the part xl\/worksheets\/sheet2\.xml of worksheet 'Items' is missing/, {
      worksheetName: 'Items',
    });
  });

  it('refuses zips that are not workbooks, and text read as a workbook', async () => {
    await xlsxError(await zipOf([['hello.txt', 'hi']]), /^The file is a zip archive but not an \.xlsx workbook/);
    await xlsxError(await zipOf([['word/document.xml', '<w/>']]), /Word document/);
    await xlsxError(await zipOf([['mimetype', 'application/vnd.oasis.opendocument.spreadsheet'], ['content.xml', '<x/>']]), /OpenDocument/);
    await xlsxError(await zipOf([['xl/workbook.bin', 'x']]), /xlsb/);
    await xlsxError(Buffer.from('number,name\nP-1,Bolt\n'), /damaged: it is not a complete zip archive/);
    const withDoctype = handPackage([{ name: 'S', xml: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet ${NS}><sheetData/></worksheet>` }]);
    await xlsxError(await zipOf(withDoctype), /declares a DOCTYPE/);
  });

  it('stops a zip bomb: a small .xlsx whose worksheet inflates to hundreds of MB', async () => {
    const MiB = 1024 * 1024;
    const head = `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData><row r="1">${is('A1', 'h')}</row>`;
    const filler = Buffer.from('<a/>'.repeat(MiB)); // 4 MiB of elements the reader skips
    const repeats = 75; // 300 MiB
    const t0 = performance.now();
    const bombZip = new yazl.ZipFile();
    for (const [name, data] of handPackage([{ name: 'Bomb', xml: '' }]).filter(([n]) => !n.startsWith('xl/worksheets/'))) {
      bombZip.addBuffer(Buffer.from(data), name);
    }
    bombZip.addReadStream(
      Readable.from(
        (function* () {
          yield Buffer.from(head);
          for (let i = 0; i < repeats; i++) yield filler;
          yield Buffer.from('</sheetData></worksheet>');
        })(),
      ),
      'xl/worksheets/sheet1.xml',
      { compressionLevel: 1 },
    );
    bombZip.end();
    const chunks: Buffer[] = [];
    for await (const c of bombZip.outputStream as Readable) chunks.push(c as Buffer);
    const bomb = Buffer.concat(chunks);
    const genMs = performance.now() - t0;
    assert.ok(bomb.length < 3 * MiB, `${bomb.length}`);
    const t1 = performance.now();
    await xlsxError(bomb, /^The \.xlsx file inflates beyond the limit of 52,428,800 bytes \(50 MiB\) \(xl\/worksheets\/sheet1\.xml inflates to 31[0-9,]+ bytes/, {
      maxInflatedBytes: 50 * MiB,
    });
    console.log(`    # bomb: ${(bomb.length / MiB).toFixed(1)} MiB zip -> ${repeats * 4} MiB, generated in ${genMs.toFixed(0)} ms, refused in ${(performance.now() - t1).toFixed(0)} ms`);

    // the same bomb lying about its size in the central directory: stopped while inflating
    const lying = Buffer.from(bomb);
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    let cd = lying.indexOf(Buffer.concat([name]), lying.length - 2000);
    while (cd !== -1 && lying.readUInt32LE(cd - 46) !== 0x02014b50) cd = lying.indexOf(name, cd + 1);
    assert.ok(cd !== -1);
    lying.writeUInt32LE(1000, cd - 46 + 24);
    await xlsxError(lying, /^The \.xlsx file is damaged: xl\/worksheets\/sheet1\.xml inflates to more bytes than its zip header declares/, {
      maxInflatedBytes: 50 * MiB,
    });
    lying.writeUInt32LE(0xfffffff0, cd - 46 + 24); // declares ~4 GiB: refused before inflating
    await xlsxError(lying, /inflates beyond the limit of 52,428,800 bytes/, { maxInflatedBytes: 50 * MiB });
  });

  it('refuses a text node too large for any valid worksheet instead of buffering it', async () => {
    const xml = sheetXml(`<row r="1">${is('A1', 'h')}</row><row r="2"><c r="A2" t="inlineStr"><is><t>${'x'.repeat(9 * 1024 * 1024)}</t></is></c></row>`);
    await xlsxError(await zipOf(handPackage([{ name: 'S', xml }]), 1), /sheet1\.xml holds more than 8,388,608 characters without a tag/);
  });
});

describe('XLSX reader: volume', () => {
  it('reads a 135,000-row x 8-column workbook end to end', async () => {
    const p = file(Buffer.alloc(0)); // a fresh path for the writer
    const t0 = performance.now();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: p, useSharedStrings: true, useStyles: true });
    const ws = wb.addWorksheet('Items');
    ws.addRow(['number', 'name', 'description', 'category', 'qty', 'price', 'active', 'date']).commit();
    const day = Date.UTC(2020, 0, 1);
    for (let i = 0; i < 135_000; i++) {
      ws.addRow([`P-${i}`, `Part ${i}`, `Description of part ${i}`, i % 3 ? 'Resistor' : 'Capacitor', i % 100, i / 4, i % 2 === 0, new Date(day + (i % 1000) * 86400000)]).commit();
    }
    await ws.commit();
    await wb.commit();
    const genMs = performance.now() - t0;
    const size = fs.statSync(p).size;

    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const sheet = await openRows(p, detectFileType(await readFirstBytes(p), 'large.xlsx'));
    let rows = 0;
    let last: CellValue[] = [];
    let lastNumber = 0;
    for await (const b of sheet.rows) {
      rows += b.rows.length;
      last = b.rows[b.rows.length - 1];
      lastNumber = b.firstRowNumber + b.rows.length - 1;
      if (b.firstRowNumber === 2) assert.deepEqual(b.rows[0], ['P-0', 'Part 0', 'Description of part 0', 'Capacitor', 0, 0, true, '2020-01-01']);
      if (rows % 10_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const ms = performance.now() - t1;
    const cpu = process.cpuUsage(cpu0);
    assert.equal(rows, 135_000);
    assert.equal(lastNumber, 135_001);
    assert.deepEqual(last, ['P-134999', 'Part 134999', 'Description of part 134999', 'Resistor', 99, 33749.75, false, '2022-09-26']);
    console.log(
      `    # XLSX 135,000 rows x 8 (${(size / 1048576).toFixed(1)} MiB, written in ${(genMs / 1000).toFixed(1)} s): read in ${ms.toFixed(0)} ms ` +
        `(${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s, CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, ` +
        `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores), RSS ${(rssBefore / 1048576).toFixed(0)} -> peak ${(peakRss / 1048576).toFixed(0)} MiB`,
    );
  });
});
