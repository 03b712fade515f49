/**
 * The run queue on PostgreSQL: pg-boss carries "run N is ready" messages between any number of API and
 * worker processes; the runs tables stay the source of truth.
 *
 * - A worker takes a run with a conditional UPDATE (CREATED -> RUNNING, attempts + 1, its worker id and a
 *   heartbeat), so however many messages name a run, one worker executes it at a time. The attempt
 *   number fences the run: the executors' final write requires it, so a worker that lost its run cannot
 *   complete it (an import commit is never applied twice or half: it is one transaction).
 * - Workers renew the heartbeat of the runs they hold every lease/3. Every worker looks every lease/2 for
 *   runs whose holder stopped heart-beating for a whole lease (it died): they go back to CREATED and are
 *   sent again — or end FAILED / ERROR after `maxAttempts` — and for CREATED runs still waiting after two
 *   leases (their message may have died with a worker that fetched it before claiming the run).
 * - pg-boss jobs are only wake-up calls: no pg-boss retries; a job outliving its run is harmless.
 * - stop(): no new runs; the runs in hand get `graceMs` to finish, then go back to CREATED for another
 *   worker (the attempt counts) and the process may exit.
 *
 * ```ts
 * const queue = new PgRunQueue(store, { databaseUrl, role: 'worker', leaseSeconds: 30, maxAttempts: 3, pollMs: 500 });
 * queue.handle('import', (runId) => executeImportRun(services, runId));
 * await queue.start();
 * ```
 */
import os from 'node:os';
import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { zulu } from '../domain/time.js';
import { claimRun, failRun, handBackRuns, hasPendingRuns, markSent, renewLeases, takeOverExpiredRuns } from '../store/run-repo.js';
import type { Store } from '../store/store.js';
import type { RunHandler, RunKind, RunQueue } from './run-queue.js';

export type Role = 'api' | 'worker' | 'all';

export interface PgRunQueueOptions {
  databaseUrl: string;
  /** api: sends runs only; worker and all: execute them too */
  role: Role;
  /** a run whose holder has not renewed its heartbeat for this long is taken over */
  leaseSeconds: number;
  maxAttempts: number;
  /** how often an idle worker asks for work */
  pollMs: number;
  /** how long stop() lets the runs in hand finish before handing them back */
  graceMs?: number;
  /** how the runs tables name this process (default `<hostname>:<pid>`) */
  workerId?: string;
  log?: Pick<FastifyBaseLogger, 'error' | 'warn' | 'info'>;
}

const QUEUE: Record<RunKind, string> = { export: 'plmx-export-runs', import: 'plmx-import-runs' };
/** a message older than this has certainly been dealt with or its run taken over */
const MESSAGE_SECONDS = 3600;
/** the advisory lock plmx processes take to set up pg-boss's queues one at a time */
const QUEUE_SETUP_LOCK = 7_356_201;

export class PgRunQueue implements RunQueue {
  readonly #store: Store;
  readonly #options: Readonly<PgRunQueueOptions>;
  readonly #boss: PgBoss;
  readonly #handlers = new Map<RunKind, RunHandler>();
  readonly #inHand = new Set<Promise<void>>();
  readonly #workerIds: string[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  /** this process, as the runs tables name the holder of a run */
  readonly worker: string;
  #started = false;

