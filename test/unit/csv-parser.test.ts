/** The CSV record parser, against csv-parse (strict RFC 4180 options) on generated text cut into random chunks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { CsvRecordParser, CsvSyntaxError } from '../../src/engine/import/readers/csv-parser.js';

function records(chunks: string[], max = 1 << 20): string[][] {
  const out: string[][] = [];
  const p = new CsvRecordParser((r) => out.push(r), max);
  for (const c of chunks) p.write(c);
  p.end();
  return out;
}

function reference(text: string): string[][] {
  return parse(text, { record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, relax_quotes: false, skip_empty_lines: false });
}

/** A pseudo-random generator with a seed, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function cutAt(text: string, random: () => number): string[] {
  const chunks: string[] = [];
  let at = 0;
  while (at < text.length) {
    const n = 1 + Math.floor(random() * 7);
    chunks.push(text.slice(at, at + n));
    at += n;
  }
  return chunks;
}

describe('CsvRecordParser', () => {
  it('parses what csv-parse parses, however the text is cut into chunks', () => {
    const pieces = ['a', 'bc', ' ', '', 'é', '😀', '"q,uo""ted"', '"multi\r\nline"', '"\n"', '""', '"a""b"'];
    const ends = ['\n', '\r\n', '\r'];
    for (let seed = 1; seed <= 300; seed++) {
      const random = rng(seed);
      const lines: string[] = [];
      const count = 1 + Math.floor(random() * 6);
      for (let l = 0; l < count; l++) {
        const fields = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pieces[Math.floor(random() * pieces.length)]);
        lines.push(fields.join(','));
      }
      let text = '';
      lines.forEach((line, l) => {
        text += line;
        if (l < lines.length - 1 || random() < 0.5) text += ends[Math.floor(random() * ends.length)];
      });
      const expected = reference(text);
      assert.deepEqual(records([text]), expected, `seed ${seed}: ${JSON.stringify(text)}`);
      assert.deepEqual(records(cutAt(text, random)), expected, `seed ${seed} in chunks: ${JSON.stringify(text)}`);
    }
  });

  it('keeps CRLF, doubled quotes and closing quotes that a chunk boundary cuts', () => {
    assert.deepEqual(records(['a,b\r', '\nc,d\r', '\n']), [['a', 'b'], ['c', 'd']]);
    assert.deepEqual(records(['"x"', '"y",z\n']), [['x"y', 'z']]);
    assert.deepEqual(records(['"x"', ',z\n']), [['x', 'z']]);
    assert.deepEqual(records(['a,', '\n']), [['a', '']]);
    assert.deepEqual(records(['a,']), [['a', '']]);
    assert.deepEqual(records(['a\r']), [['a']]);
    assert.deepEqual(records(['\n\n']), [[''], ['']]);
  });

  it('reports the field of a syntax error after delivering the records before it', () => {
    const fails = (text: string, code: string, column: number, field = '') => {
      const seen: string[][] = [];
      const p = new CsvRecordParser((r) => seen.push(r), 100);
      assert.throws(() => {
        p.write(text);
        p.end();
      }, (err: unknown) => err instanceof CsvSyntaxError && err.code === code && err.column === column && err.field === field);
      assert.deepEqual(seen, [['ok', 'row']]);
    };
    fails('ok,row\n1,5" bolt\n', 'INVALID_OPENING_QUOTE', 1, '5');
    fails('ok,row\n"1"x,2\n', 'INVALID_CLOSING_QUOTE', 0);
    fails('ok,row\n3,"x\n4,5\n', 'QUOTE_NOT_CLOSED', 1);
    fails(`ok,row\n1,${'x'.repeat(200)}\n`, 'MAX_RECORD_SIZE', 0);
    fails(`ok,row\n1,"${'x'.repeat(200)}`, 'MAX_RECORD_SIZE', 0);
  });
});
