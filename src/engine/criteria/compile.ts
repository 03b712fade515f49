/**
 * A parsed criteria tree -> one SQL boolean condition over the aliases `r` (the item_revisions row selected
 * for the item) and `i` (its items row). Everything else is a correlated subquery with its own aliases,
 * and every value is a bound parameter, so callers can drop the result into `.where(…)` or `sql`…``.
 *
 * Compatibility choices (mirrored in docs/compat.md):
 * - Precedence: AND binds tighter than OR, inside a group and between groups. Logic tokens in any case; a
 *   missing token between two terms reads as AND. A bare criterion among groups is a group of one.
 * - null, undefined, [], [[]] (any array of empty arrays) mean "no criteria" (isEmptyCriteria); callers
 *   decide what that means (3140, or no filter). parseCriteria itself rejects them with 3003.
 * - Attribute names match case-insensitively (`modifiedBom` = `modifiedBOM`); operators too, with spaces
 *   or hyphens read as underscores (the vendor table's `IS_EQUAL TO`). `name` is added as SINGLE_LINE_TEXT.
 * - Text comparisons are case-insensitive via LOWER() on both sides (SQLite folds ASCII only).
 *   IS_EQUAL_TO / IS_NOT_EQUAL_TO take `*` literally; CONTAINS / STARTS_WITH and their negations read `*`
 *   as a wildcard and match literal `%` `_` `\`. Text attributes also accept JSON numbers.
 * - Every negative operator (IS_NOT_EQUAL_TO, DOES_NOT_CONTAIN, DOES_NOT_START_WITH, IS_NOT_IN) is the
 *   exact complement of its positive one: a missing value (no description, no owner, no custom value)
 *   satisfies it. For multi-valued attributes (supplier.*, supplierItem.*, multi-select drop-downs) the
 *   positive is "some value matches" and the negative "no value matches".
 * - Drop-downs: `;` separates alternatives in any string value; values are trimmed and compared
 *   case-insensitively. Built-in drop-downs (category.name, lifecyclePhase.name/.stage) read IS_EQUAL_TO
 *   "A;B" as "A or B". lifecyclePhase.stage accepts only UNRELEASED/DESIGN/PRODUCTION (else 3006).
 *   category.name takes the six text operators with wildcards, like text. category.name IS_EQUAL_TO
 *   "-uncategorized-" or "uncategorized" (any case) also matches revisions without a category (and
 *   IS_NOT_EQUAL_TO excludes them). category.name is the category's own name, not its path.
 * - Dates: a value without a time of day stands for its whole UTC day: IS_EQUAL_TO = that day, IS_BEFORE =
 *   before it starts, IS_AFTER = after it ends, IS_BETWEEN [d1, d2] = from d1's start to d2's end. With a
 *   time: exact second, strict before/after, inclusive between. A missing date (a working revision's
 *   effectiveDateTime) matches nothing. creationDateTime is the revision's creation time.
 *   effectiveDateTime also takes IS_EQUAL_TO (used in vendor samples); custom DATE does not (spec table).
 * - IS_BETWEEN: not exactly two values -> 3293; a value that is not a date -> 3003; start after end ->
 *   3293 with {0} = the attribute as given and {1} = the two values joined by ", ".
 * - modified* booleans read the item's WORKING revision; an item without one counts as not modified
 *   (matches `false`). Custom BOOLEAN: a missing value matches `false`.
 * - `guid` matches items any of whose revisions has the GUID. GUID values are compared exactly (no case
 *   folding, no format check). A GUID-type criterion with any other criterion -> 3294.
 * - `any` CONTAINS searches number, name, description and revision number.
 * - supplier.* / supplierItem.*: any sourcing row of the revision, through its manufacturer or vendor item.
 * - Custom attributes: ITEM-world attributes by GUID. Text types: six text operators; (FIXED_)DROP_DOWN,
 *   single or multi: IS_IN / IS_NOT_IN, matching any stored value whether stored as a string or an array;
 *   NUMBER, INTEGER, POSITIVE_*, COST: numeric operators (value a JSON number or numeric string; stored
 *   non-numbers count as missing); DATETIME / DATE: as above; BOOLEAN: IS_EQUAL_TO. Other field types accept
 *   no operator (3114).
 * - Validation order per criterion: structure (3003 "criteria") -> attribute (3004) -> operator (3114) ->
 *   value (3003 with the attribute as given, 3006, 3293); 3294 once the whole tree is valid.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { addDays } from '../../domain/time.js';
import type { AttributeDef, CriteriaContext, Operator } from './attributes.js';
import type { Criteria, Criterion, CriterionValue, DateValue } from './parse.js';

type Expr = RawBuilder<unknown>;
type Cond = RawBuilder<SqlBool>;

export function compileCriteria(criteria: Criteria, ctx: CriteriaContext): RawBuilder<SqlBool> {
  if (criteria.kind === 'criterion') return sql<SqlBool>`(${criterion(criteria, ctx)})`;
  const logic = criteria.kind === 'and' ? sql` AND ` : sql` OR `;
  return sql<SqlBool>`(${sql.join(criteria.terms.map((t) => compileCriteria(t, ctx)), logic)})`;
}

/**
 * Where an attribute's values live. `match(cond)` is true when a value satisfies `cond`. `key` is the
 * expression that is NULL when the row has no value, so the negative operators can count those rows in;
 * without a key `match` is never NULL (an EXISTS) and plain NOT is the complement.
 */
