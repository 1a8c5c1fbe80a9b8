/**
 * How a document word meets a question word: the same index term, the same word family (Porter leaves
 * "discovery"/"discovered" apart), a British/American spelling, a WordNet derivation, synonym or broader/narrower word,
 * or a close word vector. Each way has a strength, the share of an exact match it is worth as evidence; the answer
 * stage scores and calibrates with it and never treats it as the word itself.
 */
import type { ContentWord } from "../search/analyze.js";
import type { QueryTerm } from "../search/rank.js";
import type { RelationKind, WordRelations } from "./relations.js";
import type { WordVectors } from "./vectors.js";

export type MatchVia = "exact" | "family" | RelationKind | "vector";

export interface MatchParams {
  /** A document term and a question term count as one when one stem is a prefix of the other this long or longer… */
  familyPrefix: number;
  /** …and the longer stem adds at most this many letters ("discov" takes "discoveri"). */
  familySuffix: number;
  /** Share of an exact match each relation is worth. */
  relationStrength: Record<RelationKind, number>;
  /** Word vectors: a cosine above this is a match… */
  softThreshold: number;
  /** …worth min(maxVectorStrength, vectorScale × (cosine − threshold) / (1 − threshold)) of an exact match. */
  vectorScale: number;
  maxVectorStrength: number;
}

/**
 * Words that name a value (a month, a weekday, a season, a number, an ordinal) or a direction. GloVe puts them close
 * together, one of a kind to another and across kinds ("June" to "two", "three" to "Sunday": they share their
 * contexts), but another value is a different answer, never another word for the one asked.
 */
const SIBLINGS: ReadonlyMap<string, number> = (() => {
  const sets = [
    "january february march april may june july august september october november december jan feb mar apr jun jul " +
      "aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday spring summer autumn " +
      "winter zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " +
      "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million " +
      "billion trillion dozen first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth " +
      "twentieth hundredth",
    "north south east west northern southern eastern western northeast northwest southeast southwest",
  ];
  const out = new Map<string, number>();
  sets.forEach((words, i) => {
    for (const w of words.split(" ")) out.set(w, i);
  });
  return out;
})();

/**
 * The calendar's words (but "may" and "march", which are verbs too): no vector match to or from any other word either.
 * GloVe puts "held" beside "wednesday" and "october" beside "united" at full strength, for the company they keep.
 */
const CALENDAR = new Set(
  (
    "january february april june july august september october november december jan feb apr jun jul aug sep sept oct " +
    "nov dec monday tuesday wednesday thursday friday saturday sunday spring summer autumn winter"
  ).split(" "),
);

/** A word's singular when it ends as a plural ("mondays", "hundreds", "twenties"); itself otherwise. */
const singular = (word: string): string => word.replace(/ies$/, "y").replace(/s$/, "");

/** The closed set a word (or its plural) names a value of, or undefined. */
const siblingSet = (word: string): number | undefined => SIBLINGS.get(word) ?? SIBLINGS.get(singular(word));

/** A word of the calendar, or its plural ("on Mondays", "summers"). */
const inCalendar = (word: string): boolean => CALENDAR.has(word) || CALENDAR.has(singular(word));
/** The parts of a week that days are ("open at weekends": "on Saturdays and Sundays"), which a day may stand for. */
const WEEK_PART = new Set(["weekend", "weekends", "weekday", "weekdays"]);

/**
 * The match is the question's word itself: the same term, its family, an irregular form of it ("became" for "become",
 * "left" for "leave") or its other spelling ("defense" for "defence"). Only these count as holding a question's word;
 * derivations, synonyms and vectors are other words for it.
 */
export const sameWord = (m: TermMatch): boolean =>
  m.via === "exact" || m.via === "family" || m.via === "inflection" || m.via === "spelling";

/** One question term's best match in a piece of text. */
export interface TermMatch {
  via: MatchVia;
  /** The document's word, as folded. */
  word: string;
  strength: number;
}

/**
 * Porter stemming leaves some words of one family apart ("discovery" → discoveri, "discovered" → discov). A document
 * term counts as a question term when one is a prefix of the other, the shorter has at least `minLength` letters and the
 * longer adds at most `maxSuffix` (a suffix, not another word: "state" does not take "statement"). Only question terms
 * the corpus holds take relatives. Identifiers ("pg_dump", "AT&T") are names, never stemmed, and take none: "pg_dump" is
 * not "pg_dumpall". Returns the mapping, memoised for the question.
 */
export function wordFamilies(
  question: readonly QueryTerm[],
  minLength: number,
  maxSuffix: number,
): (term: string) => string {
  const identifier = (t: string) => t.includes("_") || t.includes("&");
  const heads = question
    .filter((t) => t.df > 0 && t.term.length >= minLength && !identifier(t.term))
    .map((t) => t.term);
  const own = new Set(question.map((t) => t.term));
  const seen = new Map<string, string>();
  return (term) => {
    if (heads.length === 0 || own.has(term) || term.length < minLength || identifier(term)) return term;
    let family = seen.get(term);
    if (family === undefined) {
      family = term;
      for (const h of heads) {
        if ((term.startsWith(h) || h.startsWith(term)) && Math.abs(term.length - h.length) <= maxSuffix) {
          family = h;
          break;
        }
      }
      if (seen.size < 100_000) seen.set(term, family);
    }
    return family;
  };
}

