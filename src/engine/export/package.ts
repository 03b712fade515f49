/**
 * The export zip. Layout:
 *
 * ```
 * files/<fileGuid>/<name>               item file content        (fileContent.item PRIMARY | ALL)
 * supplierItemFiles/<fileGuid>/<name>   supplier-item content    (fileContent.supplierItem ALL)
 * SPECS.csv, BOM.csv, …                 one entry per view, canonical order (csv | json)
 * export.xlsx                           one workbook, one worksheet per view (xlsx)
 * ```
 *
 * Physical files come first: a file whose blob turns out to be missing is skipped and remembered, so the
 * views written afterwards leave its contentPath empty. Everything streams: yazl pulls one entry at a
 * time, each entry is created only when the previous one has been read, a view's query starts when its
 * entry does, and the zip bytes flow straight into the blob store.
 */
import { type Readable, Transform, type Writable } from 'node:stream';
import yazl from 'yazl';
import type { BlobStore } from '../../blobs/blob-store.js';
import { isSafeEntryName, itemFileEntryName, supplierItemFileEntryName } from './entry-names.js';
import { formatWriter, type PackageEntry } from './formats/index.js';
import { orderedViews } from './options.js';
import { type ContentFile, itemContentFilesQuery, supplierItemContentFilesQuery } from './views/file-scope.js';
import { VIEWS, type ViewContext, viewRows } from './views/index.js';

export type { PackageEntry } from './formats/index.js';

export interface ZipResult {
  /** bytes of the zip */
  size: number;
  entries: number;
}

/** Counts the bytes that pass through. */
class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

function noop(): void {}

/**
 * Streams `entries` into a zip written to `out`, one entry at a time (the next entry is pulled from the
 * iterable only once the previous one's stream has ended).
 *
 * On failure (an entry's stream, the iterable or yazl fails) the entry source is destroyed (releasing its
 * database cursor) and `out` is ENDED, not destroyed: destroying a file stream while a write is in flight
 * makes Node emit an error on it that nobody listens to. `out` therefore receives a truncated zip, which
 * the caller must discard. When `out` itself fails, it is left as it is.
 */
export async function writeZip(entries: AsyncIterable<PackageEntry> | Iterable<PackageEntry>, out: Writable): Promise<ZipResult> {
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as unknown as Readable;
  const counter = new ByteCounter();
  // After a failure yazl may still write into its output; that must not surface as an uncaught error.
  output.on('error', noop);
  counter.on('error', noop);

  let failure: Error | undefined;
  let current: Readable | undefined;
  let outFailed = false;
  let rejectFailed!: (err: Error) => void;
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  failed.catch(noop);
  const finished = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', (err) => {
      outFailed = true;
      reject(err);
    });
  });
  const fail = (err: unknown) => {
    if (failure) return;
    failure = err instanceof Error ? err : new Error(String(err));
    rejectFailed(failure);
    current?.destroy();
    output.unpipe(counter);
    if (!outFailed) counter.end();
  };
  finished.catch(fail);
  zip.on('error', fail);
  output.pipe(counter).pipe(out);

  let count = 0;
  const mtime = new Date();
  try {
    for await (const entry of entries) {
      if (failure) break;
      if (!isSafeEntryName(entry.name)) throw new Error(`unsafe zip entry name: ${JSON.stringify(entry.name)}`);
      const done = new Promise<void>((resolve, reject) => {
        zip.addReadStreamLazy(entry.name, { compress: entry.compress, mtime }, (cb) => {
          let stream: Readable;
          try {
            stream = entry.open();
          } catch (err) {
            reject(err);
            return;
          }
          current = stream;
          stream.on('error', noop);
          stream.once('error', reject);
          stream.once('end', resolve);
          cb(null, stream);
        });
      });
      await Promise.race([done, failed]);
      count++;
    }
    if (failure) throw failure;
    zip.end();
    await Promise.race([finished, failed]);
  } catch (err) {
    fail(err);
    // Let `out` close (or fail) before reporting, so the caller can remove what it wrote.
    await finished.catch(noop);
    throw failure ?? err;
  }
  return { size: counter.bytes, entries: count };
}

/** Streams the content of one file from the blob store. */
function blobEntry(blobs: BlobStore, name: string, file: ContentFile): PackageEntry {
  return { name, compress: true, open: () => blobs.createReadStream(file.blob_key) };
}

/**
 * How many files with a missing blob a run tolerates (each is skipped, its contentPath left empty). More
 * than this means the blob store is not the one the database describes: the run fails rather than
 * remembering an unbounded number of GUIDs.
 */
export const MAX_MISSING_CONTENT = 10_000;

/**
 * Every entry of an export run's zip, in order: physical files, then the views in the options' format.
 * `ctx.missingContent` must be a Set this function may add to: files whose blob is missing.
 */
export async function* exportEntries(ctx: ViewContext & { missingContent: Set<string> }, blobs: BlobStore): AsyncGenerator<PackageEntry> {
  const contentSets = [
    { query: itemContentFilesQuery(ctx), entryName: itemFileEntryName },
    { query: supplierItemContentFilesQuery(ctx), entryName: supplierItemFileEntryName },
  ];
  for (const { query, entryName } of contentSets) {
    if (query === null) continue;
    for await (const batch of ctx.store.stream<ContentFile>(query, 500)) {
      for (const file of batch) {
        if ((await blobs.size(file.blob_key)) === null) {
          ctx.missingContent.add(file.guid);
          if (ctx.missingContent.size > MAX_MISSING_CONTENT) {
            throw new Error(`more than ${MAX_MISSING_CONTENT} files of this export have no content in the blob store`);
          }
          continue;
        }
        yield blobEntry(blobs, entryName(file.guid, file.name), file);
      }
    }
  }

  const writer = formatWriter(ctx.options.format);
  const sources = orderedViews(ctx.options).map((name) => {
    const view = VIEWS[name];
    // Columns are built when the entry opens: by then every missing blob is known.
    let columns: ReturnType<typeof view.columns> | undefined;
    const cols = () => (columns ??= view.columns(ctx));
    return {
      name,
      sheetName: view.sheetName,
      get titles() {
        return cols().map((c) => c.title);
      },
      rows: () => viewRows(view, ctx, cols()),
    };
  });
  yield* writer.entries(sources);
}

/** Writes an export run's zip into the blob store under `key`; on failure nothing stays under `key`. */
export async function writeExportPackage(ctx: ViewContext, blobs: BlobStore, key: string): Promise<ZipResult> {
  const missing = new Set<string>(ctx.missingContent);
  try {
    return await writeZip(exportEntries({ ...ctx, missingContent: missing }, blobs), blobs.createWriteStream(key));
  } catch (err) {
    await blobs.delete(key).catch(noop);
    throw err;
  }
}
