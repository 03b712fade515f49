/**
 * addToChange (spec §8.12) for a committing run: the items the run created or changed go on an existing
 * change (named by `{guid}` or `{number}`) as affected items — their WORKING revision, once per item —
 * and the change is recorded in import_run_changes for the run's `changes`. The third form (a
 * `POST /changes` body) creates a new change per committing run: number = numberSequencePrefix (default
 * `ECO-`) + the next six-digit number after the highest in use with that prefix. Runs inside the run's one
 * transaction, so a rolled-back run leaves no change behind.
 */
import { type Kysely, sql } from 'kysely';
import { newGuid } from '../../../domain/ids.js';
import type { DB } from '../../../store/schema.js';
import { guidSql } from './context.js';
import type { ResourceHandler, RunContext } from './resource.js';

export class AddToChangeError extends Error {}

export type ChangeTarget = { id: number } | { create: Record<string, unknown> } | null;

/** The change an addToChange option names (or the body of one to create), or an AddToChangeError saying why there is none. */
export async function resolveChange(db: Kysely<DB>, workspaceId: number, addToChange: unknown): Promise<ChangeTarget> {
  if (addToChange === undefined || addToChange === null) return null;
  const o = addToChange as { guid?: unknown; number?: unknown };
  let q = db.selectFrom('changes').select(['id', 'lifecycle_status']).where('workspace_id', '=', workspaceId);
  let named: string;
  if (typeof o.guid === 'string') {
    q = q.where('guid', '=', o.guid);
    named = `guid ${o.guid}`;
  } else if (typeof o.number === 'string') {
    q = q.where('number', '=', o.number);
    named = `number ${o.number}`;
  } else {
    const body = addToChange as Record<string, unknown>;
    const category = body.category as { guid?: unknown } | undefined;
    if (category && typeof category.guid === 'string') {
      const c = await db.selectFrom('categories').select('id').where('workspace_id', '=', workspaceId).where('world', '=', 'CHANGE')
        .where('guid', '=', category.guid).executeTakeFirst();
      if (!c) throw new AddToChangeError(`addToChange: no change category has the guid ${category.guid}.`);
    }
    return { create: body };
  }
  const row = await q.executeTakeFirst();
  if (!row) throw new AddToChangeError(`addToChange: no change has the ${named}.`);
  if (row.lifecycle_status !== 'OPEN_AND_UNLOCKED') throw new AddToChangeError(`addToChange: the change with the ${named} is ${row.lifecycle_status}, not open and unlocked.`);
  return { id: row.id };
}

/** Creates the change of a new-change addToChange body; returns its id. */
async function createChange(db: Kysely<DB>, ctx: RunContext, body: Record<string, unknown>): Promise<number> {
  const prefixValue = (body.numberSequencePrefix as { value?: unknown } | undefined)?.value;
  const prefix = typeof prefixValue === 'string' && prefixValue !== '' ? prefixValue : 'ECO-';
  const used = await db.selectFrom('changes').select('number').where('workspace_id', '=', ctx.workspaceId)
    .where(sql<boolean>`substr(number, 1, ${prefix.length}) = ${prefix}`).execute();
  let max = 0;
  for (const u of used) {
    const rest = u.number.slice(prefix.length);
    if (/^\d+$/.test(rest)) max = Math.max(max, Number(rest));
  }
  const categoryGuid = (body.category as { guid?: unknown } | undefined)?.guid;
  const category = typeof categoryGuid === 'string'
    ? await db.selectFrom('categories').select('id').where('workspace_id', '=', ctx.workspaceId).where('world', '=', 'CHANGE').where('guid', '=', categoryGuid).executeTakeFirst()
    : undefined;
  const row = await db.insertInto('changes').values({
    workspace_id: ctx.workspaceId, guid: newGuid(), number: `${prefix}${String(max + 1).padStart(6, '0')}`,
    title: typeof body.title === 'string' ? body.title : 'Import', description: typeof body.description === 'string' ? body.description : null,
    category_id: category?.id ?? null, lifecycle_status: 'OPEN_AND_UNLOCKED', implementation_status: 'NOT_STARTED',
    effectivity_type: typeof body.effectivityType === 'string' ? body.effectivityType : 'PERMANENT_ON_APPROVAL',
    creator_id: ctx.creatorId, created_at: ctx.now, lifecycle_at: ctx.now, submission_at: null, effective_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function addToChange(db: Kysely<DB>, ctx: RunContext, handler: ResourceHandler, runId: number, target: NonNullable<ChangeTarget>): Promise<void> {
  if (handler.itemColumn === null) return; // the resource changes no item (FILE_SUMMARY)
  const T = ctx.staging.table;
  const changeId = 'id' in target ? target.id : await createChange(db, ctx, target.create);
  const item = sql.ref(`s.${handler.itemColumn}`);
  await sql`INSERT INTO change_items (workspace_id, guid, change_id, rev_id)
    SELECT ${ctx.workspaceId}, ${guidSql(ctx.dialect)}, ${changeId}, x.rev FROM (
      SELECT DISTINCT i.working_rev_id AS rev FROM ${T} s JOIN items i ON i.id = ${item}
      WHERE s.err_code IS NULL AND (s.action = 'CREATE' OR s.changed = 1) AND i.working_rev_id IS NOT NULL) x
    WHERE NOT EXISTS (SELECT 1 FROM change_items ci JOIN item_revisions r ON r.id = ci.rev_id JOIN item_revisions r2 ON r2.id = x.rev
      WHERE ci.change_id = ${changeId} AND r.item_id = r2.item_id)`.execute(db);
  await db.deleteFrom('import_run_changes').where('run_id', '=', runId).execute();
  await db.insertInto('import_run_changes').values({ run_id: runId, change_id: changeId }).execute();
}
