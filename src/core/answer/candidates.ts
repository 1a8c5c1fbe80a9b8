/**
 * Candidates: the spans of text that may be quoted. A candidate is a run of one or a few sentences of a top passage
 * (the core, which must hold a question word), widened so it reads on its own: the sentence before when the core's
 * subject is a pronoun or it is a fragment ("He is rueful…"), the sentence after when the answer continues there (a list
 * after a colon, "To do so, …"), and never starting or ending inside a quotation. Code is never quoted, and no quote
 * runs across the markup between two blocks (a list's bullets, a table's pipes: ingest marks both). The core is the
 * quote's focus, marked when context surrounds it.
 */
import type { CodeContext } from "../types.js";
import type { Segment } from "../search/segment.js";

export { itemHead, tableHeader, type TableMemo } from "../ingest/structure.js";

export interface SentenceSpan {
  start: number;
  end: number;
}

/** The sentences around one passage: its own, with a few of its neighbours' for context. */
export interface PassageSentences {
  segment: Segment;
  doc: number;
  passage: number;
  text: string;
  sentences: SentenceSpan[];
  /** Index of the passage's first and one past its last own sentence in `sentences`. */
  first: number;
  last: number;
  /** Sentences that may appear in a quote: code (as ingest marks it) never does. */
  quotable: boolean[];
  /**
   * Per sentence: markup (a list bullet, a table's pipes, a fence) or dropped text stands between it and the sentence
   * before, so no quote runs across both.
   */
  breaks: boolean[];
  /** The passage's section (its headings joined by " › "), or null. */
  section: string | null;
}

export interface CandidateSpan {
  /** Sentence indices in `PassageSentences.sentences`: the core [coreFrom, coreTo) and the quote [from, to). */
  coreFrom: number;
  coreTo: number;
  from: number;
  to: number;
  /** Why the quote was widened beyond its core. */
  widened: Array<"previous" | "next" | "quotation">;
}

/** Sentences of neighbouring passages borrowed as context at most. */
const CONTEXT = 3;

/**
 * The passage's sentences with `CONTEXT` sentences of the same document on each side, taken from as many neighbouring
 * passages as it takes (a list's items are a passage each).
 */
export function passageSentences(segment: Segment, passage: number): PassageSentences {
  const doc = segment.passageDoc[passage] as number;
  const text = segment.text(doc);
  const sameDoc = (p: number) => p >= 0 && p < segment.passageCount && segment.passageDoc[p] === doc;
  const sentences: SentenceSpan[] = [];
  const quotable: boolean[] = [];
  const breaks: boolean[] = [];
  /** Sentences [from, to) of passage `p`, with their kinds and breaks. */
  const add = (p: number, from: number, to: number) => {
    const own = segment.sentencesOf(p);
    const code = segment.codeSentences(p);
    const marked = segment.sentenceBreaks(p);
    for (let i = Math.max(0, from); i < Math.min(to, own.length); i++) {
      const [start, end] = own[i] as [number, number];
      const previous = sentences[sentences.length - 1];
      // Between two passages a break is anything but white space between them: markup, dropped text, a heading.
      breaks.push(i === 0 && previous !== undefined ? /\S/u.test(text.slice(previous.end, start)) : marked[i] === true);
      sentences.push({ start, end });
      quotable.push(code[i] !== true);
    }
  };
  // The context may span several passages: a list's items are a passage each.
  const prior: Array<[number, number]> = [];
  let need = CONTEXT;
  for (let p = passage - 1; need > 0 && sameDoc(p); p--) {
    const n = segment.sentencesOf(p).length;
    const take = Math.min(n, need);
    prior.unshift([p, n - take]);
    need -= take;
  }
  for (const [p, from] of prior) add(p, from, Number.POSITIVE_INFINITY);
  const first = sentences.length;
  add(passage, 0, Number.POSITIVE_INFINITY);
  const last = sentences.length;
  need = CONTEXT;
  for (let p = passage + 1; need > 0 && sameDoc(p); p++) {
    const n = segment.sentencesOf(p).length;
    add(p, 0, need);
    need -= Math.min(n, need);
  }
  return { segment, doc, passage, text, sentences, first, last, quotable, breaks, section: segment.sectionOf(passage) };
}

