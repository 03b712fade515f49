/**
 * The query-string rules every Arena list endpoint shares: offset/limit (default 0/20, limit 1–400,
 * else 3220), a fixed set of searchable attributes (anything else 3019), and string matching that is
 * exact unless the value ends with the `*` wildcard.
 */
import { arenaError } from '../domain/errors.js';

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
