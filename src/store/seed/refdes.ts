/**
 * Reference designators as Arena writes them on a BOM line: `R1,R2,R4-R10` (9 designators).
 * Also reads the short range form `C10-12`.
 */

/** Formats ascending designator numbers: runs of three or more become `R4-R10`. */
export function formatRefDes(prefix: string, numbers: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    if (j - i >= 2) {
      parts.push(`${prefix}${numbers[i]}-${prefix}${numbers[j]}`);
    } else {
      for (let k = i; k <= j; k++) parts.push(`${prefix}${numbers[k]}`);
    }
    i = j + 1;
  }
  return parts.join(',');
}

/** Expands `R1,R2,R4-R10` or `C15,C6,C10-12` to single designators; throws on anything else. */
export function expandRefDes(refDes: string): string[] {
  const out: string[] = [];
  for (const raw of refDes.split(',')) {
    const token = raw.trim();
    if (token === '') continue;
    const m = /^([A-Za-z]+)(\d+)(?:-([A-Za-z]*)(\d+))?$/.exec(token);
    if (!m) throw new Error(`not a reference designator: ${token}`);
    const [, prefix, from, toPrefix, to] = m;
    if (to === undefined) {
      out.push(`${prefix}${from}`);
      continue;
    }
    if (toPrefix && toPrefix !== prefix) throw new Error(`range with two prefixes: ${token}`);
    const a = Number(from);
    const b = Number(to);
    if (b < a) throw new Error(`descending range: ${token}`);
    for (let n = a; n <= b; n++) out.push(`${prefix}${n}`);
  }
  return out;
}

/** How many designators a ref-des string names (0 for null or empty). */
export function countRefDes(refDes: string | null | undefined): number {
  return refDes ? expandRefDes(refDes).length : 0;
}
