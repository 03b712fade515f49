/**
 * XLSX reader: a small streaming reader over yauzl (random access through the zip's central directory,
 * so the order of the entries does not matter: Excel and LibreOffice store `xl/workbook.xml` before the
 * worksheets, exceljs after them) and saxes. The workbook, its relationships, styles and shared strings
 * are read first; then the chosen worksheet is streamed, one inflated chunk per pump, and never held.
 *
 * Cells:
 * - `t="s"` shared string, `t="inlineStr"` inline string (rich-text runs joined, phonetic runs left
 *   out), `t="str"` a formula's text result: text (OOXML `_xHHHH_` escapes decoded);
 * - `t="b"`: boolean; `t="e"`: the error's text (`#DIV/0!`, `#N/A`, …);
 * - `t="n"` or no type: a number, or date text when the cell's style has a date format (xlsx-dates.ts);
 *   `t="d"` (ISO 8601 text): date text;
 * - a formula cell reads as its cached value (`<v>`); one never calculated (no `<v>`) is null;
 * - cells left out (sparse columns) are null; rows left out are blank rows (see reader.ts).
 * Worksheet choice: see `chooseSheet` (xlsx-parts.ts). Limits: `maxInflatedBytes` over all parts read
 * (zip-archive.ts), `maxSharedStrings` / `maxSharedStringChars` for the strings held in memory.
 */
import {
  type CellValue,
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_INFLATED_BYTES,
  DEFAULT_MAX_SHARED_STRING_CHARS,
  DEFAULT_MAX_SHARED_STRINGS,
  positiveOption,
  type ReadOptions,
  type SheetRows,
} from './reader.js';
import { assembleSheet, RowAssembler, type RowSource } from './row-assembler.js';
import { type DateKind, isoCellToText, serialToText } from './xlsx-dates.js';
import {
  chooseSheet,
  findWorkbookPart,
  partOfType,
  readDateStyles,
  readRelationships,
  readSharedStrings,
  readWorkbook,
} from './xlsx-parts.js';
import { unescapeOoxml, XmlPartStream } from './xml-part.js';
import { damaged, InflateBudget, ZipArchive } from './zip-archive.js';

/** Excel's sheet size. */
const MAX_COLUMNS = 16384;
const MAX_ROWS = 1048576;

/** Column letters of a 0-based index: 0 -> A, 27 -> AB. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** 0-based column of a cell reference (`AB12` -> 27), or -1 when it starts with no letter. */
function columnOfRef(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return i === 0 ? -1 : col - 1;
}

interface SheetContext {
  sharedStrings: readonly string[];
  dateKinds: Uint8Array;
  date1904: boolean;
}

/** The worksheet's `<sheetData>` as rows pushed into the assembler, one inflated chunk per pump. */
class WorksheetSource implements RowSource {
  private readonly part: XmlPartStream;
  private readonly zip: ZipArchive;
  private closed = false;

  // parser state
  private inSheetData = false;
  private inRow = false;
  private rowNumber = 0;
  private cells: (CellValue | undefined)[] = [];
  private nextColumn = 0;
  private column = 0;
  private ref = '';
  private type = 'n';
  private style = 0;
  private inCell = false;
  private capture = false;
  private text = '';
  private hasValue = false;
  private inInline = false;
  private inlineText = '';
  private phonetic = 0;

