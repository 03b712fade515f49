/**
 * A small seeded PRNG (mulberry32) for the demo data: the same seed always gives the same sequence,
 * so a seeded workspace is reproducible for a given size.
 */
export class Rng {
  #s: number;

  constructor(seed: number) {
    this.#s = seed >>> 0;
  }

  /** A generator seeded from a hash (FNV-1a) of the given parts. */
  static of(...parts: Array<string | number>): Rng {
    let h = 0x811c9dc5;
    for (const part of parts) {
      const s = `${part}\u0000`;
      for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
      }
    }
    return new Rng(h >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Number in [lo, hi) rounded to `digits` decimals. */
  real(lo: number, hi: number, digits = 2): number {
    return round(lo + this.next() * (hi - lo), digits);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by relative weight: `[[value, weight], ...]`. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const c of choices) total += c[1];
    let r = this.next() * total;
    for (const c of choices) {
      r -= c[1];
      if (r < 0) return c[0];
    }
    return choices[choices.length - 1][0];
  }

  /** An index in [0, len) biased towards 0: popular parts get reused across many BOMs. */
  skewed(len: number, power = 2): number {
    return Math.min(len - 1, Math.floor(len * this.next() ** power));
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const DAY_MS = 86_400_000;
const dayText = new Map<number, string>();

/**
 * `zulu()` for epoch milliseconds, without a Date per call: the seed formats millions of timestamps.
 * Same output as `zulu(new Date(ms))` (milliseconds truncated).
 */
export function zuluMs(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let date = dayText.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayText.set(day, date);
  }
  let s = Math.floor((ms - day * DAY_MS) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${date}T${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}Z`;
}

/**
 * A 53-bit hash of a string (cyrb53). Large lookup tables of the seed key on it instead of on the strings:
 * a number takes a fraction of the memory, and a collision (about 1 in 10^5 for a million keys) only
 * merges two look-ups, which still gives valid data.
 */
export function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
