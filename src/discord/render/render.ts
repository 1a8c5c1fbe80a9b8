/**
 * Pure rendering from the core's plain data to Discord message payloads (STYLE.md §2).
 *
 * Design: plain message content, not embeds. Quotes are blockquotes (`> `) followed by an
 * attribution line. Content reads well on phones, can be selected and copied, is read by screen
 * readers, and is still shown to users who turned off "embeds and link previews" (Discord then
 * hides bot embeds entirely). Its one cost is the 2,000-character limit, handled here by trimming
 * an over-long quote at a sentence (or word) boundary and spreading quotes over follow-up
 * messages. Every payload carries SuppressEmbeds, so links in attributions or inside quotes never
 * unfold into previews, and `allowedMentions: { parse: [] }`.
 *
 * Verbatim text is only ever escaped (reversibly, see escape.ts), never altered; anything the bot
 * adds (ellipsis markers, notes) sits outside the quoted lines.
 */
import { MessageFlags } from "discord.js";
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from "discord-api-types/v10";
import type { Answer, CorpusStats, DocumentView, Quote, SearchHit, Source } from "../../core/types.js";
import { escapeInline, escapeMarkdown, normalizeNewlines } from "./escape.js";

/**
 * One message. Assignable to discord.js `InteractionReplyOptions`, `InteractionEditReplyOptions`
 * and `MessageReplyOptions` (a test checks this); respond.ts drops the Ephemeral flag where Discord
 * does not accept it.
 */
export interface MessagePayload {
  content?: string;
  embeds?: APIEmbed[];
  allowedMentions: { parse: [] };
  /** A `MessageFlags` bitfield: SuppressEmbeds, and Ephemeral for interaction replies. */
  flags?: number;
  /** Buttons (admin confirmations, pagination), as API JSON. */
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

export interface RenderOptions {
  /** Only the person who ran the command sees the reply. */
  ephemeral?: boolean;
}

/** Discord's limits, from https://discord.com/developers/docs/resources/message#embed-object-embed-limits. */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooterText: 2048,
  embedAuthorName: 256,
  embedTotal: 6000,
} as const;

/** At most this many messages for one answer (the reply and its follow-ups). */
export const MAX_ANSWER_MESSAGES = 4;

const ALLOWED_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral | MessageFlags.SuppressNotifications;

// Budgets, in rendered characters.
const QUESTION_MAX = 300;
const HEADER_RESERVE = 420; // "**Q:** " + question + summary line
const NOTE_RESERVE = 90; // "N more quotes didn't fit" at the end of the last message
const BLOCK_MAX = DISCORD_LIMITS.content - HEADER_RESERVE - 2 - NOTE_RESERVE - 2;
const TITLE_MAX = 150;
const NAME_MAX = 80;
const PATH_MAX = 160;
const URL_MAX = 512;
const ALSO_MAX = 320;
const ALSO_COUNT = 5;
const CLOSEST_COUNT = 5;
const SEARCH_HITS_MAX = 10;
const SEARCH_EXCERPT_MAX = 240;
const TRIM_MARKER = " *[…]*";

// ---------------------------------------------------------------------------------------------
// Cutting text at boundaries

const sentences = new Intl.Segmenter("en", { granularity: "sentence" });
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Ends of sentences that are also ends of words ("Really?Yes" is one word, not two sentences). */
function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (const { index, segment } of sentences.segment(text)) {
    const end = index + segment.trimEnd().length;
    if (end > index && (end === text.length || /\s/.test(text[end] as string))) ends.push(end);
  }
  return ends;
}

/** Offsets right after a word: the next character is whitespace (or the end). */
function wordEnds(text: string): number[] {
  const ends: number[] = [];
  for (let i = 1; i <= text.length; i++) {
    if (!/\s/.test(text[i - 1] as string) && (i === text.length || /\s/.test(text[i] as string))) ends.push(i);
  }
  return ends;
}

function graphemeEnds(text: string): number[] {
  return [...graphemes.segment(text)].map(({ index, segment }) => index + segment.length);
}

