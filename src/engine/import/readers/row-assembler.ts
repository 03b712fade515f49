/**
 * What both readers share once a format is parsed into rows: finding and checking the header row,
 * normalising cells (empty -> null, padding to the header width), keeping row numbers consecutive
 * (blank and left-out rows become all-null rows, trailing blank rows are dropped) and cutting batches.
 *
 * A format reader is a `RowSource`: each `pump()` parses one chunk of input and `push`es the rows it
 * completed into the assembler; `assembleSheet` pumps until the header is known, then hands out the
 * batches as the consumer pulls them, pumping again only when no full batch is left (back-pressure).
 */
import { type CellValue, ImportFileError, type RowBatch, type SheetRows } from './reader.js';

/** A parsed source: pump() consumes one input chunk and returns false once the input is exhausted. */
export interface RowSource {
  pump(): Promise<boolean>;
  close(): Promise<void>;
}

/** How messages name a column: letters for XLSX (`B`), 1-based numbers for CSV (`2`). */
export type ColumnNamer = (index: number) => string;

function isEmpty(v: CellValue | undefined): boolean {
  return v === null || v === undefined || v === '';
}

export function isBlankRow(cells: readonly (CellValue | undefined)[]): boolean {
  for (let i = 0; i < cells.length; i++) if (!isEmpty(cells[i])) return false;
  return true;
}

function headerText(v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}

/** Item of the row queue: a row, or a run of that many blank rows (materialised only when taken). */
type Queued = CellValue[] | number;

export class RowAssembler {
  headers: string[] | null = null;
  headerRowNumber = 0;
  private width = 0;
  private readonly queue: Queued[] = [];
  private head = 0;
  private queuedRows = 0;
  /** row number of the first queued row */
  private queueStart = 0;
  /** row number the next pushed row should have */
  private nextRowNumber = 0;
  /** blank rows seen since the last non-blank row; queued only when a non-blank row follows */
  private pendingBlank = 0;

  constructor(
    private readonly batchSize: number,
    private readonly columnName: ColumnNamer,
  ) {}

  /**
   * Takes one source row. `cells` may be sparse (holes are empty cells) and is normalised in place.
   * Row numbers must increase; gaps are blank rows.
   */
  push(rowNumber: number, cells: (CellValue | undefined)[]): void {
    if (this.headers === null) {
      if (isBlankRow(cells)) return;
      this.setHeaders(rowNumber, cells);
      return;
    }
    const gap = rowNumber - this.nextRowNumber;
    this.nextRowNumber = rowNumber + 1;
    if (isBlankRow(cells)) {
      this.pendingBlank += gap + 1;
      return;
    }
    const blanks = this.pendingBlank + gap;
    this.pendingBlank = 0;
    if (blanks > 0) {
      this.queue.push(blanks);
      this.queuedRows += blanks;
    }
    this.queue.push(this.normalize(cells));
    this.queuedRows++;
  }

  /** The next batch: a full one, or when `final` whatever is left; null when there is none (yet). */
  takeBatch(final: boolean): RowBatch | null {
    if (this.queuedRows === 0 || (!final && this.queuedRows < this.batchSize)) return null;
    const n = Math.min(this.batchSize, this.queuedRows);
    const rows: CellValue[][] = [];
    while (rows.length < n) {
      const item = this.queue[this.head];
      if (typeof item === 'number') {
        const take = Math.min(item, n - rows.length);
        for (let i = 0; i < take; i++) rows.push(new Array<CellValue>(this.width).fill(null));
        if (take < item) this.queue[this.head] = item - take;
        else this.head++;
      } else {
        rows.push(item);
        this.head++;
      }
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 4096) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    const batch = { rows, firstRowNumber: this.queueStart };
    this.queueStart += n;
    this.queuedRows -= n;
    return batch;
  }

  private setHeaders(rowNumber: number, cells: (CellValue | undefined)[]): void {
    const headers: string[] = [];
    for (let i = 0; i < cells.length; i++) headers.push(headerText(cells[i]));
    while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();
    const seen = new Map<string, number>();
    headers.forEach((h, i) => {
      const key = h.trim().toLowerCase();
      if (key === '') return;
      const first = seen.get(key);
      if (first !== undefined) {
        const where = `header row ${rowNumber}`;
        throw new ImportFileError(
          headers[first] === h
            ? `The column header '${h}' appears more than once (columns ${this.columnName(first)} and ${this.columnName(i)} of ${where}); column headers must be unique.`
            : `The column headers '${headers[first]}' (column ${this.columnName(first)}) and '${h}' (column ${this.columnName(i)}) of ${where} ` +
                'are the same, ignoring case and surrounding spaces; column headers must be unique.',
          rowNumber,
        );
      }
      seen.set(key, i);
    });
    this.headers = headers;
    this.headerRowNumber = rowNumber;
    this.width = headers.length;
    this.nextRowNumber = rowNumber + 1;
    this.queueStart = rowNumber + 1;
  }

  /** Empty cells to null, trailing nulls beyond the header width dropped, padded to the width. */
  private normalize(cells: (CellValue | undefined)[]): CellValue[] {
    let last = -1;
    const len = cells.length;
    for (let i = 0; i < len; i++) {
      const v = cells[i];
      if (v === undefined || v === '') cells[i] = null;
      else if (v !== null) last = i;
    }
    const size = Math.max(this.width, last + 1);
    if (size < len) cells.length = size;
    else for (let i = len; i < size; i++) cells[i] = null;
    return cells as CellValue[];
  }
}

/**
 * Pumps `source` until the header row is known, then returns the sheet with a lazy batch iterator.
 * `emptyMessage()` says what the ImportFileError says when the source has no non-blank row at all.
 */
export async function assembleSheet(
  source: RowSource,
  assembler: RowAssembler,
  emptyMessage: () => string,
  sheetName?: string,
): Promise<SheetRows> {
  let more = true;
  try {
    while (assembler.headers === null && more) more = await source.pump();
  } catch (err) {
    await source.close();
    throw err;
  }
  if (assembler.headers === null) {
    await source.close();
    throw new ImportFileError(emptyMessage());
  }
  async function* batches(): AsyncGenerator<RowBatch> {
    try {
      for (;;) {
        let batch: RowBatch | null;
        while ((batch = assembler.takeBatch(!more)) !== null) yield batch;
        if (!more) return;
        more = await source.pump();
      }
    } finally {
      await source.close();
    }
  }
  const sheet: SheetRows = {
    headers: assembler.headers,
    headerRowNumber: assembler.headerRowNumber,
    rows: batches(),
    close: () => source.close(),
  };
  if (sheetName !== undefined) sheet.sheetName = sheetName;
  return sheet;
}
