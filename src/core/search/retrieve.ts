/** Retrieval: the question's terms and the passages BM25 ranks best for them. */
import { analyzeQuestion } from "./analyze.js";
import { type Bm25Params, queryTerms, type Ranking, rankPassages } from "./rank.js";

export interface RetrieveParams {
  bm25: Bm25Params;
}

export interface Retrieval extends Ranking {
  /** The question's terms in the order asked, with how often each was asked. */
  asked: Map<string, number>;
  /** Question terms the corpus never holds → the form of the same word it does hold, searched in their place. */
  standIns: Map<string, string>;
}

/**
 * The `k` best passages for `question` by BM25 (among those `accept` admits, when given: a server's exclusions), with
 * the question's terms. `expand` may add, for a question term, other terms that stand for it (a spelling, a
 * derivation) with a weight below 1: they help find passages but are never question terms themselves. `sameWord` gives,
 * for a question term, other forms of the same word ("left" for "leave", "defense" for "defence"): a question term no
 * passage holds is replaced by the form most passages hold (only then, so it costs one posting list, as the term would).
 */
export function retrieve(
  segments: Parameters<typeof rankPassages>[0],
  question: string,
  k: number,
  params: RetrieveParams,
  accept?: Parameters<typeof rankPassages>[4],
  expand?: (term: string) => Array<[string, number]>,
  sameWord?: (term: string) => Iterable<string>,
): Retrieval {
  let asked = analyzeQuestion(question);
  const standIns = new Map<string, string>();
  if (sameWord !== undefined) {
    for (const { term, df } of queryTerms(segments, asked).terms) {
      if (df > 0) continue;
      const forms = new Map<string, number>();
      for (const form of sameWord(term)) if (!asked.has(form)) forms.set(form, 1);
      let best: string | undefined;
      let most = 0;
      for (const form of queryTerms(segments, forms).terms) if (form.df > most) [best, most] = [form.term, form.df];
      if (best !== undefined) standIns.set(term, best);
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
  return { ...rankPassages(segments, asked, k, params.bm25, accept, extra), asked, standIns };
}
