import type { BlobStore } from './blobs/blob-store.js';
import type { Config } from './config.js';
import type { RunQueue } from './jobs/run-queue.js';
import type { Store } from './store/store.js';

/** What the HTTP layer, the engines and the CLI share: built once per process by `openServices`. */
export interface Services {
  config: Config;
  store: Store;
  blobs: BlobStore;
  queue: RunQueue;
}
