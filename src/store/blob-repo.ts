/**
 * All SQL of the PostgreSQL blob store (`blobs/pg-blob-store.ts`; tables in migration 0004_blobs).
 *
 * - `blob_versions`: one row per version of a blob, being written (`committed_at` null) or stored.
 * - `blob_chunks`: a version's bytes, about 1 MiB per row, `seq` from 0; deleted with their version
 *   (ON DELETE CASCADE).
 * - `blobs`: key -> the committed version it names (and its size).
 *
 * Every change of what a key names (commit, put, delete) holds a transaction-level advisory lock on the
 * key, so two writers of one key cannot both miss the other's version and leave it unreferenced.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from './schema.js';
import type { Store } from './store.js';

/** The first half of the advisory lock key of blob keys ('plmx'); the second half is hashtext(key). */
const BLOB_LOCK_SPACE = 0x706c6d78;

/** The version a commit wanted to publish no longer exists: it was swept as abandoned or discarded. */
export class BlobVersionGone extends Error {}

async function lockKey(trx: Kysely<DB>, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(BLOB_LOCK_SPACE)}, hashtext(${key}))`.execute(trx);
}

/** Points `key` at `versionId` and deletes the version it named before (with its chunks). */
async function swap(trx: Kysely<DB>, key: string, versionId: number, size: number, now: number): Promise<void> {
  const old = await trx.selectFrom('blobs').select('version_id').where('key', '=', key).executeTakeFirst();
  await trx
    .insertInto('blobs')
    .values({ key, version_id: versionId, size, created_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ version_id: versionId, size, created_at: now }))
    .execute();
  if (old && Number(old.version_id) !== versionId) await trx.deleteFrom('blob_versions').where('id', '=', old.version_id).execute();
}

/** Starts a version being written; returns its id. */
export async function openBlobVersion(store: Store, now: number): Promise<number> {
  const row = await store.db
    .insertInto('blob_versions')
    .values({ size: 0, started_at: now, touched_at: now, committed_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Appends one chunk to a version being written (fails on the foreign key once the version is swept). */
export async function insertBlobChunk(store: Store, versionId: number, seq: number, data: Buffer): Promise<void> {
  await store.db.insertInto('blob_chunks').values({ version_id: versionId, seq, data }).execute();
}

/** Says a version is still being written, so the abandoned-write sweep leaves it alone. */
export async function touchBlobVersion(store: Store, versionId: number, now: number): Promise<void> {
  await store.db.updateTable('blob_versions').set({ touched_at: now }).where('id', '=', versionId).where('committed_at', 'is', null).execute();
}

/**
 * Publishes a fully written version under `key` in one transaction: the version is marked committed, the
 * key points at it, the version the key named before is deleted. Throws BlobVersionGone when the version
 * was swept or discarded meanwhile (nothing changes then).
 */
export async function commitBlobVersion(store: Store, key: string, versionId: number, size: number, now: number): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await lockKey(trx, key);
    const done = await trx
      .updateTable('blob_versions')
      .set({ committed_at: now, size })
      .where('id', '=', versionId)
      .where('committed_at', 'is', null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw new BlobVersionGone(`blob write of ${key} was abandoned (swept or discarded) before it finished`);
    await swap(trx, key, versionId, size, now);
  });
}

/** Stores a small blob whole in one transaction: a committed version, its chunks, the key pointed at it. */
export async function putBlob(store: Store, key: string, chunks: Buffer[], now: number): Promise<void> {
  const size = chunks.reduce((n, c) => n + c.length, 0);
  await store.db.transaction().execute(async (trx) => {
    await lockKey(trx, key);
    const { id } = await trx
      .insertInto('blob_versions')
      .values({ size, started_at: now, touched_at: now, committed_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const versionId = Number(id);
    for (let seq = 0; seq < chunks.length; seq++) {
      await trx.insertInto('blob_chunks').values({ version_id: versionId, seq, data: chunks[seq] }).execute();
    }
    await swap(trx, key, versionId, size, now);
  });
}

/** Deletes a version that was never committed (a failed write); a committed one is left alone. */
export async function discardBlobVersion(store: Store, versionId: number): Promise<void> {
  await store.db.deleteFrom('blob_versions').where('id', '=', versionId).where('committed_at', 'is', null).execute();
}

export async function findBlob(store: Store, key: string): Promise<{ versionId: number; size: number } | undefined> {
  const row = await store.db.selectFrom('blobs').select(['version_id', 'size']).where('key', '=', key).executeTakeFirst();
  return row ? { versionId: Number(row.version_id), size: Number(row.size) } : undefined;
}

/** One chunk of a version, or undefined when there is none (the version was replaced or deleted). */
export async function readBlobChunk(store: Store, versionId: number, seq: number): Promise<Buffer | undefined> {
  const row = await store.db
    .selectFrom('blob_chunks')
    .select('data')
    .where('version_id', '=', versionId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row?.data;
}

/** Removes `key` and its version's chunks; nothing happens when there is no such blob. */
export async function deleteBlob(store: Store, key: string): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await lockKey(trx, key);
    const row = await trx.deleteFrom('blobs').where('key', '=', key).returning('version_id').executeTakeFirst();
    if (row) await trx.deleteFrom('blob_versions').where('id', '=', row.version_id).execute();
  });
}

/**
 * Deletes versions being written that nobody has touched since `cutoff` (epoch ms): writes of a process
 * that died or hung mid-upload. Their chunks go with them. Returns how many versions it deleted.
 */
export async function sweepAbandonedBlobVersions(store: Store, cutoff: number): Promise<number> {
  const res = await store.db
    .deleteFrom('blob_versions')
    .where('committed_at', 'is', null)
    .where('touched_at', '<', cutoff)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
