/**
 * Real plmx processes for black-box tests: `node bin/plmx.js serve` children on one data dir and one
 * database (a scratch PostgreSQL database when PLMX_DATABASE_URL is set, else the embedded one), each
 * started with a role, their output kept for failure messages, and a fetch-based HTTP client.
 *
 * ```ts
 * const cluster = await startCluster({ env: { PLMX_LEASE_SECONDS: '5' } });
 * const { workspaceId } = await cluster.addWorkspace({ name: 'Acme', users: [{ email: 'a@acme.test' }] });
 * const api = await cluster.start('api');
 * const worker = await cluster.start('worker');
 * const token = await login(api.url!, 'a@acme.test');
 * const res = await http(api.url!, 'GET', '/items', { token });
 * await worker.kill('SIGKILL');
 * await cluster.close(); // kills every child, drops the database, removes the data dir
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { closeServices, openServices } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createUser } from '../../src/domain/users.js';
import { createWorkspace } from '../../src/domain/workspace-defaults.js';
import type { Services } from '../../src/services.js';
import { seedWorkspace } from '../../src/store/seed/index.js';
import { type ScratchDatabase, scratchDatabase } from './database.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLUSTER_PASSWORD = 'cluster test password';

export type Role = 'api' | 'worker' | 'all';
export type Exit = number | string | null;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Children still alive when the test process exits are killed, so none outlives a crashed test. */
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of alive) c.kill('SIGKILL');
});

export interface SpawnOptions {
  dataDir: string;
  databaseUrl?: string;
  /** passed as `--role`; left out when undefined (serve's default, all) */
  role?: Role;
  label: string;
  /** added to the environment (PLMX_* settings); PLMX_LOG_LEVEL defaults to warn */
  env?: Record<string, string>;
  port?: number;
}

/** One `plmx serve` child process. */
export class PlmxProcess {
  readonly label: string;
  readonly role?: Role;
  /** everything the child printed, chunk by chunk, each prefixed with its label and stream */
  readonly logs: string[] = [];
  /** resolves with the signal that ended the child, or its exit code */
  readonly exited: Promise<Exit>;
  /** the API root, `http://HOST:PORT/v1`, once the child listens (roles api and all) */
  url?: string;
  #proc: ChildProcess;
  #exit?: Exit;

  constructor(opts: SpawnOptions) {
    this.label = opts.label;
    this.role = opts.role;
    const args = ['bin/plmx.js', 'serve', '--port', String(opts.port ?? 0), '--host', '127.0.0.1', '--data', opts.dataDir];
    if (opts.databaseUrl) args.push('--database-url', opts.databaseUrl);
    if (opts.role) args.push('--role', opts.role);
    this.#proc = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, PLMX_LOG_LEVEL: 'warn', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    alive.add(this.#proc);
    const keep = (stream: string) => (chunk: Buffer) => this.logs.push(`[${this.label} ${stream}] ${chunk.toString()}`);
    this.#proc.stdout!.on('data', keep('out'));
    this.#proc.stderr!.on('data', keep('err'));
    this.exited = new Promise((resolve) =>
      this.#proc.once('exit', (code, signal) => {
        alive.delete(this.#proc);
        this.#exit = signal ?? code;
        this.logs.push(`[${this.label}] exited: ${this.#exit}\n`);
        resolve(this.#exit);
      }),
    );
  }

  get pid(): number {
    return this.#proc.pid!;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  output(): string {
    return this.logs.join('');
  }

  /**
   * Resolves once the child is ready: `plmx listening on http://…/v1` (api, all; sets `url`) or
   * `plmx worker ready` (worker). Throws with the child's output if it exits first or takes too long.
   */
  async ready(timeoutMs = 60_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const out = this.output();
      const m = /plmx listening on (http:\/\/\S+\/v1)/.exec(out);
      if (m) {
        this.url = m[1];
        return this;
      }
      if (this.role === 'worker' && out.includes('plmx worker ready')) return this;
      if (!this.running) throw new Error(`${this.label} exited before it was ready:\n${out}`);
      if (Date.now() > deadline) throw new Error(`${this.label} not ready after ${timeoutMs} ms:\n${out}`);
      await sleep(25);
    }
  }

  /** Sends the signal and waits for the child to exit; resolves with how it ended. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (!this.running) return this.#exit!;
    this.#proc.kill(signal);
    return this.exited;
  }

  /** SIGTERM, and SIGKILL if the child has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (!this.running) return this.#exit!;
    this.#proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const res = await Promise.race([this.exited, new Promise<'timeout'>((r) => (timer = setTimeout(r, graceMs, 'timeout')))]);
    clearTimeout(timer);
    if (res === 'timeout') return this.kill('SIGKILL');
    return res;
  }
}

export interface UserSpec {
  email: string;
  /** default CLUSTER_PASSWORD */
  password?: string;
  fullName?: string;
}

