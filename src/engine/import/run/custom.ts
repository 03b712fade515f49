/**
 * Custom attribute columns (ITEM attributes for ITEM_SPECS, BOM attributes for ITEM_BOM): named by display
 * name or GUID, values checked with the rules of the items API and stored in `attrs` JSON by GUID.
 */
import { ArenaError } from '../../../domain/errors.js';
import { type AttributeDef, parseAdditionalAttributes } from '../../../domain/item-json.js';
import { ROW, RowError, type StagedValues } from './context.js';

/** Adds the custom attributes to a resource's attribute names (system names win); returns them by name. */
export function customAttributeNames(attributes: Map<string, string>, customAttrs: AttributeDef[]): Map<string, AttributeDef> {
  const custom = new Map<string, AttributeDef>();
  for (const def of customAttrs) {
    if (!attributes.has(def.name.toLowerCase())) {
      attributes.set(def.name.toLowerCase(), def.name);
      custom.set(def.name, def);
    }
  }
  for (const def of customAttrs) if (!attributes.has(def.guid.toLowerCase()) && custom.has(def.name)) attributes.set(def.guid.toLowerCase(), def.name);
  return custom;
}

/**
 * An ISO 8601 date-time without an offset, read in `timeZone` (the definition's option), as UTC with `Z`;
 * anything else unchanged. A date alone stays midnight UTC.
 */
export function inTimeZone(text: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m || timeZone.toUpperCase() === 'UTC') return text;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  } catch {
    return text;
  }
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  const offsetAt = (ms: number) => {
    const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - ms;
  };
  // two passes settle the offset around DST changes
  let utc = wall - offsetAt(wall);
  utc = wall - offsetAt(utc);
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The stored value of a custom attribute cell, or a RowError naming the column, the value and what is expected. */
export function customValue(def: AttributeDef, column: string, text: string, delimiter: string, timeZone = 'UTC'): unknown {
  const multi = def.multi_select === 1 && (def.field_type === 'FIXED_DROP_DOWN' || def.field_type === 'DROP_DOWN');
  const dated = def.field_type === 'DATE' || def.field_type === 'DATETIME' ? inTimeZone(text, timeZone) : text;
  const value = multi ? text.split(delimiter).map((v) => v.trim()).filter((v) => v !== '') : dated;
  try {
    return parseAdditionalAttributes([{ guid: def.guid, value }], [def])[def.guid];
  } catch (err) {
    if (err instanceof ArenaError) {
      throw new RowError(err.code === 3006 ? ROW.NOT_AN_OPTION : ROW.INVALID, `Column '${column}': value '${text}' is not valid; expected ${expectation(def)}.`);
    }
    throw err;
  }
}

function expectation(def: AttributeDef): string {
  switch (def.field_type) {
    case 'NUMBER': case 'COST': case 'POSITIVE_DOUBLE': return 'a number';
    case 'INTEGER': case 'POSITIVE_INTEGER': return 'a whole number';
    case 'BOOLEAN': return 'true or false';
    case 'DATE': case 'DATETIME': return 'a date (ISO 8601)';
    default: {
      let values: string[] = [];
      try {
        values = def.possible_values ? (JSON.parse(def.possible_values) as string[]) : [];
      } catch {
        values = [];
      }
      return values.length > 0 ? `one of ${values.map((v) => `'${v}'`).join(', ')}` : 'a valid value';
    }
  }
}

function norm(v: unknown): string | null {
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) return null;
  return Array.isArray(v) ? v.map(String).join('\u0001') : String(v);
}

/** Equal as attribute values (numbers compared as numbers, empty = absent). */
export function sameValue(a: unknown, b: unknown): boolean {
  const x = norm(a);
  const y = norm(b);
  if (x === y) return true;
  return x !== null && y !== null && x.trim() !== '' && y.trim() !== '' && Number.isFinite(Number(x)) && Number(x) === Number(y);
}

export function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Whether setting `set` and clearing `clear` would change the attrs JSON `current`. */
export function attrsChange(current: string | null, set: string | null, clear: string | null): boolean {
  const now = parseJson<Record<string, unknown>>(current, {});
  return Object.entries(parseJson<Record<string, unknown>>(set, {})).some(([g, v]) => !sameValue(v, now[g]))
    || parseJson<string[]>(clear, []).some((g) => !sameValue(null, now[g]));
}

/** `current` with `set` applied and `clear` removed, as stored text (null when empty). */
export function mergeAttrs(current: string | null, set: string | null, clear: string | null): string | null {
  const now = parseJson<Record<string, unknown>>(current, {});
  Object.assign(now, parseJson<Record<string, unknown>>(set, {}));
  for (const g of parseJson<string[]>(clear, [])) delete now[g];
  return Object.keys(now).length > 0 ? JSON.stringify(now) : null;
}

/** The custom-attribute staging columns of a row: values by GUID and the GUIDs to clear, as JSON (or null). */
export function setCustomColumns(out: StagedValues, attrs: Record<string, unknown>, attrClears: string[]): void {
  out.set('attrs', attrsText(attrs));
  out.set('attr_clears', attrClearsText(attrClears));
}

/** The `attrs` staging column: custom attribute values by GUID as JSON, or null when there are none. */
export function attrsText(attrs: Record<string, unknown> | null): string | null {
  for (const _ in attrs) return JSON.stringify(attrs);
  return null;
}

/** The `attr_clears` staging column: the GUIDs of the custom attributes to clear as JSON, or null. */
export function attrClearsText(attrClears: string[] | null): string | null {
  return attrClears !== null && attrClears.length > 0 ? JSON.stringify(attrClears) : null;
}
