/**
 * Row generators over the chunks of a seed plan, one per table, in the column order of `COLUMNS`.
 * Per-revision copies (BOM lines, substitutes, sourcing, file associations) are expanded here, lazily, so a
 * large seed never holds its rows in memory. Ids of expanded rows are taken from the plan's `nextId`, in
 * generation order, so the same plan always yields the same rows.
 */
import { type Chunk, type PLine, type PRev, type SeedPlan, type SeedTable, seedGuid } from './plan.js';
import { zuluMs } from './random.js';

export const COLUMNS: Readonly<Record<SeedTable, readonly string[]>> = {
  suppliers: ['id', 'workspace_id', 'guid', 'name', 'supplier_code', 'account_number', 'description', 'website', 'approval_status', 'creator_id', 'created_at', 'attrs'],
  supplier_items: ['id', 'workspace_id', 'guid', 'supplier_id', 'number', 'name', 'description', 'type', 'uom', 'procurement_type', 'creator_id', 'created_at', 'attrs'],
  changes: ['id', 'workspace_id', 'guid', 'number', 'title', 'description', 'category_id', 'lifecycle_status', 'implementation_status', 'effectivity_type', 'creator_id', 'created_at', 'lifecycle_at', 'submission_at', 'effective_at'],
  items: ['id', 'workspace_id', 'number', 'latest_rev_id', 'working_rev_id', 'created_at'],
  item_revisions: [
    'id', 'workspace_id', 'item_id', 'guid', 'revision_number', 'revision_status', 'name', 'description', 'category_id',
    'lifecycle_phase_id', 'uom', 'procurement_type', 'owner_id', 'creator_id', 'created_at', 'effective_at', 'superseded_at',
    'deviated', 'shared', 'modified_bom', 'modified_files', 'modified_sourcing', 'modified_specs', 'modified_costing',
    'production_cost', 'prototype_cost', 'target_cost', 'target_price', 'standard_cost', 'change_id', 'attrs',
  ],
  bom_lines: ['id', 'workspace_id', 'guid', 'parent_rev_id', 'child_item_id', 'line_number', 'quantity', 'ref_des', 'notes', 'attrs'],
  bom_substitutes: ['id', 'workspace_id', 'guid', 'bom_line_id', 'item_id', 'rank', 'quantity', 'notes'],
  files: [
    'id', 'workspace_id', 'guid', 'number', 'name', 'title', 'description', 'edition', 'format', 'mime_type', 'size',
    'category_id', 'author_id', 'storage_method', 'location', 'latest', 'locked', 'private', 'has_markup', 'created_at',
    'modified_at', 'blob_key',
  ],
  item_files: ['id', 'workspace_id', 'guid', 'rev_id', 'file_id', 'primary', 'latest_edition_association'],
  supplier_item_files: ['id', 'workspace_id', 'guid', 'supplier_item_id', 'file_id', 'primary'],
  sourcing: [
    'id', 'workspace_id', 'guid', 'rev_id', 'mfr_item_id', 'vendor_item_id', 'approved', 'active_production',
    'active_prototype', 'aml_rank', 'aml_split', 'make_item', 'vendor_item_conversion_factor', 'notes',
  ],
  change_items: ['id', 'workspace_id', 'guid', 'change_id', 'rev_id'],
};

const b = (v: boolean): 0 | 1 => (v ? 1 : 0);
const z = (ms: number | null): string | null => (ms === null ? null : zuluMs(ms));

function round4(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10_000) / 10_000;
}

