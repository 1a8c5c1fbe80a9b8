/**
 * From ranked passages to an answer, in three stages:
 *   candidates (candidates.ts) — runs of sentences of the top passages that hold a question word, widened to read alone;
 *   signals (signals.ts)       — each candidate's named signals and score, with the question terms it matched and how;
 *   selection (here)           — the best candidate answers when the calibrated model (decision.ts) says it does; every
 *                                further quote must pass the same check by itself and hold the question's most
 *                                informative term; near-identical quotes from other sources become "also reported by".
 * What was measured and rejected on the way is in docs/DESIGN.md.
 */
import { analyze, type ContentWord, contentWords } from "../search/analyze.js";
import type { QueryTerm } from "../search/rank.js";
import { type Retrieval, retrieve, type RetrieveParams } from "../search/retrieve.js";
import type { Segment } from "../search/segment.js";
import { readingsOf } from "../search/spelling.js";
import { independentSources } from "../sources.js";
import type { Answer, Quote, Source, TermMatchInfo } from "../types.js";
import {
  type AnswerType,
  answerStrength,
  askedKind,
  asksYesNo,
  FIGURES,
  POLAR,
  asDefinition,
  questionWords,
  withoutKindNoun,
} from "./answer-type.js";
import {
  announcedCode,
  type CandidateSpan,
  itemHead,
  passageSentences,
  type PassageSentences,
  tableHeader,
  type TableMemo,
  widen,
} from "./candidates.js";
import { answerChance, type DecisionModel, type Features, shippedDecision } from "./decision.js";
import { shippedDictionary } from "./dictionary.js";
import { valueComparison } from "./differ.js";
import { Matcher, sameWord, type TermMatch } from "./matching.js";
import { pairBonus, questionPairs } from "./pairs.js";
import { cleanQuestion, foreignLanguage, languageOf, type TextLanguage } from "./question.js";
import { shippedRelations, type WordRelations } from "./relations.js";
import {
  combine,
  definitionTest,
  endsAsQuestion,
  type QuestionContext,
  type Scored,
  scoreCandidate,
  type SentenceEvidence,
  sentenceEvidence,
  type SignalParams,
} from "./signals.js";
import { shippedVectors, type WordVectors } from "./vectors.js";

export { definitionTest, endsAsQuestion, spread } from "./signals.js";
export { wordFamilies } from "./matching.js";

export interface AnswerParams extends RetrieveParams, SignalParams {
  /** Passages whose sentences compete to be quoted. */
  candidatePassages: number;
  /** Quotes with a term-set overlap at or above this (from different sources) are one quote "also reported by". */
  duplicateOverlap: number;
  /** A quote's core is a run of at most this many sentences (context may be added around it). */
  maxSentences: number;
  /**
   * At most this many quotes from one document: 3, so a documentation page that says the answer in its third-best
   * sentence is not cut short for another page's passing mention (each further quote still passes the answer model).
   */
  perDocument: number;
  /** The question's most informative terms (by idf): long questions are judged on these. */
  informativeTerms: number;
  /** A sentence with no question word of its own is a candidate when this many question words… */
  softCandidateTerms: number;
  /** …are said in other words at least this strongly. */
  softCandidateStrength: number;
  /**
   * Retrieval also looks for the question's words spelled the other way or derived ("defence" finds "defense"), at this
   * share of their weight. Off: +0.1 point on SQuAD for 2.5× the p99 latency at 100k passages (docs/DESIGN.md).
   */
  expansionWeight: number;
  /**
   * Read a question word the corpus lacks and no dictionary knows as the corpus's word one edit away ("ambasador" as
   * "ambassador"), and say so with the answer (src/core/search/spelling.ts).
   */
  correctSpelling: boolean;
}

export const DEFAULT_ANSWER: AnswerParams = {
  bm25: { k1: 1.8, b: 0.6 },
  candidatePassages: 20,
  passageWeight: 1,
  duplicateOverlap: 0.6,
  perDocument: 3,
  phraseWeight: 2,
  coverageWeight: 2,
  softCoverageWeight: 0,
  maxSentences: 2,
  answerTypeWeight: 0.5,
  spreadWeight: 0.03,
  familyPrefix: 5,
  familySuffix: 3,
  softWeight: 1.6,
  softThreshold: 0.5,
  vectorScale: 2.5,
  maxVectorStrength: 1,
  relationStrength: { inflection: 1, spelling: 1, derived: 0.7, synonym: 0.5, related: 0.3 },
  definitionWeight: 0.5,
  properNounWeight: 0.25,
  titleWeight: 2,
  titleCap: 1,
  sectionWeight: 3,
  leadWeight: 2,
  leadNames: 0.5,
  headWeight: 2,
  headCovers: true,
  askWeight: 0.5,
  polarWeight: 0.5,
  informativeTerms: 6,
  softCandidateTerms: 3,
  softCandidateStrength: 0.3,
  expansionWeight: 0,
  meaningWeight: 0.5,
  correctSpelling: true,
};

