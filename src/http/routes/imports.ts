/**
 * The Import Engine's definition endpoints I1–I4 (spec §8.1, §8.2). Thin: validation lives in
 * engine/import/definition, SQL in store/import-repo, the JSON shape in domain/import-json.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { arenaError } from '../../domain/errors.js';
import { importDefinitionJson } from '../../domain/import-json.js';
import { newGuid } from '../../domain/ids.js';
import { zulu } from '../../domain/time.js';
import { loadCustomAttributes } from '../../engine/export/views/custom-attributes.js';
import {
  IMPORT_MODES, IMPORT_RESOURCES, type ImportDefinitionContext, validateImportDefinitionBody, validateImportDefinitionUpdate,
} from '../../engine/import/definition.js';
import {
  IMPORT_DEFINITION_SEARCH, type ImportDefinitionRow, type ImportDefinitionSearch, changeCategoryExists, changeGuidExists,
  changeNumberExists, findImportDefinition, insertImportDefinition, searchImportDefinitions, updateImportDefinition,
} from '../../store/import-repo.js';
import type { Store } from '../../store/store.js';
import type { Services } from '../../services.js';
import { choiceParam, listBody, paging, searchAttributes } from '../query.js';
import { routes } from '../route-table.js';
import { principal } from '../session.js';

type Params = { importGuid: string };

/** The definition in the path, in the caller's workspace, or 400/3011. */
export async function importDefinitionOf(store: Store, request: FastifyRequest): Promise<ImportDefinitionRow> {
  const { importGuid } = request.params as Params;
  const def = await findImportDefinition(store, principal(request).workspaceId, importGuid);
  if (!def) throw arenaError(3011, importGuid);
  return def;
}

/** The lookups definition validation needs, in one workspace. */
export async function importDefinitionContext(store: Store, workspaceId: number): Promise<ImportDefinitionContext> {
  return {
    customAttributes: await loadCustomAttributes(store, workspaceId),
    changeExists: (guid) => changeGuidExists(store, workspaceId, guid),
    changeNumberExists: (number) => changeNumberExists(store, workspaceId, number),
    changeCategoryExists: (guid) => changeCategoryExists(store, workspaceId, guid),
  };
}

export async function importRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;

  routes(app, '/imports', {
    POST: async (request, reply) => {
      const me = principal(request);
      const body = await validateImportDefinitionBody(request.body, await importDefinitionContext(store, me.workspaceId));
      const guid = newGuid();
      await insertImportDefinition(store, {
        workspaceId: me.workspaceId, guid, number: await store.nextSequence(me.workspaceId, 'import-definition'),
        name: body.name, description: body.description, resource: body.resource, mode: body.mode,
        options: JSON.stringify(body.options), creatorId: me.userId, createdAt: zulu(),
      });
      const def = await findImportDefinition(store, me.workspaceId, guid);
      return reply.status(201).send(importDefinitionJson(def!));
    },
    GET: async (request) => {
      const query = request.query as Record<string, unknown>;
      const page = paging(query);
      const search: ImportDefinitionSearch = searchAttributes(query, Object.keys(IMPORT_DEFINITION_SEARCH));
      if (search.number !== undefined && !/^[1-9]\d*$/.test(search.number)) throw arenaError(3141);
      if (search.resource !== undefined) search.resource = choiceParam('resource', search.resource, IMPORT_RESOURCES);
      if (search.mode !== undefined) search.mode = choiceParam('mode', search.mode, IMPORT_MODES);
      const rows = await searchImportDefinitions(store, principal(request).workspaceId, search, page);
      return listBody(rows.map(importDefinitionJson));
    },
  });

  routes(app, '/imports/:importGuid', {
    GET: async (request) => importDefinitionJson(await importDefinitionOf(store, request)),
    PUT: async (request) => {
      const def = await importDefinitionOf(store, request);
      const changes = validateImportDefinitionUpdate(request.body);
      await updateImportDefinition(store, def.id, changes);
      return importDefinitionJson((await findImportDefinition(store, def.workspace_id, def.guid))!);
    },
  });
}
