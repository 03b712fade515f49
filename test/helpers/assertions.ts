import assert from 'node:assert/strict';
import type { Response } from './server.js';

export const ZULU = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const GUID = /^[0-9A-Z]{20}$/;

/** The response is Arena's error envelope with this status and first error code (and message, if given). */
export function assertError(res: Response, status: number, code: number, message?: string): void {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json.status, status);
  assert.equal(res.json.errors[0].code, code);
  if (message !== undefined) assert.equal(res.json.errors[0].message, message);
}
