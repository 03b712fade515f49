/**
 * Import runs: the SQL behind endpoints I5–I12 (runs of an import definition) and the run life cycle the
 * import executor moves. The staging SQL of the engine lives in engine/import/run/context.ts and the resource handlers.
 */
import { type Selectable, sql } from 'kysely';
import type { Paging } from '../http/query.js';
import { stringMatch } from './like.js';
import type { ImportDefinitionTable, ImportRunTable } from './schema.js';
import type { Store } from './store.js';

export type ImportDefinitionRow = Selectable<ImportDefinitionTable>;
export type ImportRunRow = Selectable<ImportRunTable> & {
  creator_guid: string;
  creator_email: string;
  creator_full_name: string;
};

export function findImportDefinition(store: Store, workspaceId: number, guid: string): Promise<ImportDefinitionRow | undefined> {
  return store.db.selectFrom('import_definitions').selectAll().where('workspace_id', '=', workspaceId).where('guid', '=', guid).executeTakeFirst();
}

function runs(store: Store, workspaceId: number) {
  return store.db
    .selectFrom('import_runs as r')
    .innerJoin('users as u', 'u.id', 'r.creator_id')
    .selectAll('r')
    .select(['u.guid as creator_guid', 'u.email as creator_email', 'u.full_name as creator_full_name'])
    .where('r.workspace_id', '=', workspaceId);
}

export interface NewImportRun {
  workspaceId: number;
  guid: string;
  definitionId: number;
  number: number;
  commit: boolean;
  creatorId: number;
  createdAt: string;
  submitFileType: string;
  submitWorksheetName: string | null;
  submitFileName: string | null;
  submitBlobKey: string;
}

