/**
 * Export definitions, runs and run files: the SQL behind the Export Engine's endpoints.
 */
import type { Paging } from '../http/query.js';
import { stringMatch } from './like.js';
import type { Store } from './store.js';
import type { ExportDefinitionTable, ExportFileTable, ExportRunTable } from './schema.js';
import type { Selectable } from 'kysely';

export type DefinitionRow = Selectable<ExportDefinitionTable> & UserColumns;
export type RunRow = Selectable<ExportRunTable> & UserColumns;
export type FileRow = Selectable<ExportFileTable>;

interface UserColumns {
  creator_guid: string;
  creator_email: string;
  creator_full_name: string;
}

/** Search attributes of GET /exports, and the column each one filters. */
export const DEFINITION_SEARCH = {
  name: 'd.name',
  number: 'd.number',
  description: 'd.description',
  'creator.guid': 'u.guid',
  'creator.email': 'u.email',
  'creator.fullName': 'u.full_name',
} as const;

function definitions(store: Store, workspaceId: number) {
  return store.db
    .selectFrom('export_definitions as d')
    .innerJoin('users as u', 'u.id', 'd.creator_id')
    .selectAll('d')
    .select(['u.guid as creator_guid', 'u.email as creator_email', 'u.full_name as creator_full_name'])
    .where('d.workspace_id', '=', workspaceId);
}

function runs(store: Store, workspaceId: number) {
  return store.db
    .selectFrom('export_runs as r')
    .innerJoin('users as u', 'u.id', 'r.creator_id')
    .selectAll('r')
    .select(['u.guid as creator_guid', 'u.email as creator_email', 'u.full_name as creator_full_name'])
    .where('r.workspace_id', '=', workspaceId);
}

export async function insertDefinition(
  store: Store,
  d: { workspaceId: number; guid: string; number: number; name: string; description: string | null; world: string; criteria: string | null; options: string; creatorId: number; createdAt: string },
): Promise<void> {
  await store.db
    .insertInto('export_definitions')
    .values({
      workspace_id: d.workspaceId, guid: d.guid, number: d.number, name: d.name, description: d.description,
      world: d.world, criteria: d.criteria, options: d.options, creator_id: d.creatorId, created_at: d.createdAt,
    })
    .execute();
}

export function findDefinition(store: Store, workspaceId: number, guid: string): Promise<DefinitionRow | undefined> {
  return definitions(store, workspaceId).where('d.guid', '=', guid).executeTakeFirst();
}

export async function searchDefinitions(store: Store, workspaceId: number, search: Record<string, string>, page: Paging): Promise<DefinitionRow[]> {
  let q = definitions(store, workspaceId);
  for (const [key, value] of Object.entries(search)) {
    const column = DEFINITION_SEARCH[key as keyof typeof DEFINITION_SEARCH];
    if (key === 'number') {
      q = q.where('d.number', '=', Number(value));
      continue;
    }
    q = q.where(stringMatch(column, value));
  }
  return q.orderBy('d.number').offset(page.offset).limit(page.limit).execute();
}

export async function insertRun(
  store: Store,
  r: { workspaceId: number; guid: string; definitionId: number; number: number; creatorId: number; createdAt: string; criteria: string; criteriaResultsCount: number | null },
): Promise<number> {
  const row = await store.db
    .insertInto('export_runs')
    .values({
      workspace_id: r.workspaceId, guid: r.guid, definition_id: r.definitionId, number: r.number, status: 'CREATED',
      creator_id: r.creatorId, created_at: r.createdAt, completed_at: null, criteria: r.criteria,
      criteria_results_count: r.criteriaResultsCount, attempts: 0, error: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findRun(store: Store, workspaceId: number, definitionId: number, guid: string): Promise<RunRow | undefined> {
  return runs(store, workspaceId).where('r.definition_id', '=', definitionId).where('r.guid', '=', guid).executeTakeFirst();
}

export interface RunSearch {
  creatorId: number;
  number?: number;
  status?: string;
  completedFrom?: string;
  completedTo?: string;
  latestCompleted?: boolean;
}

const COMPLETED = ['COMPLETE', 'DOWNLOADED'];

export async function searchRuns(store: Store, workspaceId: number, definitionId: number, s: RunSearch, page: Paging): Promise<RunRow[]> {
  let q = runs(store, workspaceId).where('r.definition_id', '=', definitionId).where('r.creator_id', '=', s.creatorId);
  if (s.number !== undefined) q = q.where('r.number', '=', s.number);
  if (s.status !== undefined) q = q.where('r.status', '=', s.status);
  if (s.completedFrom !== undefined) q = q.where('r.completed_at', '>=', s.completedFrom);
  if (s.completedTo !== undefined) q = q.where('r.completed_at', '<=', s.completedTo);
  if (s.latestCompleted) {
    return q.where('r.status', 'in', COMPLETED).orderBy('r.completed_at', 'desc').orderBy('r.number', 'desc').limit(1).execute();
  }
  return q.orderBy('r.number').offset(page.offset).limit(page.limit).execute();
}

/** Runs of a workspace that are queued or executing (Arena's one-export-at-a-time rule). */
export async function activeRunCount(store: Store, workspaceId: number): Promise<number> {
  const row = await store.db
    .selectFrom('export_runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', ['CREATED', 'RUNNING'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function runFiles(store: Store, runIds: number[]): Promise<FileRow[]> {
  if (runIds.length === 0) return Promise.resolve([]);
  return store.db.selectFrom('export_files').selectAll().where('run_id', 'in', runIds).orderBy('id').execute();
}

export function findRunFile(store: Store, runId: number, guid: string): Promise<FileRow | undefined> {
  return store.db.selectFrom('export_files').selectAll().where('run_id', '=', runId).where('guid', '=', guid).executeTakeFirst();
}

/** The first download moves a COMPLETE run to DOWNLOADED; later ones change nothing. */
export async function markDownloaded(store: Store, runId: number): Promise<void> {
  await store.db.updateTable('export_runs').set({ status: 'DOWNLOADED' }).where('id', '=', runId).where('status', '=', 'COMPLETE').execute();
}

/** Result files past their retention date whose blobs are still stored. */
export function expiredFiles(store: Store, now: string): Promise<FileRow[]> {
  return store.db.selectFrom('export_files').selectAll().where('purged', '=', 0).where('expires_at', '<=', now).limit(1000).execute();
}

export async function markPurged(store: Store, fileId: number): Promise<void> {
  await store.db.updateTable('export_files').set({ purged: 1 }).where('id', '=', fileId).execute();
}
