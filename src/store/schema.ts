/**
 * The typed schema shared by both dialects. Conventions that keep one set of queries portable:
 * - timestamps are TEXT in Zulu seconds (`2023-03-08T09:32:25Z`), so they sort and compare as strings;
 * - booleans are INTEGER 0/1;
 * - custom attribute values live in a JSON text column `attrs` keyed by the attribute GUID;
 * - every row carries `workspace_id`, and every query filters on it.
 */
import type { Generated } from 'kysely';

export type Bool = 0 | 1;

export interface WorkspaceTable {
  id: Generated<number>;
  name: string;
  request_limit: number;
  created_at: string;
}

export interface UserTable {
  id: Generated<number>;
  guid: string;
  email: string;
  full_name: string;
  password_hash: string;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
}

export interface WorkspaceUserTable {
  workspace_id: number;
  user_id: number;
  last_login_at: string | null;
}

export interface SessionTable {
  token: string;
  user_id: number;
  workspace_id: number;
  created_at: string;
  /** epoch milliseconds of the last request; the 90-minute sliding expiry is measured from it */
  last_seen_ms: number;
  revoked: Bool;
}

export interface RateCounterTable {
  workspace_id: number;
  /** the Pacific calendar day the 24-hour period started, `YYYY-MM-DD` */
  period: string;
  count: number;
}

export interface SequenceTable {
  workspace_id: number;
  name: string;
  value: number;
}

export interface CategoryTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  /** ITEM or CHANGE */
  world: string;
  name: string;
  path: string;
  parent_id: number | null;
}

export interface LifecyclePhaseTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  name: string;
  short_name: string;
  /** UNRELEASED | DESIGN | PRODUCTION */
  stage: string;
  active: Bool;
  display_order: number;
}

export interface AttributeTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  /** ITEM | BOM | SUPPLIER_ITEM | SUPPLIER */
  world: string;
  name: string;
  /** SINGLE_LINE_TEXT | MULTI_LINE_TEXT | FIXED_DROP_DOWN | DATE | NUMBER | BOOLEAN | ... */
  field_type: string;
  multi_select: Bool;
  /** JSON array of strings for drop-downs, else null */
  possible_values: string | null;
}

/** The item master: one row per item number. Revisions hang off it. */
export interface ItemTable {
  id: Generated<number>;
  workspace_id: number;
  number: string;
  /** the revision LATEST resolves to: the effective revision when released, else the working one */
  latest_rev_id: number | null;
  /** the working revision, or null when the item has none open */
  working_rev_id: number | null;
  created_at: string;
}

export interface ItemRevisionTable {
  id: Generated<number>;
  workspace_id: number;
  item_id: number;
  guid: string;
  revision_number: string | null;
  /** WORKING | EFFECTIVE | SUPERSEDED */
  revision_status: string;
  name: string;
  description: string | null;
  category_id: number | null;
  lifecycle_phase_id: number | null;
  uom: string | null;
  /** OTS | MTS */
  procurement_type: string | null;
  owner_id: number | null;
  creator_id: number;
  created_at: string;
  effective_at: string | null;
  superseded_at: string | null;
  deviated: Bool;
  shared: Bool;
  modified_bom: Bool;
  modified_files: Bool;
  modified_sourcing: Bool;
  modified_specs: Bool;
  modified_costing: Bool;
  production_cost: number | null;
  prototype_cost: number | null;
  target_cost: number | null;
  target_price: number | null;
  standard_cost: number | null;
  /** the change that made this revision effective */
  change_id: number | null;
  attrs: string | null;
}

/** A BOM line belongs to a parent revision and points at the child item master; which revision of the
 * child is used depends on the export's revisionStatus. */
export interface BomLineTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  parent_rev_id: number;
  child_item_id: number;
  line_number: number | null;
  quantity: number;
  ref_des: string | null;
  notes: string | null;
  attrs: string | null;
}

export interface BomSubstituteTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  bom_line_id: number;
  item_id: number;
  rank: number;
  quantity: number | null;
  notes: string | null;
}

/** One row per file edition; `latest` marks the newest edition of a file number. */
export interface FileTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  number: string;
  name: string | null;
  title: string;
  description: string | null;
  edition: string;
  format: string | null;
  mime_type: string | null;
  size: number;
  category_id: number | null;
  author_id: number | null;
  /** FILE | PLACE_HOLDER | FTP | WEB */
  storage_method: string;
  location: string | null;
  latest: Bool;
  locked: Bool;
  private: Bool;
  has_markup: Bool;
  created_at: string;
  modified_at: string;
  /** key in the blob store for FILE storage, else null */
  blob_key: string | null;
}

export interface ItemFileTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  rev_id: number;
  file_id: number;
  primary: Bool;
  latest_edition_association: Bool;
}

export interface SupplierTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  name: string;
  supplier_code: string | null;
  account_number: string | null;
  description: string | null;
  website: string | null;
  /** approved | unrated | disapproved */
  approval_status: string;
  creator_id: number;
  created_at: string;
  attrs: string | null;
}

export interface SupplierItemTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  supplier_id: number;
  number: string;
  name: string | null;
  description: string | null;
  /** PART | PROCESS | DOCUMENT */
  type: string;
  uom: string | null;
  procurement_type: string | null;
  creator_id: number;
  created_at: string;
  attrs: string | null;
}

export interface SupplierItemFileTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  supplier_item_id: number;
  file_id: number;
  primary: Bool;
}

