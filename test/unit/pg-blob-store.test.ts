/**
 * PgBlobStore against a scratch PostgreSQL database: the DirectoryBlobStore contract (a blob appears only
 * when its write finishes, ENOENT for a missing key, atomic overwrite, idempotent delete), streaming in
 * and out with bounded memory, and the sweep of abandoned writes. Needs PLMX_DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ABANDONED_AFTER_MS, BLOB_CHUNK_BYTES, PgBlobStore } from '../../src/blobs/pg-blob-store.js';
import { Store } from '../../src/store/store.js';
import { type ScratchDatabase, scratchDatabase } from '../helpers/database.js';

const PG_URL = process.env.PLMX_DATABASE_URL;
const MiB = 1 << 20;

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Deterministic pseudo-random bytes, generated piece by piece (never the whole blob at once). */
function* pieces(total: number, piece = 64 * 1024): Generator<Buffer> {
  let n = 0;
  let i = 0;
  while (n < total) {
    const len = Math.min(piece, total - n);
    const b = Buffer.alloc(len);
    let x = (i++ * 2654435761) >>> 0;
    for (let k = 0; k < len; k++) {
      x = (x * 1103515245 + 12345) >>> 0;
      b[k] = x >>> 24;
    }
    n += len;
    yield b;
  }
}

function write(stream: Writable, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(data, (err) => (err ? reject(err) : resolve())));
}