  constructor(zip: ZipArchive, partName: string, ctx: SheetContext, assembler: RowAssembler) {
    this.zip = zip;
    const { sharedStrings, dateKinds, date1904 } = ctx;
    const cellValue = (): CellValue => {
      const v = this.text;
      switch (this.type) {
        case 's': {
          if (!this.hasValue || v === '') return null;
          const s = sharedStrings[Number(v)];
          if (s === undefined) {
            throw damaged(`cell ${this.where()} refers to shared string ${v}, but the workbook has ${sharedStrings.length}.`);
          }
          return s;
        }
        case 'inlineStr':
          return unescapeOoxml(this.inlineText || v);
        case 'str':
          return this.hasValue ? unescapeOoxml(v) : null;
        case 'b':
          if (v === '1' || v === 'true') return true;
          if (v === '0' || v === 'false') return false;
          return this.hasValue && v !== '' ? v : null;
        case 'e':
          return v === '' ? null : v;
        case 'd':
          return v === '' ? null : isoCellToText(v);
        default: {
          if (!this.hasValue || v === '') return null;
          const n = Number(v);
          if (Number.isNaN(n)) return v;
          const kind = dateKinds[this.style] as DateKind | undefined;
          return kind ? serialToText(n, kind, date1904) : n;
        }
      }
    };
    this.part = new XmlPartStream(zip, partName, {
      open: (name, a) => {
        if (this.inCell) {
          if (name === 'v') {
            this.capture = true;
            this.hasValue = true;
          } else if (name === 'is') {
            this.inInline = true;
          } else if (name === 'rPh') {
            this.phonetic++;
          } else if (name === 't' && this.inInline && this.phonetic === 0) {
            this.capture = true;
          }
        } else if (name === 'c') {
          if (!this.inRow) return;
          const ref = a.r;
          let col = ref ? columnOfRef(ref) : -1;
          if (col < 0) col = this.nextColumn;
          if (col >= MAX_COLUMNS) throw damaged(`cell ${ref} is beyond Excel's last column (XFD).`);
          this.column = col;
          this.nextColumn = col + 1;
          this.ref = ref ?? '';
          this.type = a.t ?? 'n';
          this.style = a.s ? Number(a.s) : 0;
          this.inCell = true;
          this.text = '';
          this.hasValue = false;
          this.inlineText = '';
          this.inInline = false;
          this.phonetic = 0;
        } else if (name === 'row') {
          if (!this.inSheetData) return;
          const r = a.r ? Number(a.r) : this.rowNumber + 1;
          if (!Number.isInteger(r) || r < 1 || r > MAX_ROWS) throw damaged(`a row has the invalid number '${a.r}'.`);
          if (r <= this.rowNumber) throw damaged(`row ${r} comes after row ${this.rowNumber}; rows must be in order.`);
          this.rowNumber = r;
          this.inRow = true;
          this.cells = [];
          this.nextColumn = 0;
        } else if (name === 'sheetData') {
          this.inSheetData = true;
        }
      },
      close: (name) => {
        if (this.inCell) {
          if (name === 'c') {
            this.inCell = false;
            this.capture = false;
            const value = cellValue();
            if (value !== null) this.cells[this.column] = value;
          } else if (name === 'v') {
            this.capture = false;
          } else if (name === 't') {
            if (this.capture && this.inInline) {
              this.inlineText += this.text;
              this.text = '';
            }
            this.capture = false;
          } else if (name === 'rPh') {
            this.phonetic--;
          } else if (name === 'is') {
            this.inInline = false;
          }
        } else if (name === 'row') {
          if (!this.inRow) return;
          this.inRow = false;
          assembler.push(this.rowNumber, this.cells);
        } else if (name === 'sheetData') {
          this.inSheetData = false;
          this.part.stop(); // nothing after the cells is needed
        }
      },
      text: (t) => {
        if (this.capture) this.text += t;
      },
    });
  }

  pump(): Promise<boolean> {
    return this.part.step();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.part.close();
    } finally {
      this.zip.close();
    }
  }

  private where(): string {
    return this.ref || `${columnLetters(this.column)}${this.rowNumber}`;
  }
}

/** Opens an .xlsx workbook, chooses the worksheet and reads up to its header row (see reader.ts). */
export async function openXlsxRows(file: string, opts: ReadOptions = {}): Promise<SheetRows> {
  const budget = new InflateBudget(positiveOption(opts.maxInflatedBytes, DEFAULT_MAX_INFLATED_BYTES));
  const zip = await ZipArchive.open(file, budget);
  let source: WorksheetSource;
  let sheetName: string;
  const assembler = new RowAssembler(positiveOption(opts.batchSize, DEFAULT_BATCH_SIZE), columnLetters);
  try {
    const workbookPart = await findWorkbookPart(zip);
    const workbook = await readWorkbook(zip, workbookPart);
    const rels = await readRelationships(zip, workbookPart);
    const sheet = chooseSheet(workbook, rels, opts.worksheetName);
    sheetName = sheet.name;
    if (!zip.has(sheet.part)) throw damaged(`the part ${sheet.part} of worksheet '${sheet.name}' is missing.`);
    const dateKinds = await readDateStyles(zip, partOfType(zip, rels, 'styles', 'xl/styles.xml'));
    const sharedStrings = await readSharedStrings(zip, partOfType(zip, rels, 'sharedStrings', 'xl/sharedStrings.xml'), {
      maxStrings: positiveOption(opts.maxSharedStrings, DEFAULT_MAX_SHARED_STRINGS),
      maxChars: positiveOption(opts.maxSharedStringChars, DEFAULT_MAX_SHARED_STRING_CHARS),
    });
    source = new WorksheetSource(zip, sheet.part, { sharedStrings, dateKinds, date1904: workbook.date1904 }, assembler);
  } catch (err) {
    zip.close();
    throw err;
  }
  return assembleSheet(source, assembler, () => `The worksheet '${sheetName}' is empty.`, sheetName);
}
