import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * A LIKE pattern for Arena's string search: exact unless the value ends in `*` (a prefix wildcard; `*`
 * elsewhere also matches any run of characters). Literal `%` and `_` are escaped with `\`.
 */
export function likePattern(value: string): { pattern: string; wildcard: boolean } {
  const escaped = value.replace(/[\\%_]/g, (c) => `\\${c}`);
  return { pattern: escaped.replace(/\*/g, '%'), wildcard: value.includes('*') };
}

/**
 * Arena's string-search condition on a column: exact match, or a case-insensitive LIKE when the value
 * holds the `*` wildcard. The ESCAPE clause makes `\` the escape on SQLite as on PostgreSQL.
 */
export function stringMatch(column: string, value: string): RawBuilder<SqlBool> {
  const { pattern, wildcard } = likePattern(value);
  return wildcard
    ? sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern.toLowerCase()} escape '\\'`
    : sql<SqlBool>`${sql.ref(column)} = ${value}`;
}
