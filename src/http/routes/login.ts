import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { arenaError } from '../../domain/errors.js';
import { verifyPassword } from '../../domain/passwords.js';
import { pacificDay, zulu } from '../../domain/time.js';
import {
  findUserByEmail, recordLoginFailure, requestCount, revokeSession, startSession, userWorkspaces,
} from '../../store/auth-repo.js';
import type { Services } from '../../services.js';
import { routes } from '../route-table.js';
import { principal, setRateHeaders } from '../session.js';

const LOCK_MS = 5 * 60_000;
// Compared against when the e-mail is unknown, so both failures cost the same time.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function loginRoutes(app: FastifyInstance, { store, config }: Services): Promise<void> {
  routes(app, '/login', {
    POST: async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const email = typeof body.email === 'string' ? body.email : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const wanted = body.workspaceId === undefined || body.workspaceId === null || body.workspaceId === ''
        ? undefined
        : Number(body.workspaceId);

      const user = email ? await findUserByEmail(store, email) : undefined;
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (!user) throw arenaError(4001);
      if (user.locked_until && user.locked_until > zulu()) throw arenaError(4083);
      if (!ok) {
        await recordLoginFailure(store, user.id, config.lockoutAttempts, zulu(new Date(Date.now() + LOCK_MS)));
        throw user.failed_logins + 1 >= config.lockoutAttempts ? arenaError(4083) : arenaError(4001);
      }
      const workspaces = await userWorkspaces(store, user.id);
      const workspace = wanted === undefined ? workspaces[0] : workspaces.find((w) => w.id === wanted);
      if (!workspace) throw arenaError(4001);

      const token = randomBytes(24).toString('base64url');
      await startSession(store, user.id, workspace.id, token);
      setRateHeaders(reply, workspace.request_limit, await requestCount(store, workspace.id, pacificDay()));
      return {
        arenaSessionId: token,
        workspaceId: workspace.id,
        workspaceName: workspace.name,
        workspaceRequestLimit: workspace.request_limit,
      };
    },
  });

  routes(app, '/logout', {
    PUT: async (request, reply) => {
      await revokeSession(store, principal(request).token);
      return reply.status(200).send();
    },
  });
}

