/**
 * A thread's module, when plmx runs from its TypeScript sources, bundled into one JavaScript file that
 * starts at Node's own speed. Through tsx's loader (which a thread does not inherit: it registers it
 * again, and its hooks answer from a thread of their own) the staging thread took 0.3 s to start; from
 * its bundle (esbuild, the compiler tsx itself runs) 0.05 s, which a large import on the embedded
 * database waits for.
 *
 * Bundles are kept in `node_modules/.cache/plmx/`, named by a digest of the sources and the lock file
 * taken when the process starts its first thread, so an edit or an install makes new ones (0.15 s each);
 * those unused for a day go then. Packages with native code stay outside, loaded from `node_modules`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const SOURCES = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(SOURCES);
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'plmx');
const NATIVE = ['better-sqlite3'];
// CommonJS packages in an ES module bundle require Node's modules through this
const BANNER = "import { createRequire as __plmxRequire } from 'node:module'; const require = __plmxRequire(import.meta.url);";

/** A bundle no process has started a thread on for this long is deleted when another is built. */
const UNUSED_MS = 24 * 60 * 60_000;

const built = new Map<string, string>();
let digest: string | undefined;

/** The bundle of the module `entry` (a .ts file of the sources), built if the sources changed since. */
function threadBundle(entry: URL): string {
  let file = built.get(entry.href);
  if (file === undefined) {
    file = path.join(CACHE, `${path.basename(fileURLToPath(entry), '.ts')}-${(digest ??= sourcesDigest())}.mjs`);
    built.set(entry.href, file);
  }
  try {
    const now = new Date();
    fs.utimesSync(file, now, now); // in use: not deleted as unused
    return file;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(CACHE, { recursive: true });
  for (const old of fs.readdirSync(CACHE)) {
    const stale = path.join(CACHE, old);
    if (Date.now() - (fs.statSync(stale, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > UNUSED_MS) fs.rmSync(stale, { force: true });
  }
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  // written aside and renamed: processes starting together each see a whole file or none
  const partial = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}`;
  esbuild.buildSync({
    entryPoints: [fileURLToPath(entry)], outfile: partial, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    external: NATIVE, banner: { js: BANNER }, logLevel: 'silent',
  });
  fs.renameSync(partial, file);
  return file;
}

const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * A thread on the bundle of `entry`, with this process's node flags but tsx's: a thread inherits the
 * process's flags, and registering tsx there doubled the staging thread's start. (Node refuses some
 * flags given to a thread, such as --max-old-space-size, that it accepts inherited: then all are.)
 */
export function bundledWorker(entry: URL, options: WorkerOptions): Worker {
  const file = threadBundle(entry);
  const execArgv = bundleExecArgv();
  if (execArgv.length === process.execArgv.length) return new Worker(file, options);
  try {
    return new Worker(file, { ...options, execArgv });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    return new Worker(file, options);
  }
}

/** `argv` (node flags) without those that load tsx. */
export function bundleExecArgv(argv = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = inline ?? argv[i + 1];
    if (LOADER_FLAGS.has(flag) && value?.includes('tsx')) {
      if (inline === undefined) i++;
      continue;
    }
    kept.push(argv[i]);
  }
  return kept;
}

/** Every source file's path, size and modification time, and the lock file's, digested. */
function sourcesDigest(): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else stamp(p);
    }
  };
  const stamp = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    hash.update(`${p}\0${st?.size}\0${st?.mtimeMs}\n`);
  };
  visit(SOURCES);
  stamp(path.join(ROOT, 'package-lock.json'));
  return hash.digest('hex').slice(0, 16);
}
