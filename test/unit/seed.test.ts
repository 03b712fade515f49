import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { DirectoryBlobStore } from '../../src/blobs/directory-blob-store.js';
import { newGuid } from '../../src/domain/ids.js';
import { zulu } from '../../src/domain/time.js';
import { DEFAULT_CATEGORIES, DEFAULT_LIFECYCLE_PHASES, createWorkspace } from '../../src/domain/workspace-defaults.js';
import { ECO_SEQUENCE, type SeedSummary, countRefDes, expandRefDes, formatRefDes, seedWorkspace } from '../../src/store/seed/index.js';
import { zuluMs } from '../../src/store/seed/random.js';
import type { DB } from '../../src/store/schema.js';
import { Store } from '../../src/store/store.js';

/** Seeds the suites check: one planned in a single chunk, and one planned in three chunks (small ones). */
const SHAPES = [
  { label: 'one chunk', items: 300, topsPerChunk: undefined },
  { label: 'three chunks', items: 600, topsPerChunk: 2 },
] as const;
type Shape = (typeof SHAPES)[number];
const SEED_TABLES = [
  'items', 'item_revisions', 'bom_lines', 'bom_substitutes', 'files', 'item_files', 'suppliers', 'supplier_items',
  'supplier_item_files', 'sourcing', 'changes', 'change_items',
] as const satisfies ReadonlyArray<keyof DB>;

interface Seeded {
  dir: string;
  store: Store;
  blobs: DirectoryBlobStore;
  ws: number;
  userId: number;
  summary: SeedSummary;
}

const dirs: string[] = [];
const stores: Store[] = [];

