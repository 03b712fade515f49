/**
 * The checks request bodies of definitions share (export and import): plain objects, enum values in any
 * case, names and descriptions within Arena's lengths. Each raises the catalogue error Arena would.
 */
import { arenaError } from './errors.js';

export const NAME_MAX_LENGTH = 100;
export const DESCRIPTION_MAX_LENGTH = 4000;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** A value as an error message quotes it: strings as they are, anything else as JSON. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Length in characters (code points), as Arena counts maxLength. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Matches `value` case-insensitively against `allowed`, returning the canonical spelling, or throws 3006. */
export function pickEnum<T extends string>(value: unknown, allowed: readonly T[], attribute: string): T {
  if (typeof value === 'string') {
    const upper = value.trim().toUpperCase();
    const hit = allowed.find((a) => a.toUpperCase() === upper);
    if (hit !== undefined) return hit;
  }
  throw arenaError(3006, displayValue(value), attribute);
}

/** A definition's name: required (3001), text of at most 100 characters (3003). */
export function checkName(name: unknown): string {
  if (isBlank(name)) throw arenaError(3001, 'name');
  if (typeof name !== 'string' || codePointLength(name) > NAME_MAX_LENGTH) throw arenaError(3003, 'name');
  return name;
}

/** A definition's description: optional, text of at most 4000 characters (3003). */
export function checkDescription(description: unknown): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== 'string' || codePointLength(description) > DESCRIPTION_MAX_LENGTH) throw arenaError(3003, 'description');
  return description;
}
