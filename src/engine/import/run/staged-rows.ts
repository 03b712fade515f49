/**
 * An import run's source file as the staging table takes it: read, its headers mapped to attributes
 * (warnings 331), every row converted by the resource's handler and encoded for the store's bulk load, and
 * its line of resultContent written as if it succeeded (ResultLines).
 *
 * A large file is read and staged on a thread of its own (stage-worker.ts), which sends the encoded
 * batches (packed: bulk-rows.ts): that thread and the one that inserts them share the work of a 2-core
 * machine about evenly, and each row crosses between threads once. Reading on one thread, converting on
 * a second and inserting on a third cloned every row twice and kept three threads busy on two cores: the
 * benchmark's 1M-row preview took 7.2 s that way, 5.1 s this way.
 *
 * ```ts
 * const stager = beginStaging(size); // as soon as the file's size is known
 * const staged = await stager.stage({ file, type, ... });
 * for await (const rows of staged.batches) await load.write(rows);
 * const { rows, results } = staged.summary();
 * ```
 */
import type { RunWarning } from '../../../domain/import-run-json.js';
import type { AttributeDef } from '../../../domain/item-json.js';
import { type EncodedRows, type PackedRows, encodeRows, unpackedRows } from '../../../store/bulk-rows.js';
import type { Dialect } from '../../../store/store.js';
import { type Headed, THREAD_WORTH_BYTES, ThreadStream, openHeaded, startWorker } from '../../../worker-threads.js';
import { openRows } from '../readers/index.js';
import { reviveFileError } from '../readers/threaded-rows.js';
import { BASE_COLUMNS, RowError, cellText } from './context.js';
import { HANDLERS } from './handlers.js';
import type { RowValues, StageContext } from './resource.js';
import { type ResultIndex, ResultLines } from './results.js';
import { type Cell, SourceFileError, type SourceFileType } from './source.js';

/** What staging needs: plain data, as a staging thread receives it. */
export interface StageInput {
  file: string;
  type: SourceFileType;
  read: { worksheetName?: string; batchSize?: number; maxInflatedBytes?: number };
  resource: string;
  /** the custom attributes of the resource's world (the handler factory's argument) */
  customAttrs: AttributeDef[];
  ctx: StageContext;
  /** what the handler's load() read */
  loaded: unknown;
  dialect: Dialect;
  /** the ResultLines file */
  resultsPath: string;
}

/** A column of the source file as the run uses it. */
export interface SourceColumn {
  index: number;
  header: string;
  apiName: string | null;
  inResponse: boolean;
}

/** What staging found, once every row is staged. */
export interface StageSummary {
  /** rows staged (blank rows are not rows) */
  rows: number;
  /** RunContext.ascending */
  ascending: string[];
  /** RunContext.seen */
  seen: string[];
  results: ResultIndex;
}

export interface StagedSource<B = EncodedRows> {
  columns: SourceColumn[];
  warnings: RunWarning[];
  /**
   * The staged rows, encoded for `dialect` with the staging table's columns (BASE_COLUMNS, then the
   * handler's). Iterate once; throws SourceFileError for a file that cannot be read.
   */
  batches: AsyncIterable<B>;
  /** Once `batches` has ended. */
  summary(): StageSummary;
  /** Gives up the file (and the thread); idempotent. */
  close(): Promise<void>;
}

/**
 * The staging thread's young generation (semi-spaces of 32 MB, V8's default 16): it allocates a batch's
 * cells, rows and result lines at a high rate, and its scavenges took 0.7 s of 1M rows' staging with
 * the default, 0.17 s with this (peak RSS about 15 MB more). For this thread only: a V8 flag would
 * enlarge every thread's.
 */
const YOUNG_GENERATION_MB = 96;

/** Batches the staging thread may stage ahead of the inserts. */
export const AHEAD = 4;

/** Staging begun before its input is all at hand (beginStaging). */
export interface Stager {
  /** Stages `input` (once). */
  stage(input: StageInput): Promise<StagedSource>;
  /** Gives up a stager whose stage() was not called (its thread ends); harmless after stage(). */
  abandon(): Promise<void>;
}

/**
 * Staging of a source file of `size` bytes. A file large enough for a thread of its own has that thread
 * started now, so that it loads its modules (0.05–0.2 s) while the caller fetches the file (from
 * PostgreSQL's blobs: 0.85 s for 83 MB) and reads what the handler needs.
 */
