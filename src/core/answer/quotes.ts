/**
 * From ranked passages to an answer: the best sentences, verbatim, each with its source; near-identical sentences from
 * different sources folded into one quote ("also reported by"); and abstention when the evidence is weak.
 *
 * A candidate quote (one or two sentences of a top passage, holding at least one of the question's own terms) scores
 *   (sentence BM25 + partial credit for question words it says in other words (word vectors: "demolished" for
 *    "destroyed") + passageWeight · passage BM25 + phraseWeight · question word pairs found side by side)
 *   × e^(coverageWeight · share of the question's term weight held − spreadWeight · spread per sentence
 *        + definitionWeight when it defines what "What is X?" asks + properNounWeight · share of the question's proper
 *        nouns its passage or title holds + titleWeight · share of the question's term weight its document's title
 *        holds and it does not)
 *   × (1 + answerTypeWeight when it offers the kind of answer asked for: a date for "When…", a figure for "How many…")
 * with document words joined to question terms of the same family ("discovery"/"discovered"). Tuned on SQuAD and
 * Cranfield only: SQuAD dev answerTop1 0.759 → 0.784 (exact words) → 0.794 (word vectors,
 * definitions, proper nouns) → 0.798 (title as context), quotes as short as before.
 * Measured and not adopted: a stronger passage weight or a sentence-meaning term (the mean of the words' vectors; up to
 * +0.4 point on SQuAD, but both lose the bundled corpus's "How did Putin describe Biden?"); a sentence encoder (Universal
 * Sentence Encoder lite, the only one installable here) re-ranking the top ten (+1 point, 50 ms a sentence on these
 * CPUs); growing a quote by a sentence that brings the asked-for kind of answer (+0.1 point for 10 % more two-sentence
 * quotes); a head-noun boost ("which *theory*"), places as "in/at + Name", the whole document's score as context,
 * sentence-local idf, question-order chains of terms, a learned linear re-ranker, down-weighting the question's
 * answer-kind nouns ("what *year*", "the *name* of": +0.1 point) (no better, or worse, or too little).
 */
import { analyze, type ContentWord, contentWords } from "../search/analyze.js";
import { answerTypeOf, offersAnswer, questionWords } from "./answer-type.js";
import { valuesDisagree } from "./differ.js";
import type { Bm25Params, QueryTerm } from "../search/rank.js";
import { retrieve, type RetrieveParams } from "../search/retrieve.js";
import { pairBonus, questionPairs } from "./pairs.js";
import type { Segment } from "../search/segment.js";
import { independentSources } from "../sources.js";
import type { Answer, Quote, Source } from "../types.js";
import { shippedVectors, type WordVectors } from "./vectors.js";

export interface AnswerParams extends RetrieveParams {
  /** Weight of each adjacent question-term pair found side by side, in units of the pair's smaller idf. */
  phraseWeight: number;
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
  /** A quote's score is multiplied by e^(this × the share of the question's term weight it holds). */
  coverageWeight: number;
  /** A quote is a run of at most this many sentences (plus the one before, when the first reads as a continuation). */
  maxSentences: number;
  /** At most this many quotes from one document. */
  perDocument: number;
  /** A quote offering the kind of answer the question asks for (a date for "When…") scores × (1 + this). */
  answerTypeWeight: number;
  /**
   * A quote's score is multiplied by e^(−this × spread), spread being the words per matched question term in the tightest
   * run holding them all, per sentence quoted (a second sentence is there to bring terms the first lacks).
   */
  spreadWeight: number;
  /** A document term and a question term count as one when one stem is a prefix of the other this long or longer… */
  familyPrefix: number;
  /** …and the longer stem adds at most this many letters ("discov" takes "discoveri"). */
  familySuffix: number;
  /**
   * A question word a quote lacks but says in other words (word vectors' cosine above `softThreshold`) adds
   * this × its idf × how far above the threshold, to the quote's own score.
   */
  softWeight: number;
  softThreshold: number;
  /** A quote's score is multiplied by e^(this) when it defines what "What is X?" asks about ("X is…", "known as X"). */
  definitionWeight: number;
  /** …by e^(this × the share of the question's proper nouns its passage holds, title included). */
  properNounWeight: number;
  /**
   * …by e^(this × the share of the question's term weight that the document's title holds and the quote does not): a
   * sentence of the article "Newcastle" is about Newcastle without naming it.
   */
  titleWeight: number;
}

