/** UTF-8 byte checks for streamed text: where chunks may be cut, and where the first invalid byte is. */

/**
 * Bytes at the end of `buf` that start a character the chunk does not finish (0–3). A chunk validated
 * without them and followed by them prepended to the next chunk is checked on character boundaries.
 */
export function incompleteTailLength(buf: Uint8Array): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = buf[n - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead byte
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return size > back ? back : 0;
  }
  return 0;
}

/**
 * Offset of the first byte that is not part of a valid UTF-8 character (overlong forms, surrogates and
 * code points above U+10FFFF are invalid, as for `TextDecoder`'s fatal mode), or -1 when all are valid.
 * A character cut by the end of `buf` is invalid.
 */
export function firstInvalidUtf8(buf: Uint8Array): number {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) more = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      more = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      more = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + more >= n) return i;
    const b1 = buf[i + 1];
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= more; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return -1;
}

/** Counts LF bytes in buf[start, end). */
export function countLineFeeds(buf: Buffer, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  let count = 0;
  let i = view.indexOf(10);
  while (i !== -1) {
    count++;
    i = view.indexOf(10, i + 1);
  }
  return count;
}
