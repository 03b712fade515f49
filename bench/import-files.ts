/** The benchmark's source files, generated as streams: ITEM_SPECS and ITEM_BOM CSVs and an ITEM_SPECS XLSX. */
import fs from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';

const SPECS_HEADERS = ['number', 'name', 'description', 'category.name', 'lifecyclePhase.name', 'uom', 'procurementType', 'productionCost'];

function specsRow(prefix: string, i: number): string[] {
  return [`${prefix}-${String(i).padStart(7, '0')}`, `Part ${i}`, `Resistor ${i} ohm, 1%`, 'Resistor', 'In Design', 'each', 'OTS', String((i % 1000) / 100)];
}

export function itemNumber(prefix: string, i: number): string {
  return specsRow(prefix, i)[0];
}

function csvLine(cells: string[]): string {
  return `${cells.map((c) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')}\n`;
}

async function writeLines(file: string, header: string[], count: number, row: (i: number) => string[]): Promise<void> {
  const out = fs.createWriteStream(file);
  let buf = csvLine(header);
  for (let i = 1; i <= count; i++) {
    buf += csvLine(row(i));
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/** `count` new items numbered `<prefix>-0000001`… */
export function writeSpecsCsv(file: string, prefix: string, count: number): Promise<void> {
  return writeLines(file, SPECS_HEADERS, count, (i) => specsRow(prefix, i));
}

/**
 * `lines` BOM lines over the items of writeSpecsCsv(prefix, items): the first fifth of the items are
 * assemblies with up to five children each from the other four fifths (so no cycles), two ref-des each.
 */
export function writeBomCsv(file: string, prefix: string, items: number, lines: number): Promise<void> {
  const parents = Math.max(1, Math.floor(items / 5));
  const children = items - parents;
  const perParent = Math.ceil(lines / parents);
  return writeLines(file, ['parent.number', 'item.number', 'quantity', 'refDes', 'notes'], lines, (i) => {
    const p = Math.floor((i - 1) / perParent);
    const k = (i - 1) % perParent;
    const child = parents + 1 + ((p * perParent + k) % children);
    return [itemNumber(prefix, p + 1), itemNumber(prefix, child), '2', `R${2 * k + 1},R${2 * k + 2}`, `line ${k + 1}`];
  });
}

/** An ITEM_SPECS workbook of `count` rows written with exceljs's streaming writer (shared strings). */
export async function writeSpecsXlsx(file: string, prefix: string, count: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const ws = wb.addWorksheet('Items');
  ws.addRow(SPECS_HEADERS).commit();
  for (let i = 1; i <= count; i++) {
    const r = specsRow(prefix, i);
    ws.addRow([...r.slice(0, 7), Number(r[7])]).commit();
  }
  ws.commit();
  await wb.commit();
}
