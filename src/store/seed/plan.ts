/**
 * The seed plan, one chunk at a time. A chunk is a block of top-level assemblies with everything below and
 * around them: sub-assemblies, parts, documents, software, revisions, the changes that released them,
 * sourcing and files. It is planned in memory, loaded, and dropped before the next one is planned, so a
 * seed of any size needs about the memory of one chunk (some 5,000 items).
 *
 * Chunks share little, all of it bounded or compact: the suppliers; a pool of common parts (the first
 * chunk's released parts, which later chunks' BOMs draw on besides their own); supplier items and
 * distributor links, found again by a hash of their number; datasheets (one file per series); and the
 * counters behind item, file and change numbers and the quotas of files with content.
 *
 * Pure and deterministic: the same size, workspace id and id offsets always give the same chunks. Rows are
 * produced from a chunk lazily by `rows.ts` (BOM lines, sourcing and file associations are expanded per
 * revision only there).
 */
import { seededGuid } from '../../domain/ids.js';
import {
  COMPLIANCE_VALUES, ROHS_STATUS_VALUES, type AttributeWorld,
} from '../../domain/workspace-defaults.js';
import {
  FAMILIES, FAMILY_WEIGHTS, POOLS, PROCESSES, PRODUCT_LINES, PRODUCT_TYPES, SUBASSEMBLY_NAMES, barePcb, bomQuantity,
  type FamilyKey, type PartDraft,
} from './catalog.js';
import { makeCsv, makePdf } from './content.js';
import { Rng, hash53, round, zuluMs } from './random.js';
import { formatRefDes } from './refdes.js';
import { SUPPLIERS, type SupplierDef } from './suppliers.js';

export const DAY = 86_400_000;
/** All seeded dates lie between BASE_MS and BASE_MS + SPAN_DAYS. */
export const BASE_MS = Date.UTC(2022, 0, 1);
export const SPAN_DAYS = 1300;
const RELEASE_LIMIT = SPAN_DAYS - 15;
const REVS_PER_CHANGE = 40;
/** The smallest workspace the generator can shape (4 assembly levels, pools for every family). */
export const MIN_ITEMS = 50;
/** Top-level assemblies per chunk (a chunk holds about a hundred times as many items). */
const TOPS_PER_CHUNK = 50;
/** How often a later chunk's BOMs take a part from the shared pool rather than from the chunk's own parts. */
const POOL_SHARE = 0.35;

export type SeedTable =
  | 'items' | 'item_revisions' | 'bom_lines' | 'bom_substitutes' | 'files' | 'item_files' | 'suppliers'
  | 'supplier_items' | 'supplier_item_files' | 'sourcing' | 'changes' | 'change_items';

export const SEED_TABLES: readonly SeedTable[] = [
  'suppliers', 'supplier_items', 'changes', 'items', 'item_revisions', 'bom_lines', 'bom_substitutes', 'files',
  'item_files', 'supplier_item_files', 'sourcing', 'change_items',
];

/** The workspace defaults the seed refers to, resolved to ids and GUIDs. */
export interface SeedDefaults {
  categoryId(path: string): number | null;
  phaseId(name: string): number;
  attrGuid(world: AttributeWorld, name: string): string;
}

export interface PlanOptions {
  items: number;
  workspaceId: number;
  userId: number;
  defaults: SeedDefaults;
  /** first id to use in each table */
  firstId: Record<SeedTable, number>;
  /** first change number to use (1 for a workspace without changes) */
  firstChangeNumber: number;
  /** top-level assemblies per chunk (default TOPS_PER_CHUNK; tests split small seeds with a few) */
  topsPerChunk?: number;
}

export type ItemKind = 'part' | 'assembly' | 'document' | 'software';
export type AsmType = 'top' | 'pcb' | 'mech' | 'cable';
type Pattern = 'W' | 'E' | 'EW' | 'SE' | 'SEW' | 'SSE';
export type RevStatus = 'WORKING' | 'EFFECTIVE' | 'SUPERSEDED';
export type SupplierItemType = 'PART' | 'PROCESS' | 'DOCUMENT';

export interface PItem {
  id: number;
  number: string;
  kind: ItemKind;
  /** 0..3 for assemblies (0 = top level), 4 for everything else */
  level: number;
  asmType: AsmType | null;
  name: string;
  description: string;
  categoryId: number | null;
  uom: string;
  procurement: string | null;
  ownerId: number | null;
  /** production, prototype, target, target price, standard */
  costs: Array<number | null>;
  attrs: string | null;
  /** attrs of a working revision with modified specs */
  attrsModified: string | null;
  shared: boolean;
  draft: PartDraft | null;
  pattern: Pattern;
  createdDay: number;
  releaseDays: number[];
  revs: PRev[];
  /** BOM of the effective revision (assemblies) */
  lines: PLine[];
  /** the line a working revision with a modified BOM adds */
  extraLine: PLine | null;
  numbering: 'auto' | 'one' | 'ten';
  sourcing: PSource[];
  files: PAssoc[];
  /** the edition of the extra file of a working revision with modified files */
  redline: number | null;
  productName: string | null;
}

export interface PRev {
  id: number;
  guid: string;
  item: PItem;
  seq: number;
  status: RevStatus;
  revNo: string | null;
  phaseId: number;
  createdMs: number;
  effMs: number | null;
  supMs: number | null;
  change: PChange | null;
  /** superseded revisions lack this many of the last part lines of the effective BOM */
  drop: number;
  modBom: boolean;
  modFiles: boolean;
  modSourcing: boolean;
  modSpecs: boolean;
  modCosting: boolean;
  deviated: boolean;
}

export interface PLine {
  child: PItem;
  /** position in the effective BOM (line numbers derive from it) */
  index: number;
  qty: number;
  refDes: string | null;
  notes: string | null;
  mount: string | null;
  subs: PItem[];
  /** a plain part line (superseded revisions may lack it) */
  droppable: boolean;
  /** a working revision with a modified BOM changes its quantity */
  adjustable: boolean;
}

export interface PSupplier {
  id: number;
  guid: string;
  def: SupplierDef;
  code: string;
  account: string | null;
  createdMs: number;
  attrs: string;
}

/** A supplier item as sourcing refers to it; it may have been created (and loaded) by an earlier chunk. */
export interface SiRef {
  id: number;
  type: SupplierItemType;
}

export interface PSupplierItem extends SiRef {
  guid: string;
  supplier: PSupplier;
  number: string;
  name: string;
  description: string;
  uom: string;
  procurement: string;
  createdMs: number;
  attrs: string | null;
  /** datasheet series of a manufacturer part */
  series: string | null;
  /** the latest edition of its datasheet */
  datasheet: number | null;
}

export interface PSource {
  mfr: SiRef | null;
  vendor: SiRef | null;
  approved: boolean;
  rank: number | null;
  split: number | null;
  make: boolean;
  factor: number | null;
  notes: string | null;
  activeProduction: boolean;
  activePrototype: boolean;
}

export interface PFile {
  number: string;
  editions: PEdition[];
}

export interface PEdition {
  id: number;
  guid: string;
  /** the file number, shared by all editions */
  number: string;
  edition: string;
  name: string | null;
  title: string;
  description: string | null;
  format: string | null;
  mime: string | null;
  size: number;
  categoryId: number | null;
  storage: 'FILE' | 'WEB' | 'PLACE_HOLDER';
  location: string | null;
  latest: boolean;
  private: boolean;
  hasMarkup: boolean;
  createdMs: number;
  modifiedMs: number;
  blobKey: string | null;
  content: string | null;
}

export interface PAssoc {
  /** edition ids of the file, oldest first (the file may belong to an earlier chunk) */
  editions: readonly number[];
  primary: boolean;
  /** superseded revisions keep the edition of their time instead of following the latest */
  pinned: boolean;
}

export interface PChange {
  id: number;
  guid: string;
  number: string;
  title: string;
  description: string;
  categoryId: number | null;
  status: string;
  implementation: string;
  effectivity: string;
  createdMs: number;
  lifecycleMs: number;
  submissionMs: number | null;
  effMs: number | null;
  revs: PRev[];
}

