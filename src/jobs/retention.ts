/**
 * Deletes run results past their retention date (`retentionDays`, default 60), hourly.
 *
 * - Export results: the file row stays (marked purged) so the run and its metadata remain readable and
 *   the content endpoint can say why there is nothing to download.
 * - Import runs (spec §8: "submit, result and error content are kept for 60 days; afterwards the status
 *   becomes PURGED"): a COMPLETE or ERROR run completed more than `retentionDays` ago becomes PURGED and
 *   its submit, result and error blobs are deleted. The run (counts, warnings, errorMessage) stays
 *   listable; its content endpoints answer 3017.
 * - Staging tables of import runs that are no longer running (a process died between finishing a run and
 *   dropping its table) are dropped.
 */
import { addDays, zulu } from '../domain/time.js';
import { expiredFiles, markPurged } from '../store/export-repo.js';
import { clearImportRunBlobs, dropStaleStagingTables, markExpiredImportRunsPurged, purgedImportRunsWithBlobs } from '../store/import-run-repo.js';
import type { Services } from '../services.js';

const EVERY_MS = 60 * 60_000;

/** The moment before which a run's results have expired. */
export function retentionCutoff(retentionDays: number, now = zulu()): string {
  return addDays(now, -retentionDays);
}

/** Export result files past their expiry date: blobs deleted, rows marked purged. Returns how many. */
export async function sweepExpiredExportResults({ store, blobs }: Services): Promise<number> {
  let purged = 0;
  for (;;) {
    const files = await expiredFiles(store, zulu());
    if (files.length === 0) return purged;
    for (const f of files) {
      await blobs.delete(f.blob_key);
      await markPurged(store, f.id);
      purged++;
    }
  }
}

/**
 * Import runs completed more than `retentionDays` ago: status PURGED first (so no commit can start from
 * a submit file being deleted), then their blobs deleted. Returns how many runs it purged.
 */
export async function sweepExpiredImportRuns({ store, blobs, config }: Services): Promise<number> {
  const purged = await markExpiredImportRunsPurged(store, retentionCutoff(config.retentionDays));
  for (;;) {
    const runs = await purgedImportRunsWithBlobs(store);
    if (runs.length === 0) return purged;
    for (const r of runs) {
      const keys = new Set([r.submit_blob_key, r.result_blob_key, r.error_blob_key]);
      for (const key of keys) if (key) await blobs.delete(key); // idempotent; a failure leaves the run for the next sweep
      await clearImportRunBlobs(store, r.id);
    }
  }
}

/** Both sweeps (and stale staging tables); returns how many export files and import runs were purged. */
export async function sweepExpiredResults(services: Services): Promise<number> {
  await dropStaleStagingTables(services.store);
  return (await sweepExpiredExportResults(services)) + (await sweepExpiredImportRuns(services));
}

export function startRetentionSweep(services: Services): NodeJS.Timeout {
  const run = () => void sweepExpiredResults(services).catch((err) => console.error('retention sweep failed', err));
  run();
  return setInterval(run, EVERY_MS).unref();
}
