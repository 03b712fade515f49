/**
 * Export definition options (spec §5.2) and the body of `POST /exports` (spec §5.3): validation,
 * normalisation (enum case, aliases, de-duplication) and the defaults plmx fills in where Arena's
 * documentation is silent.
 *
 * ```ts
 * const def = validateDefinitionBody(request.body);   // throws ArenaError 3001/3003/3006/3020/3031
 * def.options.exportViews;                             // ['SPECS'] when omitted
 * ```
 *
 * Defaults (documented in docs/compat.md): exportViews [SPECS], bomLevels NONE, revisionStatus LATEST,
 * header apiName, format csv, fileContent {item: NONE, supplierItem: NONE}, enableNotifications false.
 */
import { checkDescription, checkName, displayValue, isBlank, isPlainObject, pickEnum } from '../../domain/body-rules.js';
import { arenaError } from '../../domain/errors.js';

/** Every view, in the canonical order plmx writes them to the zip (and to the workbook). */
export const EXPORT_VIEWS = [
  'SPECS',
  'BOM',
  'BOM_SUBSTITUTES',
  'SOURCING',
  'FILES',
  'FILES_FILE_SUMMARY',
  'SOURCING_SUPPLIERITEM_SPECS',
  'SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE',
  'SOURCING_SUPPLIERITEM_FILES',
  'SOURCING_SUPPLIERITEM_FILES_FILE_SUMMARY',
] as const;

export type ExportViewName = (typeof EXPORT_VIEWS)[number];

/** Names some vendor samples use for a view, mapped to the real one. */
const VIEW_ALIASES: Readonly<Record<string, ExportViewName>> = {
  SOURCING_SUPPLIERITEM_SPECS_PROFILE: 'SOURCING_SUPPLIERITEM_SUPPLIER_PROFILE',
};

export const BOM_LEVELS = ['NONE', 'SINGLE', 'FULL'] as const;
export type BomLevels = (typeof BOM_LEVELS)[number];

export const REVISION_STATUSES = ['LATEST', 'WORKING', 'POTENTIAL'] as const;
export type RevisionStatus = (typeof REVISION_STATUSES)[number];

export const HEADER_STYLES = ['apiName', 'name'] as const;
export type HeaderStyle = (typeof HEADER_STYLES)[number];

export const EXPORT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const ITEM_FILE_CONTENT = ['NONE', 'PRIMARY', 'ALL'] as const;
export type ItemFileContent = (typeof ITEM_FILE_CONTENT)[number];

export const SUPPLIER_ITEM_FILE_CONTENT = ['NONE', 'ALL'] as const;
export type SupplierItemFileContent = (typeof SUPPLIER_ITEM_FILE_CONTENT)[number];

export interface FileContentOptions {
  item: ItemFileContent;
  supplierItem: SupplierItemFileContent;
}

/** Normalised options, as stored in `export_definitions.options` and echoed in responses. */
export interface ExportOptions {
  exportViews: ExportViewName[];
  bomLevels: BomLevels;
  revisionStatus: RevisionStatus;
  header: HeaderStyle;
  format: ExportFormat;
  fileContent: FileContentOptions;
  enableNotifications: boolean;
}

export const DEFAULT_EXPORT_OPTIONS: Readonly<ExportOptions> = Object.freeze({
  exportViews: ['SPECS'],
  bomLevels: 'NONE',
  revisionStatus: 'LATEST',
  header: 'apiName',
  format: 'csv',
  fileContent: Object.freeze({ item: 'NONE', supplierItem: 'NONE' }) as FileContentOptions,
  enableNotifications: false,
}) as ExportOptions;

const OPTION_KEYS = ['exportViews', 'bomLevels', 'revisionStatus', 'header', 'format', 'fileContent', 'enableNotifications'];
const FILE_CONTENT_KEYS = ['item', 'supplierItem'];
const BODY_KEYS = ['name', 'description', 'world', 'options', 'criteria'];


/** The validated body of `POST /exports`. `criteria` is passed through untouched (the route parses it). */
export interface ExportDefinitionInput {
  name: string;
  description: string | null;
  world: 'ITEMS';
  options: ExportOptions;
  /** as sent; `undefined` when the body had no criteria attribute */
  criteria: unknown;
}

function rejectUnknownKeys(obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) throw arenaError(3031, key);
}

