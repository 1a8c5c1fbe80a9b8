import { describe, expect, it } from "vitest";
import { estimateFit, skipReason, type StoredResult } from "../../bench/estimate.js";
import { percentile, summarizeLatencies } from "../../bench/measure.js";
import { corpusWarnings, figuresOf, ratiosOf, renderText, type SystemResult } from "../../bench/report.js";
import type { RunReport } from "../../bench/child.js";

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it("summarises latencies in any order", () => {
    const s = summarizeLatencies([4, 1, 3, 2]);
    expect(s).toMatchObject({ count: 4, p50Ms: 2, p99Ms: 4, maxMs: 4, meanMs: 2.5, perSecond: 400 });
  });
});

function runReport(passages: number, scale: number): RunReport {
  return {
    corpus: {
      poolWords: 1,
      poolDocuments: 1,
      poolFiles: 1,
      poolWordsByOrigin: {},
      poolLoadMs: 1_000,
      documents: passages / 2,
      passages,
      words: passages * 80,
      characters: passages * 500,
      generateMs: 100 * scale,
      chunkMs: 400 * scale,
      questionMs: 100,
    },
    memoryBefore: { heap: 50e6 * scale, heapUsed: 50e6 * scale, external: 0, rss: 200e6 * scale },
    memoryAfter: { heap: 90e6 * scale, heapUsed: 90e6 * scale, external: 0, rss: 300e6 * scale },
    buildMs: 3_000 * scale,
    indexBytes: 40e6 * scale,
    latency: {
      count: 1000,
      meanMs: 10 * scale,
      p50Ms: 8 * scale,
      p95Ms: 40 * scale,
      p99Ms: 70 * scale,
      maxMs: 90 * scale,
      perSecond: 100 / scale,
    },
    warmupMs: 1,
    found: { phrase: 0.9, words: 0.95 },
    probes: [],
    save: { ms: 800 * scale, bytes: 7e6 * scale },
  };
}

describe("estimateFit", () => {
  const prior: StoredResult = {
    system: "X",
    passages: 10_000,
    questions: 1000,
    warmup: true,
    calibration: false,
    run: runReport(10_000, 1),
    load: null,
  };

  it("scales memory and time with the passage count", () => {
    const e = estimateFit(prior, 100_000, { questions: 1000, warmup: true });
    expect(e.fromPassages).toBe(10_000);
    expect(e.heapBytes).toBe(50e6 * 10 + 40e6 * 10 * 2);
    expect(e.seconds).toBeGreaterThan(3 * 10); // at least the scaled build
  });

  it("explains why a size is skipped", () => {
    const e = estimateFit(prior, 1_000_000, { questions: 1000, warmup: true });
    expect(skipReason(e, { availableBytes: 1e9, budgetMin: 1e6 })).toMatch(
      /^needs about .* GiB but .* is available \(extrapolated from 10,000 passages/,
    );
    expect(skipReason(e, { availableBytes: 1e12, budgetMin: 1 })).toMatch(/over the 1 min budget/);
    expect(skipReason(e, { availableBytes: 1e12, budgetMin: 1e6 })).toBeNull();
  });
});

describe("ratiosOf", () => {
  it("divides each figure of a system by the baseline's", () => {
    const base = runReport(10_000, 1);
    const other = runReport(10_000, 2);
    const systems: Record<string, SystemResult> = {
      MiniSearch: { status: "ok", figures: figuresOf(base, null), run: base, load: null, loadCheck: null },
      Verbatim: { status: "ok", figures: figuresOf(other, null), run: other, load: null, loadCheck: null },
      Other: { status: "skipped", reason: "too big" },
    };
    const ratios = ratiosOf(systems, "MiniSearch");
    expect(Object.keys(ratios)).toEqual(["Verbatim/MiniSearch"]);
    expect(ratios["Verbatim/MiniSearch"]?.buildSeconds).toBeCloseTo(2);
    expect(ratios["Verbatim/MiniSearch"]?.p99Ms).toBeCloseTo(2);
    expect(ratios["Verbatim/MiniSearch"]?.loadSeconds).toBeNull();
  });
});

describe("report", () => {
  const base = runReport(10_000, 1);
  const ok = (run: RunReport): SystemResult => ({
    status: "ok",
    figures: figuresOf(run, null),
    run,
    load: null,
    loadCheck: null,
  });

  it("warns when systems saw different corpora", () => {
    expect(corpusWarnings({ A: ok(base), B: ok(runReport(10_000, 2)) })).toEqual([]);
    const other = runReport(10_000, 1);
    other.corpus = { ...other.corpus, passages: 10_001 };
    expect(corpusWarnings({ A: ok(base), B: ok(other) })).toHaveLength(1);
  });

  it("renders figures, ratios, skipped systems and the machine line", () => {
    const systems: Record<string, SystemResult> = {
      Verbatim: ok(runReport(10_000, 2)),
      MiniSearch: ok(base),
      Other: { status: "skipped", reason: "needs 40 GiB" },
    };
    const text = renderText({
      size: "10k",
      targetPassages: 10_000,
      seed: 1,
      questions: 1000,
      machine: {
        cores: 2,
        cpu: "Test CPU",
        totalMemory: 2 ** 34,
        freeMemory: 2 ** 33,
        node: "v20.20.2",
        platform: "linux x64",
      },
      corpus: base.corpus,
      systems,
      ratios: ratiosOf(systems, "MiniSearch"),
      warnings: [],
      method: ["m"],
    });
    expect(text).toMatch(/^Machine: 2 cores, Test CPU, 16\.00 GiB RAM .*Node v20\.20\.2/m);
    expect(text).toMatch(/^Build time +6\.00 s +3\.00 s +2\.00×$/m);
    expect(text).toMatch(/^Other skipped: needs 40 GiB$/m);
  });
});
