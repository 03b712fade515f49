/**
 * Demo data for a workspace: a hardware company's item master with multi-level BOMs, revisions and
 * changes, files with editions, suppliers and sourcing — enough to exercise every export view.
 * Deterministic for a given size: the same `items` always gives the same numbers, GUIDs and rows
 * (GUIDs are salted with the workspace id, so two workspaces never share one).
 *
 * ```ts
 * const workspaceId = await createWorkspace(store, 'Acme Robotics', 10_000);
 * const summary = await seedWorkspace(store, blobs, workspaceId, { items: 10_000, userId });
 * ```
 *
 * The plan is made and loaded in chunks of about 5,000 items (see `plan.ts`), so memory stays flat
 * whatever the size. Rows are generated lazily and loaded with `store.bulkInsert`, with ids computed from
 * each table's current MAX(id). The workspace must be created with `createWorkspace` (its categories,
 * lifecycle phases and attributes are looked up by name) and must not hold items yet. Each table of each
 * chunk is loaded in its own transaction: a failure part-way leaves a partly seeded workspace.
 */
import { sql } from 'kysely';
import type { BlobStore } from '../../blobs/blob-store.js';
import type { AttributeWorld } from '../../domain/workspace-defaults.js';
import type { Store } from '../store.js';
import { type PEdition, SEED_TABLES, type SeedDefaults, type SeedTable, planSeed } from './plan.js';
import { COLUMNS, SeedRows } from './rows.js';

export { MIN_ITEMS, type SeedTable } from './plan.js';
export { countRefDes, expandRefDes, formatRefDes } from './refdes.js';

/** The sequence the change numbers `ECO-000001…` are taken from. */
export const ECO_SEQUENCE = 'change:ECO-';

export interface SeedOptions {
  /** number of item masters to create (>= MIN_ITEMS) */
  items: number;
  /** creator of everything and owner of most items */
  userId: number;
  /** top-level assemblies per chunk of the plan (default 50, about 5,000 items); only tests need to set it */
  topsPerChunk?: number;
}

export interface SeedSummary {
  workspaceId: number;
  /** rows inserted per table */
  counts: Record<SeedTable, number>;
  /** file contents written to the blob store (`files/<edition guid>`) */
  blobs: number;
  topLevelAssemblies: number;
  /** BOM levels below the deepest top-level assembly (4 = top -> sub -> sub-sub -> sub-sub-sub -> part) */
  bomDepth: number;
  /** the last change number used, e.g. `ECO-000012`; the `change:ECO-` sequence continues from it */
  lastChangeNumber: string;
}

