/**
 * What every export view is made of: an ordered list of columns (title + how to read the cell from a
 * query row) and one SQL query joined on the run's `export_run_items`, streamed in batches.
 *
 * A view's query selects ONE column, `j`: a JSON array of the row's fields (`json_array` on SQLite,
 * `json_build_array` on PostgreSQL), read back with JSON.parse. better-sqlite3 builds wide row objects
 * slowly (about 12 s per million 30-column rows here, against 4 s for this path); JSON keeps numbers,
 * text and null exact (SQLite ≥ 3.43 and PostgreSQL ≥ 12 print doubles in round-trip form).
 *
 * ```ts
 * const F = fields({ number: 'i.number', guid: 'r.guid' });     // field name -> SQL expression
 * const columns = [col('number', (r) => r[F.number]), …];       // titles in the exact spec §7 order
 * sql`SELECT ${F.select(dialect)} FROM …`;                       // SELECT json_array(i.number, r.guid) AS j
 * for await (const rows of viewRows(view, ctx)) { … }             // Cell[][] batches, never the whole view
 * ```
 */
import { type CompiledQuery, type RawBuilder, sql } from 'kysely';
import type { Dialect, Store } from '../../../store/store.js';
import type { ExportOptions, ExportViewName } from '../options.js';
import type { CustomAttributes } from './custom-attributes.js';

/** One output value: text, a number, a boolean, or null (an empty cell). Dates are Zulu text. */
export type Cell = string | number | boolean | null;

export interface Column<R> {
  /** the header (CSV first row, JSON key, XLSX first row); usable as an Import Engine apiName */
  readonly title: string;
  readonly value: (row: R) => Cell;
}

/** What column lists depend on: no database needed (the golden header tests use it directly). */
export interface ColumnContext {
  options: ExportOptions;
  attributes: CustomAttributes;
  /** GUIDs of files whose content could not be put in the zip (blob missing): their contentPath stays empty */
  missingContent: ReadonlySet<string>;
}

export interface ViewContext extends ColumnContext {
  store: Store;
  runId: number;
  workspaceId: number;
  /** how item-ordered views read the selection (see exported-revisions.ts); 'selection' when omitted */
  scan?: 'selection' | 'items';
}

/** A query row as the columns see it: the fields in the order of the view's `fields(...)`. */
export type Row = readonly unknown[];

export interface ExportView {
  readonly name: ExportViewName;
  /** the worksheet name in the XLSX workbook (Excel allows at most 31 characters) */
  readonly sheetName: string;
  columns(ctx: ColumnContext): Column<Row>[];
  /** The streamed query (one column `j`, see `fields`), or null when spec §7 says the view is empty. */
  query(ctx: ViewContext): CompiledQuery<{ j: unknown }> | null;
}

/** A view's field list: each name's position in the row, and the SELECT list that produces the row. */
export type Fields<K extends string> = Readonly<Record<K, number>> & {
  /** `json_array(expr, …) AS j` (SQLite) or `json_build_array(expr, …) AS j` (PostgreSQL) */
  select(dialect: Dialect): RawBuilder<unknown>;
};

/** PostgreSQL functions take at most 100 arguments. */
const MAX_FIELDS = 100;

/**
 * Declares a view's fields, in order: name -> SQL expression. The expressions are constants written in
 * this folder (never user input), so they are inlined as raw SQL.
 */
export function fields<K extends string>(spec: Record<K, string>): Fields<K> {
  const names = Object.keys(spec) as K[];
  if (names.length > MAX_FIELDS) throw new Error(`a view may select at most ${MAX_FIELDS} fields`);
  const index = {} as Record<K, number>;
  names.forEach((name, i) => {
    index[name] = i;
  });
  const list = names.map((n) => spec[n]).join(', ');
  return Object.freeze({
    ...index,
    select: (dialect: Dialect) => sql.raw(`${dialect === 'postgres' ? 'json_build_array' : 'json_array'}(${list}) AS j`),
  }) as Fields<K>;
}

/** Rows per batch read from the database and handed to a format writer. */
export const VIEW_BATCH_SIZE = 1000;

/** Streams a view as batches of cell rows, in column order. */
export async function* viewRows(view: ExportView, ctx: ViewContext, columns = view.columns(ctx)): AsyncGenerator<Cell[][]> {
  const query = view.query(ctx);
  if (query === null) return;
  const n = columns.length;
  for await (const batch of ctx.store.stream<{ j: unknown }>(query, VIEW_BATCH_SIZE)) {
    const out: Cell[][] = new Array(batch.length);
    for (let r = 0; r < batch.length; r++) {
      const j = batch[r].j;
      // SQLite hands back the JSON text; pg parses json columns itself.
      const row = (typeof j === 'string' ? JSON.parse(j) : j) as Row;
      const cells: Cell[] = new Array(n);
      for (let c = 0; c < n; c++) cells[c] = columns[c].value(row);
      out[r] = cells;
    }
    yield out;
  }
}

// ---- cell readers shared by the views ----------------------------------------------------------------

export function col<R>(title: string, value: (row: R) => Cell): Column<R> {
  return { title, value };
}

export function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** 0/1 integers (and, defensively, booleans or '0'/'1' text) as booleans. */
export function bool(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  return Number(v) !== 0;
}

export function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
