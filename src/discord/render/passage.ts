/**
 * The Passage button: a quote inside the passage it was cut from, the quoted sentences in bold, with the document's
 * metadata, its link, its section heading when it has one, and buttons to the previous and next passage. The text is
 * the document's own, escaped; anything the bot adds (the heading, "[…]" where context was cut) sits outside the
 * quoted lines.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from "discord.js";
import type { PassageView } from "../../core/index.js";
import { answerCustomId } from "../ids.js";
import { clipInline, fitQuote } from "./cut.js";
import { escapeMarkdown, normalizeNewlines } from "./escape.js";
import { DISCORD_LIMITS, payload, plural, type MessagePayload } from "./payload.js";
import { attribution } from "./sources.js";

/** Most room for the passage's text in the message (the rest is heading, attribution and notes). */
const BODY_MAX = 1500;
/** The longest note line the view adds ("[…] The quote continues: N more characters."), plus line breaks. */
const NOTES_RESERVE = 160;

/** Escaped text as blockquote lines, `bold` lines wrapped in ** (per line: bold does not cross a line break). */
function quoted(parts: Array<{ text: string; bold: boolean }>): string {
  let out = "";
  for (const part of parts) {
    const lines = escapeMarkdown(part.text).split("\n");
    out += lines.map((line) => (part.bold && line.trim() !== "" ? `**${line}**` : line)).join("\n");
  }
  return out
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

/** The last part of `text` whose rendering fits `room`, starting after a space (or empty). */
function tail(text: string, room: number): string {
  if (escapeMarkdown(text).length + 2 <= room) return text;
  let take = Math.min(text.length, room);
  while (take > 0) {
    let from = text.length - take;
    const space = text.indexOf(" ", from);
    from = space < 0 ? text.length : space + 1;
    const piece = text.slice(from);
    if (escapeMarkdown(piece).length + 2 <= room) return piece;
    take = Math.floor(take * 0.8);
  }
  return "";
}

/** The first part of `text` whose rendering fits `room`, ending before a space (or empty). */
function head(text: string, room: number): string {
  if (escapeMarkdown(text).length + 2 <= room) return text;
  let take = Math.min(text.length, room);
  while (take > 0) {
    const space = text.lastIndexOf(" ", take);
    const piece = text.slice(0, space < 0 ? 0 : space);
    if (escapeMarkdown(piece).length + 2 <= room) return piece;
    take = Math.floor(take * 0.8);
  }
  return "";
}

export interface PassageContext {
  answerId: string;
  /** Which quote of the answer the view started from. */
  quote: number;
  /** The quoted span, when it lies in this passage (offsets into the document). */
  span: { start: number; end: number } | null;
}

/** A passage, its quoted span (if any) in bold, with navigation to its neighbours and the document's card. */
export function renderPassage(view: PassageView, context: PassageContext): MessagePayload {
  const text = normalizeNewlines(view.text);
  const title = `**Passage ${view.index + 1} of ${view.count}**${view.section === null ? "" : ` · section “${clipInline(view.section, 120)}”`}`;
  const lines = [title];
  const credit = `— ${attribution(view.source)}`;
  const BODY = Math.min(BODY_MAX, DISCORD_LIMITS.content - title.length - credit.length - NOTES_RESERVE);
  let body: string;
  let note: string | null = null;
  const span = context.span;
  if (span !== null && span.start >= view.start && span.end <= view.end && span.start < span.end) {
    // Offsets into the normalised text: normalising only ever shortens \r\n, so map through the raw slices.
    const before = normalizeNewlines(view.text.slice(0, span.start - view.start));
    const middle = normalizeNewlines(view.text.slice(span.start - view.start, span.end - view.start));
    const after = normalizeNewlines(view.text.slice(span.end - view.start));
    const fitted = fitQuote(middle, BODY);
    if (fitted.omitted > 0) {
      body = quoted([{ text: fitted.shown, bold: true }]);
      note = `-# […] The quote continues: ${plural(fitted.omitted, "more character")}.`;
    } else {
      const room = BODY - fitted.rendered.length;
      const shownBefore = tail(before, Math.floor(room / 2));
      const shownAfter = head(after, room - escapeMarkdown(shownBefore).length - 2);
      body = quoted([
        { text: shownBefore, bold: false },
        { text: middle, bold: true },
        { text: shownAfter, bold: false },
      ]);
      const cut = shownBefore.length < before.length || shownAfter.length < after.length;
      note = cut ? "-# […] The passage was shortened around the quote." : null;
      if (shownBefore.length < before.length) body = `> […]\n${body}`;
      if (shownAfter.length < after.length) body = `${body}\n> […]`;
    }
    lines.push("-# The quoted sentences are in bold.");
  } else {
    const fitted = fitQuote(text, BODY);
    body = fitted.rendered || "> …";
    if (fitted.omitted > 0) note = `-# […] The passage continues: ${plural(fitted.omitted, "more character")}.`;
  }
  lines.push(body);
  if (note !== null) lines.push(note);
  lines.push(credit);
  const content = lines.join("\n");
  const { answerId, quote } = context;
  // A disabled button at either end points at the passage shown, so no two buttons share a custom id.
  const nav = (ordinal: number | null, label: string) =>
    new ButtonBuilder()
      .setCustomId(answerCustomId({ kind: "nav", answerId, quote, ordinal: ordinal ?? view.index }))
      .setLabel(label)
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(ordinal === null);
  const previous = view.index > 0 ? view.index - 1 : null;
  const next = view.index + 1 < view.count ? view.index + 1 : null;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    nav(previous, "Previous passage"),
    nav(next, "Next passage"),
    new ButtonBuilder()
      .setCustomId(answerCustomId({ kind: "source", answerId, quote }))
      .setLabel("Source")
      .setStyle(ButtonStyle.Secondary),
  );
  // A document of one passage has nowhere to go.
  const components = view.count > 1 ? [row.toJSON()] : [sourceOnly(answerId, quote)];
  return { ...payload(content, { ephemeral: true }), components };
}

function sourceOnly(answerId: string, quote: number) {
  return new ActionRowBuilder<ButtonBuilder>()
    .addComponents(
      new ButtonBuilder()
        .setCustomId(answerCustomId({ kind: "source", answerId, quote }))
        .setLabel("Source")
        .setStyle(ButtonStyle.Secondary),
    )
    .toJSON();
}
