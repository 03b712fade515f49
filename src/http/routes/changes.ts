/**
 * Changes: search (`GET /changes`) and one change (`GET /changes/{guid}`), scoped to the caller's
 * workspace. Creating changes and their affected items belongs to the import engine's addToChange.
 */
import type { FastifyInstance } from 'fastify';
import { arenaError } from '../../domain/errors.js';
import { changeCompactJson, changeJson } from '../../domain/item-json.js';
import { CHANGE_GUID_COLUMNS, CHANGE_TEXT_COLUMNS, type ChangeSearch, findChange, searchChanges } from '../../store/changes-repo.js';
import type { Services } from '../../services.js';
import { choiceParam, dateParam, guidParam, listBody, paging, queryOf, searchAttributes } from '../query.js';
import { routes } from '../route-table.js';
import { principal } from '../session.js';

export const LIFECYCLE_STATUSES = [
  'OPEN_AND_UNLOCKED', 'OPEN_AND_LOCKED', 'SUBMITTED_FOR_ROUTING', 'SUBMITTED_FOR_APPROVAL', 'REJECTED', 'CANCELED',
  'APPROVED', 'EFFECTIVE', 'COMPLETED', 'EXPIRED', 'OPEN', 'SUBMITTED',
] as const;
export const IMPLEMENTATION_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'NEEDS_ATTENTION', 'DONE', 'BLANK', 'NONE', 'CANCELED'] as const;

const CHANGE_SEARCH_PARAMS: readonly string[] = [
  ...Object.keys(CHANGE_TEXT_COLUMNS), ...Object.keys(CHANGE_GUID_COLUMNS), 'lifecycleStatus.type',
  'implementationStatus', 'effectiveDateTimeFrom', 'effectiveDateTimeTo',
];

function parseChangeSearch(query: Record<string, unknown>): ChangeSearch {
  const s: ChangeSearch = { text: {}, guids: {} };
  for (const [key, value] of Object.entries(searchAttributes(query, CHANGE_SEARCH_PARAMS, ['responseview']))) {
    if (key in CHANGE_TEXT_COLUMNS) s.text![key as keyof typeof CHANGE_TEXT_COLUMNS] = value;
    else if (key in CHANGE_GUID_COLUMNS) s.guids![key as keyof typeof CHANGE_GUID_COLUMNS] = value;
    else if (key === 'lifecycleStatus.type') s.lifecycleStatus = choiceParam(key, value, LIFECYCLE_STATUSES);
    else if (key === 'implementationStatus') s.implementationStatus = choiceParam(key, value, IMPLEMENTATION_STATUSES);
    else if (key === 'effectiveDateTimeFrom') s.effectiveFrom = dateParam(key, value);
    else if (key === 'effectiveDateTimeTo') s.effectiveTo = dateParam(key, value);
  }
  return s;
}

export async function changeRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, config } = services;

  routes(app, '/changes', {
    GET: async (request) => {
      const query = queryOf(request);
      const search = parseChangeSearch(query);
      const rows = await searchChanges(store, principal(request).workspaceId, search, paging(query));
      return listBody(rows.map((c) => changeCompactJson(config, c)));
    },
  });

  routes(app, '/changes/:guid', {
    GET: async (request) => {
      const guid = guidParam(request);
      const change = await findChange(store, principal(request).workspaceId, guid);
      if (!change) throw arenaError(3011, guid);
      return changeJson(config, change);
    },
  });
}
