/**
 * The small reference tables an import row names by text — categories, lifecycle phases, the workspace's
 * users — loaded once per run and resolved in JS while staging, so resolving them costs no pass over the
 * staging table. Names compare ignoring case; of several matches the oldest (lowest id) wins. Each is
 * read as plain rows (`read…`, which a staging thread can be sent) and indexed where it is used (`…Lookup`).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../../store/schema.js';

/** Lower-cased text -> id, keeping the lowest id of equal keys. */
class Index {
  private readonly ids = new Map<string, number>();
  // rows of a file mostly name the same few: the last lookup is kept (a million rows: 0.1 s)
  private lastKey: string | undefined;
  private lastId: number | undefined;

  add(key: string | null, id: number): void {
    if (key === null) return;
    const k = key.toLowerCase();
    const had = this.ids.get(k);
    if (had === undefined || id < had) this.ids.set(k, id);
    this.lastKey = undefined;
  }

  get(key: string): number | undefined {
    if (key !== this.lastKey) {
      this.lastId = this.ids.get(key.toLowerCase());
      this.lastKey = key;
    }
    return this.lastId;
  }
}

export interface CategoryLookup {
  names: Map<number, string>;
  byGuid: Map<string, number>;
  byPath: Index;
  byName: Index;
}

export type CategoryRow = { id: number; guid: string; name: string; path: string | null };

export function readCategories(db: Kysely<DB>, workspaceId: number, world: string): Promise<CategoryRow[]> {
  return db.selectFrom('categories').select(['id', 'guid', 'name', 'path']).where('workspace_id', '=', workspaceId)
    .where('world', '=', world).orderBy('id').execute();
}

export function categoryLookup(rows: CategoryRow[]): CategoryLookup {
  const out: CategoryLookup = { names: new Map(), byGuid: new Map(), byPath: new Index(), byName: new Index() };
  for (const r of rows) {
    out.names.set(r.id, r.name);
    if (!out.byGuid.has(r.guid)) out.byGuid.set(r.guid, r.id);
    out.byPath.add(r.path, r.id);
    out.byName.add(r.name, r.id);
  }
  return out;
}

export async function loadCategories(db: Kysely<DB>, workspaceId: number, world: string): Promise<CategoryLookup> {
  return categoryLookup(await readCategories(db, workspaceId, world));
}

export interface PhaseLookup {
  byGuid: Map<string, number>;
  /** by name or short name */
  byName: Index;
}

export type PhaseRow = { id: number; guid: string; name: string; short_name: string | null };

export function readPhases(db: Kysely<DB>, workspaceId: number): Promise<PhaseRow[]> {
  return db.selectFrom('lifecycle_phases').select(['id', 'guid', 'name', 'short_name']).where('workspace_id', '=', workspaceId).execute();
}

export function phaseLookup(rows: PhaseRow[]): PhaseLookup {
  const out: PhaseLookup = { byGuid: new Map(), byName: new Index() };
  for (const r of rows) {
    out.byGuid.set(r.guid, r.id);
    out.byName.add(r.name, r.id);
    out.byName.add(r.short_name, r.id);
  }
  return out;
}

export interface UserLookup {
  byEmail: Index;
  byFullName: Index;
}

export type UserRow = { id: number; email: string; full_name: string };

/** The members of the workspace. */
export function readUsers(db: Kysely<DB>, workspaceId: number): Promise<UserRow[]> {
  return db.selectFrom('users as u').innerJoin('workspace_users as wu', 'wu.user_id', 'u.id').select(['u.id', 'u.email', 'u.full_name'])
    .where('wu.workspace_id', '=', workspaceId).execute();
}

export function userLookup(rows: UserRow[]): UserLookup {
  const out: UserLookup = { byEmail: new Index(), byFullName: new Index() };
  for (const r of rows) {
    out.byEmail.add(r.email, r.id);
    out.byFullName.add(r.full_name, r.id);
  }
  return out;
}

export async function loadUsers(db: Kysely<DB>, workspaceId: number): Promise<UserLookup> {
  return userLookup(await readUsers(db, workspaceId));
}
