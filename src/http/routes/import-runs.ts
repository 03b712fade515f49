/**
 * The Import Engine's run endpoints I5–I12 (spec §8.1, §8.6–§8.11). Thin: the engine is in
 * engine/import/run, SQL in store/import-run-repo, the JSON shape in domain/import-run-json.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { arenaError } from '../../domain/errors.js';
import { importRunJson } from '../../domain/import-run-json.js';
import { newGuid } from '../../domain/ids.js';
import { zulu } from '../../domain/time.js';
import { retentionCutoff } from '../../jobs/retention.js';
import { SourceFileError, detectSourceType } from '../../engine/import/run/source.js';
import { importSubmitKey } from '../../engine/import/run/executor.js';
import {
  type ImportDefinitionRow, type ImportRunRow, type ImportRunSearch, findImportDefinition, findImportRun, forceComplete, insertImportRun,
  requeueForCommit, runChanges, searchImportRuns,
} from '../../store/import-run-repo.js';
import type { Services } from '../../services.js';
import { boolParam, choiceParam, first, listBody, paging, searchAttributes } from '../query.js';
import { routes } from '../route-table.js';
import { principal } from '../session.js';

type Params = { importGuid: string; runGuid: string };

const RUN_SEARCH = ['number', 'status', 'creator.guid', 'creator.fullName', 'creator.email'] as const;
const RUN_STATUSES = ['CREATED', 'RUNNING', 'COMPLETE', 'ERROR', 'PURGED'] as const;
const FILE_TYPES = ['CSV', 'EXCEL_WORKSHEET'] as const;
/** Multipart file part names that carry the source file (Arena's documented name, then PR2's). */
const SUBMIT_PARTS = new Set(['submitContent', 'submit_content', 'file_content']);
const SNIFF_BYTES = 8192;