export async function seedWorkspace(store: Store, blobs: BlobStore, workspaceId: number, opts: SeedOptions): Promise<SeedSummary> {
  const db = store.db;
  const ws = await db.selectFrom('workspaces').select('id').where('id', '=', workspaceId).executeTakeFirst();
  if (!ws) throw new Error(`workspace ${workspaceId} does not exist`);
  const user = await db.selectFrom('users').select('id').where('id', '=', opts.userId).executeTakeFirst();
  if (!user) throw new Error(`user ${opts.userId} does not exist`);
  const existing = await db.selectFrom('items').select('id').where('workspace_id', '=', workspaceId).limit(1).executeTakeFirst();
  if (existing) throw new Error(`workspace ${workspaceId} already has items; seed a new workspace`);

  const defaults = await loadDefaults(store, workspaceId);
  const firstId = {} as Record<SeedTable, number>;
  for (const table of SEED_TABLES) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    firstId[table] = Number(row?.max ?? 0) + 1;
  }
  const seq = await db
    .selectFrom('sequences').select('value')
    .where('workspace_id', '=', workspaceId).where('name', '=', ECO_SEQUENCE)
    .executeTakeFirst();

  const plan = planSeed({
    items: opts.items, workspaceId, userId: opts.userId, defaults, firstId,
    firstChangeNumber: Number(seq?.value ?? 0) + 1, topsPerChunk: opts.topsPerChunk,
  });
  const rows = new SeedRows(plan);
  const counts = Object.fromEntries(SEED_TABLES.map((t) => [t, 0])) as Record<SeedTable, number>;
  let blobCount = 0;
  for (const chunk of plan.chunks()) {
    // Contents first: if loading fails, orphan blobs are harmless, rows without content are not.
    blobCount += await writeBlobs(blobs, chunk.editions);
    const substitutes: unknown[][] = [];
    // Two lanes of similar size. Tables are independent (substitutes are collected while BOM lines are
    // generated, so they follow them in the same lane). On PostgreSQL the lanes run on two connections at
    // once, which overlaps generating rows here with inserting them there; SQLite loads them in turn.
    const lanes: Array<Array<readonly [SeedTable, () => Iterable<unknown[]>]>> = [
      [
        ['suppliers', () => rows.suppliers(chunk)], ['changes', () => rows.changes(chunk)], ['item_revisions', () => rows.revisions(chunk)],
        ['sourcing', () => rows.sourcing(chunk)], ['files', () => rows.files(chunk)], ['supplier_item_files', () => rows.supplierItemFiles(chunk)],
      ],
      [
        ['items', () => rows.items(chunk)], ['bom_lines', () => rows.bomLines(chunk, substitutes)], ['bom_substitutes', () => substitutes],
        ['item_files', () => rows.itemFiles(chunk)], ['supplier_items', () => rows.supplierItems(chunk)], ['change_items', () => rows.changeItems(chunk)],
      ],
    ];
    const runLane = async (lane: (typeof lanes)[number]) => {
      for (const [table, gen] of lane) {
        if (table === 'suppliers' && chunk.suppliers.length === 0) continue;
        counts[table] += await store.bulkInsert(table, [...COLUMNS[table]], Array.from(gen()));
      }
    };
    if (store.dialect === 'postgres') await Promise.all(lanes.map(runLane));
    else for (const lane of lanes) await runLane(lane);
  }

  await db
    .insertInto('sequences')
    .values({ workspace_id: workspaceId, name: ECO_SEQUENCE, value: plan.lastChangeNumber })
    .onConflict((oc) => oc.columns(['workspace_id', 'name']).doUpdateSet({ value: plan.lastChangeNumber }))
    .execute();

  if (store.dialect === 'postgres') {
    // Explicit ids do not advance serial sequences: move them past the seeded rows.
    for (const table of SEED_TABLES) {
      await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT MAX(id) FROM ${sql.table(table)}))`.execute(db);
    }
    await sql`ANALYZE ${sql.join(SEED_TABLES.map((t) => sql.table(t)))}`.execute(db);
  } else {
    await sql`ANALYZE`.execute(db);
  }

  return {
    workspaceId, counts, blobs: blobCount, topLevelAssemblies: plan.topLevelAssemblies, bomDepth: plan.bomDepth,
    lastChangeNumber: `ECO-${String(plan.lastChangeNumber).padStart(6, '0')}`,
  };
}

async function loadDefaults(store: Store, workspaceId: number): Promise<SeedDefaults> {
  const db = store.db;
  const [categories, phases, attributes] = await Promise.all([
    db.selectFrom('categories').select(['id', 'path']).where('workspace_id', '=', workspaceId).execute(),
    db.selectFrom('lifecycle_phases').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute(),
    db.selectFrom('attributes').select(['guid', 'world', 'name']).where('workspace_id', '=', workspaceId).execute(),
  ]);
  const categoryIds = new Map(categories.map((c) => [c.path, Number(c.id)]));
  const phaseIds = new Map(phases.map((p) => [p.name, Number(p.id)]));
  const attrGuids = new Map(attributes.map((a) => [`${a.world}|${a.name}`, a.guid]));
  const missing = (what: string): never => {
    throw new Error(`workspace ${workspaceId} lacks the default ${what}; create it with createWorkspace()`);
  };
  return {
    categoryId: (path) => categoryIds.get(path) ?? null,
    phaseId: (name) => phaseIds.get(name) ?? missing(`lifecycle phase "${name}"`),
    attrGuid: (world: AttributeWorld, name) => attrGuids.get(`${world}|${name}`) ?? missing(`${world} attribute "${name}"`),
  };
}

async function writeBlobs(blobs: BlobStore, editions: readonly PEdition[]): Promise<number> {
  const todo = editions.filter((e) => e.blobKey !== null && e.content !== null);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const e = todo[next++];
      await blobs.put(e.blobKey!, e.content!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, todo.length) }, worker));
  return todo.length;
}