export interface AnswerOptions {
  /** false: always quote the best candidates (evaluation of ranking alone). */
  abstain?: boolean;
  /** Word vectors (null: none). Default: the shipped ones. */
  vectors?: WordVectors | null;
  /** Word relations (null: none). Default: the shipped table. */
  relations?: WordRelations | null;
  /** The answer-or-abstain model. Default: the shipped one. */
  decision?: DecisionModel;
  /** Passages that may be quoted (a server's exclusions leave the others out of retrieval); default: all. */
  accept?: (segment: Segment, passage: number) => boolean;
  /** Called with the best candidate's features and whether the answer was taken (for training the model). */
  trace?: (features: Features, confidence: number) => void;
}

/** What one sentence holds for the question. */
interface Scan {
  evidence: SentenceEvidence;
  /** It may be a quote's core (holds a question word, or several in other words). */
  strong: boolean;
  /** Question terms it holds as words of their own (or of their family). */
  held: number;
  words: readonly ContentWord[];
  /** Its words' vectors summed (names left out), read when it is first a quote's core; null when none has a vector. */
  meaning?: SentenceMeaning | null;
}

/** A summed word vector with its squared length. */
interface Meaning {
  vector: Float32Array;
  norm2: number;
}

/** A sentence's, with its dot product with the question's. */
interface SentenceMeaning extends Meaning {
  dot: number;
}

/** A scored candidate quote. */
interface Candidate extends Scored {
  ps: PassageSentences;
  span: CandidateSpan;
  /** The header row of the table the core is a row of, or null. */
  columns: NonNullable<Quote["columns"]> | null;
  /** The terms of the list item's head the core opens under (one Set per item of a passage), empty when none. */
  head: ReadonlySet<string>;
  start: number;
  end: number;
  /** The quote's terms (for telling near-identical quotes apart). */
  termSet: Set<string>;
  typeStrength: number;
  properShare: number;
  defines: boolean;
  pairs: number;
  matches: Array<TermMatch | null>;
}

const overlap = (a: Set<string>, b: Set<string>): number => {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / Math.min(a.size, b.size);
};

const sameTerms = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => {
  if (a.size !== b.size) return false;
  for (const t of a) if (!b.has(t)) return false;
  return true;
};

const sourceOf = (segment: Segment, doc: number): Source => (segment.docs[doc] as { source: Source }).source;

/** The terms of the question's proper nouns (capitalised words after its first) that the corpus holds. */
function properNouns(question: readonly ContentWord[], known: ReadonlyMap<string, QueryTerm>): Set<string> {
  const proper = new Set<string>();
  for (const w of question) if (!w.opening && /^\p{Lu}/u.test(w.raw) && known.has(w.term)) proper.add(w.term);
  return proper;
}

/** The question's `n` most informative terms (highest idf × count; earlier first on ties). */
export function informativeTerms(terms: readonly QueryTerm[], n: number): Set<string> {
  return new Set(
    terms
      .map((t, i) => ({ t, i }))
      .sort((a, b) => b.t.idf * b.t.count - a.t.idf * a.t.count || a.i - b.i)
      .slice(0, n)
      .map(({ t }) => t.term),
  );
}

/** Everything about the question the stages share. */
interface Asked {
  ranking: Retrieval;
  context: QuestionContext;
  matcher: Matcher;
  pairs: Map<string, number>;
  proper: Set<string>;
  properWeight: number;
  informative: Set<string>;
  /** The kind of answer asked for when the question's wording says it surely (the date-or-figure gate's). */
  surely: AnswerType | null;
  asked: Set<string>;
  maxIdf: number;
  /** The question's meaning vector and the vectors to read sentences' with; null when the signal is off or has none. */
  meaning: { question: Meaning; vectors: WordVectors } | null;
}

