/**
 * What a criterion may name: the built-in Items attributes of spec §6.2 (plus `name`) and the workspace's
 * ITEM custom attributes, addressed by GUID. Each attribute has a kind, which fixes the shape of its value
 * and how compile.ts turns it into SQL, and the operators it accepts.
 */
import type { Dialect, Store } from '../../store/store.js';

export const OPERATORS = [
  'IS_EQUAL_TO', 'IS_NOT_EQUAL_TO', 'CONTAINS', 'DOES_NOT_CONTAIN', 'STARTS_WITH', 'DOES_NOT_START_WITH',
  'IS_IN', 'IS_NOT_IN', 'IS_BEFORE', 'IS_AFTER', 'IS_BETWEEN',
  'IS_LESS_THAN', 'IS_LESS_THAN_OR_EQUAL_TO', 'IS_GREATER_THAN', 'IS_GREATER_THAN_OR_EQUAL_TO',
] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * - text: free text, the six text operators, `*` wildcards
 * - choice: a single-select built-in drop-down (category, lifecycle phase); `;` separates alternatives in equality
 * - guid: exact GUID lookups; such a criterion must stand alone (3294)
 * - date, boolean, number: typed values
 * - dropdown: a custom (FIXED_)DROP_DOWN, single or multi-select, matched with IS_IN / IS_NOT_IN
 * - any: CONTAINS over several text columns
 */
export type AttributeKind = 'text' | 'choice' | 'guid' | 'date' | 'boolean' | 'number' | 'dropdown' | 'any';

export interface AttributeDef {
  /** the built-in API name, or the custom attribute's GUID */
  name: string;
  kind: AttributeKind;
  operators: readonly Operator[];
  /** allowed values (upper case) for enumerated built-ins */
  values?: readonly string[];
  custom?: CustomAttribute;
}

/** An ITEM-world custom attribute, as stored in the attributes table. */
export interface CustomAttribute {
  guid: string;
  name: string;
  fieldType: string;
  multiSelect: boolean;
}

export interface CriteriaContext {
  dialect: Dialect;
  /** keyed by GUID */
  customAttributes: Map<string, CustomAttribute>;
}

const TEXT_OPS: readonly Operator[] = [
  'IS_EQUAL_TO', 'IS_NOT_EQUAL_TO', 'CONTAINS', 'DOES_NOT_CONTAIN', 'STARTS_WITH', 'DOES_NOT_START_WITH',
];
const EQ_OPS: readonly Operator[] = ['IS_EQUAL_TO', 'IS_NOT_EQUAL_TO'];
const DATE_OPS: readonly Operator[] = ['IS_EQUAL_TO', 'IS_BEFORE', 'IS_AFTER', 'IS_BETWEEN'];
const NUMBER_OPS: readonly Operator[] = [
  'IS_EQUAL_TO', 'IS_NOT_EQUAL_TO', 'IS_LESS_THAN', 'IS_LESS_THAN_OR_EQUAL_TO', 'IS_GREATER_THAN',
  'IS_GREATER_THAN_OR_EQUAL_TO',
];

function def(name: string, kind: AttributeKind, operators: readonly Operator[], values?: readonly string[]): AttributeDef {
  return { name, kind, operators, values };
}

const BUILT_INS: readonly AttributeDef[] = [
  ...['number', 'revisionNumber', 'name', 'description', 'owner.fullName', 'creator.fullName', 'creator.email',
    'supplier.name', 'supplierItem.name'].map((n) => def(n, 'text', TEXT_OPS)),
  def('category.name', 'choice', TEXT_OPS),
  def('lifecyclePhase.name', 'choice', EQ_OPS),
  def('lifecyclePhase.stage', 'choice', EQ_OPS, ['UNRELEASED', 'DESIGN', 'PRODUCTION']),
  ...['guid', 'category.guid', 'lifecyclePhase.guid'].map((n) => def(n, 'guid', ['IS_EQUAL_TO', 'IS_IN'])),
  ...['creator.guid', 'supplier.guid', 'supplierItem.guid'].map((n) => def(n, 'guid', ['IS_EQUAL_TO'])),
  def('effectiveDateTime', 'date', DATE_OPS),
  def('creationDateTime', 'date', DATE_OPS),
  ...['modifiedBOM', 'modifiedSpecs', 'modifiedSourcing', 'modifiedFiles'].map((n) => def(n, 'boolean', ['IS_EQUAL_TO'])),
  def('any', 'any', ['CONTAINS']),
];

/** Lower-cased names, because clients spell the same attribute `modifiedBOM` and `modifiedBom`. */
const BY_NAME = new Map(BUILT_INS.map((d) => [d.name.toLowerCase(), d]));

/** The custom field types criteria can search, with their operators; any other type accepts none (3114). */
function customDef(attr: CustomAttribute): AttributeDef {
  const kind: Record<string, [AttributeKind, readonly Operator[]]> = {
    SINGLE_LINE_TEXT: ['text', TEXT_OPS],
    MULTI_LINE_TEXT: ['text', TEXT_OPS],
    RICH_TEXT: ['text', TEXT_OPS],
    FIXED_DROP_DOWN: ['dropdown', ['IS_IN', 'IS_NOT_IN']],
    DROP_DOWN: ['dropdown', ['IS_IN', 'IS_NOT_IN']],
    DATETIME: ['date', DATE_OPS],
    DATE: ['date', ['IS_BEFORE', 'IS_AFTER', 'IS_BETWEEN']],
    NUMBER: ['number', NUMBER_OPS],
    INTEGER: ['number', NUMBER_OPS],
    POSITIVE_INTEGER: ['number', NUMBER_OPS],
    POSITIVE_DOUBLE: ['number', NUMBER_OPS],
    COST: ['number', NUMBER_OPS],
    BOOLEAN: ['boolean', ['IS_EQUAL_TO']],
  };
  const [k, ops] = kind[attr.fieldType.toUpperCase()] ?? ['text', []];
  return { name: attr.guid, kind: k, operators: ops, custom: attr };
}

/** The definition behind an attribute name as a client wrote it, or undefined when unknown (3004). */
export function resolveAttribute(name: string, ctx: CriteriaContext): AttributeDef | undefined {
  const builtIn = BY_NAME.get(name.toLowerCase());
  if (builtIn) return builtIn;
  const custom = ctx.customAttributes.get(name) ?? ctx.customAttributes.get(name.toUpperCase());
  return custom ? customDef(custom) : undefined;
}

export async function loadCriteriaContext(store: Store, workspaceId: number): Promise<CriteriaContext> {
  const rows = await store.db
    .selectFrom('attributes')
    .select(['guid', 'name', 'field_type', 'multi_select'])
    .where('workspace_id', '=', workspaceId)
    .where('world', '=', 'ITEM')
    .execute();
  const customAttributes = new Map<string, CustomAttribute>();
  for (const r of rows) {
    customAttributes.set(r.guid, { guid: r.guid, name: r.name, fieldType: r.field_type, multiSelect: Number(r.multi_select) === 1 });
  }
  return { dialect: store.dialect, customAttributes };
}