  constructor(store: Store, options: PgRunQueueOptions) {
    this.#store = store;
    this.#options = Object.freeze({ graceMs: 30_000, ...options });
    this.worker = options.workerId ?? `${os.hostname()}:${process.pid}`;
    this.#boss = new PgBoss({
      connectionString: options.databaseUrl,
      max: 4,
      // maintenance (expiring, archiving, deleting old messages) runs in every process, under pg-boss's own lock
      maintenanceIntervalSeconds: Math.max(30, options.leaseSeconds),
      schedule: false,
    });
    this.#boss.on('error', (err) => this.#options.log?.error({ err }, 'pg-boss error'));
  }

  get #executes(): boolean {
    return this.#options.role !== 'api';
  }

  handle(kind: RunKind, handler: RunHandler): void {
    this.#handlers.set(kind, handler);
  }

  async enqueue(kind: RunKind, runId: number): Promise<void> {
    await markSent(this.#store, kind, runId, Date.now());
    await this.#boss.send(QUEUE[kind], { runId }, { retryLimit: 0, expireInSeconds: MESSAGE_SECONDS });
    for (const id of this.#workerIds) this.#boss.notifyWorker(id);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    // pg-boss installs its schema under its own lock, but two processes creating the same queue at once
    // deadlock (its partition DDL): plmx processes starting together take turns
    await this.#store.db.connection().execute(async (conn) => {
      await sql`SELECT pg_advisory_lock(${QUEUE_SETUP_LOCK})`.execute(conn);
      try {
        await this.#boss.start();
        for (const kind of this.#handlers.keys()) if (!(await this.#boss.getQueue(QUEUE[kind]))) await this.#boss.createQueue(QUEUE[kind]);
      } finally {
        await sql`SELECT pg_advisory_unlock(${QUEUE_SETUP_LOCK})`.execute(conn);
      }
    });
    if (!this.#executes) return;
    const leaseMs = this.#options.leaseSeconds * 1000;
    for (const [kind, handler] of this.#handlers) {
      const id = await this.#boss.work<{ runId: number }>(
        QUEUE[kind],
        { batchSize: 1, pollingIntervalSeconds: Math.max(0.5, this.#options.pollMs / 1000) },
        async ([job]) => this.#track(this.#execute(kind, handler, Number(job.data.runId))),
      );
      this.#workerIds.push(id);
    }
    this.#every(leaseMs / 3, () => this.#renew());
    this.#every(leaseMs / 2, () => this.#takeOver());
    await this.#takeOver(); // runs left behind before this worker started
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    for (const t of this.#timers.splice(0)) clearInterval(t);
    if (this.#executes) {
      for (const kind of this.#handlers.keys()) await this.#boss.offWork(QUEUE[kind]);
      const inHand = Promise.all(this.#inHand);
      const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), this.#options.graceMs).unref());
      if ((await Promise.race([inHand.then(() => 'done' as const), grace])) === 'late') {
        for (const kind of this.#handlers.keys()) {
          const ids = await handBackRuns(this.#store, kind, this.worker, Date.now());
          for (const runId of ids) await this.#boss.send(QUEUE[kind], { runId }, { retryLimit: 0, expireInSeconds: MESSAGE_SECONDS });
          if (ids.length > 0) this.#options.log?.warn({ kind, runs: ids }, 'handed back runs still executing at shutdown');
        }
      }
    }
    await this.#boss.stop({ graceful: false, wait: true, timeout: 5000 });
    this.#started = false;
  }

  async idle(): Promise<void> {
    for (;;) {
      let pending = this.#inHand.size > 0;
      for (const kind of this.#handlers.keys()) pending ||= await hasPendingRuns(this.#store, kind);
      if (!pending) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async #execute(kind: RunKind, handler: RunHandler, runId: number): Promise<void> {
    if (!(await claimRun(this.#store, kind, runId, this.worker, Date.now()))) return; // done, or another worker has it
    try {
      await handler(runId);
    } catch (err) {
      this.#options.log?.error({ err, kind, runId }, 'run failed');
      await failRun(this.#store, kind, runId, err instanceof Error ? err.message : String(err), zulu());
    }
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inHand.add(work);
    return work.finally(() => this.#inHand.delete(work));
  }

  #every(ms: number, tick: () => Promise<void>): void {
    const timer = setInterval(() => void tick().catch((err) => this.#options.log?.error({ err }, 'run queue upkeep failed')), ms);
    this.#timers.push(timer.unref());
  }

  async #renew(): Promise<void> {
    for (const kind of this.#handlers.keys()) await renewLeases(this.#store, kind, this.worker, Date.now());
  }

  async #takeOver(): Promise<void> {
    const now = Date.now();
    const leaseMs = this.#options.leaseSeconds * 1000;
    for (const kind of this.#handlers.keys()) {
      const ids = await takeOverExpiredRuns(this.#store, kind, {
        // a CREATED run still waiting after two leases: its message may have died with the worker that
        // fetched it before claiming the run, so it is sent again (a duplicate finds the run taken)
        cutoffMs: now - leaseMs, resendBeforeMs: now - 2 * leaseMs, nowMs: now, maxAttempts: this.#options.maxAttempts,
      });
      for (const runId of ids) await this.#boss.send(QUEUE[kind], { runId }, { retryLimit: 0, expireInSeconds: MESSAGE_SECONDS });
      if (ids.length > 0) this.#options.log?.warn({ kind, runs: ids }, 'took over runs whose worker stopped or whose message was lost');
    }
  }
}
