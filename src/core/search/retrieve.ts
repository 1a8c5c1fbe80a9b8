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

/** The `k` best passages for `question` by BM25 (among those `accept` admits, when given), with the question's terms. */
export function retrieve(
  segments: Parameters<typeof rankPassages>[0],
  question: string,
  k: number,
  params: RetrieveParams,
  accept?: Parameters<typeof rankPassages>[4],
): Retrieval {
  const asked = analyzeQuestion(question);
  return { ...rankPassages(segments, asked, k, params.bm25, accept), asked };
}
