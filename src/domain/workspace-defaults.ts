/**
 * What a new workspace starts with: lifecycle phases, category trees (items, changes, files) and a set
 * of custom attributes covering the common field types. GUIDs are random (`newGuid`): every workspace
 * gets its own.
 *
 * ```ts
 * const workspaceId = await createWorkspace(store, 'Acme Robotics', 10_000);
 * ```
 *
 * Categories: `path` always starts with the world name (`Item\Part\Electrical\Resistor`,
 * `Change\Change Order\Engineering Change Order`, `File\Drawing`), as Arena writes it. The world root
 * itself (`Item`, `Change`, `File`) is not a row: first-level categories have `parent_id` NULL.
 */
import type { Store } from '../store/store.js';
import { newGuid } from './ids.js';
import { zulu } from './time.js';

export type LifecycleStage = 'UNRELEASED' | 'DESIGN' | 'PRODUCTION';

export interface DefaultLifecyclePhase {
  name: string;
  shortName: string;
  stage: LifecycleStage;
}

/** Arena's sample defaults, in display order (display_order 1..7). */
export const DEFAULT_LIFECYCLE_PHASES: readonly DefaultLifecyclePhase[] = [
  { name: 'Unreleased', shortName: 'UNR', stage: 'UNRELEASED' },
  { name: 'In Design', shortName: 'DES', stage: 'DESIGN' },
  { name: 'Prototype', shortName: 'PRO', stage: 'DESIGN' },
  { name: 'In Production', shortName: 'PRD', stage: 'PRODUCTION' },
  { name: 'Abandoned', shortName: 'ABN', stage: 'DESIGN' },
  { name: 'Deprecated', shortName: 'DEP', stage: 'PRODUCTION' },
  { name: 'Obsolete', shortName: 'OBS', stage: 'PRODUCTION' },
];

export type CategoryWorld = 'ITEM' | 'CHANGE' | 'FILE';

/** Category paths per world, parents before children. */
export const DEFAULT_CATEGORIES: Readonly<Record<CategoryWorld, readonly string[]>> = {
  ITEM: [
    'Item\\Assembly',
    'Item\\Assembly\\Final Assembly',
    'Item\\Assembly\\PCB Assembly',
    'Item\\Assembly\\Mechanical Assembly',
    'Item\\Assembly\\Cable Assembly',
    'Item\\Part',
    'Item\\Part\\Electrical',
    'Item\\Part\\Electrical\\Resistor',
    'Item\\Part\\Electrical\\Capacitor',
    'Item\\Part\\Electrical\\Inductor',
    'Item\\Part\\Electrical\\Integrated Circuit',
    'Item\\Part\\Electrical\\Connector',
    'Item\\Part\\Electrical\\Diode',
    'Item\\Part\\Electrical\\Transistor',
    'Item\\Part\\Electrical\\Crystal',
    'Item\\Part\\Electrical\\PCB',
    'Item\\Part\\Electrical\\Wire',
    'Item\\Part\\Mechanical',
    'Item\\Part\\Mechanical\\Fastener',
    'Item\\Part\\Mechanical\\Enclosure',
    'Item\\Part\\Mechanical\\Sheet Metal',
    'Item\\Part\\Mechanical\\Machined',
    'Item\\Part\\Mechanical\\Plastic',
    'Item\\Part\\Mechanical\\Label',
    'Item\\Part\\Consumable',
    'Item\\Document',
    'Item\\Document\\Specification',
    'Item\\Document\\Procedure',
    'Item\\Document\\Manual',
    'Item\\Software',
    'Item\\Software\\Firmware',
  ],
  CHANGE: [
    'Change\\Change Order',
    'Change\\Change Order\\Engineering Change Order',
    'Change\\Change Order\\Document Change Order',
    'Change\\Change Request',
    'Change\\Deviation',
  ],
  FILE: [
    'File\\Drawing',
    'File\\Datasheet',
    'File\\Manufacturing',
    'File\\Specification',
    'File\\Test Report',
    'File\\Software',
    'File\\Reference',
  ],
};

