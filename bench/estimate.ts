/**
 * Will a size fit? Extrapolates a system's figures from its run at a smaller size.
 */
import type { LoadReport, RunReport } from "./child.js";
import { formatBytes, formatSeconds } from "./report.js";

/** One system's run at one size, kept in bench-out/results/ for later estimates. */
export interface StoredResult {
  system: string;
  passages: number;
  questions: number;
  warmup: boolean;
  calibration: boolean;
  run: RunReport;
  load: (LoadReport & { processMs: number }) | null;
}

export interface FitEstimate {
  fromPassages: number;
  heapBytes: number;
  seconds: number;
}

/**
 * Extrapolates linearly in passages from a smaller run, with margins: the index's heap counts
 * twice (saving serialises it) and build time grows 1.25× faster than linear; per-question time
 * grows with the corpus (posting lists get longer).
 */
export function estimateFit(
  prior: StoredResult,
  passages: number,
  settings: { questions: number; warmup: boolean },
): FitEstimate {
  const run = prior.run;
  const s = passages / run.corpus.passages;
  const rawHeap = run.memoryBefore.heap * s;
  const indexHeap = Math.max(0, run.indexBytes) * s * 2;
  const passes = settings.warmup ? 2 : 1;
  const ms =
    run.corpus.poolLoadMs * 2 +
    (run.corpus.generateMs + run.corpus.chunkMs + run.corpus.questionMs) * s +
    run.buildMs * s * 1.25 +
    run.latency.meanMs * s * settings.questions * passes +
    (run.save?.ms ?? run.buildMs * 0.2) * s * 2 +
    (prior.load?.processMs ?? run.buildMs * 0.2) * s;
  return { fromPassages: run.corpus.passages, heapBytes: rawHeap + indexHeap, seconds: ms / 1000 };
}

/** Null if the estimate fits in memory and in the time budget, else the reason to skip. */
export function skipReason(
  estimate: FitEstimate,
  limits: { availableBytes: number; budgetMin: number },
): string | null {
  const from = `extrapolated from ${estimate.fromPassages.toLocaleString("en")} passages`;
  if (estimate.heapBytes > limits.availableBytes) {
    return `needs about ${formatBytes(estimate.heapBytes)} but ${formatBytes(limits.availableBytes)} is available (${from}; --max-heap-mb)`;
  }
  if (estimate.seconds > limits.budgetMin * 60) {
    return `would take about ${formatSeconds(estimate.seconds)}, over the ${limits.budgetMin} min budget (${from}; raise --budget-min)`;
  }
  return null;
}
