/**
 * Import definitions (spec §8.2–8.5, §8.12): validation and normalisation of the body of
 * `POST /imports` and `PUT /imports/{guid}`, of the options (defaults filled, options that do not apply
 * to the resource and mode dropped, as the vendor samples show) and of the column mapping; plus the
 * attribute table of each resource, which the run engine uses to read rows.
 *
 * ```ts
 * const def = await validateImportDefinitionBody(request.body, ctx);   // throws ArenaError 3001/3003/3004/3006/3011/3020/3031
 * def.options;          // {createDuplicates: 'ERROR', multiSelectDelimiter: ';', …, mapping: […]}
 * resourceAttributes('ITEM_BOM', customAttributes);   // [{apiName: 'parent.number', key: 'parent', …}, …]
 * ```
 *
 * Choices where the spec is silent or inferred are listed in docs/compat.md ("Import Engine: definitions").
 */
import { checkDescription, checkName, codePointLength, DESCRIPTION_MAX_LENGTH, displayValue, isBlank, isPlainObject, pickEnum } from '../../domain/body-rules.js';
import { arenaError } from '../../domain/errors.js';
import { parseClientDate } from '../../domain/time.js';
import type { CustomAttribute, CustomAttributes } from '../export/views/custom-attributes.js';

export const IMPORT_RESOURCES = ['ITEM_SPECS', 'ITEM_BOM', 'ITEM_FILES', 'FILE_SUMMARY'] as const;
export type ImportResource = (typeof IMPORT_RESOURCES)[number];