export interface Cluster {
  dataDir: string;
  /** the scratch PostgreSQL database; undefined on the embedded database */
  databaseUrl?: string;
  /** every child started so far, dead ones included */
  processes: PlmxProcess[];
  /** Starts a child with the role (undefined: no `--role` flag) and waits until it is ready. */
  start(role?: Role, opts?: { env?: Record<string, string>; label?: string }): Promise<PlmxProcess>;
  /** Opens the services in this process (migrations run on open), runs `fn`, closes them. */
  withServices<T>(fn: (services: Services) => Promise<T>): Promise<T>;
  /** A workspace with its users, created through the store; optionally seeded with demo items. */
  addWorkspace(spec: { name: string; requestLimit?: number; users: UserSpec[]; seedItems?: number }): Promise<{ workspaceId: number; userIds: number[] }>;
  /** One SQL statement on the scratch PostgreSQL database (`$1` parameters); PostgreSQL only. */
  query<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** The output of every child, oldest first (the last `max` characters). */
  logs(max?: number): string;
  /** Appends the children's output to an error's message, for failure reports. */
  withLogs(err: unknown, max?: number): Error;
  /** Stops every child (SIGTERM, then SIGKILL after `graceMs`), drops the database, removes the data dir. */
  close(graceMs?: number): Promise<void>;
}

export async function startCluster(opts: { env?: Record<string, string>; baseDatabaseUrl?: string } = {}): Promise<Cluster> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-cluster-'));
  let database: ScratchDatabase;
  try {
    database = await scratchDatabase(opts.baseDatabaseUrl ?? process.env.PLMX_DATABASE_URL);
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const processes: PlmxProcess[] = [];
  const counts: Record<string, number> = {};
  let pool: pg.Pool | undefined;

  const cluster: Cluster = {
    dataDir,
    databaseUrl: database.url,
    processes,

    async start(role, o = {}) {
      const name = role ?? 'serve';
      const label = o.label ?? `${name}#${(counts[name] = (counts[name] ?? 0) + 1)}`;
      const child = new PlmxProcess({ dataDir, databaseUrl: database.url, role, label, env: { ...opts.env, ...o.env } });
      processes.push(child);
      return child.ready();
    },

    async withServices(fn) {
      const services = await openServices(loadConfig({ dataDir, databaseUrl: database.url, logLevel: 'silent' }));
      try {
        return await fn(services);
      } finally {
        await closeServices(services);
      }
    },

    addWorkspace(spec) {
      return cluster.withServices(async (services) => {
        const workspaceId = await createWorkspace(services.store, spec.name, spec.requestLimit ?? 1_000_000);
        const userIds: number[] = [];
        for (const u of spec.users) {
          userIds.push(await createUser(services.store, {
            email: u.email, password: u.password ?? CLUSTER_PASSWORD, fullName: u.fullName ?? u.email, workspaceIds: [workspaceId],
          }));
        }
        if (spec.seedItems) await seedWorkspace(services.store, services.blobs, workspaceId, { items: spec.seedItems, userId: userIds[0] });
        return { workspaceId, userIds };
      });
    },

    async query(text, params = []) {
      if (!database.url) throw new Error('cluster.query needs PostgreSQL (PLMX_DATABASE_URL)');
      pool ??= new pg.Pool({ connectionString: database.url, max: 4 });
      return (await pool.query(text, params)).rows;
    },

    logs(max = 30_000) {
      return processes.map((p) => p.output()).join('').slice(-max);
    },

    withLogs(err, max) {
      const e = err instanceof Error ? err : new Error(String(err));
      e.message += `\n--- plmx output ---\n${cluster.logs(max)}`;
      return e;
    },

    async close(graceMs = 10_000) {
      await Promise.all(processes.map((p) => p.stop(graceMs)));
      await pool?.end();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** the parsed body when it is JSON */
  json: any;
  text: string;
  raw: Buffer;
}

/**
 * One request to a plmx API root (`http://HOST:PORT/v1`); `path` is relative to it (`/items`). A
 * FormData body goes as multipart, a Buffer or string as is, anything else as JSON.
 */
export async function http(
  apiRoot: string, method: string, urlPath: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.arena_session_id = opts.token;
  let body: RequestInit['body'];
  if (opts.body instanceof FormData || typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) body = opts.body as RequestInit['body'];
  else if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(`${apiRoot}${urlPath}`, { method, headers, body });
  const raw = Buffer.from(await res.arrayBuffer());
  const text = raw.toString('utf8');
  const json = text !== '' && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, json, text, raw };
}

/** POST /login; returns the session token (throws with the answer unless 200). */
export async function login(apiRoot: string, email: string, password = CLUSTER_PASSWORD, workspaceId?: number): Promise<string> {
  const res = await http(apiRoot, 'POST', '/login', { body: { email, password, workspaceId } });
  if (res.status !== 200) throw new Error(`login ${email} on ${apiRoot}: ${res.status} ${res.text}`);
  return res.json.arenaSessionId as string;
}
