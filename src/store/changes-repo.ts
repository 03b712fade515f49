/**
 * Changes (ECOs and the like), scoped to one workspace, in the record shape of `domain/item-json.ts`.
 *
 * ```ts
 * const page = await searchChanges(store, workspaceId, { text: { number: 'ECO-*' } }, { offset: 0, limit: 20 });
 * ```
 */
import { type Kysely, sql } from 'kysely';
import type { ChangeRecord } from '../domain/item-json.js';
import type { DB } from './schema.js';
import type { Store } from './store.js';
import { textMatch } from './items-repo.js';

export const CHANGE_TEXT_COLUMNS = {
  number: 'ch.number',
  title: 'ch.title',
  'category.name': 'c.name',
  'creator.fullName': 'cu.full_name',
  'creator.email': 'cu.email',
} as const;

export const CHANGE_GUID_COLUMNS = {
  'category.guid': 'c.guid',
  'creator.guid': 'cu.guid',
} as const;

/** The filters of GET /changes, already validated by the route. */
export interface ChangeSearch {
  text?: Partial<Record<keyof typeof CHANGE_TEXT_COLUMNS, string>>;
  guids?: Partial<Record<keyof typeof CHANGE_GUID_COLUMNS, string>>;
  lifecycleStatus?: string;
  implementationStatus?: string;
  effectiveFrom?: string;
  effectiveTo?: string;
}

function changeQuery(db: Kysely<DB>) {
  return db
    .selectFrom('changes as ch')
    .leftJoin('categories as c', 'c.id', 'ch.category_id')
    .leftJoin('users as cu', 'cu.id', 'ch.creator_id')
    .select([
      'ch.guid', 'ch.number', 'ch.title', 'ch.description', 'ch.lifecycle_status', 'ch.implementation_status',
      'ch.effectivity_type', 'ch.created_at', 'ch.lifecycle_at', 'ch.submission_at', 'ch.effective_at',
      'c.guid as category_guid', 'c.name as category_name', 'c.path as category_path', 'cu.guid as creator_guid',
      'cu.email as creator_email', 'cu.full_name as creator_name',
    ]);
}

/** One page of changes matching a search, in number order. */
export async function searchChanges(store: Store, workspaceId: number, s: ChangeSearch, page: { offset: number; limit: number }): Promise<ChangeRecord[]> {
  let q = changeQuery(store.db).where('ch.workspace_id', '=', workspaceId);
  for (const [key, value] of Object.entries(s.text ?? {})) {
    q = q.where(textMatch(sql.ref(CHANGE_TEXT_COLUMNS[key as keyof typeof CHANGE_TEXT_COLUMNS]), value));
  }
  for (const [key, value] of Object.entries(s.guids ?? {})) {
    q = q.where(sql.ref(CHANGE_GUID_COLUMNS[key as keyof typeof CHANGE_GUID_COLUMNS]), '=', value);
  }
  if (s.lifecycleStatus !== undefined) q = q.where('ch.lifecycle_status', '=', s.lifecycleStatus);
  if (s.implementationStatus !== undefined) q = q.where('ch.implementation_status', '=', s.implementationStatus);
  if (s.effectiveFrom !== undefined) q = q.where('ch.effective_at', '>=', s.effectiveFrom);
  if (s.effectiveTo !== undefined) q = q.where('ch.effective_at', '<=', s.effectiveTo);
  return q.orderBy('ch.number').orderBy('ch.id').limit(page.limit).offset(page.offset).execute();
}

export async function findChange(store: Store, workspaceId: number, guid: string): Promise<ChangeRecord | undefined> {
  return changeQuery(store.db).where('ch.workspace_id', '=', workspaceId).where('ch.guid', '=', guid).executeTakeFirst();
}
