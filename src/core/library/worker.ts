/**
 * A worker thread of the pool (pool.ts): runs one task by name and hands its result back, moving the byte arrays of
 * any packed segment in it instead of copying them. Progress goes back on the port the task came with.
 */
import type { MessagePort } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { type OnProgress, TASKS, type TaskName } from "./tasks.js";

export interface WorkerRequest {
  name: TaskName;
  input: unknown;
  port?: MessagePort;
}

/** The ArrayBuffers of the packed segments in `value` (itself, or its `packed` field). */
function buffersOf(value: unknown): ArrayBuffer[] {
  const packed = (value as { packed?: unknown } | null)?.packed ?? value;
  const { arrays, texts } = (packed ?? {}) as { arrays?: unknown; texts?: unknown };
  return [arrays, texts]
    .filter(
      (a): a is Uint8Array => a instanceof Uint8Array && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength,
    )
    .map((a) => a.buffer as ArrayBuffer);
}

export default async function run({ name, input, port }: WorkerRequest): Promise<unknown> {
  const onProgress: OnProgress | undefined = port === undefined ? undefined : (progress) => port.postMessage(progress);
  try {
    const task = TASKS[name] as (input: unknown, onProgress?: OnProgress) => unknown;
    const output = await task(input, onProgress);
    const buffers = buffersOf(output);
    if (buffers.length === 0) return output;
    return move({ [transferableSymbol]: buffers, [valueSymbol]: output } as never);
  } finally {
    port?.close();
  }
}
