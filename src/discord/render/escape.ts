/**
 * Escaping text for Discord markdown so that quoted or user-provided text shows exactly its own
 * characters: no formatting, links, headings, code blocks, emoji, timestamps or mentions.
 *
 * Two mechanisms, both reversible by `unescapeMarkdown`:
 * - A backslash before each markdown metacharacter. Discord's client hides the backslash and shows
 *   the character, so the reader sees the original text.
 * - A zero-width space (U+200B) after `@` in `@everyone`/`@here` and after `<` in `<@…>`/`<#…>`.
 *   A backslash only changes how the client draws `\@everyone`; the server still finds `@everyone`
 *   in the content and would ping if `allowedMentions` ever allowed it. The zero-width space removes
 *   the trigger itself, so the text cannot ping whatever the mention settings are. It is invisible.
 *   To stay reversible, a zero-width space already following `@` or `<` gets one more inserted.
 */

import { withoutBidiControls } from "../../core/index.js";

const ZWSP = "\u200b";

/** Escaped wherever they appear: inline formatting, quotes, headings, links, tags. */
const ALWAYS_ESCAPED = new Set(["\\", "*", "_", "~", "`", "|", ">", "<", "[", "]", "#"]);

/** Everything `escapeMarkdown` may put a backslash before (the line-start list markers too). */
const ESCAPABLE = new Set([...ALWAYS_ESCAPED, "-", "+", ".", ":"]);

/**
 * A bare link as Discord's client recognises it (simple-markdown's `url` rule), where it starts a
 * word. Inside such a link Discord applies no markdown, and a backslash would become part of the
 * link target, so a link is left as it is when that is safe: it holds no character that could start
 * markdown, and nothing to be escaped follows it before the next space (Discord's link would run on
 * over that backslash and leave, say, a `<t:…>` after it active). Every other `http(s)://` gets its
 * colon escaped, so Discord sees no link there at all.
 */
const BARE_URL = /(?<![^\s(["'])https?:\/\/[^\s<]+[^<.,:;"')\]\s]/g;
const UNSAFE_IN_URL = /[\\[\]`|>]/;
const SCHEME_BEFORE = /https?$/i;

const MASS_MENTION_AHEAD = /^(?:everyone|here)/i;

function needsBreakAfterAt(text: string, at: number): boolean {
  const next = text.slice(at + 1, at + 9);
  return next.startsWith(ZWSP) || MASS_MENTION_AHEAD.test(next);
}

function needsBreakAfterLt(text: string, at: number): boolean {
  const next = text[at + 1];
  return next === "@" || next === "#" || next === ZWSP;
}

/** Inside a bare link `text[from, to)`: only mention triggers are broken. */
function escapeUrl(text: string, from: number, to: number): string {
  let out = "";
  for (let i = from; i < to; i++) {
    const c = text[i] as string;
    out += c;
    if (c === "@" && needsBreakAfterAt(text, i)) out += ZWSP;
  }
  return out;
}

/**
 * Escapes `text[from, to)`. `lineStart` says whether `from` begins a line; the return value says
 * whether `to` still does (only whitespace seen since the last line break).
 */
function escapePlain(text: string, from: number, to: number, lineStart: boolean): { out: string; lineStart: boolean } {
  let out = "";
  let atLineStart = lineStart;
  for (let i = from; i < to; i++) {
    const c = text[i] as string;
    if (c === "\n") {
      out += c;
      atLineStart = true;
      continue;
    }
    if (atLineStart && (c === " " || c === "\t")) {
      out += c;
      continue;
    }
    if (atLineStart && (c === "-" || c === "+")) {
      // List items and `-# ` subtext.
      out += `\\${c}`;
      atLineStart = false;
      continue;
    }
    if (atLineStart && c >= "0" && c <= "9") {
      // Ordered list items: `12. item`.
      let j = i;
      while (j < to && (text[j] as string) >= "0" && (text[j] as string) <= "9") j++;
      out += text.slice(i, j);
      if (text[j] === "." && j < to) {
        out += "\\.";
        j++;
      }
      i = j - 1;
      atLineStart = false;
      continue;
    }
    atLineStart = false;
    if (c === ":" && text.startsWith("//", i + 1) && SCHEME_BEFORE.test(text.slice(Math.max(0, i - 5), i))) {
      // Not a link Discord may parse (see BARE_URL).
      out += "\\:";
      continue;
    }
    if (ALWAYS_ESCAPED.has(c)) {
      out += `\\${c}`;
      if (c === "<" && needsBreakAfterLt(text, i)) out += ZWSP;
      continue;
    }
    out += c;
    if (c === "@" && needsBreakAfterAt(text, i)) out += ZWSP;
  }
  return { out, lineStart: atLineStart };
}

export interface EscapeOptions {
  /**
   * Whether `text` begins a line (default true), so that list markers there are escaped. Pass false
   * only for text placed after other text on its line.
   */
  atLineStart?: boolean;
}

/**
 * Escapes text so Discord shows its characters literally and it cannot mention anyone. By default
 * the start of `text` is treated as the start of a line, so the result is safe after `> ` or at any
 * line start. `unescapeMarkdown(escapeMarkdown(t)) === t` for every string `t`.
 */
export function escapeMarkdown(text: string, { atLineStart = true }: EscapeOptions = {}): string {
  let out = "";
  let lineStart = atLineStart;
  let position = 0;
  for (const match of text.matchAll(BARE_URL)) {
    const url = match[0];
    const end = match.index + url.length;
    if (UNSAFE_IN_URL.test(url)) continue;
    const runEnd = text.slice(end).search(/\s/);
    const rest = runEnd === -1 ? text.slice(end) : text.slice(end, end + runEnd);
    if (escapePlain(rest, 0, rest.length, false).out !== rest) continue;
    const before = escapePlain(text, position, match.index, lineStart);
    out += before.out + escapeUrl(text, match.index, match.index + url.length);
    lineStart = false;
    position = match.index + url.length;
  }
  out += escapePlain(text, position, text.length, lineStart).out;
  return out;
}

/** The exact inverse of `escapeMarkdown`. */
export function unescapeMarkdown(escaped: string): string {
  let out = "";
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped[i] as string;
    const next = escaped[i + 1];
    if (c === "\\" && next !== undefined && ESCAPABLE.has(next)) {
      out += next;
      i++;
    } else {
      out += c;
    }
  }
  return out.replace(/([@<])\u200b/g, "$1");
}

/**
 * For one-line metadata (titles, publishers, names, a user's question) placed after other text on
 * its line: bidirectional-text controls are removed (they could show a name reversed), line breaks
 * and other control characters become spaces, runs of spaces collapse, then the text is escaped. Not reversible in whitespace, which is why verbatim quotes never use it.
 */
export function escapeInline(text: string): string {
  const oneLine = withoutBidiControls(text)
    .replace(/[\p{Cc}\u2028\u2029]+/gu, " ")
    .replace(/ {2,}/g, " ")
    .trim();
  return escapeMarkdown(oneLine, { atLineStart: false });
}

/** Discord treats `\r\n` and a lone `\r` as line breaks; verbatim text is shown with `\n` only. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}
