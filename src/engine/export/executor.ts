/**
 * Executes one export run (called by the run queue once the run is RUNNING):
 * criteria -> selection materialised in export_run_items -> views streamed through the format writer
 * into a zip -> blob `exports/<runGuid>.zip` -> export_files row -> run COMPLETE.
 *
 * Safe to re-run after a crash: it first removes whatever an earlier attempt of the same run left
 * (selection rows, file rows and their blobs). On failure it throws (the queue marks the run FAILED) and
 * leaves no selection rows or result blob behind.
 *
 * ```ts
 * queue.handle('export', (runId) => executeExportRun(services, runId));
 * ```
 */
import { arenaError } from '../../domain/errors.js';
import { newGuid } from '../../domain/ids.js';
import { addDays, zulu } from '../../domain/time.js';
import type { Services } from '../../services.js';
import { compileCriteria, isEmptyCriteria, loadCriteriaContext, parseCriteria } from '../criteria/index.js';
import { normalizeExportOptions } from './options.js';
import { writeExportPackage } from './package.js';
import { clearSelection, materialiseSelection } from './selection.js';
import { chooseScan } from './views/exported-revisions.js';
import { loadCustomAttributes } from './views/index.js';

export { checkArenaLimits } from './limits.js';

/** Blob key of a run's result zip. */
/** Per attempt: a worker whose run was taken over never touches its successor's zip. */
export function exportBlobKey(runGuid: string, attempt: number): string {
  return `exports/${runGuid}-${attempt}.zip`;
}

/** Name of a run's result file (spec §5.9). */
export function exportFileName(definitionName: string): string {
  return `${definitionName} Export Results.zip`;
}

/** Statuses from which a finished run may move to COMPLETE (an ABORTED run stays aborted). */
const FINISHABLE = ['CREATED', 'RUNNING'];

class RunNoLongerActive extends Error {}

export async function executeExportRun(services: Services, runId: number): Promise<void> {
  const { store, blobs, config } = services;
  const run = await store.db.selectFrom('export_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!run) throw new Error(`export run ${runId} does not exist`);
  const def = await store.db
    .selectFrom('export_definitions')
    .selectAll()
    .where('id', '=', run.definition_id)
    .executeTakeFirst();
  if (!def) throw new Error(`export definition ${run.definition_id} of run ${runId} does not exist`);
  // Already finished (COMPLETE, DOWNLOADED, FAILED, ABORTED): nothing to do, and its result must stay.
  if (!FINISHABLE.includes(run.status)) return;

  await discardPreviousAttempt(services, runId);
  const key = exportBlobKey(run.guid, run.attempts);
  let stored = false;
  try {
    const options = normalizeExportOptions(JSON.parse(def.options));
    const rawCriteria: unknown = JSON.parse(run.criteria);
    if (isEmptyCriteria(rawCriteria)) throw arenaError(3140);
    const criteriaContext = await loadCriteriaContext(store, run.workspace_id);
    const condition = compileCriteria(parseCriteria(rawCriteria, criteriaContext), criteriaContext);

    const counts = await materialiseSelection(store, runId, {
      workspaceId: run.workspace_id,
      condition,
      bomLevels: options.bomLevels,
      revisionStatus: options.revisionStatus,
    });

    const result = await writeExportPackage(
      {
        store,
        runId,
        workspaceId: run.workspace_id,
        options,
        attributes: await loadCustomAttributes(store, run.workspace_id),
        missingContent: new Set(),
        scan: await chooseScan(store, run.workspace_id, counts.totalCount),
      },
      blobs,
      key,
    );
    stored = true;

    const now = zulu();
    await store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('export_files')
        .values({
          workspace_id: run.workspace_id,
          guid: newGuid(),
          run_id: runId,
          name: exportFileName(def.name),
          size: result.size,
          mime_type: 'application/zip',
          blob_key: key,
          created_at: now,
          expires_at: addDays(now, config.retentionDays),
          purged: 0,
        })
        .execute();
      const updated = await trx
        .updateTable('export_runs')
        .set({ status: 'COMPLETE', completed_at: now, criteria_results_count: counts.criteriaResultsCount, error: null })
        .where('id', '=', runId)
        .where('status', 'in', FINISHABLE)
        .where('attempts', '=', run.attempts) // taken over by another worker meanwhile: not ours to finish
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw new RunNoLongerActive();
    });
  } catch (err) {
    if (stored || err instanceof RunNoLongerActive) await blobs.delete(key).catch(() => {});
    if (err instanceof RunNoLongerActive) return; // aborted (or otherwise finished) meanwhile: leave it be
    throw err;
  } finally {
    await clearSelection(store, runId).catch(() => {});
  }
}

/** Removes what an earlier attempt of the run may have left: selection rows, file rows and their blobs. */
async function discardPreviousAttempt(services: Services, runId: number): Promise<void> {
  const { store, blobs } = services;
  await clearSelection(store, runId);
  const files = await store.db.selectFrom('export_files').select(['id', 'blob_key']).where('run_id', '=', runId).execute();
  for (const f of files) await blobs.delete(f.blob_key);
  if (files.length > 0) await store.db.deleteFrom('export_files').where('run_id', '=', runId).execute();
}
