/** The CLI's readable answer: each quote verbatim, then who said it. */
import {
  type Answer,
  type Quote,
  readAs,
  shownCode,
  type Source,
  sourceLabel,
  withoutBidiControls,
} from "../core/index.js";

/** Control characters a terminal acts on (escape sequences, carriage returns, C1 controls), but line breaks and tabs. */
const TERMINAL_CONTROLS = /[^\P{Cc}\n\t]/gu;

/**
 * Text safe to print to a terminal: a document's title or text can hold escape sequences (which would recolour or
 * clear the screen) and bidirectional-text controls (which would show a name reversed). Both are removed.
 */
export function forTerminal(text: string): string {
  return withoutBidiControls(text).replace(TERMINAL_CONTROLS, "");
}

/** Characters JSON leaves raw that a terminal would act on, written as \u escapes instead (the data is unchanged). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g;

/** A JSON text with those characters escaped: parses to the same value, prints safely. */
export function jsonForTerminal(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A source on one line: title (and the quote's section, "Title › Installation › Windows"), publisher, author, date. */
export function describeSource(source: Source, section: string | null = null): string {
  const label = sourceLabel(source).label;
  const parts = [section === null ? label : `${label} › ${section}`];
  if (source.publisher !== null) parts.push(source.publisher);
  if (source.author !== null) parts.push(`by ${source.author}`);
  if (source.date !== null) parts.push(source.dateInferred === true ? `${source.date} (inferred)` : source.date);
  const where = source.url ?? source.path;
  return `${parts.join(" · ")}${where !== null ? `\n    ${where}` : ""}`;
}

/** A short credit for "also reported by": the publisher when known, else the title. */
const credit = (s: Source) => s.publisher ?? sourceLabel(s).label;

/** Why a quote was chosen: its confidence, the signals that fired, and how each question term was matched. */
export function explainQuote(quote: Quote): string {
  const lines: string[] = [];
  if (quote.confidence !== undefined) lines.push(`confidence ${quote.confidence.toFixed(3)} · score ${quote.score}`);
  for (const s of quote.signals ?? []) {
    const effect = s.points !== undefined ? `+${s.points.toFixed(2)}` : `×${(s.factor ?? 1).toFixed(3)}`;
    lines.push(`${s.name.padEnd(13)} ${effect.padStart(9)}   (value ${s.value})`);
  }
  const match = Object.entries(quote.match ?? {}).map(
    ([term, m]) => `${term}←${m.word}${m.via === "exact" ? "" : ` (${m.via} ${m.strength})`}`,
  );
  if (match.length > 0) lines.push(`matched: ${match.join(", ")}`);
  return lines.map((l) => `    ${l}`).join("\n");
}

/** The CLI shows at most this many lines of the code a quote announces. */
const CODE_LINES = 30;

/** The code a quote announces, indented under it: its first `CODE_LINES` lines, and how many more the source has. */
function codeOf(quote: Quote): string {
  if (quote.code === undefined) return "";
  const body = shownCode(quote.code.text);
  const lines = body === "" ? [] : body.split("\n");
  const shown = lines.slice(0, CODE_LINES).map((line) => `      ${line}`);
  const more = lines.length - shown.length;
  const language = quote.code.language === null ? "" : ` (${quote.code.language})`;
  return `\n    code${language}:\n${shown.join("\n")}${more > 0 ? `\n      … ${more} more line${more === 1 ? "" : "s"} in the source` : ""}`;
}

function formatQuote(quote: Quote, n: number, explain: boolean): string {
  const text = quote.text.replace(/\s*\n\s*/g, " ");
  const also =
    quote.alsoReportedBy.length > 0 ? `\n    also reported by: ${quote.alsoReportedBy.map(credit).join("; ")}` : "";
  // When context precedes the sentence that answers, say which one it is.
  const focus =
    quote.focus !== undefined && (quote.focus.start > quote.start || quote.focus.end < quote.end)
      ? `\n    the answer: “${quote.text.slice(quote.focus.start - quote.start, quote.focus.end - quote.start).replace(/\s*\n\s*/g, " ")}”`
      : "";
  // The padding that aligns a Markdown table's source is not shown.
  const columns = quote.columns === undefined ? "" : `\n    columns: ${quote.columns.text.replace(/[ \t]+/g, " ")}`;
  return `${n}. “${text}”${focus}${columns}${codeOf(quote)}\n    — ${describeSource(quote.source, quote.section ?? null)}${also}\n${explain ? `${explainQuote(quote)}\n` : ""}`;
}

export function formatAnswer(answer: Answer, explain = false): string {
  return forTerminal(formatUnsafe(answer, explain));
}

function formatUnsafe(answer: Answer, explain: boolean): string {
  const read = answer.corrected === undefined ? "" : `(Read ${readAs(answer.corrected)}.)\n`;
  return read + formatRead(answer, explain);
}

function formatRead(answer: Answer, explain: boolean): string {
  if (!answer.answered) {
    if (answer.nothingAsked === true)
      return `Nothing to look up in “${answer.question}”: ask about something the documents may say (a name, an event, an option).\n`;
    if (answer.language !== undefined) {
      return `Not in the corpus: the corpus is in ${answer.language.corpus}${answer.language.question !== null ? `, and this question looks like ${answer.language.question}` : ""}. Try asking in ${answer.language.corpus}.\n`;
    }
    const closest = answer.closest.map((s) => `  - ${describeSource(s)}`).join("\n");
    return `Not in the corpus: no passage answers “${answer.question}”.\n${closest !== "" ? `Closest sources:\n${closest}\n` : ""}`;
  }
  const n = answer.independentSources;
  const head = `${answer.quotes.length} quote${answer.quotes.length === 1 ? "" : "s"} from ${n} independent source${n === 1 ? "" : "s"}:\n\n`;
  const confidence =
    explain && answer.confidence !== undefined ? `(answer model's confidence ${answer.confidence.toFixed(3)})\n\n` : "";
  return head + confidence + answer.quotes.map((q, i) => formatQuote(q, i + 1, explain)).join("\n");
}
