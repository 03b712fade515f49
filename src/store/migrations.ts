/**
 * Schema migrations, written once with Kysely's schema builder so they run on SQLite and PostgreSQL.
 * Column types are limited to `integer`, `bigint`, `real` (double precision on PostgreSQL) and `text`.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Dialect } from './store.js';

type ColumnType = 'integer' | 'bigint' | 'real' | 'text';
/** `name type` plus optional `!` (not null) and `=value` (default). */
type Column = readonly [name: string, type: ColumnType, flags?: string];

function table(db: Kysely<any>, dialect: Dialect, name: string, columns: Column[], withId = true) {
  let builder = db.schema.createTable(name).ifNotExists();
  if (withId) {
    builder =
      dialect === 'sqlite'
        ? builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        : builder.addColumn('id', 'serial', (c) => c.primaryKey());
  }
  for (const [col, type, flags = ''] of columns) {
    const dataType = type === 'real' && dialect === 'postgres' ? 'double precision' : type;
    builder = builder.addColumn(col, dataType, (c) => {
      let out = c;
      if (flags.includes('!')) out = out.notNull();
      const def = /=(\S+)/.exec(flags)?.[1];
      if (def !== undefined) out = out.defaultTo(type === 'text' ? def : Number(def));
      return out;
    });
  }
  return builder;
}

const ws: Column = ['workspace_id', 'integer', '!'];
const guid: Column = ['guid', 'text', '!'];
const flag = (name: string, def = 0): Column => [name, 'integer', `! =${def}`];