async function openFresh(): Promise<Omit<Seeded, 'ws' | 'summary'>> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'plmx-seed-test-'));
  dirs.push(dir);
  const store = await Store.open({ dataDir: dir });
  stores.push(store);
  const blobs = new DirectoryBlobStore(path.join(dir, 'blobs'));
  const user = await store.db
    .insertInto('users')
    .values({ guid: newGuid(), email: 'demo@example.com', full_name: 'Demo User', password_hash: 'x', failed_logins: 0, locked_until: null, created_at: zulu() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { dir, store, blobs, userId: Number(user.id) };
}

async function seeded(shape: Shape): Promise<Seeded> {
  const s = await openFresh();
  const ws = await createWorkspace(s.store, 'Acme Robotics', 10_000);
  const summary = await seedWorkspace(s.store, s.blobs, ws, { items: shape.items, userId: s.userId, topsPerChunk: shape.topsPerChunk });
  return { ...s, ws, summary };
}

function all(s: Seeded, table: keyof DB): Promise<Array<Record<string, any>>> {
  return (s.store.db as unknown as Kysely<any>).selectFrom(table).selectAll().orderBy('id').execute();
}

/** Rows with `attrs` keyed by attribute name: attribute GUIDs are random per workspace. */
async function comparable(s: Seeded, table: (typeof SEED_TABLES)[number]): Promise<Array<Record<string, any>>> {
  const attrs = await s.store.db.selectFrom('attributes').select(['guid', 'name']).where('workspace_id', '=', s.ws).execute();
  const names = new Map(attrs.map((a) => [a.guid, a.name]));
  return (await all(s, table)).map((r) => (typeof r.attrs === 'string'
    ? { ...r, attrs: Object.fromEntries(Object.entries(JSON.parse(r.attrs)).map(([k, v]) => [names.get(k) ?? `?${k}`, v])) }
    : r));
}

async function readBlob(blobs: DirectoryBlobStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of blobs.createReadStream(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

after(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) await fs.promises.rm(d, { recursive: true, force: true });
});

describe('ref-des helpers', () => {
  it('formats runs of three or more as ranges', () => {
    assert.equal(formatRefDes('R', [1, 2, 4, 5, 6, 7, 8, 9, 10]), 'R1,R2,R4-R10');
    assert.equal(formatRefDes('C', [3]), 'C3');
  });
  it('counts both range styles', () => {
    assert.equal(countRefDes('R1,R2,R4-R10'), 9);
    assert.equal(countRefDes('C15,C6,C10-12'), 5);
    assert.equal(countRefDes(null), 0);
    assert.throws(() => expandRefDes('R5-R2'));
  });
  it('zuluMs matches zulu', () => {
    for (const ms of [0, 1_640_995_200_000, 1_640_995_200_999, 1_700_000_123_456, 1_577_836_799_000]) {
      assert.equal(zuluMs(ms), zulu(new Date(ms)));
    }
  });
});

describe('createWorkspace', () => {
  let s: Omit<Seeded, 'ws' | 'summary'>;
  let ws: number;
  before(async () => {
    s = await openFresh();
    ws = await createWorkspace(s.store, 'Defaults', 500);
  });

  it('inserts the workspace and the default lifecycle phases in order', async () => {
    const row = await s.store.db.selectFrom('workspaces').selectAll().where('id', '=', ws).executeTakeFirstOrThrow();
    assert.equal(row.name, 'Defaults');
    assert.equal(row.request_limit, 500);
    const phases = await s.store.db.selectFrom('lifecycle_phases').selectAll().where('workspace_id', '=', ws).orderBy('display_order').execute();
    assert.deepEqual(phases.map((p) => [p.name, p.stage, p.display_order]), DEFAULT_LIFECYCLE_PHASES.map((p, i) => [p.name, p.stage, i + 1]));
    assert.ok(phases.every((p) => p.short_name.length > 0 && p.active === 1));
  });

  it('builds category trees whose parents match their paths', async () => {
    const cats = await s.store.db.selectFrom('categories').selectAll().where('workspace_id', '=', ws).execute();
    const byId = new Map(cats.map((c) => [c.id, c]));
    for (const world of ['ITEM', 'CHANGE', 'FILE'] as const) {
      assert.deepEqual(cats.filter((c) => c.world === world).map((c) => c.path).sort(), [...DEFAULT_CATEGORIES[world]].sort());
    }
    for (const c of cats) {
      const parentPath = c.path.slice(0, c.path.lastIndexOf('\\'));
      assert.equal(c.name, c.path.slice(c.path.lastIndexOf('\\') + 1));
      if (c.parent_id === null) assert.ok(!parentPath.includes('\\'), `${c.path} should have a parent`);
      else assert.equal(byId.get(c.parent_id)!.path, parentPath);
    }
    for (const p of ['Item\\Assembly', 'Item\\Part\\Electrical\\Resistor', 'Item\\Part\\Mechanical', 'Item\\Document', 'Item\\Software', 'Change\\Change Order\\Engineering Change Order']) {
      assert.ok(cats.some((c) => c.path === p), p);
    }
  });

  it('defines custom attributes of several field types', async () => {
    const attrs = await s.store.db.selectFrom('attributes').selectAll().where('workspace_id', '=', ws).execute();
    const get = (world: string, name: string) => attrs.find((a) => a.world === world && a.name === name)!;
    assert.equal(get('ITEM', 'Tolerance').field_type, 'SINGLE_LINE_TEXT');
    assert.equal(get('ITEM', 'Weight (g)').field_type, 'NUMBER');
    assert.equal(get('ITEM', 'Compliance').multi_select, 1);
    assert.ok(JSON.parse(get('ITEM', 'RoHS Status').possible_values!).includes('Compliant'));
    assert.equal(get('ITEM', 'Date Zero').field_type, 'DATE');
    assert.equal(get('ITEM', 'Critical Part').field_type, 'BOOLEAN');
    assert.equal(get('ITEM', 'Assembly Notes').field_type, 'MULTI_LINE_TEXT');
    assert.equal(get('BOM', 'Mount Type').field_type, 'FIXED_DROP_DOWN');
    assert.ok(get('SUPPLIER_ITEM', 'Lead Time (days)'));
    assert.ok(get('SUPPLIER', 'Supplier Tier'));
  });
});

for (const shape of SHAPES) describe(`seedWorkspace, ${shape.label}`, () => {
  const N = shape.items;
  let s: Seeded;
  let items: Array<Record<string, any>>;
  let revs: Array<Record<string, any>>;
  let lines: Array<Record<string, any>>;
  let revById: Map<number, Record<string, any>>;

  before(async () => {
    s = await seeded(shape);
    items = await all(s, 'items');
    revs = await all(s, 'item_revisions');
    lines = await all(s, 'bom_lines');
    revById = new Map(revs.map((r) => [r.id, r]));
  });

  it('is deterministic for a given size', async () => {
    const other = await seeded(shape);
    assert.deepEqual(other.summary, s.summary);
    for (const table of SEED_TABLES) {
      const [a, b] = [await comparable(s, table), await comparable(other, table)];
      assert.deepEqual(b, a, `table ${table} differs`);
    }
  });

  it('reports counts that match the tables', async () => {
    assert.equal(s.summary.counts.items, N);
    for (const table of SEED_TABLES) {
      const rows = await all(s, table);
      assert.equal(rows.length, s.summary.counts[table], table);
      assert.ok(rows.length > 0, `${table} is empty`);
      assert.ok(rows.every((r) => r.workspace_id === s.ws));
    }
    assert.ok(s.summary.topLevelAssemblies >= 2);
    assert.ok(s.summary.bomDepth >= 4);
  });

  it('numbers items like 100-000123 and 900-000045', () => {
    assert.ok(items.every((i) => /^\d{3}-\d{6}$/.test(i.number)));
    assert.ok(items.some((i) => i.number.startsWith('100-')));
    assert.ok(items.some((i) => i.number.startsWith('900-')));
    assert.equal(new Set(items.map((i) => i.number)).size, items.length);
    const names = new Set(revs.map((r) => r.name));
    assert.ok([...names].some((n) => /^Resistor \S+ \d{4} /.test(n)), 'resistor names');
    assert.ok([...names].some((n) => /^Capacitor \S+F \d{4} /.test(n)), 'capacitor names');
  });

  it('keeps revision statuses consistent', () => {
    const byItem = new Map<number, Array<Record<string, any>>>();
    for (const r of revs) {
      if (!byItem.has(r.item_id)) byItem.set(r.item_id, []);
      byItem.get(r.item_id)!.push(r);
    }
    const shapes = new Set<string>();
    for (const item of items) {
      const list = byItem.get(item.id)!;
      assert.ok(item.latest_rev_id !== null, `${item.number} has no latest revision`);
      const eff = list.filter((r) => r.revision_status === 'EFFECTIVE');
      const work = list.filter((r) => r.revision_status === 'WORKING');
      const sup = list.filter((r) => r.revision_status === 'SUPERSEDED');
      assert.ok(eff.length <= 1 && work.length <= 1);
      assert.equal(eff.length + work.length + sup.length, list.length);
      assert.equal(item.latest_rev_id, (eff[0] ?? work[0]).id);
      assert.equal(item.working_rev_id, work[0]?.id ?? null);
      if (sup.length > 0) assert.equal(eff.length, 1, 'superseded implies effective');
      for (const w of work) {
        assert.equal(w.revision_number, null);
        assert.equal(w.effective_at, null);
        assert.equal(w.change_id, null);
      }
      const released = [...sup, ...eff].sort((a, b) => a.id - b.id);
      released.forEach((r, i) => {
        assert.equal(r.revision_number, String.fromCharCode(65 + i));
        assert.ok(r.effective_at && r.change_id, `${item.number} ${r.revision_number} lacks release data`);
        assert.ok(r.created_at < r.effective_at, `${item.number} ${r.revision_number} effective before created`);
        if (r.revision_status === 'SUPERSEDED') {
          assert.equal(r.superseded_at, released[i + 1].effective_at);
          assert.ok(r.effective_at < r.superseded_at);
        }
        else assert.equal(r.superseded_at, null);
      });
      for (const w of work) if (released.length > 0) assert.ok(w.created_at > released[released.length - 1].effective_at);
      shapes.add(`${sup.length > 0 ? 'S' : ''}${eff.length > 0 ? 'E' : ''}${work.length > 0 ? 'W' : ''}`);
    }
    for (const shape of ['W', 'E', 'EW', 'SE', 'SEW']) assert.ok(shapes.has(shape), `no item shaped ${shape}`);
    assert.ok(revs.some((r) => r.modified_bom === 1));
    assert.ok(revs.some((r) => r.modified_specs === 1));
    assert.ok(revs.some((r) => r.owner_id === null) && revs.some((r) => r.owner_id === s.userId));
    for (const r of revs) {
      assert.equal(r.creator_id, s.userId);
      assert.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(r.created_at));
    }
  });

  it('stores custom attribute values keyed by attribute GUID with typed values', async () => {
    const attrs = await s.store.db.selectFrom('attributes').selectAll().where('workspace_id', '=', s.ws).execute();
    const byGuid = new Map(attrs.map((a) => [a.guid, a]));
    const seen = new Set<string>();
    for (const r of revs) {
      if (!r.attrs) continue;
      for (const [guid, value] of Object.entries(JSON.parse(r.attrs) as Record<string, unknown>)) {
        const a = byGuid.get(guid);
        assert.ok(a && a.world === 'ITEM', `unknown attribute ${guid}`);
        seen.add(a.field_type + (a.multi_select ? '*' : ''));
        switch (a.field_type) {
          case 'NUMBER': assert.equal(typeof value, 'number'); break;
          case 'BOOLEAN': assert.equal(typeof value, 'boolean'); break;
          case 'DATE': assert.match(value as string, /^\d{4}-\d\d-\d\dT00:00:00Z$/); break;
          case 'FIXED_DROP_DOWN': {
            const allowed = JSON.parse(a.possible_values!) as string[];
            if (a.multi_select) assert.ok(Array.isArray(value) && value.every((v) => allowed.includes(v)));
            else assert.ok(allowed.includes(value as string));
            break;
          }
          default: assert.equal(typeof value, 'string');
        }
      }
    }
    for (const t of ['SINGLE_LINE_TEXT', 'NUMBER', 'FIXED_DROP_DOWN', 'FIXED_DROP_DOWN*', 'DATE', 'BOOLEAN', 'MULTI_LINE_TEXT']) assert.ok(seen.has(t), t);
    const mount = attrs.find((a) => a.world === 'BOM')!;
    assert.ok(lines.some((l) => l.attrs && JSON.parse(l.attrs)[mount.guid] === 'SMT'));
    const si = await all(s, 'supplier_items');
    assert.ok(si.some((x) => x.attrs && typeof JSON.parse(x.attrs as string)[attrs.find((a) => a.world === 'SUPPLIER_ITEM')!.guid] === 'number'));
  });

  it('builds multi-level, acyclic BOMs at least 4 levels deep with shared sub-assemblies', () => {
    const itemById = new Map(items.map((i) => [i.id, i]));
    const children = new Map<number, number[]>();
    const parentsOf = new Map<number, Set<number>>();
    for (const l of lines) {
      const parentItem = revById.get(l.parent_rev_id)!.item_id;
      assert.ok(itemById.has(l.child_item_id), 'child_item_id points at an item');
      assert.notEqual(parentItem, l.child_item_id);
      if (!parentsOf.has(l.child_item_id)) parentsOf.set(l.child_item_id, new Set());
      parentsOf.get(l.child_item_id)!.add(parentItem);
      if (itemById.get(parentItem)!.latest_rev_id !== l.parent_rev_id) continue;
      if (!children.has(parentItem)) children.set(parentItem, []);
      children.get(parentItem)!.push(l.child_item_id);
    }
    // acyclic over every revision's lines, and depth over the latest revisions
    const state = new Map<number, 1 | 2>();
    const visit = (id: number, edges: Map<number, Set<number>>) => {
      state.set(id, 1);
      for (const c of edges.get(id) ?? []) {
        assert.notEqual(state.get(c), 1, 'BOM cycle');
        if (!state.has(c)) visit(c, edges);
      }
      state.set(id, 2);
    };
    const anyRevision = new Map<number, Set<number>>();
    for (const [child, parents] of parentsOf) for (const p of parents) {
      if (!anyRevision.has(p)) anyRevision.set(p, new Set());
      anyRevision.get(p)!.add(child);
    }
    for (const id of anyRevision.keys()) if (!state.has(id)) visit(id, anyRevision);
    const depth = (id: number): number => 1 + Math.max(0, ...(children.get(id) ?? []).map((c) => (children.has(c) ? depth(c) : 1)));
    const tops = [...children.keys()].filter((id) => !parentsOf.has(id));
    assert.equal(tops.length, s.summary.topLevelAssemblies);
    const maxLevels = Math.max(...tops.map(depth)) - 1;
    assert.ok(maxLevels >= 4, `BOM depth ${maxLevels}`);
    const sharedAssemblies = [...parentsOf].filter(([c, p]) => children.has(c) && p.size >= 2);
    assert.ok(sharedAssemblies.length > 0, 'no shared sub-assembly');
  });

  it('shares parts between the chunks of a large seed', { skip: shape.topsPerChunk === undefined ? 'one chunk' : false }, () => {
    // A chunk numbers its parts first and its top-level assemblies last: the first run of top-level
    // assemblies in id order ends the first chunk.
    const itemIdOf = (revId: number) => revById.get(revId)!.item_id as number;
    const children = new Set(lines.map((l) => l.child_item_id as number));
    const parents = new Set(lines.map((l) => itemIdOf(l.parent_rev_id)));
    const isTop = (i: Record<string, any>) => parents.has(i.id) && !children.has(i.id);
    const firstTop = items.findIndex(isTop);
    let end = firstTop;
    while (end + 1 < items.length && isTop(items[end + 1])) end++;
    const lastOfFirst = items[end].id as number;
    assert.ok(lastOfFirst < items[items.length - 1].id, 'more than one chunk');
    const parts = new Set(items.filter((i) => /^[12]00-/.test(i.number)).map((i) => i.id as number));
    const shared = lines.filter((l) => itemIdOf(l.parent_rev_id) > lastOfFirst && parts.has(l.child_item_id) && l.child_item_id <= lastOfFirst);
    assert.ok(shared.length > 0, 'later chunks use parts of the first');
    // ... which are released, as a released assembly needs its children released
    const released = new Set(revs.filter((r) => r.revision_status !== 'WORKING').map((r) => r.item_id as number));
    assert.ok(shared.every((l) => released.has(l.child_item_id)));
  });

  it('matches ref-des counts to quantities and numbers lines', () => {
    let withRefDes = 0;
    const byRev = new Map<number, Set<string>>();
    for (const l of lines) {
      assert.ok(l.quantity > 0);
      if (l.ref_des) {
        withRefDes++;
        assert.equal(countRefDes(l.ref_des), l.quantity, `${l.ref_des} vs ${l.quantity}`);
        const seen = byRev.get(l.parent_rev_id) ?? new Set<string>();
        for (const d of expandRefDes(l.ref_des)) {
          assert.ok(!seen.has(d), `duplicate ${d}`);
          seen.add(d);
        }
        byRev.set(l.parent_rev_id, seen);
      }
    }
    assert.ok(withRefDes > 50);
    assert.ok(lines.some((l) => /,.*-/.test(l.ref_des ?? '')), 'a ref-des with a list and a range');
    assert.ok(lines.some((l) => l.line_number === null) && lines.some((l) => l.line_number !== null));
    assert.ok(lines.some((l) => l.notes));
    assert.ok(lines.some((l) => !Number.isInteger(l.quantity)), 'fractional quantities (wire, adhesive)');
    // lines exist on effective and working revisions, and a modified working BOM differs from the effective one
    const statuses = new Set(lines.map((l) => revById.get(l.parent_rev_id)!.revision_status));
    assert.ok(statuses.has('EFFECTIVE') && statuses.has('WORKING'));
    const modified = revs.find((r) => r.modified_bom === 1)!;
    const eff = revs.find((r) => r.item_id === modified.item_id && r.revision_status === 'EFFECTIVE')!;
    const count = (revId: number) => lines.filter((l) => l.parent_rev_id === revId).length;
    assert.equal(count(modified.id), count(eff.id) + 1);
  });

  it('adds substitutes to some lines', async () => {
    const subs = await all(s, 'bom_substitutes');
    const lineById = new Map(lines.map((l) => [l.id, l]));
    assert.ok(subs.length > 0);
    for (const sub of subs) {
      const line = lineById.get(sub.bom_line_id as number)!;
      assert.ok(line, 'substitute on a seeded line');
      assert.notEqual(sub.item_id, line.child_item_id);
      assert.ok((sub.rank as number) >= 1);
    }
  });

  it('sources parts with AML ranks, vendors and make items', async () => {
    const sourcing = await all(s, 'sourcing');
    const suppliers = await all(s, 'suppliers');
    const si = await all(s, 'supplier_items');
    assert.deepEqual(new Set(suppliers.map((x) => x.approval_status)), new Set(['approved', 'unrated', 'disapproved']));
    assert.deepEqual(new Set(si.map((x) => x.type)), new Set(['PART', 'PROCESS', 'DOCUMENT']));
    const ranks = new Map<number, number[]>();
    for (const r of sourcing) {
      if (r.make_item === 1) {
        assert.equal(r.vendor_item_conversion_factor, null);
        assert.equal(r.mfr_item_id, null);
      }
      if (r.aml_rank !== null) {
        assert.equal(r.approved, 1, 'ranked rows are approved');
        ranks.set(r.rev_id as number, [...(ranks.get(r.rev_id as number) ?? []), r.aml_rank as number]);
      }
    }
    for (const list of ranks.values()) assert.deepEqual([...list].sort(), list.map((_, i) => i + 1));
    assert.ok(sourcing.some((r) => r.make_item === 1));
    assert.ok(sourcing.some((r) => r.approved === 0));
    assert.ok(sourcing.some((r) => r.vendor_item_id !== null && r.mfr_item_id !== null));
    assert.ok(sourcing.some((r) => r.vendor_item_id !== null && r.mfr_item_id === null));
    assert.ok(sourcing.some((r) => r.aml_split === 70));
    assert.ok([...ranks.values()].some((l) => l.length >= 2));
  });

  it('stores files with editions and readable contents', async () => {
    const files = await all(s, 'files');
    const byNumber = new Map<string, Array<Record<string, any>>>();
    for (const f of files) byNumber.set(f.number as string, [...(byNumber.get(f.number as string) ?? []), f]);
    for (const [number, eds] of byNumber) {
      const latest = eds.filter((e) => e.latest === 1);
      assert.equal(latest.length, 1, `${number} latest editions`);
      assert.equal(latest[0].edition, String(eds.length));
    }
    assert.ok([...byNumber.values()].some((e) => e.length >= 2), 'a file with several editions');
    assert.deepEqual(new Set(files.map((f) => f.storage_method)), new Set(['FILE', 'WEB', 'PLACE_HOLDER']));
    let read = 0;
    for (const f of files) {
      if (f.storage_method === 'FILE') {
        assert.equal(f.blob_key, `files/${f.guid}`);
        const body = await readBlob(s.blobs, f.blob_key as string);
        assert.equal(body.length, f.size);
        assert.ok(body.length > 100);
        if (f.format === 'pdf') assert.ok(body.subarray(0, 8).toString() === '%PDF-1.4' && body.toString().trimEnd().endsWith('%%EOF'));
        read++;
      } else {
        assert.equal(f.blob_key, null);
        assert.equal(f.name, null);
        if (f.storage_method === 'WEB') assert.match(f.location as string, /^https:\/\//);
      }
    }
    assert.equal(read, s.summary.blobs);
    const assoc = await all(s, 'item_files');
    assert.deepEqual(new Set(assoc.map((a) => a.primary)), new Set([0, 1]));
    assert.deepEqual(new Set(assoc.map((a) => a.latest_edition_association)), new Set([0, 1]));
    const fileById = new Map(files.map((f) => [f.id, f]));
    for (const a of assoc) if (a.latest_edition_association === 1) assert.equal(fileById.get(a.file_id)!.latest, 1);
    const sif = await all(s, 'supplier_item_files');
    assert.ok(sif.length > 0 && sif.every((x) => fileById.has(x.file_id)));
  });

  it('links changes to the revisions they release and continues the ECO sequence', async () => {
    const changes = await all(s, 'changes');
    const changeItems = await all(s, 'change_items');
    changes.forEach((c, i) => assert.equal(c.number, `ECO-${String(i + 1).padStart(6, '0')}`));
    assert.equal(s.summary.lastChangeNumber, changes[changes.length - 1].number);
    const seq = await s.store.db.selectFrom('sequences').select('value').where('workspace_id', '=', s.ws).where('name', '=', ECO_SEQUENCE).executeTakeFirstOrThrow();
    assert.equal(seq.value, changes.length);
    assert.equal(await s.store.nextSequence(s.ws, ECO_SEQUENCE), changes.length + 1);
    const eco = await s.store.db.selectFrom('categories').select('id').where('workspace_id', '=', s.ws).where('path', '=', 'Change\\Change Order\\Engineering Change Order').executeTakeFirstOrThrow();
    const byChange = new Map(changes.map((c) => [c.id, c]));
    for (const ci of changeItems) {
      const c = byChange.get(ci.change_id)!;
      const r = revById.get(ci.rev_id as number)!;
      if (c.lifecycle_status === 'EFFECTIVE') {
        assert.equal(r.change_id, c.id);
        assert.equal(r.effective_at, c.effective_at);
      } else {
        assert.equal(r.revision_status, 'WORKING');
      }
    }
    for (const r of revs) if (r.change_id !== null) assert.ok(changeItems.some((ci) => ci.rev_id === r.id && ci.change_id === r.change_id));
    assert.ok(changes.every((c) => c.category_id === eco.id));
    assert.ok(changes.filter((c) => c.lifecycle_status === 'OPEN_AND_UNLOCKED').length >= 1);
    assert.ok(changes.some((c) => c.lifecycle_status === 'EFFECTIVE'));
  });

  it('seeds a second workspace without colliding and refuses to seed twice', async () => {
    const ws2 = await createWorkspace(s.store, 'Second', 10_000);
    const summary = await seedWorkspace(s.store, s.blobs, ws2, { items: 60, userId: s.userId });
    assert.equal(summary.counts.items, 60);
    const guids = await s.store.db.selectFrom('item_revisions').select(['guid', 'workspace_id']).execute();
    assert.equal(new Set(guids.map((g) => g.guid)).size, guids.length);
    // the first workspace is untouched
    const again = await s.store.db.selectFrom('items').select('id').where('workspace_id', '=', s.ws).execute();
    assert.equal(again.length, N);
    // new rows after a seed get fresh ids
    const next = await s.store.db.insertInto('changes').values({
      workspace_id: ws2, guid: newGuid(), number: 'ECO-X', title: 't', description: null, category_id: null, lifecycle_status: 'OPEN_AND_UNLOCKED',
      implementation_status: 'NOT_STARTED', effectivity_type: 'PERMANENT_ON_APPROVAL', creator_id: s.userId, created_at: zulu(), lifecycle_at: zulu(),
      submission_at: null, effective_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    assert.equal(next.id, s.summary.counts.changes + summary.counts.changes + 1);
    await assert.rejects(seedWorkspace(s.store, s.blobs, ws2, { items: 60, userId: s.userId }), /already has items/);
    await assert.rejects(seedWorkspace(s.store, s.blobs, ws2 + 1, { items: 60, userId: s.userId }), /does not exist/);
  });
});

const PG_URL = process.env.PLMX_DATABASE_URL;

describe('seedWorkspace on PostgreSQL', { skip: PG_URL ? false : 'PLMX_DATABASE_URL is not set' }, () => {
  const name = `plmx_seed_test_${randomBytes(6).toString('hex')}`;
  const databases: string[] = [];
  const pgStores: Store[] = [];
  let admin: pg.Client;

  before(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
  });

  after(async () => {
    for (const store of pgStores) await store.close();
    for (const db of databases) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  });

  SHAPES.forEach((shape, i) => it(`writes the same rows as SQLite and moves the id sequences past them (${shape.label})`, async () => {
    const database = `${name}_${i}`;
    await admin.query(`CREATE DATABASE ${database}`);
    databases.push(database);
    const url = new URL(PG_URL!);
    url.pathname = `/${database}`;
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'plmx-seed-test-'));
    dirs.push(dir);
    const store = await Store.open({ databaseUrl: url.toString() });
    pgStores.push(store);
    const blobs = new DirectoryBlobStore(path.join(dir, 'blobs'));
    const user = await store.db
      .insertInto('users')
      .values({ guid: newGuid(), email: 'demo@example.com', full_name: 'Demo User', password_hash: 'x', failed_logins: 0, locked_until: null, created_at: zulu() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ws = await createWorkspace(store, 'Acme Robotics', 10_000);
    const summary = await seedWorkspace(store, blobs, ws, { items: shape.items, userId: Number(user.id), topsPerChunk: shape.topsPerChunk });
    const onPg: Seeded = { dir, store, blobs, ws, userId: Number(user.id), summary };
    const onSqlite = await seeded(shape);
    assert.deepEqual(summary, onSqlite.summary);
    for (const table of SEED_TABLES) {
      assert.deepEqual(await comparable(onPg, table), await comparable(onSqlite, table), `table ${table} differs`);
    }
    const next = await store.db.insertInto('changes').values({
      workspace_id: ws, guid: newGuid(), number: 'ECO-X', title: 't', description: null, category_id: null, lifecycle_status: 'OPEN_AND_UNLOCKED',
      implementation_status: 'NOT_STARTED', effectivity_type: 'PERMANENT_ON_APPROVAL', creator_id: Number(user.id), created_at: zulu(), lifecycle_at: zulu(),
      submission_at: null, effective_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    assert.equal(next.id, summary.counts.changes + 1);
  }));
});
