import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

// Random bytes drawn 8 KiB at a time: a crypto call per GUID cost more than the rest of an import row.
const pool = Buffer.alloc(8192);
let used = pool.length;

/** A new Arena-style GUID: 20 characters of [0-9A-Z]. */
export function newGuid(): string {
  if (used + 20 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  let out = '';
  for (let i = 0; i < 20; i++) out += ALPHABET[pool[used + i] % 36];
  used += 20;
  return out;
}

/** True when `s` has the shape of a GUID plmx issues. Anything else cannot resolve to an object. */
export function looksLikeGuid(s: string): boolean {
  return /^[0-9A-Z]{16,20}$/.test(s);
}

/** A deterministic GUID for seeded data: the same (kind, n, salt) always gives the same string. */
export function seededGuid(kind: string, n: number, salt = 0): string {
  // xorshift-style mixing of a 53-bit seed; collisions are checked by unique indexes on load.
  let h1 = 0x9e3779b1 ^ n ^ (salt * 0x85ebca6b);
  let h2 = 0x27d4eb2f ^ (n * 31 + salt);
  for (let i = 0; i < kind.length; i++) {
    h1 = Math.imul(h1 ^ kind.charCodeAt(i), 2654435761);
    h2 = Math.imul(h2 ^ kind.charCodeAt(i), 1597334677);
  }
  let out = '';
  for (let i = 0; i < 20; i++) {
    h1 = Math.imul(h1 ^ (h1 >>> 15), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = (h2 + 0x6d2b79f5) | 0;
    out += ALPHABET[(h1 >>> 0) % 36];
  }
  return out;
}
