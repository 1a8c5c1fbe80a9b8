/** Retrieval: the question's terms and the passages BM25 ranks best for them. */
import { analyzeQuestion, contentWords, fold } from "./analyze.js";
import { type Bm25Params, documentFrequency, queryTerms, type Ranking, rankPassages } from "./rank.js";
import { type Correction, correction, mistypable, type WordList } from "./spelling.js";

/**
 * At most this many of a question's words are tried for a slip (each costs about 54 × its length lookups); words that
 * cannot be one (short, known, with digits) and repeats cost nothing and are not counted.
 */
export const MAX_TRIED = 8;

export interface RetrieveParams {
  bm25: Bm25Params;
}

export interface Retrieval extends Ranking {
  /** The question's terms in the order asked, with how often each was asked. */
  asked: Map<string, number>;
  /** Question terms the corpus never holds → the form of the same word it does hold, searched in their place. */
  standIns: Map<string, string>;
  /** The question's mistyped words and what was read in their place (their terms stand in, in `standIns`). */
  corrections: Correction[];
}

/**
 * The `k` best passages for `question` by BM25 (among those `accept` admits, when given: a server's exclusions), with
 * the question's terms. `expand` may add, for a question term, other terms that stand for it (a spelling, a
 * derivation) with a weight below 1: they help find passages but are never question terms themselves. `sameWord` gives,
 * for a question term, other forms of the same word ("left" for "leave", "defense" for "defence"): a question term no
 * passage holds is replaced by the form most passages hold (only then, so it costs one posting list, as the term would).
 * `dictionary` tells a word from a slip: a question word no passage holds, which has no other form either and which
 * `dictionary` does not know, is read as its likeliest spelling one edit away (spelling.ts).
 */
export function retrieve(
  segments: Parameters<typeof rankPassages>[0],
  question: string,
  k: number,
  params: RetrieveParams,
  accept?: Parameters<typeof rankPassages>[4],
  expand?: (term: string) => Array<[string, number]>,
  sameWord?: (term: string) => Iterable<string>,
  dictionary?: WordList,
): Retrieval {
  let asked = analyzeQuestion(question);
  const standIns = new Map<string, string>();
  const corrections: Correction[] = [];
  if (sameWord !== undefined || dictionary !== undefined) {
    const unheld = queryTerms(segments, asked).terms.filter((t) => t.df === 0);
    for (const { term } of unheld) {
      const forms = new Map<string, number>();
      for (const form of sameWord?.(term) ?? []) if (!asked.has(form)) forms.set(form, 1);
      let best: string | undefined;
      let most = 0;
      for (const form of queryTerms(segments, forms).terms) if (form.df > most) [best, most] = [form.term, form.df];
      if (best !== undefined) standIns.set(term, best);
    }
    const unread = new Set(unheld.map((t) => t.term).filter((t) => !standIns.has(t)));
    if (dictionary !== undefined && unread.size > 0) {
      const df = (term: string) => documentFrequency(segments, term);
      const written = (term: string, word: string) => {
        const alone = new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, "u");
        return segments.some((s) => writes(s, term, alone));
      };
      const tried = new Set<string>();
      const dropped = new Set<string>();
      for (const w of contentWords(question, true)) {
        // "TOTP", "WCNF": a word in capitals is an acronym or a code, never a slip.
        if (!unread.has(w.term) || tried.has(w.word) || /\p{Lu}.*\p{Lu}/u.test(w.raw)) continue;
        if (!mistypable(w.word, dictionary)) continue;
        // A question with more unknown words than this is no typing slip; the cap bounds the cost of any question.
        if (tried.size >= MAX_TRIED) break;
        tried.add(w.word);
        const read = correction(w.word, df, dictionary, written, !w.opening && /^\p{Lu}/u.test(w.raw));
        if (read === null) continue;
        corrections.push(read);
        // "whcih" is "which": a word questions are phrased with, not searched for.
        if (read.term === null) dropped.add(w.term);
        else standIns.set(w.term, read.term);
      }
      for (const term of dropped) asked.delete(term);
    }
    if (standIns.size > 0) {
      const rewritten = new Map<string, number>();
      for (const [term, count] of asked) {
        const t = standIns.get(term) ?? term;
        rewritten.set(t, (rewritten.get(t) ?? 0) + count);
      }
      asked = rewritten;
    }
  }
  let extra: Map<string, number> | undefined;
  if (expand !== undefined) {
    extra = new Map();
    for (const term of asked.keys()) {
      for (const [t, w] of expand(term)) {
        if (!asked.has(t) && w > (extra.get(t) ?? 0)) extra.set(t, w);
      }
    }
  }
  return { ...rankPassages(segments, asked, k, params.bm25, accept, extra), asked, standIns, corrections };
}

/**
 * True when one of the first passages holding `term` has the word `alone` matches (a folded word of letters, as a
 * word of its own) in its folded text ("jurgensen" in "Jürgensen").
 */
function writes(segment: Parameters<typeof rankPassages>[0][number], term: string, alone: RegExp): boolean {
  const p = segment.postings(term);
  if (p === null) return false;
  for (let i = p.from; i < Math.min(p.to, p.from + 3); i++)
    if (alone.test(fold(segment.passageText(segment.postPassage[i] as number)))) return true;
  return false;
}