/** The BOM of one revision: superseded ones lack their last part lines, a modified working one adds a line. */
export function revisionBom(rev: PRev): Array<{ line: PLine; qty: number }> {
  const it = rev.item;
  let lines = it.lines;
  if (rev.drop > 0) {
    const droppable = lines.filter((l) => l.droppable);
    const drop = Math.min(rev.drop, droppable.length - 1);
    if (drop > 0) {
      const gone = new Set(droppable.slice(droppable.length - drop));
      lines = lines.filter((l) => !gone.has(l));
    }
  }
  const out = lines.map((line) => ({ line, qty: line.qty }));
  if (rev.modBom && it.extraLine) {
    const adjustable = out.find((l) => l.line.adjustable);
    if (adjustable) adjustable.qty += 2;
    out.push({ line: it.extraLine, qty: it.extraLine.qty });
  }
  return out;
}

export class SeedRows {
  readonly #plan: SeedPlan;
  readonly #ws: number;
  readonly #user: number;
  /** BOM attrs by mount type */
  readonly #mountAttrs = new Map<string, string>();

  constructor(plan: SeedPlan) {
    this.#plan = plan;
    this.#ws = plan.workspaceId;
    this.#user = plan.userId;
  }

  #guid(table: SeedTable, id: number): string {
    return seedGuid(table, id - this.#plan.firstId[table], this.#ws);
  }

