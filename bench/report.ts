/**
 * The benchmark's result as plain data, and its text rendering.
 */
import type { LoadReport, RunReport } from "./child.js";
import type { MachineInfo } from "./measure.js";
import type { CorpusReport } from "./workload.js";

/** The compared figures of one system; every one is a plain number (null when not measured). */
export interface Figures {
  buildSeconds: number;
  passagesPerSecond: number;
  /** With only the raw documents, passages and questions loaded (the same for every system). */
  heapBeforeBuildBytes: number;
  heapAfterBuildBytes: number;
  rssAfterBuildBytes: number;
  /** Heap after build minus heap with only the raw texts loaded, per passage. */
  indexBytesPerPassage: number;
  savedBytes: number | null;
  saveSeconds: number | null;
  /** `load()` in a fresh process, not counting process start. */
  loadSeconds: number | null;
  /** The whole fresh process: start, import, load, check, exit. */
  loadProcessSeconds: number | null;
  /** How many times longer rebuilding takes than loading the saved index. */
  rebuildOverLoad: number | null;
  heapAfterLoadBytes: number | null;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  questionsPerSecond: number;
  /** Share of phrase / keyword questions whose source document is among the top 10 (indicative only). */
  foundPhrase: number | null;
  foundWords: number | null;
}

export type SystemResult =
  | {
      status: "ok";
      figures: Figures;
      run: RunReport;
      load: (LoadReport & { processMs: number }) | null;
      loadCheck: string | null;
    }
  | { status: "skipped"; reason: string }
  | { status: "failed"; reason: string };

export interface BenchResult {
  size: string;
  targetPassages: number;
  seed: number;
  questions: number;
  machine: MachineInfo;
  corpus: CorpusReport | null;
  systems: Record<string, SystemResult>;
  /** `${system}/${baseline}` → figure → ratio. */
  ratios: Record<string, Partial<Record<keyof Figures, number | null>>>;
  /** Problems with the comparison itself (for example systems that saw different corpora). */
  warnings: string[];
  method: string[];
}

export const METHOD: string[] = [
  "Each system runs alone in a fresh child process (node --expose-gc), one after the other, on the same seeded documents, passages and questions.",
  "Heap = V8 heapUsed + external (ArrayBuffers), read after two forced full GCs. Index bytes per passage = (heap after build - heap with only the raw documents, passages and questions loaded) / passages.",
  "RSS is the child's resident set after build and GC.",
  "Latency: one warm-up pass over all questions, then a timed pass, one question at a time, each timed with performance.now(); percentiles are nearest-rank. Questions per second = questions / sum of latencies.",
  "Load: a second fresh process starts from the saved index; load time is the load() call, process time is fork to exit. The first questions must give the same answers as the built index.",
  "'Found' = share of questions whose source document is in the top 10. Copies of a text share sentences, so this is a sanity check, not a quality score.",
];

export function figuresOf(run: RunReport, load: (LoadReport & { processMs: number }) | null): Figures {
  const passages = run.corpus.passages;
  return {
    buildSeconds: run.buildMs / 1000,
    passagesPerSecond: passages / (run.buildMs / 1000),
    heapBeforeBuildBytes: run.memoryBefore.heap,
    heapAfterBuildBytes: run.memoryAfter.heap,
    rssAfterBuildBytes: run.memoryAfter.rss,
    indexBytesPerPassage: run.indexBytes / passages,
    savedBytes: run.save?.bytes ?? null,
    saveSeconds: run.save ? run.save.ms / 1000 : null,
    loadSeconds: load ? load.loadMs / 1000 : null,
    loadProcessSeconds: load ? load.processMs / 1000 : null,
    rebuildOverLoad: load ? run.buildMs / load.loadMs : null,
    heapAfterLoadBytes: load ? load.memoryAfter.heap : null,
    p50Ms: run.latency.p50Ms,
    p95Ms: run.latency.p95Ms,
    p99Ms: run.latency.p99Ms,
    questionsPerSecond: run.latency.perSecond,
    foundPhrase: run.found.phrase,
    foundWords: run.found.words,
  };
}

/** The systems must have indexed the same corpus for the ratios to mean anything. */
export function corpusWarnings(systems: Record<string, SystemResult>): string[] {
  const runs = Object.entries(systems).flatMap(([name, r]) => (r.status === "ok" ? [{ name, c: r.run.corpus }] : []));
  const first = runs[0];
  if (!first) return [];
  return runs
    .filter(
      ({ c }) => c.documents !== first.c.documents || c.passages !== first.c.passages || c.words !== first.c.words,
    )
    .map(
      ({ name, c }) =>
        `${name} saw ${c.documents} documents / ${c.passages} passages / ${c.words} words, ${first.name} ${first.c.documents} / ${first.c.passages} / ${first.c.words}: the text on the machine changed between runs`,
    );
}

export function ratiosOf(systems: Record<string, SystemResult>, baseline: string): BenchResult["ratios"] {
  const base = systems[baseline];
  const ratios: BenchResult["ratios"] = {};
  if (base?.status !== "ok") return ratios;
  for (const [name, result] of Object.entries(systems)) {
    if (name === baseline || result.status !== "ok") continue;
    const row: Partial<Record<keyof Figures, number | null>> = {};
    for (const key of Object.keys(result.figures) as (keyof Figures)[]) {
      const a = result.figures[key];
      const b = base.figures[key];
      row[key] = a === null || b === null || b === 0 ? null : a / b;
    }
    ratios[`${name}/${baseline}`] = row;
  }
  return ratios;
}

