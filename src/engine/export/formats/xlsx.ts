/**
 * XLSX: one workbook entry, `export.xlsx`, with one worksheet per view (canonical view order; names
 * shortened to Excel's 31 characters by dropping the `SOURCING_` prefix of the supplier-item views).
 * Written with exceljs's streaming WorkbookWriter: rows are committed as they come, each worksheet is
 * committed before the next one starts, and the writer waits for the zip to drain, so memory stays flat.
 * Row 1 holds the titles. Text cells are plain strings (inline, no shared strings) and are never
 * formulas, even when they start with `=`; booleans are boolean cells, numbers numeric cells, null an
 * empty cell, dates Zulu text. Characters XML 1.0 forbids (C0 controls other than tab, LF, CR) are
 * dropped by exceljs.
 */
import { PassThrough } from 'node:stream';
import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import type { FormatWriter, ViewSource } from './format.js';

export const XLSX_ENTRY_NAME = 'export.xlsx';

/** Bytes a worksheet may hold in exceljs's buffers before the writer waits for the zip to catch up. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

interface StreamState {
  length?: number;
}

interface LegacyStream {
  writableLength?: number;
  readableLength?: number;
  _writableState?: StreamState;
  _readableState?: StreamState;
}

/** Bytes buffered in a stream; archiver's streams come from readable-stream 2, without writableLength. */
function buffered(s: LegacyStream): number {
  return Number(s.writableLength ?? s._writableState?.length ?? 0) + Number(s.readableLength ?? s._readableState?.length ?? 0);
}

/**
 * What exceljs holds for a worksheet and has not zipped yet: its own StreamBuf chunks plus the stream
 * archiver reads them through. Both ignore back-pressure, so the writer measures and waits instead.
 * (Reads exceljs internals defensively: if they change, this returns 0 and only the macrotask yield stays.)
 */
function pendingBytes(sheet: unknown): number {
  const buf = (sheet as { stream?: { buffers?: { length?: number }[]; pipes?: LegacyStream[] } }).stream;
  let n = 0;
  for (const b of buf?.buffers ?? []) n += Number(b.length ?? 0);
  for (const p of buf?.pipes ?? []) n += buffered(p);
  return n;
}

/** Waits until the zip has caught up; false when the output was destroyed meanwhile (the export failed). */
async function waitForZip(sheet: unknown, out: PassThrough): Promise<boolean> {
  // Database batches arrive through microtasks only; give archiver and zlib a turn of the event loop.
  await nextMacrotask();
  while (!out.destroyed && pendingBytes(sheet) > MAX_PENDING_BYTES) await sleep(2);
  return !out.destroyed;
}

/** Excel's limit on one cell's text. Longer values are cut (the only lossy case of this format). */
const MAX_CELL_TEXT = 32767;

async function writeWorkbook(views: readonly ViewSource[], out: PassThrough): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  // exceljs listens to its archiver's errors only once it finalises; before that, report them through `out`.
  (workbook as unknown as { zip?: NodeJS.EventEmitter }).zip?.on('error', (err: Error) => out.destroy(err));
  for (const view of views) {
    const sheet = workbook.addWorksheet(view.sheetName);
    sheet.addRow(view.titles).commit();
    for await (const batch of view.rows()) {
      for (const row of batch) {
        for (let c = 0; c < row.length; c++) {
          const v = row[c];
          if (typeof v === 'string' && v.length > MAX_CELL_TEXT) row[c] = v.slice(0, MAX_CELL_TEXT);
        }
        sheet.addRow(row).commit();
      }
      // Leaving the loop returns the row generator, which closes its database cursor.
      if (!(await waitForZip(sheet, out))) return;
    }
    await sheet.commit();
  }
  await workbook.commit();
}

export const xlsxWriter: FormatWriter = {
  format: 'xlsx',
  entries: (views) => [
    {
      name: XLSX_ENTRY_NAME,
      compress: false,
      open: () => {
        const out = new PassThrough();
        writeWorkbook(views, out).catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
        return out;
      },
    },
  ],
};
