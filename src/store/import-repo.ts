/**
 * Import definitions: the SQL behind `POST/GET /imports` and `GET/PUT /imports/{guid}`, plus the lookups
 * their validation needs (changes and change categories for addToChange).
 */
import type { Selectable } from 'kysely';
import type { Paging } from '../http/query.js';
import { stringMatch } from './like.js';
import type { ImportDefinitionTable } from './schema.js';
import type { Store } from './store.js';

export type ImportDefinitionRow = Selectable<ImportDefinitionTable> & {
  creator_guid: string;
  creator_email: string;
  creator_full_name: string;
};

/** Search attributes of GET /imports, and the column each one filters. */
export const IMPORT_DEFINITION_SEARCH = {
  number: 'd.number',
  name: 'd.name',
  description: 'd.description',
  resource: 'd.resource',
  mode: 'd.mode',
  'creator.guid': 'u.guid',
  'creator.fullName': 'u.full_name',
  'creator.email': 'u.email',
} as const;

/** Validated filters: `number` an integer, `resource` / `mode` canonical upper case, the rest Arena string searches. */
export type ImportDefinitionSearch = Partial<Record<keyof typeof IMPORT_DEFINITION_SEARCH, string>>;

function definitions(store: Store, workspaceId: number) {
  return store.db
    .selectFrom('import_definitions as d')
    .innerJoin('users as u', 'u.id', 'd.creator_id')
    .selectAll('d')
    .select(['u.guid as creator_guid', 'u.email as creator_email', 'u.full_name as creator_full_name'])
    .where('d.workspace_id', '=', workspaceId);
}

export async function insertImportDefinition(
  store: Store,
  d: {
    workspaceId: number; guid: string; number: number; name: string; description: string | null; resource: string; mode: string;
    options: string; creatorId: number; createdAt: string;
  },
): Promise<void> {
  await store.db
    .insertInto('import_definitions')
    .values({
      workspace_id: d.workspaceId, guid: d.guid, number: d.number, name: d.name, description: d.description, resource: d.resource,
      mode: d.mode, options: d.options, creator_id: d.creatorId, created_at: d.createdAt,
    })
    .execute();
}

export function findImportDefinition(store: Store, workspaceId: number, guid: string): Promise<ImportDefinitionRow | undefined> {
  return definitions(store, workspaceId).where('d.guid', '=', guid).executeTakeFirst();
}

export async function searchImportDefinitions(
  store: Store,
  workspaceId: number,
  search: ImportDefinitionSearch,
  page: Paging,
): Promise<ImportDefinitionRow[]> {
  let q = definitions(store, workspaceId);
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined) continue;
    if (key === 'number') q = q.where('d.number', '=', Number(value));
    else if (key === 'resource') q = q.where('d.resource', '=', value);
    else if (key === 'mode') q = q.where('d.mode', '=', value);
    else q = q.where(stringMatch(IMPORT_DEFINITION_SEARCH[key as keyof typeof IMPORT_DEFINITION_SEARCH], value));
  }
  return q.orderBy('d.number').offset(page.offset).limit(page.limit).execute();
}

/** Changes the name and/or description of a definition (the only editable attributes). */
export async function updateImportDefinition(store: Store, id: number, changes: { name?: string; description?: string | null }): Promise<void> {
  const set: { name?: string; description?: string | null } = {};
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.description !== undefined) set.description = changes.description;
  if (Object.keys(set).length === 0) return;
  await store.db.updateTable('import_definitions').set(set).where('id', '=', id).execute();
}

export async function changeGuidExists(store: Store, workspaceId: number, guid: string): Promise<boolean> {
  const row = await store.db.selectFrom('changes').select('id').where('workspace_id', '=', workspaceId).where('guid', '=', guid).executeTakeFirst();
  return row !== undefined;
}

export async function changeNumberExists(store: Store, workspaceId: number, number: string): Promise<boolean> {
  const row = await store.db.selectFrom('changes').select('id').where('workspace_id', '=', workspaceId).where('number', '=', number).executeTakeFirst();
  return row !== undefined;
}

export async function changeCategoryExists(store: Store, workspaceId: number, guid: string): Promise<boolean> {
  const row = await store.db
    .selectFrom('categories')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('world', '=', 'CHANGE')
    .where('guid', '=', guid)
    .executeTakeFirst();
  return row !== undefined;
}
