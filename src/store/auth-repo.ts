/**
 * Users, workspaces, sessions and rate-limit counters. Shared through the database so any API process
 * sees the same sessions and counts.
 */
import { sql } from 'kysely';
import { newGuid } from '../domain/ids.js';
import { zulu } from '../domain/time.js';
import type { Store } from './store.js';

export interface UserRow {
  id: number;
  guid: string;
  email: string;
  full_name: string;
  password_hash: string;
  failed_logins: number;
  locked_until: string | null;
}

export interface SessionInfo {
  token: string;
  userId: number;
  workspaceId: number;
  lastSeenMs: number;
  user: { guid: string; email: string; fullName: string };
  workspace: { name: string; requestLimit: number };
}

export async function insertUser(store: Store, u: { email: string; fullName: string; passwordHash: string }): Promise<number> {
  const row = await store.db
    .insertInto('users')
    .values({
      guid: newGuid(), email: u.email.toLowerCase(), full_name: u.fullName, password_hash: u.passwordHash,
      failed_logins: 0, locked_until: null, created_at: zulu(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findUserByEmail(store: Store, email: string): Promise<UserRow | undefined> {
  return store.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function addUserToWorkspace(store: Store, userId: number, workspaceId: number): Promise<void> {
  await store.db
    .insertInto('workspace_users')
    .values({ user_id: userId, workspace_id: workspaceId, last_login_at: null })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
    .execute();
}

/** The workspaces a user belongs to, the last used first. */
export async function userWorkspaces(store: Store, userId: number) {
  return store.db
    .selectFrom('workspace_users as wu')
    .innerJoin('workspaces as w', 'w.id', 'wu.workspace_id')
    .select(['w.id', 'w.name', 'w.request_limit', 'wu.last_login_at'])
    .where('wu.user_id', '=', userId)
    .orderBy(sql`coalesce(wu.last_login_at, '')`, 'desc')
    .orderBy('w.id')
    .execute();
}

export async function recordLoginFailure(store: Store, userId: number, lockAfter: number, lockUntil: string): Promise<void> {
  await store.db
    .updateTable('users')
    .set({
      failed_logins: sql`failed_logins + 1`,
      locked_until: sql`CASE WHEN failed_logins + 1 >= ${lockAfter} THEN ${lockUntil} ELSE locked_until END`,
    })
    .where('id', '=', userId)
    .execute();
}

/** Starts a session and revokes the user's older ones: Arena allows one session per user. */
export async function startSession(store: Store, userId: number, workspaceId: number, token: string): Promise<void> {
  const now = zulu();
  await store.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
    await tx.updateTable('sessions').set({ revoked: 1 }).where('user_id', '=', userId).where('revoked', '=', 0).execute();
    await tx
      .insertInto('sessions')
      .values({ token, user_id: userId, workspace_id: workspaceId, created_at: now, last_seen_ms: Date.now(), revoked: 0 })
      .execute();
    await tx
      .updateTable('workspace_users')
      .set({ last_login_at: now })
      .where('user_id', '=', userId)
      .where('workspace_id', '=', workspaceId)
      .execute();
  });
}

export async function findSession(store: Store, token: string): Promise<(SessionInfo & { revoked: boolean }) | undefined> {
  const row = await store.db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('workspaces as w', 'w.id', 's.workspace_id')
    .select([
      's.token', 's.user_id', 's.workspace_id', 's.last_seen_ms', 's.revoked', 'u.guid', 'u.email', 'u.full_name',
      'w.name as workspace_name', 'w.request_limit',
    ])
    .where('s.token', '=', token)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    token: row.token,
    userId: row.user_id,
    workspaceId: row.workspace_id,
    lastSeenMs: Number(row.last_seen_ms),
    revoked: row.revoked === 1,
    user: { guid: row.guid, email: row.email, fullName: row.full_name },
    workspace: { name: row.workspace_name, requestLimit: row.request_limit },
  };
}

export async function touchSession(store: Store, token: string, nowMs: number): Promise<void> {
  await store.db.updateTable('sessions').set({ last_seen_ms: nowMs }).where('token', '=', token).execute();
}

export async function revokeSession(store: Store, token: string): Promise<void> {
  await store.db.updateTable('sessions').set({ revoked: 1 }).where('token', '=', token).execute();
}

/** Counts one request against the workspace's current period and returns the count so far. Atomic. */
export async function countRequest(store: Store, workspaceId: number, period: string): Promise<number> {
  const res = await sql<{ count: number }>`
    INSERT INTO rate_counters (workspace_id, period, count) VALUES (${workspaceId}, ${period}, 1)
    ON CONFLICT (workspace_id, period) DO UPDATE SET count = rate_counters.count + 1
    RETURNING count`.execute(store.db);
  return Number(res.rows[0].count);
}

export async function requestCount(store: Store, workspaceId: number, period: string): Promise<number> {
  const row = await store.db
    .selectFrom('rate_counters')
    .select('count')
    .where('workspace_id', '=', workspaceId)
    .where('period', '=', period)
    .executeTakeFirst();
  return row?.count ?? 0;
}

export async function insertWorkspaceRow(store: Store, name: string, requestLimit: number): Promise<number> {
  const row = await store.db
    .insertInto('workspaces')
    .values({ name, request_limit: requestLimit, created_at: zulu() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listWorkspaces(store: Store) {
  return store.db.selectFrom('workspaces').selectAll().orderBy('id').execute();
}