export interface SourcingTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  rev_id: number;
  mfr_item_id: number | null;
  vendor_item_id: number | null;
  approved: Bool;
  active_production: Bool;
  active_prototype: Bool;
  aml_rank: number | null;
  aml_split: number | null;
  make_item: Bool;
  vendor_item_conversion_factor: number | null;
  notes: string | null;
}

export interface ChangeTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  number: string;
  title: string;
  description: string | null;
  category_id: number | null;
  lifecycle_status: string;
  implementation_status: string;
  effectivity_type: string;
  creator_id: number;
  created_at: string;
  lifecycle_at: string;
  submission_at: string | null;
  effective_at: string | null;
}

export interface ChangeItemTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  change_id: number;
  rev_id: number;
}

export interface ExportDefinitionTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  number: number;
  name: string;
  description: string | null;
  world: string;
  /** JSON as given, or null when the definition has no criteria */
  criteria: string | null;
  /** JSON of the normalised options */
  options: string;
  creator_id: number;
  created_at: string;
}

export interface ExportRunTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  definition_id: number;
  number: number;
  /** CREATED | RUNNING | COMPLETE | DOWNLOADED | FAILED | ABORTED */
  status: string;
  creator_id: number;
  created_at: string;
  completed_at: string | null;
  /** JSON of the criteria the run used (its own or the definition's) */
  criteria: string;
  criteria_results_count: number | null;
  attempts: number;
  error: string | null;
  /** the worker process holding a RUNNING run (PostgreSQL queue) */
  worker: string | null;
  /** epoch milliseconds of the holder's last heartbeat */
  heartbeat_at: number | null;
}

export interface ExportFileTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  run_id: number;
  name: string;
  size: number;
  mime_type: string;
  blob_key: string;
  created_at: string;
  expires_at: string;
  /** 1 once the retention sweep removed the blob */
  purged: Bool;
}

/** The revisions an export run selected (criteria matches and BOM expansion), materialised so each
 * view is one streamed join. Rows are deleted when the run ends. */
export interface ExportRunItemTable {
  run_id: number;
  rev_id: number;
  /** 0 for criteria matches, n for the nth BOM level below them */
  level: number;
}

export interface ImportDefinitionTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  number: number;
  name: string;
  description: string | null;
  /** ITEM_SPECS | ITEM_BOM | ITEM_FILES | FILE_SUMMARY */
  resource: string;
  /** CREATE | EDIT | OVERWRITE | REPLACE | DELETE */
  mode: string;
  /** JSON of the normalised options, mapping included */
  options: string;
  creator_id: number;
  created_at: string;
}

export interface ImportRunTable {
  id: Generated<number>;
  workspace_id: number;
  guid: string;
  definition_id: number;
  number: number;
  /** CREATED | RUNNING | COMPLETE | ERROR | PURGED */
  status: string;
  commit: Bool;
  creator_id: number;
  created_at: string;
  completed_at: string | null;
  /** CSV | EXCEL_WORKSHEET */
  submit_file_type: string | null;
  submit_worksheet_name: string | null;
  submit_file_name: string | null;
  submit_blob_key: string;
  result_blob_key: string | null;
  error_blob_key: string | null;
  total_count: number;
  success_count: number;
  error_count: number;
  /** JSON array of {code, message} */
  warnings: string;
  attempts: number;
  error: string | null;
  /** the worker process holding a RUNNING run (PostgreSQL queue) */
  worker: string | null;
  /** epoch milliseconds of the holder's last heartbeat */
  heartbeat_at: number | null;
}

/** The changes a committed import run added its items to. */
export interface ImportRunChangeTable {
  run_id: number;
  change_id: number;
}

/** PostgreSQL only (the blob store; see migration 0004_blobs): one stored or being-written version of a blob. */
export interface BlobVersionTable {
  id: Generated<number>;
  size: number;
  /** epoch milliseconds */
  started_at: number;
  /** epoch milliseconds of the last chunk written; an uncommitted version untouched for an hour is abandoned */
  touched_at: number;
  /** epoch milliseconds; null while the version is being written */
  committed_at: number | null;
}

/** PostgreSQL only: the bytes of a blob version, about 1 MiB per row, in `seq` order from 0. */
export interface BlobChunkTable {
  version_id: number;
  seq: number;
  data: Buffer;
}

/** PostgreSQL only: a blob key and the committed version it names. */
export interface BlobTable {
  key: string;
  version_id: number;
  size: number;
  /** epoch milliseconds */
  created_at: number;
}

export interface DB {
  workspaces: WorkspaceTable;
  users: UserTable;
  workspace_users: WorkspaceUserTable;
  sessions: SessionTable;
  rate_counters: RateCounterTable;
  sequences: SequenceTable;
  categories: CategoryTable;
  lifecycle_phases: LifecyclePhaseTable;
  attributes: AttributeTable;
  items: ItemTable;
  item_revisions: ItemRevisionTable;
  bom_lines: BomLineTable;
  bom_substitutes: BomSubstituteTable;
  files: FileTable;
  item_files: ItemFileTable;
  suppliers: SupplierTable;
  supplier_items: SupplierItemTable;
  supplier_item_files: SupplierItemFileTable;
  sourcing: SourcingTable;
  changes: ChangeTable;
  change_items: ChangeItemTable;
  export_definitions: ExportDefinitionTable;
  export_runs: ExportRunTable;
  export_files: ExportFileTable;
  export_run_items: ExportRunItemTable;
  import_definitions: ImportDefinitionTable;
  import_runs: ImportRunTable;
  import_run_changes: ImportRunChangeTable;
  blob_versions: BlobVersionTable;
  blob_chunks: BlobChunkTable;
  blobs: BlobTable;
}
