/**
 * `node --expose-gc --import tsx bench/flexsearch-tune.ts [--size 10k] [--questions 1000] [--seed 1] [--configs 0,1,4]`
 *
 * Measures every configuration in FLEXSEARCH_CONFIGS (bench/systems/flexsearch.ts) on the benchmark's own seeded
 * passages and questions, one after the other in one process, and prints a Markdown table: found rates (the figure
 * that decides FLEXSEARCH_BEST), build time, index memory per passage and query latency. Memory and times are
 * indicative (one process, the previous configuration's index dropped and collected first); `npm run bench` measures
 * the chosen one properly, in fresh processes.
 */
import { parseArgs } from "node:util";
import { sampleMemory, since, summarizeLatencies } from "./measure.js";
import { FLEXSEARCH_BEST, FLEXSEARCH_CONFIGS, FlexSearchSystem } from "./systems/flexsearch.js";
import { SIZES, buildWorkload } from "./workload.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "10k" },
    questions: { type: "string", default: "1000" },
    seed: { type: "string", default: "1" },
    /** Comma-separated positions in FLEXSEARCH_CONFIGS (default: all). */
    configs: { type: "string" },
  },
});
const configs =
  values.configs === undefined
    ? FLEXSEARCH_CONFIGS
    : values.configs.split(",").map((n) => {
        const config = FLEXSEARCH_CONFIGS[Number(n)];
        if (!config)
          throw new Error(`--configs: no configuration at position ${n} (0–${FLEXSEARCH_CONFIGS.length - 1})`);
        return config;
      });
const passages = SIZES[values.size.toLowerCase()];
if (passages === undefined) throw new Error(`--size must be one of ${Object.keys(SIZES).join(", ")}`);

const {
  documents,
  passages: cut,
  questions,
} = buildWorkload({
  seed: Number(values.seed),
  passages,
  questions: Number(values.questions),
});
process.stderr.write(`${cut.length} passages, ${questions.length} questions\n`);

/**
 * Keyword questions with two words of another keyword question (another document) added: a question worded with terms
 * its answer lacks, as a natural-language question is ("how", "does", a synonym). shared/notes/flexsearch-0.8.md ran
 * the same test on other text.
 */
const keywordQuestions = questions.filter((q) => q.kind === "words");
const noisy = keywordQuestions.map((q, i) => {
  const other = keywordQuestions[(i + 1) % keywordQuestions.length];
  const extra = (other?.text.split(" ") ?? []).slice(0, 2);
  return { docId: q.docId, text: [...q.text.split(" "), ...extra].join(" ") };
});

const percent = (hit: number, all: number): string => `${((hit / all) * 100).toFixed(1)} %`;
const rows: string[] = [
  "| Configuration | Found: phrase | Found: keywords | Found: keywords + 2 foreign words | First result from the source | Empty answers | Build | Index bytes / passage | p50 | p99 |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
];
for (const config of configs) {
  const system = new FlexSearchSystem(config);
  const before = sampleMemory();
  let start = performance.now();
  system.build({ documents, passages: cut });
  const buildMs = since(start);
  const after = sampleMemory();
  for (const q of questions) system.query(q.text);
  const latencies: number[] = [];
  const hits = { phrase: 0, words: 0 };
  const totals = { phrase: 0, words: 0 };
  let first = 0;
  let empty = 0;
  for (const q of questions) {
    start = performance.now();
    const result = system.query(q.text);
    latencies.push(performance.now() - start);
    totals[q.kind]++;
    const docs = system.resultDocIds(result);
    if (docs.includes(q.docId)) hits[q.kind]++;
    if (docs[0] === q.docId) first++;
    if (result.length === 0) empty++;
  }
  const noisyHits = noisy.filter((q) => system.resultDocIds(system.query(q.text)).includes(q.docId)).length;
  system.dispose();
  const latency = summarizeLatencies(latencies);
  const name = config === FLEXSEARCH_BEST ? `**${config.name}** (kept)` : config.name;
  rows.push(
    `| ${name} | ${percent(hits.phrase, totals.phrase)} | ${percent(hits.words, totals.words)} | ` +
      `${percent(noisyHits, noisy.length)} | ${percent(first, questions.length)} | ${empty} | ` +
      `${(buildMs / 1000).toFixed(2)} s | ${Math.round((after.heap - before.heap) / cut.length)} B | ` +
      `${latency.p50Ms.toFixed(2)} ms | ${latency.p99Ms.toFixed(2)} ms |`,
  );
  process.stderr.write(`${rows.at(-1)}\n`);
}
console.log(rows.join("\n"));