interface Target {
  match: (cond: (x: Expr) => Cond) => Cond;
  key: Expr | null;
}

const column = (x: Expr): Target => ({ key: x, match: (cond) => cond(x) });

/** A revision foreign key resolved through a small lookup table (users, categories, phases). */
const lookup = (fk: string, table: 'users' | 'categories' | 'lifecycle_phases', col: string): Target => ({
  key: sql.ref(fk),
  match: (cond) => sql<SqlBool>`${sql.ref(fk)} IN (SELECT t.id FROM ${sql.table(table)} t WHERE ${cond(sql.ref(`t.${col}`))})`,
});

const SOURCED_FROM = sql`sourcing s JOIN supplier_items si ON si.id IN (s.mfr_item_id, s.vendor_item_id) JOIN suppliers su ON su.id = si.supplier_id`;

/** Suppliers and supplier items reached through any sourcing row of the revision. */
const sourced = (col: string): Target => ({
  key: null,
  match: (cond) => sql<SqlBool>`EXISTS (SELECT 1 FROM ${SOURCED_FROM} WHERE s.rev_id = r.id AND ${cond(sql.ref(col))})`,
});

const BUILT_IN_TARGETS: Record<string, Target> = {
  number: column(sql.ref('i.number')),
  revisionNumber: column(sql.ref('r.revision_number')),
  name: column(sql.ref('r.name')),
  description: column(sql.ref('r.description')),
  'owner.fullName': lookup('r.owner_id', 'users', 'full_name'),
  'creator.fullName': lookup('r.creator_id', 'users', 'full_name'),
  'creator.email': lookup('r.creator_id', 'users', 'email'),
  'creator.guid': lookup('r.creator_id', 'users', 'guid'),
  'category.name': lookup('r.category_id', 'categories', 'name'),
  'category.guid': lookup('r.category_id', 'categories', 'guid'),
  'lifecyclePhase.name': lookup('r.lifecycle_phase_id', 'lifecycle_phases', 'name'),
  'lifecyclePhase.stage': lookup('r.lifecycle_phase_id', 'lifecycle_phases', 'stage'),
  'lifecyclePhase.guid': lookup('r.lifecycle_phase_id', 'lifecycle_phases', 'guid'),
  'supplier.name': sourced('su.name'),
  'supplier.guid': sourced('su.guid'),
  'supplierItem.name': sourced('si.name'),
  'supplierItem.guid': sourced('si.guid'),
  effectiveDateTime: column(sql.ref('r.effective_at')),
  creationDateTime: column(sql.ref('r.created_at')),
  guid: {
    key: null,
    match: (cond) => sql<SqlBool>`i.id IN (SELECT v.item_id FROM item_revisions v WHERE ${cond(sql.ref('v.guid'))})`,
  },
};

