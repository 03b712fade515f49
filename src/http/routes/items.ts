/**
 * The Items world: search (`GET /items`, with criteria), one item revision, its revisions, BOM, sourcing
 * and files, item creation and BOM line creation. Everything is scoped to the caller's workspace; a GUID
 * that resolves to nothing there is 400 / 3011.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { compileCriteria, isEmptyCriteria, loadCriteriaContext, parseCriteria } from '../../engine/criteria/index.js';
import { arenaError } from '../../domain/errors.js';
import { looksLikeGuid } from '../../domain/ids.js';
import {
  ASSEMBLY_TYPES, type AssemblyType, type AttributeDef, bomLineJson, itemCompactJson, itemFileJson, itemJson,
  parseAdditionalAttributes, revisionJson, sourcingJson,
} from '../../domain/item-json.js';
import {
  type CustomSearch, ITEM_GUID_COLUMNS, ITEM_TEXT_COLUMNS, type ItemSearch, type ModifiedFlag, type NewItem,
  addBomLine, createItem, defaultLifecyclePhase, findBomLine, findCategory, findLifecyclePhase, findRevision,
  findRevisionRef, findWorkspaceUser, listAttributes, listBomLines, listItemFiles, listRevisions, listSourcing,
  listSubstitutes, searchItems, wouldCreateCycle,
} from '../../store/items-repo.js';
import type { Store } from '../../store/store.js';
import type { Services } from '../../services.js';
import {
  type Query, boolParam, choiceParam, dateParam, first, guidParam, listBody, optionalBoolParam, paging, queryOf,
  searchAttributes,
} from '../query.js';
import { routes } from '../route-table.js';
import { principal } from '../session.js';

// ---------------------------------------------------------------------------------------------------------
// Body helpers of the Items-world routes

function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw arenaError(400);
  return body as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string): string | null | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'string') throw arenaError(3003, key);
  return v;
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const v = optionalString(body, key);
  if (v === undefined || v === null || v.trim() === '') throw arenaError(3001, key);
  return v.trim();
}

function optionalNumber(body: Record<string, unknown>, key: string): number | null | undefined {
  const v = body[key];
  if (v === undefined || v === null) return v as undefined | null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw arenaError(3003, key);
  return v;
}

/** The `guid` of a `{guid}` reference in a body, or undefined when the key is absent or null. */
function refGuid(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || typeof (v as { guid?: unknown }).guid !== 'string') throw arenaError(3003, key);
  return (v as { guid: string }).guid;
}

// ---------------------------------------------------------------------------------------------------------
// GET /items search parameters

const MODIFIED_PARAMS: Record<string, ModifiedFlag> = {
  modifiedBom: 'modified_bom',
  modifiedBOM: 'modified_bom',
  modifiedFiles: 'modified_files',
  modifiedSourcing: 'modified_sourcing',
  modifiedSpecs: 'modified_specs',
};

const ITEM_SEARCH_PARAMS: readonly string[] = [
  ...Object.keys(ITEM_TEXT_COLUMNS), ...Object.keys(ITEM_GUID_COLUMNS), ...Object.keys(MODIFIED_PARAMS),
  'lifecyclePhase.stage', 'inAssembly', 'assemblyType', 'effectiveDateTimeFrom', 'effectiveDateTimeTo',
];
/** Query parameters of GET /items that are not search attributes. */
const ITEM_SEARCH_CONTROL = ['criteria', 'responseview'];
const STAGES = ['UNRELEASED', 'DESIGN', 'PRODUCTION'] as const;