describe('PgBlobStore', { skip: PG_URL ? false : 'PLMX_DATABASE_URL is not set', timeout: 120_000 }, () => {
  let db: ScratchDatabase;
  let store: Store;
  let blobs: PgBlobStore;

  before(async () => {
    db = await scratchDatabase(PG_URL);
    store = await Store.open({ databaseUrl: db.url });
    blobs = new PgBlobStore(store);
  });
  after(async () => {
    await store?.close();
    await db?.drop();
  });

  const chunkRows = async () => Number((await store.db.selectFrom('blob_chunks').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const openVersions = async () =>
    Number((await store.db.selectFrom('blob_versions').select((e) => e.fn.countAll().as('n')).where('committed_at', 'is', null).executeTakeFirstOrThrow()).n);

  it('puts and gets small, empty and multi-chunk blobs', async () => {
    await blobs.put('a/small.txt', 'hello');
    assert.equal((await readAll(blobs.createReadStream('a/small.txt'))).toString(), 'hello');
    assert.equal(await blobs.size('a/small.txt'), 5);

    await blobs.put('a/empty', Buffer.alloc(0));
    assert.equal((await readAll(blobs.createReadStream('a/empty'))).length, 0);
    assert.equal(await blobs.size('a/empty'), 0);

    const big = Buffer.concat([...pieces(2 * MiB + 17)]);
    await blobs.put('a/big.bin', big);
    assert.equal(await blobs.size('a/big.bin'), big.length);
    assert.ok((await readAll(blobs.createReadStream('a/big.bin'))).equals(big));
  });

  it('writes through a stream: small, exactly one chunk, and an empty stream', async () => {
    await pipeline(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), blobs.createWriteStream('s/small'));
    assert.equal((await readAll(blobs.createReadStream('s/small'))).toString(), 'abcd');

    const one = Buffer.concat([...pieces(BLOB_CHUNK_BYTES)]);
    await pipeline(Readable.from([one]), blobs.createWriteStream('s/one-chunk'));
    assert.ok((await readAll(blobs.createReadStream('s/one-chunk'))).equals(one));

    await pipeline(Readable.from([]), blobs.createWriteStream('s/empty'));
    assert.equal(await blobs.size('s/empty'), 0);
  });

  it('streams 10 MB in and out, one 1 MiB chunk row at a time', async () => {
    const total = 10 * 1000 * 1000 + 123;
    const expected = createHash('sha256');
    for (const p of pieces(total)) expected.update(p);

    await pipeline(Readable.from(pieces(total)), blobs.createWriteStream('big/10mb.bin'));
    assert.equal(await blobs.size('big/10mb.bin'), total);
    const rows = await store.db
      .selectFrom('blob_chunks as c')
      .innerJoin('blobs as b', 'b.version_id', 'c.version_id')
      .select((e) => [e.fn.countAll().as('n'), e.fn.max(e.fn('length', ['c.data'])).as('max')])
      .where('b.key', '=', 'big/10mb.bin')
      .executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), Math.ceil(total / BLOB_CHUNK_BYTES));
    assert.equal(Number(rows.max), BLOB_CHUNK_BYTES);

    const got = createHash('sha256');
    let reads = 0;
    for await (const c of blobs.createReadStream('big/10mb.bin')) {
      got.update(c as Buffer);
      reads++;
    }
    assert.equal(got.digest('hex'), expected.digest('hex'));
    assert.equal(reads, Math.ceil(total / BLOB_CHUNK_BYTES));
  });

  it('holds a few chunks in memory, not the blob, while streaming 30 MB in and out', async (t) => {
    // Live Buffer memory, sampled with a full collection first so garbage does not count.
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const sample = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
    }, 10);
    const total = 30 * MiB;
    let lag = 0;
    try {
      // the producer may run ahead of what is stored by what is pending plus the chunk being inserted
      let produced = 0;
      async function* source() {
        for (const p of pieces(total)) {
          produced += p.length;
          if (produced % MiB === 0) {
            const stored = await store.db
              .selectFrom('blob_chunks as c')
              .innerJoin('blob_versions as v', 'v.id', 'c.version_id')
              .select((e) => e.fn.count('c.seq').as('n'))
              .where('v.committed_at', 'is', null)
              .executeTakeFirstOrThrow();
            lag = Math.max(lag, produced - Number(stored.n) * BLOB_CHUNK_BYTES);
          }
          yield p;
        }
      }
      await pipeline(Readable.from(source()), blobs.createWriteStream('big/30mb.bin'));
      let n = 0;
      for await (const c of blobs.createReadStream('big/30mb.bin')) n += (c as Buffer).length;
      assert.equal(n, total);
    } finally {
      clearInterval(sample);
    }
    t.diagnostic(`producer lead ${(lag / MiB).toFixed(1)} MiB, peak live Buffer growth ${(peak / MiB).toFixed(1)} MiB`);
    assert.ok(lag <= 2 * BLOB_CHUNK_BYTES + 64 * 1024, `the producer ran ${(lag / MiB).toFixed(1)} MiB ahead of the database`);
    assert.ok(peak < 20 * MiB, `peak live Buffer memory growth ${(peak / MiB).toFixed(1)} MiB for a 30 MiB blob`);
  });

  it('answers a missing key with ENOENT, size null, and deletes idempotently', async () => {
    const err = await readAll(blobs.createReadStream('nope/missing')).then(
      () => assert.fail('read of a missing blob succeeded'),
      (e: NodeJS.ErrnoException) => e,
    );
    assert.equal(err.code, 'ENOENT');
    assert.equal(await blobs.size('nope/missing'), null);
    await blobs.delete('nope/missing');

    await blobs.put('d/x', Buffer.concat([...pieces(3 * MiB)]));
    const before = await chunkRows();
    await blobs.delete('d/x');
    await blobs.delete('d/x');
    assert.equal(await blobs.size('d/x'), null);
    assert.equal(await chunkRows(), before - 3, 'the chunks go with the blob');
    const e2 = await readAll(blobs.createReadStream('d/x')).catch((e: NodeJS.ErrnoException) => e);
    assert.equal((e2 as NodeJS.ErrnoException).code, 'ENOENT');
  });

  it('overwrites a key atomically and frees the old chunks', async () => {
    const first = Buffer.concat([...pieces(3 * MiB)]);
    await blobs.put('o/k', first);
    const rowsBefore = await chunkRows();

    const second = Buffer.alloc(2 * MiB + 5, 7);
    const w = blobs.createWriteStream('o/k');
    await write(w, second.subarray(0, 2 * MiB));
    // mid-write, readers still get the old blob whole
    assert.equal(await blobs.size('o/k'), first.length);
    assert.ok((await readAll(blobs.createReadStream('o/k'))).equals(first));
    await new Promise<void>((resolve, reject) => w.end(second.subarray(2 * MiB), () => resolve()).on('error', reject));
    assert.equal(await blobs.size('o/k'), second.length);
    assert.ok((await readAll(blobs.createReadStream('o/k'))).equals(second));
    assert.equal(await chunkRows(), rowsBefore - 3 + 3);
    assert.equal(await openVersions(), 0);

    // a put over it too
    await blobs.put('o/k', 'third');
    assert.equal((await readAll(blobs.createReadStream('o/k'))).toString(), 'third');
    assert.equal(await chunkRows(), rowsBefore - 3 + 1);
  });

  it('keeps a half-written blob invisible and discards it when the write fails', async () => {
    const w = blobs.createWriteStream('h/half');
    await write(w, Buffer.alloc(3 * MiB, 1));
    assert.equal(await blobs.size('h/half'), null);
    const err = await readAll(blobs.createReadStream('h/half')).catch((e: NodeJS.ErrnoException) => e);
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOENT');
    assert.equal(await openVersions(), 1);

    const closed = new Promise((resolve) => w.on('close', resolve));
    w.on('error', () => {});
    w.destroy(new Error('upload aborted'));
    await closed;
    assert.equal(await openVersions(), 0, 'a failed write deletes its version');
    assert.equal(await blobs.size('h/half'), null);

    // a failing source through pipeline leaves nothing either
    async function* failing() {
      yield Buffer.alloc(2 * MiB, 2);
      throw new Error('source broke');
    }
    const w2 = blobs.createWriteStream('h/half2');
    const closed2 = new Promise((resolve) => w2.on('close', resolve));
    await assert.rejects(pipeline(Readable.from(failing()), w2), /source broke/);
    await closed2; // pipeline settles before the destroyed stream has discarded its version
    assert.equal(await blobs.size('h/half2'), null);
    assert.equal(await openVersions(), 0);
  });

  it('sweeps writes abandoned mid-upload, and a swept write cannot commit', async () => {
    // a process that died mid-upload: a version with chunks, never committed, never touched again
    const dead = blobs.createWriteStream('w/dead');
    await write(dead, Buffer.alloc(2 * MiB, 3));
    const live = blobs.createWriteStream('w/live');
    await write(live, Buffer.alloc(MiB, 4));
    assert.equal(await openVersions(), 2);

    assert.equal(await blobs.sweepAbandoned(), 0, 'fresh writes are not abandoned');
    const [deadVersion] = await store.db.selectFrom('blob_versions').select('id').where('committed_at', 'is', null).orderBy('id').execute();
    await store.db.updateTable('blob_versions').set({ touched_at: Date.now() - ABANDONED_AFTER_MS - 1000 }).where('id', '=', deadVersion.id).execute();
    const rowsBefore = await chunkRows();
    assert.equal(await blobs.sweepAbandoned(), 1);
    assert.equal(await chunkRows(), rowsBefore - 2, 'the abandoned chunks are deleted');
    assert.equal(await openVersions(), 1);

    // the survivor finishes normally
    await new Promise<void>((resolve, reject) => live.end(Buffer.alloc(10, 5), () => resolve()).on('error', reject));
    assert.equal(await blobs.size('w/live'), MiB + 10);

    // a write swept under its feet (hung longer than the limit) fails instead of publishing half a blob
    dead.on('error', () => {});
    const ended = new Promise<Error | undefined>((resolve) => {
      dead.on('error', resolve);
      dead.on('finish', () => resolve(undefined));
    });
    dead.end(Buffer.alloc(MiB + 1, 6));
    const e = await ended;
    assert.ok(e, 'the swept write fails');
    assert.equal(await blobs.size('w/dead'), null);
    assert.equal(await openVersions(), 0);
  });

  it('does not mix concurrent writers of one key', async () => {
    const a = Buffer.alloc(3 * MiB, 0xaa);
    const b = Buffer.alloc(2 * MiB + 1, 0xbb);
    await Promise.all([
      pipeline(Readable.from([a.subarray(0, MiB), a.subarray(MiB)]), blobs.createWriteStream('c/k')),
      pipeline(Readable.from([b.subarray(0, MiB), b.subarray(MiB)]), blobs.createWriteStream('c/k')),
    ]);
    const got = await readAll(blobs.createReadStream('c/k'));
    assert.ok(got.equals(a) || got.equals(b), 'one whole writer wins');
    const versions = await store.db
      .selectFrom('blob_versions as v')
      .select('v.id')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('blobs').select('key').whereRef('blobs.version_id', '=', 'v.id'))))
      .execute();
    assert.deepEqual(versions, [], 'no version is left unreferenced');
  });

  it('fails a read whose blob is replaced under it rather than returning short content', async () => {
    await blobs.put('r/k', Buffer.alloc(3 * MiB, 1));
    const stream = blobs.createReadStream('r/k');
    const it = stream[Symbol.asyncIterator]();
    assert.equal(((await it.next()).value as Buffer).length, MiB);
    await blobs.put('r/k', 'new');
    await assert.rejects(async () => {
      for (;;) if ((await it.next()).done) break;
    }, /replaced or deleted/);
  });
});
