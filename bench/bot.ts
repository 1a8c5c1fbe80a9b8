/**
 * `npm run bench:bot -- --size 100k`: the bot-path figures at a benchmark size, on Verbatim's own index:
 * - title autocomplete (/source) latency over 1,000 typed prefixes, once the title index is built;
 * - 50 /ask commands arriving at once through the real interaction handler against the loopback Discord:
 *   time to acknowledge each (Discord's limit: 3 s) and to answer.
 */
import { parseArgs } from "node:util";
import { buildSegment, documentFromText, Library, TitleIndex } from "../src/core/index.js";
import { measureAutocomplete, measureBurst } from "./concurrency.js";
import { machineInfo } from "./measure.js";
import { mulberry32 } from "./random.js";
import { corpusDocuments } from "./systems/verbatim.js";
import { buildWorkload, SIZES } from "./workload.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "100k" },
    seed: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
    // Autocomplete only needs the titles: skips building the passage index and the burst (for the 1M figure).
    "titles-only": { type: "boolean", default: false },
  },
});
const passages = SIZES[values.size];
if (passages === undefined) {
  process.stderr.write(`bench:bot: --size must be one of ${Object.keys(SIZES).join(", ")}\n`);
  process.exit(2);
}
const seed = Number(values.seed);
const workload = buildWorkload({ passages, questions: 1000, seed });
const titlesOnly = values["titles-only"];
const segment = buildSegment(corpusDocuments(titlesOnly ? [] : workload.documents));
const sources = workload.documents.map((d) => documentFromText({ id: d.id, title: d.title, text: "" }).source);

const started = performance.now();
const titles = new TitleIndex(sources);
while (!titles.ready) await new Promise((resolve) => setImmediate(resolve));
const titleBuildMs = performance.now() - started;

// What people type: the first 2–6 letters of a title word, sometimes followed by the start of another.
const random = mulberry32(seed);
const words = sources.flatMap((source) => (source.title ?? "").split(/\s+/).filter((w) => /^\p{L}{3,}$/u.test(w)));
const pick = () => words[Math.floor(random() * words.length)] ?? "a";
const prefixes = Array.from({ length: 1000 }, (_, i) => {
  const first = pick().slice(0, 2 + Math.floor(random() * 5));
  return i % 3 === 0 ? `${first} ${pick().slice(0, 2 + Math.floor(random() * 3))}` : first;
});
const autocomplete = measureAutocomplete((prefix, limit) => titles.suggest(prefix, limit), prefixes);
const burst = titlesOnly
  ? null
  : await measureBurst(
      Library.fromSegment(segment),
      workload.questions.slice(0, 50).map((q) => q.text),
    );

const machine = machineInfo();
const result = {
  size: values.size,
  passages: workload.passages.length,
  documents: sources.length,
  titleIndexBuildMs: titleBuildMs,
  autocomplete,
  burst,
  machine,
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
  process.stdout.write(
    [
      `Bot path — ${values.size}: ${result.passages.toLocaleString("en")} passages in ${result.documents.toLocaleString("en")} documents`,
      `Machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`,
      `Title index (flexsearch, background) built in ${ms(titleBuildMs)}`,
      `Autocomplete, ${autocomplete.count} prefixes: p50 ${ms(autocomplete.p50Ms)}, p95 ${ms(autocomplete.p95Ms)}, p99 ${ms(autocomplete.p99Ms)}`,
      burst === null
        ? "50 simultaneous /ask: not measured (--titles-only)"
        : `50 simultaneous /ask: acknowledged p50 ${ms(burst.ack.p50Ms)}, p99 ${ms(burst.ack.p99Ms)}, max ${ms(burst.ack.maxMs)} (${burst.late} over 3 s); answered p50 ${ms(burst.answer.p50Ms)}, p99 ${ms(burst.answer.p99Ms)}`,
    ].join("\n") + "\n",
  );
}