function understand(
  segments: readonly Segment[],
  question: string,
  params: AnswerParams,
  relations: WordRelations | null,
  vectors: WordVectors | null,
  accept: ((segment: Segment, passage: number) => boolean) | undefined,
): Asked {
  const expand =
    relations === null || params.expansionWeight === 0
      ? undefined
      : (term: string) => {
          const out: Array<[string, number]> = [];
          for (const [t, kind] of relations.related(term)) {
            const strength = params.relationStrength[kind];
            if (kind === "spelling" || kind === "derived") out.push([t, params.expansionWeight * strength]);
          }
          return out;
        };
  // Another form of the same word (an irregular inflection, a spelling) stands in for a question word no passage holds.
  const sameWord =
    relations === null
      ? undefined
      : function* (term: string) {
          for (const [t, kind] of relations.related(term)) if (kind === "inflection" || kind === "spelling") yield t;
        };
  // The words searched for: the question without a noun that only names the kind of answer ("what date did…").
  const searched = withoutKindNoun(question);
  // A word the dictionary does not know and the corpus lacks may be a slip of the keyboard.
  const dictionary = params.correctSpelling ? shippedDictionary(vectors) : undefined;
  const ranking = retrieve(segments, searched, params.candidatePassages, params, accept, expand, sameWord, dictionary);
  const byTerm = new Map(ranking.terms.map((t) => [t.term, t]));
  let wanted = 0;
  for (const t of ranking.terms) wanted += t.idf * t.count;
  const readings = new Map(ranking.corrections.map((c) => [c.asked, c]));
  const questionContent = contentWords(searched, true).flatMap((w) => {
    const reading = readings.get(w.word);
    // "whcih" read as "which" is phrasing, not content.
    if (reading?.term === null) return [];
    const standIn = ranking.standIns.get(w.term);
    // A mistyped word means what it was read as (its vector, for the meaning signal).
    return standIn === undefined ? [w] : [{ ...w, term: standIn, word: reading?.read ?? w.word }];
  });
  const proper = properNouns(questionContent, byTerm);
  let properWeight = 0;
  for (const t of proper) properWeight += (byTerm.get(t) as QueryTerm).idf;
  const matcher = new Matcher(ranking.terms, questionContent, params, relations, vectors);
  const kind = askedKind(question);
  return {
    ranking,
    context: {
      terms: ranking.terms,
      byTerm,
      wanted,
      answerType: kind.type,
      definition: definitionTest(question),
      yesNo: asksYesNo(question),
    },
    matcher,
    pairs: questionPairs(ranking.asked, ranking.terms),
    proper,
    properWeight,
    informative: informativeTerms(ranking.terms, params.informativeTerms),
    surely: kind.surely,
    asked: questionWords(question),
    meaning: questionMeaning(params.meaningWeight === 0 ? null : vectors, questionContent),
    // idf of a term the corpus never holds: the most informative a term can be.
    maxIdf: Math.log(1 + (ranking.total + 0.5) / 0.5),
  };
}

