/**
 * Which revision of an item an export uses at each BOM level (spec §5.6), as SQL expressions over an
 * `items` alias, plus the few dialect differences the export queries care about.
 *
 * | revisionStatus | top level (criteria matches)          | BOM levels below                       |
 * |----------------|---------------------------------------|----------------------------------------|
 * | LATEST         | latest_rev_id                         | latest_rev_id                          |
 * | WORKING        | working_rev_id, else latest_rev_id    | latest_rev_id                          |
 * | POTENTIAL      | working_rev_id, else latest_rev_id    | working_rev_id, else latest_rev_id     |
 */
import { type RawBuilder, sql } from 'kysely';
import type { Dialect } from '../../store/store.js';
import type { RevisionStatus } from './options.js';

/** `alias` is always a constant written in this folder, never user input. */
function latest(alias: string): RawBuilder<number | null> {
  return sql.raw<number | null>(`${alias}.latest_rev_id`);
}

function workingOrLatest(alias: string): RawBuilder<number | null> {
  return sql.raw<number | null>(`COALESCE(${alias}.working_rev_id, ${alias}.latest_rev_id)`);
}

/** The revision of a criteria-matched item (level 0). */
export function topRevision(mode: RevisionStatus, itemAlias: string): RawBuilder<number | null> {
  return mode === 'LATEST' ? latest(itemAlias) : workingOrLatest(itemAlias);
}

/** The revision of a BOM child (any level below the top). */
export function childRevision(mode: RevisionStatus, itemAlias: string): RawBuilder<number | null> {
  return mode === 'POTENTIAL' ? workingOrLatest(itemAlias) : latest(itemAlias);
}

/** A text expression that sorts by code point on both dialects (PostgreSQL would use the locale). */
export function textOrder(dialect: Dialect, expr: string): RawBuilder<unknown> {
  return sql.raw(dialect === 'postgres' ? `${expr} COLLATE "C"` : expr);
}

/** Sorts BOM lines by line number (auto-numbered lines, with a null number, last) then by creation. */
export function bomLineOrder(lineAlias: string): RawBuilder<unknown> {
  return sql.raw(`CASE WHEN ${lineAlias}.line_number IS NULL THEN 1 ELSE 0 END, ${lineAlias}.line_number, ${lineAlias}.id`);
}
