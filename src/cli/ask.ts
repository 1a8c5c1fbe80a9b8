/**
 * `npm run ask -- "question"`: Verbatim offline. Prints a readable answer, or with --json exactly one JSON object per
 * question (with --json and no question, one question per line from standard input, one object per line, in order).
 * --explain adds, under each quote, the signals that chose it and how each question term was matched (the JSON always
 * carries them).
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { configOrReport, loadCoreConfig } from "../config.js";
import { Library, type Answer, type Source } from "../core/index.js";
import { formatAnswer } from "./format.js";

function toJson(answer: Answer): string {
  const source = (s: Source) => ({
    id: s.id,
    title: s.title,
    publisher: s.publisher,
    author: s.author,
    date: s.date,
    url: s.url,
    path: s.path,
  });
  return JSON.stringify({
    question: answer.question,
    answered: answer.answered,
    independentSources: answer.independentSources,
    confidence: answer.confidence ?? null,
    quotes: answer.quotes.map((q) => ({
      text: q.text,
      start: q.start,
      end: q.end,
      focus: q.focus ?? null,
      score: q.score,
      confidence: q.confidence ?? null,
      source: source(q.source),
      alsoReportedBy: q.alsoReportedBy.map(source),
      signals: q.signals ?? [],
      match: q.match ?? {},
      terms: q.terms ?? [],
    })),
    closest: answer.closest.map(source),
    language: answer.language ?? null,
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      corpus: { type: "string" },
      data: { type: "string" },
      limit: { type: "string" },
      explain: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run ask -- [--json] [--explain] [--corpus DIR] [--data DIR] [--limit N] "question"\n' +
        "       npm run --silent ask -- --json < questions.txt   (one question per line)\n",
    );
    return 0;
  }
  const config = configOrReport(loadCoreConfig, "verbatim");
  if (config === null) return 1;
  const corpusDir = values.corpus ?? config.corpusDir;
  // Another corpus keeps its own saved index, so switching corpora never discards the bundled one's.
  const dataDir =
    values.data ??
    (values.corpus === undefined
      ? config.dataDir
      : `${config.dataDir}/corpora/${Buffer.from(corpusDir).toString("base64url")}`);
  const limit = values.limit === undefined ? 3 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 20) {
    process.stderr.write("--limit must be a whole number from 1 to 20\n");
    return 2;
  }
  const { library, report } = await Library.open({ corpusDir, dataDir });
  for (const p of report.problems) process.stderr.write(`verbatim: ${p.path}: ${p.reason}\n`);
  if (report.discarded !== undefined)
    process.stderr.write(`verbatim: saved index not used (${report.discarded}); rebuilt\n`);

  const question = positionals.join(" ").trim();
  if (question !== "") {
    const answer = library.answer(question, { limit });
    process.stdout.write(values.json ? `${toJson(answer)}\n` : formatAnswer(answer, values.explain));
    return 0;
  }
  if (!values.json) {
    process.stderr.write('Ask a question: npm run ask -- "when did the ambassador return to Moscow?"\n');
    return 2;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    // Every input line gets exactly one output line, so answers stay aligned with questions.
    process.stdout.write(`${toJson(library.answer(line.trim(), { limit }))}\n`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`verbatim: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
