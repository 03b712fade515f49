/**
 * The `plmx` command line: thin wrappers over the services, one sub-command per task.
 */
import { Command, Option } from 'commander';
import { closeServices, openServices } from '../bootstrap.js';
import { type Config, loadConfig } from '../config.js';
import { createUser } from '../domain/users.js';
import { createWorkspace } from '../domain/workspace-defaults.js';
import { listWorkspaces } from '../store/auth-repo.js';
import { seedWorkspace } from '../store/seed/index.js';
import type { Store } from '../store/store.js';
import type { Services } from '../services.js';
import { serve } from './serve.js';

const program = new Command('plmx').description('Arena PLM REST API compatible Integration Engine server');

const dataOption = () => new Option('--data <dir>', 'data directory of the embedded database and blobs (env PLMX_DATA_DIR)');
const dbOption = () => new Option('--database-url <url>', 'PostgreSQL URL instead of the embedded database (env PLMX_DATABASE_URL)');

function configFrom(opts: { data?: string; databaseUrl?: string }, extra: Partial<Config> = {}): Config {
  return loadConfig({ dataDir: opts.data, databaseUrl: opts.databaseUrl, ...extra });
}

/** Runs a one-shot command against the store, closing it however the command ends. */
async function withServices(opts: { data?: string; databaseUrl?: string }, command: (services: Services) => Promise<void>): Promise<void> {
  const services = await openServices(configFrom(opts));
  try {
    await command(services);
  } finally {
    await closeServices(services);
  }
}

program
  .command('serve')
  .description('serve the Arena REST API under /v1')
  .option('--port <port>', 'port (env PORT or PLMX_PORT, default 8080)', (v) => Number(v))
  .option('--host <host>', 'interface to listen on (env PLMX_HOST, default 127.0.0.1)')
  .addOption(dataOption())
  .addOption(dbOption())
  .option('--arena-limits', "enforce Arena's export limits (20,000 items; 5,000 with BOM/FILES; one run at a time)")
  .option('--retention-days <days>', 'days export and import run results are kept (default 60)', (v) => Number(v))
  .option('--demo', 'create and seed a demo workspace and user on first start')
  .addOption(new Option('--role <role>', 'api: HTTP only; worker: runs only; all: both (env PLMX_ROLE, default all; api and worker need PostgreSQL)')
    .choices(['api', 'worker', 'all']))
  .action(async (opts) => {
    const config = configFrom(opts, {
      port: opts.port, host: opts.host, arenaLimits: opts.arenaLimits, retentionDays: opts.retentionDays, role: opts.role,
    });
    await serve(config, { demo: Boolean(opts.demo) });
  });

const users = program.command('users').description('manage users');
users
  .command('add')
  .requiredOption('--email <email>')
  .requiredOption('--password <password>')
  .requiredOption('--name <full name>')
  .option('--workspace-id <id...>', 'workspaces the user belongs to (default: the first workspace)')
  .addOption(dataOption())
  .addOption(dbOption())
  .action((opts) =>
    withServices(opts, async ({ store }) => {
      const ids: number[] = opts.workspaceId?.map(Number) ?? [(await listWorkspaces(store))[0]?.id].filter(Boolean);
      if (ids.length === 0) throw new Error('no workspace yet: create one with `plmx workspaces add --name ...`');
      const id = await createUser(store, { email: opts.email, password: opts.password, fullName: opts.name, workspaceIds: ids });
      console.log(`user ${id} (${opts.email}) in workspace(s) ${ids.join(', ')}`);
    }),
  );

const workspaces = program.command('workspaces').description('manage workspaces');
workspaces
  .command('add')
  .requiredOption('--name <name>')
  .option('--request-limit <n>', 'requests per 24-hour period', (v) => Number(v))
  .addOption(dataOption())
  .addOption(dbOption())
  .action((opts) =>
    withServices(opts, async ({ store, config }) => {
      const id = await createWorkspace(store, opts.name, opts.requestLimit ?? config.defaultRequestLimit);
      console.log(`workspace ${id} (${opts.name})`);
    }),
  );
workspaces
  .command('list')
  .addOption(dataOption())
  .addOption(dbOption())
  .action((opts) =>
    withServices(opts, async ({ store }) => {
      for (const w of await listWorkspaces(store)) console.log(`${w.id}\t${w.name}\t${w.request_limit}`);
    }),
  );

program
  .command('seed')
  .description('fill a workspace with a deterministic demo product structure')
  .requiredOption('--items <n>', 'number of items', (v) => Number(v))
  .option('--workspace-id <id>', 'workspace (default: the first)', (v) => Number(v))
  .option('--user-email <email>', 'creator and owner of the data (default: the first user of the workspace)')
  .addOption(dataOption())
  .addOption(dbOption())
  .action((opts) =>
    withServices(opts, async ({ store, blobs }) => {
      const workspaceId: number | undefined = opts.workspaceId ?? (await listWorkspaces(store))[0]?.id;
      if (workspaceId === undefined) throw new Error('no workspace yet: create one with `plmx workspaces add --name ...`');
      const userId = await seedUser(store, workspaceId, opts.userEmail);
      const started = performance.now();
      const summary = await seedWorkspace(store, blobs, workspaceId, { items: opts.items, userId });
      console.log(JSON.stringify(summary));
      console.log(`seeded ${opts.items} items in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }),
  );

async function seedUser(store: Store, workspaceId: number, email?: string): Promise<number> {
  let q = store.db
    .selectFrom('users as u')
    .innerJoin('workspace_users as wu', 'wu.user_id', 'u.id')
    .select('u.id')
    .where('wu.workspace_id', '=', workspaceId);
  if (email) q = q.where('u.email', '=', email.toLowerCase());
  const row = await q.orderBy('u.id').executeTakeFirst();
  if (!row) throw new Error(`no user ${email ?? ''} in workspace ${workspaceId}: add one with \`plmx users add\``);
  return row.id;
}

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`plmx: ${err.message}`);
  process.exit(1);
});
