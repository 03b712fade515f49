/**
 * Bad source files through HTTP (issue point 8): every one gets a 4xx on upload or a run that ends ERROR
 * with a message saying what is wrong; afterwards the server still answers and nothing was written to
 * the items world (and a refused upload leaves no run and no blob behind).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, beforeEach, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { assertError } from '../helpers/assertions.js';
import { type TestServer, startTestServer, waitForRun } from '../helpers/server.js';

const MAX_UPLOAD = 4 * 1024 * 1024;
const MiB = 1024 * 1024;

function multipart(file: Buffer, fileName: string, fields: Record<string, string> = {}): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----plmx${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  chunks.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="submitContent"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A zip archive written byte by byte, so an entry's declared sizes and its deflate data can be anything. */
interface RawEntry {
  name: string;
  /** deflate data (method 8) */
  data: Buffer;
  crc: number;
  size: number;
}

function deflated(name: string, text: string): RawEntry {
  const raw = Buffer.from(text);
  return { name, data: zlib.deflateRawSync(raw), crc: zlib.crc32(raw), size: raw.length };
}

function zipArchive(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE: [string, string][] = [
  ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'],
  ['_rels/.rels', `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
  ['xl/workbook.xml', `<?xml version="1.0"?><workbook ${NS}><sheets><sheet name="Bomb" sheetId="1" r:id="rId1"/></sheets></workbook>`],
  ['xl/_rels/workbook.xml.rels', `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`],
];

/**
 * A zip bomb: an .xlsx of about `gib` MiB whose worksheet inflates to `gib` GiB (4 MiB of `<a/>` deflates
 * to 4 KiB; independently deflated copies of it are concatenated). `declare` is the inflated size the zip
 * headers state: the truth, or a lie.
 */
function zipBomb(gib: number, declare?: number): Buffer {
  const head = `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>number</t></is></c></row>`;
  const tail = '</sheetData></worksheet>';
  const filler = Buffer.from('<a/>'.repeat(MiB));
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 9 };
  const block = zlib.deflateRawSync(filler, sync);
  const copies = Math.round(gib * 256);
  const data = Buffer.concat([zlib.deflateRawSync(Buffer.from(head), sync), ...Array(copies).fill(block), zlib.deflateRawSync(Buffer.from(tail))]);
  const size = head.length + copies * filler.length + tail.length;
  return zipArchive([
    ...PACKAGE.map(([name, text]) => deflated(name, text)),
    { name: 'xl/worksheets/sheet1.xml', data, crc: 0, size: Math.min(declare ?? size, 0xffffffff) },
  ]);
}

describe('Bad source files through HTTP: a 4xx or an ERROR run, nothing written, the server keeps serving', () => {
  let server: TestServer;
  let alice: string;
  let def: string;
  let baseline: { items: number; revisions: number; bomLines: number };

  before(async () => {
    server = await startTestServer({ items: 50, config: { maxUploadBytes: MAX_UPLOAD } });
    alice = await server.login('alice@acme.test');
    const res = await server.request('POST', '/v1/imports', { token: alice, body: { name: 'Bad input', resource: 'ITEM_SPECS', mode: 'CREATE' } });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    def = res.json.guid;
  });
  after(() => server.close());
  // each case must leave the items world as it found it
  beforeEach(async () => {
    baseline = await worldCounts();
  });

  async function worldCounts() {
    const db = server.services.store.db;
    const n = async (table: 'items' | 'item_revisions' | 'bom_lines') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return { items: await n('items'), revisions: await n('item_revisions'), bomLines: await n('bom_lines') };
  }

  async function runCount(): Promise<number> {
    const r = await server.services.store.db.selectFrom('import_runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Blobs under imports/: the submit file of each accepted upload, and the result files of runs. */
  async function importBlobs(): Promise<string[]> {
    const { store } = server.services;
    if (store.dialect === 'postgres') {
      return (await store.db.selectFrom('blobs').select('key').where('key', 'like', 'imports/%').execute()).map((r) => r.key);
    }
    const dir = path.join(server.dataDir, 'blobs', 'imports');
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
  }

  /** The server still answers, and the items world is as it was. */
  async function assertUnharmed() {
    const get = await server.request('GET', `/v1/imports/${def}`, { token: alice });
    assert.equal(get.status, 200);
    const items = await server.request('GET', '/v1/items?limit=1', { token: alice });
    assert.equal(items.status, 200);
    assert.deepEqual(await worldCounts(), baseline, 'nothing was written to items, revisions or BOMs');
  }

  const post = (file: Buffer, fileName: string, fields: Record<string, string> = {}) =>
    server.request('POST', `/v1/imports/${def}/runs`, { token: alice, ...multipart(file, fileName, { commit: 'true', ...fields }) });

  /** The upload is refused with this status and code: no run, no blob. */
  async function refused(file: Buffer, fileName: string, status: number, code: number, message?: RegExp) {
    const runs = await runCount();
    const blobs = (await importBlobs()).length;
    const res = await post(file, fileName);
    assertError(res, status, code);
    if (message) assert.match(res.json.errors[0].message, message);
    console.log(`    # ${status}/${code}: ${res.json.errors[0].message}`);
    assert.equal(await runCount(), runs, 'no run');
    assert.equal((await importBlobs()).length, blobs, 'no blob left behind');
    await assertUnharmed();
    return res.json.errors[0].message as string;
  }

  /** The upload is taken (201) and the run ends ERROR with a message matching `message`. */
  async function failsAsRun(file: Buffer, fileName: string, message: RegExp) {
    const started = await post(file, fileName);
    assert.equal(started.status, 201, JSON.stringify(started.json));
    const done = (await waitForRun(server, `/v1/imports/${def}/runs/${started.json.guid}`, alice, 60_000)).json;
    assert.equal(done.status, 'ERROR', JSON.stringify(done));
    assert.match(done.errorMessage, message);
    console.log(`    # ERROR run: ${done.errorMessage}`);
    assert.deepEqual([done.totalCount, done.successCount], [0, 0]);
    const result = await server.request('GET', `/v1/imports/${def}/runs/${done.guid}/resultContent`, { token: alice });
    assertError(result, 400, 3176);
    await assertUnharmed();
    return done.errorMessage as string;
  }

  it('an empty file is 400 / 3175; a file of blank lines (or empty cells only) ends ERROR', async () => {
    await refused(Buffer.alloc(0), 'items.csv', 400, 3175, /empty/);
    await failsAsRun(Buffer.from('\r\n\r\n\r\n'), 'items.csv', /empty|no (header|rows)|blank/i);
    await failsAsRun(Buffer.from(',,\n,,\n'), 'items.csv', /empty|no (header|rows)|blank/i);
  });

  it('a header-only file ends ERROR: there are no rows to import', async () => {
    await failsAsRun(Buffer.from('number,name,description\r\n'), 'items.csv', /no (data )?rows|header only|only a header/i);
  });

  it('duplicate headers end ERROR naming the header', async () => {
    const msg = await failsAsRun(Buffer.from('number,name,Name\nDUP-1,One,Two\n'), 'items.csv', /header.*'Name'|'name'.*'Name'/i);
    assert.match(msg, /unique/);
  });

  it('a row with more values than there are headers ends ERROR naming the row', async () => {
    await failsAsRun(Buffer.from('number,name\nRAG-1,One\nRAG-2,Two,surplus\n'), 'items.csv', /row 3/i);
  });

  it('a row with fewer values than headers is padded: the missing values are empty (row error for a missing name)', async () => {
    const started = await post(Buffer.from('number,name,description\nSHORT-1\n'), 'items.csv', { commit: 'false' });
    assert.equal(started.status, 201);
    const done = (await waitForRun(server, `/v1/imports/${def}/runs/${started.json.guid}`, alice)).json;
    assert.deepEqual([done.status, done.totalCount, done.errorCount], ['COMPLETE', 1, 1]);
    await assertUnharmed();
  });

  it('an unclosed quote ends ERROR naming the row and line', async () => {
    const msg = await failsAsRun(Buffer.from('number,name\nQ-1,"Bolt\nQ-2,Nut\n'), 'items.csv', /quote/i);
    assert.match(msg, /row 2|line 2/);
  });

  it('invalid UTF-8: 400 / 3175 when the first bytes show it, an ERROR run with the byte offset when it comes later', async () => {
    await refused(Buffer.from([...Buffer.from('number,name\nU-1,Caf'), 0xe9, ...Buffer.from('\n')]), 'items.csv', 400, 3175, /not UTF-8.*0xE9/);
    const rows = ['number,name'];
    for (let i = 0; i < 2000; i++) rows.push(`UTF-${i},Part ${i}`);
    const good = Buffer.from(`${rows.join('\n')}\nUTF-X,Caf`);
    assert.ok(good.length > 16 * 1024, 'beyond what the upload sniffs');
    const msg = await failsAsRun(Buffer.concat([good, Buffer.from([0xc3, 0x28]), Buffer.from('\n')]), 'items.csv', /UTF-8/);
    assert.match(msg, /0xC3/);
    assert.match(msg, new RegExp(`byte offset ${good.length}\\b|line 2002`));
  });

  it('a binary file named .csv is 400 / 3175 saying what it is', async () => {
    await refused(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'items.csv', 400, 3175, /PNG/);
    const junk = randomBytes(64 * 1024);
    junk[10] = 0;
    junk[0] = 0x41; // not a known signature
    await refused(junk, 'items.csv', 400, 3175, /binary|UTF-8/);
    await refused(Buffer.from('just some text'), 'items.xlsx', 400, 3175, /\.xlsx.*text/);
  });

  it('a truncated or corrupt .xlsx ends ERROR saying it is damaged', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Items');
    ws.addRow(['number', 'name']);
    for (let i = 0; i < 3000; i++) ws.addRow([`XL-${i}`, `Part ${i} ${randomBytes(6).toString('hex')}`]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    await failsAsRun(xlsx.subarray(0, Math.floor(xlsx.length / 2)), 'items.xlsx', /damaged|zip/i);
    // the worksheet's compressed bytes overwritten in the middle
    const corrupt = Buffer.from(xlsx);
    const at = corrupt.indexOf('xl/worksheets/sheet1.xml');
    assert.ok(at > 0);
    corrupt.fill(0xff, at + 200, at + 1200);
    await failsAsRun(corrupt, 'items.xlsx', /damaged|invalid|xlsx/i);
  });

  it('a zip bomb (a 2.4 MiB .xlsx inflating to 2.4 GiB) ends ERROR at once, whether its zip headers tell the size or lie', async () => {
    const t0 = performance.now();
    const honest = zipBomb(2.4);
    assert.ok(honest.length < 3 * MiB, `${honest.length}`);
    let t = performance.now();
    await failsAsRun(honest, 'bomb.xlsx', /inflates beyond the limit .*zip bomb/);
    const honestMs = performance.now() - t;
    t = performance.now();
    await failsAsRun(zipBomb(2.4, 100_000), 'bomb.xlsx', /damaged: xl\/worksheets\/sheet1\.xml inflates to more bytes than its zip header declares/);
    const lyingMs = performance.now() - t;
    console.log(`    # bomb ${(honest.length / MiB).toFixed(1)} MiB, built in ${(t - t0 - honestMs).toFixed(0)} ms; refused in ${honestMs.toFixed(0)} ms (true size) and ${lyingMs.toFixed(0)} ms (lying headers)`);
    assert.ok(honestMs < 10_000 && lyingMs < 10_000);
  });

  it('an upload over the size limit is 413 with the envelope, and nothing is kept', async () => {
    const message = await refused(Buffer.alloc(MAX_UPLOAD + 1, 'a'), 'items.csv', 413, 413);
    assert.equal(message, `The request body is larger than the allowed maximum of ${MAX_UPLOAD} bytes.`);
  });

  it('after all that, a good file still imports', async () => {
    const started = await post(Buffer.from('number,name\nGOOD-1,Fine\n'), 'items.csv');
    assert.equal(started.status, 201);
    const done = (await waitForRun(server, `/v1/imports/${def}/runs/${started.json.guid}`, alice)).json;
    assert.deepEqual([done.status, done.successCount], ['COMPLETE', 1]);
    const counts = await worldCounts();
    assert.equal(counts.items, baseline.items + 1);
  });
});
