/**
 * From ranked passages to an answer: the best sentences, verbatim, each with its source; near-identical sentences from
 * different sources folded into one quote ("also reported by"); and abstention when the evidence is weak.
 */
import { analyze } from "./analyze.js";
import type { Bm25Params, QueryTerm } from "./rank.js";
import { pairBonus, retrieve, type RetrieveParams } from "./retrieve.js";
import type { Segment } from "./segment.js";
import type { Answer, Quote, Source } from "./types.js";

export interface AnswerParams extends RetrieveParams {
  /** Passages whose sentences compete to be quoted. */
  candidatePassages: number;
  /** Weight of the enclosing passage's score in a sentence's score (context: the paragraph is about the question). */
  passageWeight: number;
  /** Share of the question's term weight a quote must contain for Verbatim to answer rather than abstain. */
  minCoverage: number;
  /** …and how many of the question's distinct terms it must contain (fewer when the question has fewer). */
  minMatchedTerms: number;
  /** Quotes with a term-set overlap at or above this (from different sources) are one quote "also reported by". */
  duplicateOverlap: number;
  /** How much a quote's share of the question's terms multiplies its score. */
  coverageWeight: number;
  /** A quote is a run of at most this many sentences (plus the one before, when the first reads as a continuation). */
  maxSentences: number;
  /** At most this many quotes from one document. */
  perDocument: number;
}

export const DEFAULT_ANSWER: AnswerParams = {
  bm25: { k1: 1.8, b: 0.6 },
  candidatePassages: 20,
  passageWeight: 0.5,
  minCoverage: 0.3,
  minMatchedTerms: 2,
  duplicateOverlap: 0.6,
  perDocument: 2,
  phraseWeight: 0.5,
  coverageWeight: 1,
  maxSentences: 2,
};