/** The largest candidate for which `fits` holds (binary search; the answer is always verified). */
function largestFitting(candidates: number[], fits: (end: number) => boolean): number | undefined {
  let lo = 0;
  let hi = candidates.length - 1;
  let best: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const end = candidates[mid] as number;
    if (fits(end)) {
      best = end;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/**
 * Where to cut `text` so that `fits(end)` holds: the whole text if it fits, else the end of a
 * sentence (unless that would lose much more than cutting after a word), else after a word. Only
 * when not even the first word fits, after a grapheme (a single "word" longer than the room).
 * Returns 0 when nothing fits.
 */
export function cutPoint(text: string, fits: (end: number) => boolean): number {
  if (fits(text.length)) return text.length;
  const word = largestFitting(wordEnds(text), fits);
  const sentence = largestFitting(sentenceEnds(text), fits);
  if (sentence !== undefined && (word === undefined || sentence >= word * 0.6)) return sentence;
  if (word !== undefined) return word;
  return largestFitting(graphemeEnds(text), fits) ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Pieces

function payload(content: string, options: RenderOptions = {}): MessagePayload {
  let flags: number = MessageFlags.SuppressEmbeds;
  if (options.ephemeral) flags |= MessageFlags.Ephemeral;
  return { content, allowedMentions: { parse: [] }, flags };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** One-line metadata, escaped, shortened after a word with "…" when longer than `max`. */
export function clipInline(raw: string, max: number): string {
  const text = raw.replace(/\s+/g, " ").trim();
  const whole = escapeInline(text);
  if (whole.length <= max) return whole;
  const end = cutPoint(text, (e) => escapeInline(text.slice(0, e)).length + 1 <= max);
  return `${escapeInline(text.slice(0, end))}…`;
}

/** Lines of `> ` + escaped text; `text` should have `\n` line breaks only. */
export function blockquote(text: string): string {
  return escapeMarkdown(text)
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

export interface FittedQuote {
  /** The blockquote lines. */
  rendered: string;
  /** The verbatim text shown: a prefix of the (newline-normalised, trimmed) quote. */
  shown: string;
  /** Characters of the quote not shown. */
  omitted: number;
}

/** Renders as much of `raw` as fits in `max` characters of blockquote, cut at a boundary. */
export function fitQuote(raw: string, max: number): FittedQuote {
  const text = normalizeNewlines(raw).trim();
  const end = cutPoint(text, (e) => blockquote(text.slice(0, e)).length <= max);
  const shown = text.slice(0, end);
  return { rendered: end > 0 ? blockquote(shown) : "", shown, omitted: [...text.slice(end)].length };
}

/** An http(s) link safe to show, or null (unparseable, other schemes, credentials, too long). */
function safeUrl(url: string | null): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  if (parsed.username || parsed.password) return null;
  const href = parsed.href;
  if (href.length > URL_MAX || /@(?:everyone|here)/i.test(href)) return null;
  return href;
}

function hostname(url: string | null): string | null {
  const safe = safeUrl(url);
  return safe ? new URL(safe).hostname.replace(/^www\./, "") : null;
}

/**
 * `label` linked to `url` without a preview: a masked link `[label](<url>)` where Discord parses that
 * reliably, else the label followed by `<url>`. `label` is already escaped.
 */
function link(label: string, rawLabel: string, url: string, bold = false): string {
  const maskable = !/[[\]]/.test(rawLabel) && !/https?:\/\/|www\./i.test(rawLabel) && /^[^\s()<>[\]\\`|"']+$/.test(url);
  if (maskable) return `[${label}](<${url}>)`;
  return `${bold ? `**${label}**` : label} <${url}>`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const ZONED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const UNZONED_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

function calendarDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${day} ${MONTHS[month - 1] as string} ${year}`;
}

/**
 * A date as readers should see it. A calendar date (`2024-03-05`) is written out ("5 Mar 2024"):
 * a Discord timestamp shows an instant in each reader's time zone, so midnight (or noon) UTC would
 * show the wrong day somewhere, and a wrong date is a wrong citation. A full timestamp with a zone
 * is an instant, so it becomes `<t:…:D>` and Discord localises it. Anything else is shown as given.
 */
export function renderDate(date: string | null, inferred = false): string | null {
  const raw = date?.trim();
  if (!raw) return null;
  let text: string | null = null;
  const dateOnly = DATE_ONLY.exec(raw) ?? UNZONED_TIMESTAMP.exec(raw)?.[1]?.match(DATE_ONLY) ?? null;
  const yearMonth = YEAR_MONTH.exec(raw);
  if (dateOnly) {
    text = calendarDate(Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3]));
  } else if (ZONED_TIMESTAMP.test(raw)) {
    const ms = Date.parse(raw.replace(" ", "T"));
    if (Number.isFinite(ms)) text = `<t:${Math.floor(ms / 1000)}:D>`;
  } else if (yearMonth) {
    const month = Number(yearMonth[2]);
    if (month >= 1 && month <= 12) text = `${MONTHS[month - 1] as string} ${yearMonth[1] as string}`;
  } else if (/^\d{4}$/.test(raw)) {
    text = raw;
  }
  text ??= clipInline(raw, 40);
  return inferred ? `${text} (date inferred)` : text;
}

/** The title, or failing that the file path or the id, never empty. */
function titleOf(source: Source): { raw: string; fromPath: boolean } {
  const title = source.title?.trim();
  if (title) return { raw: title, fromPath: false };
  const path = source.path?.trim();
  if (path) return { raw: path, fromPath: true };
  return { raw: `untitled document ${source.id}`, fromPath: false };
}

/** The title, linked when the source has a usable link. */
function titleLink(source: Source, bold: boolean): string {
  const { raw } = titleOf(source);
  const label = clipInline(raw, TITLE_MAX);
  const url = safeUrl(source.url);
  if (url) return link(label, raw, url, bold);
  return bold ? `**${label}**` : label;
}

/** "Title · Publisher · Author · 5 Mar 2024 · file: path" */
export function attribution(source: Source): string {
  const parts = [titleLink(source, true)];
  const publisher = source.publisher?.trim();
  const author = source.author?.trim();
  if (publisher) parts.push(clipInline(publisher, NAME_MAX));
  if (author && author.toLowerCase() !== publisher?.toLowerCase()) parts.push(clipInline(author, NAME_MAX));
  const date = renderDate(source.date, source.dateInferred);
  if (date) parts.push(date);
  const path = source.path?.trim();
  if (path && !safeUrl(source.url) && !titleOf(source).fromPath) parts.push(`file: ${clipInline(path, PATH_MAX)}`);
  return parts.join(" · ");
}

/** Sources count as one when they share a publisher (else a website, else the document). */
function independenceKey(source: Source): string {
  const publisher = source.publisher?.trim().toLowerCase();
  if (publisher) return `publisher:${publisher}`;
  const host = hostname(source.url);
  if (host) return `host:${host}`;
  return `document:${source.id}`;
}

function alsoReportedLine(quote: Quote): string | null {
  const own = quote.source.publisher?.trim().toLowerCase();
  const seen = new Set<string>();
  const names: string[] = [];
  for (const other of quote.alsoReportedBy) {
    if (other.id === quote.source.id) continue;
    const publisher = other.publisher?.trim();
    const useTitle = !publisher || publisher.toLowerCase() === own;
    const raw = useTitle ? titleOf(other).raw : publisher;
    const key = raw.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const label = clipInline(raw, NAME_MAX);
    const url = safeUrl(other.url);
    names.push(url ? link(label, raw, url) : label);
  }
  if (names.length === 0) return null;
  const prefix = "-# Also reported by ";
  const listed: string[] = [];
  for (const [index, name] of names.entries()) {
    const rest = names.length - index - 1;
    const candidate = [...listed, name];
    const tail = rest > 0 ? ` and ${rest} more` : "";
    if (index >= ALSO_COUNT || prefix.length + candidate.join(", ").length + tail.length > ALSO_MAX) break;
    listed.push(name);
  }
  if (listed.length === 0) return `-# Also reported by ${plural(names.length, "other source")}`;
  const more = names.length - listed.length;
  return `${prefix}${listed.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

/** A quote with its attribution, at most `BLOCK_MAX` characters. */
function quoteBlock(quote: Quote): string {
  const credit = `— ${attribution(quote.source)}`;
  const also = alsoReportedLine(quote);
  // Room for the trim note, whose length depends only on the number it states.
  const note = (omitted: number): string =>
    `-# […] Quote shortened here: ${plural(omitted, "more character")} in the source.`;
  const fixed = credit.length + 1 + (also ? also.length + 1 : 0) + note(quote.text.length).length + 1;
  const fitted = fitQuote(quote.text, BLOCK_MAX - fixed);
  const lines: string[] = [];
  if (fitted.rendered) lines.push(fitted.rendered);
  if (fitted.omitted > 0) lines.push(note(fitted.omitted));
  lines.push(credit);
  if (also) lines.push(also);
  return lines.join("\n");
}

/**
 * Packs blocks into at most `maxMessages` messages of 2,000 characters, keeping `HEADER_RESERVE` free
 * at the top of the first and `NOTE_RESERVE` at the end of the last. Blocks are never split, so a
 * quote always shares its message with its attribution. Returns the groups and how many blocks fit.
 */
function pack(blocks: string[], maxMessages: number): { groups: string[][]; shown: number } {
  const groups: string[][] = [[]];
  let used = HEADER_RESERVE;
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

function questionLine(question: string): string | null {
  const text = question.trim();
  return text ? `**Q:** ${clipInline(text, QUESTION_MAX)}` : null;
}

// ---------------------------------------------------------------------------------------------
// Renderers

/**
 * An answer: the question, a count of quotes and independent sources, then each quote with its
 * attribution. Returns the reply first, then follow-ups. When nothing answered, one message says
 * so and lists the closest sources by title, never as quotes.
 */
export function renderAnswer(answer: Answer, options: RenderOptions = {}): MessagePayload[] {
  const question = questionLine(answer.question);
  // A blank quote answers nothing.
  const quotes = answer.quotes.filter((quote) => quote.text.trim() !== "");
  if (!answer.answered || quotes.length === 0) return [renderNotAnswered(question, answer.closest, options)];

  const blocks = quotes.map(quoteBlock);
  const { groups, shown } = pack(blocks, MAX_ANSWER_MESSAGES);
  const shownQuotes = quotes.slice(0, shown);
  const independent = new Set(shownQuotes.map((quote) => independenceKey(quote.source))).size;
  const summary = `-# ${plural(shown, "quote")} from ${independent === 1 ? "1 source" : plural(independent, "independent source")}, quoted word for word.`;
  const header = [question, summary].filter((line) => line !== null).join("\n");

  const dropped = blocks.length - shown;
  if (dropped > 0) {
    (groups[groups.length - 1] as string[]).push(`-# ${plural(dropped, "more quote")} did not fit; try a narrower question.`);
  }
  return groups.map((group, index) => payload((index === 0 ? [header, ...group] : group).join("\n\n"), options));
}

function renderNotAnswered(question: string | null, closest: Source[], options: RenderOptions): MessagePayload {
  const lines = [
    "**Not in the corpus.** No passage I have answers this, so I won't guess.",
  ];
  if (closest.length === 0) lines.push("Nothing in the corpus came close.");
  else lines.push("Closest sources (they do not answer it):");
  let text = [question, ...lines].filter((line) => line !== null).join("\n");
  for (const source of closest.slice(0, CLOSEST_COUNT)) {
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

/** Search results for browsing: rank, source, and a short verbatim excerpt. One message. */
export function renderSearch(query: string, hits: SearchHit[], options: RenderOptions = {}): MessagePayload[] {
  const shownQuery = clipInline(query, 200) || "(empty)";
  if (hits.length === 0) {
    return [payload(`No passages match **${shownQuery}**. Try fewer or different words.`, options)];
  }
  let content = `**Search:** ${shownQuery}\n-# ${plural(hits.length, "passage")}, best first.`;
  let shown = 0;
  for (const [index, hit] of hits.slice(0, SEARCH_HITS_MAX).entries()) {
    const heading = `**${index + 1}.** ${attribution(hit.source)}`;
    const fitted = fitQuote(hit.text, SEARCH_EXCERPT_MAX - TRIM_MARKER.length);
    const excerpt = fitted.rendered ? `${fitted.rendered}${fitted.omitted > 0 ? TRIM_MARKER : ""}` : "-# (no text)";
    const entry = `\n\n${heading}\n${excerpt}`;
    if (content.length + entry.length > DISCORD_LIMITS.content - NOTE_RESERVE) break;
    content += entry;
    shown++;
  }
  if (shown < hits.length) content += `\n\n-# ${plural(hits.length - shown, "more passage")} not shown.`;
  return [payload(content, options)];
}

/** One document: its metadata, then its opening, verbatim. */
export function renderDocument(view: DocumentView, options: RenderOptions = {}): MessagePayload[] {
  const { source } = view;
  const lines = [`## ${titleLink(source, false)}`];
  const byline: string[] = [];
  const publisher = source.publisher?.trim();
  const author = source.author?.trim();
  if (publisher) byline.push(clipInline(publisher, NAME_MAX));
  if (author && author.toLowerCase() !== publisher?.toLowerCase()) byline.push(`by ${clipInline(author, NAME_MAX)}`);
  const date = renderDate(source.date, source.dateInferred);
  if (date) byline.push(date);
  if (byline.length > 0) lines.push(byline.join(" · "));
  const path = source.path?.trim();
  if (path && !titleOf(source).fromPath) lines.push(`File: ${clipInline(path, PATH_MAX)}`);
  lines.push(
    `-# ${plural(view.passages, "passage")} · ${plural(view.characters, "character")} · id: ${clipInline(source.id, 120)}`,
  );
  const head = lines.join("\n");
  const trimNote = (omitted: number): string => `-# […] Opening continues: ${plural(omitted, "more character")}.`;
  const room = DISCORD_LIMITS.content - head.length - 2 - trimNote(view.opening.length).length - 1;
  const fitted = fitQuote(view.opening, room);
  const body = fitted.rendered ? [fitted.rendered] : ["-# (No text.)"];
  if (fitted.omitted > 0) body.push(trimNote(fitted.omitted));
  return [payload(`${head}\n\n${body.join("\n")}`, options)];
}

export interface HelpCommand {
  name: string;
  description: string;
}

const DEFAULT_COMMANDS: HelpCommand[] = [
  { name: "ask", description: "Ask a question; the answer is quoted word for word from the documents, with sources." },
  { name: "search", description: "Browse the passages that match some words." },
  { name: "source", description: "Show a document's details and how it begins." },
  { name: "about", description: "What Verbatim is and what its corpus holds." },
  { name: "help", description: "This message." },
];

/** How to use the bot. `commands` defaults to the core set; pass the deployed list to keep it exact. */
export function renderHelp(commands: HelpCommand[] = DEFAULT_COMMANDS, options: RenderOptions = { ephemeral: true }): MessagePayload[] {
  const intro =
    "**Verbatim** answers only with exact quotes from its documents, each with its source. When the documents don't hold the answer, it says so.";
  const outro =
    "You can also mention me with a question. Quotes are never reworded; *[…]* marks where one was shortened.";
  let list = "";
  for (const command of commands) {
    const line = `\n- \`/${command.name.replace(/[^\w-]/g, "").slice(0, 32)}\` ${clipInline(command.description, 200)}`;
    if (intro.length + list.length + line.length + 2 + outro.length + 2 > DISCORD_LIMITS.content) break;
    list += line;
  }
  return [payload(`${intro}\n${list}\n\n${outro}`, options)];
}

/** What the bot is, its version, and the size of its corpus. */
export function renderAbout(stats: CorpusStats, version: string, options: RenderOptions = {}): MessagePayload[] {
  const indexed = Date.parse(stats.indexedAt);
  const when = Number.isFinite(indexed) ? `<t:${Math.floor(indexed / 1000)}:f> (<t:${Math.floor(indexed / 1000)}:R>)` : "unknown";
  const lines = [
    `**Verbatim** ${clipInline(version, 40)}`,
    "I answer questions only by quoting my documents word for word, and I name the source of every quote. If the documents don't hold the answer, I say so and list the closest sources. I never write an answer of my own.",
    `Corpus: ${plural(stats.documents, "document")} · ${plural(stats.passages, "passage")} · indexed ${when}`,
  ];
  return [payload(lines.join("\n"), options)];
}

/** A short notice (a refusal, an error line). Trusted text: not escaped, but kept within the limit. */
export function renderNotice(text: string, options: RenderOptions = { ephemeral: true }): MessagePayload {
  const trimmed = text.trim();
  const max = DISCORD_LIMITS.content;
  if (trimmed.length <= max) return payload(trimmed || "…", options);
  const end = cutPoint(trimmed, (e) => e + 1 <= max);
  return payload(`${trimmed.slice(0, end)}…`, options);
}

// ---------------------------------------------------------------------------------------------
// Limits

/** Everything wrong with a payload as Discord would see it; empty when it can be sent. */
export function payloadProblems(message: MessagePayload): string[] {
  const problems: string[] = [];
  const content = message.content ?? "";
  const embeds = message.embeds ?? [];
  if (content.length > DISCORD_LIMITS.content) {
    problems.push(`content is ${content.length} characters (limit ${DISCORD_LIMITS.content})`);
  }
  if (content.trim() === "" && embeds.length === 0) problems.push("message is empty");
  if (embeds.length > DISCORD_LIMITS.embedsPerMessage) {
    problems.push(`${embeds.length} embeds (limit ${DISCORD_LIMITS.embedsPerMessage})`);
  }
  let total = 0;
  const check = (what: string, text: string | undefined, limit: number): void => {
    const length = text?.length ?? 0;
    total += length;
    if (length > limit) problems.push(`${what} is ${length} characters (limit ${limit})`);
  };
  for (const [index, embed] of embeds.entries()) {
    const name = `embed ${index + 1}`;
    check(`${name} title`, embed.title, DISCORD_LIMITS.embedTitle);
    check(`${name} description`, embed.description, DISCORD_LIMITS.embedDescription);
    check(`${name} footer`, embed.footer?.text, DISCORD_LIMITS.embedFooterText);
    check(`${name} author name`, embed.author?.name, DISCORD_LIMITS.embedAuthorName);
    const fields = embed.fields ?? [];
    if (fields.length > DISCORD_LIMITS.embedFields) {
      problems.push(`${name} has ${fields.length} fields (limit ${DISCORD_LIMITS.embedFields})`);
    }
    for (const [fieldIndex, field] of fields.entries()) {
      check(`${name} field ${fieldIndex + 1} name`, field.name, DISCORD_LIMITS.embedFieldName);
      check(`${name} field ${fieldIndex + 1} value`, field.value, DISCORD_LIMITS.embedFieldValue);
      if (!field.name.trim() || !field.value.trim()) problems.push(`${name} field ${fieldIndex + 1} is empty`);
    }
  }
  if (total > DISCORD_LIMITS.embedTotal) problems.push(`embeds total ${total} characters (limit ${DISCORD_LIMITS.embedTotal})`);
  const mentions = message.allowedMentions as { parse?: unknown; users?: unknown; roles?: unknown } | undefined;
  if (!mentions || !Array.isArray(mentions.parse) || mentions.parse.length > 0 || mentions.users || mentions.roles) {
    problems.push("allowedMentions must be { parse: [] }");
  }
  if (message.flags !== undefined && (message.flags & ~ALLOWED_FLAGS) !== 0) {
    problems.push(`unexpected flags ${message.flags}`);
  }
  return problems;
}
