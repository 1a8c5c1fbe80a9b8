/**
 * The question's adjacent word pairs, which the quote stage rewards when a sentence repeats them side by side
 * ("Levi's Stadium", "boundary layer").
 *
 * Re-scoring the top passages with the same bonus was measured and not adopted (see docs/DESIGN.md).
 */
import type { QueryTerm } from "../search/rank.js";

/** Adjacent pairs of the question's terms (both present in the corpus), weighted by the rarer one's idf. */
export function questionPairs(asked: Map<string, number>, terms: readonly QueryTerm[]): Map<string, number> {
  const byTerm = new Map(terms.map((t) => [t.term, t]));
  const sequence = [...asked.keys()];
  const pairs = new Map<string, number>();
  for (let i = 0; i + 1 < sequence.length; i++) {
    const a = byTerm.get(sequence[i] as string);
    const b = byTerm.get(sequence[i + 1] as string);
    if (a !== undefined && b !== undefined && a.df > 0 && b.df > 0)
      pairs.set(`${a.term} ${b.term}`, Math.min(a.idf, b.idf));
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
