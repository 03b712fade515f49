/**
 * WAL checkpoints of the embedded database on a thread of their own. By default SQLite checkpoints inside
 * the commit that grows the WAL past 1,000 pages, on the committing thread: a million-row import's commit
 * spent 1.1 s copying its pages into the database file while holding the event loop. Here every
 * connection plmx writes through has auto-checkpoints off, and this thread runs a PASSIVE checkpoint
 * (which never waits for or blocks readers and writers) every `intervalMs`.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-threads.js';

export interface CheckpointerInput {
  file: string;
  intervalMs: number;
}

export class SqliteCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  constructor(input: CheckpointerInput) {
    this.#worker = startWorker(import.meta.url, 'sqlite-checkpointer-worker', input);
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    // a checkpointer that cannot start must not take the process down: the WAL is then checkpointed on close
    this.#worker.on('error', (err) => console.error(`plmx: SQLite checkpointer stopped: ${err.message}`));
    this.#worker.unref();
  }

  /** Stops the thread after its current checkpoint. */
  async stop(): Promise<void> {
    this.#worker.ref(); // unreferenced, its exit would not keep the process alive for this await
    this.#worker.postMessage('stop');
    await this.#exited;
  }
}