export const IMPORT_MODES = ['CREATE', 'EDIT', 'OVERWRITE', 'REPLACE', 'DELETE'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** The resources REPLACE applies to (spec §8.4). */
export const REPLACE_RESOURCES: readonly ImportResource[] = ['ITEM_BOM', 'ITEM_FILES'];

/** The pseudo-resource of mapping entries that rename the engine's result columns. */
export const IMPORT_PSEUDO_RESOURCE = 'import';

/** The engine's result columns, renamable through `import` mapping entries (canonical spelling). */
export const IMPORT_RESULT_COLUMNS = ['status', 'errorCode', 'errorMessage'] as const;
export type ImportResultColumn = (typeof IMPORT_RESULT_COLUMNS)[number];

const TOKEN_MAX_LENGTH = 255;
const CHANGE_TITLE_MAX_LENGTH = 255;

// ---------------------------------------------------------------------------------------------------
// Resource attribute tables
// ---------------------------------------------------------------------------------------------------

/**
 * One attribute a mapping may name. `type` is TEXT, NUMBER, INTEGER, BOOLEAN, GUID or ENUM for system
 * attributes, the custom attribute's field type (SINGLE_LINE_TEXT, FIXED_DROP_DOWN, …) for customs.
 */
export interface ResourceAttribute {
  /** canonical spelling, echoed in mappings; a custom attribute's display name or GUID */
  apiName: string;
  type: string;
  /** values of an ENUM (or of a custom drop-down), canonical spelling */
  values?: readonly string[];
  /**
   * CREATE needs it. Within a `key` group (or `ref` group) the flag means "one attribute of the group
   * must be present", e.g. `parent.number` or `parent.guid`.
   */
  requiredForCreate: boolean;
  /**
   * Identifies the row's object for matching in EDIT, OVERWRITE, REPLACE and DELETE: attributes with the
   * same key name are alternatives, the GUID one used first (spec §8.2, §8.4). ITEM_SPECS: `item`;
   * ITEM_BOM: `parent` + `item`; ITEM_FILES: `item` + `file`; FILE_SUMMARY: `file`.
   */
  key?: string;
  /** Sets a reference to another object (`category`, `lifecyclePhase`, `owner`, …): attributes with the same ref are alternatives. */
  ref?: string;
  /** Another spelling of the attribute named here (e.g. a custom attribute's GUID, `owner`, `parent.number` in ITEM_FILES). */
  aliasOf?: string;
  /** The custom attribute this column writes (values are stored by its GUID). */
  custom?: CustomAttribute;
}

type Spec = Omit<ResourceAttribute, 'requiredForCreate'> & { requiredForCreate?: boolean };

const a = (apiName: string, type: string, more: Partial<Spec> = {}): Spec => ({ apiName, type, ...more });

const PROCUREMENT_TYPES = ['OTS', 'MTS'] as const;
const STORAGE_METHODS = ['FILE', 'PLACE_HOLDER', 'FTP', 'WEB'] as const;

/** System attributes per resource. Titles match the export views' column titles so exports import back. */
const SYSTEM_ATTRIBUTES: Readonly<Record<ImportResource, readonly Spec[]>> = {
  ITEM_SPECS: [
    a('number', 'TEXT', { key: 'item', requiredForCreate: true }),
    a('guid', 'GUID', { key: 'item' }),
    a('name', 'TEXT', { requiredForCreate: true }),
    a('description', 'TEXT'),
    a('revisionNumber', 'TEXT'),
    a('category.name', 'TEXT', { ref: 'category' }),
    a('category.guid', 'GUID', { ref: 'category' }),
    a('category.path', 'TEXT', { ref: 'category' }),
    a('lifecyclePhase.name', 'TEXT', { ref: 'lifecyclePhase' }),
    a('lifecyclePhase.guid', 'GUID', { ref: 'lifecyclePhase' }),
    a('uom', 'TEXT'),
    a('procurementType', 'ENUM', { values: PROCUREMENT_TYPES }),
    a('owner.fullName', 'TEXT', { ref: 'owner' }),
    a('owner.email', 'TEXT', { ref: 'owner' }),
    a('owner', 'TEXT', { ref: 'owner', aliasOf: 'owner.fullName' }),
    a('productionCost', 'NUMBER'),
    a('prototypeCost', 'NUMBER'),
    a('targetCost', 'NUMBER'),
    a('targetPrice', 'NUMBER'),
    a('standardCost', 'NUMBER'),
  ],
  ITEM_BOM: [
    a('parent.number', 'TEXT', { key: 'parent', requiredForCreate: true }),
    a('parent.guid', 'GUID', { key: 'parent', requiredForCreate: true }),
    a('parent.revisionNumber', 'TEXT'),
    a('item.number', 'TEXT', { key: 'item', requiredForCreate: true }),
    a('item.guid', 'GUID', { key: 'item', requiredForCreate: true }),
    a('quantity', 'NUMBER'),
    a('refDes', 'TEXT'),
    a('notes', 'TEXT'),
    a('lineNumber', 'INTEGER'),
  ],
  ITEM_FILES: [
    a('item.number', 'TEXT', { key: 'item', requiredForCreate: true }),
    a('item.guid', 'GUID', { key: 'item', requiredForCreate: true }),
    // The export's FILES view titles the item columns parent.*.
    a('parent.number', 'TEXT', { key: 'item', requiredForCreate: true, aliasOf: 'item.number' }),
    a('parent.guid', 'GUID', { key: 'item', requiredForCreate: true, aliasOf: 'item.guid' }),
    a('file.number', 'TEXT', { key: 'file' }),
    a('file.guid', 'GUID', { key: 'file' }),
    a('file.name', 'TEXT'),
    a('file.title', 'TEXT'),
    a('file.description', 'TEXT'),
    a('file.edition', 'TEXT'),
    a('file.format', 'TEXT'),
    a('file.storageMethodName', 'ENUM', { values: STORAGE_METHODS }),
    a('file.location', 'TEXT'),
    a('file.category.name', 'TEXT', { ref: 'file.category' }),
    a('primary', 'BOOLEAN'),
    a('latestEditionAssociation', 'BOOLEAN'),
  ],
  FILE_SUMMARY: [
    a('number', 'TEXT', { key: 'file' }),
    a('guid', 'GUID', { key: 'file' }),
    a('name', 'TEXT'),
    a('title', 'TEXT', { requiredForCreate: true }),
    a('description', 'TEXT'),
    a('edition', 'TEXT'),
    a('format', 'TEXT'),
    a('storageMethodName', 'ENUM', { values: STORAGE_METHODS }),
    a('location', 'TEXT'),
    a('category.name', 'TEXT', { ref: 'category' }),
    a('category.guid', 'GUID', { ref: 'category' }),
    a('category.path', 'TEXT', { ref: 'category' }),
    a('author.fullName', 'TEXT', { ref: 'author' }),
    a('private', 'BOOLEAN'),
  ],
};

/** The custom-attribute world a resource writes, if any (plmx has no file custom attributes). */
const CUSTOM_WORLD: Readonly<Record<ImportResource, 'ITEM' | 'BOM' | null>> = {
  ITEM_SPECS: 'ITEM',
  ITEM_BOM: 'BOM',
  ITEM_FILES: null,
  FILE_SUMMARY: null,
};

/**
 * The attributes a mapping of `resource` may name: the system attributes, then each custom attribute of
 * the resource's world twice — by display name (canonical) and by GUID (`aliasOf` the name). Lookups are
 * case-insensitive and take the first hit, so a system attribute wins over a custom one of the same
 * name, and the first of two customs with the same name wins.
 */
export function resourceAttributes(resource: ImportResource, customAttrs: Partial<CustomAttributes> = {}): ResourceAttribute[] {
  const out: ResourceAttribute[] = SYSTEM_ATTRIBUTES[resource].map((s) => ({ ...s, requiredForCreate: s.requiredForCreate ?? false }));
  const world = CUSTOM_WORLD[resource];
  for (const custom of world === null ? [] : (customAttrs[world] ?? [])) {
    const type = custom.fieldType.toUpperCase();
    out.push({ apiName: custom.name, type, requiredForCreate: false, custom });
    out.push({ apiName: custom.guid, type, requiredForCreate: false, custom, aliasOf: custom.name });
  }
  return out;
}

/** The attribute `apiName` names (case-insensitive), or undefined. */
export function findResourceAttribute(attributes: readonly ResourceAttribute[], apiName: string): ResourceAttribute | undefined {
  const lower = apiName.trim().toLowerCase();
  return attributes.find((x) => x.apiName.toLowerCase() === lower);
}

// ---------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------

export interface MappingEntry {
  /** the definition's resource (upper case) or `import` */
  resource: string;
  /** canonical spelling */
  apiName: string;
  /** as given */
  sourceName: string;
  inResponse: boolean;
  notes: string | null;
}

/** addToChange in one of its three forms (spec §8.12). */
export type AddToChange = { guid: string } | { number: string } | Record<string, unknown>;

/** Normalised options, as stored in `import_definitions.options` and echoed in responses. */
export interface ImportOptions {
  createDuplicates?: 'ALLOW' | 'ERROR';
  matchDuplicates?: 'APPLY_TO_ALL' | 'ERROR';
  matchDuplicateParents?: 'ALLOW' | 'ERROR';
  removeValue?: string;
  multiSelectDelimiter?: string;
  useCategoryNumberFormat?: string;
  checkRefDes?: 'CHECK' | 'DO_NOT_CHECK';
  stripWhiteSpace?: 'STRIP' | 'RETAIN';
  numberingFreeTextHeader?: string;
  timeZone?: string;
  fileEdition?: string;
  fileEditionEdit?: string;
  fileEditionDelete?: string;
  filePlaceHolder?: string;
  mergeIdenticalBOMLines?: string | boolean;
  addToChange?: AddToChange;
  mapping: MappingEntry[];
}

/** Lookups the validation needs in the caller's workspace. */
export interface ImportDefinitionContext {
  /** the workspace's custom attributes (loadCustomAttributes) */
  customAttributes: Partial<CustomAttributes>;
  /** a change with this GUID exists */
  changeExists(guid: string): Promise<boolean>;
  /** a change with this number exists */
  changeNumberExists(number: string): Promise<boolean>;
  /** a category of the CHANGE world with this GUID exists */
  changeCategoryExists(guid: string): Promise<boolean>;
}

const ALL_MODES = IMPORT_MODES;
const ALL_RESOURCES = IMPORT_RESOURCES;
const NOT_DELETE: readonly ImportMode[] = ['CREATE', 'EDIT', 'OVERWRITE', 'REPLACE'];
const FILE_RESOURCES: readonly ImportResource[] = ['ITEM_FILES', 'FILE_SUMMARY'];

type OptionKind =
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'token' }
  | { kind: 'timeZone' }
  | { kind: 'free' }
  | { kind: 'addToChange' };

