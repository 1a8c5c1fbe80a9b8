/**
 * Ranking: Okapi BM25 over one or more segments, with collection statistics summed across them so that searching
 * the bundled corpus plus a server's own documents scores exactly as one index over their union would.
 */
import type { Segment } from "./segment.js";

export interface Bm25Params {
  k1: number;
  b: number;
}

export interface QueryTerm {
  term: string;
  /** How often the question says it. */
  count: number;
  /** Passages containing it, across all searched segments. */
  df: number;
  idf: number;
}

export interface RankedPassage {
  segment: Segment;
  passage: number;
  score: number;
}

export interface Ranking {
  terms: QueryTerm[];
  /** Passages searched in all. */
  total: number;
  hits: RankedPassage[];
}

/** Lucene's BM25 idf: never negative, so very common terms still count a little. */
export function idf(df: number, total: number): number {
  return Math.log(1 + (total - df + 0.5) / (df + 0.5));
}

/** Score accumulators are reused between queries: allocating 4 MB per question at 1M passages would dominate. */
const scratch = new WeakMap<Segment, { scores: Float32Array; touched: Uint32Array }>();

function scratchFor(segment: Segment): { scores: Float32Array; touched: Uint32Array } {
  let s = scratch.get(segment);
  if (s === undefined) {
    s = { scores: new Float32Array(segment.passageCount), touched: new Uint32Array(segment.passageCount) };
    scratch.set(segment, s);
  }
  return s;
}

/** A bounded min-heap keeping the best `k` hits. */
class TopK {
  readonly items: RankedPassage[] = [];
  constructor(private readonly k: number) {}
  get floor(): number {
    return this.items.length < this.k ? -Infinity : (this.items[0]?.score ?? -Infinity);
  }
  offer(segment: Segment, passage: number, score: number): void {
    const items = this.items;
    if (items.length < this.k) {
      items.push({ segment, passage, score });
      let i = items.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((items[parent] as RankedPassage).score <= score) break;
        items[i] = items[parent] as RankedPassage;
        i = parent;
      }
      items[i] = { segment, passage, score };
      return;
    }
    if (score <= (items[0] as RankedPassage).score) return;
    const top = { segment, passage, score };
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (items[r] as RankedPassage).score < (items[l] as RankedPassage).score ? r : l;
      if ((items[c] as RankedPassage).score >= score) break;
      items[i] = items[c] as RankedPassage;
      i = c;
    }
    items[i] = top;
  }
  sorted(): RankedPassage[] {
    return [...this.items].sort((a, b) => b.score - a.score || a.passage - b.passage);
  }
}

/** How many passages of the segments hold `term`. */
export function documentFrequency(segments: readonly Segment[], term: string): number {
  let df = 0;
  for (const s of segments) {
    const p = s.postings(term);
    if (p !== null) df += p.to - p.from;
  }
  return df;
}

/** Statistics for the question's terms across the segments searched. */
export function queryTerms(
  segments: readonly Segment[],
  question: Map<string, number>,
): { terms: QueryTerm[]; total: number } {
  let total = 0;
  for (const s of segments) total += s.passageCount;
  const terms: QueryTerm[] = [];
  for (const [term, count] of question) {
    const df = documentFrequency(segments, term);
    terms.push({ term, count, df, idf: idf(df, total) });
  }
  return { terms, total };
}

/** The `k` best passages for the question's terms, by BM25. */
export function rankPassages(
  segments: readonly Segment[],
  question: Map<string, number>,
  k: number,
  params: Bm25Params,
  accept?: (segment: Segment, passage: number) => boolean,
  /** Further terms searched for with a weight below the question's own (see retrieve.ts); not in `terms`. */
  expansions?: ReadonlyMap<string, number>,
): Ranking {
  const { terms, total } = queryTerms(segments, question);
  const searched = terms.map((t) => ({ term: t.term, df: t.df, weight: t.idf * t.count }));
  if (expansions !== undefined && expansions.size > 0) {
    const extra = queryTerms(segments, new Map([...expansions.keys()].map((t) => [t, 1])));
    for (const t of extra.terms)
      searched.push({ term: t.term, df: t.df, weight: t.idf * (expansions.get(t.term) ?? 0) });
  }
  let totalLength = 0;
  for (const s of segments) totalLength += s.totalLength;
  const avgLength = total > 0 ? totalLength / total : 1;
  const top = new TopK(k);
  const { k1, b } = params;
  for (const segment of segments) {
    const { scores, touched } = scratchFor(segment);
    let touchedCount = 0;
    const lengths = segment.passageLength;
    for (const qt of searched) {
      if (qt.df === 0 || qt.weight === 0) continue;
      const range = segment.postings(qt.term);
      if (range === null) continue;
      const weight = qt.weight;
      const postPassage = segment.postPassage;
      const postTf = segment.postTf;
      for (let i = range.from; i < range.to; i++) {
        const p = postPassage[i] as number;
        const tf = postTf[i] as number;
        const norm = k1 * (1 - b + (b * (lengths[p] as number)) / avgLength);
        const add = (weight * tf * (k1 + 1)) / (tf + norm);
        const before = scores[p] as number;
        if (before === 0) touched[touchedCount++] = p;
        scores[p] = before + add;
      }
    }
    for (let i = 0; i < touchedCount; i++) {
      const p = touched[i] as number;
      const score = scores[p] as number;
      scores[p] = 0;
      if (score > top.floor && (accept === undefined || accept(segment, p))) top.offer(segment, p, score);
    }
  }
  return { terms, total, hits: top.sorted() };
}
