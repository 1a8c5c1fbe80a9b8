/**
 * Sentence boundaries with Intl.Segmenter (ICU's rules), plus the one thing ICU gets wrong in news prose: it ends a
 * sentence after every abbreviation followed by a capital ("Mr. Smith", "the U.S. Anatoly Antonov"). Node's ICU does not
 * honour the `ss=standard` suppression extension, so we re-join those breaks here.
 *
 * Three guards keep it right and linear on any input:
 * - a line break inside a span is a space for segmentation (a hard-wrapped paragraph is one run of prose; ICU would end
 *   a sentence at every line break), with offsets unchanged;
 * - ICU's sentence iterator slows down quadratically with the length of what it is given on Node 20 (480,000
 *   characters: 16 s), so long spans are segmented in windows of at most `WINDOW` characters, cut after a sentence's
 *   end where there is one;
 * - a sentence is at most `MAX_SENTENCE` characters: a longer one is cut at a space (or, in a run with none, anywhere
 *   but inside a surrogate pair).
 */
import type { Span } from "../types.js";

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** Longest text handed to ICU at once. */
const WINDOW = 4000;
/** Longest sentence kept whole. */
export const MAX_SENTENCE = 2000;

/** Abbreviations that are never the end of a sentence when a capitalised word follows. */
const TITLES = new Set(
  "mr mrs ms dr prof st sen rep gov gen lt col capt sgt maj adm cmdr rev hon pres amb jr sr vs no fig approx dept est inc ltd co corp e.g i.e cf al".split(
    " ",
  ),
);
const MONTHS = new Set("jan feb mar apr jun jul aug sep sept oct nov dec".split(" "));
/** Words that usually start a new sentence; an initialism followed by one of these really did end its sentence. */
const STARTERS = new Set(
  (
    "the a an he she it they we i you this that these those there his her its their our in on at but and or so " +
    "however after before when while as if for with by from to of meanwhile also still yet then"
  ).split(" "),
);

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isSpaceCode = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0x2028 || c === 0x2029;

/** The letters-and-dots word that ends `segment` just before a final "." (and trailing spaces), or "". Linear scan. */
export function lastWord(segment: string): string {
  let i = segment.length - 1;
  while (i >= 0 && isSpaceCode(segment.charCodeAt(i))) i--;
  if (i < 0 || segment[i] !== ".") return "";
  const end = i;
  let start = end;
  // Bounded: a "word" longer than 64 characters is no abbreviation.
  while (start > 0 && end - start < 64) {
    const c = segment[start - 1] as string;
    if (c === "." || isLetter(c)) start--;
    else break;
  }
  // The regex this replaces, /([\p{L}.]+)\.\s*$/, takes the longest run, so a run of dots before the final one counts.
  return segment.slice(start, end);
}

function firstWord(segment: string): string {
  const m = /^\s{0,64}["“'‘(]?([\p{L}\p{N}]{1,64})/u.exec(segment.slice(0, 200));
  return m?.[1] ?? "";
}

/**
 * A break right after ".", "?" or "!" with no space before the next character is inside a token, not between sentences:
 * a link's destination ("[here](../Reference/Plugins.md)"), a URL's query ("?x=1.2"), a version or a file name. (CJK
 * sentences end with "。", "！", "？" and no space, and are left to ICU.)
 */
function gluedBreak(region: string, at: number): boolean {
  const last = region.charCodeAt(at - 1);
  return (last === 46 || last === 63 || last === 33) && at < region.length && !isSpaceCode(region.charCodeAt(at));
}

/** True when ICU's break after `before` is an abbreviation inside a sentence rather than a sentence end. */
function isFalseBreak(before: string, after: string): boolean {
  const word = lastWord(before);
  if (word === "") return false;
  const lower = word.toLowerCase();
  const next = firstWord(after);
  if (TITLES.has(lower)) return true;
  if (MONTHS.has(lower)) return /^\d/.test(next);
  // A single initial ("J. Smith") or an initialism ("U.S.", "D.C.") followed by a name rather than a sentence starter.
  if (/^\p{Lu}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word)) {
    return next !== "" && !STARTERS.has(next.toLowerCase()) && /^\p{Lu}/u.test(next) && !/^\p{Lu}+$/u.test(next);
  }
  return false;
}

/** Line breaks (and other separators ICU ends sentences at) as spaces: same length, so offsets are unchanged. */
function flatten(region: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < region.length; i++) {
    const c = region.charCodeAt(i);
    if (c === 10 || c === 11 || c === 12 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029) {
      out += `${region.slice(from, i)} `;
      from = i + 1;
    }
  }
  return from === 0 ? region : out + region.slice(from);
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/** Where to end a window that starts at `from` (exclusive end): after a sentence's end near the limit, else a space. */
function windowEnd(region: string, from: number): number {
  const limit = from + WINDOW;
  if (limit >= region.length) return region.length;
  const floor = from + WINDOW / 2;
  for (let i = limit; i > floor; i--) {
    const c = region[i - 1];
    if ((c === "." || c === "!" || c === "?") && isSpaceCode(region.charCodeAt(i))) return i + 1;
  }
  for (let i = limit; i > floor; i--) if (isSpaceCode(region.charCodeAt(i - 1))) return i;
  return isHighSurrogate(region.charCodeAt(limit - 1)) ? limit - 1 : limit;
}

/** Cuts a too-long sentence [start, end) of `region` into pieces of at most MAX_SENTENCE, at spaces where it can. */
function capped(region: string, start: number, end: number, out: Span[]): void {
  let a = start;
  while (end - a > MAX_SENTENCE) {
    let cut = a + MAX_SENTENCE;
    let i = cut;
    while (i > a + MAX_SENTENCE / 2 && !isSpaceCode(region.charCodeAt(i - 1))) i--;
    if (i > a + MAX_SENTENCE / 2) cut = i;
    else if (isHighSurrogate(region.charCodeAt(cut - 1))) cut--;
    out.push({ start: a, end: cut });
    a = cut;
  }
  out.push({ start: a, end });
}

/**
 * Sentence spans inside text[span.start, span.end), trimmed of surrounding whitespace, in order. Offsets are into
 * `text` itself, so `text.slice(s.start, s.end)` is the sentence exactly as stored.
 */
export function splitSentences(text: string, span: Span = { start: 0, end: text.length }): Span[] {
  const region = flatten(text.slice(span.start, span.end));
  const raw: Span[] = [];
  for (let from = 0; from < region.length;) {
    const to = windowEnd(region, from);
    for (const seg of segmenter.segment(region.slice(from, to))) {
      const start = from + seg.index;
      const end = start + seg.segment.length;
      const previous = raw[raw.length - 1];
      // Only the ends that meet matter: the last characters before the break and the first after it.
      if (
        previous !== undefined &&
        (gluedBreak(region, start) ||
          isFalseBreak(region.slice(Math.max(previous.start, previous.end - 80), previous.end), seg.segment))
      ) {
        previous.end = end;
      } else {
        raw.push({ start, end });
      }
    }
    from = to;
  }
  const out: Span[] = [];
  for (const s of raw) {
    let a = s.start;
    let b = s.end;
    while (a < b && /\s/u.test(region[a] as string)) a++;
    while (b > a && /\s/u.test(region[b - 1] as string)) b--;
    if (b > a) capped(region, a, b, out);
  }
  for (const s of out) {
    s.start += span.start;
    s.end += span.start;
  }
  return out;
}
