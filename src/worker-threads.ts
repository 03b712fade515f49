/**
 * Starting a worker thread on one of plmx's modules, whether plmx runs from its TypeScript sources
 * (through tsx, whose loader a worker does not inherit) or from compiled JavaScript.
 */
import { Worker } from 'node:worker_threads';

/**
 * Starting a thread costs about 0.1 s (tsx's loader included), so work moves to one only for inputs
 * larger than this: an import's source file read on a reader thread, its staging on a loader thread.
 */
export const THREAD_WORTH_BYTES = 8 * 1024 ** 2;

/** `new Worker` on the module `name` (without extension) next to `base` (an import.meta.url). */
export function startWorker(base: string, name: string, workerData: unknown): Worker {
  const fromSources = base.endsWith('.ts');
  const entry = new URL(`./${name}${fromSources ? '.ts' : '.js'}`, base);
  if (!fromSources) return new Worker(entry, { workerData });
  // the worker registers tsx's loader before it imports the entry
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