export type AttributeWorld = 'ITEM' | 'BOM' | 'SUPPLIER_ITEM' | 'SUPPLIER';

export interface DefaultAttribute {
  world: AttributeWorld;
  name: string;
  fieldType: string;
  multiSelect?: boolean;
  possibleValues?: readonly string[];
}

export const ROHS_STATUS_VALUES = ['Compliant', 'Compliant with Exemption', 'Non-Compliant', 'Not Assessed'] as const;
export const COMPLIANCE_VALUES = ['RoHS', 'REACH', 'UL', 'CE', 'FCC', 'Conflict Minerals', 'Prop 65'] as const;
export const MOUNT_TYPE_VALUES = ['SMT', 'Through-Hole', 'Press-Fit', 'Manual'] as const;
export const SUPPLIER_TIER_VALUES = ['Tier 1', 'Tier 2', 'Tier 3'] as const;

/** Custom attributes of a new workspace. Values are stored in `attrs` JSON keyed by the attribute GUID. */
export const DEFAULT_ATTRIBUTES: readonly DefaultAttribute[] = [
  { world: 'ITEM', name: 'Tolerance', fieldType: 'SINGLE_LINE_TEXT' },
  { world: 'ITEM', name: 'Weight (g)', fieldType: 'NUMBER' },
  { world: 'ITEM', name: 'RoHS Status', fieldType: 'FIXED_DROP_DOWN', possibleValues: ROHS_STATUS_VALUES },
  { world: 'ITEM', name: 'Compliance', fieldType: 'FIXED_DROP_DOWN', multiSelect: true, possibleValues: COMPLIANCE_VALUES },
  { world: 'ITEM', name: 'Date Zero', fieldType: 'DATE' },
  { world: 'ITEM', name: 'Critical Part', fieldType: 'BOOLEAN' },
  { world: 'ITEM', name: 'Assembly Notes', fieldType: 'MULTI_LINE_TEXT' },
  { world: 'BOM', name: 'Mount Type', fieldType: 'FIXED_DROP_DOWN', possibleValues: MOUNT_TYPE_VALUES },
  { world: 'SUPPLIER_ITEM', name: 'Lead Time (days)', fieldType: 'NUMBER' },
  { world: 'SUPPLIER', name: 'Supplier Tier', fieldType: 'FIXED_DROP_DOWN', possibleValues: SUPPLIER_TIER_VALUES },
];

/**
 * Inserts a workspace and its defaults in one transaction and returns the workspace id.
 */
export async function createWorkspace(store: Store, name: string, requestLimit: number): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    const ws = await trx
      .insertInto('workspaces')
      .values({ name, request_limit: requestLimit, created_at: zulu() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const workspaceId = Number(ws.id);

    await trx
      .insertInto('lifecycle_phases')
      .values(
        DEFAULT_LIFECYCLE_PHASES.map((p, i) => ({
          workspace_id: workspaceId,
          guid: newGuid(),
          name: p.name,
          short_name: p.shortName,
          stage: p.stage,
          active: 1 as const,
          display_order: i + 1,
        })),
      )
      .execute();

    for (const [world, paths] of Object.entries(DEFAULT_CATEGORIES) as [CategoryWorld, readonly string[]][]) {
      const idByPath = new Map<string, number>();
      for (const path of paths) {
        const cut = path.lastIndexOf('\\');
        const parentPath = path.slice(0, cut);
        const row = await trx
          .insertInto('categories')
          .values({
            workspace_id: workspaceId,
            guid: newGuid(),
            world,
            name: path.slice(cut + 1),
            path,
            parent_id: idByPath.get(parentPath) ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        idByPath.set(path, Number(row.id));
      }
    }

    await trx
      .insertInto('attributes')
      .values(
        DEFAULT_ATTRIBUTES.map((a) => ({
          workspace_id: workspaceId,
          guid: newGuid(),
          world: a.world,
          name: a.name,
          field_type: a.fieldType,
          multi_select: a.multiSelect ? (1 as const) : (0 as const),
          possible_values: a.possibleValues ? JSON.stringify(a.possibleValues) : null,
        })),
      )
      .execute();

    return workspaceId;
  });
}
