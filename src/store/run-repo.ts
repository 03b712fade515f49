/**
 * The life cycle columns the run queue moves, for every kind of run. A claim is a conditional UPDATE,
 * so two workers can never both take the same run.
 */
import type { RunKind } from '../jobs/run-queue.js';
import type { Store } from './store.js';

const TABLES = {
  export: { table: 'export_runs', failed: 'FAILED' },
  import: { table: 'import_runs', failed: 'ERROR' },
} as const satisfies Record<RunKind, { table: 'export_runs' | 'import_runs'; failed: string }>;

/** Takes the oldest CREATED run of a kind and marks it RUNNING; undefined when there is none. */
export async function claimNextRun(store: Store, kind: RunKind): Promise<number | undefined> {
  const { table } = TABLES[kind];
  for (;;) {
    const next = await store.db
      .selectFrom(table)
      .select('id')
      .where('status', '=', 'CREATED')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!next) return undefined;
    const res = await store.db
      .updateTable(table)
      .set((eb) => ({ status: 'RUNNING', attempts: eb('attempts', '+', 1) }))
      .where('id', '=', next.id)
      .where('status', '=', 'CREATED')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1) return next.id;
  }
}

export async function failRun(store: Store, kind: RunKind, runId: number, message: string, at: string): Promise<void> {
  const { table, failed } = TABLES[kind];
  await store.db
    .updateTable(table)
    .set({ status: failed, error: message.slice(0, 2000), completed_at: at })
    .where('id', '=', runId)
    .where('status', 'in', ['CREATED', 'RUNNING'])
    .execute();
}

/**
 * After a restart: runs left RUNNING were interrupted. They start again if they have attempts left,
 * else they end FAILED, so none stays RUNNING forever.
 */
export async function recoverInterruptedRuns(store: Store, kind: RunKind, maxAttempts: number): Promise<void> {
  const { table, failed } = TABLES[kind];
  await store.db
    .updateTable(table)
    .set({ status: failed, error: `The run was interrupted ${maxAttempts} times and was abandoned.` })
    .where('status', '=', 'RUNNING')
    .where('attempts', '>=', maxAttempts)
    .execute();
  await store.db.updateTable(table).set({ status: 'CREATED' }).where('status', '=', 'RUNNING').execute();
}

/**
 * Leases (PostgreSQL queue): a worker takes a CREATED run by a conditional UPDATE that records itself
 * and a heartbeat; the attempt number it gets fences the run — the executor's final write requires it,
 * so a worker whose lease was taken over can no longer complete the run.
 */
export async function claimRun(store: Store, kind: RunKind, runId: number, worker: string, nowMs: number): Promise<boolean> {
  const { table } = TABLES[kind];
  const res = await store.db
    .updateTable(table)
    .set((eb) => ({ status: 'RUNNING', attempts: eb('attempts', '+', 1), worker, heartbeat_at: nowMs }))
    .where('id', '=', runId)
    .where('status', '=', 'CREATED')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The heartbeat of every run `worker` holds. */
export async function renewLeases(store: Store, kind: RunKind, worker: string, nowMs: number): Promise<void> {
  const { table } = TABLES[kind];
  await store.db.updateTable(table).set({ heartbeat_at: nowMs }).where('worker', '=', worker).where('status', '=', 'RUNNING').execute();
}

/**
 * Runs whose holder stopped heart-beating before `cutoffMs` (it died): back to CREATED with attempts
 * left, else ended failed. Also CREATED runs last sent before `resendBeforeMs` (their message was lost).
 * Returns the runs to send to the queue again; each is stamped, so it is returned once per period.
 */
export async function takeOverExpiredRuns(
  store: Store, kind: RunKind, opts: { cutoffMs: number; resendBeforeMs: number; nowMs: number; maxAttempts: number },
): Promise<number[]> {
  const { table, failed } = TABLES[kind];
  await store.db
    .updateTable(table)
    .set({ status: failed, error: `The run was interrupted ${opts.maxAttempts} times and was abandoned.`, worker: null })
    .where('status', '=', 'RUNNING')
    .where('heartbeat_at', '<', opts.cutoffMs)
    .where('attempts', '>=', opts.maxAttempts)
    .execute();
  const reset = await store.db
    .updateTable(table)
    .set({ status: 'CREATED', worker: null, heartbeat_at: opts.nowMs })
    .where((eb) => eb.or([
      eb.and([eb('status', '=', 'RUNNING'), eb('heartbeat_at', '<', opts.cutoffMs)]),
      eb.and([eb('status', '=', 'CREATED'), eb.or([eb('heartbeat_at', '<', opts.resendBeforeMs), eb('heartbeat_at', 'is', null)])]),
    ]))
    .returning('id')
    .execute();
  return reset.map((r) => r.id);
}

/** Marks a CREATED run as just sent to the queue (see takeOverExpiredRuns). */
export async function markSent(store: Store, kind: RunKind, runId: number, nowMs: number): Promise<void> {
  const { table } = TABLES[kind];
  await store.db.updateTable(table).set({ heartbeat_at: nowMs }).where('id', '=', runId).where('status', '=', 'CREATED').execute();
}

/** Graceful shutdown: the runs `worker` still holds go back to CREATED (the attempt counts). */
export async function handBackRuns(store: Store, kind: RunKind, worker: string, nowMs: number): Promise<number[]> {
  const { table } = TABLES[kind];
  const rows = await store.db
    .updateTable(table)
    .set({ status: 'CREATED', worker: null, heartbeat_at: nowMs })
    .where('worker', '=', worker)
    .where('status', '=', 'RUNNING')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** True while some run of `kind` is CREATED or RUNNING. */
export async function hasPendingRuns(store: Store, kind: RunKind): Promise<boolean> {
  const { table } = TABLES[kind];
  const row = await store.db.selectFrom(table).select('id').where('status', 'in', ['CREATED', 'RUNNING']).limit(1).executeTakeFirst();
  return row !== undefined;
}
