/**
 * `npm run --silent eval -- DIR [--json] [--max N]`: retrieval quality on a collection in the shared eval format,
 * indexed by the same pipeline the bot uses. Prints nDCG@10, MRR@10, Recall@100 and, when answers.jsonl is present,
 * answerTop1/answerTop5 (the answer string inside the top-1/top-5 quotes), the mean top-quote length, and the
 * abstention figures (a sample of the questions asked with and without their own article).
 *
 * `npm run --silent eval -- --questions FILE --corpus DIR [--json] [--verbose]`: a question set over a corpus folder
 * (src/core/eval/questions.ts): answer in the top-1 / top-3 quote, false abstentions, and quotes given to
 * unanswerable questions; --verbose lists every question's outcome.
 */
import { parseArgs } from "node:util";
import { evaluate, evaluateQuestions, outcomeLine, type QuestionSetResult } from "../core/index.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    max: { type: "string" },
    questions: { type: "string" },
    corpus: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});

const pct = (n: number, d: number) => (d === 0 ? "n/a" : `${((100 * n) / d).toFixed(1)} % (${n}/${d})`);

function formatQuestionSet(result: QuestionSetResult, verbose: boolean): string {
  const a = result.answerable;
  const lines = [
    `answerable       ${a.questions}`,
    `  top-1          ${pct(a.top1, a.questions)}`,
    `  top-3          ${pct(a.top3, a.questions)}`,
    `  false abstain  ${pct(a.falseAbstentions, a.questions)}`,
    `  ranking alone  top-1 ${pct(a.rankedTop1, a.questions)} · top-3 ${pct(a.rankedTop3, a.questions)} (abstention off)`,
  ];
  for (const [kind, f] of Object.entries(result.byKind)) {
    lines.push(
      `  ${kind.padEnd(13)}  top-1 ${pct(f.top1, f.questions)} · top-3 ${pct(f.top3, f.questions)} · ` +
        `ranking alone ${pct(f.rankedTop1, f.questions)} / ${pct(f.rankedTop3, f.questions)}`,
    );
  }
  lines.push(`unanswerable     ${result.unanswerable.questions}`);
  lines.push(`  quoted anyway  ${pct(result.unanswerable.answered, result.unanswerable.questions)}`);
  lines.push(`mean top quote   ${result.meanTopQuoteChars} characters`);
  if (verbose) {
    for (const o of result.outcomes) {
      lines.push(outcomeLine(o));
    }
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  if (values.questions !== undefined) {
    if (values.corpus === undefined) throw new Error("--questions needs --corpus DIR");
    const result = await evaluateQuestions(values.corpus, values.questions);
    if (values.json) {
      const { outcomes, ...figures } = result;
      process.stdout.write(`${JSON.stringify(values.verbose ? result : { ...figures, outcomes: outcomes.length })}\n`);
    } else {
      process.stdout.write(`${values.questions} on ${values.corpus}\n${formatQuestionSet(result, values.verbose)}`);
    }
    return;
  }
  const dir = positionals[0];
  if (dir === undefined) {
    process.stderr.write(
      "Usage: npm run --silent eval -- DIR [--json] [--max N]\n       npm run --silent eval -- --questions FILE --corpus DIR [--json] [--verbose]\n",
    );
    process.exitCode = 2;
    return;
  }
  const result = await evaluate(dir, values.max === undefined ? {} : { maxQueries: Number(values.max) });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const rows = Object.entries(result).map(([k, v]) => {
    if (k === "abstention" && v !== null && typeof v === "object") {
      const a = v as NonNullable<typeof result.abstention>;
      return (
        `abstention   ${a.sampled} questions sampled: answered right ${pct(a.answeredRight, a.sampled)}, wrong ` +
        `${pct(a.answeredWrong, a.sampled)}, abstained ${pct(a.falseAbstentions, a.sampled)}; without their own ` +
        `article, quoted anyway ${pct(a.negativesQuoted, a.sampled)}`
      );
    }
    return `${k.padEnd(12)} ${v === null ? "n/a" : v}`;
  });
  process.stdout.write(`${dir}\n${rows.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`eval: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
