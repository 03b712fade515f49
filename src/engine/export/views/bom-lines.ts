/**
 * The BOM lines an export shows, shared by the BOM and BOM_SUBSTITUTES views: the lines of every exported
 * parent revision whose children were expanded (level 0 only with SINGLE, every level with FULL, none with
 * NONE). The child revision shown follows the same rule as the selection (spec §5.6): latest, or working
 * (else latest) with POTENTIAL.
 */
import { type RawBuilder, sql } from 'kysely';
import { childRevision } from '../revision-pick.js';
import { exportedRevisions } from './exported-revisions.js';
import type { ViewContext } from './view.js';

/** True when the BOM views are empty for these options (spec §7: BOM with bomLevels NONE). */
export function bomLinesEmpty(ctx: ViewContext): boolean {
  return ctx.options.bomLevels === 'NONE';
}

/**
 * FROM and JOINs over aliases: e (export_run_items), p (parent revision), pi (parent item), b (bom line),
 * ci (child item), c (child revision, null when the child item has no revision). Views may add joins.
 */
export function bomLinesFrom(ctx: ViewContext): RawBuilder<unknown> {
  return sql`
    ${exportedRevisions(ctx, 'p', 'pi').from}
    JOIN bom_lines b ON b.parent_rev_id = p.id
    JOIN items ci ON ci.id = b.child_item_id
    LEFT JOIN item_revisions c ON c.id = ${childRevision(ctx.options.revisionStatus, 'ci')}`;
}

/** The WHERE clause that goes with bomLinesFrom. */
export function bomLinesWhere(ctx: ViewContext): RawBuilder<unknown> {
  const { where } = exportedRevisions(ctx, 'p', 'pi');
  return ctx.options.bomLevels === 'SINGLE' ? sql`${where} AND e.level = 0` : where;
}
