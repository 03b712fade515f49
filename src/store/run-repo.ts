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
