/**
 * Deletes run results past their retention date (`retentionDays`, default 60), hourly.
 *
 * - Export results: the file row stays (marked purged) so the run and its metadata remain readable and
 *   the content endpoint can say why there is nothing to download.
 * - Import runs (spec §8: "submit, result and error content are kept for 60 days; afterwards the status
 *   becomes PURGED"): a COMPLETE or ERROR run completed more than `retentionDays` ago becomes PURGED and
 *   its submit, result and error blobs are deleted. The run (counts, warnings, errorMessage) stays
 *   listable; its content endpoints answer 3017.
 * - Staging tables (and SQLite scratch files) of import runs that are no longer running (a process died
 *   between finishing a run and dropping its table, or was killed on the run's last attempt) are dropped.
 * - Work directories of import runs that a process killed mid-run left in this host's temporary
 *   directory are removed once nothing in them has changed for a day.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, zulu } from '../domain/time.js';
import { IMPORT_WORK_DIR_PREFIX } from '../engine/import/run/executor.js';
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

/** How long an import run's work directory must sit unchanged before it counts as abandoned. */
export const ABANDONED_WORK_DIR_MS = 24 * 60 * 60_000;

/**
 * Import runs' work directories in `dir` (this host's temporary directory: each host sweeps its own)
 * in which nothing has changed for ABANDONED_WORK_DIR_MS: left by a process killed mid-run (a local copy
 * of the submit file and the result lines, up to the file's size again). Returns how many it removed.
 */
export async function sweepAbandonedWorkDirs(dir = os.tmpdir(), now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await fs.promises.readdir(dir).catch(() => [])) {
    if (!name.startsWith(IMPORT_WORK_DIR_PREFIX)) continue;
    const work = path.join(dir, name);
    const stamps = [work, ...(await fs.promises.readdir(work).catch(() => [])).map((f) => path.join(work, f))];
    const changed = await Promise.all(stamps.map((f) => fs.promises.stat(f).then((st) => st.mtimeMs, () => 0)));
    if (now - Math.max(...changed) < ABANDONED_WORK_DIR_MS) continue;
    await fs.promises.rm(work, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * Both sweeps (and stale staging tables and work directories); returns how many export files and import
 * runs were purged.
 */
export async function sweepExpiredResults(services: Services): Promise<number> {
  await dropStaleStagingTables(services.store);
  await sweepAbandonedWorkDirs();
  return (await sweepExpiredExportResults(services)) + (await sweepExpiredImportRuns(services));
}

export function startRetentionSweep(services: Services): NodeJS.Timeout {
  const run = () => void sweepExpiredResults(services).catch((err) => console.error('retention sweep failed', err));
  run();
  return setInterval(run, EVERY_MS).unref();
}
