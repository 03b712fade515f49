/**
 * The run queue of the embedded database: runs execute in this process, one at a time per kind, taken
 * from the runs tables in creation order. On start, runs left RUNNING by a dead process go back to
 * CREATED; a run that has been attempted `maxAttempts` times is marked FAILED instead.
 *
 * ```ts
 * const queue = new EmbeddedRunQueue(store, { pollMs: 200, maxAttempts: 3 });
 * queue.handle('export', (runId) => executeExportRun(services, runId));
 * await queue.start();
 * ```
 */
import type { FastifyBaseLogger } from 'fastify';
import { zulu } from '../domain/time.js';
import type { Store } from '../store/store.js';
import type { RunHandler, RunKind, RunQueue } from './run-queue.js';
import { claimNextRun, failRun, recoverInterruptedRuns } from '../store/run-repo.js';

export interface EmbeddedRunQueueOptions {
  pollMs: number;
  maxAttempts: number;
  log?: Pick<FastifyBaseLogger, 'error' | 'warn'>;
}

export class EmbeddedRunQueue implements RunQueue {
  readonly #store: Store;
  readonly #options: Readonly<EmbeddedRunQueueOptions>;
  readonly #handlers = new Map<RunKind, RunHandler>();
  #timer?: NodeJS.Timeout;
  #running = false;
  #stopping = false;
  #wake?: () => void;
  #loop?: Promise<void>;
  #idleWaiters: (() => void)[] = [];
  #pending = false;

  constructor(store: Store, options: EmbeddedRunQueueOptions) {
    this.#store = store;
    this.#options = Object.freeze({ ...options });
  }

  handle(kind: RunKind, handler: RunHandler): void {
    this.#handlers.set(kind, handler);
  }

  async enqueue(_kind: RunKind, _runId: number): Promise<void> {
    this.#pending = true;
    this.#wake?.();
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    for (const kind of this.#handlers.keys()) {
      await recoverInterruptedRuns(this.#store, kind, this.#options.maxAttempts);
    }
    this.#pending = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    this.#running = false;
  }

  idle(): Promise<void> {
    if (!this.#running || (!this.#pending && !this.#busy)) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #busy = false;

  async #run(): Promise<void> {
    while (!this.#stopping) {
      this.#pending = false;
      let didWork = false;
      for (const [kind, handler] of this.#handlers) {
        const runId = await claimNextRun(this.#store, kind);
        if (runId === undefined) continue;
        didWork = true;
        this.#busy = true;
        try {
          await handler(runId);
        } catch (err) {
          this.#options.log?.error({ err, kind, runId }, 'run failed');
          await failRun(this.#store, kind, runId, err instanceof Error ? err.message : String(err), zulu());
        } finally {
          this.#busy = false;
        }
      }
      if (didWork || this.#pending) continue;
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, this.#options.pollMs);
      });
      clearTimeout(this.#timer);
      this.#wake = undefined;
    }
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
