/**
 * The fastify application: Arena's envelope and headers around every response, sessions and rate
 * limits before every route but login, and one route module per Arena resource.
 *
 * ```ts
 * const app = buildApp(services);
 * await app.listen({ port: 8080 });
 * ```
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ArenaError, arenaError } from '../domain/errors.js';
import type { Services } from '../services.js';
import { changeRoutes } from './routes/changes.js';
import { exportRoutes } from './routes/exports.js';
import { importRoutes } from './routes/imports.js';
import { importRunRoutes } from './routes/import-runs.js';
import { itemRoutes } from './routes/items.js';
import { loginRoutes } from './routes/login.js';
import { settingsRoutes } from './routes/settings.js';
import { makeAuthenticate } from './session.js';

const PUBLIC_ROUTES = new Set(['POST /v1/login']);

export function buildApp(services: Services): FastifyInstance {
  const app = Fastify({
    logger: { level: services.config.logLevel },
    bodyLimit: 16 * 1024 * 1024,
    // Arena clients send `Content-Type: application/json` on GETs and empty PUTs: accept empty bodies.
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: true },
  });

  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ArenaError(400), undefined);
    }
  });

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('Server', 'ArenaSolutions');
  });

  const authenticate = makeAuthenticate(services);
  app.addHook('onRequest', async (request, reply) => {
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    if (PUBLIC_ROUTES.has(route)) return;
    await authenticate(request, reply);
  });

  app.setErrorHandler((error: FastifyError | ArenaError, request, reply) => {
    const arena = toArenaError(error);
    if (arena.status >= 500) request.log.error(error);
    reply.status(arena.status).type('application/json').send(arena.toBody());
  });

  app.setNotFoundHandler(async (_request, reply) => {
    const err = arenaError(404);
    return reply.status(404).type('application/json').send(err.toBody());
  });

  app.register(
    async (v1) => {
      await loginRoutes(v1, services);
      await itemRoutes(v1, services);
      await changeRoutes(v1, services);
      await settingsRoutes(v1, services);
      await exportRoutes(v1, services);
      await importRoutes(v1, services);
      await importRunRoutes(v1, services);
    },
    { prefix: '/v1' },
  );
  return app;
}

function toArenaError(error: FastifyError | ArenaError): ArenaError {
  if (error instanceof ArenaError) return error;
  const status = error.statusCode ?? 500;
  if (status === 413) return new ArenaError(413, [error.message.match(/\d+/)?.[0] ?? '']);
  if (status === 415) return new ArenaError(415, [error.message.replace(/^.*: /, '')]);
  if (status === 404) return arenaError(404);
  if (status >= 400 && status < 500) return new ArenaError(400, [], status);
  return arenaError(3000);
}
