/**
 * The JSON shapes of the Items world as Arena's REST API writes them: items (full and compact), item
 * revisions, BOM lines and substitutes, sourcing relationships, file associations, changes, categories,
 * lifecycle phases and custom attributes. Records come from the store repositories (snake_case, 0/1
 * booleans, Zulu text timestamps); the functions here only shape them, so every route writes an object
 * the same way.
 *
 * ```ts
 * const body = itemJson(config, record, itemAttributeDefs);
 * ```
 */
import type { Config } from '../config.js';
import { arenaError } from './errors.js';
import { parseClientDate } from './time.js';
import { objectUrl } from './urls.js';

const bool = (v: unknown): boolean => Number(v) === 1 || v === true;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

// ---------------------------------------------------------------------------------------------------------
// Users

export interface UserRef {
  guid: string | null;
  email: string | null;
  full_name: string | null;
}

/** Arena's compact user: `{email, fullName, guid}`, or null when there is none. */
export function userJson(u: UserRef): { email: string | null; fullName: string; guid: string } | null {
  if (!u.guid) return null;
  return { email: u.email, fullName: u.full_name ?? '', guid: u.guid };
}

// ---------------------------------------------------------------------------------------------------------
// Custom attributes

/** A custom attribute definition (the `attributes` table). */
export interface AttributeDef {
  guid: string;
  name: string;
  field_type: string;
  multi_select: number;
  /** JSON array of strings for drop-downs, else null */
  possible_values: string | null;
}

export interface AdditionalAttributeJson {
  guid: string;
  apiName: string;
  name: string;
  fieldType: string;
  multiSelect?: boolean;
  value: unknown;
}

const DROP_DOWNS = new Set(['DROP_DOWN', 'FIXED_DROP_DOWN']);

function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

