/**
 * CSV reader: RFC 4180 (comma, double quotes, a quote inside a quoted field written as two), UTF-8 with
 * or without a BOM, records ended by CRLF, LF or CR (mixed endings are fine), streamed through
 * CsvRecordParser (csv-parser.ts).
 *
 * - Strict quoting: a quote inside an unquoted field, text after a closing quote and a quote never
 *   closed are errors naming the row and its line. A row longer than `maxRowBytes` (default 4 MiB) is an
 *   error too, so an unclosed quote cannot swallow a large file into memory.
 * - The bytes are checked before parsing: a NUL byte (binary data, UTF-16 text) or a byte sequence that
 *   is not UTF-8 is an error naming its byte offset and line; a UTF-16 BOM gets its own message.
 * - Every field is text; empty fields are null. Values are not trimmed and not cast.
 * - Row numbers count records (what a spreadsheet shows as rows when it opens the file): a blank line is
 *   a (blank) row, a quoted field spanning lines stays one row. Messages cite the row and the line it
 *   starts on (lines count LFs; to find them the file is read again, only when there is an error).
 * - Ragged rows: shorter rows are padded with null, longer rows keep their extra cells (see reader.ts).
 */
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { CsvRecordParser, CsvSyntaxError } from './csv-parser.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_ROW_BYTES,
  describeBytes,
  ImportFileError,
  positiveOption,
  type ReadOptions,
  type SheetRows,
} from './reader.js';
import { assembleSheet, RowAssembler, type RowSource } from './row-assembler.js';
import { countLineFeeds, firstInvalidUtf8, incompleteTailLength } from './utf8.js';

const CHUNK_BYTES = 256 * 1024;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

function hexByte(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * The 1-based line (counting LFs) on which record `n` starts, splitting records as the parser does:
 * CRLF, LF or CR outside quotes. Records before `n` parsed fine, so their quotes are balanced. Run only
 * to word an error message: it reads the file again from `start`.
 */
async function lineOfRecord(file: string, start: number, n: number): Promise<number> {
  let line = 1;
  let records = 1;
  let inQuotes = false;
  let afterCr = false;
  if (n <= 1) return line;
  for await (const chunk of fs.createReadStream(file, { start, highWaterMark: CHUNK_BYTES })) {
    const buf = chunk as Buffer;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (afterCr) {
        afterCr = false;
        if (b === LF) {
          line++;
          if (records === n) return line;
          continue;
        }
        if (records === n) return line;
      }
      if (b === QUOTE) inQuotes = !inQuotes;
      else if (b === LF) {
        line++;
        if (!inQuotes && ++records === n) return line;
      } else if (b === CR && !inQuotes) {
        records++;
        afterCr = true;
      }
    }
  }
  return line;
}

/** The 1-based line of a byte offset: 1 + the LFs before it. Reads the file again (for messages only). */
async function lineOfOffset(file: string, offset: number): Promise<number> {
  if (offset <= 0) return 1;
  let line = 1;
  for await (const chunk of fs.createReadStream(file, { start: 0, end: offset - 1, highWaterMark: CHUNK_BYTES })) {
    line += countLineFeeds(chunk as Buffer);
  }
  return line;
}

class CsvSource implements RowSource {
  private readonly stream: fs.ReadStream;
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly parser: CsvRecordParser;
  /** file offset of the next chunk read */
  private offset = 0;
  private bomLength = 0;
  /** bytes of a character cut by the end of the previous chunk */
  private carry: Buffer | null = null;
  private records = 0;
  private first = true;
  sawContent = false;

  constructor(
    private readonly file: string,
    private readonly assembler: RowAssembler,
    private readonly maxRowBytes: number,
  ) {
    this.stream = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
    this.chunks = this.stream[Symbol.asyncIterator]();
    this.parser = new CsvRecordParser((fields) => this.assembler.push(++this.records, fields), maxRowBytes);
  }

