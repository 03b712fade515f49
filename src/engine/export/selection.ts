/**
 * The revision set of an export run (spec §5.6, §6.3), materialised into `export_run_items` with
 * set-based SQL only: level 0 holds the revisions of the items the criteria match, each further level the
 * children of the previous one. A revision already in the set is never added again, which both
 * de-duplicates shared sub-assemblies and stops cycles. No row ever passes through JavaScript, so memory
 * does not grow with the size of the selection.
 *
 * ```ts
 * const counts = await materialiseSelection(store, runId, { workspaceId, condition, bomLevels, revisionStatus });
 * // ... stream the views joined on export_run_items ...
 * await clearSelection(store, runId);
 * ```
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Store } from '../../store/store.js';
import type { BomLevels, RevisionStatus } from './options.js';
import { childRevision, topRevision } from './revision-pick.js';

export interface SelectionSpec {
  workspaceId: number;
  /** the compiled criteria: a condition over aliases `r` (item_revisions) and `i` (items) */
  condition: RawBuilder<SqlBool>;
  bomLevels: BomLevels;
  revisionStatus: RevisionStatus;
}

export interface SelectionCounts {
  /** criteria matches (level 0): the run's `criteriaResultsCount` */
  criteriaResultsCount: number;
  /** every revision exported, all BOM levels included (the "lines" of Arena's limits) */
  totalCount: number;
}

export interface MaterialisedSelection extends SelectionCounts {
  /** the deepest level present (0 when no BOM expansion happened) */
  depth: number;
}

function affected(result: { numAffectedRows?: bigint }): number {
  return Number(result.numAffectedRows ?? 0n);
}

/** INSERT that skips rows already present (the (run_id, rev_id) unique index is the last guard). */
function insertIgnore(store: Store, select: RawBuilder<unknown>): RawBuilder<unknown> {
  return store.dialect === 'sqlite'
    ? sql`INSERT OR IGNORE INTO export_run_items (run_id, rev_id, level) ${select}`
    : sql`INSERT INTO export_run_items (run_id, rev_id, level) ${select} ON CONFLICT (run_id, rev_id) DO NOTHING`;
}

/** Level 0: the chosen revision of every item of the workspace that the criteria match. */
function topLevelSelect(spec: SelectionSpec): RawBuilder<unknown> {
  return sql`
    FROM items i
    JOIN item_revisions r ON r.id = ${topRevision(spec.revisionStatus, 'i')}
    WHERE i.workspace_id = ${spec.workspaceId} AND (${spec.condition})`;
}

/** Removes a run's selection (after the run, and before a retry). */
export async function clearSelection(store: Store, runId: number): Promise<void> {
  await store.db.deleteFrom('export_run_items').where('run_id', '=', runId).execute();
}

/**
 * Fills `export_run_items` for `runId` (clearing whatever an earlier attempt left) and returns the counts.
 * SINGLE adds one BOM level, FULL repeats until a level adds nothing.
 */
export async function materialiseSelection(store: Store, runId: number, spec: SelectionSpec): Promise<MaterialisedSelection> {
  await clearSelection(store, runId);
  const run = sql`CAST(${runId} AS integer)`;
  const top = affected(
    await insertIgnore(store, sql`SELECT ${run}, r.id, 0 ${topLevelSelect(spec)}`).execute(store.db),
  );
  let total = top;
  let depth = 0;
  const maxDepth = spec.bomLevels === 'NONE' ? 0 : spec.bomLevels === 'SINGLE' ? 1 : Number.POSITIVE_INFINITY;
  let added = top;
  while (added > 0 && depth < maxDepth) {
    const child = childRevision(spec.revisionStatus, 'ci');
    added = affected(
      await insertIgnore(
        store,
        sql`
        SELECT DISTINCT ${run}, ${child}, CAST(${depth + 1} AS integer)
        FROM export_run_items e
        JOIN bom_lines b ON b.parent_rev_id = e.rev_id
        JOIN items ci ON ci.id = b.child_item_id
        WHERE e.run_id = ${runId} AND e.level = ${depth}
          AND ${child} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM export_run_items x WHERE x.run_id = ${runId} AND x.rev_id = ${child})`,
      ).execute(store.db),
    );
    if (added > 0) depth++;
    total += added;
  }
  return { criteriaResultsCount: top, totalCount: total, depth };
}

/**
 * Counts what a run would select without writing anything (for Arena's optional limits, checked before
 * the run is created). FULL uses a recursive CTE whose UNION de-duplicates revisions, so cycles end.
 */
export async function countMatches(store: Store, spec: SelectionSpec): Promise<SelectionCounts> {
  const topCount = await sql<{ n: number | string }>`SELECT COUNT(*) AS n ${topLevelSelect(spec)}`.execute(store.db);
  const criteriaResultsCount = Number(topCount.rows[0]?.n ?? 0);
  if (spec.bomLevels === 'NONE' || criteriaResultsCount === 0) return { criteriaResultsCount, totalCount: criteriaResultsCount };
  const child = childRevision(spec.revisionStatus, 'ci');
  const query =
    spec.bomLevels === 'SINGLE'
      ? sql<{ n: number | string }>`
        WITH top_level (rev_id) AS (SELECT r.id ${topLevelSelect(spec)})
        SELECT COUNT(*) AS n FROM (
          SELECT rev_id FROM top_level
          UNION
          SELECT ${child} FROM top_level t
          JOIN bom_lines b ON b.parent_rev_id = t.rev_id
          JOIN items ci ON ci.id = b.child_item_id
          WHERE ${child} IS NOT NULL
        ) u`
      : sql<{ n: number | string }>`
        WITH RECURSIVE selected (rev_id) AS (
          SELECT r.id ${topLevelSelect(spec)}
          UNION
          SELECT ${child} FROM selected s
          JOIN bom_lines b ON b.parent_rev_id = s.rev_id
          JOIN items ci ON ci.id = b.child_item_id
          WHERE ${child} IS NOT NULL
        )
        SELECT COUNT(*) AS n FROM selected`;
  const result = await query.execute(store.db);
  return { criteriaResultsCount, totalCount: Number(result.rows[0]?.n ?? 0) };
}