/** Stage 1 and 2: every candidate of the top passages, scored, best first. */
function candidates(q: Asked, params: AnswerParams): Candidate[] {
  const { ranking, context, matcher } = q;
  const out: Candidate[] = [];
  const n = context.terms.length;
  // Each sentence is read once per question, though neighbouring passages lend each other sentences as context.
  const read = new Map<Segment, Map<number, Scan>>();
  // Per document: where each table line's table starts (each line read once, however many candidates it lends to),
  // and each header row's terms (analysed once, however many of its rows are read).
  const tables = new Map<Segment, Map<number, { lines: TableMemo; headers: Map<number, ReadonlySet<string>> }>>();
  for (const hit of ranking.hits) {
    const ps = passageSentences(hit.segment, hit.passage);
    const { text, sentences } = ps;
    let scans = read.get(hit.segment);
    if (scans === undefined) read.set(hit.segment, (scans = new Map()));
    const seen = scans;
    const scan = (i: number) => {
      const span = sentences[i] as { start: number; end: number };
      const key = ps.doc * 4294967296 + span.start;
      let s = seen.get(key);
      if (s === undefined) {
        const words = contentWords(text.slice(span.start, span.end), false);
        const evidence = sentenceEvidence(words, matcher);
        // A quote's core must hold a question word itself, or spelled the other way, or derived from it.
        // …or several of them in other words: a reworded question may share no word with its answer.
        const strong =
          evidence.best.some(
            (m) =>
              m !== null &&
              (m.via === "exact" ||
                m.via === "family" ||
                ((m.via === "spelling" || m.via === "derived") && m.strength >= 0.5)),
          ) ||
          evidence.best.filter((m) => m !== null && m.strength >= params.softCandidateStrength).length >=
            params.softCandidateTerms;
        const held = evidence.best.filter((m) => m !== null && sameWord(m)).length;
        s = { evidence, strong, held, words };
        seen.set(key, s);
      }
      return s;
    };
    const source = sourceOf(hit.segment, ps.doc);
    const titleTerms = new Set(analyze(source.title ?? "").map((t) => matcher.family(t)));
    // The publisher is said with the title ("The Kyiv Independent says…", "according to TASS"): context as the title is,
    // but only for a name the question gives as one. Every page of "Stack Overflow" or "The New York Times" would
    // otherwise hold a question's "stack", "new" or "times" for it.
    for (const t of analyze(source.publisher ?? "")) {
      const term = matcher.family(t);
      if (q.proper.has(term)) titleTerms.add(term);
    }
    // The innermost heading only: its ancestors ("Guide", "OPTIONS") are what every passage under them shares (measured
    // alike out of half, 0.385 either way, with less for a page's top headings to stand in for).
    const innermost = (ps.section ?? "").split(" › ").pop() ?? "";
    const sectionTerms = new Set(analyze(innermost).map((t) => matcher.family(t)));
    let properShare = 1;
    if (q.properWeight > 0) {
      const held = new Set<string>(titleTerms);
      for (let i = ps.first; i < ps.last; i++) for (const t of scan(i).evidence.terms) held.add(t);
      let found = 0;
      for (const t of q.proper) if (held.has(t)) found += (context.byTerm.get(t) as QueryTerm).idf;
      properShare = found / q.properWeight;
    }
    // Per sentence: the terms of the list item head it sits under (its own first line, or its item's), if any.
    const heads: Array<ReadonlySet<string>> = [];
    const none: ReadonlySet<string> = new Set();
    let byDoc = tables.get(hit.segment);
    if (byDoc === undefined) tables.set(hit.segment, (byDoc = new Map()));
    let table = byDoc.get(ps.doc);
    if (table === undefined) byDoc.set(ps.doc, (table = { lines: new Map(), headers: new Map() }));
    const { lines, headers } = table;
    const termsOf = (text: string) => new Set(analyze(text).map((t) => matcher.family(t)));
    /** Sentences that are a table's header row: column names, which answer nothing by themselves. */
    const headerRow: boolean[] = [];
    /** Per sentence: the header row of the table it is a row of, or null. */
    const columns: Array<NonNullable<Quote["columns"]> | null> = [];
    for (let i = 0; i < ps.last; i++) {
      const span = sentences[i] as { start: number; end: number };
      const head = i < ps.first ? null : itemHead(text, span.start, span.end);
      const previous = sentences[i - 1];
      // A table row's header row names what its cells are, as an item's head does ("Error | Error Codes | …").
      const row = i < ps.first || ps.quotable[i] !== true ? null : tableHeader(text, span.start, lines);
      headerRow.push(row?.isHeader === true);
      const header = row?.header ?? null;
      const at = row?.headerStart ?? -1;
      columns.push(header === null ? null : { start: at, end: at + header.length, text: header });
      if (header !== null) {
        let terms = headers.get(at);
        if (terms === undefined) headers.set(at, (terms = termsOf(header)));
        heads.push(terms);
      } else if (head !== null) heads.push(termsOf(head));
      else if (
        previous !== undefined &&
        ps.breaks[i] !== true &&
        !text.slice(previous.end, span.start).includes("\n\n")
      )
        heads.push(heads[i - 1] ?? none);
      else heads.push(none);
    }
    // What one sentence says, read once per sentence however many candidates hold it.
    const perSentence = <T>(read: (sentence: string) => T) => {
      const memo = new Map<number, T>();
      return (i: number): T => {
        let v = memo.get(i);
        if (v === undefined) {
          const span = sentences[i] as { start: number; end: number };
          v = read(text.slice(span.start, span.end));
          memo.set(i, v);
        }
        return v;
      };
    };
    // The first quotable sentence of the passage when the passage opens its section (under a heading of its own).
    const opensSection =
      ps.section !== null &&
      (hit.passage === 0 ||
        hit.segment.passageDoc[hit.passage - 1] !== ps.doc ||
        hit.segment.sectionOf(hit.passage - 1) !== ps.section);
    let opening = -1;
    for (let i = ps.first; opensSection && opening < 0 && i < ps.last; i++) if (ps.quotable[i] === true) opening = i;
    const asks = perSentence(endsAsQuestion);
    const { answerType } = context;
    const typeStrength = perSentence((s) => (answerType === null ? 0 : answerStrength(s, answerType, q.asked)));
    const negates = perSentence((s) => POLAR.test(s));
    for (let i = ps.first; i < ps.last; i++) {
      if (ps.quotable[i] !== true || headerRow[i] === true || !scan(i).strong) continue;
      const head = heads[i] ?? none;
      for (let w = 1; w <= params.maxSentences && i + w <= ps.last; w++) {
        if (ps.quotable[i + w - 1] !== true || (w > 1 && ps.breaks[i + w - 1] === true)) break;
        const parts: SentenceEvidence[] = [];
        for (let j = i; j < i + w; j++) parts.push(scan(j).evidence);
        const coreMatches = combine(parts, n);
        // A core grows by a sentence only when that sentence brings question terms the others lack, or when the
        // sentence before it is a question of the document's own (a FAQ's "What happens to variables that were already
        // set?"): its answer is what follows.
        if (w > 1 && !(params.askWeight > 0 && asks(i + w - 2))) {
          let largest = 0;
          for (let j = i; j < i + w; j++) largest = Math.max(largest, scan(j).held);
          let union = 0;
          for (const m of coreMatches) if (m !== null && sameWord(m)) union++;
          if (union <= largest) continue;
        }
        const span = widen(ps, i, i + w);
        if (span === null) continue;
        const quoteParts: SentenceEvidence[] = [];
        for (let j = span.from; j < span.to; j++) quoteParts.push(scan(j).evidence);
        const coreTerms = parts.flatMap((p) => p.terms);
        const quoteTerms = quoteParts.flatMap((p) => p.terms);
        const quoteTermSet = new Set(quoteTerms);
        const quoteMatches = combine(quoteParts, n);
        const start = (sentences[span.from] as { start: number }).start;
        const end = (sentences[span.to - 1] as { end: number }).end;
        let strength = 0;
        for (let j = span.from; j < span.to; j++) strength = Math.max(strength, typeStrength(j));
        const defines = context.definition !== null && context.definition.test(text.slice(start, end));
        const pairs = pairBonus(quoteTerms, q.pairs);
        // A yes/no question is answered by a core that says whether ("Xft is not compatible…").
        let polar = false;
        for (let j = i; context.yesNo && !polar && j < i + w; j++) polar = negates(j);
        const meaning = q.meaning === null ? 0 : coreMeaning(q.meaning.question, q.meaning.vectors, i, i + w, scan);
        const scored = scoreCandidate(
          {
            meaning,
            coreTerms,
            coreMatches,
            coreSentences: w,
            quoteTerms,
            quoteTermSet,
            quoteMatches,
            quoteSentences: span.to - span.from,
            passageScore: hit.score,
            pairs,
            titleTerms,
            headTerms: head,
            sectionTerms,
            lead: i === opening,
            properShare,
            defines,
            typeStrength: strength,
            asks: asks(i + w - 1),
            polar,
          },
          context,
          params,
        );
        out.push({
          ...scored,
          ps,
          span,
          columns: columns[i] ?? null,
          head,
          start,
          end,
          termSet: quoteTermSet,
          typeStrength: strength,
          properShare,
          defines,
          pairs,
          matches: quoteMatches,
        });
      }
    }
  }
  return out.sort((a, b) => b.score - a.score || a.start - b.start);
}

