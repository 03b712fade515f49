/**
 * Worker threads of plmx's own modules, whether plmx runs from its TypeScript sources (on a bundle of the
 * module, thread-bundles.ts) or from compiled JavaScript; and a stream of messages from such a
 * thread with bounded read-ahead (a reader thread of an import's rows, its staging thread).
 */
import { type MessagePort, type ResourceLimits, Worker } from 'node:worker_threads';
import { bundledWorker } from './thread-bundles.js';

/**
 * Starting a thread costs about 0.05 s (its first rows in an import: 0.2 s), so work moves to one only
 * for inputs larger than this: an import's source file read and staged on a thread of its own.
 */
export const THREAD_WORTH_BYTES = 8 * 1024 ** 2;

/**
 * `new Worker` on the module `name` (without extension) next to `base` (an import.meta.url), with the
 * thread's own `resourceLimits`; from the sources, on that module's bundle (thread-bundles.ts).
 */
export function startWorker(base: string, name: string, workerData: unknown, opts: { resourceLimits?: ResourceLimits } = {}): Worker {
  const fromSources = base.endsWith('.ts');
  const entry = new URL(`./${name}${fromSources ? '.ts' : '.js'}`, base);
  const { resourceLimits } = opts;
  return fromSources ? bundledWorker(entry, { workerData, resourceLimits }) : new Worker(entry, { workerData, resourceLimits });
}

/** An error thrown on a worker thread, as it crosses to the parent. */
export interface ThreadError {
  kind: 'failed';
  name: string;
  message: string;
  stack?: string;
  /** the error's own enumerable properties of primitive values (a row number…) */
  props: Record<string, unknown>;
}

/** What a streaming thread posts last: `end` with its result, or `failed`. */
type Final<R> = { kind: 'end'; result: R } | ThreadError;

/**
 * The worker's side of a stream: post() sends a message and waits while `ahead` of them are not yet
 * taken by the parent, so memory stays bounded by those; end() or fail() sends the last one.
 */
export class StreamPort<T, R = void> {
  #credit: number;
  #wake: (() => void) | null = null;

  constructor(private readonly port: MessagePort, ahead: number) {
    this.#credit = ahead;
    port.on('message', () => {
      this.#credit++;
      this.#wake?.();
    });
  }

  /** `transfer`: buffers of the message that move to the parent rather than being copied */
  async post(message: T, transfer: ArrayBuffer[] = []): Promise<void> {
    while (this.#credit === 0) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#credit--;
    this.port.postMessage({ kind: 'message', message }, transfer);
  }

  end(result: R): void {
    this.#last({ kind: 'end', result });
  }

  fail(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    const props = Object.fromEntries(Object.entries(e).filter(([, v]) => v === null || typeof v !== 'object' && typeof v !== 'function'));
    this.#last({ kind: 'failed', name: e.name, message: e.message, stack: e.stack, props });
  }

  #last(m: Final<R>): void {
    this.port.postMessage(m);
    this.port.close();
  }
}

/**
 * The parent's side of a StreamPort: next() gives each message in turn (and lets the worker send one
 * more), then `{ done: true, result }`; a failure on the thread is rethrown as `revive` rebuilds it.
 * close() ends the thread, at any time; idempotent.
 */
export class ThreadStream<T, R = void> {
  readonly #queue: ({ kind: 'message'; message: T } | Final<R>)[] = [];
  #wake: (() => void) | null = null;
  #closed = false;

  constructor(private readonly worker: Worker, private readonly revive: (e: ThreadError) => Error = reviveError) {
    const push = (m: { kind: 'message'; message: T } | Final<R>) => {
      this.#queue.push(m);
      this.#wake?.();
    };
    worker.on('message', push);
    worker.on('error', (err) => push({ kind: 'failed', name: err.name, message: err.message, stack: err.stack, props: {} }));
    worker.on('exit', (code) => push({ kind: 'failed', name: 'Error', message: `a worker thread exited (code ${code}) before the end of its work`, props: {} }));
  }

  async next(): Promise<{ done: false; message: T } | { done: true; result: R }> {
    while (this.#queue.length === 0) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#wake = null;
    const m = this.#queue.shift()!;
    if (m.kind === 'failed') throw this.revive(m);
    if (m.kind === 'end') return { done: true, result: m.result };
    this.worker.postMessage(null);
    return { done: false, message: m.message };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** What a thread streams to openHeaded: a head first, then items. */
export type Headed<H, M> = { head: H } | { item: M };

/** A ThreadStream read as its head, then its items (decoded as they arrive), then its result. */
export interface HeadedStream<H, I, R> {
  head: H;
  /** Iterate once; leaving the loop early ends the thread. */
  items: AsyncIterable<I>;
  /** the thread's result, once `items` has ended */
  result(): R;
  /** Ends the thread, at any time; idempotent. */
  close(): Promise<void>;
}

/** Waits for the head of a thread that posts Headed messages (`thread` names it in errors). */
export async function openHeaded<H, M, R, I = M>(
  stream: ThreadStream<Headed<H, M>, R>, thread: string, decode: (m: M) => I = (m) => m as unknown as I,
): Promise<HeadedStream<H, I, R>> {
  let head: H;
  try {
    const first = await stream.next();
    if (first.done || !('head' in first.message)) throw new Error(`the ${thread} thread sent no head`);
    head = first.message.head;
  } catch (err) {
    await stream.close();
    throw err;
  }
  let result: { value: R } | undefined;
  async function* items(): AsyncGenerator<I> {
    try {
      for (;;) {
        const m = await stream.next();
        if (m.done) {
          result = { value: m.result };
          return;
        }
        if (!('item' in m.message)) throw new Error(`the ${thread} thread sent a second head`);
        yield decode(m.message.item);
      }
    } finally {
      await stream.close();
    }
  }
  return {
    head, items: items(), close: () => stream.close(),
    result() {
      if (result === undefined) throw new Error(`the ${thread} thread's items were not read to their end`);
      return result.value;
    },
  };
}

/** A plain Error with the thread's message and stack. */
export function reviveError(e: ThreadError): Error {
  return Object.assign(new Error(e.message), e.stack ? { stack: e.stack } : {});
}
