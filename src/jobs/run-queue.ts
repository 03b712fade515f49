/**
 * The run queue: where asynchronous export (and later import) runs wait for a worker.
 * Implementations: `EmbeddedRunQueue` (in-process, over the runs tables; the embedded default).
 * A run's row in the database is the source of truth; the queue only says "look at run N now".
 */
export type RunKind = 'export' | 'import';

export type RunHandler = (runId: number) => Promise<void>;

export interface RunQueue {
  /** Registers the executor of one kind of run. */
  handle(kind: RunKind, handler: RunHandler): void;
  /** Asks for a CREATED run to be executed. */
  enqueue(kind: RunKind, runId: number): Promise<void>;
  /** Starts taking runs (after handlers are registered); picks up runs left CREATED or RUNNING. */
  start(): Promise<void>;
  /** Stops taking new runs and waits for the ones in hand. */
  stop(): Promise<void>;
  /** Resolves when no run is queued or executing (tests and the CLI use it). */
  idle(): Promise<void>;
}
