/**
 * The Export Engine's endpoints E1–E10 (spec §5). Thin: validation lives in engine/export, SQL in the
 * store, JSON shapes in domain/export-json.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isEmptyCriteria, loadCriteriaContext, parseCriteria } from '../../engine/criteria/index.js';
import { checkArenaLimits, countSelection } from '../../engine/export/limits.js';
import { validateDefinitionBody } from '../../engine/export/options.js';
import { arenaError } from '../../domain/errors.js';
import { definitionJson, fileJson, runJson } from '../../domain/export-json.js';
import { newGuid } from '../../domain/ids.js';
import { zulu } from '../../domain/time.js';
import {
  DEFINITION_SEARCH, type RunRow, type RunSearch, activeRunCount, findDefinition, findRun, findRunFile, insertDefinition,
  insertRun, markDownloaded, runFiles, searchDefinitions, searchRuns,
} from '../../store/export-repo.js';
import type { Services } from '../../services.js';
import { boolParam, choiceParam, dateParam, listBody, paging, searchAttributes } from '../query.js';
import { routes } from '../route-table.js';
import { principal } from '../session.js';

type Params = { exportGuid: string; runGuid: string; fileGuid: string };

const RUN_SEARCH = ['number', 'status', 'latestCompleted', 'completionDateTimeFrom', 'completionDateTimeTo'] as const;
const RUN_STATUSES = ['CREATED', 'RUNNING', 'COMPLETE', 'DOWNLOADED', 'FAILED', 'ABORTED'] as const;

export async function exportRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, config, queue, blobs } = services;

  async function definitionOf(request: FastifyRequest) {
    const { exportGuid } = request.params as Params;
    const def = await findDefinition(store, principal(request).workspaceId, exportGuid);
    if (!def) throw arenaError(3011, exportGuid);
    return def;
  }

  /** A run of the definition in the path, readable only by the user who started it (3024). */
  async function runOf(request: FastifyRequest): Promise<RunRow> {
    const def = await definitionOf(request);
    const { runGuid } = request.params as Params;
    const run = await findRun(store, def.workspace_id, def.id, runGuid);
    if (!run) throw arenaError(3011, runGuid);
    if (run.creator_id !== principal(request).userId) throw arenaError(3024);
    return run;
  }

  async function withFiles(run: RunRow) {
    return runJson(run, await runFiles(store, [run.id]));
  }

  routes(app, '/exports', {
    POST: async (request, reply) => {
      const me = principal(request);
      const body = validateDefinitionBody(request.body);
      const criteria = isEmptyCriteria(body.criteria) ? null : body.criteria;
      if (criteria !== null) parseCriteria(criteria, await loadCriteriaContext(store, me.workspaceId));
      const guid = newGuid();
      await insertDefinition(store, {
        workspaceId: me.workspaceId, guid, number: await store.nextSequence(me.workspaceId, 'export-definition'),
        name: body.name, description: body.description, world: body.world, criteria: criteria === null ? null : JSON.stringify(criteria),
        options: JSON.stringify(body.options), creatorId: me.userId, createdAt: zulu(),
      });
      const def = await findDefinition(store, me.workspaceId, guid);
      return reply.status(201).send(definitionJson(def!));
    },
    GET: async (request) => {
      const query = request.query as Record<string, string>;
      const page = paging(query);
      const search = searchAttributes(query, Object.keys(DEFINITION_SEARCH));
      if (search.number !== undefined && !/^[1-9]\d*$/.test(search.number)) throw arenaError(3141);
      const rows = await searchDefinitions(store, principal(request).workspaceId, search, page);
      return listBody(rows.map(definitionJson));
    },
  });

  routes(app, '/exports/:exportGuid', {
    GET: async (request) => definitionJson(await definitionOf(request)),
  });

  routes(app, '/exports/:exportGuid/runs', {
    POST: async (request, reply) => {
      const me = principal(request);
      const def = await definitionOf(request);
      const given = (request.body as { criteria?: unknown } | undefined)?.criteria;
      const defHas = def.criteria !== null;
      const runHas = !isEmptyCriteria(given);
      if (defHas && runHas) throw arenaError(3142);
      if (!defHas && !runHas) throw arenaError(3140);
      const raw = runHas ? given : JSON.parse(def.criteria!);
      const criteria = parseCriteria(raw, await loadCriteriaContext(store, me.workspaceId));
      let matched: number | null = null;
      if (config.arenaLimits) {
        if ((await activeRunCount(store, me.workspaceId)) > 0) throw arenaError(3144);
        const counts = await countSelection(store, me.workspaceId, criteria, JSON.parse(def.options));
        checkArenaLimits(counts, JSON.parse(def.options));
        matched = counts.items;
      }
      const guid = newGuid();
      const runId = await insertRun(store, {
        workspaceId: me.workspaceId, guid, definitionId: def.id, number: await store.nextSequence(me.workspaceId, `export-run:${def.id}`),
        creatorId: me.userId, createdAt: zulu(), criteria: JSON.stringify(raw), criteriaResultsCount: matched,
      });
      // The answer shows the run as created: a worker may have taken it (even finished it) already.
      const run = await findRun(store, me.workspaceId, def.id, guid);
      await queue.enqueue('export', runId);
      return reply.status(201).send(runJson({ ...run!, status: 'CREATED', completed_at: null }, []));
    },
    GET: async (request) => {
      const me = principal(request);
      const def = await definitionOf(request);
      const query = request.query as Record<string, string>;
      const page = paging(query);
      const s = searchAttributes(query, RUN_SEARCH);
      const search: RunSearch = { creatorId: me.userId };
      if (s.number !== undefined) {
        if (!/^[1-9]\d*$/.test(s.number)) throw arenaError(3141);
        search.number = Number(s.number);
      }
      if (s.status !== undefined) search.status = choiceParam('status', s.status, RUN_STATUSES);
      if (s.completionDateTimeFrom !== undefined) search.completedFrom = dateParam('completionDateTimeFrom', s.completionDateTimeFrom);
      if (s.completionDateTimeTo !== undefined) search.completedTo = dateParam('completionDateTimeTo', s.completionDateTimeTo);
      if (s.latestCompleted !== undefined) search.latestCompleted = boolParam('latestCompleted', s.latestCompleted);
      const rows = await searchRuns(store, me.workspaceId, def.id, search, page);
      const files = await runFiles(store, rows.map((r) => r.id));
      return listBody(rows.map((r) => runJson(r, files.filter((f) => f.run_id === r.id))));
    },
  });

  routes(app, '/exports/:exportGuid/runs/latestCompleted', {
    GET: async (request) => {
      const def = await definitionOf(request);
      const [run] = await searchRuns(store, def.workspace_id, def.id, { creatorId: principal(request).userId, latestCompleted: true }, { offset: 0, limit: 1 });
      if (!run) throw arenaError(404);
      return withFiles(run);
    },
  });

  routes(app, '/exports/:exportGuid/runs/:runGuid', {
    GET: async (request) => withFiles(await runOf(request)),
  });

  async function fileOf(request: FastifyRequest) {
    const run = await runOf(request);
    const { fileGuid } = request.params as Params;
    const file = await findRunFile(store, run.id, fileGuid);
    if (!file) throw arenaError(3011, fileGuid);
    return { run, file };
  }

  routes(app, '/exports/:exportGuid/runs/:runGuid/files/:fileGuid', {
    GET: async (request) => {
      const { run, file } = await fileOf(request);
      return fileJson(file, run);
    },
  });

  routes(app, '/exports/:exportGuid/runs/:runGuid/files/:fileGuid/content', {
    GET: async (request, reply) => {
      const { run, file } = await fileOf(request);
      const expired = file.purged === 1 || file.expires_at <= zulu() || (await blobs.size(file.blob_key)) === null;
      if (expired) throw arenaError(3017, 'export', config.retentionDays);
      const stream = blobs.createReadStream(file.blob_key);
      await markDownloaded(store, run.id);
      return reply
        .type(file.mime_type)
        .header('Content-Length', String(file.size))
        .header('Content-Disposition', `attachment; filename="${file.name.replace(/["\\\r\n]/g, '_')}"`)
        .send(stream);
    },
  });
}