/** A sentence that reads as a continuation ("He said…", "This…") needs the one before it to be understood. */
const DANGLING =
  /^["“‘']?(he|she|it|they|them|his|her|its|their|this|these|those|that|such|but|and|however|also|so|then|there|here)\b/i;
/** A sentence that carries on the one before it: the answer continues there. */
const CONTINUES =
  /^["“‘']?(to do (?:so|this|that)|for (?:example|instance)|(?:these|they|this) (?:include|includes|are|is:)|namely|in particular|specifically|as follows|that is|i\.e\.|e\.g\.)\b/i;
const MIN_WORDS = 6;
/** What stands between a list's items: its bullet or number ("\n\n1. ", "\n- "). */
const LIST_MARKER = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+$/u;
/** A list announced by a colon joins the quote: at most this many of its sentences (the context's, `CONTEXT`)… */
const LIST_SENTENCES = 3;
/** …and the quote at most this long with them. */
const LIST_CHARS = 700;

function words(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** A sentence that announces what follows it: "…looks like this:", "The following example…", "…as shown below." */
const ANNOUNCES = /\b(?:the following|as follows|like (?:this|so))\b|\bbelow[.:]?$/i;
/** Between two sentences, a blank line (perhaps holding spaces, or a CRLF file's carriage returns): a new paragraph. */
const BLANK_LINE = /\n[ \t\r]*\n/u;
const blankLine = (gap: string) => BLANK_LINE.test(gap);
/** A code fence's language word ("js", "c++", "objective-c"). */
const LANGUAGE_WORD = String.raw`[\w+#.-]{1,30}`;
export const FENCE_LANGUAGE = new RegExp(`^${LANGUAGE_WORD}$`, "u");
/** A Markdown fence line ("```js", "~~~"), with the language it names (a `FENCE_LANGUAGE` word). */
const FENCE = new RegExp("^[ \\t]*(?:`{3,}|~{3,})[ \\t]*(" + LANGUAGE_WORD + ")?[^\\n]*$", "u");
/** Between a sentence and the code it announces: at most this many characters (white space and a fence line). */
const CODE_GAP = 300;

/**
 * The code block that the quote's sentences [.., to) announce, when it follows them at once: their last sentence ends
 * with a colon or says "the following"/"below", and nothing but white space and a fence line stands between them and
 * the block. Consecutive code sentences of one block are taken together. Null otherwise.
 */
export function announcedCode(ps: PassageSentences, to: number): CodeContext | null {
  const { sentences, text, quotable } = ps;
  const last = sentences[to - 1];
  const first = sentences[to];
  if (last === undefined || first === undefined || quotable[to] !== false) return null;
  const said = text.slice(last.start, last.end).trimEnd();
  if (!said.endsWith(":") && !ANNOUNCES.test(said)) return null;
  const gap = text.slice(last.end, first.start);
  if (gap.length > CODE_GAP) return null;
  let language: string | null = null;
  for (const line of gap.split("\n")) {
    if (line.trim() === "") continue;
    const fence = FENCE.exec(line);
    if (fence === null) return null;
    language = fence[1] ?? null;
  }
  let end = first.end;
  for (let i = to + 1; i < sentences.length && quotable[i] === false; i++) {
    const next = sentences[i] as SentenceSpan;
    // Another block (a fence closes one and opens the next) or prose between: the announced block has ended.
    if (/\S/u.test(text.slice(end, next.start))) break;
    end = next.end;
  }
  // From the start of its first line: the first line's indentation is the code's as much as the others'.
  let from = first.start;
  while (from > last.end && (text[from - 1] === " " || text[from - 1] === "\t")) from--;
  return { start: from, end, text: text.slice(from, end), language };
}

/**
 * A code block's text as it is shown under a quote: newlines as "\n", without its trailing white space or its leading
 * blank lines (the first line's own indentation stays). Linear in its length.
 */
export function shownCode(text: string): string {
  const whole = text.replace(/\r\n?/g, "\n").trimEnd();
  let from = 0;
  for (let nl = whole.indexOf("\n"); nl >= 0 && whole.slice(from, nl).trim() === ""; nl = whole.indexOf("\n", from))
    from = nl + 1;
  return whole.slice(from);
}

/**
 * How a span stands with quotation marks: >0 when a quotation opens and does not close inside it, <0 when one closes
 * that did not open inside it. Curly quotes say which way they face; a straight double quote opens after a space or at
 * the start, and closes otherwise.
 */
export function quotationBalance(text: string): number {
  let open = 0;
  let closedUnopened = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let opens: boolean;
    if (c === 0x201c /* “ */ || c === 0x00ab /* « */) opens = true;
    else if (c === 0x201d /* ” */ || c === 0x00bb /* » */) opens = false;
    else if (c === 34 /* " */) {
      const before = i === 0 ? 32 : text.charCodeAt(i - 1);
      opens = before <= 32 || before === 40 /* ( */ || before === 91 /* [ */ || before === 0x2014; /* — */
    } else continue;
    if (opens) open++;
    else if (open > 0) open--;
    else closedUnopened++;
  }
  if (open > 0) return 1;
  return closedUnopened > 0 ? -1 : 0;
}

/** Where a quote built on the core [coreFrom, coreTo) starts and ends, or null when it cannot stand on its own. */
export function widen(ps: PassageSentences, coreFrom: number, coreTo: number, maxExtra = 3): CandidateSpan | null {
  const { sentences, text, quotable, breaks } = ps;
  const at = (i: number) => text.slice((sentences[i] as SentenceSpan).start, (sentences[i] as SentenceSpan).end);
  /** What stands between sentence `i - 1` and sentence `i`. */
  const gapBefore = (i: number) =>
    text.slice((sentences[i - 1] as SentenceSpan).end, (sentences[i] as SentenceSpan).start);
  const ok = (i: number) => i >= 0 && i < sentences.length && quotable[i] === true;
  // The sentence before `from` / after `to - 1` may join the quote: quotable, and no markup between them.
  const before = (from: number) => ok(from - 1) && breaks[from] !== true;
  const after = (to: number) => ok(to) && breaks[to] !== true;
  let from = coreFrom;
  let to = coreTo;
  const widened: CandidateSpan["widened"] = [];
  const opening = at(coreFrom);
  if (before(from) && (DANGLING.test(opening) || words(opening) < MIN_WORDS)) {
    from--;
    widened.push("previous");
  }
  // A fragment with nothing before it to lean on ("**maxRedirections** `Integer` - Default: `0`.", an option's first
  // sentence) reads with the sentence that carries it on in the same paragraph.
  if (
    !widened.includes("previous") &&
    words(at(to - 1)) < MIN_WORDS &&
    after(to) &&
    coreTo - coreFrom === 1 &&
    !blankLine(gapBefore(to))
  ) {
    to++;
    widened.push("next");
  }
  const endsWithColon = (i: number) => at(i).trimEnd().endsWith(":");
  if (after(to) && (endsWithColon(to - 1) || CONTINUES.test(at(to)))) {
    to++;
    widened.push("next");
  }
  // "There are three important pieces of code… They are:" and the list that follows: its items are the answer. Past
  // the first bullet, an item's own next sentence (white space between, no blank line) goes with it.
  if (endsWithColon(to - 1)) {
    const grownFrom = to;
    for (let n = 0; n < LIST_SENTENCES && ok(to); n++) {
      const gap = gapBefore(to);
      const item = LIST_MARKER.test(gap) || (n > 0 && breaks[to] !== true && !blankLine(gap));
      if (!item || (sentences[to] as SentenceSpan).end - (sentences[from] as SentenceSpan).start > LIST_CHARS) break;
      to++;
    }
    if (to > grownFrom && !widened.includes("next")) widened.push("next");
  }
  let extra = 0;
  for (;;) {
    const balance = quotationBalance(
      text.slice((sentences[from] as SentenceSpan).start, (sentences[to - 1] as SentenceSpan).end),
    );
    if (balance === 0) break;
    if (extra >= maxExtra) return null;
    if (balance > 0 && after(to)) to++;
    else if (balance < 0 && before(from)) from--;
    else return null;
    extra++;
    if (!widened.includes("quotation")) widened.push("quotation");
  }
  return { coreFrom, coreTo, from, to, widened };
}
