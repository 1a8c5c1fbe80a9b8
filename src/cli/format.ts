/** The CLI's readable answer: each quote verbatim, then who said it. */
import { type Answer, type Quote, type Source, sourceLabel, withoutBidiControls } from "../core/index.js";

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

function formatQuote(quote: Quote, n: number): string {
  const text = quote.text.replace(/\s*\n\s*/g, " ");
  const also =
    quote.alsoReportedBy.length > 0 ? `\n    also reported by: ${quote.alsoReportedBy.map(credit).join("; ")}` : "";
  return `${n}. “${text}”\n    — ${describeSource(quote.source, quote.section ?? null)}${also}\n`;
}

export function formatAnswer(answer: Answer): string {
  return forTerminal(formatUnsafe(answer));
}

function formatUnsafe(answer: Answer): string {
  if (!answer.answered) {
    const closest = answer.closest.map((s) => `  - ${describeSource(s)}`).join("\n");
    return `Not in the corpus: no passage answers “${answer.question}”.\n${closest !== "" ? `Closest sources:\n${closest}\n` : ""}`;
  }
  const n = answer.independentSources;
  const head = `${answer.quotes.length} quote${answer.quotes.length === 1 ? "" : "s"} from ${n} independent source${n === 1 ? "" : "s"}:\n\n`;
  return head + answer.quotes.map((q, i) => formatQuote(q, i + 1)).join("\n");
}
