import path from 'node:path';
import { DirectoryBlobStore } from './blobs/directory-blob-store.js';
import { PgBlobStore } from './blobs/pg-blob-store.js';
import type { Config } from './config.js';
import { executeExportRun } from './engine/export/executor.js';
import { executeImportRun } from './engine/import/run/executor.js';
import { EmbeddedRunQueue } from './jobs/embedded-run-queue.js';
import { PgRunQueue } from './jobs/pg-run-queue.js';
import type { Services } from './services.js';
import { Store } from './store/store.js';

/** Opens the store, blobs and run queue a process needs, with the run handlers registered. */
export async function openServices(config: Config): Promise<Services> {
  const store = await Store.open({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, slowQueryMs: config.slowQueryMs });
  const blobs = store.dialect === 'postgres' ? new PgBlobStore(store) : new DirectoryBlobStore(path.join(config.dataDir, 'blobs'));
  const queue = config.queue === 'pg-boss'
    ? new PgRunQueue(store, {
      databaseUrl: config.databaseUrl!, role: config.role, leaseSeconds: config.leaseSeconds, maxAttempts: config.maxRunAttempts,
      pollMs: config.pollMs, log: console,
    })
    : new EmbeddedRunQueue(store, { pollMs: config.pollMs, maxAttempts: config.maxRunAttempts, log: console });
  const services: Services = { config, store, blobs, queue };
  queue.handle('export', (runId) => executeExportRun(services, runId));
  queue.handle('import', (runId) => executeImportRun(services, runId));
  return services;
}

export async function closeServices(services: Services): Promise<void> {
  await services.queue.stop();
  await services.store.close();
}
