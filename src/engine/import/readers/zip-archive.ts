/**
 * Random access to the entries of a zip file (yauzl): the central directory is read once, so the order
 * of the entries in the archive does not matter, and each entry is inflated as a stream on demand.
 *
 * Zip-bomb guard: every entry read is charged to an inflate budget (`maxInflatedBytes` for all entries
 * together). An entry whose declared size would overrun the budget is refused before it is inflated;
 * yauzl checks the inflated bytes against the declared size, and the budget counts them too, so an
 * entry that lies about its size is stopped as well. Damage (truncation, bad headers, bad deflate data)
 * becomes an ImportFileError that says the file is damaged.
 */
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { describeBytes, ImportFileError } from './reader.js';

/** The most entries a workbook may have (a real one has a few dozen, a few thousand with many images). */
const MAX_ENTRIES = 100_000;

export function damaged(detail: string): ImportFileError {
  return new ImportFileError(`The .xlsx file is damaged: ${detail}`);
}

function describeZipError(err: Error): ImportFileError {
  const m = err.message;
  if (/end of central directory record signature not found/i.test(m)) {
    return damaged('it is not a complete zip archive (truncated, or not an .xlsx file at all).');
  }
  if (/unexpected EOF|overflows file bounds|truncated/i.test(m)) return damaged(`it is truncated (${m}).`);
  if (/unsupported compression method/.test(m)) return new ImportFileError(`The .xlsx file uses a zip compression method that is not supported (${m}).`);
  if (/encrypted/.test(m)) return new ImportFileError('The .xlsx file holds encrypted zip entries, which are not supported.');
  return damaged(`${m}.`);
}

export class InflateBudget {
  used = 0;
  constructor(readonly max: number) {}
}

export class ZipArchive {
  private closed = false;

  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    private readonly budget: InflateBudget,
  ) {}

  static async open(file: string, budget: InflateBudget): Promise<ZipArchive> {
    let zip: yauzl.ZipFile;
    try {
      zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
        yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
          err ? reject(err) : resolve(z),
        ),
      );
    } catch (err) {
      throw describeZipError(err as Error);
    }
    try {
      if (zip.entryCount > MAX_ENTRIES) throw damaged(`it has ${zip.entryCount} entries; a workbook has far fewer.`);
      const entries = await new Promise<Map<string, yauzl.Entry>>((resolve, reject) => {
        const map = new Map<string, yauzl.Entry>();
        zip.on('entry', (entry: yauzl.Entry) => {
          const key = entry.fileName.replace(/^\/+/, '').toLowerCase();
          if (!map.has(key)) map.set(key, entry);
          zip.readEntry();
        });
        zip.once('end', () => resolve(map));
        zip.once('error', reject);
        zip.readEntry();
      });
      return new ZipArchive(zip, entries, budget);
    } catch (err) {
      zip.close();
      throw err instanceof ImportFileError ? err : describeZipError(err as Error);
    }
  }

  /** Whether the archive has an entry of this name (zip part names are case-insensitive). */
  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  names(): string[] {
    return [...this.entries.values()].map((e) => e.fileName);
  }

  /**
   * The inflated bytes of an entry as they are pulled; charges the budget. Throws ImportFileError when
   * the entry is missing, damaged or would inflate beyond the budget.
   */
  async *read(name: string): AsyncGenerator<Buffer> {
    const entry = this.entries.get(name.toLowerCase());
    if (!entry) throw damaged(`the part ${name} is missing.`);
    const budget = this.budget;
    if (budget.used + entry.uncompressedSize > budget.max) throw this.bomb(name, entry.uncompressedSize, false, budget.used);
    let stream: Readable;
    try {
      stream = await new Promise<Readable>((resolve, reject) =>
        this.zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
      );
    } catch (err) {
      throw describeZipError(err as Error);
    }
    let inflated = 0;
    try {
      for await (const chunk of stream) {
        const buf = chunk as Buffer;
        inflated += buf.length;
        budget.used += buf.length;
        if (budget.used > budget.max) throw this.bomb(name, inflated, true, budget.used - inflated);
        yield buf;
      }
    } catch (err) {
      if (err instanceof ImportFileError) throw err;
      const m = (err as Error).message;
      if (/too many bytes in the stream/.test(m)) throw damaged(`${name} inflates to more bytes than its zip header declares.`);
      if (/not enough bytes in the stream/.test(m)) throw damaged(`${name} inflates to fewer bytes than its zip header declares.`);
      if ((err as { code?: string }).code?.startsWith('Z_')) throw damaged(`${name} holds invalid compressed data (${m}).`);
      throw describeZipError(err as Error);
    } finally {
      stream.destroy();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.zip.close();
  }

  private bomb(name: string, size: number, atLeast: boolean, before: number): ImportFileError {
    const others = before > 0 ? `, after ${describeBytes(before)} of other parts` : '';
    return new ImportFileError(
      `The .xlsx file inflates beyond the limit of ${describeBytes(this.budget.max)} ` +
        `(${name} inflates to ${atLeast ? 'at least ' : ''}${describeBytes(size)}${others}); ` +
        'it is too large to import, or a zip bomb.',
    );
  }
}
