/**
 * Export benchmark: seeds N items (BOMs, sourcing, files), then in separate child processes
 *  - the engine: SPECS of all items, and SPECS + BOM (FULL) + SOURCING + FILES of all items, as csv;
 *  - the floor: the same rows read with plain SQL and written as CSV into a zip, no engine in between.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeServices, openServices } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { newGuid } from '../src/domain/ids.js';
import { zulu } from '../src/domain/time.js';
import { createUser } from '../src/domain/users.js';
import { createWorkspace } from '../src/domain/workspace-defaults.js';
import { insertDefinition, insertRun } from '../src/store/export-repo.js';
import { seedWorkspace } from '../src/store/seed/index.js';
import { report, runCase } from './measure.js';

const ALL_ITEMS = [[{ attribute: 'number', operator: 'CONTAINS', value: '-' }]];

export async function benchExport(opts: { items: number; keep: boolean; databaseUrl?: string }): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-bench-'));
  const services = await openServices(loadConfig({ dataDir, databaseUrl: opts.databaseUrl, logLevel: 'silent' }));
  const { store } = services;
  console.log(`export benchmark: ${opts.items.toLocaleString('en-US')} items, data in ${dataDir}`);
  const workspaceId = await createWorkspace(store, 'Bench', 1_000_000);
  const userId = await createUser(store, { email: 'bench@plmx.dev', password: 'bench-password', fullName: 'Bench', workspaceIds: [workspaceId] });
  const started = performance.now();
  const summary = await seedWorkspace(store, services.blobs, workspaceId, { items: opts.items, userId });
  console.log(`seed: ${((performance.now() - started) / 1000).toFixed(1)} s  ${JSON.stringify(summary)}`);

  const runFor = async (name: string, options: object) => {
    const guid = newGuid();
    const number = await store.nextSequence(workspaceId, 'export-definition');
    await insertDefinition(store, {
      workspaceId, guid, number, name, description: null, world: 'ITEMS', criteria: JSON.stringify(ALL_ITEMS),
      options: JSON.stringify(options), creatorId: userId, createdAt: zulu(),
    });
    const def = await store.db.selectFrom('export_definitions').select('id').where('guid', '=', guid).executeTakeFirstOrThrow();
    const runId = await insertRun(store, {
      workspaceId, guid: newGuid(), definitionId: def.id, number: 1, creatorId: userId, createdAt: zulu(),
      criteria: JSON.stringify(ALL_ITEMS), criteriaResultsCount: null,
    });
    // RUNNING, as the queue leaves a run it hands to a worker; no queue runs in this process.
    await store.db.updateTable('export_runs').set({ status: 'RUNNING' }).where('id', '=', runId).execute();
    return String(runId);
  };
  const specsRun = await runFor('Specs', { exportViews: ['SPECS'], format: 'csv' });
  // FILES lists associations only when file content is asked for (spec §7), so ask for the primary files.
  const fullRun = await runFor('Full', {
    exportViews: ['SPECS', 'BOM', 'SOURCING', 'FILES'], bomLevels: 'FULL', format: 'csv', fileContent: { item: 'PRIMARY', supplierItem: 'NONE' },
  });
  await closeServices(services);

  const out = (name: string) => path.join(dataDir, `${name}.zip`);
  const db = opts.databaseUrl ?? '';
  // SQLite: plain SQL -> csv -> zip; PostgreSQL: psql's \copy of the same queries to csv files
  const floor = (views: string, name: string) => db
    ? runCase('psql-floor.ts', ['export', db, views, fs.mkdtempSync(path.join(dataDir, 'floor-'))])
    : runCase('export-floor.ts', [dataDir, views, out(name)]);
  const specsFloor = await floor('SPECS', 'floor-specs');
  const specs = await runCase('export-engine.ts', [dataDir, specsRun, db]);
  const fullFloor = await floor('SPECS,BOM,SOURCING,FILES', 'floor-full');
  const full = await runCase('export-engine.ts', [dataDir, fullRun, db]);

  console.log(report(`floor: SPECS (${db ? 'psql \\copy' : 'SQL -> csv -> zip'})`, specsFloor));
  console.log(report('engine: SPECS', specs, specsFloor));
  console.log(report('floor: SPECS+BOM+SOURCING+FILES', fullFloor));
  console.log(report('engine: SPECS+BOM(FULL)+SOURCING+FILES', full, fullFloor));
  if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
}
