/**
 * Arena's production export limits (spec §5, §6.3), enforced only with `config.arenaLimits`: more than
 * 20,000 exported items -> 3148; more than 5,000 exported lines while the views include a BOM or FILES
 * view -> 3149. Both compare the exported set after BOM expansion (every revision, all levels), which for
 * bomLevels NONE is the criteria match count.
 *
 * ```ts
 * const counts = await countSelection(store, workspaceId, criteria, options);   // before creating the run
 * checkArenaLimits(counts, options);                                           // throws ArenaError
 * ```
 */
import { arenaError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import { type Criteria, compileCriteria, loadCriteriaContext } from '../criteria/index.js';
import { type ExportOptions, type ExportViewName, normalizeExportOptions } from './options.js';
import { type SelectionCounts, countMatches } from './selection.js';

export const MAX_EXPORT_ITEMS = 20_000;
export const MAX_LINES_WITH_BOM_OR_FILES = 5_000;

/** Counts of a prospective run. `items` and `lines` are short names of the two SelectionCounts. */
export interface ExportCounts extends SelectionCounts {
  /** criteria matches: the run's criteriaResultsCount */
  items: number;
  /** revisions exported, all BOM levels */
  lines: number;
}

/** Views that make an export "include BOM or FILES" for 3149. */
export function includesBomOrFiles(views: readonly ExportViewName[]): boolean {
  return views.some((v) => v.includes('BOM') || v.includes('FILES'));
}

/** Throws 3148 or 3149 when the counts exceed Arena's limits for these options. */
export function checkArenaLimits(counts: SelectionCounts, options: Pick<ExportOptions, 'exportViews'>): void {
  if (counts.totalCount > MAX_EXPORT_ITEMS) throw arenaError(3148);
  if (counts.totalCount > MAX_LINES_WITH_BOM_OR_FILES && includesBomOrFiles(options.exportViews)) throw arenaError(3149);
}

/** What a run with these criteria and options would export, counted without writing anything. */
export async function countSelection(store: Store, workspaceId: number, criteria: Criteria, options: unknown): Promise<ExportCounts> {
  const opts = normalizeExportOptions(options);
  const condition = compileCriteria(criteria, await loadCriteriaContext(store, workspaceId));
  const counts = await countMatches(store, { workspaceId, condition, bomLevels: opts.bomLevels, revisionStatus: opts.revisionStatus });
  return { ...counts, items: counts.criteriaResultsCount, lines: counts.totalCount };
}