// ---------------------------------------------------------------------------------------------
// Text

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= GiB) return `${(bytes / GiB).toFixed(2)} GiB`;
  if (Math.abs(bytes) >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

export function formatSeconds(seconds: number): string {
  if (seconds >= 120) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds >= 10) return `${seconds.toFixed(1)} s`;
  if (seconds >= 1) return `${seconds.toFixed(2)} s`;
  return `${(seconds * 1000).toFixed(0)} ms`;
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en");
}

function percent(share: number | null): string {
  return share === null ? "–" : `${(share * 100).toFixed(1)} %`;
}

const ROWS: { label: string; key: keyof Figures; format: (v: number) => string }[] = [
  { label: "Build time", key: "buildSeconds", format: formatSeconds },
  { label: "Passages per second (build)", key: "passagesPerSecond", format: count },
  { label: "Heap, raw texts only", key: "heapBeforeBuildBytes", format: formatBytes },
  { label: "Heap after build", key: "heapAfterBuildBytes", format: formatBytes },
  { label: "RSS after build", key: "rssAfterBuildBytes", format: formatBytes },
  { label: "Index bytes per passage", key: "indexBytesPerPassage", format: (v) => `${count(v)} B` },
  { label: "Saved index on disk", key: "savedBytes", format: formatBytes },
  { label: "Save time", key: "saveSeconds", format: formatSeconds },
  { label: "Load saved index (fresh process)", key: "loadSeconds", format: formatSeconds },
  { label: "  whole process, start to exit", key: "loadProcessSeconds", format: formatSeconds },
  { label: "Rebuild time / load time", key: "rebuildOverLoad", format: (v) => `${v.toFixed(1)}×` },
  { label: "Heap after load", key: "heapAfterLoadBytes", format: formatBytes },
  { label: "Answer latency p50", key: "p50Ms", format: formatMs },
  { label: "Answer latency p95", key: "p95Ms", format: formatMs },
  { label: "Answer latency p99", key: "p99Ms", format: formatMs },
  { label: "Questions per second", key: "questionsPerSecond", format: (v) => v.toFixed(1) },
  { label: "Found: phrase questions", key: "foundPhrase", format: (v) => percent(v) },
  { label: "Found: keyword questions", key: "foundWords", format: (v) => percent(v) },
];

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function renderText(result: BenchResult): string {
  const lines: string[] = [];
  const m = result.machine;
  lines.push(
    `Retrieval benchmark — ${result.size} (${count(result.targetPassages)} passages), seed ${result.seed}, ${result.questions} questions`,
  );
  lines.push(
    `Machine: ${m.cores} cores, ${m.cpu}, ${formatBytes(m.totalMemory)} RAM (${formatBytes(m.freeMemory)} free), Node ${m.node}, ${m.platform}`,
  );
  const c = result.corpus;
  if (c) {
    lines.push(
      `Corpus: ${count(c.documents)} documents, ${count(c.passages)} passages, ${count(c.words)} words, ${formatBytes(c.characters)} of text ` +
        `(${(c.words / c.passages).toFixed(0)} words/passage)`,
    );
    const origins = Object.entries(c.poolWordsByOrigin)
      .map(([k, v]) => `${k} ${count(v)}`)
      .join(", ");
    lines.push(
      `  from a pool of ${count(c.poolWords)} distinct words of prose in ${count(c.poolDocuments)} documents (${count(c.poolFiles)} files: ${origins}); ` +
        `read ${formatSeconds(c.poolLoadMs / 1000)}, generate ${formatSeconds(c.generateMs / 1000)}, chunk ${formatSeconds(c.chunkMs / 1000)}, questions ${formatSeconds(c.questionMs / 1000)}`,
    );
  }
  lines.push("");

  const names = Object.keys(result.systems).filter((name) => result.systems[name]?.status === "ok");
  const ratioNames = Object.keys(result.ratios);
  const columns = [...names, ...ratioNames];
  if (columns.length > 0) {
    const labelWidth = Math.max(...ROWS.map((r) => r.label.length)) + 2;
    const width = Math.max(14, ...columns.map((n) => n.length + 2));
    lines.push(pad("", labelWidth) + columns.map((n) => pad(n, width, true)).join(""));
    for (const row of ROWS) {
      const cells = names.map((name) => {
        const r = result.systems[name];
        const v = r?.status === "ok" ? r.figures[row.key] : null;
        return v === null ? "–" : row.format(v);
      });
      const ratioCells = ratioNames.map((name) => {
        const v = result.ratios[name]?.[row.key];
        return v === null || v === undefined ? "–" : `${v.toFixed(2)}×`;
      });
      lines.push(pad(row.label, labelWidth) + [...cells, ...ratioCells].map((t) => pad(t, width, true)).join(""));
    }
  }
  lines.push("");
  for (const [name, r] of Object.entries(result.systems)) {
    if (r.status !== "ok") lines.push(`${name} ${r.status}: ${r.reason}`);
    else if (r.loadCheck) lines.push(`${name}: ${r.loadCheck}`);
  }
  for (const warning of result.warnings) lines.push(`Warning: ${warning}`);
  lines.push("Method:");
  for (const line of result.method) lines.push(`  - ${line}`);
  return lines.join("\n");
}
