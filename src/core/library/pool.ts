/**
 * Where the heavy tasks (tasks.ts) run. `createPool()` runs them on worker threads (piscina, a well-kept pool from the
 * Node.js project: queueing, idle workers retired, crashed workers replaced), so indexing a large server's documents
 * or rebuilding the bundled corpus never holds up the event loop — the gateway, autocomplete and every other server's
 * questions go on being answered. `inline` runs the same tasks on the calling thread, for the CLI and unit tests.
 *
 * From source (tsx: tests, `npm run eval`) the worker is src/core/library/worker.ts, loaded through tsx; from the
 * bundle (`npm start`) it is dist/worker.js, beside the entry point.
 */
import { availableParallelism } from "node:os";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { type OnProgress, TASKS, type TaskInput, type TaskName, type TaskOutput } from "./tasks.js";
import type { WorkerRequest } from "./worker.js";

export interface RunOptions {
  onProgress?: OnProgress;
}

export interface Executor {
  run<K extends TaskName>(name: K, input: TaskInput<K>, options?: RunOptions): Promise<TaskOutput<K>>;
  /** Stops the workers once their tasks are done. */
  close(): Promise<void>;
}

/** Runs tasks on the calling thread. */
export const inline: Executor = {
  async run(name, input, options = {}) {
    const task = TASKS[name] as (input: unknown, onProgress?: OnProgress) => unknown;
    return (await task(input, options.onProgress)) as never;
  },
  async close() {},
};

export interface PoolOptions {
  /** Worker threads at most. Default: the cores less one, at least 2 (so one long rebuild never queues the rest). */
  threads?: number;
}

export function createPool(options: PoolOptions = {}): Executor {
  const threads = options.threads ?? Math.min(4, Math.max(2, availableParallelism() - 1));
  const here = import.meta.url;
  const fromSource = extname(fileURLToPath(here)) === ".ts";
  // Created on first use: a pool that is never asked for anything starts no threads.
  let created: Piscina | null = null;
  const pool = () =>
    (created ??= new Piscina({
      filename: new URL(fromSource ? "./worker.ts" : "./worker.js", here).href,
      execArgv: fromSource ? ["--import", "tsx"] : [],
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 60_000,
    }));
  return {
    async run(name, input, runOptions = {}) {
      const { onProgress } = runOptions;
      if (onProgress === undefined) return (await pool().run({ name, input } satisfies WorkerRequest)) as never;
      const { port1, port2 } = new MessageChannel();
      port1.on("message", (progress: { done: number; total: number }) => onProgress(progress));
      // The worker closes its end when the task ends, after its last progress message: wait for that, so every
      // report arrives before the result is handed on.
      const drained = new Promise<void>((resolve) => port1.once("close", () => resolve()));
      try {
        const request: WorkerRequest = { name, input, port: port2 };
        const output = (await pool().run(request, { transferList: [port2] as never })) as never;
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
        return output;
      } finally {
        port1.close();
      }
    },
    async close() {
      const running = created;
      created = null;
      await running?.destroy();
    },
  };
}
