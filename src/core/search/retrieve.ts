/** Retrieval: the question's terms and the passages BM25 ranks best for them. */
import { analyzeQuestion } from "./analyze.js";
import { type Bm25Params, type Ranking, rankPassages } from "./rank.js";

export interface RetrieveParams {
  bm25: Bm25Params;
}

export interface Retrieval extends Ranking {
  /** The question's terms in the order asked, with how often each was asked. */
  asked: Map<string, number>;
}

/**
 * The `k` best passages for `question` by BM25 (among those `accept` admits, when given: a server's exclusions), with
 * the question's terms. `expand` may add, for a question term, other terms that stand for it (a spelling, a
 * derivation) with a weight below 1: they help find passages but are never question terms themselves.
 */
export function retrieve(
  segments: Parameters<typeof rankPassages>[0],
  question: string,
  k: number,
  params: RetrieveParams,
  accept?: Parameters<typeof rankPassages>[4],
  expand?: (term: string) => Array<[string, number]>,
): Retrieval {
  const asked = analyzeQuestion(question);
  let extra: Map<string, number> | undefined;
  if (expand !== undefined) {
    extra = new Map();
    for (const term of asked.keys()) {
      for (const [t, w] of expand(term)) {
        if (!asked.has(t) && w > (extra.get(t) ?? 0)) extra.set(t, w);
      }
    }
  }
  return { ...rankPassages(segments, asked, k, params.bm25, accept, extra), asked };
}
