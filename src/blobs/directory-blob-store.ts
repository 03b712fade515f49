import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { BlobStore } from './blob-store.js';

/**
 * Blobs as files under one directory. Writes go to a temporary name and are renamed into place when the
 * stream finishes, so a reader never sees half a blob.
 *
 * ```ts
 * const blobs = new DirectoryBlobStore('./data/blobs');
 * await pipeline(source, blobs.createWriteStream('exports/RUNGUID.zip'));
 * ```
 */
export class DirectoryBlobStore implements BlobStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
    fs.mkdirSync(this.#root, { recursive: true });
  }

  #path(key: string): string {
    const p = path.resolve(this.#root, key);
    if (!p.startsWith(this.#root + path.sep)) throw new Error(`blob key escapes the store: ${key}`);
    return p;
  }

  createWriteStream(key: string): Writable {
    const final = this.#path(key);
    const tmp = `${final}.${process.pid}.${Date.now()}.part`;
    fs.mkdirSync(path.dirname(final), { recursive: true });
    const file = fs.createWriteStream(tmp);
    const blob = new Writable({
      write(chunk, _enc, cb) {
        file.write(chunk, cb);
      },
      final(cb) {
        file.end(() => fs.rename(tmp, final, cb));
      },
      destroy(err, cb) {
        file.destroy();
        if (err) fs.rm(tmp, { force: true }, () => cb(err));
        else cb(null);
      },
    });
    // A failure of the file (disk full, or a write after destroy) surfaces on the blob stream, never as
    // an unhandled error event.
    file.on('error', (err) => blob.destroy(err));
    return blob;
  }

  createReadStream(key: string) {
    return fs.createReadStream(this.#path(key));
  }

  localFile(key: string): string {
    return this.#path(key);
  }

  async put(key: string, data: Buffer | string): Promise<void> {
    const final = this.#path(key);
    await fs.promises.mkdir(path.dirname(final), { recursive: true });
    await fs.promises.writeFile(`${final}.part`, data);
    await fs.promises.rename(`${final}.part`, final);
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await fs.promises.stat(this.#path(key))).size;
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.#path(key), { force: true });
  }
}