function parseAttrs(attrs: string | null): Record<string, unknown> {
  if (!attrs) return {};
  try {
    const parsed: unknown = JSON.parse(attrs);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * `additionalAttributes` of an object: one entry per defined attribute, in definition order. Attributes
 * without a value are left out unless `includeEmpty` (Arena's `includeEmptyAdditionalAttributes`).
 */
export function additionalAttributesJson(attrs: string | null, defs: readonly AttributeDef[], includeEmpty = false): AdditionalAttributeJson[] {
  const values = parseAttrs(attrs);
  const out: AdditionalAttributeJson[] = [];
  for (const d of defs) {
    const value = values[d.guid];
    if (!includeEmpty && isEmptyValue(value)) continue;
    const entry: AdditionalAttributeJson = { guid: d.guid, apiName: d.guid, name: d.name, fieldType: d.field_type, value: value ?? null };
    if (DROP_DOWNS.has(d.field_type)) entry.multiSelect = bool(d.multi_select);
    out.push(entry);
  }
  return out;
}

function possibleValues(d: AttributeDef): string[] | null {
  if (!d.possible_values) return null;
  try {
    const v: unknown = JSON.parse(d.possible_values);
    return Array.isArray(v) ? v.map(String) : null;
  } catch {
    return null;
  }
}

/**
 * Validates the `additionalAttributes` of a create request (`[{guid, value}]`) against the definitions of
 * the world and returns the values to store, keyed by attribute GUID. An unknown GUID is 3004, a value of
 * the wrong type 3003, a drop-down value outside its list 3006.
 */
export function parseAdditionalAttributes(input: unknown, defs: readonly AttributeDef[]): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (!Array.isArray(input)) throw arenaError(3003, 'additionalAttributes');
  const byGuid = new Map(defs.map((d) => [d.guid, d]));
  const out: Record<string, unknown> = {};
  for (const entry of input) {
    if (!entry || typeof entry !== 'object') throw arenaError(3003, 'additionalAttributes');
    const { guid, value } = entry as { guid?: unknown; value?: unknown };
    const def = typeof guid === 'string' ? byGuid.get(guid) : undefined;
    if (!def) throw arenaError(3004, String(guid));
    if (isEmptyValue(value)) {
      out[def.guid] = null;
      continue;
    }
    out[def.guid] = attributeValue(def, value);
  }
  return out;
}

function attributeValue(def: AttributeDef, value: unknown): unknown {
  const bad = () => arenaError(3003, def.name);
  switch (def.field_type) {
    case 'NUMBER': case 'INTEGER': case 'POSITIVE_INTEGER': case 'POSITIVE_DOUBLE': case 'COST': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (!Number.isFinite(n)) throw bad();
      if ((def.field_type === 'INTEGER' || def.field_type === 'POSITIVE_INTEGER') && !Number.isInteger(n)) throw bad();
      if (def.field_type.startsWith('POSITIVE') && n < 0) throw bad();
      return n;
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw bad();
    case 'DATE': case 'DATETIME': {
      const d = parseClientDate(value);
      if (!d) throw bad();
      return d;
    }
    case 'DROP_DOWN': case 'FIXED_DROP_DOWN': {
      const values = Array.isArray(value) ? value : [value];
      if (!values.every((v) => typeof v === 'string')) throw bad();
      if (!bool(def.multi_select) && values.length > 1) throw bad();
      const allowed = possibleValues(def);
      if (def.field_type === 'FIXED_DROP_DOWN' && allowed) {
        for (const v of values as string[]) if (!allowed.includes(v)) throw arenaError(3006, v, def.name);
      }
      return bool(def.multi_select) ? values : values[0];
    }
    default:
      if (typeof value !== 'string') throw bad();
      return value;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Items

/** An item revision with what its JSON needs, as the items repository selects it. */
export interface ItemRecord {
  rev_id: number;
  item_id: number;
  guid: string;
  number: string;
  name: string;
  description: string | null;
  revision_number: string | null;
  revision_status: string;
  category_guid: string | null;
  category_name: string | null;
  category_path: string | null;
  phase_guid: string | null;
  phase_name: string | null;
  phase_stage: string | null;
  owner_guid: string | null;
  owner_email: string | null;
  owner_name: string | null;
  creator_guid: string | null;
  creator_email: string | null;
  creator_name: string | null;
  created_at: string;
  effective_at: string | null;
  superseded_at: string | null;
  uom: string | null;
  procurement_type: string | null;
  deviated: number;
  shared: number;
  modified_bom: number;
  modified_files: number;
  modified_sourcing: number;
  modified_specs: number;
  production_cost: number | null;
  prototype_cost: number | null;
  target_cost: number | null;
  target_price: number | null;
  standard_cost: number | null;
  attrs: string | null;
  /** 1 when this revision has BOM lines */
  is_assembly: number;
  /** 1 when the item is on the current (latest or working) BOM of another item */
  in_assembly: number;
}

export const REVISION_STATUS_CODE: Record<string, number> = { WORKING: 0, EFFECTIVE: 1, SUPERSEDED: 2 };

export const ASSEMBLY_TYPES = ['TOP_LEVEL_ASSEMBLY', 'ASSEMBLY', 'NOT_AN_ASSEMBLY'] as const;
export type AssemblyType = (typeof ASSEMBLY_TYPES)[number];

/** TOP_LEVEL_ASSEMBLY: has children, is nobody's child; ASSEMBLY: has children and parents; else NOT_AN_ASSEMBLY. */
export function assemblyType(isAssembly: boolean, inAssembly: boolean): AssemblyType {
  if (!isAssembly) return 'NOT_AN_ASSEMBLY';
  return inAssembly ? 'ASSEMBLY' : 'TOP_LEVEL_ASSEMBLY';
}

function categoryRef(r: ItemRecord) {
  return r.category_guid ? { guid: r.category_guid, name: r.category_name, path: r.category_path } : null;
}

function phaseRef(r: ItemRecord) {
  return r.phase_guid ? { guid: r.phase_guid, name: r.phase_name, stage: r.phase_stage } : null;
}

function ownerJson(r: ItemRecord) {
  return r.owner_guid ? { email: r.owner_email, fullName: r.owner_name ?? '', guid: r.owner_guid } : null;
}

/** ItemShort: how a BOM line, substitute or change names an item revision. */
export function itemShortJson(config: Config, r: Pick<ItemRecord, 'guid' | 'number' | 'name' | 'revision_number' | 'revision_status'>) {
  return {
    guid: r.guid,
    name: r.name,
    number: r.number,
    revisionNumber: r.revision_number,
    revisionStatus: r.revision_status,
    url: objectUrl(config, 'items', r.guid),
  };
}

/** The compact item of search results (`GET /items`). */
export function itemCompactJson(config: Config, r: ItemRecord) {
  const isAssembly = bool(r.is_assembly);
  const inAssembly = bool(r.in_assembly);
  return {
    assemblyType: assemblyType(isAssembly, inAssembly),
    category: categoryRef(r),
    creationDateTime: r.created_at,
    description: r.description,
    effectiveDateTime: r.effective_at,
    guid: r.guid,
    inAssembly,
    isAssembly,
    lifecyclePhase: phaseRef(r),
    name: r.name,
    number: r.number,
    revisionNumber: r.revision_number,
    revisionStatus: r.revision_status,
    status: REVISION_STATUS_CODE[r.revision_status] ?? 0,
    url: objectUrl(config, 'items', r.guid),
  };
}

/** The full item (`GET /items/{guid}`, `POST /items`). */
export function itemJson(config: Config, r: ItemRecord, defs: readonly AttributeDef[], includeEmptyAttributes = false) {
  const isAssembly = bool(r.is_assembly);
  const inAssembly = bool(r.in_assembly);
  return {
    additionalAttributes: additionalAttributesJson(r.attrs, defs, includeEmptyAttributes),
    assemblyType: assemblyType(isAssembly, inAssembly),
    category: categoryRef(r),
    creationDateTime: r.created_at,
    creator: userJson({ guid: r.creator_guid, email: r.creator_email, full_name: r.creator_name }),
    description: r.description,
    deviated: bool(r.deviated),
    effectiveDateTime: r.effective_at,
    guid: r.guid,
    inAssembly,
    isAssembly,
    lifecyclePhase: phaseRef(r),
    modifiedBom: bool(r.modified_bom),
    modifiedFiles: bool(r.modified_files),
    modifiedSourcing: bool(r.modified_sourcing),
    modifiedSpecs: bool(r.modified_specs),
    name: r.name,
    number: r.number,
    offTheShelf: r.procurement_type === 'OTS',
    owner: ownerJson(r),
    procurementType: r.procurement_type,
    productionCost: num(r.production_cost),
    prototypeCost: num(r.prototype_cost),
    revisionNumber: r.revision_number,
    revisionStatus: r.revision_status,
    shared: bool(r.shared),
    standardCost: num(r.standard_cost),
    status: REVISION_STATUS_CODE[r.revision_status] ?? 0,
    supersededDateTime: r.superseded_at,
    targetCost: num(r.target_cost),
    targetPrice: num(r.target_price),
    uom: r.uom,
    url: objectUrl(config, 'items', r.guid),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Revisions

export interface RevisionRecord {
  guid: string;
  revision_number: string | null;
  revision_status: string;
  created_at: string;
  effective_at: string | null;
  superseded_at: string | null;
  deviated: number;
  phase_guid: string | null;
  phase_name: string | null;
  phase_stage: string | null;
  change_guid: string | null;
  change_number: string | null;
  change_created_at: string | null;
}

/** An entry of `GET /items/{guid}/revisions`. */
export function revisionJson(config: Config, r: RevisionRecord) {
  return {
    change: {
      creationDateTime: r.change_created_at ?? r.created_at,
      deviated: bool(r.deviated),
      effectiveDateTime: r.effective_at,
      guid: r.change_guid,
      number: r.change_number,
    },
    guid: r.guid,
    lifecyclePhase: r.phase_guid ? { guid: r.phase_guid, name: r.phase_name, stage: r.phase_stage } : null,
    notes: null,
    number: r.revision_number,
    revisionStatus: r.revision_status,
    status: REVISION_STATUS_CODE[r.revision_status] ?? 0,
    supersededDateTime: r.superseded_at,
    url: objectUrl(config, 'items', r.guid),
  };
}

// ---------------------------------------------------------------------------------------------------------
// BOM

export interface BomLineRecord {
  id: number;
  guid: string;
  line_number: number | null;
  quantity: number;
  ref_des: string | null;
  notes: string | null;
  attrs: string | null;
  /** the child item's latest revision */
  child_guid: string;
  child_number: string;
  child_name: string;
  child_revision_number: string | null;
  child_revision_status: string;
}

export interface SubstituteRecord {
  bom_line_id: number;
  guid: string;
  rank: number;
  quantity: number | null;
  notes: string | null;
  item_guid: string;
  item_number: string;
  item_name: string;
  item_revision_number: string | null;
  item_revision_status: string;
}

function childShort(config: Config, guid: string, number: string, name: string, revisionNumber: string | null, status: string) {
  return itemShortJson(config, { guid, number, name, revision_number: revisionNumber, revision_status: status });
}

export function substituteJson(config: Config, s: SubstituteRecord) {
  return {
    guid: s.guid,
    item: childShort(config, s.item_guid, s.item_number, s.item_name, s.item_revision_number, s.item_revision_status),
    notes: s.notes,
    quantity: num(s.quantity),
    rank: s.rank,
  };
}

/** A BOM line; `bomDefs` (BOM-world attributes) adds `additionalAttributes` (`?includeAdditionalAttributes=true`). */
export function bomLineJson(config: Config, l: BomLineRecord, substitutes: readonly SubstituteRecord[], bomDefs?: readonly AttributeDef[]) {
  const line: Record<string, unknown> = {};
  if (bomDefs) line.additionalAttributes = additionalAttributesJson(l.attrs, bomDefs);
  Object.assign(line, {
    guid: l.guid,
    item: childShort(config, l.child_guid, l.child_number, l.child_name, l.child_revision_number, l.child_revision_status),
    lineNumber: l.line_number,
    notes: l.notes,
    quantity: Number(l.quantity),
    refDes: l.ref_des,
    substitutes: substitutes.map((s) => substituteJson(config, s)),
  });
  return line;
}

// ---------------------------------------------------------------------------------------------------------
// Sourcing

export interface SupplierItemRef {
  guid: string | null;
  number: string | null;
  name: string | null;
  supplier_guid: string | null;
  supplier_name: string | null;
}

export interface SourcingRecord {
  guid: string;
  approved: number;
  active_production: number;
  active_prototype: number;
  aml_rank: number | null;
  aml_split: number | null;
  make_item: number;
  vendor_item_conversion_factor: number | null;
  notes: string | null;
  mfr: SupplierItemRef;
  vendor: SupplierItemRef;
}

function supplierItemRef(s: SupplierItemRef) {
  if (!s.guid) return null;
  return {
    guid: s.guid,
    name: s.name,
    number: s.number,
    supplier: s.supplier_guid ? { guid: s.supplier_guid, name: s.supplier_name } : null,
  };
}

/** A sourcing relationship (`mfrItem`, not [OAS]'s `mrfItem`). */
export function sourcingJson(s: SourcingRecord) {
  return {
    activeProduction: bool(s.active_production),
    activePrototype: bool(s.active_prototype),
    amlRank: s.aml_rank,
    amlSplit: num(s.aml_split),
    approved: bool(s.approved),
    guid: s.guid,
    makeItem: bool(s.make_item),
    mfrItem: supplierItemRef(s.mfr),
    notes: s.notes,
    vendorItem: supplierItemRef(s.vendor),
    vendorItemConversionFactor: bool(s.make_item) ? null : num(s.vendor_item_conversion_factor),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Files

export interface FileRecord {
  guid: string;
  number: string;
  name: string | null;
  title: string;
  description: string | null;
  edition: string;
  format: string | null;
  mime_type: string | null;
  size: number;
  storage_method: string;
  location: string | null;
  latest: number;
  locked: number;
  private: number;
  has_markup: number;
  created_at: string;
  modified_at: string;
  category_guid: string | null;
  category_name: string | null;
  author_guid: string | null;
  author_email: string | null;
  author_name: string | null;
}

export interface ItemFileRecord extends FileRecord {
  assoc_guid: string;
  primary: number;
  latest_edition_association: number;
}

export function fileJson(config: Config, f: FileRecord) {
  return {
    author: userJson({ guid: f.author_guid, email: f.author_email, full_name: f.author_name }),
    category: f.category_guid ? { guid: f.category_guid, name: f.category_name } : null,
    checkedOut: false,
    corrected: false,
    creationDateTime: f.created_at,
    description: f.description,
    edition: f.edition,
    format: f.format,
    guid: f.guid,
    hasMarkup: bool(f.has_markup),
    lastModifiedDateTime: f.modified_at,
    latest: bool(f.latest),
    location: f.location,
    locked: bool(f.locked),
    mimeType: f.mime_type,
    name: f.name,
    number: f.number,
    private: bool(f.private),
    size: Number(f.size),
    storageMethodName: f.storage_method,
    title: f.title,
    url: objectUrl(config, 'files', f.guid),
  };
}

/** An item–file association (`GET /items/{guid}/files`). */
export function itemFileJson(config: Config, a: ItemFileRecord) {
  return {
    file: fileJson(config, a),
    guid: a.assoc_guid,
    latestEditionAssociation: bool(a.latest_edition_association),
    primary: bool(a.primary),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Changes

export interface ChangeRecord {
  guid: string;
  number: string;
  title: string;
  description: string | null;
  lifecycle_status: string;
  implementation_status: string;
  effectivity_type: string;
  created_at: string;
  lifecycle_at: string;
  submission_at: string | null;
  effective_at: string | null;
  category_guid: string | null;
  category_name: string | null;
  category_path: string | null;
  creator_guid: string | null;
  creator_email: string | null;
  creator_name: string | null;
}

/** The compact change of `GET /changes`. */
export function changeCompactJson(config: Config, c: ChangeRecord) {
  return {
    category: c.category_guid ? { guid: c.category_guid, name: c.category_name } : null,
    creationDateTime: c.created_at,
    creator: userJson({ guid: c.creator_guid, email: c.creator_email, full_name: c.creator_name }),
    effectiveDateTime: c.effective_at,
    guid: c.guid,
    implementationStatus: c.implementation_status,
    lifecycleDateTime: c.lifecycle_at,
    lifecycleStatus: { type: c.lifecycle_status },
    number: c.number,
    submissionDateTime: c.submission_at,
    title: c.title,
    url: objectUrl(config, 'changes', c.guid),
  };
}

/** The full change of `GET /changes/{guid}`. */
export function changeJson(config: Config, c: ChangeRecord) {
  return {
    additionalAttributes: [],
    category: c.category_guid ? { guid: c.category_guid, name: c.category_name, path: c.category_path } : null,
    creationDateTime: c.created_at,
    creator: userJson({ guid: c.creator_guid, email: c.creator_email, full_name: c.creator_name }),
    description: c.description,
    effectiveDateTime: c.effective_at,
    effectivityType: c.effectivity_type,
    guid: c.guid,
    implementationStatus: c.implementation_status,
    lifecycleDateTime: c.lifecycle_at,
    lifecycleStatus: { type: c.lifecycle_status },
    number: c.number,
    routings: [],
    submissionDateTime: c.submission_at,
    title: c.title,
    url: objectUrl(config, 'changes', c.guid),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Settings: categories and lifecycle phases

export interface CategoryRecord {
  guid: string;
  name: string;
  path: string;
  parent_guid: string | null;
}

/** A category of `GET /settings/items/categories` (and changes). `level` counts the path's segments. */
export function categoryJson(c: CategoryRecord) {
  return {
    activated: true,
    assignable: true,
    description: null,
    guid: c.guid,
    level: c.path.split('\\').length,
    name: c.name,
    parentCategory: c.parent_guid ? { guid: c.parent_guid } : null,
    path: c.path,
    structural: false,
    systemDefined: false,
  };
}

export interface LifecyclePhaseRecord {
  guid: string;
  name: string;
  short_name: string;
  stage: string;
  active: number;
  display_order: number;
  used: number;
}

export function lifecyclePhaseJson(p: LifecyclePhaseRecord) {
  return {
    active: bool(p.active),
    displayOrder: p.display_order,
    guid: p.guid,
    name: p.name,
    shortName: p.short_name,
    stage: p.stage,
    used: bool(p.used),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Settings: export definition attributes (`GET /settings/exports/attributes`, spec §5.11)

export interface ExportAttribute {
  apiName: string;
  fieldType: string;
  creatable: boolean;
  editable: boolean;
  searchable: boolean;
  required: boolean;
  maxLength: number | null;
  possibleValues: string[] | null;
}

const exportAttr = (
  apiName: string, fieldType: string, o: Partial<Omit<ExportAttribute, 'apiName' | 'fieldType'>> = {},
): ExportAttribute => ({
  apiName, fieldType, creatable: false, editable: false, searchable: false, required: false, maxLength: null,
  possibleValues: null, ...o,
});

/** The nine attributes of an export definition, as Arena's sample lists them. */
export const EXPORT_ATTRIBUTES: readonly ExportAttribute[] = [
  exportAttr('creationDateTime', 'DATETIME'),
  exportAttr('creator', 'OBJECT', { searchable: true }),
  exportAttr('criteria', 'OBJECT', { creatable: true }),
  exportAttr('description', 'SINGLE_LINE_TEXT', { creatable: true, searchable: true, maxLength: 4000 }),
  exportAttr('guid', 'GUID'),
  exportAttr('name', 'SINGLE_LINE_TEXT', { creatable: true, required: true, searchable: true, maxLength: 100 }),
  exportAttr('number', 'NUMBER', { searchable: true }),
  exportAttr('options', 'OBJECT', { creatable: true }),
  exportAttr('world', 'FIXED_DROP_DOWN', { creatable: true, required: true, possibleValues: ['ITEMS'] }),
];

/** One attribute object; `possibleValues` only with `includePossibleValues=true`, else null. */
export function exportAttributeJson(a: ExportAttribute, includePossibleValues: boolean) {
  return {
    allowsExplicitNullValue: false,
    apiName: a.apiName,
    creatable: a.creatable,
    editable: a.editable,
    fieldType: a.fieldType,
    inViews: ['EXPORT_SUMMARY'],
    maxLength: a.maxLength,
    possibleValues: includePossibleValues ? a.possibleValues : null,
    required: a.required,
    searchable: a.searchable,
  };
}
