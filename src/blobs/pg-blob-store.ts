import { Readable, Writable } from 'node:stream';
import {
  commitBlobVersion, deleteBlob, discardBlobVersion, findBlob, insertBlobChunk, openBlobVersion, putBlob, readBlobChunk,
  sweepAbandonedBlobVersions, touchBlobVersion,
} from '../store/blob-repo.js';
import type { Store } from '../store/store.js';
import type { BlobStore } from './blob-store.js';

/** Bytes per `blob_chunks` row. */
export const BLOB_CHUNK_BYTES = 1 << 20;
/** A write not touched for this long is abandoned (its process died mid-upload) and swept. */
export const ABANDONED_AFTER_MS = 60 * 60_000;
/** How often a write in progress refreshes its `touched_at`. */
const TOUCH_EVERY_MS = 60_000;
/** How often a process sweeps abandoned writes (on the first commit after this much time). */
const SWEEP_EVERY_MS = 60 * 60_000;

function noSuchBlob(key: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such blob '${key}'`), { code: 'ENOENT', errno: -2 });
}

/**
 * Blobs in PostgreSQL, so every host of a cluster reaches every upload and result (tables and SQL in
 * `store/blob-repo.ts`). Same contract as `DirectoryBlobStore`:
 *
 * - A write goes to a fresh version: its bytes are inserted in 1 MiB chunks as they arrive (the stream's
 *   callback waits for each insert, so a fast producer is held back, and memory holds about one chunk).
 *   When the stream finishes, one transaction points the key at the version and deletes the one it named
 *   before: readers see the old blob or the new one, never half of either. A small blob (one chunk) is
 *   written whole in that one transaction.
 * - A read looks the key up (missing: an error with code ENOENT) and then fetches one chunk per query, as
 *   the consumer asks for more; no connection is held between chunks. A blob replaced or deleted while it
 *   is being read ends the read with an error rather than with short content.
 * - A failed or destroyed write deletes its version. One whose process died stays until a sweep: versions
 *   never committed and untouched for an hour (writers touch theirs every minute) are deleted, with their
 *   chunks, on the first commit of each hour in every process, or by `sweepAbandoned()`.
 *
 * ```ts
 * const blobs = new PgBlobStore(store);
 * await pipeline(source, blobs.createWriteStream('exports/RUNGUID.zip'));
 * ```
 */
export class PgBlobStore implements BlobStore {
  readonly #store: Store;
  #nextSweepAt = 0;

  constructor(store: Store) {
    if (store.dialect !== 'postgres') throw new Error('PgBlobStore needs a PostgreSQL store');
    this.#store = store;
  }

  createWriteStream(key: string): Writable {
    const store = this.#store;
    let versionId: number | undefined;
    let seq = 0;
    let size = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let touchedAt = 0;
    let committed = false;
    /** the chunk inserts of the last write; a destroy waits for them before it discards the version */
    let work: Promise<void> = Promise.resolve();

    const insert = async (data: Buffer) => {
      const now = Date.now();
      if (versionId === undefined) {
        versionId = await openBlobVersion(store, now);
        touchedAt = now;
      } else if (now - touchedAt >= TOUCH_EVERY_MS) {
        await touchBlobVersion(store, versionId, now);
        touchedAt = now;
      }
      await insertBlobChunk(store, versionId, seq++, data);
    };
    /** Inserts every full chunk of what is pending; keeps the rest (less than a chunk). */
    const flushFull = async () => {
      if (pendingBytes < BLOB_CHUNK_BYTES) return;
      const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
      let at = 0;
      for (; all.length - at >= BLOB_CHUNK_BYTES; at += BLOB_CHUNK_BYTES) await insert(all.subarray(at, at + BLOB_CHUNK_BYTES));
      pending = at < all.length ? [Buffer.from(all.subarray(at))] : [];
      pendingBytes = all.length - at;
    };

    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        pending.push(chunk);
        pendingBytes += chunk.length;
        size += chunk.length;
        work = flushFull();
        work.then(() => cb(), cb);
      },
      final: (cb) => {
        const finish = async () => {
          const now = Date.now();
          if (versionId === undefined) {
            await putBlob(store, key, pending, now);
          } else {
            if (pendingBytes > 0) await insert(Buffer.concat(pending, pendingBytes));
            await commitBlobVersion(store, key, versionId, size, now);
          }
          committed = true;
          pending = [];
          await this.#sweepIfDue();
        };
        finish().then(() => cb(), cb);
      },
      destroy: (err, cb) => {
        pending = [];
        work
          .catch(() => {})
          .then(() => (committed || versionId === undefined ? undefined : discardBlobVersion(store, versionId)))
          // an undeletable version is left to the abandoned-write sweep
          .then(() => cb(err), () => cb(err));
      },
    });
  }

  createReadStream(key: string): Readable {
    const store = this.#store;
    async function* chunks(): AsyncGenerator<Buffer> {
      const blob = await findBlob(store, key);
      if (!blob) throw noSuchBlob(key);
      let read = 0;
      for (let seq = 0; read < blob.size; seq++) {
        const data = await readBlobChunk(store, blob.versionId, seq);
        if (!data) throw new Error(`blob '${key}' was replaced or deleted while it was being read`);
        read += data.length;
        yield data;
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async put(key: string, data: Buffer | string): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const chunks: Buffer[] = [];
    for (let at = 0; at < buf.length; at += BLOB_CHUNK_BYTES) chunks.push(buf.subarray(at, at + BLOB_CHUNK_BYTES));
    await putBlob(this.#store, key, chunks, Date.now());
  }

  async size(key: string): Promise<number | null> {
    return (await findBlob(this.#store, key))?.size ?? null;
  }

  async delete(key: string): Promise<void> {
    await deleteBlob(this.#store, key);
  }

  /**
   * Deletes writes never committed and untouched for `idleMs` (default an hour): what processes killed
   * mid-upload left. Returns how many it deleted.
   */
  async sweepAbandoned(idleMs = ABANDONED_AFTER_MS): Promise<number> {
    return sweepAbandonedBlobVersions(this.#store, Date.now() - idleMs);
  }

  async #sweepIfDue(): Promise<void> {
    const now = Date.now();
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + SWEEP_EVERY_MS;
    try {
      await this.sweepAbandoned();
    } catch (err) {
      console.error(`plmx: sweeping abandoned blob writes failed: ${(err as Error).message}`);
    }
  }
}
