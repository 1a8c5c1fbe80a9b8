/**
 * `npx tsx scripts/eval-sets.ts [--holdout] [--slips] [--lower] [--verbose] [--json] [--only a,b]`: every question set of eval/ in
 * one run, one line per set: the ranking alone (abstention off: the answer in the top-1 / top-3 candidates) and the
 * answers as given (top-1, top-3, false abstentions, unanswerable questions quoted), with the reworded questions apart.
 * Development sets by default; --holdout runs the held-out ones instead (to report, never to tune on); --slips asks
 * each question with one typing slip in it (src/core/eval/slips.ts; questions with no word long enough are left out);
 * --lower asks each in lower case, as many people type on Discord.
 */
import { parseArgs } from "node:util";
import { readJsonl } from "../src/core/eval/evaluate.js";
import { outcomeLine, readQuestions, scoreQuestions, type QuestionSetResult } from "../src/core/eval/questions.js";
import { documentFromText } from "../src/core/ingest/document.js";
import { Library } from "../src/core/library/library.js";
import { buildSegment } from "../src/core/search/segment.js";
import { withSlip } from "../src/core/eval/slips.js";

const { values } = parseArgs({
  options: {
    holdout: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    only: { type: "string" },
    slips: { type: "boolean", default: false },
    lower: { type: "boolean", default: false },
  },
});
/** eval/squad: questions written for SQuAD's articles, asked of the whole collection (../shared/eval-data). */
const SQUAD = "../shared/eval-data/squad-dev-v1.1/docs.jsonl";
async function evaluate(corpus: string, questions: string): Promise<QuestionSetResult> {
  let library: Library;
  if (corpus !== SQUAD) library = (await Library.open({ corpusDir: corpus })).library;
  else {
    const docs = await readJsonl<{ id: string; title: string; text: string }>(SQUAD);
    library = Library.fromSegment(buildSegment(docs.map((d) => documentFromText(d))));
  }
  const read = await readQuestions(questions);
  const asked = values.lower ? read.map((q) => ({ ...q, question: q.question.toLowerCase() })) : read;
  return scoreQuestions(library, values.slips ? asked.flatMap((q) => withSlip(q) ?? []) : asked);
}
const file = values.holdout ? "holdout.jsonl" : "dev.jsonl";
const SETS: Array<[string, string, string]> = [
  ["bundled", `eval/bundled/${file}`, "corpus"],
  ...["postgres-html", "manpages", "markdown-readmes", "pdf-manuals", "undici-docs"].map(
    (c) => [c, `eval/corpora/${c}/${file}`, `eval/corpora/${c}/docs`] as [string, string, string],
  ),
  ["squad-written", `eval/squad/${file}`, SQUAD],
];
const pct = (n: number, d: number) => (d === 0 ? "  n/a" : `${((100 * n) / d).toFixed(1).padStart(5)}`);
const results: Record<string, QuestionSetResult> = {};
console.log(
  `${"set".padEnd(17)} ranked@1 ranked@3 | top-1  top-3  f.abst | reworded r@3 top-3 | unans. quoted | mean chars`,
);
for (const [name, questions, corpus] of SETS) {
  if (values.only !== undefined && !values.only.split(",").includes(name)) continue;
  const r = await evaluate(corpus, questions);
  results[name] = r;
  const a = r.answerable;
  const p = r.byKind.paraphrase;
  console.log(
    `${name.padEnd(17)} ${pct(a.rankedTop1, a.questions)}    ${pct(a.rankedTop3, a.questions)}    | ` +
      `${pct(a.top1, a.questions)}  ${pct(a.top3, a.questions)}  ${pct(a.falseAbstentions, a.questions)} | ` +
      `${p === undefined ? "    -      -  " : `${pct(p.rankedTop3, p.questions)}  ${pct(p.top3, p.questions)}`}      | ` +
      `${pct(r.unanswerable.answered, r.unanswerable.questions)} (${r.unanswerable.answered}/${r.unanswerable.questions})   | ${r.meanTopQuoteChars}`,
  );
  if (values.verbose) {
    for (const o of r.outcomes) {
      console.log(`  ${outcomeLine(o)}`);
    }
  }
}
if (values.json) console.log(JSON.stringify(results));
