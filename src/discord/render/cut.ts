/**
 * Cutting text at boundaries so a rendered piece fits a budget: after a sentence, else after a word, else after a
 * grapheme. Linear in the room available, whatever the text: only the prefix that could possibly fit is segmented
 * (Intl.Segmenter's memory grows faster than linearly with its input on Node 20, so it never sees a whole document).
 */
import { FENCE_LANGUAGE, shownCode, withoutBidiControls } from "../../core/index.js";
import { escapeInline, escapeMarkdown, normalizeNewlines } from "./escape.js";

const sentences = new Intl.Segmenter("en", { granularity: "sentence" });
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });
const SPACE = /\s/;

/** Ends of sentences that are also ends of words ("Really?Yes" is one word, not two sentences). */
function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (const { index, segment } of sentences.segment(text)) {
    const end = index + segment.trimEnd().length;
    if (end > index && (end === text.length || SPACE.test(text[end] as string))) ends.push(end);
  }
  return ends;
}

/** Offsets right after a word: the next character is whitespace (or the end of `text`). */
function wordEnds(text: string, whole: string): number[] {
  const ends: number[] = [];
  for (let i = 1; i <= text.length; i++) {
    if (!SPACE.test(text[i - 1] as string) && (i === whole.length || SPACE.test(whole[i] as string))) ends.push(i);
  }
  return ends;
}

function graphemeEnds(text: string): number[] {
  return [...graphemes.segment(text)].map(({ index, segment }) => index + segment.length);
}

/** The largest candidate for which `fits` holds (binary search; the answer is always verified). */
function largestFitting(candidates: readonly number[], fits: (end: number) => boolean): number | undefined {
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
 * The first offset past which nothing can fit: renderers only grow text (escaping adds characters), so once an end
 * does not fit no later one does. Found by doubling then bisecting, with O(log n) calls of `fits`.
 */
function reach(text: string, fits: (end: number) => boolean): number {
  let fitting = 0;
  let step = 256;
  while (fitting + step < text.length && fits(fitting + step)) {
    fitting += step;
    step *= 2;
  }
  let lo = fitting;
  let hi = Math.min(text.length, fitting + step);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Where to cut `text` so that `fits(end)` holds: the whole text if it fits, else the end of a sentence (unless that
 * would lose much more than cutting after a word), else after a word. Only when not even the first word fits, after
 * a grapheme (a single "word" longer than the room). Returns 0 when nothing fits.
 */
export function cutPoint(text: string, fits: (end: number) => boolean): number {
  if (fits(text.length)) return text.length;
  // A few characters past the reach, so a grapheme or word that ends there is still seen whole.
  const window = text.slice(0, Math.min(text.length, reach(text, fits) + 8));
  const word = largestFitting(wordEnds(window, text), fits);
  const sentence = largestFitting(
    sentenceEnds(window).filter((end) => end < window.length || window.length === text.length),
    fits,
  );
  if (sentence !== undefined && (word === undefined || sentence >= word * 0.6)) return sentence;
  if (word !== undefined) return word;
  return largestFitting(graphemeEnds(window), fits) ?? 0;
}

/** One-line metadata, escaped, shortened after a word with "…" when longer than `max`. */
export function clipInline(raw: string, max: number): string {
  const text = withoutBidiControls(raw).replace(/\s+/g, " ").trim();
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
  let omitted = 0;
  for (let i = end; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xdc00 || code > 0xdfff) omitted++;
  }
  return { rendered: end > 0 ? blockquote(shown) : "", shown, omitted };
}

/** A code block shown under a quote: its first lines (whole lines only), and how many more the source has. */
export interface CodeCut {
  rendered: string;
  omittedLines: number;
}

/**
 * `code` as a Discord code block of at most `max` characters and `maxLines` lines, cut after a whole line (the lines
 * shown are the source's own, unaltered: inside a code block nothing is escaped). Null when not even one line fits,
 * or when the code holds a fence of its own ("```"), which would end the block early: it is not shown then.
 */
export function fitCode(code: string, language: string | null, max: number, maxLines: number): CodeCut | null {
  const source = shownCode(code);
  if (source === "" || source.includes("```")) return null;
  const open = "```" + (language !== null && FENCE_LANGUAGE.test(language) ? language : "") + "\n";
  const close = "\n```";
  const room = max - open.length - close.length;
  if (room <= 0) return null;
  let end = 0;
  let lines = 0;
  // Whole lines while they fit: a line's end is the next newline (or the end of the code).
  while (end < source.length && lines < maxLines) {
    const next = source.indexOf("\n", end === 0 ? 0 : end + 1);
    const lineEnd = next < 0 ? source.length : next;
    if (lineEnd > room) break;
    end = lineEnd;
    lines++;
  }
  if (lines === 0) return null;
  let omittedLines = 0;
  for (let i = end; i < source.length; i++) if (source.charCodeAt(i) === 10) omittedLines++;
  return { rendered: open + source.slice(0, end) + close, omittedLines };
}
