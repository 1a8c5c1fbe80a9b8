/**
 * A keyed async lock: tasks under the same key run one at a time, in arrival order; tasks under different keys run
 * independently. Re-entrant within one async call chain (tracked with AsyncLocalStorage), so code holding a key may
 * call functions that take the same key without deadlocking.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** One holding of a key. Async work started inside a task inherits it, but only counts as holding while it is active. */
interface Lease {
  key: string;
  active: boolean;
}

export class KeyedMutex {
  /** Per key, a promise that settles when the last queued task has finished. Absent when the key is idle. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly held = new AsyncLocalStorage<readonly Lease[]>();

  /**
   * Runs `fn` once every earlier task under `key` has finished. A call made while the current async chain holds
   * `key` runs at once (re-entry); such nested calls should be awaited one at a time, since they are not serialised
   * against each other. Work that outlives the task (a timer set inside it) queues like any other caller.
   */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const leases = (this.held.getStore() ?? []).filter((lease) => lease.active);
    if (leases.some((lease) => lease.key === key)) return fn();
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    const lease: Lease = { key, active: true };
    try {
      return await this.held.run([...leases, lease], fn);
    } finally {
      lease.active = false;
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** True while a task under `key` runs or waits. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
}