  async pump(): Promise<boolean> {
    const { value, done } = await this.chunks.next();
    if (done) {
      if (this.carry) await this.invalidUtf8(this.carry, 0, this.offset - this.carry.length);
      await this.end();
      return false;
    }
    let chunk: Buffer = value;
    this.offset += chunk.length;
    if (this.first) {
      this.first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        this.bomLength = 3;
        chunk = chunk.subarray(3);
      } else if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        throw new ImportFileError('The file is UTF-16 text; save it as UTF-8 CSV (in Excel: "CSV UTF-8 (Comma delimited)").');
      }
    }
    const carry = this.carry;
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    const dataStart = this.offset - data.length;
    if (data.length > 0) this.sawContent = true;
    const nul = data.indexOf(0);
    if (nul !== -1) {
      throw new ImportFileError(
        `The file is not CSV text: it holds a NUL byte at byte offset ${dataStart + nul} (line ${await lineOfOffset(this.file, dataStart + nul)}), ` +
          'so it is binary data (or UTF-16 text). Upload a UTF-8 CSV file or an .xlsx workbook.',
      );
    }
    const tail = incompleteTailLength(data);
    const body = tail ? data.subarray(0, data.length - tail) : data;
    this.carry = tail ? Buffer.from(data.subarray(data.length - tail)) : null;
    if (!isUtf8(body)) await this.invalidUtf8(body, firstInvalidUtf8(body), dataStart);
    await this.write(body);
    return true;
  }

  async close(): Promise<void> {
    if (this.stream.closed) return;
    await new Promise<void>((resolve) => {
      this.stream.once('close', () => resolve());
      this.stream.destroy();
    });
  }

  private async invalidUtf8(data: Buffer, index: number, dataStart: number): Promise<never> {
    const at = index < 0 ? 0 : index;
    throw new ImportFileError(
      `The file is not UTF-8 text: byte ${hexByte(data[at])} at byte offset ${dataStart + at} (line ${await lineOfOffset(this.file, dataStart + at)}) ` +
        'is not part of a valid UTF-8 character. Save the file as UTF-8 CSV (in Excel: "CSV UTF-8 (Comma delimited)").',
    );
  }

  private async write(body: Buffer): Promise<void> {
    try {
      this.parser.write(body.toString('utf8'));
    } catch (err) {
      throw await this.describe(err as Error);
    }
  }

  private async end(): Promise<void> {
    try {
      this.parser.end();
    } catch (err) {
      throw await this.describe(err as Error);
    }
  }

  /** Turns the parser's errors into messages that name the row and its line; other errors pass through. */
  private async describe(err: Error): Promise<Error> {
    if (!(err instanceof CsvSyntaxError)) return err;
    const row = this.records + 1;
    const where = `Row ${row} (starting on line ${await lineOfRecord(this.file, this.bomLength, row)})`;
    const column = `, column ${err.column + 1}`;
    switch (err.code) {
      case 'QUOTE_NOT_CLOSED':
        return new ImportFileError(`${where} opens a quoted field that is never closed.`, row);
      case 'INVALID_CLOSING_QUOTE':
        return new ImportFileError(
          `${where}${column}: a quoted field goes on after its closing quote. Inside a quoted field, write a quote as two quotes ("").`,
          row,
        );
      case 'INVALID_OPENING_QUOTE': {
        const field = ` (after "${err.field.slice(0, 40)}")`;
        return new ImportFileError(
          `${where}${column}: a quote appears inside an unquoted field${field}. Quote the whole field and write the quote as two quotes ("").`,
          row,
        );
      }
      case 'MAX_RECORD_SIZE':
        return new ImportFileError(`${where} is longer than ${describeBytes(this.maxRowBytes)}; is a quote left open?`, row);
    }
  }
}

/** Opens a CSV file and reads up to its header row; see reader.ts for what the rows look like. */
export async function openCsvRows(file: string, opts: ReadOptions = {}): Promise<SheetRows> {
  const assembler = new RowAssembler(positiveOption(opts.batchSize, DEFAULT_BATCH_SIZE), (i) => String(i + 1));
  const source = new CsvSource(file, assembler, positiveOption(opts.maxRowBytes, DEFAULT_MAX_ROW_BYTES));
  return assembleSheet(source, assembler, () =>
    source.sawContent ? 'The file has no header row: all its lines are blank.' : 'The file is empty.',
  );
}
