/**
 * An answer as Discord messages. Plain message content, not embeds: quotes are blockquotes (`> `) followed by an
 * attribution line, which reads well on phones, can be selected and copied, is read by screen readers, and is still
 * shown to users who turned off "embeds and link previews". Its one cost is the 2,000-character limit, handled by
 * trimming an over-long quote at a sentence (or word) boundary and spreading quotes over follow-up messages.
 *
 * Verbatim text is only ever escaped (reversibly, see escape.ts), never altered; anything the bot adds (ellipsis
 * markers, notes) sits outside the quoted lines.
 */
import {
  independentSources,
  readAs,
  type Answer,
  type Quote,
  type Reading,
  type Source,
  type SourcesDiffer,
} from "../../core/index.js";
import { clipInline, fitCode, fitQuote } from "./cut.js";
import { renderDate } from "./dates.js";
import {
  DISCORD_LIMITS,
  MAX_ANSWER_MESSAGES,
  payload,
  plural,
  type MessagePayload,
  type RenderOptions,
} from "./payload.js";
import { alsoReportedLine, attribution, NAME_MAX, titleLink } from "./sources.js";

// Budgets, in rendered characters.
const QUESTION_MAX = 300;
const HEADER_RESERVE = 420; // "**Q:** " + question + summary line
export const NOTE_RESERVE = 90; // "N more quotes didn't fit" at the end of the last message
const BLOCK_MAX = DISCORD_LIMITS.content - HEADER_RESERVE - 2 - NOTE_RESERVE - 2;
/** A quote's code block: at most this many characters and lines (the rest is in the source, and the note says so). */
const CODE_MAX = 600;
const CODE_LINES = 15;
/** A table row's column names: at most this many characters. */
const COLUMNS_MAX = 200;

export interface AnswerRenderOptions extends RenderOptions {
  /** Number the quotes' attributions ("— 2 · Title…") so buttons under the answer can refer to them. */
  numbered?: boolean;
}

/** Marks a quote this server's moderators pinned for the question. */
export const PINNED_LINE = "-# Chosen by this server's moderators for this question.";

/** The question's (or query's) words read as mistyped, said under it: at most 90 characters; null when none was. */
export function correctedLine(corrected: readonly Reading[] | undefined): string | null {
  return corrected === undefined || corrected.length === 0 ? null : `-# Read ${readAs(corrected, 80)}.`;
}

/** "Sources differ" above the quotes, by the kind of value they disagree on. */
export function sourcesDifferLine(differ: SourcesDiffer): string {
  const what = differ.kind === "time" ? "the date" : differ.kind === "number" ? "the figure" : "the name";
  return `**Sources differ** on ${what}. Newest source first; check each source's date.`;
}

/** A quote with its attribution, at most `max` characters. */
function quoteBlock(quote: Quote, number: number | null, differ: boolean, max: number): string {
  const undated = differ && renderDate(quote.source.date, quote.source.dateInferred) === null ? " · undated" : "";
  const credit = `— ${number === null ? "" : `${number} · `}${attribution(quote.source, quote.section ?? null)}${undated}`;
  const also = alsoReportedLine(quote);
  const pinned = quote.pinned === true ? `${PINNED_LINE}\n` : "";
  // Room for the trim note, whose length depends only on the number it states.
  const note = (omitted: number): string =>
    `-# […] Quote shortened here: ${plural(omitted, "more character")} in the source.`;
  // A table row's column names, so its cells can be read.
  const columns = quote.columns === undefined ? null : `-# Columns: ${clipInline(quote.columns.text, COLUMNS_MAX)}`;
  const fixed =
    pinned.length +
    credit.length +
    1 +
    (also ? also.length + 1 : 0) +
    (columns === null ? 0 : columns.length + 1) +
    note(quote.text.length).length +
    1;
  // The code the quote announces, under it: its first lines, in at most a third of the room (the quote comes first).
  const code =
    quote.code === undefined
      ? null
      : fitCode(quote.code.text, quote.code.language, Math.min(CODE_MAX, Math.floor((max - fixed) / 3)), CODE_LINES);
  const codeNote = (lines: number) => `-# […] Code shortened here: ${plural(lines, "more line")} in the source.`;
  const codeRoom =
    code === null ? 0 : code.rendered.length + 1 + (code.omittedLines > 0 ? codeNote(code.omittedLines).length + 1 : 0);
  const fitted = fitQuote(quote.text, max - fixed - codeRoom);
  const lines: string[] = [];
  if (pinned) lines.push(PINNED_LINE);
  if (fitted.rendered) lines.push(fitted.rendered);
  if (fitted.omitted > 0) lines.push(note(fitted.omitted));
  if (columns !== null) lines.push(columns);
  if (code !== null) {
    lines.push(code.rendered);
    if (code.omittedLines > 0) lines.push(codeNote(code.omittedLines));
  }
  lines.push(credit);
  if (also) lines.push(also);
  return lines.join("\n");
}

