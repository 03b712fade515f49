/**
 * The small parts of an XLSX package the worksheet reader needs before it streams a worksheet:
 * the workbook (sheet names in tab order, the date system), relationships (sheet -> part path),
 * styles (which cell styles are dates) and the shared strings table, which is held in memory under
 * count and size limits. Part paths come from the relationships, not from fixed names.
 */
import path from 'node:path/posix';
import { ImportFileError } from './reader.js';
import { builtinDateKind, formatDateKind } from './xlsx-dates.js';
import { localName, parseXmlPart, unescapeOoxml } from './xml-part.js';
import { damaged, type ZipArchive } from './zip-archive.js';

export interface Relationship {
  id: string;
  /** the relationship type URI's last segment: `worksheet`, `chartsheet`, `sharedStrings`, `styles`, … */
  type: string;
  /** the target part's path in the zip, or the raw target of an external relationship */
  target: string;
  external: boolean;
}

export interface SheetEntry {
  name: string;
  relId: string;
  /** `visible` (absent), `hidden` or `veryHidden` */
  state: string;
}

export interface WorkbookInfo {
  sheets: SheetEntry[];
  date1904: boolean;
}

function relsPathOf(part: string): string {
  return `${path.dirname(part) === '.' ? '' : `${path.dirname(part)}/`}_rels/${path.basename(part)}.rels`;
}

function resolveTarget(sourcePart: string, target: string): string {
  let t = target;
  try {
    t = decodeURIComponent(t);
  } catch {
    // keep it as written
  }
  if (t.startsWith('/')) return path.normalize(t).slice(1);
  return path.normalize(path.join(path.dirname(sourcePart), t)).replace(/^(\.\.\/)+/, '');
}

/** The relationships of a part (empty when it has none). */
export async function readRelationships(zip: ZipArchive, part: string): Promise<Relationship[]> {
  const relsPath = relsPathOf(part);
  const rels: Relationship[] = [];
  if (!zip.has(relsPath)) return rels;
  await parseXmlPart(zip, relsPath, {
    open(name, a) {
      if (name !== 'Relationship' || !a.Id || !a.Target) return;
      const external = a.TargetMode === 'External';
      rels.push({
        id: a.Id,
        type: (a.Type ?? '').replace(/^.*\//, ''),
        target: external ? a.Target : resolveTarget(part, a.Target),
        external,
      });
    },
  });
  return rels;
}

/** The workbook part's path: the package's officeDocument relationship, else `xl/workbook.xml`. */
export async function findWorkbookPart(zip: ZipArchive): Promise<string> {
  const root = await readRelationships(zip, '');
  const office = root.find((r) => r.type === 'officeDocument' && !r.external);
  const part = office && zip.has(office.target) ? office.target : 'xl/workbook.xml';
  if (zip.has(part)) return part;
  if (zip.has('xl/workbook.bin')) {
    throw new ImportFileError('.xlsb (Excel binary workbook) is not supported; save the workbook as .xlsx or CSV.');
  }
  if (zip.has('mimetype') && zip.has('content.xml')) {
    throw new ImportFileError('The file is an OpenDocument file (.ods), which is not supported; save it as .xlsx or as UTF-8 CSV.');
  }
  if (zip.has('word/document.xml')) throw new ImportFileError('The file is a Word document, not an .xlsx workbook.');
  if (zip.has('ppt/presentation.xml')) throw new ImportFileError('The file is a PowerPoint presentation, not an .xlsx workbook.');
  throw new ImportFileError('The file is a zip archive but not an .xlsx workbook (it has no xl/workbook.xml).');
}

export async function readWorkbook(zip: ZipArchive, part: string): Promise<WorkbookInfo> {
  const info: WorkbookInfo = { sheets: [], date1904: false };
  let inSheets = false;
  await parseXmlPart(zip, part, {
    open(name, a) {
      if (name === 'workbookPr') {
        info.date1904 = a.date1904 === '1' || a.date1904 === 'true';
      } else if (name === 'sheets') {
        inSheets = true;
      } else if (name === 'sheet' && inSheets) {
        let relId = '';
        for (const key of Object.keys(a)) if (key.includes(':') && localName(key) === 'id') relId = a[key];
        info.sheets.push({ name: a.name ?? '', relId, state: a.state ?? 'visible' });
      }
    },
    close(name) {
      if (name === 'sheets') inSheets = false;
    },
  });
  return info;
}

export interface ChosenSheet {
  name: string;
  part: string;
}

function quoteNames(sheets: readonly SheetEntry[]): string {
  return sheets.map((s) => `'${s.name}'`).join(', ');
}

/**
 * The worksheet to read: `wanted` by exact name, else ignoring case and surrounding white space; without
 * a name, the first worksheet in tab order (hidden ones included; chart sheets skipped).
 */
export function chooseSheet(workbook: WorkbookInfo, rels: readonly Relationship[], wanted: string | undefined): ChosenSheet {
  const byId = new Map(rels.map((r) => [r.id, r]));
  const isWorksheet = (s: SheetEntry) => byId.get(s.relId)?.type === 'worksheet';
  let sheet: SheetEntry | undefined;
  if (wanted !== undefined && wanted !== '') {
    const folded = wanted.trim().toLowerCase();
    sheet = workbook.sheets.find((s) => s.name === wanted) ?? workbook.sheets.find((s) => s.name.trim().toLowerCase() === folded);
    if (!sheet) {
      const names = workbook.sheets.filter(isWorksheet);
      throw new ImportFileError(
        `The workbook has no worksheet named '${wanted}'. ` +
          (names.length ? `Its worksheets are: ${quoteNames(names)}.` : 'It has no worksheets at all.'),
      );
    }
    const rel = byId.get(sheet.relId);
    if (!rel) throw damaged(`the sheet '${sheet.name}' has no relationship to its part.`);
    if (rel.type !== 'worksheet') {
      throw new ImportFileError(`'${sheet.name}' is ${rel.type === 'chartsheet' ? 'a chart sheet' : `a sheet of type ${rel.type}`}, not a worksheet.`);
    }
  } else {
    sheet = workbook.sheets.find(isWorksheet);
    if (!sheet) throw new ImportFileError('The workbook has no worksheet.');
  }
  const rel = byId.get(sheet.relId)!;
  if (rel.external || !rel.target) throw damaged(`the worksheet '${sheet.name}' has no part.`);
  return { name: sheet.name, part: rel.target };
}

/** The part of the workbook's relationship of this type, else the usual path when the zip has it. */
export function partOfType(zip: ZipArchive, rels: readonly Relationship[], type: string, usual: string): string | undefined {
  const rel = rels.find((r) => r.type === type && !r.external);
  if (rel && zip.has(rel.target)) return rel.target;
  return zip.has(usual) ? usual : undefined;
}

/** For each cell style index (`s` attribute), whether its number format is a date, a time or both. */
export async function readDateStyles(zip: ZipArchive, part: string | undefined): Promise<Uint8Array> {
  if (!part) return new Uint8Array(0);
  const formats = new Map<number, string>();
  const xfFormats: number[] = [];
  let inFormats = false;
  let inCellXfs = false;
  await parseXmlPart(zip, part, {
    open(name, a) {
      if (name === 'numFmts') inFormats = true;
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'numFmt' && inFormats) formats.set(Number(a.numFmtId), a.formatCode ?? '');
      else if (name === 'xf' && inCellXfs) xfFormats.push(Number(a.numFmtId ?? 0) || 0);
    },
    close(name) {
      if (name === 'numFmts') inFormats = false;
      else if (name === 'cellXfs') inCellXfs = false;
    },
  });
  const kinds = new Uint8Array(xfFormats.length);
  xfFormats.forEach((id, i) => {
    const code = formats.get(id);
    kinds[i] = code !== undefined ? formatDateKind(code) : builtinDateKind(id);
  });
  return kinds;
}

