/**
 * Threads started from the TypeScript sources run on a bundle of their module (src/thread-bundles.ts):
 * built once into node_modules/.cache/plmx/, started without tsx's flags, rebuilt when deleted; bundles
 * unused for a day are deleted when one is built.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { bundleExecArgv } from '../../src/thread-bundles.js';
import { startWorker } from '../../src/worker-threads.js';

const CACHE = path.resolve(import.meta.dirname, '../../node_modules/.cache/plmx');
const ECHO = new URL('../helpers/echo-thread.ts', import.meta.url).href;

async function reply(worker: Worker): Promise<{ workerData: unknown; execArgv: string[] }> {
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

const echoBundles = () => fs.readdirSync(CACHE).filter((f) => f.startsWith('echo-thread-') && f.endsWith('.mjs')).sort();
/** The bundle a thread started on last (earlier versions of the sources may have left others). */
const lastUsed = () => echoBundles().sort((a, b) => fs.statSync(path.join(CACHE, b)).mtimeMs - fs.statSync(path.join(CACHE, a)).mtimeMs)[0];

describe('thread bundles', () => {
  it('drops the flags that load tsx, in both spellings, and keeps the others', () => {
    assert.deepEqual(
      bundleExecArgv(['--require', '/x/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///x/node_modules/tsx/dist/loader.mjs', '--cpu-prof']),
      ['--cpu-prof'],
    );
    assert.deepEqual(bundleExecArgv(['--import=tsx', '--enable-source-maps', '--import', 'other', '-r', 'tsx/cjs']), ['--enable-source-maps', '--import', 'other']);
    assert.deepEqual(bundleExecArgv([]), []);
  });

  it('starts a thread of the sources on its bundle, without tsx, and builds the bundle once', async () => {
    const first = await reply(startWorker(ECHO, 'echo-thread', { n: 1 }));
    assert.deepEqual(first.workerData, { n: 1 });
    assert.ok(!first.execArgv.some((a) => a.includes('tsx')), first.execArgv.join(' '));
    const bundle = lastUsed();
    assert.ok(bundle, 'no bundle in the cache');
    const all = echoBundles();
    const built = fs.statSync(path.join(CACHE, bundle)).ino;
    assert.deepEqual((await reply(startWorker(ECHO, 'echo-thread', { n: 2 }))).workerData, { n: 2 });
    assert.deepEqual(echoBundles(), all);
    assert.equal(fs.statSync(path.join(CACHE, bundle)).ino, built, 'the bundle was built again');
  });

  it('builds a deleted bundle again, and then deletes the bundles no thread started on for a day', async () => {
    await reply(startWorker(ECHO, 'echo-thread', null));
    const bundle = lastUsed();
    const unused = path.join(CACHE, 'zz-unused-0.mjs');
    const recent = path.join(CACHE, 'zz-recent-0.mjs');
    try {
      for (const f of [unused, recent]) fs.writeFileSync(f, '');
      const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60_000);
      fs.utimesSync(unused, twoDaysAgo, twoDaysAgo);
      fs.rmSync(path.join(CACHE, bundle));
      assert.deepEqual((await reply(startWorker(ECHO, 'echo-thread', 'again'))).workerData, 'again');
      assert.ok(fs.existsSync(path.join(CACHE, bundle)), 'the deleted bundle was not built again');
      assert.deepEqual([fs.existsSync(unused), fs.existsSync(recent)], [false, true]);
    } finally {
      for (const f of [unused, recent]) fs.rmSync(f, { force: true });
    }
  });
});
