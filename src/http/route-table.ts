/**
 * Registers a path's handlers by method and answers every other method on it with 405, as Arena does,
 * instead of fastify's 404.
 *
 * ```ts
 * routes(app, '/exports', { GET: listExports, POST: createExport });
 * ```
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { arenaError } from '../domain/errors.js';

export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

export function routes(app: FastifyInstance, url: string, handlers: Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', Handler>>): void {
  for (const [method, handler] of Object.entries(handlers)) {
    app.route({ method: method as HTTPMethods, url, handler: handler as Handler });
  }
  const others = METHODS.filter((m) => !(m in handlers));
  app.route({
    method: others,
    url,
    handler: async () => {
      throw arenaError(405);
    },
  });
}
