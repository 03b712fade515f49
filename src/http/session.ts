/**
 * Who is calling, and how many requests their workspace has left. Runs before every route but login:
 * resolves the `arena_session_id` header (any case) or cookie, applies the 90-minute sliding expiry, then
 * counts the request against the workspace's 24-hour quota and sets the two X-Arena headers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ArenaError, arenaError } from '../domain/errors.js';
import { arenaResetHeader, nextPacificMidnight, pacificDay } from '../domain/time.js';
import { type SessionInfo, countRequest, findSession, touchSession } from '../store/auth-repo.js';
import type { Services } from '../services.js';

export interface Principal extends SessionInfo {}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const TOUCH_EVERY_MS = 30_000;

export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.arena_session_id;
  if (typeof header === 'string' && header !== '') return header;
  const cookie = request.headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim().toLowerCase() === 'arena_session_id') {
      return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return undefined;
}

export function setRateHeaders(reply: FastifyReply, limit: number, used: number, now = new Date()): void {
  reply.header('X-Arena-Requests-Remaining', String(Math.max(0, limit - used)));
  reply.header('X-Arena-Next-Request-Limit-Reset', arenaResetHeader(nextPacificMidnight(now)));
}

export function makeAuthenticate(services: Services) {
  const { store, config } = services;
  const expiryMs = config.sessionMinutes * 60_000;

  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = sessionToken(request);
    const session = token ? await findSession(store, token) : undefined;
    const now = Date.now();
    if (!session || session.revoked || now - session.lastSeenMs > expiryMs) {
      // With no workspace to charge, report the server's default quota untouched.
      setRateHeaders(reply, config.defaultRequestLimit, 0);
      throw arenaError(401);
    }
    const limit = session.workspace.requestLimit;
    const used = await countRequest(store, session.workspaceId, pacificDay(new Date(now)));
    setRateHeaders(reply, limit, used);
    if (used > limit) {
      throw new ArenaError(4084, [limit, arenaResetHeader(nextPacificMidnight(new Date(now)))]);
    }
    if (now - session.lastSeenMs > TOUCH_EVERY_MS) await touchSession(store, session.token, now);
    request.principal = session;
  };
}

/** The caller of an authenticated route. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw arenaError(401);
  return request.principal;
}