/** What one chunk adds to the workspace; loaded as a whole before the next chunk is planned. */
export interface Chunk {
  index: number;
  items: PItem[];
  /** all suppliers, with the first chunk */
  suppliers: PSupplier[];
  /** supplier items first used by this chunk */
  supplierItems: PSupplierItem[];
  /** file editions first used by this chunk */
  editions: PEdition[];
  changes: PChange[];
}

export interface SeedPlan {
  readonly workspaceId: number;
  readonly userId: number;
  readonly firstId: Readonly<Record<SeedTable, number>>;
  /** the next id of each table; `rows.ts` takes the ids of the rows it expands from here too */
  readonly nextId: Record<SeedTable, number>;
  readonly mountGuid: string;
  readonly chunkCount: number;
  readonly topLevelAssemblies: number;
  /** BOM levels below the deepest top-level assembly planned so far */
  readonly bomDepth: number;
  /** the last change number used so far */
  readonly lastChangeNumber: number;
  /** Plans the chunks in order. Load each one before asking for the next: ids continue from it. */
  chunks(): Generator<Chunk>;
}

const DOC_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['Quick Start Guide', 'Item\\Document\\Manual'], ['User Manual', 'Item\\Document\\Manual'],
  ['Product Specification', 'Item\\Document\\Specification'], ['Assembly Instructions', 'Item\\Document\\Procedure'],
  ['Test Procedure', 'Item\\Document\\Procedure'], ['Packaging Specification', 'Item\\Document\\Specification'],
  ['Label Artwork', 'Item\\Document\\Specification'],
];
const SOFTWARE_KINDS = ['Firmware, Main Controller', 'Bootloader', 'FPGA Bitstream, Motor Control', 'Firmware, Radio Module', 'Firmware, Power Manager', 'Application Software, Configuration Tool'];
const LINE_NOTES: Readonly<Record<AsmType, readonly string[]>> = {
  pcb: ['Do not populate on prototype builds', 'Hand solder after reflow', 'Polarity sensitive: check orientation', 'Apply conformal coating after placement', 'Matched pair, same reel', 'Place after wave solder'],
  mech: ['Torque to 0.6 Nm', 'Apply threadlocker', 'Install before front panel', 'Orientation per drawing view B', 'Deburr before assembly'],
  cable: ['Crimp per IPC/WHMA-A-620 Class 2', 'Label 20 mm from connector', 'Twist pairs 1 turn per 25 mm', 'Cut to length per drawing'],
  top: ['Program and test before installation', 'Use ESD precautions', 'Install last', 'Include in shipping box'],
};
const ASSEMBLY_NOTES = [
  'Torque all M3 screws to 0.6 Nm.', 'Apply threadlocker to standoffs.', 'Inspect solder joints per IPC-A-610 Class 2.',
  'Route cables away from heat sink.', 'Verify firmware version before sealing.', 'Perform hi-pot test at 1500 VAC.',
  'Clean with IPA before applying labels.', 'Handle boards with ESD protection only.',
];
const DISTRIBUTORS: ReadonlyArray<readonly [string, number]> = [['digikey', 40], ['mouser', 35], ['arrow', 15], ['avnet', 10]];
const SPLITS: Readonly<Record<number, readonly number[]>> = { 1: [100], 2: [70, 30], 3: [60, 30, 10] };
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Rows in a block of seeded GUIDs with the same first three characters. */
const GUID_BLOCK = 256;
const guidSalts = new Map<string, number>();

/**
 * The GUID of the k-th row a seed adds to a table: `seededGuid` (deterministic, salted with the workspace)
 * with its first three characters replaced by a prefix that 256 consecutive rows share and the next block
 * does not (46,656 blocks, about 12 million rows, before a prefix comes round again). Inserting a block
 * then touches a few pages of the table's unique GUID index instead of a random page per row, which is
 * what made large seeds slow once the index outgrew the page cache.
 */
export function seedGuid(table: SeedTable, k: number, workspaceId: number): string {
  const key = `${table}|${workspaceId}`;
  let salt = guidSalts.get(key);
  if (salt === undefined) {
    salt = hash53(key) % 46_656;
    guidSalts.set(key, salt);
  }
  // 7919 is prime to 46,656 = 2^6 * 3^6, so consecutive blocks get distinct, scattered prefixes
  const p = (salt + Math.floor(k / GUID_BLOCK) * 7919) % 46_656;
  return ALPHABET[Math.floor(p / 1296)] + ALPHABET[Math.floor(p / 36) % 36] + ALPHABET[p % 36] + seededGuid(table, k, workspaceId).slice(3);
}

const SI_TYPES: readonly SupplierItemType[] = ['PART', 'PROCESS', 'DOCUMENT'];
const SUBSTITUTE_FAMILIES = new Set<FamilyKey>(['resistor', 'capacitor', 'diode', 'transistor', 'crystal', 'inductor', 'connector']);

/** Office hours, as an offset in ms within a day. */
function officeTime(rng: Rng): number {
  return rng.int(8 * 3600, 18 * 3600) * 1000;
}

function pad6(n: number): string {
  return String(n).padStart(6, '0');
}

/** Parts later chunks draw on, by family and by equivalence key. */
interface PartPool {
  byFamily: Map<FamilyKey, PItem[]>;
  bySubKey: Map<string, PItem[]>;
}

