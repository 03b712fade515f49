/**
 * Every setting in one place. Precedence: command-line flags > environment (PLMX_*) > defaults.
 */
import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** directory of the embedded database and the local blob store */
  dataDir: string;
  /** postgres://… switches the store, the run queue and the blobs to PostgreSQL */
  databaseUrl?: string;
  /** api: serves HTTP and sends runs; worker: executes runs, no HTTP; all: both (PostgreSQL only for api/worker) */
  role: 'api' | 'worker' | 'all';
  /** embedded (in-process, over the runs tables) or pg-boss (PostgreSQL, any number of processes) */
  queue: 'embedded' | 'pg-boss';
  /** seconds without a heartbeat after which a worker's run is taken over by another worker (pg-boss queue) */
  leaseSeconds: number;
  /** base URL used in `url.api` / `url.app` fields of responses */
  publicUrl?: string;
  /** Arena's production export limits (20,000 items, 5,000 with BOM/FILES, one run at a time) */
  arenaLimits: boolean;
  /** days export results and import run files (submit, result, error) are kept */
  retentionDays: number;
  /** minutes of inactivity after which a session expires */
  sessionMinutes: number;
  /** requests per 24-hour period for workspaces created without an explicit limit */
  defaultRequestLimit: number;
  /** failed logins in a row that lock an account for five minutes */
  lockoutAttempts: number;
  /** how often the embedded run queue looks for new runs (ms) */
  pollMs: number;
  /** attempts of a run before it is marked FAILED */
  maxRunAttempts: number;
  /** largest accepted import upload (submitContent), bytes; larger -> 413 */
  maxUploadBytes: number;
  /** most bytes an .xlsx upload may inflate to while it is read (zip-bomb guard); more -> ERROR run */
  maxInflatedBytes: number;
  logLevel: string;
  /** PLMX_SLOW_QUERY_MS: log statements that take at least this long (for tuning) */
  slowQueryMs?: number;
}

const env = process.env;

function num(v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
}

function choice<T extends string>(v: string | undefined, values: readonly T[], fallback: T): T {
  if (v === undefined || v === '') return fallback;
  if (!(values as readonly string[]).includes(v)) throw new Error(`not one of ${values.join(', ')}: ${v}`);
  return v as T;
}

function bool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined || v === '') return fallback;
  return /^(1|true|yes|on)$/i.test(v);
}

export function loadConfig(flags: Partial<Config> = {}): Config {
  const config: Config = {
    host: env.PLMX_HOST ?? env.HOST ?? '127.0.0.1',
    port: num(env.PLMX_PORT ?? env.PORT, 8080),
    dataDir: path.resolve(env.PLMX_DATA_DIR ?? './data'),
    databaseUrl: env.PLMX_DATABASE_URL || undefined,
    role: choice(env.PLMX_ROLE, ['api', 'worker', 'all'] as const, 'all'),
    queue: choice(env.PLMX_QUEUE, ['embedded', 'pg-boss'] as const, env.PLMX_DATABASE_URL ? 'pg-boss' : 'embedded'),
    leaseSeconds: num(env.PLMX_LEASE_SECONDS, 30),
    publicUrl: env.PLMX_PUBLIC_URL || undefined,
    arenaLimits: bool(env.PLMX_ARENA_LIMITS, false),
    retentionDays: num(env.PLMX_RETENTION_DAYS, 60),
    sessionMinutes: num(env.PLMX_SESSION_MINUTES, 90),
    defaultRequestLimit: num(env.PLMX_REQUEST_LIMIT, 10000),
    lockoutAttempts: num(env.PLMX_LOCKOUT_ATTEMPTS, 5),
    pollMs: num(env.PLMX_POLL_MS, 200),
    maxRunAttempts: num(env.PLMX_MAX_RUN_ATTEMPTS, 3),
    maxUploadBytes: num(env.PLMX_MAX_UPLOAD_BYTES, 1024 * 1024 * 1024),
    maxInflatedBytes: num(env.PLMX_MAX_INFLATED_BYTES, 2 * 1024 * 1024 * 1024),
    logLevel: env.PLMX_LOG_LEVEL ?? 'warn',
    slowQueryMs: env.PLMX_SLOW_QUERY_MS ? num(env.PLMX_SLOW_QUERY_MS, 0) : undefined,
  };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) (config as unknown as Record<string, unknown>)[k] = v;
  if (flags.dataDir) config.dataDir = path.resolve(flags.dataDir);
  // a PostgreSQL URL given as a flag brings the PostgreSQL queue with it, unless the queue is chosen too
  if (flags.databaseUrl && flags.queue === undefined && !env.PLMX_QUEUE) config.queue = 'pg-boss';
  if (config.queue === 'pg-boss' && !config.databaseUrl) throw new Error('the pg-boss run queue needs PostgreSQL (PLMX_DATABASE_URL or --database-url)');
  if (config.role !== 'all' && config.queue !== 'pg-boss') throw new Error(`--role ${config.role} needs PostgreSQL: api and worker processes share runs through the pg-boss queue`);
  return Object.freeze(config);
}
