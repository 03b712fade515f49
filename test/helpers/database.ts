/**
 * A database of its own for each test server. On the embedded database that is the temp data dir; with
 * PLMX_DATABASE_URL set, a fresh PostgreSQL database is created beside the one named, and dropped after.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  url?: string;
  drop(): Promise<void>;
}

export async function scratchDatabase(baseUrl = process.env.PLMX_DATABASE_URL): Promise<ScratchDatabase> {
  if (!baseUrl) return { drop: async () => {} };
  const name = `plmx_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
