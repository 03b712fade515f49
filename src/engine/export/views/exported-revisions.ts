/**
 * The FROM/WHERE that every item-ordered view starts with: the run's exported revisions (`e`), their
 * revision rows and their items, ordered later by item number. Two plans give the same rows:
 *
 * - `selection` (default): read the run's rows from export_run_items and sort the result. Cheap for a
 *   small selection; for a large one SQLite's sorter holds up to the reader's cache_size in memory.
 * - `items` (SQLite, large selections): walk the workspace's items in number order through the
 *   `items_number` index and probe export_run_items; only the ties of one item number are sorted, so the
 *   sorter stays tiny. CROSS JOIN fixes the loop order in SQLite. Chosen by `chooseScan` when the
 *   selection is a large share of the workspace, where walking every item costs little extra.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Store } from '../../../store/store.js';
import type { ViewContext } from './view.js';

export type ScanPlan = 'selection' | 'items';

/** Selections below this size are always sorted: the sorter then holds a few MB at most. */
export const ITEM_SCAN_MIN_ROWS = 50_000;
/** …and above it, items are walked when the selection is at least this share of the workspace's items. */
export const ITEM_SCAN_MIN_SHARE = 0.2;

/** Picks the plan for a run's views from the size of its selection. */
export async function chooseScan(store: Store, workspaceId: number, selected: number): Promise<ScanPlan> {
  if (store.dialect !== 'sqlite' || selected < ITEM_SCAN_MIN_ROWS) return 'selection';
  const row = await store.db
    .selectFrom('items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const items = Number(row?.n ?? 0);
  return selected >= items * ITEM_SCAN_MIN_SHARE ? 'items' : 'selection';
}

/**
 * `FROM …` joining export_run_items `e`, item_revisions `rev` and items `item`, and the matching
 * `WHERE …` (callers append `AND …` conditions and further JOINs between the two).
 */
export function exportedRevisions(ctx: ViewContext, rev: string, item: string): { from: RawBuilder<unknown>; where: RawBuilder<unknown> } {
  if (ctx.scan === 'items') {
    return {
      from: sql.raw(`FROM items ${item} CROSS JOIN item_revisions ${rev} CROSS JOIN export_run_items e`),
      where: sql`WHERE ${sql.raw(item)}.workspace_id = ${ctx.workspaceId} AND ${sql.raw(rev)}.item_id = ${sql.raw(item)}.id
        AND e.run_id = ${ctx.runId} AND e.rev_id = ${sql.raw(rev)}.id`,
    };
  }
  return {
    from: sql.raw(`FROM export_run_items e JOIN item_revisions ${rev} ON ${rev}.id = e.rev_id JOIN items ${item} ON ${item}.id = ${rev}.item_id`),
    where: sql`WHERE e.run_id = ${ctx.runId}`,
  };
}
