/**
 * Measuring helpers: memory after a forced GC, latency percentiles, sizes on disk, the machine.
 *
 * Memory method: "heap" is V8's heapUsed plus `external` (ArrayBuffers and other off-heap memory
 * owned by JS objects), read right after two forced full GCs, so typed-array indexes are counted
 * like object graphs. An index's own cost is heap after build minus heap with only the raw
 * documents, passages and questions loaded.
 */
import { readdirSync, statSync } from "node:fs";
import { cpus, totalmem, freemem, platform, arch } from "node:os";
import { join } from "node:path";

export interface MemorySample {
  /** heapUsed + external, bytes. */
  heap: number;
  heapUsed: number;
  external: number;
  rss: number;
}

/** Forces full garbage collection; needs `node --expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("bench: run node with --expose-gc so memory can be measured after a full GC");
  gc();
  gc();
}

export function sampleMemory(): MemorySample {
  collectGarbage();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, heapUsed: m.heapUsed, external: m.external, rss: m.rss };
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Questions answered per second, one at a time (count / total time). */
  perSecond: number;
}

/** Nearest-rank percentile (p in 0..100) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    meanMs: total / sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    perSecond: total > 0 ? (sorted.length * 1000) / total : Number.NaN,
  };
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export function since(start: number): number {
  return performance.now() - start;
}

/** Total size in bytes of the files under `dir`. */
export function directorySize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directorySize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

export interface MachineInfo {
  cores: number;
  cpu: string;
  totalMemory: number;
  freeMemory: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? "unknown",
    totalMemory: totalmem(),
    freeMemory: freemem(),
    node: process.version,
    platform: `${platform()} ${arch()}`,
  };
}

/** Memory this process tree may still use: free memory, bounded by a cgroup limit when there is one. */
export function availableMemory(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const limit = constrained > 0 && constrained < totalmem() ? constrained : totalmem();
  return Math.min(freemem(), limit);
}
