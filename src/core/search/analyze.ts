/**
 * Text analysis shared by indexing and querying: the same function must see both sides, or terms will not meet.
 *
 * Words are runs of letters and digits (internal apostrophes and hyphens split words, as Lucene's StandardAnalyzer
 * does); they are case-folded, stripped of diacritics and of the English possessive, filtered against Lucene's English
 * stop set and reduced with the Porter stemmer (the `stemmer` package). Stems are cached: a corpus has a few hundred
 * thousand distinct words but hundreds of millions of occurrences.
 */
import { stemmer } from "stemmer";

/**
 * Bump when analysis or what a passage indexes changes (4: a list item head counts twice; 5: a Markdown container's
 * fence lines are markup, not words of its first paragraph; 6: a link's destination is no term; 7: no sentence ends
 * inside a link's destination or a URL): saved indexes built with another version are rebuilt, never served.
 */
export const ANALYZER_VERSION = 7;

/** Lucene's EnglishAnalyzer stop set (the reference BM25 figures use it). */
const STOPWORDS = new Set(
  "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split(
    " ",
  ),
);

/**
 * Words a question is phrased with rather than about, and a chat message's thanks and "btw". They are dropped from
 * questions only (documents keep them, so a phrase search for "how it works" still matches), and they never count as
 * evidence when deciding to abstain.
 */
const QUESTION_WORDS = new Set(
  (
    "what whats when where which who whom whose why how does do did done is are was were be been being has have had " +
    "can could should would will shall may might must please tell me us about i you your my any some describe explain " +
    "give show find know list there here much many often he she him his her hers it its they them their we our " +
    "thanks thank thx pls plz lol btw wondering"
  ).split(" "),
);

/**
 * Words a chat message opens with before it asks ("ok so in that interview…", "hey, who…", "um, well, what…"):
 * dropped from a question only while nothing else has come before them. Elsewhere they can be what is asked
 * ("When is response.ok true?", "How well does it scale?", "the hello command").
 */
const OPENERS = new Set("ok okay so hey hi hello um uh umm hmm well alright anyway".split(" "));

/**
 * A contraction's pieces, which are function words however the apostrophe splits them: "won't" is "won" + "t", not the
 * past of "win"; "didn't", "they're", "we've", "I'll", "you'd" and "I'm" likewise. Questions drop them (documents keep
 * every word, so the index is unchanged).
 */
const NEGATED = new Set(
  "don doesn didn isn aren wasn weren won can couldn shouldn wouldn hasn haven hadn mustn needn ain shan".split(" "),
);
const CLITICS = new Set(["t", "re", "ve", "ll", "d", "m"]);
const isApostrophe = (code: number) => code === 39 /* ' */ || code === 0x2019; /* ’ */

/** True when the word at [start, end) of `text` is a piece of a contraction ("won" or "t" of "won't"). */
function contractionPiece(text: string, start: number, end: number, folded: string): boolean {
  // A clitic follows a letter and an apostrophe ("they're"); a quoted letter ("the 'm' flag") is a word of its own.
  if (CLITICS.has(folded) && isApostrophe(text.charCodeAt(start - 1)) && /\p{L}/u.test(text.charAt(start - 2)))
    return true;
  if (!NEGATED.has(folded) || !isApostrophe(text.charCodeAt(end))) return false;
  const next = text.charAt(end + 1);
  return (next === "t" || next === "T") && !/[\p{L}\p{N}]/u.test(text.charAt(end + 2));
}

/**
 * A word, or letters joined by "&" with no spaces ("V&A", "AT&T", "R&B"), which is one name, not two letters, or by
 * underscores ("work_mem", "max_connections"), which is one identifier (Unicode's word boundaries, which Lucene's
 * StandardAnalyzer follows, keep "_" inside a word too): "work_mem" is not "maintenance_work_mem".
 */
const WORD = /[\p{L}\p{N}]+(?:[&_]+[\p{L}\p{N}]+)*/gu;
const MAX_WORD = 40;
const stemCache = new Map<string, string>();

export function fold(word: string): string {
  const lower = word.toLowerCase();
  // Only pay for NFKD when there is something outside ASCII.
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(lower) ? lower.normalize("NFKD").replace(/\p{M}+/gu, "") : lower;
}

