/**
 * Import Engine helpers for black-box tests: a hand-built multipart body, CSV result parsing, and a small
 * client that defines imports (I1), uploads runs (I5), waits for them (I7) and downloads their files.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { type TestServer, waitForRun } from './server.js';
import { readZip } from './zip.js';

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: string | Buffer;
}

/** A multipart/form-data body built by hand: boundary, part headers, CRLFs. */
export function multipart(parts: Part[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----plmx${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.contentType) head += `Content-Type: ${p.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export function csvRows(raw: Buffer): Record<string, string>[] {
  return parse(raw, { columns: true, bom: true }) as Record<string, string>[];
}

export interface ImportClient {
  /** POST /imports; returns the definition guid */
  define(resource: string, mode: string, options?: Record<string, unknown>): Promise<string>;
  /** uploads `csv` as a run and waits until it is no longer CREATED/RUNNING; returns the run */
  run(defGuid: string, csv: string, commit: boolean): Promise<any>;
  /** GET submitContent / resultContent / errorContent (must answer 200) */
  content(defGuid: string, runGuid: string, which: 'submitContent' | 'resultContent' | 'errorContent'): Promise<Buffer>;
}

export function importClient(server: TestServer, token: string): ImportClient {
  return {
    async define(resource, mode, options = {}) {
      const res = await server.request('POST', '/v1/imports', { token, body: { name: `${resource} ${mode}`, resource, mode, options } });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      return res.json.guid as string;
    },
    async run(defGuid, csv, commit) {
      const { body, headers } = multipart([
        { name: 'commit', data: String(commit) },
        { name: 'submitContent', filename: 'rows.csv', contentType: 'text/csv', data: csv },
      ]);
      const started = await server.request('POST', `/v1/imports/${defGuid}/runs`, { token, body, headers });
      assert.equal(started.status, 201, JSON.stringify(started.json));
      const done = await waitForRun(server, `/v1/imports/${defGuid}/runs/${started.json.guid}`, token);
      assert.equal(done.status, 200);
      return done.json;
    },
    async content(defGuid, runGuid, which) {
      const res = await server.request('GET', `/v1/imports/${defGuid}/runs/${runGuid}/${which}`, { token });
      assert.equal(res.status, 200, `${which}: ${res.raw.toString()}`);
      return res.raw;
    },
  };
}

/**
 * Defines an ITEMS export of the items whose number contains a 0, runs it and returns the entries of its
 * zip (for round trips: export, then import back).
 */
export async function exportEntries(server: TestServer, token: string, name: string, options: Record<string, unknown>): Promise<Map<string, Buffer>> {
  const exp = await server.request('POST', '/v1/exports', {
    token,
    body: { name, world: 'ITEMS', options, criteria: [[{ attribute: 'number', operator: 'CONTAINS', value: '0' }]] },
  });
  assert.equal(exp.status, 201, JSON.stringify(exp.json));
  const started = await server.request('POST', `/v1/exports/${exp.json.guid}/runs`, { token, body: {} });
  assert.equal(started.status, 201, JSON.stringify(started.json));
  const done = await waitForRun(server, `/v1/exports/${exp.json.guid}/runs/${started.json.guid}`, token);
  assert.equal(done.json.status, 'COMPLETE', JSON.stringify(done.json));
  const zip = await server.request('GET', `/v1/exports/${exp.json.guid}/runs/${started.json.guid}/files/${done.json.files[0].guid}/content`, { token });
  assert.equal(zip.status, 200);
  return readZip(zip.raw);
}