/**
 * A copy of `s` that does not keep alive the parser's input chunk it may be a slice of (V8 keeps a
 * slice's whole parent string), so the table costs the size of its texts, not of the XML part.
 */
function detach(s: string): string {
  return s.length > 12 ? Buffer.from(s, 'utf8').toString('utf8') : s;
}

export interface SharedStringLimits {
  maxStrings: number;
  maxChars: number;
}

/**
 * The shared strings table: each `<si>`'s text (its `<t>`, or its rich-text runs' `<t>` joined;
 * phonetic `<rPh>` runs left out). Held in memory, so bounded by count and total characters.
 */
export async function readSharedStrings(zip: ZipArchive, part: string | undefined, limits: SharedStringLimits): Promise<string[]> {
  const strings: string[] = [];
  if (!part) return strings;
  let chars = 0;
  let inSi = false;
  let phonetic = 0;
  let capture = false;
  let current = '';
  await parseXmlPart(zip, part, {
    open(name) {
      if (name === 'si') {
        inSi = true;
        current = '';
      } else if (name === 't') {
        capture = inSi && phonetic === 0;
      } else if (name === 'rPh') {
        phonetic++;
      }
    },
    close(name) {
      if (name === 't') {
        capture = false;
      } else if (name === 'rPh') {
        phonetic--;
      } else if (name === 'si') {
        inSi = false;
        if (strings.length >= limits.maxStrings) {
          throw new ImportFileError(
            `The workbook holds more than ${limits.maxStrings.toLocaleString('en-US')} distinct texts (shared strings), the most an import reads; ` +
              'split the file, or save it as CSV.',
          );
        }
        chars += current.length;
        if (chars > limits.maxChars) {
          throw new ImportFileError(
            `The workbook's distinct texts (shared strings) exceed ${limits.maxChars.toLocaleString('en-US')} characters, the most an import reads; ` +
              'split the file, or save it as CSV.',
          );
        }
        strings.push(detach(unescapeOoxml(current)));
      }
    },
    text(t) {
      if (capture) current += t;
    },
  });
  return strings;
}
