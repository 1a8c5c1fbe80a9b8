/**
 * `npm run ask -- "question"`: Verbatim offline. Prints a readable answer, or with --json exactly one JSON object per
 * question (with --json and no question, one question per line from standard input, one object per line, in order).
 * --explain adds, under each quote, the signals that chose it and how each question term was matched (the JSON always
 * carries them).
 */
import { rm, stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { callerDirectory, configOrReport, loadCoreConfig } from "../config.js";
import { type Answer, type DataDirLock, DataDirLockedError, Library, lockDataDir, type Source } from "../core/index.js";
import { forTerminal, formatAnswer, jsonForTerminal } from "./format.js";
import { corpusFolder, progressLine, reportLines, wordsReport } from "./report.js";

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
  return jsonForTerminal(
    JSON.stringify({
      question: answer.question,
      answered: answer.answered,
      independentSources: answer.independentSources,
      confidence: answer.confidence ?? null,
      quotes: answer.quotes.map((q) => ({
        text: q.text,
        start: q.start,
        end: q.end,
        focus: q.focus ?? null,
        code: q.code ?? null,
        columns: q.columns ?? null,
        score: q.score,
        confidence: q.confidence ?? null,
        section: q.section ?? null,
        source: source(q.source),
        alsoReportedBy: q.alsoReportedBy.map(source),
        signals: q.signals ?? [],
        match: q.match ?? {},
        terms: q.terms ?? [],
      })),
      closest: answer.closest.map(source),
      nothingAsked: answer.nothingAsked === true,
      language: answer.language ?? null,
      corrected: answer.corrected ?? [],
    }),
  );
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      corpus: { type: "string" },
      data: { type: "string" },
      limit: { type: "string" },
      verbose: { type: "boolean", short: "v", default: false },
      explain: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run ask -- [--json] [--explain] [--corpus DIR] [--data DIR] [--limit N] [--verbose] "question"\n' +
        "       npm run --silent ask -- --json < questions.txt   (one question per line)\n" +
        "  --explain  under each quote, the signals that chose it and how each question term was matched\n" +
        "  --verbose  also list every document with the share of its words that cleaning kept\n",
    );
    return 0;
  }
  const config = configOrReport(loadCoreConfig, "verbatim");
  if (config === null) return 1;
  let corpusDir = config.corpusDir;
  let dataDir = values.data ?? config.dataDir;
  if (values.corpus !== undefined) {
    // Another corpus keeps its own saved index, so switching corpora never discards the bundled one's.
    const folder = await corpusFolder(values.corpus, callerDirectory(), config.dataDir);
    if ("error" in folder) {
      process.stderr.write(`verbatim: ${folder.error}\n`);
      return 1;
    }
    corpusDir = folder.dir;
    if (values.data === undefined) dataDir = folder.dataDir;
  }
  const limit = values.limit === undefined ? 3 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 20) {
    process.stderr.write("--limit must be a whole number from 1 to 20\n");
    return 2;
  }
  // A running bot holds DATA_DIR: then the saved index is read, never written.
  const existed = await stat(dataDir).then(
    () => true,
    () => false,
  );
  let lock: DataDirLock | null = null;
  try {
    lock = await lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
  }
  const progress = progressLine(process.stderr, !values.json);
  const { library, report } = await Library.open({
    corpusDir,
    dataDir,
    readOnly: lock === null || !lock.held,
    onProgress: progress.update,
  });
  progress.end();
  library.close();
  await lock?.release();
  for (const line of reportLines("verbatim", report)) process.stderr.write(forTerminal(`${line}\n`));
  if (values.verbose)
    for (const line of wordsReport("verbatim", library.documentWords())) process.stderr.write(forTerminal(`${line}\n`));
  const documents = library.stats().documents;
  if (documents === 0) {
    // Nothing to keep: a folder made just now for this corpus's index is not left behind.
    if (!existed) await rm(dataDir, { recursive: true, force: true });
    const refused = report.problems.filter((p) => !p.reason.startsWith("warning:")).length + report.skipped.length;
    process.stderr.write(
      forTerminal(
        `verbatim: ${values.corpus ?? corpusDir}: no document could be loaded${refused > 0 ? ` (${refused} file${refused === 1 ? "" : "s"} skipped or refused, listed above)` : " (the folder holds no .md, .txt, .html, .pdf, .docx or man page files)"}\n`,
      ),
    );
    return 1;
  }

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
