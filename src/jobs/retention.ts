/**
 * Deletes export results past their retention date. The file row stays (marked purged) so the run and
 * its metadata remain readable and the content endpoint can say why there is nothing to download.
 */
import { zulu } from '../domain/time.js';
import { expiredFiles, markPurged } from '../store/export-repo.js';
import type { Services } from '../services.js';

const EVERY_MS = 60 * 60_000;

export async function sweepExpiredResults({ store, blobs }: Services): Promise<number> {
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

export function startRetentionSweep(services: Services): NodeJS.Timeout {
  const run = () => void sweepExpiredResults(services).catch((err) => console.error('retention sweep failed', err));
  run();
  return setInterval(run, EVERY_MS).unref();
}