/**
 * The best candidate's rival: the best one from another passage that is not its twin (the "also reported by" test).
 * Where several documents report the same fact, the next candidate corroborates the best rather than competes with it,
 * and a margin over it would read as doubt.
 */
function rivalOf(
  top: Candidate,
  ranked: readonly Candidate[],
  isTwin: (a: Candidate, b: Candidate) => boolean,
  agrees: (a: Candidate, b: Candidate) => boolean,
): Candidate | undefined {
  return ranked.find((c) => c.ps !== top.ps && !isTwin(top, c) && !agrees(top, c));
}

/**
 * The words whose vectors make a sentence's meaning: not its names, which the exact match already counts (with them,
 * "After Biden likened Putin to a 'killer'…" means "How did Putin describe Biden?" more than the sentence that answers).
 * A text's opening word is kept whatever its case: capitalised there, it may be any word ("Putin said…" keeps "putin").
 */
const meaningWords = (words: readonly ContentWord[]): string[] =>
  words.filter((w) => w.opening || !/^\p{Lu}/u.test(w.raw)).map((w) => w.word);

/** The sum of the meaning words' vectors, each weighed down when frequent (WordVectors.addTo); null when none has one. */
function summed(vectors: WordVectors, words: readonly ContentWord[]): Float32Array | null {
  const vector = new Float32Array(vectors.dimensions);
  let any = false;
  for (const w of meaningWords(words)) if (vectors.addTo(w, vector)) any = true;
  return any ? vector : null;
}