function normalizeViews(value: unknown): ExportViewName[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw arenaError(3003, 'exportViews');
  if (list.length === 0) throw arenaError(3020, 'exportViews');
  const out: ExportViewName[] = [];
  for (const entry of list) {
    const upper = typeof entry === 'string' ? entry.trim().toUpperCase() : undefined;
    const view = upper === undefined ? undefined : (VIEW_ALIASES[upper] ?? EXPORT_VIEWS.find((v) => v === upper));
    if (view === undefined) throw arenaError(3006, displayValue(entry), 'exportViews');
    if (!out.includes(view)) out.push(view);
  }
  return out;
}

function normalizeFileContent(value: unknown): FileContentOptions {
  if (!isPlainObject(value)) throw arenaError(3003, 'fileContent');
  rejectUnknownKeys(value, FILE_CONTENT_KEYS);
  const item = value.item == null ? DEFAULT_EXPORT_OPTIONS.fileContent.item : pickEnum(value.item, ITEM_FILE_CONTENT, 'item');
  let supplierItem: SupplierItemFileContent = DEFAULT_EXPORT_OPTIONS.fileContent.supplierItem;
  if (value.supplierItem != null) {
    // Arena answers PRIMARY for supplier items with "not valid", not with "not a valid option".
    if (typeof value.supplierItem === 'string' && value.supplierItem.trim().toUpperCase() === 'PRIMARY') {
      throw arenaError(3003, 'supplierItem');
    }
    supplierItem = pickEnum(value.supplierItem, SUPPLIER_ITEM_FILE_CONTENT, 'supplierItem');
  }
  return { item, supplierItem };
}

/**
 * Validates and normalises an `options` object: enums case-insensitive (stored upper-case, `format`
 * lower-case, `header` as `apiName` / `name`), view aliases resolved, duplicates dropped, defaults filled.
 * `null` or `undefined` gives all the defaults. Throws ArenaError 3003, 3006, 3020 or 3031.
 */
export function normalizeExportOptions(input: unknown): ExportOptions {
  const d = DEFAULT_EXPORT_OPTIONS;
  if (input == null) return { ...d, exportViews: [...d.exportViews], fileContent: { ...d.fileContent } };
  if (!isPlainObject(input)) throw arenaError(3003, 'options');
  rejectUnknownKeys(input, OPTION_KEYS);
  const enableNotifications = input.enableNotifications;
  if (enableNotifications != null && typeof enableNotifications !== 'boolean') throw arenaError(3003, 'enableNotifications');
  return {
    exportViews: input.exportViews == null ? [...d.exportViews] : normalizeViews(input.exportViews),
    bomLevels: input.bomLevels == null ? d.bomLevels : pickEnum(input.bomLevels, BOM_LEVELS, 'bomLevels'),
    revisionStatus:
      input.revisionStatus == null ? d.revisionStatus : pickEnum(input.revisionStatus, REVISION_STATUSES, 'revisionStatus'),
    header: input.header == null ? d.header : pickEnum(input.header, HEADER_STYLES, 'header'),
    format: input.format == null ? d.format : pickEnum(input.format, EXPORT_FORMATS, 'format'),
    fileContent: input.fileContent == null ? { ...d.fileContent } : normalizeFileContent(input.fileContent),
    enableNotifications: enableNotifications ?? d.enableNotifications,
  };
}

/**
 * Validates the body of `POST /exports` (spec §5.3). Checks, in order: unknown attributes (3031), name
 * (3001 missing, 3003 not a string or longer than 100), world (3001 missing, 3006 not ITEMS), description
 * (3003 not a string or longer than 4000), then the options.
 */
export function validateDefinitionBody(body: unknown): ExportDefinitionInput {
  if (!isPlainObject(body)) throw arenaError(400);
  rejectUnknownKeys(body, BODY_KEYS);

  const name = checkName(body.name);
  const { world } = body;
  if (isBlank(world)) throw arenaError(3001, 'world');
  if (typeof world !== 'string' || world.trim().toUpperCase() !== 'ITEMS') throw arenaError(3006, displayValue(world), 'world');
  const description = checkDescription(body.description);

  return {
    name,
    description,
    world: 'ITEMS',
    options: normalizeExportOptions(body.options),
    criteria: body.criteria,
  };
}

/** The selected views in canonical order (the order of files in the zip and sheets in the workbook). */
export function orderedViews(options: Pick<ExportOptions, 'exportViews'>): ExportViewName[] {
  return EXPORT_VIEWS.filter((v) => options.exportViews.includes(v));
}