export async function insertImportRun(store: Store, r: NewImportRun): Promise<number> {
  const row = await store.db
    .insertInto('import_runs')
    .values({
      workspace_id: r.workspaceId, guid: r.guid, definition_id: r.definitionId, number: r.number, status: 'CREATED',
      commit: r.commit ? 1 : 0, creator_id: r.creatorId, created_at: r.createdAt, completed_at: null,
      submit_file_type: r.submitFileType, submit_worksheet_name: r.submitWorksheetName, submit_file_name: r.submitFileName,
      submit_blob_key: r.submitBlobKey, result_blob_key: null, error_blob_key: null, total_count: 0, success_count: 0,
      error_count: 0, warnings: '[]', attempts: 0, error: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findImportRun(store: Store, workspaceId: number, definitionId: number, guid: string): Promise<ImportRunRow | undefined> {
  return runs(store, workspaceId).where('r.definition_id', '=', definitionId).where('r.guid', '=', guid).executeTakeFirst();
}

export function findImportRunById(store: Store, runId: number) {
  return store.db.selectFrom('import_runs').selectAll().where('id', '=', runId).executeTakeFirst();
}

export interface ImportRunSearch {
  number?: number;
  status?: string;
  creatorGuid?: string;
  creatorFullName?: string;
  creatorEmail?: string;
}

export function searchImportRuns(store: Store, workspaceId: number, definitionId: number, s: ImportRunSearch, page: Paging): Promise<ImportRunRow[]> {
  let q = runs(store, workspaceId).where('r.definition_id', '=', definitionId);
  if (s.number !== undefined) q = q.where('r.number', '=', s.number);
  if (s.status !== undefined) q = q.where('r.status', '=', s.status);
  if (s.creatorGuid !== undefined) q = q.where('u.guid', '=', s.creatorGuid);
  if (s.creatorFullName !== undefined) q = q.where(stringMatch('u.full_name', s.creatorFullName));
  if (s.creatorEmail !== undefined) q = q.where(stringMatch('u.email', s.creatorEmail));
  return q.orderBy('r.number').offset(page.offset).limit(page.limit).execute();
}

/**
 * I8: turns a finished preview into a queued committing run (same guid and number). Conditional, so two
 * concurrent commits cannot both win; returns false when the run was not a finished preview.
 */
export async function requeueForCommit(store: Store, runId: number): Promise<boolean> {
  const res = await store.db
    .updateTable('import_runs')
    .set({ commit: 1, status: 'CREATED', completed_at: null, error: null, attempts: 0 })
    .where('id', '=', runId)
    .where('commit', '=', 0)
    .where('status', 'in', ['COMPLETE', 'ERROR'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** I9: a CREATED or RUNNING run is marked COMPLETE now (a running executor then leaves it alone). */
export async function forceComplete(store: Store, runId: number, at: string): Promise<void> {
  await store.db
    .updateTable('import_runs')
    .set({ status: 'COMPLETE', completed_at: at })
    .where('id', '=', runId)
    .where('status', 'in', ['CREATED', 'RUNNING'])
    .execute();
}

/** The changes committed runs added their items to (addToChange), by run id. */
export async function runChanges(store: Store, runIds: number[]) {
  if (runIds.length === 0) return [];
  return store.db
    .selectFrom('import_run_changes as rc')
    .innerJoin('changes as ch', 'ch.id', 'rc.change_id')
    .leftJoin('categories as c', 'c.id', 'ch.category_id')
    .leftJoin('users as cu', 'cu.id', 'ch.creator_id')
    .select([
      'rc.run_id', 'ch.guid', 'ch.number', 'ch.title', 'ch.lifecycle_status', 'ch.created_at', 'ch.lifecycle_at', 'ch.submission_at',
      'ch.effective_at', 'c.guid as category_guid', 'c.name as category_name', 'c.path as category_path', 'cu.guid as creator_guid',
      'cu.email as creator_email', 'cu.full_name as creator_name',
    ])
    .where('rc.run_id', 'in', runIds)
    .orderBy('ch.number')
    .execute();
}

export type RunChangeRow = Awaited<ReturnType<typeof runChanges>>[number];

/** A run the retention sweep handles: its id and the blobs it may still hold. */
export interface PurgeCandidate {
  id: number;
  guid: string;
  submit_blob_key: string;
  result_blob_key: string | null;
  error_blob_key: string | null;
}

/**
 * Retention, step 1: finished runs (COMPLETE or ERROR) completed at or before `cutoff` become PURGED.
 * Conditional on the status, so a preview being committed at that moment (CREATED again) is left alone.
 * Returns how many runs it marked.
 */
export async function markExpiredImportRunsPurged(store: Store, cutoff: string): Promise<number> {
  const res = await store.db
    .updateTable('import_runs')
    .set({ status: 'PURGED' })
    .where('status', 'in', ['COMPLETE', 'ERROR'])
    .where('completed_at', 'is not', null)
    .where('completed_at', '<=', cutoff)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Retention, step 2: PURGED runs whose blobs have not been deleted yet (an empty `submit_blob_key` marks
 * a run whose blobs are gone), a batch at a time. A sweep interrupted between the two steps is finished
 * by the next one.
 */
export function purgedImportRunsWithBlobs(store: Store, limit = 500): Promise<PurgeCandidate[]> {
  return store.db
    .selectFrom('import_runs')
    .select(['id', 'guid', 'submit_blob_key', 'result_blob_key', 'error_blob_key'])
    .where('status', '=', 'PURGED')
    .where('submit_blob_key', '<>', '')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Records that a PURGED run's blobs are deleted. */
export async function clearImportRunBlobs(store: Store, runId: number): Promise<void> {
  await store.db
    .updateTable('import_runs')
    .set({ submit_blob_key: '', result_blob_key: null, error_blob_key: null })
    .where('id', '=', runId)
    .where('status', '=', 'PURGED')
    .execute();
}

/**
 * Drops the staging tables (`import_stage_<runId>`) and, on SQLite, deletes the scratch databases
 * (`import_<runId>`) whose run is no longer CREATED or RUNNING: left behind by a process that died after
 * its run finished, or that was killed on the run's last attempt. Returns what it dropped.
 */
export async function dropStaleStagingTables(store: Store): Promise<string[]> {
  const tables = store.dialect === 'postgres'
    ? await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'import_stage_%'`.execute(store.db)
    : await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'import_stage_%'`.execute(store.db);
  const left = [
    ...tables.rows.map((t) => ({ name: t.name, runId: runIdOf(t.name, 'import_stage_'), drop: () => sql`DROP TABLE IF EXISTS ${sql.raw(t.name)}`.execute(store.db) })),
    ...(await store.scratchNames()).map((name) => ({ name, runId: runIdOf(name, 'import_'), drop: () => store.removeScratch(name) })),
  ].filter((x) => x.runId !== null);
  if (left.length === 0) return [];
  const active = await store.db.selectFrom('import_runs').select('id').where('id', 'in', left.map((x) => x.runId!)).where('status', 'in', ['CREATED', 'RUNNING']).execute();
  const running = new Set(active.map((r) => r.id));
  const stale = left.filter((x) => !running.has(x.runId!));
  for (const x of stale) await x.drop();
  return stale.map((x) => x.name);
}

function runIdOf(name: string, prefix: string): number | null {
  const id = Number(name.slice(prefix.length));
  return name.startsWith(prefix) && Number.isInteger(id) && id > 0 ? id : null;
}