/** Matches a question's terms against documents' words; everything per document word is computed once. */
export class Matcher {
  readonly terms: readonly QueryTerm[];
  private readonly index = new Map<string, number>();
  private readonly familyOf: (term: string) => string;
  /** related term → [question term index, kind] (the strongest, when two question terms share a relative) */
  private readonly relatedTo = new Map<string, Array<[number, RelationKind]>>();
  /** For vectors: each question term's words that have a vector, the closed set each names a value of, and whether
   * it is a word of the calendar. */
  private readonly vectorWords: Array<{ q: number; word: string; set: number | undefined; calendar: boolean }> = [];
  private readonly byWord = new Map<string, Array<[number, TermMatch]>>();

  constructor(
    terms: readonly QueryTerm[],
    questionWords: readonly ContentWord[],
    private readonly params: MatchParams,
    relations: WordRelations | null,
    private readonly vectors: WordVectors | null,
  ) {
    this.terms = terms;
    terms.forEach((t, i) => this.index.set(t.term, i));
    this.familyOf = wordFamilies(terms, params.familyPrefix, params.familySuffix);
    if (relations !== null) {
      terms.forEach((t, q) => {
        for (const [related, kind] of relations.related(t.term)) {
          if (this.index.has(related)) continue;
          const list = this.relatedTo.get(related) ?? [];
          list.push([q, kind]);
          this.relatedTo.set(related, list);
        }
      });
    }
    if (vectors !== null) {
      const seen = new Set<string>();
      for (const w of questionWords) {
        const q = this.index.get(w.term);
        if (q === undefined || seen.has(w.word) || !vectors.has(w.word)) continue;
        seen.add(w.word);
        this.vectorWords.push({ q, word: w.word, set: siblingSet(w.word), calendar: inCalendar(w.word) });
      }
    }
  }

  /** The question term index `term` stands for exactly (same term or family), or undefined. */
  exact(term: string): number | undefined {
    return this.index.get(this.familyOf(term));
  }

  /** The question term `term` stands for exactly, as a term (the document's own term when none). */
  family(term: string): string {
    return this.familyOf(term);
  }

  /** The question terms a document word matches, and how. */
  matches(word: ContentWord): Array<[number, TermMatch]> {
    // The term follows from the folded word, so the word alone is the key.
    const key = word.word;
    let found = this.byWord.get(key);
    if (found !== undefined) return found;
    found = [];
    const own = this.index.get(word.term);
    if (own !== undefined) found.push([own, { via: "exact", word: word.word, strength: 1 }]);
    else {
      const family = this.index.get(this.familyOf(word.term));
      if (family !== undefined) found.push([family, { via: "family", word: word.word, strength: 1 }]);
    }
    const exactly = found[0]?.[0];
    for (const [q, kind] of this.relatedTo.get(word.term) ?? []) {
      const strength = this.params.relationStrength[kind];
      if (q !== exactly && strength > 0) found.push([q, { via: kind, word: word.word, strength }]);
    }
    // A word that is itself one of the question's terms is that term, not another word for a second one: in "shut
    // down", GloVe puts "down" near "shut", and it would count twice.
    if (this.vectors !== null && this.vectorWords.length > 0 && exactly === undefined) {
      const { softThreshold: t, vectorScale, maxVectorStrength } = this.params;
      const set = siblingSet(word.word);
      const calendar = inCalendar(word.word);
      for (const { q, word: asked, set: askedSet, calendar: askedCalendar } of this.vectorWords) {
        // Two different words of one closed set (SIBLINGS) are two values, never one word for the other.
        if (q === exactly || (set !== undefined && set === askedSet && asked !== word.word)) continue;
        // A day, month or season is itself or nothing: GloVe learns its company ("held on Wednesday"), not its sense.
        // Only the part of the week a day falls in may stand for it ("weekends" for "Saturdays").
        if (calendar !== askedCalendar || (calendar && asked !== word.word)) {
          if (!WEEK_PART.has(calendar ? asked : word.word)) continue;
        }
        const cos = this.vectors.similarity(asked, word.word);
        if (cos === null || cos <= t) continue;
        const strength = Math.min(maxVectorStrength, (vectorScale * (cos - t)) / (1 - t));
        const had = found.find(([k]) => k === q);
        if (had === undefined) found.push([q, { via: "vector", word: word.word, strength }]);
        else if (had[1].strength < strength) had[1] = { via: "vector", word: word.word, strength };
      }
    }
    if (this.byWord.size < 200_000) this.byWord.set(key, found);
    return found;
  }
}