/** The index term for one raw word, or null when the word carries no meaning for retrieval. */
export function termOf(rawWord: string): string | null {
  let term = stemCache.get(rawWord);
  if (term !== undefined) return term === "" ? null : term;
  term = stemOf(fold(rawWord)) ?? "";
  if (stemCache.size < 2_000_000) stemCache.set(rawWord, term);
  return term === "" ? null : term;
}

/** True for a word that carries nothing to search for in a question: a stop word, or a word questions are phrased with. */
export function isPhrasing(folded: string): boolean {
  return STOPWORDS.has(folded) || QUESTION_WORDS.has(folded);
}

/**
 * The index term of a folded word, not cached (termOf caches it per raw word; spelling.ts's edits of a mistyped word,
 * hundreds per word, would only fill the cache): null for a stop word or an over-long one; names joined by "&" or "_"
 * kept whole; else its Porter stem.
 */
export function stemOf(folded: string): string | null {
  if (folded.length > MAX_WORD || STOPWORDS.has(folded)) return null;
  return /[&_]/u.test(folded) ? folded : stemmer(folded);
}

/**
 * A Markdown link's destination, `](…)` of `[text](/guide/slash-commands.md)`, `![logo](logo.svg)` or
 * `[text](url "Title")`: where the link goes (and its tooltip), not words of the sentence (rendered, they are not
 * shown), so never index terms. No spaces or parentheses inside, as CommonMark's plain destinations; bounded, so a
 * scan costs at most its own run. (`handlers[0](payload)` in a code span reads as one too: a word lost, never a quote.)
 */
const LINK_DESTINATION = /\]\([^\s()]{1,2048}(?:\s+"[^"\n]{0,300}")?\)/gu;

/** A predicate telling whether an offset of `text` lies inside a link destination (offsets asked in increasing order). */
function linkDestinations(text: string): (at: number) => boolean {
  if (!text.includes("](")) return () => false;
  // Its own iterator per text: a caller analysing another text meanwhile cannot move it.
  const found = text.matchAll(LINK_DESTINATION);
  let next = found.next().value;
  return (at: number): boolean => {
    while (next !== undefined && next.index + next[0].length <= at) next = found.next().value;
    return next !== undefined && at > next.index && at < next.index + next[0].length;
  };
}

/** Calls `emit` with each index term of `text`, in order (repeats included). */
export function forEachTerm(text: string, emit: (term: string) => void): void {
  const inLink = linkDestinations(text);
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    if (inLink(m.index)) continue;
    const word = m[0];
    // The possessive "s" of "Russia's" is a separate run after the apostrophe split; drop it.
    if (word === "s" || word === "S") {
      const before = text.charCodeAt(m.index - 1);
      if (isApostrophe(before)) continue;
    }
    const term = termOf(word);
    if (term !== null) emit(term);
  }
}

/** The index terms of `text`, in order, repeats included. */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  forEachTerm(text, (t) => terms.push(t));
  return terms;
}

/** A content word: as written, folded (lower case, no diacritics), and its index term. */
export interface ContentWord {
  raw: string;
  word: string;
  term: string;
  /** The text's first word (capitalised whatever it is). */
  opening: boolean;
}

/**
 * The content words of `text`, in order: stop words and the possessive "s" dropped; for a question (`isQuestion`), the
 * words it is phrased with ("what", "did", "tell me") and any lone "s" dropped too. Their terms are exactly `analyze`'s
 * (or `analyzeQuestion`'s) for the same text.
 */
export function contentWords(text: string, isQuestion: boolean): ContentWord[] {
  const out: ContentWord[] = [];
  const inLink = linkDestinations(text);
  WORD.lastIndex = 0;
  let opening = true;
  // Only openers so far: the question's first words, while they are chat ("ok so…").
  let chat = isQuestion;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text), opening = false) {
    if (inLink(m.index)) continue;
    const raw = m[0];
    if (raw === "s" || raw === "S") {
      const before = text.charCodeAt(m.index - 1);
      if (isQuestion || isApostrophe(before)) continue;
    }
    const word = fold(raw);
    chat &&= OPENERS.has(word);
    if (chat) continue;
    if (isQuestion && (QUESTION_WORDS.has(word) || contractionPiece(text, m.index, m.index + raw.length, word)))
      continue;
    const term = termOf(raw);
    if (term !== null) out.push({ raw, word, term, opening });
  }
  return out;
}

/** A question's distinct content terms with their counts, question words removed. */
export function analyzeQuestion(question: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { term } of contentWords(question, true)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