async function parseItemSearch(store: Store, workspaceId: number, query: Query): Promise<ItemSearch> {
  // Custom attributes are searchable by GUID; look them up only when a parameter may be one.
  const maybeCustom = Object.keys(query).filter((k) => !ITEM_SEARCH_PARAMS.includes(k) && looksLikeGuid(k));
  const defs = maybeCustom.length > 0 ? await listAttributes(store, workspaceId, 'ITEM') : [];
  const byGuid = new Map(defs.map((d) => [d.guid, d]));
  const attrs = searchAttributes(query, [...ITEM_SEARCH_PARAMS, ...byGuid.keys()], ITEM_SEARCH_CONTROL);

  const s: ItemSearch = { text: {}, guids: {}, modified: {}, custom: [] };
  for (const [key, value] of Object.entries(attrs)) {
    if (key in ITEM_TEXT_COLUMNS) s.text![key as keyof typeof ITEM_TEXT_COLUMNS] = value;
    else if (key in ITEM_GUID_COLUMNS) s.guids![key as keyof typeof ITEM_GUID_COLUMNS] = value;
    else if (key in MODIFIED_PARAMS) s.modified![MODIFIED_PARAMS[key]] = boolParam(key, value);
    else if (key === 'lifecyclePhase.stage') s.lifecycleStage = choiceParam(key, value, STAGES);
    else if (key === 'inAssembly') s.inAssembly = boolParam(key, value);
    else if (key === 'assemblyType') s.assemblyType = choiceParam<AssemblyType>(key, value, ASSEMBLY_TYPES);
    else if (key === 'effectiveDateTimeFrom') s.effectiveFrom = dateParam(key, value);
    else if (key === 'effectiveDateTimeTo') s.effectiveTo = dateParam(key, value);
    else s.custom!.push({ def: byGuid.get(key)!, value } satisfies CustomSearch);
  }

  const rawCriteria = first(query.criteria);
  if (rawCriteria !== undefined && rawCriteria !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(rawCriteria));
    } catch {
      throw arenaError(3003, 'criteria');
    }
    if (!isEmptyCriteria(parsed)) {
      const ctx = await loadCriteriaContext(store, workspaceId);
      s.criteria = compileCriteria(parseCriteria(parsed, ctx), ctx);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// POST /items body

/** Fields of the full item that are the server's to set. */
const NOT_CREATABLE = new Set([
  'guid', 'creationDateTime', 'creator', 'revisionStatus', 'status', 'effectiveDateTime', 'supersededDateTime',
  'url', 'isAssembly', 'inAssembly', 'assemblyType', 'modifiedBom', 'modifiedFiles', 'modifiedSourcing',
  'modifiedSpecs', 'deviated',
]);
const CREATABLE = new Set([
  'number', 'name', 'description', 'category', 'lifecyclePhase', 'owner', 'uom', 'procurementType', 'offTheShelf',
  'shared', 'productionCost', 'prototypeCost', 'standardCost', 'targetCost', 'targetPrice', 'revisionNumber',
  'additionalAttributes', 'numberFormat',
]);
const COSTS = {
  productionCost: 'production_cost', prototypeCost: 'prototype_cost', standardCost: 'standard_cost',
  targetCost: 'target_cost', targetPrice: 'target_price',
} as const;

async function parseNewItem(store: Store, workspaceId: number, userId: number, body: Record<string, unknown>): Promise<NewItem> {
  for (const key of Object.keys(body)) {
    if (NOT_CREATABLE.has(key)) throw arenaError(3031, key);
    if (!CREATABLE.has(key)) throw arenaError(3004, key);
  }
  const number = requiredString(body, 'number');
  const name = requiredString(body, 'name');
  const description = optionalString(body, 'description') ?? null;
  const uom = optionalString(body, 'uom') ?? null;
  const revisionNumber = optionalString(body, 'revisionNumber') ?? null;

  let procurementType: string | null = null;
  if (body.procurementType !== undefined && body.procurementType !== null) {
    procurementType = choiceParam('procurementType', body.procurementType, ['OTS', 'MTS'] as const);
  } else if (body.offTheShelf !== undefined && body.offTheShelf !== null) {
    if (typeof body.offTheShelf !== 'boolean') throw arenaError(3003, 'offTheShelf');
    procurementType = body.offTheShelf ? 'OTS' : 'MTS';
  }
  if (body.shared !== undefined && body.shared !== null && typeof body.shared !== 'boolean') throw arenaError(3003, 'shared');

  const costs: NewItem['costs'] = {};
  for (const [key, col] of Object.entries(COSTS)) costs[col] = optionalNumber(body, key) ?? null;

  const categoryGuid = refGuid(body, 'category');
  let categoryId: number | null = null;
  if (categoryGuid !== undefined) {
    const category = looksLikeGuid(categoryGuid) ? await findCategory(store, workspaceId, 'ITEM', categoryGuid) : undefined;
    if (!category) throw arenaError(3011, categoryGuid);
    categoryId = category.id;
  }

  const phaseGuid = refGuid(body, 'lifecyclePhase');
  let lifecyclePhaseId: number | null;
  if (phaseGuid !== undefined) {
    const phase = looksLikeGuid(phaseGuid) ? await findLifecyclePhase(store, workspaceId, phaseGuid) : undefined;
    if (!phase) throw arenaError(3011, phaseGuid);
    lifecyclePhaseId = phase.id;
  } else {
    lifecyclePhaseId = await defaultLifecyclePhase(store, workspaceId);
  }

  let ownerId: number | null = null;
  const ownerGuid = refGuid(body, 'owner');
  if (ownerGuid !== undefined) {
    const owner = looksLikeGuid(ownerGuid) ? await findWorkspaceUser(store, workspaceId, ownerGuid) : undefined;
    if (!owner) throw arenaError(3011, ownerGuid);
    ownerId = owner.id;
  }

  const attrs = parseAdditionalAttributes(body.additionalAttributes, await listAttributes(store, workspaceId, 'ITEM'));
  return {
    number, name, description, categoryId, lifecyclePhaseId, uom, procurementType, ownerId, creatorId: userId,
    shared: body.shared === true, costs, attrs, revisionNumber,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Routes

export async function itemRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, config } = services;

  /** The revision a `:guid` names in the caller's workspace, or 3011. */
  async function revisionOf(request: FastifyRequest) {
    const guid = guidParam(request);
    const rev = await findRevisionRef(store, principal(request).workspaceId, guid);
    if (!rev) throw arenaError(3011, guid);
    return rev;
  }

  routes(app, '/items', {
    GET: async (request) => {
      const { workspaceId } = principal(request);
      const query = queryOf(request);
      const search = await parseItemSearch(store, workspaceId, query);
      const page = paging(query);
      const rows = await searchItems(store, workspaceId, search, page);
      return listBody(rows.map((r) => itemCompactJson(config, r)));
    },
    POST: async (request, reply) => {
      const { workspaceId, userId } = principal(request);
      const input = await parseNewItem(store, workspaceId, userId, bodyObject(request));
      const guid = await createItem(store, workspaceId, input);
      const row = await findRevision(store, workspaceId, guid);
      const defs = await listAttributes(store, workspaceId, 'ITEM');
      return reply.status(201).send(itemJson(config, row!, defs));
    },
  });

  routes(app, '/items/:guid', {
    GET: async (request) => {
      const { workspaceId } = principal(request);
      const guid = guidParam(request);
      const includeEmpty = optionalBoolParam(queryOf(request), 'includeEmptyAdditionalAttributes');
      const row = await findRevision(store, workspaceId, guid);
      if (!row) throw arenaError(3011, guid);
      return itemJson(config, row, await listAttributes(store, workspaceId, 'ITEM'), includeEmpty);
    },
  });

  routes(app, '/items/:guid/revisions', {
    GET: async (request) => {
      const rev = await revisionOf(request);
      const rows = await listRevisions(store, principal(request).workspaceId, rev.item_id);
      return listBody(rows.map((r) => revisionJson(config, r)));
    },
  });

  routes(app, '/items/:guid/bom', {
    GET: async (request) => {
      const { workspaceId } = principal(request);
      const rev = await revisionOf(request);
      const withAttributes = optionalBoolParam(queryOf(request), 'includeAdditionalAttributes');
      const lines = await listBomLines(store, workspaceId, rev.id);
      const subs = await listSubstitutes(store, workspaceId, lines.map((l) => l.id));
      const bomDefs = withAttributes ? await listAttributes(store, workspaceId, 'BOM') : undefined;
      return listBody(lines.map((l) => bomLineJson(config, l, subs.filter((s) => s.bom_line_id === l.id), bomDefs)));
    },
    POST: async (request, reply) => {
      const { workspaceId } = principal(request);
      const parent = await revisionOf(request);
      if (parent.revision_status !== 'WORKING') throw arenaError(3237);
      const body = bodyObject(request);
      const bomDefs = await listAttributes(store, workspaceId, 'BOM');
      const line = parseNewBomLine(body, bomDefs);

      const childGuid = line.childGuid;
      const child = looksLikeGuid(childGuid) ? await findRevisionRef(store, workspaceId, childGuid) : undefined;
      // Only a current revision (latest or working) can go on a BOM; superseded ones are not valid here.
      if (!child || (child.id !== child.latest_rev_id && child.id !== child.working_rev_id)) throw arenaError(3011, childGuid);
      if (await wouldCreateCycle(store, parent.item_id, child.item_id)) throw arenaError(3037, child.number);

      const id = await addBomLine(store, workspaceId, { ...line, parentRevId: parent.id, childItemId: child.item_id });
      const row = await findBomLine(store, workspaceId, id);
      return reply.status(201).send(bomLineJson(config, row!, [], bomDefs));
    },
  });

  routes(app, '/items/:guid/sourcing', {
    GET: async (request) => {
      const rev = await revisionOf(request);
      const rows = await listSourcing(store, principal(request).workspaceId, rev.id);
      return listBody(rows.map(sourcingJson));
    },
  });

  routes(app, '/items/:guid/files', {
    GET: async (request) => {
      const rev = await revisionOf(request);
      const rows = await listItemFiles(store, principal(request).workspaceId, rev.id);
      return listBody(rows.map((r) => itemFileJson(config, r)));
    },
  });
}

function parseNewBomLine(body: Record<string, unknown>, bomDefs: readonly AttributeDef[]) {
  if (body.item === undefined || body.item === null) throw arenaError(3001, 'item');
  const childGuid = refGuid(body, 'item')!;
  let quantity = 1;
  if (body.quantity !== undefined && body.quantity !== null) {
    const q = typeof body.quantity === 'string' && body.quantity.trim() !== '' ? Number(body.quantity) : body.quantity;
    if (typeof q !== 'number' || !Number.isFinite(q) || q < 0) throw arenaError(3003, 'quantity');
    quantity = q;
  }
  let lineNumber: number | null = null;
  if (body.lineNumber !== undefined && body.lineNumber !== null) {
    if (typeof body.lineNumber !== 'number' || !Number.isInteger(body.lineNumber) || body.lineNumber < 0) throw arenaError(3003, 'lineNumber');
    lineNumber = body.lineNumber;
  }
  return {
    childGuid,
    quantity,
    lineNumber,
    refDes: optionalString(body, 'refDes') ?? null,
    notes: optionalString(body, 'notes') ?? null,
    attrs: parseAdditionalAttributes(body.additionalAttributes, bomDefs),
  };
}