export const DEFAULT_ANSWER: AnswerParams = {
  bm25: { k1: 1.8, b: 0.6 },
  candidatePassages: 20,
  passageWeight: 1,
  minCoverage: 0.3,
  minMatchedTerms: 2,
  duplicateOverlap: 0.6,
  perDocument: 2,
  phraseWeight: 2,
  coverageWeight: 2,
  maxSentences: 2,
  answerTypeWeight: 0.5,
  spreadWeight: 0.03,
  familyPrefix: 5,
  familySuffix: 3,
  softWeight: 4,
  softThreshold: 0.5,
  definitionWeight: 0.5,
  properNounWeight: 0.25,
  titleWeight: 2,
};

/** A sentence that reads as a continuation ("He said…", "This…") needs the one before it to be understood. */
const DANGLING =
  /^["“‘']?(he|she|it|they|them|his|her|its|their|this|these|those|that|such|but|and|however|also|so|then|there|here)\b/i;
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
  /** The passage's section (ingest's structure), shown with the quote. */
  section: string | null;
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

/**
 * How spread out the question's terms are in `terms`: the length of the shortest run holding every distinct question
 * term present, per term (1 when they stand side by side or only one matches). "Tesla left Graz in 1878" answers
 * "When did Tesla leave Graz?" more surely than a sentence naming Tesla at its start and Graz thirty words later.
 */
export function spread(terms: readonly string[], question: ReadonlyMap<string, unknown>): number {
  const distinct = new Set<string>();
  for (const t of terms) if (question.has(t)) distinct.add(t);
  if (distinct.size <= 1) return 1;
  const inWindow = new Map<string, number>();
  let held = 0;
  let shortest = terms.length;
  let left = 0;
  for (let right = 0; right < terms.length; right++) {
    const t = terms[right] as string;
    if (!distinct.has(t)) continue;
    const n = (inWindow.get(t) ?? 0) + 1;
    inWindow.set(t, n);
    if (n === 1) held++;
    // Shrink from the left while the window still holds every term.
    while (held === distinct.size) {
      shortest = Math.min(shortest, right - left + 1);
      const u = terms[left++] as string;
      const m = inWindow.get(u);
      if (m !== undefined) {
        inWindow.set(u, m - 1);
        if (m === 1) held--;
      }
    }
  }
  return shortest / distinct.size;
}

/**
 * Porter stemming leaves some words of one family apart ("discovery" → discoveri, "discovered" → discov). A document
 * term counts as a question term when one is a prefix of the other, the shorter has at least `minLength` letters and the
 * longer adds at most `maxSuffix` (a suffix, not another word: "state" does not take "statement"). Only question terms
 * the corpus holds take relatives. Returns the mapping, memoised for the question.
 */
export function wordFamilies(
  question: readonly QueryTerm[],
  minLength: number,
  maxSuffix: number,
): (term: string) => string {
  const heads = question.filter((t) => t.df > 0 && t.term.length >= minLength).map((t) => t.term);
  const own = new Set(question.map((t) => t.term));
  const seen = new Map<string, string>();
  return (term) => {
    if (heads.length === 0 || own.has(term) || term.length < minLength) return term;
    let family = seen.get(term);
    if (family === undefined) {
      family = term;
      for (const h of heads) {
        if ((term.startsWith(h) || h.startsWith(term)) && Math.abs(term.length - h.length) <= maxSuffix) {
          family = h;
          break;
        }
      }
      seen.set(term, family);
    }
    return family;
  };
}

/**
 * For "What is X?" / "Who was X?" (X a few words), a test for text that defines X: "X is…", "X (…) was…", "known as X",
 * "called X", "…, or X". Null for other questions.
 */
export function definitionTest(question: string): RegExp | null {
  const m = /^\s*(?:what|who)\s+(?:is|was|are|were)\s+(?:an?\s+|the\s+)?(.+?)\s*\??\s*$/i.exec(question);
  const subject = m?.[1];
  if (subject === undefined || subject.split(/\s+/).length > 4) return null;
  const x = subject.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `(?:\\b${x}\\s*(?:\\([^)]*\\)\\s*)?,?\\s+(?:is|was|are|were|refers|means)\\b)|` +
      `(?:(?:known as|called|labell?ed as|termed|, or)\\s+(?:the\\s+)?${x}\\b)`,
    "i",
  );
}

