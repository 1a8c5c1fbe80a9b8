/**
 * One system, one task, one fresh process (forked by bench/run.ts with --expose-gc).
 *
 * A fresh process per task keeps figures clean: V8 seldom returns freed pages to the OS, so RSS
 * measured after another system ran in the same process would include that system's leftovers,
 * and "start from the saved index" should pay what a restarted bot pays.
 *
 * Tasks:
 * - run:  generate the workload, build, measure memory, answer every question (a warm-up pass,
 *         then a timed pass, one at a time), save the index.
 * - load: start from a saved index, measure time and memory, and check that the first questions
 *         give exactly the answers the built index gave.
 */
import {
  collectGarbage,
  sampleMemory,
  since,
  directorySize,
  summarizeLatencies,
  type LatencySummary,
  type MemorySample,
} from "./measure.js";
import { findSystem } from "./systems/index.js";
import type { BenchSystem } from "./systems/types.js";
import { buildWorkload, type CorpusReport } from "./workload.js";

export interface RunTask {
  task: "run";
  system: string;
  seed: number;
  passages: number;
  questions: number;
  /** Run every question once untimed before the timed pass. */
  warmup: boolean;
  /** Where to save the index; null skips saving (calibration runs). */
  saveDir: string | null;
  /** How many of the first questions' answers to send back for checking the reloaded index. */
  probes: number;
}

export interface LoadTask {
  task: "load";
  system: string;
  dir: string;
  probes: Probe[];
}

export interface Probe {
  question: string;
  /** JSON of the built index's answer. */
  expected: string;
}

export interface RunReport {
  corpus: CorpusReport;
  /** After a full GC with documents, passages and questions loaded, before building. */
  memoryBefore: MemorySample;
  /** After building and a full GC. */
  memoryAfter: MemorySample;
  buildMs: number;
  /** memoryAfter.heap - memoryBefore.heap: what the index costs beyond the raw texts. */
  indexBytes: number;
  latency: LatencySummary;
  warmupMs: number | null;
  /** Share of questions whose source document is among the results (null if the system cannot say). */
  found: { phrase: number | null; words: number | null };
  probes: Probe[];
  save: { ms: number; bytes: number } | null;
}

export interface LoadReport {
  loadMs: number;
  memoryBefore: MemorySample;
  memoryAfter: MemorySample;
  indexBytes: number;
  probesMatched: number;
  probesTotal: number;
}

export type ChildMessage = { ok: true; report: RunReport | LoadReport } | { ok: false; error: string };

function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

async function run(task: RunTask): Promise<RunReport> {
  const entry = findSystem(task.system);
  progress(`${entry.name}: generating ${task.passages.toLocaleString("en")} passages`);
  let workload: ReturnType<typeof buildWorkload> | null = buildWorkload({
    seed: task.seed,
    passages: task.passages,
    questions: task.questions,
  });
  const { documents, passages, questions, report: corpus } = workload;
  workload = null;
  progress(
    `${entry.name}: ${corpus.documents.toLocaleString("en")} documents, ${corpus.passages.toLocaleString("en")} passages ` +
      `(pool ${(corpus.poolLoadMs / 1000).toFixed(1)} s, generate ${(corpus.generateMs / 1000).toFixed(1)} s, chunk ${(corpus.chunkMs / 1000).toFixed(1)} s); building`,
  );

  const memoryBefore = sampleMemory();
  let system: BenchSystem | null = entry.create();
  let start = performance.now();
  await system.build({ documents, passages });
  const buildMs = since(start);
  const memoryAfter = sampleMemory();
  progress(`${entry.name}: built in ${(buildMs / 1000).toFixed(1)} s; answering ${questions.length} questions`);

  // Progress every quarter, so a long pass at 1M passages visibly moves.
  const quarter = Math.max(1, Math.ceil(questions.length / 4));
  const tick = (pass: string, i: number, from: number) => {
    if ((i + 1) % quarter === 0 && i + 1 < questions.length)
      progress(`${entry.name}: ${pass} ${i + 1}/${questions.length} (${(since(from) / 1000).toFixed(0)} s)`);
  };
  let warmupMs: number | null = null;
  if (task.warmup) {
    start = performance.now();
    questions.forEach((q, i) => {
      system?.query(q.text);
      tick("warm-up", i, start);
    });
    warmupMs = since(start);
    progress(`${entry.name}: warm-up pass took ${(warmupMs / 1000).toFixed(0)} s; timed pass`);
  }
  const latencies: number[] = [];
  const results: unknown[] = [];
  start = performance.now();
  for (const [i, q] of questions.entries()) {
    const t = performance.now();
    const result = system.query(q.text);
    latencies.push(performance.now() - t);
    results.push(result);
    tick("timed", i, start);
  }

  let found: RunReport["found"] = { phrase: null, words: null };
  if (system.resultDocIds) {
    const tally = { phrase: [0, 0], words: [0, 0] };
    questions.forEach((q, i) => {
      const ids = system?.resultDocIds?.(results[i]) ?? [];
      const t = tally[q.kind];
      t[1] = (t[1] ?? 0) + 1;
      if (ids.includes(q.docId)) t[0] = (t[0] ?? 0) + 1;
    });
    const share = ([hit, all]: number[]) => (all ? (hit ?? 0) / all : null);
    found = { phrase: share(tally.phrase), words: share(tally.words) };
  }
  const probes = questions
    .slice(0, task.probes)
    .map((q, i) => ({ question: q.text, expected: JSON.stringify(results[i]) }));

  let save: RunReport["save"] = null;
  if (task.saveDir) {
    progress(`${entry.name}: saving`);
    start = performance.now();
    await system.save(task.saveDir);
    save = { ms: since(start), bytes: directorySize(task.saveDir) };
  }
  system.dispose();
  system = null;
  return {
    corpus,
    memoryBefore,
    memoryAfter,
    buildMs,
    indexBytes: memoryAfter.heap - memoryBefore.heap,
    latency: summarizeLatencies(latencies),
    warmupMs,
    found,
    probes,
    save,
  };
}

async function load(task: LoadTask): Promise<LoadReport> {
  const entry = findSystem(task.system);
  const system = entry.create();
  const memoryBefore = sampleMemory();
  const start = performance.now();
  await system.load(task.dir);
  const loadMs = since(start);
  const memoryAfter = sampleMemory();
  let probesMatched = 0;
  for (const probe of task.probes) if (JSON.stringify(system.query(probe.question)) === probe.expected) probesMatched++;
  system.dispose();
  collectGarbage();
  return {
    loadMs,
    memoryBefore,
    memoryAfter,
    indexBytes: memoryAfter.heap - memoryBefore.heap,
    probesMatched,
    probesTotal: task.probes.length,
  };
}

// If the runner goes away, stop rather than burn a core for an hour on results nobody will read.
process.once("disconnect", () => process.exit(1));

process.once("message", (task: RunTask | LoadTask) => {
  const work = task.task === "run" ? run(task) : load(task);
  work.then(
    (report) => process.send?.({ ok: true, report } satisfies ChildMessage, () => process.exit(0)),
    (error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.send?.({ ok: false, error: message } satisfies ChildMessage, () => process.exit(1));
    },
  );
});
