/**
 * Item numbers generated from the category's number format (ITEM_SPECS CREATE / OVERWRITE): a `number`
 * cell holding the definition's useCategoryNumberFormat token asks for one. plmx gives every item
 * category the format `<PREFIX>-<6-digit sequence>[-<free text>]`: PREFIX is the first three letters or
 * digits of the category name in upper case, the sequence continues after the highest `PREFIX-nnnnnn`
 * in use in the workspace, and the free text comes from the column named by numberingFreeTextHeader
 * (left out when that cell is empty: the field has no default).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../../store/schema.js';
import type { RunContext } from './resource.js';

export const FREE_TEXT = '#numberingFreeText';

export function numberPrefix(categoryName: string): string {
  const letters = categoryName.replace(/[^A-Za-z0-9]/g, '').slice(0, 3).toUpperCase();
  return letters === '' ? 'ITM' : letters;
}

/** Gives every valid staging row with a `gen_prefix` its number, in row order per prefix. */
export async function assignGeneratedNumbers(db: Kysely<DB>, ctx: RunContext): Promise<void> {
  const T = ctx.staging.table;
  const prefixes = await sql<{ p: string }>`SELECT DISTINCT gen_prefix AS p FROM ${T} WHERE err_code IS NULL AND gen_prefix IS NOT NULL`.execute(db);
  for (const { p } of prefixes.rows) {
    const stem = `${p}-`;
    // numbers `stem` + digit… sort between `stem0` and `stem:`; six digits compare as numbers do
    const top = await sql<{ m: string | null }>`SELECT max(substr(number, 1, ${stem.length + 6})) AS m FROM items
      WHERE workspace_id = ${ctx.workspaceId} AND number >= ${`${stem}0`} AND number < ${`${stem}:`}`.execute(db);
    const digits = /^\d+/.exec((top.rows[0]?.m ?? '').slice(stem.length))?.[0];
    const base = digits ? Number(digits) : 0;
    const seq = sql`${base} + x.rn`;
    const padded = ctx.dialect === 'postgres' ? sql`lpad(CAST(${seq} AS text), 6, '0')` : sql`printf('%06d', ${seq})`;
    await sql`UPDATE ${T} SET key = ${stem} || ${padded} || coalesce('-' || x.free_text, '')
      FROM (SELECT row_no, free_text, row_number() OVER (ORDER BY row_no) AS rn FROM ${T} WHERE err_code IS NULL AND gen_prefix = ${p}) x
      WHERE ${T}.row_no = x.row_no`.execute(db);
  }
}