interface OptionRule {
  kind: OptionKind;
  /** filled when the option applies and was not given */
  default?: string;
  modes: readonly ImportMode[];
  resources: readonly ImportResource[];
}

/**
 * Every option, in the order responses list them. An option is kept (given or defaulted) only when both
 * the definition's mode and resource are in its lists; otherwise it is dropped (spec §8.2 samples).
 */
const OPTION_RULES: Readonly<Record<string, OptionRule>> = {
  createDuplicates: { kind: { kind: 'enum', values: ['ALLOW', 'ERROR'] }, default: 'ERROR', modes: ['CREATE'], resources: ALL_RESOURCES },
  matchDuplicates: {
    kind: { kind: 'enum', values: ['APPLY_TO_ALL', 'ERROR'] }, default: 'ERROR', modes: ['EDIT', 'OVERWRITE', 'DELETE'], resources: ALL_RESOURCES,
  },
  matchDuplicateParents: { kind: { kind: 'enum', values: ['ALLOW', 'ERROR'] }, default: 'ERROR', modes: ['REPLACE'], resources: ALL_RESOURCES },
  // The table says EDIT and OVERWRITE; the ITEM_BOM + REPLACE sample keeps it too.
  removeValue: { kind: { kind: 'token' }, default: '[Remove Value]', modes: ['EDIT', 'OVERWRITE', 'REPLACE'], resources: ALL_RESOURCES },
  multiSelectDelimiter: { kind: { kind: 'token' }, default: ';', modes: NOT_DELETE, resources: ALL_RESOURCES },
  useCategoryNumberFormat: {
    kind: { kind: 'token' }, default: '[Use Category Number Format]', modes: ['CREATE', 'OVERWRITE'], resources: ['ITEM_SPECS'],
  },
  // Reference designators exist on BOM lines only (the ITEM_SPECS + CREATE sample has no checkRefDes).
  checkRefDes: { kind: { kind: 'enum', values: ['CHECK', 'DO_NOT_CHECK'] }, default: 'CHECK', modes: NOT_DELETE, resources: ['ITEM_BOM'] },
  stripWhiteSpace: { kind: { kind: 'enum', values: ['STRIP', 'RETAIN'] }, default: 'STRIP', modes: ALL_MODES, resources: ALL_RESOURCES },
  numberingFreeTextHeader: {
    kind: { kind: 'token' }, default: 'Numbering Free Text', modes: ['CREATE', 'EDIT', 'OVERWRITE'], resources: ['ITEM_SPECS'],
  },
  // Default UTC, applied by the run engine; not echoed unless given (no vendor sample shows it filled).
  timeZone: { kind: { kind: 'timeZone' }, modes: NOT_DELETE, resources: ALL_RESOURCES },
  fileEdition: { kind: { kind: 'free' }, modes: ALL_MODES, resources: FILE_RESOURCES },
  fileEditionEdit: { kind: { kind: 'free' }, modes: ALL_MODES, resources: FILE_RESOURCES },
  fileEditionDelete: { kind: { kind: 'free' }, modes: ALL_MODES, resources: FILE_RESOURCES },
  filePlaceHolder: { kind: { kind: 'free' }, modes: ALL_MODES, resources: FILE_RESOURCES },
  mergeIdenticalBOMLines: { kind: { kind: 'free' }, modes: ALL_MODES, resources: ['ITEM_BOM'] },
  addToChange: { kind: { kind: 'addToChange' }, modes: NOT_DELETE, resources: ALL_RESOURCES },
};