export function beginStaging(size: number): Stager {
  if (size <= THREAD_WORTH_BYTES) return { stage: stageHere, abandon: async () => {} };
  const worker = startWorker(import.meta.url, 'stage-worker', undefined, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const thread = new ThreadStream<StageMessage, StageSummary>(worker, reviveFileError);
  return {
    async stage(input) {
      worker.postMessage(input);
      const stream = await openHeaded(thread, 'staging', (rows) => unpackedRows(input.dialect, rows));
      return { ...stream.head, batches: stream.items, summary: stream.result, close: stream.close };
    },
    abandon: () => thread.close(),
  };
}

/** What the staging thread posts: the mapping, then the batches; its result is the StageSummary. */
export type StageMessage = Headed<Pick<StagedSource, 'columns' | 'warnings'>, PackedRows>;

/**
 * Stages `input.file` in this thread (the staging thread's own work), each batch encoded by `encode`
 * (default: encodeRows for `input.dialect`).
 */
export async function stageHere(input: StageInput): Promise<StagedSource>;
export async function stageHere<B>(input: StageInput, encode: (columns: string[], rows: unknown[][]) => B): Promise<StagedSource<B>>;
export async function stageHere(
  input: StageInput, encode = (columns: string[], rows: unknown[][]): unknown => encodeRows(input.dialect, columns, rows),
): Promise<StagedSource<unknown>> {
  const { ctx } = input;
  const handler = HANDLERS[input.resource].factory(input.customAttrs);
  handler.prepare?.(input.loaded);
  const source = await openRows(input.file, input.type, { ...input.read, workerAboveBytes: Number.POSITIVE_INFINITY });
  const { columns, warnings } = mapColumns(source.headers, input.resource, ctx.options.mapping, handler.attributes, handler.headerAttributes?.(ctx));
  const names = [...BASE_COLUMNS, ...handler.columns].map((c) => c.name);
  const mapped = columns.filter((c): c is SourceColumn & { apiName: string } => c.apiName !== null);
  const echoed = columns.filter((c) => c.apiName !== null && c.inResponse).map((c) => c.index);
  const noValues = handler.columns.map(() => null);
  const keys = (handler.distinctKeys ?? []).map((name) => ({ name, at: names.indexOf(name), last: null as unknown, ascending: true }));
  const strip = ctx.options.stripWhiteSpace;
  const width = source.headers.length;
  const seen = new Set<string>();
  let summary: StageSummary | undefined;

  async function* batches(): AsyncGenerator<unknown> {
    const results = new ResultLines(input.resultsPath);
    const texts = new Array<string | null>(mapped.length);
    const values: RowValues = { names: mapped.map((c) => c.apiName), texts };
    let rows = 0;
    try {
      for await (const batch of source.rows) {
        const staged: unknown[][] = [];
        for (let i = 0; i < batch.rows.length; i++) {
          const cells = batch.rows[i];
          let filled = 0;
          for (let m = 0; m < mapped.length; m++) {
            const text = cellText(cells[mapped[m].index], strip);
            texts[m] = text;
            if (text !== null) filled++;
          }
          // blank rows are not rows (a row with a mapped value is not blank, unless white space is retained)
          if ((filled === 0 || !strip) && isBlank(cells)) continue;
          const rowNo = batch.firstRowNumber + i;
          rows++;
          results.add(rowNo, cells, echoed);
          // values beyond the headers mean the columns are not what the header says (a comma left unquoted?)
          if (cells.length > width) {
            throw new SourceFileError(`Row ${rowNo} has ${cells.length} values but the header row has ${width} columns: the values after column ${width} have no header. Nothing was imported.`);
          }
          try {
            const row = handler.stage(values, ctx, seen);
            row[0] = rowNo;
            staged.push(row);
            for (const key of keys) {
              const v = row[key.at];
              if (v === null) continue;
              if (key.last !== null && !((v as string) > (key.last as string))) key.ascending = false;
              key.last = v;
            }
          } catch (err) {
            if (!(err instanceof RowError)) throw err;
            staged.push([rowNo, err.code, err.message, ...noValues]);
          }
        }
        if (staged.length > 0) yield encode(names, staged);
        await results.flush();
      }
      const ascending = keys.filter((k) => k.ascending).map((k) => k.name);
      summary = { rows, ascending, seen: [...seen], results: await results.close() };
    } finally {
      if (summary === undefined) {
        results.destroy();
        await source.close();
      }
    }
  }
  return { columns, warnings, batches: batches(), summary: () => ended(summary), close: () => source.close() };
}

function ended(summary: StageSummary | undefined): StageSummary {
  if (summary === undefined) throw new Error('the staged rows were not read to their end');
  return summary;
}

function isBlank(cells: Cell[]): boolean {
  for (const c of cells) if (cellText(c, true) !== null) return false;
  return true;
}

/**
 * Which attribute each source column feeds. A header in `byHeader` (the resource's own columns, such as
 * the numbering free text) is taken whatever the mapping says; with a mapping for the resource, a column is
 * mapped by its sourceName (ignoring case); without one, a header naming an attribute (ignoring case)
 * maps to it. Every other column is ignored with warning 331.
 */
export function mapColumns(
  headers: string[], resource: string, mapping: { resource: string; apiName: string; sourceName: string; inResponse: boolean }[],
  attributes: Map<string, string>, byHeader: Map<string, string> = new Map(),
): { columns: SourceColumn[]; warnings: RunWarning[] } {
  const mine = mapping.filter((m) => m.resource.toUpperCase() === resource);
  const used = new Set<string>();
  const warnings: RunWarning[] = [];
  const columns = headers.map((header, index) => {
    const h = header.trim().toLowerCase();
    let apiName: string | null = null;
    let inResponse = true;
    if (byHeader.has(h)) {
      apiName = byHeader.get(h)!;
    } else if (mine.length > 0) {
      const m = mine.find((x) => x.sourceName.trim().toLowerCase() === h);
      if (m) {
        apiName = attributes.get(m.apiName.trim().toLowerCase()) ?? null;
        inResponse = m.inResponse;
      }
    } else {
      apiName = attributes.get(h) ?? null;
    }
    if (apiName !== null && used.has(apiName)) apiName = null; // a second column for the same attribute
    if (apiName === null) warnings.push({ code: 331, message: `Column '${header}' ignored.` });
    else used.add(apiName);
    return { index, header, apiName, inResponse };
  });
  return { columns, warnings };
}
