/**
 * Criteria JSON -> a validated boolean tree. All validation errors (3003, 3004, 3006, 3114, 3293, 3294)
 * come from here, so compile.ts can trust its input.
 */
import { arenaError } from '../../domain/errors.js';
import { parseClientDate } from '../../domain/time.js';
import { type AttributeDef, type CriteriaContext, OPERATORS, type Operator, resolveAttribute } from './attributes.js';

export interface DateValue {
  /** Zulu seconds */
  at: string;
  /** given without a time of day: stands for the whole UTC calendar day starting at `at` */
  day: boolean;
}

export type CriterionValue =
  | { type: 'text'; text: string }
  | { type: 'list'; values: string[] }
  | { type: 'number'; number: number }
  | { type: 'boolean'; bool: boolean }
  | { type: 'date'; date: DateValue }
  | { type: 'between'; from: DateValue; to: DateValue };

export interface Criterion {
  kind: 'criterion';
  attribute: AttributeDef;
  operator: Operator;
  value: CriterionValue;
}

export type Criteria = Criterion | { kind: 'and' | 'or'; terms: Criteria[] };

/** true for null, undefined, [], [[]] (and [[], []]): "no criteria" */
export function isEmptyCriteria(input: unknown): boolean {
  if (input === null || input === undefined) return true;
  return Array.isArray(input) && input.every((g) => Array.isArray(g) && g.length === 0);
}

const structure = () => arenaError(3003, 'criteria');

/**
 * Validates criteria JSON: nested `[[…], "OR", […]]`, flat `[{…}, "AND", {…}]`, or a mix (a bare criterion
 * among groups is a group of one). Callers check isEmptyCriteria first; empty input here is a 3003.
 */
export function parseCriteria(input: unknown, ctx: CriteriaContext): Criteria {
  if (!Array.isArray(input) || isEmptyCriteria(input)) throw structure();
  const all: Criterion[] = [];
  const criterion = (el: unknown): Criterion => {
    const c = parseCriterion(el, ctx);
    all.push(c);
    return c;
  };
  const tree = sequence(input, (el) => {
    if (!Array.isArray(el)) return criterion(el);
    if (el.length === 0) throw structure();
    return sequence(el, criterion);
  });
  if (all.length > 1 && all.some((c) => c.attribute.kind === 'guid')) throw arenaError(3294);
  return tree;
}

/**
 * `term (LOGIC term)*` with AND binding tighter than OR. A missing token between two terms reads as AND
 * ([OAS] types run criteria as plain arrays of criteria).
 */
function sequence(items: unknown[], term: (el: unknown) => Criteria): Criteria {
  const ors: Criteria[][] = [[]];
  let expectTerm = true;
  for (const el of items) {
    if (typeof el === 'string') {
      const logic = el.trim().toUpperCase();
      if (expectTerm || (logic !== 'AND' && logic !== 'OR')) throw structure();
      if (logic === 'OR') ors.push([]);
      expectTerm = true;
    } else {
      ors[ors.length - 1].push(term(el));
      expectTerm = false;
    }
  }
  if (expectTerm) throw structure();
  return combine('or', ors.map((terms) => combine('and', terms)));
}

function combine(kind: 'and' | 'or', terms: Criteria[]): Criteria {
  return terms.length === 1 ? terms[0] : { kind, terms };
}

function parseCriterion(el: unknown, ctx: CriteriaContext): Criterion {
  if (typeof el !== 'object' || el === null || Array.isArray(el)) throw structure();
  const { attribute: name, operator: rawOp, value } = el as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '' || typeof rawOp !== 'string') throw structure();
  const attribute = resolveAttribute(name.trim(), ctx);
  if (!attribute) throw arenaError(3004, name);
  // The vendor's own table writes `IS_EQUAL TO`; accept any case and spaces for underscores.
  const op = rawOp.trim().toUpperCase().replace(/[\s-]+/g, '_') as Operator;
  if (!OPERATORS.includes(op) || !attribute.operators.includes(op)) throw arenaError(3114, rawOp, name);
  return { kind: 'criterion', attribute, operator: op, value: parseValue(attribute, op, value, name) };
}

function parseValue(attr: AttributeDef, op: Operator, value: unknown, name: string): CriterionValue {
  const bad = () => arenaError(3003, name);
  if (op === 'IS_BETWEEN') return between(value, name);
  switch (attr.kind) {
    case 'date': {
      const date = dateValue(value);
      if (!date) throw bad();
      return { type: 'date', date };
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw bad();
      return { type: 'boolean', bool: value };
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw bad();
      return { type: 'number', number: n };
    }
    case 'dropdown':
      return { type: 'list', values: list(value, true) ?? throwIt(bad()) };
    case 'guid':
      if (op === 'IS_IN') return { type: 'list', values: list(value, false) ?? throwIt(bad()) };
      if (typeof value !== 'string' || value.trim() === '') throw bad();
      return { type: 'text', text: value.trim() };
    case 'choice':
      if (op === 'IS_EQUAL_TO' || op === 'IS_NOT_EQUAL_TO') {
        const values = list(value, true) ?? throwIt(bad());
        const bogus = attr.values && values.find((v) => !attr.values!.includes(v.toUpperCase()));
        if (bogus) throw arenaError(3006, bogus, name);
        return { type: 'list', values };
      }
      return { type: 'text', text: text(value) ?? throwIt(bad()) };
    case 'text':
    case 'any':
      return { type: 'text', text: text(value) ?? throwIt(bad()) };
  }
}

function throwIt(err: Error): never {
  throw err;
}

/** Numbers are accepted as text: item numbers often look numeric and clients send them unquoted. */
function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A non-empty list of strings; drop-downs also take `;`-separated alternatives in any string. */
function list(value: unknown, split: boolean): string[] | null {
  const raw = typeof value === 'string' && split ? [value] : Array.isArray(value) ? value : null;
  if (!raw || !raw.every((s) => typeof s === 'string')) return null;
  const values = (split ? raw.flatMap((s: string) => s.split(';')) : (raw as string[])).map((s) => s.trim()).filter(Boolean);
  return values.length > 0 ? values : null;
}

function dateValue(value: unknown): DateValue | null {
  const at = parseClientDate(value);
  return at ? { at, day: /^\d{4}-\d{2}-\d{2}$/.test(value as string) } : null;
}

function between(value: unknown, name: string): CriterionValue {
  const shown = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  if (!Array.isArray(value) || value.length !== 2) throw arenaError(3293, name, shown);
  const [from, to] = value.map(dateValue);
  if (!from || !to) throw arenaError(3003, name);
  if (from.at > to.at) throw arenaError(3293, name, shown);
  return { type: 'between', from, to };
}