const OPTION_KEYS = [...Object.keys(OPTION_RULES), 'mapping'];

/** Whether `option` is kept for a definition of this resource and mode. */
export function optionApplies(option: string, resource: ImportResource, mode: ImportMode): boolean {
  if (option === 'mapping') return true;
  const rule = OPTION_RULES[option];
  return rule !== undefined && rule.modes.includes(mode) && rule.resources.includes(resource);
}

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

/** The `[OAS]` request extras accepted and ignored on create and edit. */
export const IGNORED_BODY_KEYS: readonly string[] = ['workspaceId', 'userId', 'uniqueRequestID'];

/** An IANA time zone (any case) in its canonical spelling, or 3003. */
export function canonicalTimeZone(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw arenaError(3003, 'timeZone');
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value.trim() }).resolvedOptions().timeZone;
  } catch {
    throw arenaError(3003, 'timeZone');
  }
}

// ---------------------------------------------------------------------------------------------------
// addToChange
// ---------------------------------------------------------------------------------------------------

const EFFECTIVITY_TYPES = ['PERMANENT_ON_APPROVAL', 'PERMANENT_ON_DATE', 'TEMPORARY'] as const;

/** The attributes of a `POST /changes` body accepted in the third addToChange form (spec §9.6). */
const CHANGE_BODY_KEYS = [
  'category', 'numberSequencePrefix', 'title', 'description', 'routings', 'effectivityType', 'effectivityPlannedDateTime',
  'expirationDateTime', 'approvalDeadlineDateTime', 'enforceApprovalDeadline', 'additionalAttributes', 'supplierVisibility',
];

