/**
 * Sentence boundaries with Intl.Segmenter (ICU's rules), plus the one thing ICU gets wrong in news prose: it ends a
 * sentence after every abbreviation followed by a capital ("Mr. Smith", "the U.S. Anatoly Antonov"). Node's ICU does not
 * honour the `ss=standard` suppression extension, so we re-join those breaks here.
 */
import type { Span } from "../types.js";

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** Abbreviations that are never the end of a sentence when a capitalised word follows. */
const TITLES = new Set(
  "mr mrs ms dr prof st sen rep gov gen lt col capt sgt maj adm cmdr rev hon pres amb jr sr vs no fig approx dept est inc ltd co corp".split(
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

function lastWord(segment: string): string {
  const m = /([\p{L}.]+)\.\s*$/u.exec(segment);
  return m?.[1] ?? "";
}

function firstWord(segment: string): string {
  const m = /^\s*["“'‘(]?([\p{L}\p{N}]+)/u.exec(segment);
  return m?.[1] ?? "";
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

/**
 * Sentence spans inside text[span.start, span.end), trimmed of surrounding whitespace, in order. Offsets are into
 * `text` itself, so `text.slice(s.start, s.end)` is the sentence exactly as stored.
 */
export function splitSentences(text: string, span: Span = { start: 0, end: text.length }): Span[] {
  const region = text.slice(span.start, span.end);
  const raw: Span[] = [];
  for (const seg of segmenter.segment(region)) {
    const start = seg.index;
    const end = start + seg.segment.length;
    const previous = raw[raw.length - 1];
    if (previous !== undefined && isFalseBreak(region.slice(previous.start, previous.end), seg.segment)) {
      previous.end = end;
    } else {
      raw.push({ start, end });
    }
  }
  const out: Span[] = [];
  for (const s of raw) {
    let a = s.start;
    let b = s.end;
    while (a < b && /\s/u.test(region[a] ?? "")) a++;
    while (b > a && /\s/u.test(region[b - 1] ?? "")) b--;
    if (b > a) out.push({ start: span.start + a, end: span.start + b });
  }
  return out;
}
