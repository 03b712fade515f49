/**
 * Import benchmark: generates a ROWS-row ITEM_SPECS CSV, a ROWS-line ITEM_BOM CSV over those items and a
 * 135,000-row ITEM_SPECS XLSX, then, each in its own child process:
 *  - the floor: the file read by the same reader and bulk-inserted as text, no validation;
 *  - the engine: a preview run (commit=false) and a committing run of the file.
 * The SPECS commit creates the items the BOM file refers to. `--cases specs,bom,xlsx` picks cases;
 * `--repeat N` runs each case N times from the same database and reports the medians.
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
import { importSubmitKey } from '../src/engine/import/run/executor.js';
import { insertImportDefinition } from '../src/store/import-repo.js';
import { insertImportRun } from '../src/store/import-run-repo.js';
import type { Services } from '../src/services.js';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { writeBomCsv, writeSpecsCsv, writeSpecsXlsx } from './import-files.js';
import { type CaseResult, median, report, runCase } from './measure.js';

const XLSX_ROWS = 135_000;

export async function benchImport(opts: { rows: number; keep: boolean; repeat: number; cases?: string[]; databaseUrl?: string }): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-bench-'));
  const services = await openServices(loadConfig({ dataDir, databaseUrl: opts.databaseUrl, logLevel: 'silent' }));
  const { store } = services;
  console.log(`import benchmark: ${opts.rows.toLocaleString('en-US')} rows, data in ${dataDir}`);
  const workspaceId = await createWorkspace(store, 'Bench', 1_000_000);
  const userId = await createUser(store, { email: 'bench@plmx.dev', password: 'bench-password', fullName: 'Bench', workspaceIds: [workspaceId] });

  let started = performance.now();
  const files = { specs: path.join(dataDir, 'specs.csv'), bom: path.join(dataDir, 'bom.csv'), xlsx: path.join(dataDir, 'specs.xlsx') };
  await writeSpecsCsv(files.specs, 'IMP', opts.rows);
  await writeBomCsv(files.bom, 'IMP', opts.rows, opts.rows);
  await writeSpecsXlsx(files.xlsx, 'XLS', XLSX_ROWS);
  const mb = (f: string) => `${(fs.statSync(f).size / 1e6).toFixed(0)} MB`;
  console.log(`files: ${((performance.now() - started) / 1000).toFixed(1)} s (specs.csv ${mb(files.specs)}, bom.csv ${mb(files.bom)}, specs.xlsx ${mb(files.xlsx)})`);

  const runs = { specs: await prepare(services, workspaceId, userId, 'ITEM_SPECS', files.specs, 'CSV'),
    bom: await prepare(services, workspaceId, userId, 'ITEM_BOM', files.bom, 'CSV'),
    xlsx: await prepare(services, workspaceId, userId, 'ITEM_SPECS', files.xlsx, 'EXCEL_WORKSHEET') };
  await closeServices(services);

  const db = opts.databaseUrl ?? '';
  const results: [string, CaseResult, CaseResult?][] = [];
  const cases = [
    ['specs', 'ITEM_SPECS csv', files.specs, 'csv', runs.specs],
    ['bom', 'ITEM_BOM csv', files.bom, 'csv', runs.bom],
    ['xlsx', 'ITEM_SPECS xlsx', files.xlsx, 'xlsx', runs.xlsx],
  ] as const;
  // the BOM file names the items the SPECS commit creates
  const wanted = new Set(opts.cases ?? ['specs', 'bom', 'xlsx']);
  if (wanted.has('bom')) wanted.add('specs');
  for (const [id, name, file, type, run] of cases) {
    if (!wanted.has(id)) continue;
    // repetitions start from the same database: the one before the case's first commit
    const snapshot = opts.repeat > 1 ? await Snapshot.take(dataDir, opts.databaseUrl) : null;
    const floors: CaseResult[] = [];
    const previews: CaseResult[] = [];
    const commits: CaseResult[] = [];
    for (let rep = 0; rep < opts.repeat; rep++) {
      if (rep > 0) await snapshot!.restore();
      // on PostgreSQL the floor of a CSV is psql's \copy of the same file
      floors.push(db && type === 'csv'
        ? await runCase('psql-floor.ts', ['import', db, file, String(headerWidth(file))])
        : await runCase('import-floor.ts', [dataDir, file, type, db]));
      previews.push(await runCase('import-engine.ts', [dataDir, run.preview, db]));
      commits.push(await runCase('import-engine.ts', [dataDir, run.commit, db]));
    }
    await snapshot?.drop();
    const floor = median(floors);
    results.push([`floor: ${name} (${db && type === 'csv' ? 'psql \\copy' : 'read + bulk insert'})`, floor], [`engine: ${name} preview`, median(previews), floor], [`engine: ${name} commit`, median(commits), floor]);
    console.log(results.slice(-3).map(([label, r, f]) => report(label, r, f)).join('\n'));
    if (opts.repeat > 1) console.log(`  (medians of ${opts.repeat} runs; seconds: floor ${times(floors)}, preview ${times(previews)}, commit ${times(commits)})`);
  }
  if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
}

function times(results: CaseResult[]): string {
  return results.map((r) => r.seconds.toFixed(2)).join(' ');
}

/**
 * The database of the benchmark as it is now, put back before each repetition of a case (its runs would
 * otherwise be COMPLETE and its commit's items there): a copy of the SQLite file, or a PostgreSQL
 * database made from it as a template.
 */