/** The terms of the question's proper nouns (capitalised words after its first) that the corpus holds. */
function properNouns(question: readonly ContentWord[], known: ReadonlyMap<string, QueryTerm>): Set<string> {
  const proper = new Set<string>();
  for (const w of question) if (!w.opening && /^\p{Lu}/u.test(w.raw) && known.has(w.term)) proper.add(w.term);
  return proper;
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
  options: {
    abstain?: boolean;
    vectors?: WordVectors | null;
    accept?: (segment: Segment, passage: number) => boolean;
  } = {},
): Answer {
  const ranking = retrieve(segments, question, params.candidatePassages, params, options.accept);
  const pairs = questionPairs(ranking.asked, ranking.terms);
  const byTerm = new Map(ranking.terms.map((t) => [t.term, t]));
  const answerType = answerTypeOf(question);
  const asked = questionWords(question);
  const familyOf = wordFamilies(ranking.terms, params.familyPrefix, params.familySuffix);
  let wanted = 0;
  for (const t of ranking.terms) wanted += t.idf * t.count;

  // Word vectors (null: exact words only). Each asked word's similarity to a document word is computed once.
  const vectors = options.vectors === undefined ? shippedVectors() : options.vectors;
  const questionContent = contentWords(question, true);
  const askedWords = vectors === null ? [] : questionContent.filter((w) => byTerm.has(w.term) && vectors.has(w.word));
  const similarities = new Map<string, Float64Array>();
  const similaritiesTo = (word: string): Float64Array => {
    let sims = similarities.get(word);
    if (sims === undefined) {
      sims = new Float64Array(askedWords.length);
      for (let k = 0; k < askedWords.length; k++)
        sims[k] = vectors?.similarity((askedWords[k] as { word: string }).word, word) ?? 0;
      similarities.set(word, sims);
    }
    return sims;
  };
  const defines = definitionTest(question);
  const proper = properNouns(questionContent, byTerm);
  let properWeight = 0;
  for (const t of proper) properWeight += (byTerm.get(t) as QueryTerm).idf;

  const candidates: Candidate[] = [];
  for (const hit of ranking.hits) {
    const { segment, passage } = hit;
    const doc = segment.passageDoc[passage] as number;
    const text = segment.text(doc);
    const sentences = segment.sentencesOf(passage);
    // Code is searchable but never quoted, and a quote never runs across markup between blocks (ingest marks both).
    const code = segment.codeSentences(passage);
    const breaks = segment.sentenceBreaks(passage);
    const section = segment.sectionOf(passage);
    // One pass over each sentence: its terms (joined to the question's word families) and, for vectors, its words.
    const scanned = sentences.map(([start, end]) => contentWords(text.slice(start, end), false));
    const analysed = scanned.map((ws) => ws.map((w) => familyOf(w.term)));
    const matchedIn = analysed.map((terms) => new Set(terms.filter((t) => byTerm.has(t))));
    const titleTerms = new Set(analyze(sourceOf(segment, doc).title ?? "").map(familyOf));
    // How much of the question's proper-noun weight the passage holds, its document's title included.
    let properShare = 1;
    if (properWeight > 0) {
      const held = new Set([...analysed.flat(), ...titleTerms]);
      let found = 0;
      for (const t of proper) if (held.has(t)) found += (byTerm.get(t) as QueryTerm).idf;
      properShare = found / properWeight;
    }
    // Each asked word's best similarity to one of each sentence's words.
    const closest = scanned.map((ws) => {
      const best = new Float64Array(askedWords.length);
      if (askedWords.length === 0) return best;
      for (const { word } of ws) {
        const sims = similaritiesTo(word);
        for (let k = 0; k < sims.length; k++)
          if ((sims[k] as number) > (best[k] as number)) best[k] = sims[k] as number;
      }
      return best;
    });
    // Which sentences offer the kind of answer asked for (none when the question does not say).
    const offers = sentences.map(
      ([start, end]) => answerType !== null && offersAnswer(text.slice(start, end), answerType, asked),
    );
    for (let i = 0; i < sentences.length; i++) {
      if (code[i] === true) continue;
      for (let w = 1; w <= params.maxSentences && i + w <= sentences.length; w++) {
        if (code[i + w - 1] === true || (w > 1 && breaks[i + w - 1] === true)) break;
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
        // Question words said in other words: partial credit above the similarity threshold.
        const present = new Set(terms);
        for (let k = 0; k < askedWords.length; k++) {
          const asked = askedWords[k] as { word: string; term: string };
          if (present.has(asked.term)) continue;
          let best = 0;
          for (let j = i; j < i + w; j++) best = Math.max(best, (closest[j] as Float64Array)[k] as number);
          if (best > params.softThreshold) {
            own.score +=
              (params.softWeight * (byTerm.get(asked.term) as QueryTerm).idf * (best - params.softThreshold)) /
              (1 - params.softThreshold);
          }
        }
        let { covered, matched } = own;
        const first = sentences[i] as [number, number];
        let from = first[0];
        let firstIndex = i;
        const opening = text.slice(first[0], first[1]);
        const previous = sentences[i - 1];
        if (
          previous !== undefined &&
          code[i - 1] !== true &&
          breaks[i] !== true &&
          (DANGLING.test(opening) || opening.split(/\s+/).length < MIN_WORDS)
        ) {
          from = previous[0];
          firstIndex = i - 1;
          terms = (analysed[i - 1] as string[]).concat(terms);
          ({ covered, matched } = sentenceWeight(terms, byTerm, params.bm25, w));
        }
        const end = (sentences[i + w - 1] as [number, number])[1];
        const coverage = wanted > 0 ? covered / wanted : 0;
        // The title is every sentence's context: question terms it holds that the quote does not.
        let fromTitle = 0;
        const quoted = new Set(terms);
        for (const t of titleTerms) {
          const qt = byTerm.get(t);
          if (qt !== undefined && !quoted.has(t)) fromTitle += qt.idf * qt.count;
        }
        const titleShare = wanted > 0 ? fromTitle / wanted : 0;
        let typed = false;
        for (let j = firstIndex; j < i + w; j++) typed ||= offers[j] === true;
        const sentencesQuoted = i + w - firstIndex;
        const defining = defines !== null && defines.test(text.slice(from, end));
        candidates.push({
          segment,
          doc,
          start: from,
          end,
          // (sentence + other words + context + side-by-side pairs)
          // × e^(coverage − spread + definition + proper nouns + title) × (answer of the asked kind).
          score:
            (own.score + params.passageWeight * hit.score + params.phraseWeight * pairBonus(terms, pairs)) *
            Math.exp(
              params.coverageWeight * coverage -
                (params.spreadWeight * spread(terms, byTerm)) / sentencesQuoted +
                (defining ? params.definitionWeight : 0) +
                params.properNounWeight * properShare +
                params.titleWeight * titleShare,
            ) *
            (typed ? 1 + params.answerTypeWeight : 1),
          coverage,
          matched,
          terms: quoted,
          section,
        });
      }
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.start - b.start);

  const chosen: Array<Candidate & { also: Source[] }> = [];
  const perDoc = new Map<string, number>();
  // Alike but for the value asked about (another date, another figure) is not the same report: src/core/answer/differ.ts.
  const disagree = valuesDisagree(question);
  const isTwin = (q: Candidate, c: Candidate) =>
    overlap(q.terms, c.terms) >= params.duplicateOverlap &&
    !disagree(q.segment.text(q.doc).slice(q.start, q.end), c.segment.text(c.doc).slice(c.start, c.end));
  const sameText = (q: Candidate, c: Candidate) =>
    q.segment === c.segment && q.doc === c.doc && q.start < c.end && c.start < q.end;
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
    return { question, answered: false, quotes: [], independentSources: 0, closest };
  }
  const quotes: Quote[] = chosen.map((c) => ({
    text: c.segment.text(c.doc).slice(c.start, c.end),
    start: c.start,
    end: c.end,
    score: Math.round(c.score * 1000) / 1000,
    source: sourceOf(c.segment, c.doc),
    section: c.section,
    alsoReportedBy: c.also,
  }));
  return { question, answered: true, quotes, independentSources: independentSources(quotes), closest: [] };
}