async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const t = (name: string, columns: Column[], withId = true) => table(db, dialect, name, columns, withId).execute();
  await t('workspaces', [['name', 'text', '!'], ['request_limit', 'integer', '!'], ['created_at', 'text', '!']]);
  await t('users', [
    guid, ['email', 'text', '!'], ['full_name', 'text', '!'], ['password_hash', 'text', '!'],
    ['failed_logins', 'integer', '! =0'], ['locked_until', 'text'], ['created_at', 'text', '!'],
  ]);
  await t('workspace_users', [ws, ['user_id', 'integer', '!'], ['last_login_at', 'text']], false);
  await t('sessions', [
    ['token', 'text', '!'], ['user_id', 'integer', '!'], ws, ['created_at', 'text', '!'],
    ['last_seen_ms', 'bigint', '!'], flag('revoked'),
  ], false);
  await t('rate_counters', [ws, ['period', 'text', '!'], ['count', 'integer', '! =0']], false);
  await t('sequences', [ws, ['name', 'text', '!'], ['value', 'integer', '!']], false);
  await t('categories', [
    ws, guid, ['world', 'text', '!'], ['name', 'text', '!'], ['path', 'text', '!'], ['parent_id', 'integer'],
  ]);
  await t('lifecycle_phases', [
    ws, guid, ['name', 'text', '!'], ['short_name', 'text', '!'], ['stage', 'text', '!'], flag('active', 1),
    ['display_order', 'integer', '!'],
  ]);
  await t('attributes', [
    ws, guid, ['world', 'text', '!'], ['name', 'text', '!'], ['field_type', 'text', '!'], flag('multi_select'),
    ['possible_values', 'text'],
  ]);
  await t('items', [
    ws, ['number', 'text', '!'], ['latest_rev_id', 'integer'], ['working_rev_id', 'integer'], ['created_at', 'text', '!'],
  ]);
  await t('item_revisions', [
    ws, ['item_id', 'integer', '!'], guid, ['revision_number', 'text'], ['revision_status', 'text', '!'],
    ['name', 'text', '!'], ['description', 'text'], ['category_id', 'integer'], ['lifecycle_phase_id', 'integer'],
    ['uom', 'text'], ['procurement_type', 'text'], ['owner_id', 'integer'], ['creator_id', 'integer', '!'],
    ['created_at', 'text', '!'], ['effective_at', 'text'], ['superseded_at', 'text'], flag('deviated'), flag('shared'),
    flag('modified_bom'), flag('modified_files'), flag('modified_sourcing'), flag('modified_specs'),
    flag('modified_costing'), ['production_cost', 'real'], ['prototype_cost', 'real'], ['target_cost', 'real'],
    ['target_price', 'real'], ['standard_cost', 'real'], ['change_id', 'integer'], ['attrs', 'text'],
  ]);
  await t('bom_lines', [
    ws, guid, ['parent_rev_id', 'integer', '!'], ['child_item_id', 'integer', '!'], ['line_number', 'integer'],
    ['quantity', 'real', '!'], ['ref_des', 'text'], ['notes', 'text'], ['attrs', 'text'],
  ]);
  await t('bom_substitutes', [
    ws, guid, ['bom_line_id', 'integer', '!'], ['item_id', 'integer', '!'], ['rank', 'integer', '!'],
    ['quantity', 'real'], ['notes', 'text'],
  ]);
  await t('files', [
    ws, guid, ['number', 'text', '!'], ['name', 'text'], ['title', 'text', '!'], ['description', 'text'],
    ['edition', 'text', '!'], ['format', 'text'], ['mime_type', 'text'], ['size', 'bigint', '! =0'],
    ['category_id', 'integer'], ['author_id', 'integer'], ['storage_method', 'text', '!'], ['location', 'text'],
    flag('latest', 1), flag('locked'), flag('private'), flag('has_markup'), ['created_at', 'text', '!'],
    ['modified_at', 'text', '!'], ['blob_key', 'text'],
  ]);
  await t('item_files', [
    ws, guid, ['rev_id', 'integer', '!'], ['file_id', 'integer', '!'], flag('primary'), flag('latest_edition_association', 1),
  ]);
  await t('suppliers', [
    ws, guid, ['name', 'text', '!'], ['supplier_code', 'text'], ['account_number', 'text'], ['description', 'text'],
    ['website', 'text'], ['approval_status', 'text', '!'], ['creator_id', 'integer', '!'], ['created_at', 'text', '!'],
    ['attrs', 'text'],
  ]);
  await t('supplier_items', [
    ws, guid, ['supplier_id', 'integer', '!'], ['number', 'text', '!'], ['name', 'text'], ['description', 'text'],
    ['type', 'text', '!'], ['uom', 'text'], ['procurement_type', 'text'], ['creator_id', 'integer', '!'],
    ['created_at', 'text', '!'], ['attrs', 'text'],
  ]);
  await t('supplier_item_files', [ws, guid, ['supplier_item_id', 'integer', '!'], ['file_id', 'integer', '!'], flag('primary')]);
  await t('sourcing', [
    ws, guid, ['rev_id', 'integer', '!'], ['mfr_item_id', 'integer'], ['vendor_item_id', 'integer'], flag('approved'),
    flag('active_production'), flag('active_prototype'), ['aml_rank', 'integer'], ['aml_split', 'real'], flag('make_item'),
    ['vendor_item_conversion_factor', 'real'], ['notes', 'text'],
  ]);
  await t('changes', [
    ws, guid, ['number', 'text', '!'], ['title', 'text', '!'], ['description', 'text'], ['category_id', 'integer'],
    ['lifecycle_status', 'text', '!'], ['implementation_status', 'text', '!'], ['effectivity_type', 'text', '!'],
    ['creator_id', 'integer', '!'], ['created_at', 'text', '!'], ['lifecycle_at', 'text', '!'],
    ['submission_at', 'text'], ['effective_at', 'text'],
  ]);
  await t('change_items', [ws, guid, ['change_id', 'integer', '!'], ['rev_id', 'integer', '!']]);
  await t('export_definitions', [
    ws, guid, ['number', 'integer', '!'], ['name', 'text', '!'], ['description', 'text'], ['world', 'text', '!'],
    ['criteria', 'text'], ['options', 'text', '!'], ['creator_id', 'integer', '!'], ['created_at', 'text', '!'],
  ]);
  await t('export_runs', [
    ws, guid, ['definition_id', 'integer', '!'], ['number', 'integer', '!'], ['status', 'text', '!'],
    ['creator_id', 'integer', '!'], ['created_at', 'text', '!'], ['completed_at', 'text'], ['criteria', 'text', '!'],
    ['criteria_results_count', 'integer'], ['attempts', 'integer', '! =0'], ['error', 'text'],
  ]);
  await t('export_files', [
    ws, guid, ['run_id', 'integer', '!'], ['name', 'text', '!'], ['size', 'bigint', '!'], ['mime_type', 'text', '!'],
    ['blob_key', 'text', '!'], ['created_at', 'text', '!'], ['expires_at', 'text', '!'], flag('purged'),
  ]);
  await t('export_run_items', [['run_id', 'integer', '!'], ['rev_id', 'integer', '!'], ['level', 'integer', '!']], false);

  const index = (name: string, on: string, columns: string[], unique = false) => {
    let b = db.schema.createIndex(name).ifNotExists().on(on).columns(columns);
    if (unique) b = b.unique();
    return b.execute();
  };
  await index('users_email', 'users', ['email'], true);
  await index('users_guid', 'users', ['guid'], true);
  await index('workspace_users_pk', 'workspace_users', ['workspace_id', 'user_id'], true);
  await index('workspace_users_user', 'workspace_users', ['user_id']);
  await index('sessions_pk', 'sessions', ['token'], true);
  await index('sessions_user', 'sessions', ['user_id']);
  await index('rate_counters_pk', 'rate_counters', ['workspace_id', 'period'], true);
  await index('sequences_pk', 'sequences', ['workspace_id', 'name'], true);
  for (const tbl of [
    'categories', 'lifecycle_phases', 'attributes', 'item_revisions', 'bom_lines', 'bom_substitutes', 'files',
    'item_files', 'suppliers', 'supplier_items', 'supplier_item_files', 'sourcing', 'changes', 'change_items',
    'export_definitions', 'export_runs', 'export_files',
  ]) {
    await index(`${tbl}_guid`, tbl, ['guid'], true);
  }
  await index('items_number', 'items', ['workspace_id', 'number'], true);
  await index('item_revisions_item', 'item_revisions', ['item_id']);
  await index('bom_lines_parent', 'bom_lines', ['parent_rev_id']);
  await index('bom_lines_child', 'bom_lines', ['child_item_id']);
  await index('bom_substitutes_line', 'bom_substitutes', ['bom_line_id']);
  await index('files_number', 'files', ['workspace_id', 'number']);
  await index('item_files_rev', 'item_files', ['rev_id']);
  await index('supplier_item_files_si', 'supplier_item_files', ['supplier_item_id']);
  await index('sourcing_rev', 'sourcing', ['rev_id']);
  await index('change_items_change', 'change_items', ['change_id']);
  await index('changes_number', 'changes', ['workspace_id', 'number']);
  await index('export_definitions_ws', 'export_definitions', ['workspace_id', 'number']);
  await index('export_runs_def', 'export_runs', ['definition_id', 'number']);
  await index('export_runs_status', 'export_runs', ['status']);
  await index('export_files_run', 'export_files', ['run_id']);
  await index('export_run_items_pk', 'export_run_items', ['run_id', 'rev_id'], true);
}