/** A sentence that reads as a continuation ("He said…", "This…") needs the one before it to be understood. */
const DANGLING = /^["“‘']?(he|she|it|they|them|his|her|its|their|this|these|those|that|such|but|and|however|also|so|then|there|here)\b/i;
const MIN_WORDS = 6;

interface Candidate {
  segment: Segment;
  doc: number;
  start: number;
  end: number;
  score: number;
  coverage: number;
  /** Distinct question terms the quote contains. */
  matched: number;
  terms: Set<string>;
}

function sentenceWeight(
  terms: string[],
  question: Map<string, QueryTerm>,
  params: Bm25Params,
  sentences = 1,
): { score: number; covered: number; matched: number } {
  const tf = new Map<string, number>();
  for (const t of terms) if (question.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
  let score = 0;
  let covered = 0;
  // Sentences are short and similar in length; normalise per sentence against a typical 20-term one.
  const norm = params.k1 * (1 - params.b + (params.b * terms.length) / sentences / 20);
  for (const [t, f] of tf) {
    const qt = question.get(t) as QueryTerm;
    score += (qt.idf * qt.count * f * (params.k1 + 1)) / (f + norm);
    covered += qt.idf * qt.count;
  }
  return { score, covered, matched: tf.size };
}

function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / Math.min(a.size, b.size);
}

function sourceOf(segment: Segment, doc: number): Source {
  return (segment.docs[doc] as { source: Source }).source;
}

/** Answers `question` from `segments` (the bundled corpus, plus a server's own documents when given). */
export function answerQuestion(
  segments: readonly Segment[],
  question: string,
  limit = 3,
  params: AnswerParams = DEFAULT_ANSWER,
  options: { abstain?: boolean } = {},
): Answer {
  const ranking = retrieve(segments, question, params.candidatePassages, params);
  const pairs = ranking.pairs;
  const byTerm = new Map(ranking.terms.map((t) => [t.term, t]));
  let wanted = 0;
  for (const t of ranking.terms) wanted += t.idf * t.count;

  const candidates: Candidate[] = [];
  for (const hit of ranking.hits) {
    const { segment, passage } = hit;
    const doc = segment.passageDoc[passage] as number;
    const text = segment.text(doc);
    const sentences = segment.sentencesOf(passage);
    const analysed = sentences.map(([start, end]) => analyze(text.slice(start, end)));
    const matchedIn = analysed.map((terms) => new Set(terms.filter((t) => byTerm.has(t))));
    for (let i = 0; i < sentences.length; i++) {
      for (let w = 1; w <= params.maxSentences && i + w <= sentences.length; w++) {
        // A quote grows by a sentence only when that sentence brings question terms the others lack.
        if (w > 1) {
          const union = new Set<string>();
          let largest = 0;
          for (let j = i; j < i + w; j++) {
            for (const t of matchedIn[j] as Set<string>) union.add(t);
            largest = Math.max(largest, (matchedIn[j] as Set<string>).size);
          }
          if (union.size <= largest) continue;
        }
        let terms = analysed.slice(i, i + w).flat();
        const own = sentenceWeight(terms, byTerm, params.bm25, w);
        if (own.score === 0) continue;
        const first = sentences[i] as [number, number];
        let from = first[0];
        const opening = text.slice(first[0], first[1]);
        const previous = sentences[i - 1];
        if (previous !== undefined && (DANGLING.test(opening) || opening.split(/\s+/).length < MIN_WORDS)) {
          from = previous[0];
          terms = (analysed[i - 1] as string[]).concat(terms);
        }
        const { covered, matched } = sentenceWeight(terms, byTerm, params.bm25, w);
        candidates.push({
          segment,
          doc,
          start: from,
          end: (sentences[i + w - 1] as [number, number])[1],
          // A quote holding more of the question ranks higher: (sentence + context) × (1 + w · coverage).
          score:
            (own.score +
            params.passageWeight * hit.score +
            params.phraseWeight * pairBonus(terms, pairs)) *
            (1 + params.coverageWeight * (wanted > 0 ? covered / wanted : 0)),
          coverage: wanted > 0 ? covered / wanted : 0,
          matched,
          terms: new Set(terms),
        });
      }
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.start - b.start);

  const chosen: Array<Candidate & { also: Source[] }> = [];
  const perDoc = new Map<string, number>();
  const isTwin = (q: Candidate, c: Candidate) => overlap(q.terms, c.terms) >= params.duplicateOverlap;
  const sameText = (q: Candidate, c: Candidate) => q.segment === c.segment && q.doc === c.doc && q.start < c.end && c.start < q.end;
  for (const c of candidates) {
    if (chosen.length >= limit) break;
    if (chosen.some((q) => isTwin(q, c) || sameText(q, c))) continue;
    const id = sourceOf(c.segment, c.doc).id;
    const used = perDoc.get(id) ?? 0;
    if (used >= params.perDocument) continue;
    perDoc.set(id, used + 1);
    chosen.push({ ...c, also: [] });
  }
  // Every other source that says (nearly) the same thing as a chosen quote is credited, ranked above the cut or not.
  for (const c of candidates) {
    const source = sourceOf(c.segment, c.doc);
    for (const q of chosen) {
      if (sourceOf(q.segment, q.doc).id === source.id || q.also.some((s) => s.id === source.id)) continue;
      if (isTwin(q, c)) q.also.push(source);
    }
  }

  // Evidence: some quote must hold enough of the question's weight and enough of its distinct terms. A question that
  // shares one common word with the corpus ("the population of Moscow") is not answered by a sentence about Moscow.
  const needTerms = Math.min(params.minMatchedTerms, ranking.terms.length);
  const evidence = chosen.some((c) => c.coverage >= params.minCoverage && c.matched >= needTerms);
  const answered = chosen.length > 0 && (options.abstain === false || evidence);
  if (!answered) {
    const closest: Source[] = [];
    for (const hit of ranking.hits) {
      const source = sourceOf(hit.segment, hit.segment.passageDoc[hit.passage] as number);
      if (!closest.some((s) => s.id === source.id)) closest.push(source);
      if (closest.length >= 3) break;
    }
    return { question, answered: false, quotes: [], closest };
  }
  const quotes: Quote[] = chosen.map((c) => ({
    text: c.segment.text(c.doc).slice(c.start, c.end),
    start: c.start,
    end: c.end,
    score: Math.round(c.score * 1000) / 1000,
    source: sourceOf(c.segment, c.doc),
    alsoReportedBy: c.also,
  }));
  return { question, answered: true, quotes, closest: [] };
}
