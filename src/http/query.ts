/**
 * The query-string rules every Arena list endpoint shares: offset/limit (default 0/20, limit 1–400,
 * else 3220), a fixed set of searchable attributes (anything else 3019), and string matching that is
 * exact unless the value ends with the `*` wildcard.
 */
import type { FastifyRequest } from 'fastify';
import { arenaError } from '../domain/errors.js';
import { looksLikeGuid } from '../domain/ids.js';
import { parseClientDate } from '../domain/time.js';

export { likePattern } from '../store/like.js';

export interface Paging {
  offset: number;
  limit: number;
}

export const MAX_LIMIT = 400;

export function paging(query: Record<string, unknown>): Paging {
  const parse = (v: unknown, fallback: number) => {
    if (v === undefined || v === '') return fallback;
    if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw arenaError(3220);
    return Number(v);
  };
  const offset = parse(query.offset, 0);
  const limit = parse(query.limit, 20);
  if (offset < 0 || limit < 1 || limit > MAX_LIMIT) throw arenaError(3220);
  return { offset, limit };
}

/** Query parameters that are not search attributes on any list endpoint. */
const CONTROL = new Set(['offset', 'limit']);

/**
 * The search attributes of a request, checked against what the endpoint allows (case-sensitive, as
 * Arena's are). Returns them in a plain object; a repeated parameter keeps its first value.
 */
export function searchAttributes(query: Record<string, unknown>, allowed: readonly string[], extraControl: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(query)) {
    if (CONTROL.has(key) || extraControl.includes(key)) continue;
    if (!allowed.includes(key)) throw arenaError(3019, key);
    const value = Array.isArray(raw) ? raw[0] : raw;
    out[key] = String(value ?? '');
  }
  return out;
}

export function listBody<T>(results: T[]): { count: number; results: T[] } {
  return { count: results.length, results };
}

export type Query = Record<string, unknown>;

export function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

/** The first value of a query parameter given once or repeated. */
export function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/** `true` / `false` (any case) or 3003. */
export function boolParam(name: string, raw: unknown): boolean {
  const v = String(first(raw) ?? '').toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw arenaError(3003, name);
}

/** An optional boolean flag: absent is `fallback`. */
export function optionalBoolParam(query: Query, name: string, fallback = false): boolean {
  return query[name] === undefined || query[name] === '' ? fallback : boolParam(name, query[name]);
}

/** A date in any ISO 8601 form, as Zulu seconds, or 3003. */
export function dateParam(name: string, raw: unknown): string {
  const d = parseClientDate(first(raw));
  if (!d) throw arenaError(3003, name);
  return d;
}

/** A value from a fixed list (compared upper-cased), or 3006. */
export function choiceParam<T extends string>(name: string, raw: unknown, allowed: readonly T[]): T {
  const v = String(first(raw) ?? '').toUpperCase();
  const hit = allowed.find((a) => a === v);
  if (!hit) throw arenaError(3006, String(first(raw) ?? ''), name);
  return hit;
}

/** The `:guid` of a path, or 3011 when it cannot be one. */
export function guidParam(request: FastifyRequest): string {
  const guid = String((request.params as { guid?: string }).guid ?? '');
  if (!looksLikeGuid(guid)) throw arenaError(3011, guid);
  return guid;
}
