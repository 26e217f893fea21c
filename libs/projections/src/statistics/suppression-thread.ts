import { extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { decided, type SuppressionAnswer, type SuppressionTask } from './suppression-decision';
import type { ScopeStatistics } from './statistics-row';

type Decided = (period: string, scope: string) => ScopeStatistics;

/**
 * Starts the worker from its entry beside this module: compiled JavaScript in dist; TypeScript when
 * this runs from the sources (jest, the benches), which the worker loads through tsx (a development
 * dependency) with the repository's tsconfig for its path aliases: a worker thread gets neither
 * jest's transform nor its parent's loader hooks.
 */
function startWorker(): Worker {
  const extension = extname(__filename);
  const entry = join(__dirname, `suppression.worker${extension}`);
  if (extension !== '.ts') return new Worker(entry);
  return new Worker(
    `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(entry)});`,
    {
      eval: true,
      env: { ...process.env, TSX_TSCONFIG_PATH: resolve(__dirname, '../../../../tsconfig.json') },
    },
  );
}

/**
 * Decides small-cell suppression (suppressTogether) on a worker thread: over a year and a hundred
 * agencies it takes seconds, which on the event loop would hold every other request that long.
 * Tasks are decided one after another, in the order sent. A task that fails is rejected alone; a
 * worker that dies rejects every task it held and is started again for the next.
 */
export class SuppressionThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<
    number,
    { task: SuppressionTask; resolve: (decision: Decided) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private closed = false;

  decide(task: SuppressionTask): Promise<Decided> {
    if (this.closed) return Promise.reject(new Error('the suppression thread is closed'));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<Decided>((resolve, reject) => {
      this.waiting.set(id, { task, resolve, reject });
      // An idle worker must not keep the process alive; one with work must.
      worker.ref();
      worker.postMessage({ id, task });
    });
  }

  /** Stops the worker; tasks still waiting are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the suppression thread was closed before deciding'));
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = startWorker();
    worker.on('message', (answer: SuppressionAnswer) => {
      const waiting = this.waiting.get(answer.id);
      if (waiting === undefined) return;
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) worker.unref();
      if ('decision' in answer) {
        waiting.resolve(decided(waiting.task, answer.decision));
      } else {
        const error = new Error(answer.error.message);
        // The worker's stack says where it failed; this thread's would say only that it was told.
        error.stack = answer.error.stack ?? error.stack;
        waiting.reject(error);
      }
    });
    // An uncaught error ends the worker ('exit' follows): every task it held is lost with it.
    worker.on('error', (error) => this.stopped(worker, error));
    worker.on('exit', (code) =>
      this.stopped(worker, new Error(`the suppression worker stopped (exit code ${code})`)),
    );
    return worker;
  }

  private stopped(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(error);
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const { reject } of waiting) reject(error);
  }
}