const ANY_COLUMNS = ['i.number', 'r.name', 'r.description', 'r.revision_number'];

const MODIFIED_COLUMNS: Record<string, string> = {
  modifiedBOM: 'modified_bom', modifiedSpecs: 'modified_specs', modifiedSourcing: 'modified_sourcing', modifiedFiles: 'modified_files',
};

const NEGATIONS: Partial<Record<Operator, Operator>> = {
  IS_NOT_EQUAL_TO: 'IS_EQUAL_TO', DOES_NOT_CONTAIN: 'CONTAINS', DOES_NOT_START_WITH: 'STARTS_WITH', IS_NOT_IN: 'IS_IN',
};

function criterion(c: Criterion, ctx: CriteriaContext): Cond {
  const { attribute: attr, value } = c;
  // negative operators compile as NOT of their positive counterpart
  const negated = c.operator in NEGATIONS;
  const op = NEGATIONS[c.operator] ?? c.operator;

  if (attr.kind === 'boolean') return booleanCond(attr, value, ctx);
  if (attr.kind === 'any') {
    const conds = ANY_COLUMNS.map((col) => textCond(op, value, sql.ref(col)));
    return sql<SqlBool>`(${sql.join(conds, sql` OR `)})`;
  }

  let target: Target;
  if (attr.kind === 'dropdown') {
    target = { key: null, match: (cond) => sql<SqlBool>`EXISTS (SELECT 1 FROM ${attrJson(ctx, attr.name, 'elements')} WHERE ${cond(sql.ref('e.value'))})` };
  } else if (attr.custom) {
    target = column(attrJson(ctx, attr.name, attr.kind === 'number' ? 'number' : 'text'));
  } else {
    target = BUILT_IN_TARGETS[attr.name];
  }

  let match = target.match((x) => valueCond(attr, op, value, x));
  let key = target.key;
  if (attr.name === 'category.name' && value.type === 'list' && value.values.some(isUncategorized)) {
    match = sql<SqlBool>`(r.category_id IS NULL OR ${match})`;
    key = null;
  }
  if (!negated) return match;
  return key ? sql<SqlBool>`(${key} IS NULL OR NOT (${match}))` : sql<SqlBool>`NOT (${match})`;
}

function isUncategorized(v: string): boolean {
  return /^-?uncategorized-?$/i.test(v);
}

/** The condition on one value `x` for a positive operator. */
function valueCond(attr: AttributeDef, op: Operator, value: CriterionValue, x: Expr): Cond {
  switch (value.type) {
    case 'text':
      return attr.kind === 'guid' ? sql<SqlBool>`${x} = ${value.text}` : textCond(op, value, x);
    case 'list':
      return attr.kind === 'guid'
        ? sql<SqlBool>`${x} IN (${sql.join(value.values)})`
        : sql<SqlBool>`LOWER(${x}) IN (${sql.join(value.values.map((v) => sql`LOWER(${v})`))})`;
    case 'number':
      return sql<SqlBool>`${x} ${sql.raw(NUMBER_OPS[op] ?? '=')} ${value.number}`;
    case 'date':
      return dateCond(op, value.date, x);
    case 'between':
      return sql<SqlBool>`(${x} >= ${value.from.at} AND ${dayEnd(value.to, x)})`;
    case 'boolean':
      throw new Error('booleans are compiled by booleanCond');
  }
}

const NUMBER_OPS: Partial<Record<Operator, string>> = {
  IS_EQUAL_TO: '=', IS_LESS_THAN: '<', IS_LESS_THAN_OR_EQUAL_TO: '<=', IS_GREATER_THAN: '>', IS_GREATER_THAN_OR_EQUAL_TO: '>=',
};