  #take(table: SeedTable): number {
    return this.#plan.nextId[table]++;
  }

  #mount(mount: string): string {
    let attrs = this.#mountAttrs.get(mount);
    if (attrs === undefined) {
      attrs = JSON.stringify({ [this.#plan.mountGuid]: mount });
      this.#mountAttrs.set(mount, attrs);
    }
    return attrs;
  }

  *suppliers(chunk: Chunk): Generator<unknown[]> {
    for (const s of chunk.suppliers) {
      yield [s.id, this.#ws, s.guid, s.def.name, s.code, s.account, s.def.description, s.def.website, s.def.approval, this.#user, z(s.createdMs), s.attrs];
    }
  }

  *supplierItems(chunk: Chunk): Generator<unknown[]> {
    for (const si of chunk.supplierItems) {
      yield [si.id, this.#ws, si.guid, si.supplier.id, si.number, si.name, si.description, si.type, si.uom, si.procurement, this.#user, z(si.createdMs), si.attrs];
    }
  }

  *changes(chunk: Chunk): Generator<unknown[]> {
    for (const c of chunk.changes) {
      yield [c.id, this.#ws, c.guid, c.number, c.title, c.description, c.categoryId, c.status, c.implementation, c.effectivity, this.#user, z(c.createdMs), z(c.lifecycleMs), z(c.submissionMs), z(c.effMs)];
    }
  }

  *items(chunk: Chunk): Generator<unknown[]> {
    for (const it of chunk.items) {
      const effective = it.revs.find((r) => r.status === 'EFFECTIVE');
      const working = it.revs.find((r) => r.status === 'WORKING');
      yield [it.id, this.#ws, it.number, (effective ?? working)!.id, working?.id ?? null, z(it.revs[0].createdMs)];
    }
  }

  *revisions(chunk: Chunk): Generator<unknown[]> {
    for (const it of chunk.items) {
      for (const r of it.revs) {
        // older revisions cost a little more; a working revision with modified costing a little less
        const factor = r.status === 'SUPERSEDED' ? 1.08 ** r.drop : r.modCosting ? 0.95 : 1;
        const costs = factor === 1 ? it.costs : it.costs.map((c) => (c === null ? null : round4(c * factor)));
        yield [
          r.id, this.#ws, it.id, r.guid, r.revNo, r.status, it.name, it.description, it.categoryId, r.phaseId, it.uom,
          it.procurement, it.ownerId, this.#user, z(r.createdMs), z(r.effMs), z(r.supMs), b(r.deviated), b(it.shared),
          b(r.modBom), b(r.modFiles), b(r.modSourcing), b(r.modSpecs), b(r.modCosting), costs[0], costs[1], costs[2],
          costs[3], costs[4], r.change?.id ?? null, r.modSpecs && it.attrsModified ? it.attrsModified : it.attrs,
        ];
      }
    }
  }

  /** BOM lines of every assembly revision; collects their substitutes in `substitutes` on the way. */
  *bomLines(chunk: Chunk, substitutes: unknown[][]): Generator<unknown[]> {
    for (const it of chunk.items) {
      if (it.kind !== 'assembly') continue;
      for (const r of it.revs) {
        for (const { line, qty } of revisionBom(r)) {
          const lineId = this.#take('bom_lines');
          const lineNumber = it.numbering === 'auto' ? null : it.numbering === 'one' ? line.index + 1 : (line.index + 1) * 10;
          yield [
            lineId, this.#ws, this.#guid('bom_lines', lineId), r.id, line.child.id, lineNumber, qty, line.refDes, line.notes,
            line.mount ? this.#mount(line.mount) : null,
          ];
          line.subs.forEach((sub, k) => {
            const sid = this.#take('bom_substitutes');
            substitutes.push([sid, this.#ws, this.#guid('bom_substitutes', sid), lineId, sub.id, k + 1, k === 0 ? qty : null, k === 0 ? 'Approved alternate' : 'Use only when the primary part is unavailable']);
          });
        }
      }
    }
  }

  *files(chunk: Chunk): Generator<unknown[]> {
    for (const e of chunk.editions) {
      yield [
        e.id, this.#ws, e.guid, e.number, e.name, e.title, e.description, e.edition, e.format, e.mime, e.size, e.categoryId,
        this.#user, e.storage, e.location, b(e.latest), 0, b(e.private), b(e.hasMarkup), z(e.createdMs), z(e.modifiedMs), e.blobKey,
      ];
    }
  }

  *itemFiles(chunk: Chunk): Generator<unknown[]> {
    for (const it of chunk.items) {
      for (const r of it.revs) {
        for (const a of it.files) {
          const eds = a.editions;
          const pin = a.pinned && r.status === 'SUPERSEDED' && eds.length > 1;
          const edition = pin ? eds[Math.min(r.seq, eds.length - 1)] : eds[eds.length - 1];
          const rowId = this.#take('item_files');
          yield [rowId, this.#ws, this.#guid('item_files', rowId), r.id, edition, b(a.primary), b(!pin)];
        }
        if (r.modFiles && it.redline !== null) {
          const rowId = this.#take('item_files');
          yield [rowId, this.#ws, this.#guid('item_files', rowId), r.id, it.redline, 0, 1];
        }
      }
    }
  }

  *supplierItemFiles(chunk: Chunk): Generator<unknown[]> {
    for (const si of chunk.supplierItems) {
      if (si.datasheet === null) continue;
      const rowId = this.#take('supplier_item_files');
      yield [rowId, this.#ws, this.#guid('supplier_item_files', rowId), si.id, si.datasheet, 1];
    }
  }

  *sourcing(chunk: Chunk): Generator<unknown[]> {
    for (const it of chunk.items) {
      for (const r of it.revs) {
        let rows = it.sourcing;
        let notes: string | null = null;
        if (r.modSourcing) {
          if (rows.length >= 2) rows = rows.slice(0, -1);
          else notes = 'Qualifying a second source';
        }
        for (let k = 0; k < rows.length; k++) {
          const s = rows[k];
          const rowId = this.#take('sourcing');
          yield [
            rowId, this.#ws, this.#guid('sourcing', rowId), r.id, s.mfr?.id ?? null, s.vendor?.id ?? null, b(s.approved),
            b(s.activeProduction), b(s.activePrototype), s.rank, s.split, b(s.make), s.make ? null : s.factor,
            k === 0 && notes ? notes : s.notes,
          ];
        }
      }
    }
  }

  *changeItems(chunk: Chunk): Generator<unknown[]> {
    for (const c of chunk.changes) {
      for (const r of c.revs) {
        const rowId = this.#take('change_items');
        yield [rowId, this.#ws, this.#guid('change_items', rowId), c.id, r.id];
      }
    }
  }
}