function questionMeaning(
  vectors: WordVectors | null,
  words: readonly ContentWord[],
): { question: Meaning; vectors: WordVectors } | null {
  const vector = vectors === null ? null : summed(vectors, words);
  return vector === null || vectors === null ? null : { question: { vector, norm2: dot(vector, vector) }, vectors };
}

/** A scanned sentence's meaning, read the first time it is asked for. */
function sentenceMeaning(s: Scan, question: Meaning, vectors: WordVectors): SentenceMeaning | null {
  if (s.meaning === undefined) {
    const vector = summed(vectors, s.words);
    s.meaning = vector === null ? null : { vector, norm2: dot(vector, vector), dot: dot(question.vector, vector) };
  }
  return s.meaning;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += (a[k] as number) * (b[k] as number);
  return sum;
}

/**
 * Cosine of the question's vector and the sum of the core's sentence vectors [from, to), from each sentence's dot
 * product with the question's and squared length (read once per sentence, when it is first a core's) and the products
 * of the core's sentences with each other (a core holds at most `maxSentences`); 0 when the core has no vector.
 */
function coreMeaning(
  question: Meaning,
  vectors: WordVectors,
  from: number,
  to: number,
  scan: (i: number) => Scan,
): number {
  let along = 0;
  let norm2 = 0;
  for (let a = from; a < to; a++) {
    const m = sentenceMeaning(scan(a), question, vectors);
    if (m === null) continue;
    along += m.dot;
    norm2 += m.norm2;
    for (let b = a + 1; b < to; b++) {
      const other = sentenceMeaning(scan(b), question, vectors);
      if (other !== null) norm2 += 2 * dot(m.vector, other.vector);
    }
  }
  if (norm2 <= 0 || question.norm2 <= 0) return 0;
  // Rounding can carry a cosine a hair past ±1.
  return Math.max(-1, Math.min(1, along / Math.sqrt(norm2 * question.norm2)));
}

/** The decision model's features for one candidate. */
export function featuresOf(c: Candidate, q: Asked, best: number, runnerUp: number): Features {
  // How far the best candidate stands out is the question's; every quote is judged with it.
  const { terms, wanted, answerType } = q.context;
  let infWanted = 0;
  let infHeld = 0;
  let infSoft = 0;
  let held = 0;
  let soft = 0;
  let matched = 0;
  let unknown = 0;
  let missing = 0;
  terms.forEach((t, i) => {
    const m = c.matches[i] ?? null;
    const w = t.idf * t.count;
    const exact = m !== null && sameWord(m);
    // A term the quote's context holds (its title or named publisher, section, item head) is held as surely as one the
    // quote repeats.
    const context = c.contextTerms.has(t.term);
    const strength = exact || context ? 1 : (m?.strength ?? 0);
    if (exact) matched++;
    if (exact || context) held += w;
    soft += w * strength;
    if (t.df === 0) unknown += w;
    if (m === null || m.strength < 0.5) missing = Math.max(missing, t.idf);
    if (q.informative.has(t.term)) {
      infWanted += w;
      if (exact || context) infHeld += w;
      infSoft += w * strength;
    }
  });
  return {
    heldCoverage: wanted > 0 ? held / wanted : 0,
    softCoverage: wanted > 0 ? soft / wanted : 0,
    informativeHeld: infWanted > 0 ? infHeld / infWanted : 0,
    informativeSoft: infWanted > 0 ? infSoft / infWanted : 0,
    matchedShare: terms.length > 0 ? matched / terms.length : 0,
    missingIdf: q.maxIdf > 0 ? missing / q.maxIdf : 0,
    unknownShare: wanted > 0 ? unknown / wanted : 0,
    typeWanted: answerType === null ? 0 : 1,
    typeMissing: answerType === null ? 0 : 1 - c.typeStrength,
    // Dates and figures are read surely from the surface; names, places and reasons less so.
    figureMissing: q.surely !== null && FIGURES.has(q.surely) ? 1 - c.typeStrength : 0,
    // No rival at all: the margin is unknown (the model takes it as average), not infinite.
    margin: runnerUp > 0 ? Math.min(3, Math.log(best / runnerUp)) : Number.NaN,
    relative: best > 0 ? Math.max(-5, Math.log(c.score / best)) : 0,
    properNouns: c.properShare,
    questionTerms: Math.log(1 + terms.length),
    definition: c.defines ? 1 : 0,
    pairs: c.pairs > 0 ? 1 : 0,
  };
}

