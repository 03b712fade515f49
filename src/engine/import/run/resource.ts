/**
 * The contract between the executor and one import resource (ITEM_SPECS, ITEM_BOM, ITEM_FILES, FILE_SUMMARY): the attributes its
 * columns may map to, its staging columns, the per-row conversion (in JS, on a staging thread of its own
 * for a large file: see staged-rows.ts) and the set-based checks and writes (in SQL, over the staging table).
 */
import type { Kysely } from 'kysely';
import type { AttributeDef } from '../../../domain/item-json.js';
import type { DB } from '../../../store/schema.js';
import type { Dialect } from '../../../store/store.js';
import type { RunOptions, StageColumn, Staging } from './context.js';

/**
 * One row's values, by mapped source column: `texts[i]` is the text for the attribute `names[i]` (null:
 * an empty cell). One object serves every row of a run (a Map per row cost a million-row file 0.5 s of
 * allocation and hashing): stage() reads it and keeps nothing.
 */
export interface RowValues {
  readonly names: readonly string[];
  readonly texts: readonly (string | null)[];
}

/** What stage() knows of the run: plain data, as a staging thread receives it. */
export interface StageContext {
  mode: string;
  options: RunOptions;
}

export interface RunContext extends StageContext {
  workspaceId: number;
  creatorId: number;
  now: string;
  dialect: Dialect;
  staging: Staging;
  /** a committing run with addToChange: the rows' item column must be filled for created items too */
  addsToChange: boolean;
  /**
   * Those of the handler's `distinctKeys` whose values (where not null) came in strictly increasing row
   * order, so that no two rows share one: set once every row is staged.
   */
  ascending: ReadonlySet<string>;
  /** what stage() noted of the rows (a handler's own words: 'guid', …): set once every row is staged */
  seen: ReadonlySet<string>;
}

export interface ResourceHandler {
  /** lower-cased apiName -> canonical apiName, for matching headers and mappings */
  attributes: Map<string, string>;
  columns: StageColumn[];
  /** staging columns indexed once every row is staged (those of distinctKeys only when not ascending) */
  indexed: string[];
  /**
   * staging columns whose values the checks require to differ between rows, indexed for that check alone:
   * see RunContext.ascending
   */
  distinctKeys?: string[];
  /** the staging column holding the item a row changes (added to the change of addToChange); null: rows change no item */
  itemColumn: 'item_id' | 'parent_item_id' | null;
  /**
   * What stage() resolves in JS (reference tables), read before the first row as plain data (a staging
   * thread receives it as is): given to prepare() of the handler that stages
   */
  load?(db: Kysely<DB>, ctx: RunContext): Promise<unknown>;
  prepare?(loaded: unknown): void;
  /** source columns taken by their header whatever the mapping says: lower-cased header -> apiName */
  headerAttributes?(ctx: StageContext): Map<string, string>;
  /** the action every row starts with when the mode alone decides it (saves a pass over the staging table) */
  stagedAction?(ctx: StageContext): string | null;
  /**
   * One row as it is staged (StagedValues.values: the BASE_COLUMNS left null, then `columns`); throws
   * RowError. What check() and apply() must know of the rows, it adds to `seen` (RunContext.seen).
   */
  stage(values: RowValues, ctx: StageContext, seen: Set<string>): unknown[];
  /** set-based validation over the staging table: marks failing rows, decides `action` */
  check(db: Kysely<DB>, ctx: RunContext): Promise<void>;
  /** writes the valid rows to the items world (inside the run's one transaction) */
  apply(db: Kysely<DB>, ctx: RunContext): Promise<void>;
}

export type HandlerFactory = (customAttrs: AttributeDef[]) => ResourceHandler;