async function upImports(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const t = (name: string, columns: Column[], withId = true) => table(db, dialect, name, columns, withId).execute();
  await t('import_definitions', [
    ws, guid, ['number', 'integer', '!'], ['name', 'text', '!'], ['description', 'text'], ['resource', 'text', '!'],
    ['mode', 'text', '!'], ['options', 'text', '!'], ['creator_id', 'integer', '!'], ['created_at', 'text', '!'],
  ]);
  await t('import_runs', [
    ws, guid, ['definition_id', 'integer', '!'], ['number', 'integer', '!'], ['status', 'text', '!'], flag('commit'),
    ['creator_id', 'integer', '!'], ['created_at', 'text', '!'], ['completed_at', 'text'], ['submit_file_type', 'text'],
    ['submit_worksheet_name', 'text'], ['submit_file_name', 'text'], ['submit_blob_key', 'text', '!'],
    ['result_blob_key', 'text'], ['error_blob_key', 'text'], ['total_count', 'integer', '! =0'],
    ['success_count', 'integer', '! =0'], ['error_count', 'integer', '! =0'], ['warnings', 'text', '! =[]'],
    ['attempts', 'integer', '! =0'], ['error', 'text'],
  ]);
  await t('import_run_changes', [['run_id', 'integer', '!'], ['change_id', 'integer', '!']], false);
  await db.schema.createIndex('import_definitions_guid').ifNotExists().on('import_definitions').column('guid').unique().execute();
  await db.schema.createIndex('import_definitions_ws').ifNotExists().on('import_definitions').columns(['workspace_id', 'number']).execute();
  await db.schema.createIndex('import_runs_guid').ifNotExists().on('import_runs').column('guid').unique().execute();
  await db.schema.createIndex('import_runs_def').ifNotExists().on('import_runs').columns(['definition_id', 'number']).execute();
  await db.schema.createIndex('import_runs_status').ifNotExists().on('import_runs').column('status').execute();
  await db.schema.createIndex('import_run_changes_pk').ifNotExists().on('import_run_changes').columns(['run_id', 'change_id']).unique().execute();
}

