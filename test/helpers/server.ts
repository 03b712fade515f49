/**
 * A plmx server for black-box tests: a fresh data dir, a seeded workspace, two users (alice, bob) and
 * a second workspace (carol's), driven through fastify.inject — the same HTTP stack, no port.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { closeServices, openServices } from '../../src/bootstrap.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createUser } from '../../src/domain/users.js';
import { createWorkspace } from '../../src/domain/workspace-defaults.js';
import { buildApp } from '../../src/http/app.js';
import type { Services } from '../../src/services.js';
import { seedWorkspace } from '../../src/store/seed/index.js';
import { scratchDatabase } from './database.js';

export const PASSWORD = 'correct horse battery';

export interface Response {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  json: any;
  raw: Buffer;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestServer {
  app: FastifyInstance;
  services: Services;
  dataDir: string;
  workspaceId: number;
  otherWorkspaceId: number;
  users: { alice: number; bob: number; carol: number };
  request(method: string, url: string, opts?: RequestOptions): Promise<Response>;
  /** GET that must answer 200; returns the JSON body. */
  getJson(url: string, token: string): Promise<any>;
  login(email: string, workspaceId?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(opts: { items?: number; config?: Partial<Config> } = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-test-'));
  const database = await scratchDatabase();
  // the in-process queue, on either database: the PostgreSQL queue has tests of its own (pg-run-queue, cluster)
  const config = loadConfig({ dataDir, databaseUrl: database.url, queue: 'embedded', pollMs: 20, logLevel: 'silent', ...opts.config });
  const services = await openServices(config);
  const workspaceId = await createWorkspace(services.store, 'Acme Robotics', config.defaultRequestLimit);
  const otherWorkspaceId = await createWorkspace(services.store, 'Other Co', config.defaultRequestLimit);
  const alice = await createUser(services.store, { email: 'alice@acme.test', password: PASSWORD, fullName: 'Alice Anders', workspaceIds: [workspaceId] });
  const bob = await createUser(services.store, { email: 'bob@acme.test', password: PASSWORD, fullName: 'Bob Brown', workspaceIds: [workspaceId] });
  const carol = await createUser(services.store, { email: 'carol@other.test', password: PASSWORD, fullName: 'Carol Chen', workspaceIds: [otherWorkspaceId] });
  await seedWorkspace(services.store, services.blobs, workspaceId, { items: opts.items ?? 60, userId: alice });
  await seedWorkspace(services.store, services.blobs, otherWorkspaceId, { items: 50, userId: carol });
  const app = buildApp(services);
  await app.ready();
  await services.queue.start();

  async function request(method: string, url: string, o: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.arena_session_id = o.token;
    if (o.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers,
      payload: o.body === undefined ? undefined : typeof o.body === 'string' || Buffer.isBuffer(o.body) ? o.body : JSON.stringify(o.body),
    });
    let json: unknown;
    if (String(res.headers['content-type'] ?? '').includes('json') && res.body !== '') json = JSON.parse(res.body);
    return { status: res.statusCode, headers: res.headers, json, raw: res.rawPayload };
  }

  return {
    app, services, dataDir, workspaceId, otherWorkspaceId, users: { alice, bob, carol }, request,
    async getJson(url, token) {
      const res = await request('GET', url, { token });
      assert.equal(res.status, 200, `${url}: ${JSON.stringify(res.json)}`);
      return res.json;
    },
    async login(email, wsId) {
      const res = await request('POST', '/v1/login', { body: { email, password: PASSWORD, workspaceId: wsId } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json.arenaSessionId as string;
    },
    async close() {
      await app.close();
      await closeServices(services);
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls an export run until it leaves CREATED/RUNNING. */
export async function waitForRun(server: TestServer, url: string, token: string, timeoutMs = 20_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await server.request('GET', url, { token });
    if (res.status !== 200 || !['CREATED', 'RUNNING'].includes(res.json.status)) return res;
    if (Date.now() > deadline) throw new Error(`run still ${res.json.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