function toQuote(c: Candidate, also: Source[], confidence: number): Quote {
  const { ps, span } = c;
  const text = ps.text.slice(c.start, c.end);
  const focusStart = (ps.sentences[span.coreFrom] as { start: number }).start;
  const focusEnd = (ps.sentences[span.coreTo - 1] as { end: number }).end;
  const code = announcedCode(ps, span.to);
  const match: Record<string, TermMatchInfo> = {};
  const words: string[] = [];
  for (const e of c.evidence) {
    match[e.term] = { via: e.via, word: e.word, strength: Math.round(e.strength * 1000) / 1000 };
    if (!words.includes(e.word)) words.push(e.word);
  }
  return {
    text,
    start: c.start,
    end: c.end,
    score: Math.round(c.score * 1000) / 1000,
    source: sourceOf(ps.segment, ps.doc),
    section: ps.section,
    alsoReportedBy: also,
    focus: { start: focusStart, end: focusEnd },
    ...(code === null ? {} : { code }),
    ...(c.columns === null ? {} : { columns: c.columns }),
    confidence: Math.round(confidence * 1000) / 1000,
    signals: c.signals.map((s) => ({
      name: s.name,
      value: Math.round(s.value * 1000) / 1000,
      ...(s.points !== undefined ? { points: Math.round(s.points * 1000) / 1000 } : {}),
      ...(s.factor !== undefined ? { factor: Math.round(s.factor * 1000) / 1000 } : {}),
    })),
    match,
    terms: words,
  };
}

/** A term's evidence in a candidate counts as holding it when exact or nearly (a spelling, a derivation). */
const holds = (c: Candidate, q: number) => {
  const m = c.matches[q] ?? null;
  return m !== null && m.strength >= 0.5;
};

const corpusLanguages = new WeakMap<Segment, TextLanguage>();

/** The language most of the corpus's text is in (read from a sample of its documents, once per segment). */
export function corpusLanguage(segments: readonly Segment[]): TextLanguage {
  const segment = segments.reduce<Segment | undefined>(
    (a, s) => (a === undefined || s.docs.length > a.docs.length ? s : a),
    undefined,
  );
  return segment === undefined ? { script: null, language: null } : segmentLanguage(segment);
}

function segmentLanguage(segment: Segment): TextLanguage {
  let language = corpusLanguages.get(segment);
  if (language === undefined) {
    let sample = "";
    const step = Math.max(1, Math.floor(segment.docs.length / 20));
    for (let d = 0; d < segment.docs.length && sample.length < 40_000; d += step)
      sample += ` ${segment.text(d).slice(0, 4000)}`;
    language = languageOf(sample, 5);
    corpusLanguages.set(segment, language);
  }
  return language;
}

/**
 * The language line for a question in a language none of the searched documents use (a server's own documents may be
 * in another language than the bundled corpus: a question in theirs is not foreign); null otherwise.
 */
function languageLine(question: string, segments: readonly Segment[]): Answer["language"] | null {
  if (question === "") return null;
  for (const s of segments)
    if (s.docs.length > 0 && foreignLanguage(question, segmentLanguage(s)) === null) return null;
  return foreignLanguage(question, corpusLanguage(segments));
}

