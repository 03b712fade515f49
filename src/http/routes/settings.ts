/**
 * Workspace settings the Items world and the export engine need: item and change categories, item
 * lifecycle phases, and the attributes of an export definition (served under both
 * `/settings/exports/attributes` [OAS] and `/settings/export/attributes` [DOC]).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { arenaError } from '../../domain/errors.js';
import { EXPORT_ATTRIBUTES, categoryJson, exportAttributeJson, lifecyclePhaseJson } from '../../domain/item-json.js';
import { findCategory, listCategories, listLifecyclePhases } from '../../store/items-repo.js';
import type { Services } from '../../services.js';
import { boolParam, choiceParam, guidParam, listBody, queryOf, searchAttributes } from '../query.js';
import { type Handler, routes } from '../route-table.js';
import { principal } from '../session.js';

const EXPORT_ATTRIBUTE_PARAMS = ['world', 'includePossibleValues', 'creatableOnly', 'editableOnly', 'searchableOnly'];

export async function settingsRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;

  const categoriesOf = (world: 'ITEM' | 'CHANGE'): Handler => async (request) => {
    const params = searchAttributes(queryOf(request), ['path', 'includeDeleted']);
    if (params.includeDeleted !== undefined) boolParam('includeDeleted', params.includeDeleted);
    const path = params.path === undefined || params.path === '' ? undefined : params.path;
    const rows = await listCategories(store, principal(request).workspaceId, world, path);
    return listBody(rows.map(categoryJson));
  };
  const categoryOf = (world: 'ITEM' | 'CHANGE'): Handler => async (request) => {
    const guid = guidParam(request);
    const row = await findCategory(store, principal(request).workspaceId, world, guid);
    if (!row) throw arenaError(3011, guid);
    return categoryJson(row);
  };

  routes(app, '/settings/items/categories', { GET: categoriesOf('ITEM') });
  routes(app, '/settings/items/categories/:guid', { GET: categoryOf('ITEM') });
  routes(app, '/settings/changes/categories', { GET: categoriesOf('CHANGE') });
  routes(app, '/settings/changes/categories/:guid', { GET: categoryOf('CHANGE') });

  routes(app, '/settings/items/lifecyclephases', {
    GET: async (request) => {
      const rows = await listLifecyclePhases(store, principal(request).workspaceId);
      return listBody(rows.map(lifecyclePhaseJson));
    },
  });

  const exportAttributes: Handler = async (request: FastifyRequest) => {
    principal(request);
    const params = searchAttributes(queryOf(request), EXPORT_ATTRIBUTE_PARAMS);
    const flag = (name: string) => (params[name] === undefined || params[name] === '' ? false : boolParam(name, params[name]));
    if (params.world !== undefined && params.world !== '') choiceParam('world', params.world, ['ITEMS'] as const);
    const includePossibleValues = flag('includePossibleValues');
    const creatableOnly = flag('creatableOnly');
    const editableOnly = flag('editableOnly');
    const searchableOnly = flag('searchableOnly');
    const results = EXPORT_ATTRIBUTES
      .filter((a) => (!creatableOnly || a.creatable) && (!editableOnly || a.editable) && (!searchableOnly || a.searchable))
      .map((a) => exportAttributeJson(a, includePossibleValues));
    return listBody(results);
  };
  routes(app, '/settings/exports/attributes', { GET: exportAttributes });
  routes(app, '/settings/export/attributes', { GET: exportAttributes });
}