/**
 * Packs blocks into at most `maxMessages` messages of 2,000 characters, keeping `HEADER_RESERVE` free at the top of
 * the first and `NOTE_RESERVE` at the end of the last. Blocks are never split, so a quote always shares its message
 * with its attribution. Returns the groups and how many blocks fit.
 */
function pack(blocks: string[], maxMessages: number, header = HEADER_RESERVE): { groups: string[][]; shown: number } {
  const groups: string[][] = [[]];
  let used = header;
  let shown = 0;
  for (const block of blocks) {
    const room = DISCORD_LIMITS.content - (groups.length === maxMessages ? NOTE_RESERVE + 2 : 0);
    const current = groups[groups.length - 1] as string[];
    if (used + 2 + block.length <= room) {
      current.push(block);
      used += 2 + block.length;
    } else if (groups.length < maxMessages) {
      groups.push([block]);
      used = block.length;
    } else {
      break;
    }
    shown++;
  }
  return { groups, shown };
}

export function questionLine(question: string): string | null {
  const text = question.trim();
  return text ? `**Q:** ${clipInline(text, QUESTION_MAX)}` : null;
}

/**
 * An answer: the question, a count of quotes and independent sources, then each quote with its attribution. Returns
 * the reply first, then follow-ups. When nothing answered, one message says so and lists the closest sources by
 * title, never as quotes.
 */
export function renderAnswer(answer: Answer, options: AnswerRenderOptions = {}): MessagePayload[] {
  const question = questionLine(answer.question);
  // A blank quote answers nothing.
  const quotes = answer.quotes.filter((quote) => quote.text.trim() !== "");
  if (answer.nothingAsked === true) {
    const line = "**Nothing to look up.** Ask about something the documents may say: a name, an event, an option.";
    return [payload([question, line].filter((l) => l !== null).join("\n"), options)];
  }
  if (!answer.answered || quotes.length === 0)
    return [renderNotAnswered(question, answer.closest, options, answer.language, correctedLine(answer.corrected))];

  const differ = answer.sourcesDiffer === undefined ? null : sourcesDifferLine(answer.sourcesDiffer);
  const read = correctedLine(answer.corrected);
  const numbered = options.numbered === true && quotes.length > 1;
  // The lines above the quotes beyond the question and the summary: a full-size quote still fits under them.
  const extra = (differ === null ? 0 : differ.length + 1) + (read === null ? 0 : read.length + 1);
  const blocks = quotes.map((quote, index) =>
    quoteBlock(quote, numbered ? index + 1 : null, differ !== null, BLOCK_MAX - extra),
  );
  const { groups, shown } = pack(blocks, MAX_ANSWER_MESSAGES, HEADER_RESERVE + extra);
  // The core's count, unless some quotes did not fit: then the same count over the quotes shown.
  const independent =
    shown === answer.quotes.length ? answer.independentSources : independentSources(quotes.slice(0, shown));
  const summary = `-# ${plural(shown, "quote")} from ${independent === 1 ? "1 source" : plural(independent, "independent source")}, quoted word for word.`;
  const header = [question, summary, read, differ].filter((line) => line !== null).join("\n");

  const dropped = blocks.length - shown;
  if (dropped > 0) {
    (groups[groups.length - 1] as string[]).push(
      `-# ${plural(dropped, "more quote")} did not fit; try a narrower question.`,
    );
  }
  return groups.map((group, index) => payload((index === 0 ? [header, ...group] : group).join("\n\n"), options));
}

function renderNotAnswered(
  question: string | null,
  closest: readonly Source[],
  options: RenderOptions,
  language?: Answer["language"],
  read: string | null = null,
): MessagePayload {
  const lines =
    language === undefined
      ? ["**Not in the corpus.** No passage I have answers this, so I won't guess."]
      : [
          `**Not in the corpus.** The corpus is in ${clipInline(language.corpus, 60)}` +
            `${language.question === null ? "" : `, and this question looks like ${clipInline(language.question, 60)}`}` +
            `: please ask in ${clipInline(language.corpus, 60)}.`,
        ];
  if (read !== null) lines.push(read);
  if (closest.length === 0) lines.push("Nothing in the corpus came close.");
  else lines.push("Closest sources (they do not answer it):");
  let text = [question, ...lines].filter((line) => line !== null).join("\n");
  for (const source of closest) {
    const parts = [titleLink(source, false)];
    const publisher = source.publisher?.trim();
    if (publisher) parts.push(clipInline(publisher, NAME_MAX));
    const date = renderDate(source.date, source.dateInferred);
    if (date) parts.push(date);
    const line = `\n- ${parts.join(" · ")}`;
    // The first always fits (question ≤ 310, a source line ≤ 900); the rest only while they do.
    if (text.length + line.length > DISCORD_LIMITS.content) break;
    text += line;
  }
  return payload(text, options);
}