/** Run leases for the PostgreSQL queue: which worker holds a RUNNING run and when it last said so. */
async function upRunLeases(db: Kysely<any>): Promise<void> {
  for (const t of ['export_runs', 'import_runs']) {
    await db.schema.alterTable(t).addColumn('worker', 'text').execute();
    await db.schema.alterTable(t).addColumn('heartbeat_at', 'bigint').execute();
  }
}

/**
 * The PostgreSQL blob store (`blobs/pg-blob-store.ts`, SQL in `blob-repo.ts`): a key points at one committed
 * version; a version's bytes are its chunks in `seq` order. A version being written has `committed_at` null
 * and `touched_at` refreshed while chunks arrive; one untouched for an hour is abandoned and swept (its
 * chunks go with it, ON DELETE CASCADE). Nothing on SQLite: the embedded database keeps blobs in a directory.
 */
async function upBlobs(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`CREATE TABLE IF NOT EXISTS blob_versions (
    id bigserial PRIMARY KEY,
    size bigint NOT NULL DEFAULT 0,
    started_at bigint NOT NULL,
    touched_at bigint NOT NULL,
    committed_at bigint
  )`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS blob_versions_open ON blob_versions (touched_at) WHERE committed_at IS NULL`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS blob_chunks (
    version_id bigint NOT NULL REFERENCES blob_versions (id) ON DELETE CASCADE,
    seq integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (version_id, seq)
  )`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS blobs (
    key text PRIMARY KEY,
    version_id bigint NOT NULL REFERENCES blob_versions (id),
    size bigint NOT NULL,
    created_at bigint NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS blobs_version ON blobs (version_id)`.execute(db);
}

/**
 * Blob chunks compressed with lz4 where the server has it (PostgreSQL 14+ built with lz4, as Debian's and
 * the official images are): writing an 83 MB CSV took 0.6-0.7 s instead of 1.5-2.3 s with the default
 * pglz, for about the same size (18 MB against 15 MB). Chunks written before stay as they are.
 */
async function upBlobLz4(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  const lz4 = await sql`SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)`.execute(db);
  if (lz4.rows.length > 0) await sql`ALTER TABLE blob_chunks ALTER COLUMN data SET COMPRESSION lz4`.execute(db);
}

class Migrations implements MigrationProvider {
  readonly #dialect: Dialect;
  constructor(dialect: Dialect) {
    this.#dialect = dialect;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    const dialect = this.#dialect;
    return {
      '0001_initial': { up: (db) => up(db, dialect) },
      '0002_imports': { up: (db) => upImports(db, dialect) },
      '0003_run_leases': { up: (db) => upRunLeases(db) },
      '0004_blobs': { up: (db) => upBlobs(db, dialect) },
      '0005_blob_lz4': { up: (db) => upBlobLz4(db, dialect) },
    };
  }
}

export async function migrate(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new Migrations(dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  // Keep the planner's statistics current after large seeds; cheap on an empty database.
  if (dialect === 'sqlite') await sql`PRAGMA optimize`.execute(db);
}
