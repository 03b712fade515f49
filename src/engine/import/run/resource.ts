/**
 * The contract between the executor and one import resource (ITEM_SPECS, ITEM_BOM, ITEM_FILES, FILE_SUMMARY): the attributes its
 * columns may map to, its staging columns, the per-row conversion (in JS) and the set-based checks and
 * writes (in SQL, over the staging table).
 */
import type { Kysely } from 'kysely';
import type { AttributeDef } from '../../../domain/item-json.js';
import type { DB } from '../../../store/schema.js';
import type { Dialect } from '../../../store/store.js';
import type { RunOptions, StageColumn, Staging } from './context.js';

export interface RunContext {
  workspaceId: number;
  creatorId: number;
  now: string;
  mode: string;
  options: RunOptions;
  dialect: Dialect;
  staging: Staging;
  /** a committing run with addToChange: the rows' item column must be filled for created items too */
  addsToChange: boolean;
  /**
   * Those of the handler's `distinctKeys` whose values (where not null) came in strictly increasing row
   * order, so that no two rows share one: set once every row is staged.
   */
  ascending: ReadonlySet<string>;
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
  /** loads what stage() resolves in JS (reference tables), before the first row */
  prepare?(db: Kysely<DB>, ctx: RunContext): Promise<void>;
  /** source columns taken by their header whatever the mapping says: lower-cased header -> apiName */
  headerAttributes?(ctx: RunContext): Map<string, string>;
  /** the action every row starts with when the mode alone decides it (saves a pass over the staging table) */
  stagedAction?(ctx: RunContext): string | null;
  /** one row as it is staged (StagedValues.values: the BASE_COLUMNS left null, then `columns`); throws RowError */
  stage(values: Map<string, string>, ctx: RunContext): unknown[];
  /** set-based validation over the staging table: marks failing rows, decides `action` */
  check(db: Kysely<DB>, ctx: RunContext): Promise<void>;
  /** writes the valid rows to the items world (inside the run's one transaction) */
  apply(db: Kysely<DB>, ctx: RunContext): Promise<void>;
}

export type HandlerFactory = (customAttrs: AttributeDef[]) => ResourceHandler;