const CHANGE_DATE_KEYS = ['effectivityPlannedDateTime', 'expirationDateTime', 'approvalDeadlineDateTime'];

function guidList(value: unknown, attribute: string): { guid: string }[] {
  if (!Array.isArray(value)) throw arenaError(3003, attribute);
  return value.map((entry) => {
    if (!isPlainObject(entry) || typeof entry.guid !== 'string' || entry.guid.trim() === '') throw arenaError(3003, attribute);
    return { ...entry, guid: entry.guid } as { guid: string };
  });
}

/**
 * Validates addToChange (spec §8.12): `{guid}` of an existing change (else 3011), `{number}` of an
 * existing change (else 3003 "number"), or a `POST /changes`-like body stored for the run to create the
 * change (unknown attributes 3031, title 3001, category of the CHANGE world 3011, …).
 */
export async function normalizeAddToChange(value: unknown, ctx: ImportDefinitionContext): Promise<AddToChange> {
  if (!isPlainObject(value)) throw arenaError(3003, 'addToChange');
  const keys = Object.keys(value);

  if ('guid' in value) {
    for (const k of keys) if (k !== 'guid') throw arenaError(3031, k);
    if (typeof value.guid !== 'string' || value.guid.trim() === '') throw arenaError(3003, 'guid');
    if (!(await ctx.changeExists(value.guid))) throw arenaError(3011, value.guid);
    return { guid: value.guid };
  }

  if (keys.length === 1 && keys[0] === 'number') {
    if (typeof value.number !== 'string' || value.number.trim() === '') throw arenaError(3003, 'number');
    if (!(await ctx.changeNumberExists(value.number))) throw arenaError(3003, 'number');
    return { number: value.number };
  }

  for (const k of keys) if (!CHANGE_BODY_KEYS.includes(k)) throw arenaError(3031, k);
  const out: Record<string, unknown> = {};
  for (const k of CHANGE_BODY_KEYS) if (value[k] !== undefined && value[k] !== null) out[k] = value[k];

  if (isBlank(value.title)) throw arenaError(3001, 'title');
  if (typeof value.title !== 'string' || codePointLength(value.title) > CHANGE_TITLE_MAX_LENGTH) throw arenaError(3003, 'title');
  if (out.description !== undefined && (typeof out.description !== 'string' || codePointLength(out.description) > DESCRIPTION_MAX_LENGTH)) {
    throw arenaError(3003, 'description');
  }
  if (out.category !== undefined) {
    const category = out.category;
    if (!isPlainObject(category)) throw arenaError(3003, 'category');
    if (isBlank(category.guid)) throw arenaError(3001, 'category.guid');
    if (typeof category.guid !== 'string') throw arenaError(3003, 'category.guid');
    if (!(await ctx.changeCategoryExists(category.guid))) throw arenaError(3011, category.guid);
    out.category = { guid: category.guid };
  }
  if (out.numberSequencePrefix !== undefined) {
    const prefix = out.numberSequencePrefix;
    if (!isPlainObject(prefix)) throw arenaError(3003, 'numberSequencePrefix');
    if (isBlank(prefix.value)) throw arenaError(3001, 'numberSequencePrefix.value');
    if (typeof prefix.value !== 'string' || codePointLength(prefix.value) > TOKEN_MAX_LENGTH) throw arenaError(3003, 'numberSequencePrefix.value');
    out.numberSequencePrefix = { value: prefix.value };
  }
  if (out.effectivityType !== undefined) out.effectivityType = pickEnum(out.effectivityType, EFFECTIVITY_TYPES, 'effectivityType');
  for (const k of CHANGE_DATE_KEYS) {
    if (out[k] === undefined) continue;
    const d = parseClientDate(out[k]);
    if (d === null) throw arenaError(3003, k);
    out[k] = d;
  }
  if (out.effectivityType === 'PERMANENT_ON_DATE' && out.effectivityPlannedDateTime === undefined) throw arenaError(3001, 'effectivityPlannedDateTime');
  if (out.effectivityType === 'TEMPORARY' && out.expirationDateTime === undefined) throw arenaError(3001, 'expirationDateTime');
  if (out.enforceApprovalDeadline !== undefined && typeof out.enforceApprovalDeadline !== 'boolean') throw arenaError(3003, 'enforceApprovalDeadline');
  if (out.routings !== undefined) out.routings = guidList(out.routings, 'routings');
  if (out.additionalAttributes !== undefined) out.additionalAttributes = guidList(out.additionalAttributes, 'additionalAttributes');
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------------------

const MAPPING_KEYS = ['resource', 'apiName', 'sourceName', 'inResponse', 'notes'];

/**
 * Validates the mapping of a definition of `resource` (spec §8.5). Each entry: `resource` the definition's
 * (any case; omitted = the definition's) or `import`; `apiName` an attribute of the resource (3004) or,
 * for `import`, one of status / errorCode / errorMessage (3004); `sourceName` required (3001) and unique
 * ignoring case (3003); one column per attribute (3003 "apiName"); `inResponse` boolean, default true.
 */
export function normalizeMapping(value: unknown, resource: ImportResource, customAttrs: Partial<CustomAttributes>): MappingEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw arenaError(3003, 'mapping');
  const attributes = resourceAttributes(resource, customAttrs);
  const sources = new Set<string>();
  const targets = new Set<string>();
  return value.map((entry): MappingEntry => {
    if (!isPlainObject(entry)) throw arenaError(3003, 'mapping');
    for (const k of Object.keys(entry)) if (!MAPPING_KEYS.includes(k)) throw arenaError(3031, k);

    let entryResource: string = resource;
    if (!isBlank(entry.resource)) {
      const given = typeof entry.resource === 'string' ? entry.resource.trim() : undefined;
      if (given?.toLowerCase() === IMPORT_PSEUDO_RESOURCE) entryResource = IMPORT_PSEUDO_RESOURCE;
      else if (given?.toUpperCase() !== resource) throw arenaError(3006, displayValue(entry.resource), 'resource');
    }

    if (isBlank(entry.apiName)) throw arenaError(3001, 'apiName');
    if (typeof entry.apiName !== 'string') throw arenaError(3003, 'apiName');
    let apiName: string;
    let target: string;
    if (entryResource === IMPORT_PSEUDO_RESOURCE) {
      const lower = entry.apiName.trim().toLowerCase();
      const hit = IMPORT_RESULT_COLUMNS.find((c) => c.toLowerCase() === lower);
      if (hit === undefined) throw arenaError(3004, entry.apiName);
      apiName = hit;
      target = `import:${hit}`;
    } else {
      const attr = findResourceAttribute(attributes, entry.apiName);
      if (attr === undefined) throw arenaError(3004, entry.apiName);
      apiName = attr.apiName;
      target = (attr.aliasOf ?? attr.apiName).toLowerCase();
    }
    if (targets.has(target)) throw arenaError(3003, 'apiName');
    targets.add(target);

    if (isBlank(entry.sourceName)) throw arenaError(3001, 'sourceName');
    if (typeof entry.sourceName !== 'string' || codePointLength(entry.sourceName) > TOKEN_MAX_LENGTH) throw arenaError(3003, 'sourceName');
    const sourceKey = entry.sourceName.trim().toLowerCase();
    if (sources.has(sourceKey)) throw arenaError(3003, 'sourceName');
    sources.add(sourceKey);

    if (entry.inResponse !== undefined && entry.inResponse !== null && typeof entry.inResponse !== 'boolean') throw arenaError(3003, 'inResponse');
    if (entry.notes !== undefined && entry.notes !== null && (typeof entry.notes !== 'string' || codePointLength(entry.notes) > DESCRIPTION_MAX_LENGTH)) {
      throw arenaError(3003, 'notes');
    }
    return {
      resource: entryResource,
      apiName,
      sourceName: entry.sourceName,
      inResponse: (entry.inResponse as boolean | null | undefined) ?? true,
      notes: (entry.notes as string | null | undefined) ?? null,
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Options and body
// ---------------------------------------------------------------------------------------------------

/**
 * Validates the options of a definition and normalises them: enums case-insensitive (echoed upper),
 * the time zone in canonical spelling, addToChange checked, the mapping validated. Every given option
 * is validated; then the defaults of the options that apply to the resource and mode are filled and the
 * options that do not apply are dropped. `null` / `undefined` gives the defaults and an empty mapping.
 * Throws ArenaError 3001, 3003, 3004, 3006, 3011, 3020 or 3031.
 */
export async function normalizeImportOptions(
  resource: ImportResource,
  mode: ImportMode,
  options: unknown,
  ctx: ImportDefinitionContext,
): Promise<ImportOptions> {
  const input: Record<string, unknown> = options === undefined || options === null ? {} : (options as Record<string, unknown>);
  if (!isPlainObject(input)) throw arenaError(3003, 'options');
  for (const k of Object.keys(input)) if (!OPTION_KEYS.includes(k)) throw arenaError(3031, k);

  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(OPTION_RULES)) {
    const given = input[key];
    let value: unknown;
    if (given !== undefined && given !== null) value = await normalizeOption(key, rule.kind, given, ctx);
    if (!optionApplies(key, resource, mode)) continue;
    if (value === undefined) value = rule.default;
    if (value !== undefined) out[key] = value;
  }
  out.mapping = normalizeMapping(input.mapping, resource, ctx.customAttributes);
  return out as unknown as ImportOptions;
}

async function normalizeOption(key: string, kind: OptionKind, given: unknown, ctx: ImportDefinitionContext): Promise<unknown> {
  switch (kind.kind) {
    case 'enum':
      return pickEnum(given, kind.values, key);
    case 'token':
      if (typeof given !== 'string' || codePointLength(given) > TOKEN_MAX_LENGTH) throw arenaError(3003, key);
      if (given === '') throw arenaError(3020, key);
      return given;
    case 'timeZone':
      return canonicalTimeZone(given);
    case 'free':
      if (typeof given === 'boolean') return given;
      if (typeof given !== 'string' || given.trim() === '' || codePointLength(given) > TOKEN_MAX_LENGTH) throw arenaError(3003, key);
      return given;
    case 'addToChange':
      return normalizeAddToChange(given, ctx);
  }
}

const BODY_KEYS = ['name', 'description', 'resource', 'mode', 'options', ...IGNORED_BODY_KEYS];

/** The validated body of `POST /imports`. */
export interface ImportDefinitionInput {
  name: string;
  description: string | null;
  resource: ImportResource;
  mode: ImportMode;
  options: ImportOptions;
}

/**
 * Validates the body of `POST /imports` (spec §8.2). Checks, in order: unknown attributes (3031; the
 * [OAS] extras workspaceId, userId and uniqueRequestID are ignored), name (3001 missing or blank, 3003
 * not a string or over 100), description (3003 not a string or over 4000), resource and mode (3001
 * missing, 3006 not a value; any case), REPLACE on ITEM_SPECS / FILE_SUMMARY (3006), then the options.
 */
export async function validateImportDefinitionBody(body: unknown, ctx: ImportDefinitionContext): Promise<ImportDefinitionInput> {
  if (!isPlainObject(body)) throw arenaError(400);
  for (const k of Object.keys(body)) if (!BODY_KEYS.includes(k)) throw arenaError(3031, k);

  const name = checkName(body.name);
  const description = checkDescription(body.description);
  if (isBlank(body.resource)) throw arenaError(3001, 'resource');
  const resource = pickEnum(body.resource, IMPORT_RESOURCES, 'resource');
  if (isBlank(body.mode)) throw arenaError(3001, 'mode');
  const mode = pickEnum(body.mode, IMPORT_MODES, 'mode');
  if (mode === 'REPLACE' && !REPLACE_RESOURCES.includes(resource)) throw arenaError(3006, displayValue(body.mode), 'mode');

  return { name, description, resource, mode, options: await normalizeImportOptions(resource, mode, body.options, ctx) };
}

/** The validated body of `PUT /imports/{guid}`: only what was given changes. */
export interface ImportDefinitionUpdate {
  name?: string;
  description?: string | null;
}

const UPDATE_KEYS = ['name', 'description', ...IGNORED_BODY_KEYS];

/**
 * Validates the body of `PUT /imports/{guid}` (spec §8.1 I4): only name and description are editable
 * (anything else 3032; the [OAS] extras are ignored), with the same rules as on create. An absent
 * attribute keeps its value; `description: null` clears it.
 */
export function validateImportDefinitionUpdate(body: unknown): ImportDefinitionUpdate {
  if (body === undefined || body === null) return {};
  if (!isPlainObject(body)) throw arenaError(400);
  for (const k of Object.keys(body)) if (!UPDATE_KEYS.includes(k)) throw arenaError(3032, k);
  const out: ImportDefinitionUpdate = {};
  if ('name' in body) out.name = checkName(body.name);
  if ('description' in body) out.description = checkDescription(body.description);
  return out;
}