function textCond(op: Operator, value: CriterionValue, x: Expr): Cond {
  const text = value.type === 'text' ? value.text : '';
  if (op === 'IS_EQUAL_TO') return sql<SqlBool>`LOWER(${x}) = LOWER(${text})`;
  const escaped = text.replace(/[\\%_]/g, (ch) => `\\${ch}`).replace(/\*/g, '%');
  const pattern = op === 'STARTS_WITH' ? `${escaped}%` : `%${escaped}%`;
  return sql<SqlBool>`LOWER(${x}) LIKE LOWER(${pattern}) ESCAPE '\\'`;
}

function dateCond(op: Operator, d: DateValue, x: Expr): Cond {
  const next = addDays(d.at, 1);
  switch (op) {
    case 'IS_BEFORE':
      return sql<SqlBool>`${x} < ${d.at}`;
    case 'IS_AFTER':
      return d.day ? sql<SqlBool>`${x} >= ${next}` : sql<SqlBool>`${x} > ${d.at}`;
    default:
      return d.day ? sql<SqlBool>`(${x} >= ${d.at} AND ${x} < ${next})` : sql<SqlBool>`${x} = ${d.at}`;
  }
}

/** The upper bound of IS_BETWEEN: inclusive of the whole end day when it has no time. */
function dayEnd(to: DateValue, x: Expr): Cond {
  return to.day ? sql<SqlBool>`${x} < ${addDays(to.at, 1)}` : sql<SqlBool>`${x} <= ${to.at}`;
}

function booleanCond(attr: AttributeDef, value: CriterionValue, ctx: CriteriaContext): Cond {
  const want = value.type === 'boolean' && value.bool;
  if (attr.custom) return sql<SqlBool>`COALESCE(${attrJson(ctx, attr.name, 'boolean')}, 'false') = ${want ? 'true' : 'false'}`;
  const col = sql.ref(`w.${MODIFIED_COLUMNS[attr.name]}`);
  return sql<SqlBool>`COALESCE((SELECT ${col} FROM item_revisions w WHERE w.id = i.working_rev_id), 0) = ${want ? 1 : 0}`;
}

/**
 * The one place the dialects differ: reading custom attribute `guid` out of the JSON text `r.attrs`.
 * - text: the value as text (NULL when absent)
 * - number: the value when it is a JSON number, else NULL
 * - boolean: 'true' / 'false' when it is a JSON boolean, else NULL
 * - elements: a FROM item `e` with one row per stored value in column `e.value`, whether the value is
 *   stored as an array (multi-select) or a scalar (single-select)
 */
function attrJson(ctx: CriteriaContext, guid: string, read: 'text' | 'number' | 'boolean' | 'elements'): Expr {
  if (ctx.dialect === 'sqlite') {
    const path = `$."${guid}"`;
    switch (read) {
      case 'text':
        return sql`json_extract(r.attrs, ${path})`;
      case 'number':
        return sql`(CASE WHEN json_type(r.attrs, ${path}) IN ('integer', 'real') THEN json_extract(r.attrs, ${path}) END)`;
      case 'boolean':
        return sql`(CASE WHEN json_type(r.attrs, ${path}) IN ('true', 'false') THEN json_type(r.attrs, ${path}) END)`;
      case 'elements':
        // json_each over a scalar yields that one scalar
        return sql`json_each(r.attrs, ${path}) AS e`;
    }
  }
  const key = sql`CAST(${guid} AS text)`;
  const json = sql`(r.attrs::jsonb -> ${key})`;
  switch (read) {
    case 'text':
      return sql`(r.attrs::jsonb ->> ${key})`;
    case 'number':
      return sql`(CASE WHEN jsonb_typeof(${json}) = 'number' THEN (r.attrs::jsonb ->> ${key})::double precision END)`;
    case 'boolean':
      return sql`(CASE WHEN jsonb_typeof(${json}) = 'boolean' THEN r.attrs::jsonb ->> ${key} END)`;
    case 'elements':
      return sql`jsonb_array_elements_text(CASE WHEN jsonb_typeof(${json}) = 'array' THEN ${json} ELSE jsonb_build_array(${json}) END) AS e(value)`;
  }
}