export async function importRunRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, blobs, queue, config } = services;
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes, files: 4, fields: 20 } });

  async function definitionOf(request: FastifyRequest): Promise<ImportDefinitionRow> {
    const { importGuid } = request.params as Params;
    const def = await findImportDefinition(store, principal(request).workspaceId, importGuid);
    if (!def) throw arenaError(3011, importGuid);
    return def;
  }

  /**
   * The run's files are gone (PURGED by the retention sweep) or past retention (the hourly sweep has not
   * come yet): the content endpoints answer 3017, as export content does.
   */
  function purged(run: ImportRunRow): boolean {
    if (run.status === 'PURGED') return true;
    return (run.status === 'COMPLETE' || run.status === 'ERROR') && run.completed_at !== null
      && run.completed_at <= retentionCutoff(config.retentionDays);
  }
  const purgedError = () => arenaError(3017, 'import', config.retentionDays);

  async function runOf(request: FastifyRequest): Promise<{ def: ImportDefinitionRow; run: ImportRunRow }> {
    const def = await definitionOf(request);
    const { runGuid } = request.params as Params;
    const run = await findImportRun(store, def.workspace_id, def.id, runGuid);
    if (!run) throw arenaError(3011, runGuid);
    return { def, run };
  }

  routes(app, '/imports/:importGuid/runs', {
    POST: async (request, reply) => {
      const me = principal(request);
      const def = await definitionOf(request);
      if (!request.isMultipart()) throw arenaError(3001, 'submitContent');
      const runGuid = newGuid();
      const key = importSubmitKey(runGuid);
      const fields: Record<string, string> = {};
      let fileName: string | null = null;
      let sniff = Buffer.alloc(0);
      let stored = false;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            fields[part.fieldname] = String(part.value ?? '');
            continue;
          }
          if (stored || !SUBMIT_PARTS.has(part.fieldname)) {
            part.file.resume(); // fileContent (physical files) is not used by ITEM_SPECS / ITEM_BOM imports
            continue;
          }
          fileName = part.filename || null;
          const peek = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              if (sniff.length < SNIFF_BYTES) sniff = Buffer.concat([sniff, chunk.subarray(0, SNIFF_BYTES - sniff.length)]);
              cb(null, chunk);
            },
          });
          await pipeline(part.file, peek, blobs.createWriteStream(key));
          stored = true;
        }
      } catch (err) {
        await blobs.delete(key).catch(() => {});
        if ((err as { statusCode?: number }).statusCode === 413 || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw arenaError(413, config.maxUploadBytes);
        }
        throw err;
      }
      if (!stored) throw arenaError(3001, 'submitContent');
      try {
        const query = request.query as Record<string, unknown>;
        const param = (name: string): string | undefined => {
          const v = first(query[name]) ?? fields[name];
          return v === undefined || v === '' ? undefined : String(v);
        };
        const commitRaw = param('commit');
        const commit = commitRaw === undefined ? true : boolParam('commit', commitRaw);
        const declaredRaw = param('submitFileType');
        const declared = declaredRaw === undefined ? undefined : choiceParam('submitFileType', declaredRaw, FILE_TYPES);
        const worksheet = param('submitWorksheetName') ?? param('submitWorsheetName') ?? null;
        let type;
        try {
          type = detectSourceType(sniff, fileName ?? undefined, declared);
        } catch (err) {
          if (err instanceof SourceFileError) throw arenaError(3175, err.message);
          throw err;
        }
        const runId = await insertImportRun(store, {
          workspaceId: me.workspaceId, guid: runGuid, definitionId: def.id,
          number: await store.nextSequence(me.workspaceId, `import-run:${def.id}`), commit, creatorId: me.userId, createdAt: zulu(),
          submitFileType: type, submitWorksheetName: type === 'EXCEL_WORKSHEET' ? worksheet : null, submitFileName: fileName, submitBlobKey: key,
        });
        // The answer shows the run as created: a worker may have taken it (even finished it) already.
        const run = await findImportRun(store, me.workspaceId, def.id, runGuid);
        await queue.enqueue('import', runId);
        const created = { ...run!, status: 'CREATED', completed_at: null, total_count: 0, success_count: 0, error_count: 0, warnings: '[]', error: null };
        return reply.status(201).send(importRunJson(created, def));
      } catch (err) {
        await blobs.delete(key).catch(() => {});
        throw err;
      }
    },
    GET: async (request) => {
      const def = await definitionOf(request);
      const query = request.query as Record<string, string>;
      const page = paging(query);
      const s = searchAttributes(query, RUN_SEARCH);
      const search: ImportRunSearch = {};
      if (s.number !== undefined) {
        if (!/^[1-9]\d*$/.test(s.number)) throw arenaError(3141);
        search.number = Number(s.number);
      }
      if (s.status !== undefined) search.status = choiceParam('status', s.status, RUN_STATUSES);
      if (s['creator.guid'] !== undefined) search.creatorGuid = s['creator.guid'];
      if (s['creator.fullName'] !== undefined) search.creatorFullName = s['creator.fullName'];
      if (s['creator.email'] !== undefined) search.creatorEmail = s['creator.email'];
      const rows = await searchImportRuns(store, def.workspace_id, def.id, search, page);
      const changes = await runChanges(store, rows.map((r) => r.id));
      return listBody(rows.map((r) => importRunJson(r, def, changes)));
    },
  });

  routes(app, '/imports/:importGuid/runs/:runGuid', {
    GET: async (request) => {
      const { def, run } = await runOf(request);
      return importRunJson(run, def, await runChanges(store, [run.id]));
    },
    PUT: async (request) => {
      const { def, run } = await runOf(request);
      const body = request.body as { commit?: unknown } | undefined;
      const raw = body?.commit ?? first((request.query as Record<string, unknown>).commit);
      const commit = raw === undefined || raw === null || raw === '' ? false : typeof raw === 'boolean' ? raw : boolParam('commit', raw);
      if (run.commit === 1) throw arenaError(3517, run.guid);
      if (!commit) throw arenaError(3519);
      if (run.status === 'CREATED' || run.status === 'RUNNING') throw arenaError(3176, 'commit', run.guid, run.status);
      if (purged(run)) throw arenaError(3176, 'commit', run.guid, 'PURGED'); // its submit file is (about to be) gone
      if (!(await requeueForCommit(store, run.id))) throw arenaError(3517, run.guid);
      await queue.enqueue('import', run.id);
      const again = await findImportRun(store, def.workspace_id, def.id, run.guid);
      return importRunJson(again!, def);
    },
  });

  routes(app, '/imports/:importGuid/runs/:runGuid/complete', {
    PUT: async (request) => {
      const { def, run } = await runOf(request);
      await forceComplete(store, run.id, zulu());
      const again = await findImportRun(store, def.workspace_id, def.id, run.guid);
      return importRunJson(again!, def);
    },
  });

  async function sendBlob(reply: FastifyReply, key: string, type: string, fileName: string) {
    const size = await blobs.size(key);
    if (size === null) throw purgedError();
    return reply
      .type(type)
      .header('Content-Length', String(size))
      .header('Content-Disposition', `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`)
      .send(blobs.createReadStream(key));
  }

  routes(app, '/imports/:importGuid/runs/:runGuid/submitContent', {
    GET: async (request, reply) => {
      const { run } = await runOf(request);
      if (purged(run)) throw purgedError();
      const name = run.submit_file_name ?? (run.submit_file_type === 'EXCEL_WORKSHEET' ? 'submit.xlsx' : 'submit.csv');
      const type = run.submit_file_type === 'EXCEL_WORKSHEET' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
      return sendBlob(reply, run.submit_blob_key, type, name);
    },
  });

  for (const which of ['resultContent', 'errorContent'] as const) {
    routes(app, `/imports/:importGuid/runs/:runGuid/${which}`, {
      GET: async (request, reply) => {
        const { def, run } = await runOf(request);
        const key = which === 'resultContent' ? run.result_blob_key : run.error_blob_key;
        if (purged(run)) throw purgedError();
        if (run.status !== 'COMPLETE' || key === null) throw arenaError(3176, which, run.guid, run.status);
        const suffix = which === 'resultContent' ? 'Results' : 'Errors';
        return sendBlob(reply, key, 'text/csv; charset=utf-8', `${def.name} Import ${run.number} ${suffix}.csv`);
      },
    });
  }
}
