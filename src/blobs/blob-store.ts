import type { Readable, Writable } from 'node:stream';

/**
 * Where uploads, run results and file contents live. Keys are opaque strings the caller makes unique.
 * Implementations: `DirectoryBlobStore` (local directory, with the embedded database) and `PgBlobStore`
 * (chunked rows in PostgreSQL, whenever the store is PostgreSQL, so every host of a cluster sees every blob).
 */
export interface BlobStore {
  /** A stream that stores what is written to it under `key`; the blob appears only once the stream finishes. */
  createWriteStream(key: string): Writable;
  /** The stored bytes of `key`; fails with code ENOENT when there is no such blob. */
  createReadStream(key: string): Readable;
  /**
   * The path of a local file holding the blob's bytes, when the store keeps blobs as files (readers that
   * need random access then read it in place instead of copying it); the file must not be written to.
   */
  localFile?(key: string): string;
  put(key: string, data: Buffer | string): Promise<void>;
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
}