export function planSeed(opts: PlanOptions): SeedPlan {
  const { items: n, workspaceId: ws, userId, defaults } = opts;
  if (!Number.isInteger(n) || n < MIN_ITEMS) throw new RangeError(`seed size must be an integer >= ${MIN_ITEMS}, got ${n}`);
  const nextId = { ...opts.firstId };
  const take = (table: SeedTable) => nextId[table]++;
  const guid = (table: SeedTable, id: number) => seedGuid(table, id - opts.firstId[table], ws);

  const attrGuid = (name: string) => defaults.attrGuid('ITEM', name);
  const A = {
    tolerance: attrGuid('Tolerance'), weight: attrGuid('Weight (g)'), rohs: attrGuid('RoHS Status'),
    compliance: attrGuid('Compliance'), dateZero: attrGuid('Date Zero'), critical: attrGuid('Critical Part'),
    notes: attrGuid('Assembly Notes'),
  };
  const mountGuid = defaults.attrGuid('BOM', 'Mount Type');
  const leadTimeGuid = defaults.attrGuid('SUPPLIER_ITEM', 'Lead Time (days)');
  const tierGuid = defaults.attrGuid('SUPPLIER', 'Supplier Tier');
  const phase = (name: string) => defaults.phaseId(name);
  const cat = (p: string) => defaults.categoryId(p);

  // ---- sizes -------------------------------------------------------------------------------------
  const nAsm = Math.max(8, Math.round(n * 0.1));
  const nDoc = Math.max(2, Math.round(n * 0.015));
  const nSw = Math.max(2, Math.round(n * 0.01));
  const l0 = Math.max(2, Math.round(nAsm * 0.1));
  const l1 = Math.max(2, Math.round(nAsm * 0.25));
  const l2 = Math.max(2, Math.round(nAsm * 0.3));
  const l3 = nAsm - l0 - l1 - l2;
  if (l3 < 2) throw new RangeError(`seed size ${n} is too small`);
  const nParts = n - nAsm - nDoc - nSw;
  const topsPerChunk = opts.topsPerChunk ?? TOPS_PER_CHUNK;
  if (!Number.isInteger(topsPerChunk) || topsPerChunk < 1) throw new RangeError(`topsPerChunk must be a positive integer, got ${topsPerChunk}`);
  // every chunk gets two assemblies of each level, a document and a software item at least
  const chunkCount = Math.max(1, Math.min(Math.floor(l0 / topsPerChunk), Math.floor(l1 / 2), Math.floor(l2 / 2), Math.floor(l3 / 2), nDoc, nSw));
  /** chunk c's share of a total: the shares add up to it exactly */
  const share = (total: number, c: number) => Math.floor((total * (c + 1)) / chunkCount) - Math.floor((total * c) / chunkCount);

  // ---- suppliers: one set for the whole workspace -------------------------------------------------
  const supplierRng = Rng.of('plmx-seed', n, 'suppliers');
  const suppliers: PSupplier[] = SUPPLIERS.map((def, i) => {
    const id = take('suppliers');
    return {
      id, guid: guid('suppliers', id), def, code: `SUP-${pad6(i + 1)}`,
      account: def.approval === 'approved' ? `ACCT-${supplierRng.int(10000, 99999)}` : null,
      createdMs: BASE_MS - (120 - i) * DAY + officeTime(supplierRng), attrs: JSON.stringify({ [tierGuid]: def.tier }),
    };
  });
  const supplierByKey = new Map(suppliers.map((s) => [s.def.key, s]));
  const supplierIndex = new Map(SUPPLIERS.map((s, i) => [s.key, i]));

  // ---- state shared by the chunks ----------------------------------------------------------------
  /** hash of `supplier|number` -> id * 4 + type index, for supplier items that several items share */
  const knownSupplierItems = new Map<number, number>();
  /** datasheet series -> edition ids */
  const datasheets = new Map<string, number[]>();
  /** hash of a distributor catalogue number -> edition id of the link to its page */
  const vendorLinks = new Map<number, number>();
  // Files with content are bounded, whatever the size: past a quota, drawings become links to the vault.
  const quota = { datasheet: 400, custom: 500, fab: 300, asm: 700, pnp: 200, doc: 300, sw: 200 };
  let fileCount = 0;
  let changeNumber = opts.firstChangeNumber;
  const numberCounters = new Map<string, number>();
  const nameCounters = new Map<string, number>();
  let topsBefore = 0;
  let pool: PartPool | null = null;
  let bomDepth = 0;
  const endMs = BASE_MS + (SPAN_DAYS - 2) * DAY;
  const ecoCategory = cat('Change\\Change Order\\Engineering Change Order');

  /** Keeps of a loaded part what later chunks' BOM lines read (id, number, kind, draft, pattern, release days). */
  const makePool = (parts: readonly PItem[]): PartPool => {
    const byFamily = new Map<FamilyKey, PItem[]>();
    const bySubKey = new Map<string, PItem[]>();
    for (const p of parts) {
      p.draft = { ...p.draft!, name: '', description: '', mfrs: [] };
      p.name = '';
      p.description = '';
      p.costs = [];
      p.attrs = null;
      p.attrsModified = null;
      p.revs = [];
      p.sourcing = [];
      p.files = [];
      const d = p.draft;
      if (!byFamily.has(d.family)) byFamily.set(d.family, []);
      byFamily.get(d.family)!.push(p);
      if (!bySubKey.has(d.subKey)) bySubKey.set(d.subKey, []);
      bySubKey.get(d.subKey)!.push(p);
    }
    return { byFamily, bySubKey };
  };

  const planChunk = (c: number): Chunk => {
    const rng = Rng.of('plmx-seed', n, c);
    const blank = (kind: ItemKind, level: number): PItem => ({
      id: 0, number: '', kind, level, asmType: null, name: '', description: '', categoryId: null, uom: 'each',
      procurement: null, ownerId: null, costs: [null, null, null, null, null], attrs: null, attrsModified: null,
      shared: false, draft: null, pattern: 'E', createdDay: 0, releaseDays: [], revs: [], lines: [], extraLine: null,
      numbering: 'one', sourcing: [], files: [], redline: null, productName: null,
    });

    // ---- assemblies --------------------------------------------------------------------------------
    const levels: PItem[][] = [[], [], [], []];
    const products: string[] = [];
    for (const [level, count] of [[0, share(l0, c)], [1, share(l1, c)], [2, share(l2, c)], [3, share(l3, c)]] as const) {
      for (let i = 0; i < count; i++) {
        const a = blank('assembly', level);
        a.asmType = level === 0 ? 'top' : rng.weighted(level === 1 ? [['pcb', 50], ['mech', 30], ['cable', 20]] as const : level === 2 ? [['pcb', 40], ['mech', 35], ['cable', 25]] as const : [['pcb', 35], ['mech', 35], ['cable', 30]] as const);
        if (a.asmType === 'top') {
          const k = topsBefore + i;
          const product = `${PRODUCT_LINES[k % PRODUCT_LINES.length]} ${rng.pick(PRODUCT_TYPES)} ${rng.pick(['G2', 'X100', 'Pro', 'Mini', 'S', 'Plus', 'G3', 'XL'])}${k >= PRODUCT_LINES.length ? ` ${Math.floor(k / PRODUCT_LINES.length) + 1}` : ''}`;
          products.push(product);
          a.productName = product;
          a.name = `${product}, Final Assembly`;
          a.description = `Final assembly of the ${product}, including documentation and packaging`;
          a.categoryId = cat('Item\\Assembly\\Final Assembly');
          a.procurement = 'MTS';
        } else {
          const base = rng.pick(SUBASSEMBLY_NAMES[a.asmType]);
          const k = (nameCounters.get(base) ?? 100) + 1;
          nameCounters.set(base, k);
          const initials = base.replace(/[^A-Za-z ]/g, '').split(/\s+/).map((w) => w[0]).join('').toUpperCase();
          a.name = `${base}, ${initials}-${k}`;
          a.description = a.asmType === 'pcb'
            ? `Printed circuit board assembly, lead-free, IPC-A-610 Class ${rng.pick([2, 2, 3])}`
            : a.asmType === 'mech'
              ? `Mechanical assembly with mounting hardware, ${rng.pick(['aluminium', 'steel', 'ABS'])} construction`
              : `Cable assembly, UL1007 ${rng.pick([18, 20, 22, 24])} AWG, ${rng.int(5, 60) * 10} mm`;
          a.categoryId = cat(a.asmType === 'pcb' ? 'Item\\Assembly\\PCB Assembly' : a.asmType === 'mech' ? 'Item\\Assembly\\Mechanical Assembly' : 'Item\\Assembly\\Cable Assembly');
          a.procurement = 'MTS';
        }
        a.numbering = rng.weighted([['auto', 15], ['one', 45], ['ten', 40]] as const);
        levels[level].push(a);
      }
    }
    topsBefore += levels[0].length;
    const assemblies = levels.flat();
    const pcbAssemblies = assemblies.filter((a) => a.asmType === 'pcb');

    // ---- parts, documents, software ----------------------------------------------------------------
    const parts: PItem[] = [];
    const fromDraft = (d: PartDraft): PItem => {
      const p = blank('part', 4);
      p.draft = d;
      p.name = d.name;
      p.description = d.description;
      p.categoryId = cat(d.category);
      p.uom = d.uom;
      p.procurement = d.procurement;
      return p;
    };
    const regularParts = share(nParts, c) - pcbAssemblies.length;
    for (let i = 0; i < regularParts; i++) {
      parts.push(fromDraft(FAMILIES[rng.weighted(FAMILY_WEIGHTS)](rng)));
    }
    const barePcbOf = new Map<PItem, PItem>();
    for (const a of pcbAssemblies) {
      const p = fromDraft(barePcb(rng, a.name));
      barePcbOf.set(a, p);
      parts.push(p);
    }
    const docs: PItem[] = [];
    const docsOf = new Map<string, PItem[]>();
    const docCount = share(nDoc, c);
    for (let i = 0; i < docCount; i++) {
      const d = blank('document', 4);
      const [kind, category] = rng.pick(DOC_KINDS);
      const about = kind === 'Assembly Instructions' || kind === 'Test Procedure' ? rng.pick(assemblies).name : products[i % products.length];
      docsOf.set(about, [...(docsOf.get(about) ?? []), d]);
      d.name = `${kind}, ${about}`;
      d.description = `${kind} for the ${about}`;
      d.categoryId = cat(category);
      docs.push(d);
    }
    const software: PItem[] = [];
    const swCount = share(nSw, c);
    for (let i = 0; i < swCount; i++) {
      const s = blank('software', 4);
      const kind = rng.pick(SOFTWARE_KINDS);
      const version = `v${rng.int(1, 5)}.${rng.int(0, 12)}.${rng.int(0, 30)}`;
      s.name = `${kind} ${version}`;
      s.description = `${kind}, release ${version}, signed binary image`;
      s.categoryId = cat(kind.startsWith('Application') ? 'Item\\Software' : 'Item\\Software\\Firmware');
      software.push(s);
    }

    // ---- ids and numbers: parts first, then documents, software and assemblies bottom-up -----------
    const items = [...parts, ...docs, ...software, ...levels[3], ...levels[2], ...levels[1], ...levels[0]];
    for (const it of items) {
      it.id = take('items');
      const prefix = it.kind === 'assembly' ? '900' : it.kind === 'document' ? '500' : it.kind === 'software' ? '600' : it.draft!.electrical ? '100' : '200';
      const k = (numberCounters.get(prefix) ?? 0) + 1;
      numberCounters.set(prefix, k);
      it.number = `${prefix}-${pad6(k)}`;
      it.ownerId = rng.chance(0.9) ? userId : null;
    }

    // ---- BOM structure -----------------------------------------------------------------------------
    const byFamily = new Map<FamilyKey, PItem[]>();
    const bySubKey = new Map<string, PItem[]>();
    for (const p of parts) {
      const d = p.draft!;
      if (d.family === 'pcb') continue;
      if (!byFamily.has(d.family)) byFamily.set(d.family, []);
      byFamily.get(d.family)!.push(p);
      if (!bySubKey.has(d.subKey)) bySubKey.set(d.subKey, []);
      bySubKey.get(d.subKey)!.push(p);
    }
    const shared = pool;
    const equivalents = (key: string): PItem[] => {
      const own = bySubKey.get(key) ?? [];
      const common = shared?.bySubKey.get(key);
      return common ? [...own, ...common] : own;
    };
    const childSets = new Map<PItem, Set<PItem>>(assemblies.map((a) => [a, new Set<PItem>()]));
    const usedKeys = new Map<PItem, Set<string>>(assemblies.map((a) => [a, new Set<string>()]));
    const refCounters = new Map<PItem, Map<string, number>>(assemblies.map((a) => [a, new Map<string, number>()]));

    const allocRefDes = (asm: PItem, prefix: string, qty: number): string => {
      const counters = refCounters.get(asm)!;
      let next = counters.get(prefix) ?? 1;
      const numbers: number[] = [];
      for (let i = 0; i < qty; i++) {
        if (i > 0 && rng.chance(0.06)) next++;
        numbers.push(next++);
      }
      counters.set(prefix, next + (rng.chance(0.1) ? 1 : 0));
      return formatRefDes(prefix, numbers);
    };
    const makeLine = (asm: PItem, child: PItem, index: number): PLine => {
      const set = childSets.get(asm)!;
      set.add(child);
      if (child.draft) usedKeys.get(asm)!.add(child.draft.subKey);
      const line: PLine = { child, index, qty: 1, refDes: null, notes: null, mount: null, subs: [], droppable: false, adjustable: false };
      if (rng.chance(0.07)) line.notes = rng.pick(LINE_NOTES[asm.asmType!]);
      if (child.kind === 'assembly') {
        line.qty = child.asmType === 'cable' ? rng.int(1, 2) : rng.chance(0.1) ? 2 : 1;
        line.mount = rng.chance(0.5) ? 'Manual' : null;
        return line;
      }
      if (child.kind !== 'part') return line;
      const d = child.draft!;
      line.qty = d.family === 'pcb' ? 1 : bomQuantity(d.qty, rng);
      line.mount = d.mount;
      line.droppable = d.family !== 'pcb';
      line.adjustable = d.qty === 'fastener';
      if (d.refPrefix) line.refDes = allocRefDes(asm, d.refPrefix, line.qty);
      if (SUBSTITUTE_FAMILIES.has(d.family) && rng.chance(0.15)) {
        // an equivalent part: same value and package, another item number
        const same = equivalents(d.subKey);
        const count = rng.chance(0.3) ? 2 : 1;
        for (let attempt = 0; same.length > 1 && attempt < 6 && line.subs.length < count; attempt++) {
          const sub = rng.pick(same);
          if (sub !== child && !set.has(sub) && !line.subs.includes(sub)) line.subs.push(sub);
        }
      }
      return line;
    };
    const pickPart = (asm: PItem, kind: keyof typeof POOLS): PItem | null => {
      const set = childSets.get(asm)!;
      const keys = usedKeys.get(asm)!;
      for (let attempt = 0; attempt < 8; attempt++) {
        const family = rng.weighted(POOLS[kind]);
        // popular parts: the shared pool is skewed the same way, so some parts appear on BOMs of every chunk
        const list = (shared && rng.chance(POOL_SHARE) ? shared.byFamily : byFamily).get(family);
        if (!list || list.length === 0) continue;
        const p = list[rng.skewed(list.length, 1.8)];
        // one item per equivalent part on a BOM
        if (!set.has(p) && !keys.has(p.draft!.subKey)) return p;
      }
      return null;
    };

    // sub-assemblies: every assembly below the top has a parent one level up; some are shared, and a few
    // skip a level. Levels only go down, so there are no cycles.
    const subChildren = new Map<PItem, PItem[]>(assemblies.map((a) => [a, []]));
    const addSub = (parent: PItem, child: PItem) => {
      const list = subChildren.get(parent)!;
      if (!list.includes(child)) list.push(child);
    };
    for (let k = 0; k < 3; k++) {
      const parents = levels[k];
      const children = rng.shuffle([...levels[k + 1]]);
      children.forEach((ch, j) => addSub(parents[j % parents.length], ch));
      for (const ch of children) {
        if (rng.chance(0.3)) {
          const extra = rng.int(1, 2);
          for (let e = 0; e < extra; e++) addSub(rng.pick(parents), ch);
        }
      }
      if (k < 2) for (const p of parents) if (rng.chance(0.12)) addSub(p, rng.pick(levels[k + 2]));
    }
    for (const a of assemblies) {
      const lines: PLine[] = [];
      for (const ch of subChildren.get(a)!) lines.push(makeLine(a, ch, lines.length));
      const bare = barePcbOf.get(a);
      if (bare) lines.push(makeLine(a, bare, lines.length));
      const type = a.asmType!;
      const partCount = type === 'pcb' ? (a.level === 1 ? rng.int(12, 30) : a.level === 2 ? rng.int(8, 20) : rng.int(5, 12))
        : type === 'top' ? rng.int(3, 7) : type === 'mech' ? rng.int(3, 8) : rng.int(3, 6);
      for (let i = 0; i < partCount; i++) {
        const p = pickPart(a, type);
        if (p) lines.push(makeLine(a, p, lines.length));
      }
      if (type === 'top') {
        const own = docsOf.get(a.productName!) ?? [];
        const nd = rng.int(1, 2);
        for (let i = 0; i < nd; i++) {
          const d = own.length > i ? own[i] : rng.pick(docs);
          if (!childSets.get(a)!.has(d)) lines.push(makeLine(a, d, lines.length));
        }
      }
      if (type === 'pcb' && rng.chance(0.4)) lines.push(makeLine(a, rng.pick(software), lines.length));
      a.lines = lines;
      const extra = pickPart(a, type);
      if (extra) {
        a.extraLine = makeLine(a, extra, lines.length);
        a.extraLine.notes = 'Added per engineering change';
      }
    }
    subChildren.clear();
    usedKeys.clear();
    refCounters.clear();

    // Small catalogues may hold no equivalent parts: give one line a substitute from its family anyway,
    // so every seed exercises BOM substitutes.
    if (!assemblies.some((a) => a.lines.some((l) => l.subs.length > 0))) {
      outer: for (const a of assemblies) {
        for (const l of a.lines) {
          const d = l.child.draft;
          if (!d || !l.refDes) continue;
          const sub = (byFamily.get(d.family) ?? []).find((p) => p !== l.child && !childSets.get(a)!.has(p));
          if (sub) {
            l.subs.push(sub);
            break outer;
          }
        }
      }
    }
    childSets.clear();

    // ---- release patterns: a released assembly only uses released children -------------------------
    // (parts from the shared pool are all released)
    for (const it of items) {
      it.pattern = rng.weighted([['W', 12], ['E', 28], ['EW', 28], ['SE', 12], ['SEW', 15], ['SSE', 5]] as const);
    }
    levels[0][0].pattern = 'SEW';
    for (const level of levels) {
      for (const a of level) {
        if (a.pattern === 'W') continue;
        for (const line of a.lines) if (line.child.pattern === 'W') line.child.pattern = 'EW';
      }
    }
    const releasedCount = (p: Pattern) => (p === 'W' ? 0 : p === 'E' || p === 'EW' ? 1 : p === 'SSE' ? 3 : 2);
    const hasWorking = (p: Pattern) => p === 'W' || p === 'EW' || p === 'SEW';
    let totalReleased = 0;
    for (const it of items) totalReleased += releasedCount(it.pattern);
    const windows = Math.max(12, Math.ceil(totalReleased / REVS_PER_CHANGE));
    const windowDays = RELEASE_LIMIT / windows;
    const minGap = Math.ceil(windowDays) + 2;
    const windowOf = (day: number) => Math.min(windows - 1, Math.floor(day / windowDays));
    const windowEffMs = (k: number) => BASE_MS + Math.ceil(((k + 1) * windowDays * DAY) / 60_000) * 60_000;

    // ---- dates, bottom-up: a parent is released no earlier than its children -----------------------
    const createdRange: Record<number, readonly [number, number]> = { 4: [0, 420], 3: [20, 460], 2: [40, 500], 1: [60, 540], 0: [80, 600] };
    for (const it of items) {
      const [lo, hi] = createdRange[it.level];
      it.createdDay = rng.int(lo, hi);
      let r = releasedCount(it.pattern);
      if (r === 0) continue;
      let first = it.createdDay + rng.int(5, 45);
      for (const line of it.lines) if (line.child.releaseDays.length > 0) first = Math.max(first, line.child.releaseDays[0] + 1);
      for (;;) {
        const days = [first];
        for (let k = 1; k < r; k++) days.push(days[k - 1] + rng.int(minGap, minGap + 120));
        if (days[r - 1] > RELEASE_LIMIT - 1) for (let k = 1; k < r; k++) days[k] = days[k - 1] + minGap;
        if (days[r - 1] <= RELEASE_LIMIT - 1 || r === 1) {
          it.releaseDays = days.map((d) => Math.min(d, RELEASE_LIMIT - 1));
          break;
        }
        r--;
        it.pattern = it.pattern === 'SSE' ? 'SE' : it.pattern === 'SEW' ? 'EW' : 'E';
      }
    }

    // ---- revisions, changes ------------------------------------------------------------------------
    const changeByWindow = new Map<number, PChange>();
    const changeFor = (k: number): PChange => {
      let ch = changeByWindow.get(k);
      if (!ch) {
        ch = {
          id: 0, guid: '', number: '', title: '', description: '', categoryId: null, status: 'EFFECTIVE', implementation: 'DONE',
          effectivity: 'PERMANENT_ON_APPROVAL', createdMs: 0, lifecycleMs: 0, submissionMs: null, effMs: windowEffMs(k), revs: [],
        };
        changeByWindow.set(k, ch);
      }
      return ch;
    };
    for (const it of items) {
      const createdMs = BASE_MS + it.createdDay * DAY + officeTime(rng);
      const r = releasedCount(it.pattern);
      const working = hasWorking(it.pattern);
      const effPhase = rng.weighted([['In Production', 72], ['Prototype', 16], ['Deprecated', 6], ['Obsolete', 6]] as const);
      const livePhase = working && (effPhase === 'Deprecated' || effPhase === 'Obsolete') ? 'In Production' : effPhase;
      let prevEff = 0;
      for (let s = 0; s < r; s++) {
        const change = changeFor(windowOf(it.releaseDays[s]));
        const rev: PRev = {
          id: 0, guid: '', item: it, seq: s, status: s === r - 1 ? 'EFFECTIVE' : 'SUPERSEDED', revNo: String.fromCharCode(65 + s),
          phaseId: phase(s === r - 1 ? livePhase : s === 0 ? 'Prototype' : 'In Production'),
          createdMs: s === 0 ? createdMs : prevEff + DAY + officeTime(rng), effMs: change.effMs, supMs: null, change,
          drop: r - 1 - s, modBom: false, modFiles: false, modSourcing: false, modSpecs: false, modCosting: false,
          deviated: s === r - 1 && rng.chance(0.02),
        };
        if (s > 0) it.revs[s - 1].supMs = change.effMs;
        change.revs.push(rev);
        prevEff = change.effMs!;
        it.revs.push(rev);
      }
      if (working) {
        const wCreated = r === 0 ? createdMs : Math.min(endMs, prevEff + rng.int(3, 120) * DAY + officeTime(rng));
        const released = r > 0;
        it.revs.push({
          id: 0, guid: '', item: it, seq: r, status: 'WORKING', revNo: null,
          phaseId: phase(released ? livePhase : rng.weighted([['Unreleased', 55], ['In Design', 35], ['Abandoned', 10]] as const)),
          createdMs: wCreated, effMs: null, supMs: null, change: null, drop: 0,
          modBom: released && it.extraLine !== null && rng.chance(0.45),
          modFiles: released && rng.chance(0.2), modSourcing: false, modSpecs: released && rng.chance(0.25),
          modCosting: released && it.kind !== 'document' && it.kind !== 'software' && rng.chance(0.2), deviated: false,
        });
      }
      for (const rev of it.revs) {
        rev.id = take('item_revisions');
        rev.guid = guid('item_revisions', rev.id);
      }
      it.shared = it.kind === 'part' && rng.chance(0.1);
    }

    // ---- specs: costs and custom attributes --------------------------------------------------------
    for (const it of items) {
      const d = it.draft;
      const isAsm = it.kind === 'assembly';
      if (d) {
        const cost = round(d.cost, 4);
        it.costs = [round(cost * 0.97, 4), round(cost * 1.6, 4), round(cost * 0.9, 4), null, cost];
      } else if (isAsm) {
        const cost = rng.real(it.level === 0 ? 180 : 8, it.level === 0 ? 1400 : 220, 2);
        it.costs = [cost, round(cost * 1.8, 2), round(cost * 0.85, 2), it.level === 0 ? round(cost * 2.6, 2) : null, round(cost * 1.02, 2)];
      } else if (it.kind === 'document') {
        it.costs = [null, null, null, null, rng.chance(0.5) ? rng.real(0.2, 3, 2) : null];
      }
      const attrs: Record<string, unknown> = {};
      if (d?.tolerance) attrs[A.tolerance] = d.tolerance;
      if (d) attrs[A.weight] = d.weightG;
      else if (isAsm) attrs[A.weight] = rng.real(it.level === 0 ? 800 : 15, it.level === 0 ? 9000 : 900, 1);
      if (d || isAsm) {
        attrs[A.rohs] = rng.weighted(ROHS_STATUS_VALUES.map((v, i) => [v, [80, 8, 2, 10][i]] as const));
        const comp = COMPLIANCE_VALUES.filter((v) =>
          v === 'RoHS' ? true : v === 'REACH' ? rng.chance(0.8) : v === 'Conflict Minerals' ? (d?.electrical ?? false) && rng.chance(0.4)
            : it.level === 0 ? rng.chance(0.7) : false);
        attrs[A.compliance] = comp;
      }
      if (rng.chance(0.4) && it.kind !== 'document') attrs[A.dateZero] = zuluMs(BASE_MS + (it.createdDay + rng.int(0, 60)) * DAY);
      if (rng.chance(0.8)) attrs[A.critical] = it.level === 0 || ((d?.family === 'ic' || d?.family === 'custom' || d?.family === 'crystal') && rng.chance(0.4));
      if (isAsm && rng.chance(0.6)) {
        const lines = rng.shuffle([...ASSEMBLY_NOTES]).slice(0, rng.int(2, 3));
        attrs[A.notes] = lines.join('\n');
      }
      it.attrs = Object.keys(attrs).length > 0 ? JSON.stringify(attrs) : null;
      const w = it.revs[it.revs.length - 1];
      if (w.status === 'WORKING' && w.modSpecs) {
        const mod = { ...attrs };
        if (typeof mod[A.weight] === 'number') mod[A.weight] = round((mod[A.weight] as number) * 1.05, 5);
        else mod[A.dateZero] = zuluMs(BASE_MS + (it.createdDay + 90) * DAY);
        it.attrsModified = JSON.stringify(mod);
      }
    }

    // ---- sourcing ----------------------------------------------------------------------------------
    const supplierItems: PSupplierItem[] = [];
    /** `unique`: the number holds an item number, so no other item asks for the same supplier item */
    const supplierItem = (
      supplierKey: string, number: string,
      fields: { name: string; description: string; type?: SupplierItemType; uom?: string; procurement?: string; series?: string },
      createdMs: number, unique = false,
    ): SiRef => {
      const key = unique ? 0 : hash53(`${supplierKey}|${number}`);
      if (!unique) {
        const known = knownSupplierItems.get(key);
        if (known !== undefined) return { id: Math.floor(known / 4), type: SI_TYPES[known % 4] };
      }
      const id = take('supplier_items');
      const type = fields.type ?? 'PART';
      const si: PSupplierItem = {
        id, guid: guid('supplier_items', id), supplier: supplierByKey.get(supplierKey)!, number, name: fields.name,
        description: fields.description, type, uom: fields.uom ?? 'each', procurement: fields.procurement ?? 'OTS', createdMs,
        attrs: type === 'PART' ? JSON.stringify({ [leadTimeGuid]: rng.int(1, 24) * 5 }) : null, series: fields.series ?? null,
        datasheet: null,
      };
      if (!unique) knownSupplierItems.set(key, id * 4 + SI_TYPES.indexOf(type));
      supplierItems.push(si);
      return si;
    };
    const vendorNumber = (dist: string, mfrKey: string, mpn: string) => {
      const code = 100 + supplierIndex.get(mfrKey)!;
      return dist === 'digikey' ? `${code}-${mpn}-ND` : dist === 'mouser' ? `${code * 3 + 1}-${mpn}` : mpn;
    };
    const approve = (rows: PSource[]) => {
      const approved = rows.filter((r) => r.approved && !r.make && r.mfr?.type !== 'PROCESS');
      const splits = SPLITS[approved.length] ?? approved.map(() => round(100 / approved.length, 2));
      approved.forEach((r, i) => {
        r.rank = i + 1;
        r.split = splits[i];
        r.activeProduction = true;
        r.activePrototype = i === 0;
      });
      return rows;
    };
    const row = (mfr: SiRef | null, vendor: SiRef | null, approved: boolean, notes: string | null, factor: number | null = 1): PSource => ({
      mfr, vendor, approved, rank: null, split: null, make: false, factor, notes, activeProduction: false, activePrototype: false,
    });
    for (const it of items) {
      const created = it.revs[0].createdMs;
      const d = it.draft;
      const rows: PSource[] = [];
      if (d && d.family !== 'pcb' && !d.custom) {
        d.mfrs.forEach((m, i) => {
          const mfr = supplierItem(m.supplier, m.mpn, { name: d.name, description: d.description, series: m.series }, created);
          let vendor: SiRef | null = null;
          if (d.vendorOnly) vendor = supplierItem('mcmaster', d.vendorOnly, { name: d.name, description: d.description }, created);
          else if (rng.chance(0.7)) {
            const dist = rng.weighted(DISTRIBUTORS);
            vendor = supplierItem(dist, vendorNumber(dist, m.supplier, m.mpn), { name: d.name, description: `${d.description} (cut tape)`, uom: d.vendorUom?.uom }, created);
          }
          const unapproved = i > 0 && i === d.mfrs.length - 1 && rng.chance(0.25);
          rows.push(row(mfr, vendor, !unapproved, unapproved ? 'Pending qualification' : i > 0 ? 'Second source' : null, vendor && d.vendorUom ? d.vendorUom.factor : 1));
        });
        if (d.vendorOnly && d.mfrs.length === 0) {
          rows.push(row(null, supplierItem('mcmaster', d.vendorOnly, { name: d.name, description: d.description }, created), true, null));
        }
        if (d.electrical && d.mfrs.length > 0 && rng.chance(0.03)) {
          const broker = rng.pick(['globex', 'initech']);
          rows.push(row(rows[0].mfr, supplierItem(broker, `${d.mfrs[0].mpn}-BRK`, { name: d.name, description: `${d.description}, broker stock` }, created), false, 'Not approved: no traceability to manufacturer'));
        }
        if (d.mfrs.length > 0 && !d.vendorOnly && rng.chance(0.04)) {
          rows.push(row(rows[0].mfr, supplierItem('northwind', `NW-${d.mfrs[0].mpn}`, { name: d.name, description: d.description }, created), false, 'Distributor qualification pending'));
        }
      } else if (d && d.family === 'pcb') {
        const fabs = rng.shuffle(['sierracircuits', 'bayarea']);
        const count = rng.chance(0.3) ? 2 : 1;
        for (let i = 0; i < count; i++) {
          rows.push(row(supplierItem(fabs[i], it.number, { name: it.name, description: it.description, procurement: 'MTS' }, created, true), null, true, i > 0 ? 'Second source' : null));
        }
      } else if (d && d.custom) {
        const shops = d.category.endsWith('Plastic') ? ['protolabs', 'redwood'] : rng.shuffle(['protolabs', 'xometry', 'cascade']);
        const count = rng.chance(0.25) ? 2 : 1;
        for (let i = 0; i < count; i++) {
          const unrated = supplierByKey.get(shops[i])!.def.approval !== 'approved';
          rows.push(row(supplierItem(shops[i], it.number, { name: it.name, description: it.description, procurement: 'MTS' }, created, true), null, !unrated, unrated ? 'First article inspection pending' : null));
        }
        if (d.finish) {
          const p = PROCESSES[d.finish];
          rows.push(row(supplierItem('pacific', p.number, { name: p.name, description: p.description, type: 'PROCESS', procurement: 'MTS' }, created), null, true, 'Finish per drawing'));
        }
      } else if (it.kind === 'assembly') {
        const make = (): PSource => ({ ...row(null, null, true, null, null), make: true, rank: 1, split: 100, activeProduction: true, activePrototype: true });
        // the first PCB assembly is always bought from a contract manufacturer, so every seed has one
        const first = c === 0 && it === pcbAssemblies[0];
        if (it.asmType === 'pcb' && (first || rng.chance(0.3))) {
          const cm = rng.pick(['jabil', 'sanmina']);
          const prefix = cm === 'jabil' ? 'JBL' : 'SAN';
          rows.push(row(supplierItem(cm, `${prefix}-${it.number}`, { name: it.name, description: `Turnkey PCBA build of ${it.number}`, procurement: 'MTS' }, created, true), null, true, 'Turnkey build'));
          if (first || rng.chance(0.4)) {
            rows.push(row(supplierItem(cm, `${prefix}-COC-${it.number}`, { name: `Certificate of Conformance, ${it.number}`, description: 'Certificate of conformance shipped with each lot', type: 'DOCUMENT', procurement: 'MTS' }, created, true), null, false, 'Required with each shipment'));
          }
        } else if (it.asmType === 'top' || it.asmType === 'pcb' || rng.chance(0.6)) {
          rows.push(make());
        }
      }
      it.sourcing = approve(rows);
      const w = it.revs[it.revs.length - 1];
      if (w.status === 'WORKING' && it.revs.length > 1 && rows.length > 0 && rng.chance(0.25)) w.modSourcing = true;
    }

    // ---- files -------------------------------------------------------------------------------------
    const editions: PEdition[] = [];
    interface EditionSpec { createdMs: number; content: string | null }
    const newFile = (spec: {
      title: string; description: string | null; category: string; storage: PEdition['storage']; fileName?: string;
      format?: string; mime?: string; location?: string; editions: EditionSpec[]; private?: boolean; markup?: boolean;
    }): PFile => {
      const file: PFile = { number: `F-${pad6(++fileCount)}`, editions: [] };
      const categoryId = cat(spec.category);
      spec.editions.forEach((e, i) => {
        const id = take('files');
        const g = guid('files', id);
        const isFile = spec.storage === 'FILE';
        const ed: PEdition = {
          id, guid: g, number: file.number, edition: String(i + 1), name: isFile ? spec.fileName ?? null : null, title: spec.title,
          description: spec.description, format: isFile ? spec.format ?? null : null, mime: isFile ? spec.mime ?? null : null,
          size: isFile && e.content ? e.content.length : 0, categoryId, storage: spec.storage,
          location: spec.storage === 'WEB' ? spec.location ?? null : null, latest: i === spec.editions.length - 1,
          private: spec.private ?? false, hasMarkup: spec.markup ?? false, createdMs: e.createdMs,
          modifiedMs: Math.min(e.createdMs + rng.int(0, 3 * 3600) * 1000, BASE_MS + SPAN_DAYS * DAY),
          blobKey: isFile ? `files/${g}` : null, content: isFile ? e.content : null,
        };
        file.editions.push(ed);
        editions.push(ed);
      });
      return file;
    };
    const idsOf = (f: PFile) => f.editions.map((e) => e.id);
    const assoc = (f: PFile, primary: boolean, pinned: boolean): PAssoc => ({ editions: idsOf(f), primary, pinned });
    /** the revisions a file has an edition for: each released one, or the first */
    const releasedRevs = (it: PItem): PRev[] => {
      const released = it.revs.filter((r) => r.status !== 'WORKING');
      return released.length > 0 ? released : [it.revs[0]];
    };
    /** one edition per released revision (at least one), created with the revision */
    const perRevision = (it: PItem, content: (rev: PRev, edition: number) => string | null): EditionSpec[] =>
      releasedRevs(it).map((r, i) => ({ createdMs: r.createdMs + 3_600_000, content: content(r, i + 1) }));
    const datasheet = (supplierKey: string, series: string): number[] => {
      let ids = datasheets.get(series);
      if (!ids) {
        const mfrName = supplierByKey.get(supplierKey)!.def.name;
        const title = series.endsWith('Datasheet') ? `${mfrName} ${series}` : `${series} Datasheet`;
        const count = rng.chance(0.3) ? 2 : 1;
        const first = BASE_MS - rng.int(30, 700) * DAY + officeTime(rng);
        const specs: EditionSpec[] = [];
        for (let e = 0; e < count; e++) {
          specs.push({
            createdMs: first + e * rng.int(200, 500) * DAY,
            content: makePdf(title, [`Manufacturer: ${mfrName}`, `Document revision: ${e + 1}`, 'Operating temperature: -55 C to +125 C', 'Moisture sensitivity level: 1', 'Sample content generated by the plmx demo seed.']),
          });
        }
        const useFile = quota.datasheet >= count;
        if (useFile) quota.datasheet -= count;
        const site = supplierByKey.get(supplierKey)!.def.website ?? 'https://www.example.com';
        ids = idsOf(useFile
          ? newFile({ title, description: `Manufacturer datasheet, ${mfrName}`, category: 'File\\Datasheet', storage: 'FILE', fileName: `${title.replace(/[^A-Za-z0-9]+/g, '_')}.pdf`, format: 'pdf', mime: 'application/pdf', editions: specs })
          : newFile({ title, description: `Manufacturer datasheet, ${mfrName}`, category: 'File\\Datasheet', storage: 'WEB', location: `${site}/datasheets/${encodeURIComponent(series)}`, editions: [specs[specs.length - 1]] }));
        datasheets.set(series, ids);
      }
      return ids;
    };
    const vault = (it: PItem, what: string) => newFile({
      title: `${it.number} ${what}`, description: `${what} of ${it.name}, kept in the PDM vault`, category: 'File\\Drawing',
      storage: 'WEB', location: `https://pdm.example.com/vault/${it.number}/${what.toLowerCase().replace(/\s+/g, '-')}`,
      editions: [{ createdMs: it.revs[0].createdMs + 3_600_000, content: null }],
    });
    const drawing = (it: PItem, q: 'custom' | 'asm' | 'fab', what: string, fmt: 'pdf' | 'gbrjob'): PFile => {
      // past the quota, skip making the contents
      if (quota[q] < releasedRevs(it).length) return vault(it, what);
      const specs = perRevision(it, (rev, e) => fmt === 'pdf'
        ? makePdf(`${what} ${it.number}`, [it.name, `Revision: ${rev.revNo ?? 'working'}   Edition: ${e}`, 'Units: mm   Scale 1:1   Sheet 1 of 1', 'Tolerances unless otherwise specified: X.X +/-0.2, X.XX +/-0.1', 'Sample content generated by the plmx demo seed.'])
        : JSON.stringify({ Header: { GenerationSoftware: { Vendor: 'plmx', Application: 'seed', Version: '1' }, CreationDate: zuluMs(rev.createdMs), Part: 'Single' }, GeneralSpecs: { ProjectId: { Name: it.number, GUID: rev.guid, Revision: rev.revNo ?? 'WIP' }, LayerNumber: Number(/(\d+)-Layer/.exec(it.name)?.[1] ?? 4), BoardThickness: 1.6, Finish: 'ENIG' } }, null, 2));
      quota[q] -= specs.length;
      return newFile({
        title: `${what}, ${it.name}`, description: `${what} for ${it.number}`, category: fmt === 'pdf' ? 'File\\Drawing' : 'File\\Manufacturing',
        storage: 'FILE', fileName: `${it.number}_${what.replace(/\s+/g, '_')}.${fmt}`, format: fmt,
        mime: fmt === 'pdf' ? 'application/pdf' : 'application/json', editions: specs, markup: rng.chance(0.1),
      });
    };
    for (const it of items) {
      const d = it.draft;
      const files: PAssoc[] = [];
      if (d && d.mfrs.length > 0 && !d.custom) {
        files.push({ editions: datasheet(d.mfrs[0].supplier, d.mfrs[0].series), primary: true, pinned: false });
      } else if (d && d.family === 'pcb') {
        files.push(assoc(drawing(it, 'fab', 'Fabrication Package', 'gbrjob'), true, true));
      } else if (d && d.custom) {
        files.push(assoc(drawing(it, 'custom', 'Drawing', 'pdf'), true, true));
      }
      if (d && d.vendorOnly) {
        const key = hash53(d.vendorOnly);
        let id = vendorLinks.get(key);
        if (id === undefined) {
          id = newFile({ title: `McMaster-Carr ${d.vendorOnly}`, description: d.description, category: 'File\\Reference', storage: 'WEB', location: `https://www.mcmaster.com/${d.vendorOnly}/`, editions: [{ createdMs: it.revs[0].createdMs, content: null }] }).editions[0].id;
          vendorLinks.set(key, id);
        }
        files.push({ editions: [id], primary: files.length === 0, pinned: false });
      }
      if (it.kind === 'assembly') {
        files.push(assoc(drawing(it, 'asm', 'Assembly Drawing', 'pdf'), true, true));
        if (it.asmType === 'pcb' && quota.pnp > 0) {
          quota.pnp--;
          const rows: Array<Array<string | number>> = [];
          for (const line of it.lines) {
            if (!line.refDes) continue;
            for (const ref of line.refDes.split(',')) rows.push([ref, line.child.number, rng.real(2, 150, 2), rng.real(2, 100, 2), rng.pick([0, 90, 180, 270]), 'Top']);
          }
          files.push(assoc(
            newFile({ title: `Pick and Place, ${it.name}`, description: `Component placement data for ${it.number}`, category: 'File\\Manufacturing', storage: 'FILE', fileName: `${it.number}_pick_and_place.csv`, format: 'csv', mime: 'text/csv', editions: [{ createdMs: it.revs[0].createdMs + 7_200_000, content: makeCsv(['Designator', 'Part Number', 'X (mm)', 'Y (mm)', 'Rotation', 'Side'], rows) }] }),
            false, false,
          ));
        }
        if (it.asmType === 'top') {
          files.push(assoc(newFile({ title: `Compliance Test Report, ${it.productName}`, description: 'Awaiting results from the test lab', category: 'File\\Test Report', storage: 'PLACE_HOLDER', editions: [{ createdMs: it.revs[0].createdMs + 86_400_000, content: null }] }), false, false));
        }
      }
      if (it.kind === 'document') {
        const revs = releasedRevs(it);
        let f: PFile;
        if (quota.doc >= revs.length) {
          quota.doc -= revs.length;
          const specs = perRevision(it, (rev, e) => makePdf(it.name, [it.description, `Document revision: ${rev.revNo ?? 'draft'}   Edition: ${e}`, '1. Scope', '2. Applicable documents', '3. Requirements', 'Sample content generated by the plmx demo seed.']));
          f = newFile({ title: it.name, description: it.description, category: 'File\\Specification', storage: 'FILE', fileName: `${it.number}.pdf`, format: 'pdf', mime: 'application/pdf', editions: specs, private: rng.chance(0.05) });
        } else {
          f = newFile({ title: it.name, description: 'Document not yet uploaded', category: 'File\\Specification', storage: 'PLACE_HOLDER', editions: [{ createdMs: revs[0].createdMs + 3_600_000, content: null }] });
        }
        files.push(assoc(f, true, f.editions.length > 1));
      }
      if (it.kind === 'software') {
        if (quota.sw > 0) {
          quota.sw--;
          const text = [`${it.name}`, ''.padEnd(it.name.length, '='), '', `Item: ${it.number}`, 'Changes:', '- Improved watchdog handling', '- Fixed CRC check on configuration block', '- Updated bootloader handshake', '', 'SHA-256 of image: ' + seededGuid('sha', it.id, ws).toLowerCase().repeat(3).slice(0, 64), ''].join('\n');
          files.push(assoc(newFile({ title: `Release Notes, ${it.name}`, description: 'Release notes', category: 'File\\Software', storage: 'FILE', fileName: `${it.number}_release_notes.txt`, format: 'txt', mime: 'text/plain', editions: [{ createdMs: it.revs[0].createdMs + 3_600_000, content: text }] }), true, false));
        }
        files.push(assoc(newFile({ title: `Binary image, ${it.name}`, description: 'Signed image in the artifact repository', category: 'File\\Software', storage: 'WEB', location: `https://artifacts.example.com/firmware/${it.number}/${it.name.replace(/^.* (v[\d.]+)$/, '$1')}/image.bin`, editions: [{ createdMs: it.revs[0].createdMs + 3_600_000, content: null }] }), files.length === 0, false));
      }
      it.files = files;
      const w = it.revs[it.revs.length - 1];
      if (w.status === 'WORKING' && w.modFiles) {
        it.redline = newFile({ title: `Redline Markup, ${it.number}`, description: 'Markups for the next revision', category: 'File\\Drawing', storage: 'WEB', location: `https://pdm.example.com/redlines/${it.number}`, editions: [{ createdMs: w.createdMs + 3_600_000, content: null }] }).editions[0].id;
      }
    }
    for (const si of supplierItems) {
      if (si.series) {
        const ids = datasheet(si.supplier.def.key, si.series);
        si.datasheet = ids[ids.length - 1];
      }
    }

    // ---- changes -----------------------------------------------------------------------------------
    const changes: PChange[] = [...changeByWindow.entries()].sort((a, b) => a[0] - b[0]).map(([, ch]) => ch);
    const finishChange = (ch: PChange) => {
      ch.id = take('changes');
      ch.guid = guid('changes', ch.id);
      ch.number = `ECO-${pad6(changeNumber++)}`;
      ch.categoryId = ecoCategory;
    };
    for (const ch of changes) {
      finishChange(ch);
      const eff = ch.effMs!;
      let firstCreated = Infinity;
      for (const r of ch.revs) firstCreated = Math.min(firstCreated, r.createdMs);
      ch.createdMs = Math.max(firstCreated + 3_600_000, eff - 30 * DAY);
      if (ch.createdMs >= eff) ch.createdMs = eff - 3 * 3_600_000;
      ch.submissionMs = Math.max(ch.createdMs + 60_000, eff - DAY);
      ch.lifecycleMs = eff;
      ch.effectivity = rng.chance(0.1) ? 'PERMANENT_ON_DATE' : 'PERMANENT_ON_APPROVAL';
      ch.implementation = eff > endMs - 60 * DAY ? 'IN_PROGRESS' : 'DONE';
      const top = ch.revs.find((r) => r.item.level === 0);
      const allInitial = ch.revs.every((r) => r.revNo === 'A');
      const first = top ?? (allInitial ? ch.revs[0] : ch.revs.find((r) => r.revNo !== 'A')!);
      ch.title = top
        ? `Release ${top.item.productName} rev ${top.revNo}`
        : allInitial
          ? `Initial release of ${first.item.number} ${first.item.name}${ch.revs.length > 1 ? ` and ${ch.revs.length - 1} more` : ''}`
          : `Revise ${first.item.number} to rev ${first.revNo}${ch.revs.length > 1 ? ` and ${ch.revs.length - 1} more items` : ''}`;
      ch.description = `Engineering change releasing ${ch.revs.length} item revision${ch.revs.length === 1 ? '' : 's'}.`;
    }
    // Open work, with the last chunk so that it takes the last numbers: changes that collect modified
    // working revisions.
    if (c === chunkCount - 1) {
      const candidates = rng.shuffle(items.map((it) => it.revs[it.revs.length - 1])
        .filter((w) => w.status === 'WORKING' && w.seq > 0 && (w.modBom || w.modSpecs || w.modCosting || w.modSourcing || w.modFiles)));
      const open: Array<readonly [string, string, (w: PRev) => boolean]> = [
        ['OPEN_AND_UNLOCKED', 'Cost reduction', (w) => w.modCosting], ['OPEN_AND_UNLOCKED', 'Update BOM', (w) => w.modBom],
        ['SUBMITTED_FOR_APPROVAL', 'Second source qualification', (w) => w.modSourcing],
      ];
      open.forEach(([status, theme, fits], i) => {
        const wanted = rng.int(3, 6);
        const revs = candidates.filter(fits).slice(0, wanted);
        if (revs.length < wanted) revs.push(...candidates.filter((w) => !fits(w)).slice(0, wanted - revs.length));
        for (const r of revs) candidates.splice(candidates.indexOf(r), 1);
        const createdMs = endMs - (10 - i) * DAY + officeTime(rng);
        const ch: PChange = {
          id: 0, guid: '', number: '', title: revs.length > 0 ? `${theme}: ${revs[0].item.number} ${revs[0].item.name}${revs.length > 1 ? ` and ${revs.length - 1} more` : ''}` : theme,
          description: `${theme} on ${revs.length} working revision${revs.length === 1 ? '' : 's'}.`, categoryId: null, status,
          implementation: 'NOT_STARTED', effectivity: 'PERMANENT_ON_APPROVAL', createdMs, lifecycleMs: status === 'SUBMITTED_FOR_APPROVAL' ? createdMs + DAY : createdMs,
          submissionMs: status === 'SUBMITTED_FOR_APPROVAL' ? createdMs + DAY : null, effMs: null, revs,
        };
        finishChange(ch);
        changes.push(ch);
      });
    }

    // ---- depth -------------------------------------------------------------------------------------
    const depthMemo = new Map<PItem, number>();
    const depth = (it: PItem): number => {
      if (it.kind !== 'assembly') return 0;
      let d = depthMemo.get(it);
      if (d === undefined) {
        d = 1;
        for (const l of it.lines) d = Math.max(d, 1 + depth(l.child));
        depthMemo.set(it, d);
      }
      return d;
    };
    for (const top of levels[0]) bomDepth = Math.max(bomDepth, depth(top));

    return { index: c, items, suppliers: c === 0 ? suppliers : [], supplierItems, editions, changes };
  };

  return {
    workspaceId: ws, userId, firstId: opts.firstId, nextId, mountGuid, chunkCount, topLevelAssemblies: l0,
    get bomDepth() {
      return bomDepth;
    },
    get lastChangeNumber() {
      return changeNumber - 1;
    },
    *chunks() {
      for (let c = 0; c < chunkCount; c++) {
        const chunk = planChunk(c);
        // the first chunk's released parts become the pool later chunks draw on
        const common = c === 0 && chunkCount > 1
          ? chunk.items.filter((it) => it.kind === 'part' && it.draft!.family !== 'pcb' && it.releaseDays.length > 0)
          : null;
        yield chunk;
        if (common) pool = makePool(common);
      }
    },
  };
}