class Snapshot {
  private constructor(readonly restore: () => Promise<void>, readonly drop: () => Promise<void>) {}

  static async take(dataDir: string, databaseUrl?: string): Promise<Snapshot> {
    if (!databaseUrl) {
      const file = path.join(dataDir, 'plmx.sqlite');
      const copy = `${file}.snapshot`;
      fs.copyFileSync(file, copy);
      return new Snapshot(async () => {
        for (const f of [`${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
        fs.copyFileSync(copy, file);
      }, async () => fs.rmSync(copy, { force: true }));
    }
    const url = new URL(databaseUrl);
    const name = url.pathname.slice(1);
    const admin = new pg.Client({ connectionString: Object.assign(new URL(databaseUrl), { pathname: '/postgres' }).toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}_snapshot TEMPLATE ${name}`);
    return new Snapshot(async () => {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${name}_snapshot`);
    }, async () => {
      await admin.query(`DROP DATABASE ${name}_snapshot`);
      await admin.end();
    });
  }
}

function headerWidth(file: string): number {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(4096);
  const n = fs.readSync(fd, buf);
  fs.closeSync(fd);
  return buf.subarray(0, n).toString('utf8').split('\n')[0].split(',').length;
}

/** A definition (CREATE, default options) and two CREATED runs of `file`: a preview and a commit. */
export async function prepare(services: Services, workspaceId: number, userId: number, resource: string, file: string, type: string) {
  const { store, blobs } = services;
  const guid = newGuid();
  await insertImportDefinition(store, {
    workspaceId, guid, number: await store.nextSequence(workspaceId, 'import-definition'), name: `${resource} ${type}`, description: null,
    resource, mode: 'CREATE', options: '{}', creatorId: userId, createdAt: zulu(),
  });
  const def = await store.db.selectFrom('import_definitions').select('id').where('guid', '=', guid).executeTakeFirstOrThrow();
  const run = async (number: number, commit: boolean) => {
    const runGuid = newGuid();
    const key = importSubmitKey(runGuid);
    await pipeline(fs.createReadStream(file), blobs.createWriteStream(key));
    const id = await insertImportRun(store, {
      workspaceId, guid: runGuid, definitionId: def.id, number, commit, creatorId: userId, createdAt: zulu(),
      submitFileType: type, submitWorksheetName: null, submitFileName: path.basename(file), submitBlobKey: key,
    });
    return String(id);
  };
  return { preview: await run(1, false), commit: await run(2, true) };
}
