/**
 * Retrieval: the question's terms, BM25 over their posting lists, and the question's adjacent word pairs, which the quote
 * stage rewards when a sentence repeats them side by side ("Levi's Stadium", "boundary layer").
 *
 * Measured and not adopted: re-scoring the top 100 passages with the same pair bonus raised SQuAD answerTop1 by about a
 * point but lowered Cranfield nDCG@10 (0.369 → 0.365) and cost ~7 ms a question.
 */
import { analyzeQuestion } from "./analyze.js";
import { type Bm25Params, type QueryTerm, type Ranking, rankPassages } from "./rank.js";

export interface RetrieveParams {
  bm25: Bm25Params;
  /** Weight of each adjacent question-term pair found side by side, in units of the pair's smaller idf. */
  phraseWeight: number;
}

/** Adjacent pairs of the question's terms (both present in the corpus), weighted by the rarer one's idf. */
export function questionPairs(asked: Map<string, number>, terms: readonly QueryTerm[]): Map<string, number> {
  const byTerm = new Map(terms.map((t) => [t.term, t]));
  const sequence = [...asked.keys()];
  const pairs = new Map<string, number>();
  for (let i = 0; i + 1 < sequence.length; i++) {
    const a = byTerm.get(sequence[i] as string);
    const b = byTerm.get(sequence[i + 1] as string);
    if (a !== undefined && b !== undefined && a.df > 0 && b.df > 0) pairs.set(`${a.term} ${b.term}`, Math.min(a.idf, b.idf));
  }
  return pairs;
}

/** Weight of the question's pairs that also stand side by side in `terms` (each pair counted once). */
export function pairBonus(terms: readonly string[], pairs: Map<string, number>): number {
  if (pairs.size === 0) return 0;
  let bonus = 0;
  const seen = new Set<string>();
  for (let i = 0; i + 1 < terms.length; i++) {
    const key = `${terms[i]} ${terms[i + 1]}`;
    const w = pairs.get(key);
    if (w !== undefined && !seen.has(key)) {
      seen.add(key);
      bonus += w;
    }
  }
  return bonus;
}

export interface Retrieval extends Ranking {
  asked: Map<string, number>;
  pairs: Map<string, number>;
}

/** The `k` best passages for `question` by BM25, with the question's terms and word pairs. */
export function retrieve(segments: Parameters<typeof rankPassages>[0], question: string, k: number, params: RetrieveParams): Retrieval {
  const asked = analyzeQuestion(question);
  const ranking = rankPassages(segments, asked, k, params.bm25);
  return { ...ranking, asked, pairs: questionPairs(asked, ranking.terms) };
}
