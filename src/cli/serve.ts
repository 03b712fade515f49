import { closeServices, openServices } from '../bootstrap.js';
import type { Config } from '../config.js';
import { createUser } from '../domain/users.js';
import { createWorkspace } from '../domain/workspace-defaults.js';
import { buildApp } from '../http/app.js';
import { startRetentionSweep } from '../jobs/retention.js';
import { listWorkspaces } from '../store/auth-repo.js';
import { seedWorkspace } from '../store/seed/index.js';
import type { Services } from '../services.js';

export const DEMO = { email: 'demo@plmx.dev', password: 'plmx-demo', name: 'Demo User', workspace: 'Demo Workspace' };

/**
 * Serves the API (role api or all) and executes runs (role worker or all) until SIGINT/SIGTERM; then it
 * stops taking runs, lets the ones in hand finish (or hands them back to other workers) and exits.
 */
export async function serve(config: Config, opts: { demo: boolean }): Promise<void> {
  const services = await openServices(config);
  if (opts.demo) await ensureDemo(services);
  await services.queue.start();
  const sweep = config.role === 'api' ? undefined : startRetentionSweep(services);
  const app = config.role === 'worker' ? undefined : buildApp(services);
  if (app) {
    const address = await app.listen({ port: config.port, host: config.host });
    console.log(`plmx listening on ${address}/v1 (${config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`})`);
    if (opts.demo) console.log(`demo login: email ${DEMO.email}  password ${DEMO.password}`);
  } else {
    console.log(`plmx worker ready (PostgreSQL, pid ${process.pid})`);
  }

  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    clearInterval(sweep);
    await app?.close();
    await closeServices(services);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** On first start, a workspace with a seeded product structure and a user to log in with. */
async function ensureDemo({ store, blobs, config }: Services): Promise<void> {
  if ((await listWorkspaces(store)).length > 0) return;
  const items = Number(process.env.PLMX_DEMO_ITEMS ?? 2000);
  console.log(`first start: creating "${DEMO.workspace}" with ${items} items...`);
  const workspaceId = await createWorkspace(store, DEMO.workspace, config.defaultRequestLimit);
  const userId = await createUser(store, { email: DEMO.email, password: DEMO.password, fullName: DEMO.name, workspaceIds: [workspaceId] });
  await seedWorkspace(store, blobs, workspaceId, { items, userId });
}
