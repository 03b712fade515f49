/**
 * Custom attribute columns: one per attribute of the view's world (ITEM, BOM, SUPPLIER_ITEM, SUPPLIER),
 * in creation order, appended after the system columns. Titled by attribute GUID (`header: apiName`) or
 * display name (`header: name`); a display name that would repeat another column's title falls back to the
 * GUID so every title (and JSON key) stays unique. Values come from the row's `attrs` JSON keyed by GUID.
 */
import type { Store } from '../../../store/store.js';
import type { HeaderStyle } from '../options.js';
import type { Cell, Column, Row } from './view.js';

export const ATTRIBUTE_WORLDS = ['ITEM', 'BOM', 'SUPPLIER_ITEM', 'SUPPLIER'] as const;
export type AttributeWorld = (typeof ATTRIBUTE_WORLDS)[number];

export interface CustomAttribute {
  guid: string;
  name: string;
  fieldType: string;
  multiSelect: boolean;
}

export type CustomAttributes = Record<AttributeWorld, CustomAttribute[]>;

export function noCustomAttributes(): CustomAttributes {
  return { ITEM: [], BOM: [], SUPPLIER_ITEM: [], SUPPLIER: [] };
}

/** The workspace's attribute definitions, grouped by world (a handful of rows). */
export async function loadCustomAttributes(store: Store, workspaceId: number): Promise<CustomAttributes> {
  const rows = await store.db
    .selectFrom('attributes')
    .select(['guid', 'name', 'world', 'field_type', 'multi_select'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
  const out = noCustomAttributes();
  for (const r of rows) {
    const world = r.world.toUpperCase() as AttributeWorld;
    if (!(world in out)) continue;
    out[world].push({ guid: r.guid, name: r.name, fieldType: r.field_type, multiSelect: Number(r.multi_select) === 1 });
  }
  return out;
}

/** Multi-select values are joined with `;`, the Import Engine's default multiSelectDelimiter. */
export const MULTI_SELECT_DELIMITER = ';';

function customCell(attr: CustomAttribute, v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => (x === null || x === undefined ? '' : String(x))).join(MULTI_SELECT_DELIMITER);
  const type = attr.fieldType.toUpperCase();
  if (type === 'BOOLEAN') {
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  }
  if ((type === 'NUMBER' || type === 'INTEGER' || type === 'POSITIVE_DOUBLE' || type === 'POSITIVE_INTEGER' || type === 'COST') &&
    typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
    return Number(v);
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/**
 * The custom columns of one world. `taken` are the titles already used by the view's system columns;
 * `attrsOf` reads the row's `attrs` JSON text. Each row's JSON is parsed once, not once per column.
 */
export function customColumns(
  attributes: readonly CustomAttribute[],
  header: HeaderStyle,
  taken: readonly string[],
  attrsOf: (row: Row) => unknown,
): Column<Row>[] {
  const used = new Set(taken);
  let lastRow: Row | undefined;
  let lastValues: Record<string, unknown> = {};
  const valuesOf = (row: Row): Record<string, unknown> => {
    if (row !== lastRow) {
      lastRow = row;
      const json = attrsOf(row);
      let parsed: unknown = null;
      if (typeof json === 'string' && json !== '') {
        try {
          parsed = JSON.parse(json);
        } catch {
          parsed = null;
        }
      }
      lastValues = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    }
    return lastValues;
  };
  return attributes.map((attr) => {
    let title = header === 'name' ? attr.name : attr.guid;
    if (used.has(title)) title = attr.guid;
    used.add(title);
    return {
      title,
      value: (row: Row) => {
        const values = valuesOf(row);
        return customCell(attr, Object.prototype.hasOwnProperty.call(values, attr.guid) ? values[attr.guid] : null);
      },
    };
  });
}
