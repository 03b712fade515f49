/**
 * An import's rows as staged-rows.ts stages them: on a staging thread (files over 8 MiB) exactly as in
 * the calling thread — the mapping, every encoded value (SQLite rows, PostgreSQL COPY text), the summary
 * and the result lines — and a file that turns out unreadable halfway fails the same way on either.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRunOptions } from '../../src/engine/import/run/context.js';
import { type StageInput, type StagedSource, beginStaging, stageHere } from '../../src/engine/import/run/staged-rows.js';
import { SourceFileError } from '../../src/engine/import/run/source.js';
import type { FlatRows } from '../../src/store/bulk-rows.js';
import type { Dialect } from '../../src/store/store.js';
import { THREAD_WORTH_BYTES } from '../../src/worker-threads.js';

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plmx-staging-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const LOADED = {
  categories: [{ id: 7, guid: 'CAT', name: 'Resistor', path: 'Resistor' }],
  phases: [{ id: 3, guid: 'PH', name: 'In Design', short_name: 'DES' }],
  users: [],
};

/** A CSV over the thread threshold: rows with quotes, line breaks, non-ASCII text, blank rows and failing rows. */
function bigCsv(name: string, tail = ''): string {
  const lines = ['number,name,description,category.name,lifecyclePhase.name,productionCost,ignored'];
  for (let r = 2; lines.length < 120_000; r++) {
    if (r % 5000 === 0) lines.push(',,,,,,');
    const description = r % 1000 === 0 ? `"with ""quotes"", and\na line break ${r}"` : r % 777 === 0 ? `部品 ${r}` : `"a plain description, padded ${r}"`;
    const cost = r % 9999 === 0 ? 'abc' : String(r / 100);
    lines.push(`P-${String(r).padStart(7, '0')},Part ${r},${description},Resistor,${r % 3 === 0 ? 'DES' : 'In Design'},${cost},x`);
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n${tail}`);
  assert.ok(fs.statSync(file).size > THREAD_WORTH_BYTES);
  return file;
}

/** Staged as the executor stages it: on a thread of its own when the file is large enough. */
function openStaged(input: StageInput): Promise<StagedSource> {
  return beginStaging(fs.statSync(input.file).size).stage(input);
}

function input(file: string, resultsPath: string, dialect: Dialect = 'sqlite'): StageInput {
  return {
    file, type: 'CSV', read: { batchSize: 1000 }, resource: 'ITEM_SPECS', customAttrs: [], loaded: LOADED,
    ctx: { mode: 'CREATE', options: readRunOptions('{}') }, dialect, resultsPath,
  };
}

async function drain(staged: StagedSource): Promise<{ columns: string[]; values: unknown[] }> {
  const values: unknown[] = [];
  let columns: string[] = [];
  for await (const batch of staged.batches) {
    const flat = batch as FlatRows;
    columns = flat.columns;
    // batches may leave out different all-null columns: compare row by row in the widest form
    values.push(...flat.values.map((v, i) => `${flat.columns[i % flat.columns.length]}=${JSON.stringify(v)}`));
  }
  return { columns, values };
}

describe('staged rows', () => {
  it('are the same from the staging thread as from the calling thread', async () => {
    const file = bigCsv('same.csv');
    const here = await stageHere(input(file, path.join(dir, 'here')));
    const there = await openStaged(input(file, path.join(dir, 'there')));
    assert.deepEqual([there.columns, there.warnings], [here.columns, here.warnings]);
    assert.deepEqual(there.warnings, [{ code: 331, message: "Column 'ignored' ignored." }]);
    const [a, b] = [await drain(here), await drain(there)];
    assert.deepEqual(b, a);
    assert.ok(a.values.includes('key="P-0001000"') && a.values.includes('description="with \\"quotes\\", and\\na line break 1000"'));
    assert.ok(a.values.includes('err_code=3003'), 'the failing cost is staged as a failed row');
    const [sh, st] = [here.summary(), there.summary()];
    assert.deepEqual({ ...st, results: { ...st.results, path: '' } }, { ...sh, results: { ...sh.results, path: '' } });
    assert.equal(sh.rows, 119_999 - 23); // the header and the blank rows are not rows
    assert.deepEqual(sh.ascending, ['key']);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'there')), fs.readFileSync(path.join(dir, 'here')));
    assert.deepEqual(fs.readFileSync(path.join(dir, 'there.starts')), fs.readFileSync(path.join(dir, 'here.starts')));
  });

  it("are the same COPY text from the staging thread as from the calling thread (PostgreSQL)", async () => {
    const file = bigCsv('copy.csv');
    const copyText = async (staged: StagedSource) => {
      let text = '';
      for await (const batch of staged.batches) text += batch as string;
      return text;
    };
    const here = await copyText(await stageHere(input(file, path.join(dir, 'copy-here'), 'postgres')));
    const there = await copyText(await openStaged(input(file, path.join(dir, 'copy-there'), 'postgres')));
    assert.equal(there, here);
    assert.ok(here.includes(',Part 1000,"with ""quotes"", and\na line break 1000",'), 'quoted as COPY reads it');
    assert.ok(here.includes(',Part 777,部品 777,'), 'a plain value as it is');
  });

  it('come from a staging thread started before its input was at hand, and such a thread can be given up', async () => {
    const file = bigCsv('early.csv');
    const early = beginStaging(fs.statSync(file).size);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the file being fetched meanwhile
    const [a, b] = [await drain(await stageHere(input(file, path.join(dir, 'early-here')))), await drain(await early.stage(input(file, path.join(dir, 'early'))))];
    assert.deepEqual(b, a);
    await early.abandon(); // after stage(): harmless
    // never given its input (the fetch failed, say): abandon() ends the thread, or this test would never end
    await beginStaging(THREAD_WORTH_BYTES + 1).abandon();
  });

  it('fails halfway through the same way on the staging thread', async () => {
    const file = bigCsv('wide.csv', 'P-9999999,Too,many,values,here,1,x,y\r\n');
    const expected = /^Row \d+ has 8 values but the header row has 7 columns/;
    for (const open of [stageHere, openStaged]) {
      const staged = await open(input(file, path.join(dir, `wide-${open.name}`)));
      await assert.rejects(drain(staged), (err: Error) => err instanceof SourceFileError && expected.test(err.message));
      await staged.close();
    }
  });
});