/** Answers `question` from `segments` (the bundled corpus, plus a server's own documents when given). */
export function answerQuestion(
  segments: readonly Segment[],
  question: string,
  limit = 3,
  params: AnswerParams = DEFAULT_ANSWER,
  options: AnswerOptions = {},
): Answer {
  const cleaned = cleanQuestion(question);
  const vectors = options.vectors === undefined ? shippedVectors() : options.vectors;
  const relations = options.relations === undefined ? shippedRelations() : options.relations;
  const model = options.decision ?? shippedDecision();
  // "hey", "ok so?", "what is it?": no word to look up, so nothing is close to answering it either.
  if (contentWords(cleaned, true).length === 0)
    return { question, answered: false, quotes: [], independentSources: 0, closest: [], nothingAsked: true };
  const q = understand(segments, asDefinition(cleaned), params, relations, vectors, options.accept);
  const ranked = candidates(q, params);
  const corrected = readingsOf(q.ranking.corrections);
  const top = ranked[0];
  // Alike but for the value asked about (another date, another figure) is not the same report: differ.ts.
  const { disagree, agree } = valueComparison(cleaned, q.context.answerType, q.asked);
  const textOf = (c: Candidate) => c.ps.text.slice(c.start, c.end);
  const isTwin = (a: Candidate, b: Candidate) =>
    overlap(a.termSet, b.termSet) >= params.duplicateOverlap && !disagree(textOf(a), textOf(b));
  // A rival that gives the same date, figure or name ("in Geneva", "the Geneva summit") corroborates the best quote.
  const agrees = (a: Candidate, b: Candidate) => agree(textOf(a), textOf(b));
  const rival = top === undefined ? undefined : rivalOf(top, ranked, isTwin, agrees);
  const best = top?.score ?? 0;
  const second = rival?.score ?? 0;
  const chance = (c: Candidate) => answerChance(model, featuresOf(c, q, best, second));
  const topFeatures = top === undefined ? null : featuresOf(top, q, best, second);
  const confidence = topFeatures === null ? 0 : answerChance(model, topFeatures);
  if (topFeatures !== null) options.trace?.(topFeatures, confidence);
  // Whether to answer is decided on the best candidate alone: how many quotes are shown never changes it.
  const answered = top !== undefined && (options.abstain === false || confidence >= model.threshold);
  if (!answered) {
    // The document of the best candidate first (what the answer would have quoted), then those of the search's best
    // passages: the closest sources are the ones nearest to answering, and then to the question's words.
    const closest: Source[] = top === undefined ? [] : [sourceOf(top.ps.segment, top.ps.doc)];
    for (const hit of q.ranking.hits) {
      if (closest.length >= 3) break;
      const source = sourceOf(hit.segment, hit.segment.passageDoc[hit.passage] as number);
      if (!closest.some((s) => s.id === source.id)) closest.push(source);
    }
    const answer: Answer = { question, answered: false, quotes: [], independentSources: 0, closest, confidence };
    const language = languageLine(cleaned, segments);
    // A question in another language has no slips of the corpus's language ("moscou" is French, not "moscow").
    if (language !== null) answer.language = language;
    else if (corrected.length > 0) answer.corrected = corrected;
    return answer;
  }

  // The question's most informative term the best quote holds: every other quote must hold it too.
  const topTerms = q.context.terms.map((t, i) => ({ t, i })).filter(({ i }) => holds(top, i));
  const key = topTerms.sort((a, b) => b.t.idf - a.t.idf)[0]?.i;
  const standsAlone = (c: Candidate) =>
    options.abstain === false || ((key === undefined || holds(c, key)) && chance(c) >= model.threshold);

  const chosen: Array<{ c: Candidate; also: Source[]; confidence: number }> = [];
  const perDoc = new Map<string, number>();
  // Two entries of one reference page (an option each, a term each) say different things, however many words they
  // share: "apply … Like pop, but do not remove the state from the stash list" is not "pop … it is not removed".
  const otherEntries = (a: Candidate, b: Candidate) =>
    a.ps.segment === b.ps.segment &&
    a.ps.doc === b.ps.doc &&
    a.head.size > 0 &&
    b.head.size > 0 &&
    !sameTerms(a.head, b.head);
  const sameText = (a: Candidate, b: Candidate) =>
    a.ps.segment === b.ps.segment && a.ps.doc === b.ps.doc && a.start < b.end && b.start < a.end;
  for (const c of ranked) {
    if (chosen.length >= limit) break;
    if (chosen.some(({ c: x }) => (isTwin(x, c) && !otherEntries(x, c)) || sameText(x, c))) continue;
    const id = sourceOf(c.ps.segment, c.ps.doc).id;
    const used = perDoc.get(id) ?? 0;
    if (used >= params.perDocument) continue;
    if (c !== top && !standsAlone(c)) continue;
    perDoc.set(id, used + 1);
    chosen.push({ c, also: [], confidence: c === top ? confidence : chance(c) });
  }
  // Every other source that says (nearly) the same thing as a chosen quote, and holds its key term, is credited.
  for (const c of ranked) {
    const source = sourceOf(c.ps.segment, c.ps.doc);
    if (key !== undefined && !holds(c, key)) continue;
    for (const x of chosen) {
      if (sourceOf(x.c.ps.segment, x.c.ps.doc).id === source.id || x.also.some((s) => s.id === source.id)) continue;
      if (isTwin(x.c, c)) x.also.push(source);
    }
  }
  const quotes = chosen.map(({ c, also, confidence: p }) => toQuote(c, also, p));
  const answer: Answer = {
    question,
    answered: true,
    quotes,
    independentSources: independentSources(quotes),
    closest: [],
    confidence,
  };
  if (corrected.length > 0) answer.corrected = corrected;
  return answer;
}
