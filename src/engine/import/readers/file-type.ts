/**
 * Which reader an upload needs, decided by its first bytes: a zip archive is an XLSX workbook, UTF-8
 * text is CSV, anything else gets an ImportFileError that says what the file looks like instead.
 *
 * - The declared `submitFileType` (case-insensitive) is honoured only when the bytes agree with it;
 *   otherwise the upload is refused rather than read the wrong way.
 * - The file name only sharpens messages: `.xls`, `.xlsb`, `.ods` and `.numbers` are refused by name,
 *   and a file named `.xlsx` that is not a zip archive is refused unless CSV was declared.
 * - An OLE2 compound file (D0 CF 11 E0) is an Excel 97-2003 `.xls`, or an `.xlsx` saved with a password
 *   (Excel encrypts those into the same container).
 */
import fs from 'node:fs/promises';
import { ImportFileError, type SubmitFileType } from './reader.js';
import { firstInvalidUtf8, incompleteTailLength } from './utf8.js';

/** How many leading bytes `detectFileType` looks at. */
export const SNIFF_BYTES = 4096;

export const XLS_NOT_SUPPORTED = '.xls (Excel 97-2003) is not supported; save the workbook as .xlsx or CSV';

const SAVE_AS = 'save it as .xlsx or as UTF-8 CSV';

/** Binary formats people upload by mistake, recognised by their first bytes. */
const SIGNATURES: readonly { bytes: readonly number[]; what: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'a RAR archive' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2 archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz archive' },
];

function startsWith(buf: Buffer, bytes: readonly number[]): boolean {
  if (buf.length < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[i] !== bytes[i]) return false;
  return true;
}

function extensionOf(fileName: string | undefined): string {
  if (!fileName) return '';
  const base = fileName.replace(/^.*[\\/]/, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** 'CSV' | 'EXCEL_WORKSHEET' from a submitFileType parameter (case-insensitive), undefined when absent. */
export function parseSubmitFileType(declared: string | undefined | null): SubmitFileType | undefined {
  if (declared === undefined || declared === null || declared.trim() === '') return undefined;
  const v = declared.trim().toUpperCase();
  if (v === 'CSV' || v === 'EXCEL_WORKSHEET') return v;
  throw new ImportFileError(`submitFileType must be CSV or EXCEL_WORKSHEET, not '${declared}'.`);
}

/** What the bytes are: a reader's type, or an ImportFileError saying what the file is instead. */
function typeFromBytes(bytes: Buffer, ext: string): SubmitFileType {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    // OpenDocument stores an uncompressed `mimetype` entry first: "mimetypeapplication/vnd.oasis.opendocument…"
    if (bytes.subarray(30, 100).toString('latin1').startsWith('mimetypeapplication/vnd.oasis.opendocument')) {
      throw new ImportFileError(`The file is an OpenDocument file (.ods), which is not supported; ${SAVE_AS}.`);
    }
    return 'EXCEL_WORKSHEET';
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    if (ext === '.xlsx' || ext === '.xlsm') {
      throw new ImportFileError('The workbook is encrypted (saved with a password); remove the password in Excel and upload it again.');
    }
    throw new ImportFileError(XLS_NOT_SUPPORTED);
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw new ImportFileError('The file is UTF-16 text; save it as UTF-8 CSV (in Excel: "CSV UTF-8 (Comma delimited)").');
  }
  for (const s of SIGNATURES) {
    if (startsWith(bytes, s.bytes)) throw new ImportFileError(`The file is ${s.what}, not a CSV file or an .xlsx workbook.`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new ImportFileError(
      `The file is binary data, not a CSV file or an .xlsx workbook (it holds a NUL byte at byte offset ${nul}).`,
    );
  }
  const text = bytes.subarray(0, bytes.length - incompleteTailLength(bytes));
  const bad = firstInvalidUtf8(text);
  if (bad !== -1) {
    throw new ImportFileError(
      `The file is not UTF-8 text: byte 0x${text[bad].toString(16).toUpperCase().padStart(2, '0')} at byte offset ${bad} ` +
        'is not part of a valid UTF-8 character. Save the file as UTF-8 CSV (in Excel: "CSV UTF-8 (Comma delimited)") or as .xlsx.',
    );
  }
  return 'CSV';
}

/**
 * The reader for an upload, from its first bytes (`SNIFF_BYTES` of them are enough), its original file
 * name and the declared submitFileType. Throws ImportFileError for an empty file, `.xls`, other binary
 * files, non-UTF-8 text and a declared type the bytes contradict.
 */
export function detectFileType(firstBytes: Buffer, fileName?: string, declared?: string): SubmitFileType {
  const declaredType = parseSubmitFileType(declared);
  if (firstBytes.length === 0) throw new ImportFileError('The file is empty.');
  const ext = extensionOf(fileName);
  if (ext === '.xls') throw new ImportFileError(XLS_NOT_SUPPORTED);
  if (ext === '.xlsb') throw new ImportFileError(`.xlsb (Excel binary workbook) is not supported; ${SAVE_AS}.`);
  if (ext === '.ods') throw new ImportFileError(`The file is an OpenDocument file (.ods), which is not supported; ${SAVE_AS}.`);
  if (ext === '.numbers') throw new ImportFileError(`Apple Numbers files are not supported; ${SAVE_AS}.`);
  const type = typeFromBytes(firstBytes, ext);
  if (declaredType !== undefined && declaredType !== type) {
    throw new ImportFileError(
      type === 'CSV'
        ? 'submitFileType is EXCEL_WORKSHEET, but the file is text, not an .xlsx workbook (an .xlsx file is a zip archive).'
        : 'submitFileType is CSV, but the file is a zip archive (an .xlsx workbook), not CSV text.',
    );
  }
  if (declaredType === undefined && type === 'CSV' && (ext === '.xlsx' || ext === '.xlsm')) {
    throw new ImportFileError(`The file is named ${ext} but is text, not an Excel workbook (an ${ext} file is a zip archive).`);
  }
  return type;
}

/** Reads the first `SNIFF_BYTES` of a file, for detectFileType. */
export async function readFirstBytes(file: string, length = SNIFF_BYTES): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
