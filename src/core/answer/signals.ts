/**
 * Named signals: what makes one candidate quote a better answer than another, each computed on its own and combined
 * into the score as
 *   (bm25 + related + passage + pairs) × e^(coverage + softCoverage − spread + definition + properNouns + title
 *   + section + head − asks + polar + meaning)
 *   × answerType
 * (`polar`: a yes/no question and a core that says whether, "Xft is not compatible…").
 * Every quote carries the signals that fired with their contributions (points added to the base, or the factor they
 * multiply it by), and which question terms it matched and how (MiniSearch's `match`/`terms` as the model).
 * docs/DESIGN.md has what each one was measured to be worth.
 */
import type { ContentWord } from "../search/analyze.js";
import type { Bm25Params, QueryTerm } from "../search/rank.js";
import type { AnswerType } from "./answer-type.js";
import { sameWord, type Matcher, type MatchParams, type TermMatch } from "./matching.js";

export interface SignalParams extends MatchParams {
  bm25: Bm25Params;
  /**
   * × e^(w × cosine of the question's and the core's summed word vectors, frequent words weighed down, names left
   * out): the sentence is about what the question asks, whatever its words. At 0.5, SQuAD dev answerTop1 0.7985 →
   * 0.8009 with top quotes a character shorter on average (docs/DESIGN.md, seventh round).
   */
  meaningWeight: number;
  /** Weight of each adjacent question-term pair found side by side, in units of the pair's smaller idf. */
  phraseWeight: number;
  /** Weight of the enclosing passage's score in a sentence's score (context: the paragraph is about the question). */
  passageWeight: number;
  /** A quote's score is multiplied by e^(this × the share of the question's term weight it holds exactly). */
  coverageWeight: number;
  /** …and by e^(this × the further share it holds in other words: relations and word vectors, by strength). */
  softCoverageWeight: number;
  /** A question word said in other words adds this × its idf × the match's strength to the base. */
  softWeight: number;
  /** A quote offering the kind of answer the question asks for (a date for "When…") scores × (1 + this × strength). */
  answerTypeWeight: number;
  /** e^(−this × spread), spread being the words per matched question term in the tightest run holding them all. */
  spreadWeight: number;
  /** e^(this) when it defines what "What is X?" asks about ("X is…", "known as X"). */
  definitionWeight: number;
  /** e^(this × the share of the question's proper nouns its passage holds, title and named publisher included). */
  properNounWeight: number;
  /**
   * e^(this × the share of the question's term weight the document's title holds and the quote does not; the title
   * here is its title and any of its publisher's name that the question gives as a name: "according to TASS")…
   */
  titleWeight: number;
  /** …that share counted up to this × the share the quote holds itself (the section's share, separately, too). */
  titleCap: number;
  /**
   * e^(this × the share of the question's term weight the innermost heading over the quote holds, and neither the
   * quote nor the title does). At 3, development ranked @1: markdown 58.8 → 61.8, pdf 52.9 → 55.9, no set lower.
   */
  sectionWeight: number;
  /**
   * The first sentence under a heading is what the heading names ("#### `MockAgent.deactivate()`" over "This method
   * disables mocking…"): it counts this × the question's weight the heading holds and the quote does not (uncapped).
   */
  leadWeight: number;
  /** …when the heading holds at least this share of the question's weight. */
  leadNames: number;
  /**
   * e^(this × the share of the question's term weight held by the term its list item defines): the entry
   * "-n, --dry-run  Print the commands…" is the answer to a question naming "-n".
   */
  headWeight: number;
  headCovers: boolean;
  /**
   * e^(−this) when the quote's core ends in a question of the document's own (a FAQ's heading, "What happens to
   * variables that were already set?"): a question is never an answer; the core grown by the sentence after it may be
   * (0: neither).
   */
  askWeight: number;
  /** e^(this) for a core saying its polarity (a negation) when the question asks yes or no. */
  polarWeight: number;
}

export type SignalName =
  | "bm25"
  | "related"
  | "passage"
  | "pairs"
  | "coverage"
  | "softCoverage"
  | "spread"
  | "definition"
  | "properNouns"
  | "title"
  | "section"
  | "lead"
  | "head"
  | "asks"
  | "polar"
  | "meaning"
  | "answerType";

/** One signal that fired: its measured value and what it did to the score (points added, or a factor). */
export interface Signal {
  name: SignalName;
  value: number;
  points?: number;
  factor?: number;
}

/** A question term the quote matched: the document word and how it matched. */
export interface TermEvidence extends TermMatch {
  term: string;
}

/** What a sentence holds for the question, computed once per sentence. */
export interface SentenceEvidence {
  /** Its terms, joined to the question's families (for BM25, pairs and spread). */
  terms: string[];
  /** Per question term: its best match here, or null. */
  best: Array<TermMatch | null>;
}

/** True when `m` is better evidence than `had`: stronger, or as strong and the word itself. */
export function better(m: TermMatch, had: TermMatch | null | undefined): boolean {
  if (had === null || had === undefined) return true;
  return m.strength > had.strength || (m.strength === had.strength && sameWord(m) && !sameWord(had));
}

export function sentenceEvidence(words: readonly ContentWord[], matcher: Matcher): SentenceEvidence {
  const best: Array<TermMatch | null> = matcher.terms.map(() => null);
  const terms: string[] = [];
  for (const w of words) {
    terms.push(matcher.family(w.term));
    for (const [q, m] of matcher.matches(w)) {
      if (better(m, best[q])) best[q] = m;
    }
  }
  return { terms, best };
}

/** The best match of each question term over several sentences. */
export function combine(parts: readonly SentenceEvidence[], n: number): Array<TermMatch | null> {
  const best: Array<TermMatch | null> = new Array(n).fill(null);
  for (const p of parts) {
    for (let q = 0; q < n; q++) {
      const m = p.best[q];
      if (m !== null && m !== undefined && better(m, best[q])) best[q] = m;
    }
  }
  return best;
}

/** BM25 of `terms` against the question, normalised per sentence against a typical 20-term one. */
export function sentenceBm25(
  terms: readonly string[],
  question: ReadonlyMap<string, QueryTerm>,
  params: Bm25Params,
  sentences = 1,
): number {
  const tf = new Map<string, number>();
  for (const t of terms) if (question.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
  let score = 0;
  const norm = params.k1 * (1 - params.b + (params.b * terms.length) / sentences / 20);
  for (const [t, f] of tf) {
    const qt = question.get(t) as QueryTerm;
    score += (qt.idf * qt.count * f * (params.k1 + 1)) / (f + norm);
  }
  return score;
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
 * For "What is X?" / "Who was X?" (X a few words), a test for text that defines X: "X is…", "X (…) was…", "known as X",
 * "called X", "…, or X". For "What does X do?", text that opens with X doing something: "ldconfig creates the necessary
 * links…", "The planner estimates…". Null for other questions.
 */
export function definitionTest(question: string): RegExp | null {
  const does = /^\s*what\s+(?:does|do|did)\s+(?:an?\s+|the\s+)?(.+?)\s+do\s*\??\s*$/i.exec(question)?.[1];
  if (does !== undefined) {
    if (does.length > 80 || does.split(/\s+/).length > 4) return null;
    const x = does.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`^(?:the\\s+|an?\\s+)?${x}\\s*(?:\\([^()]*\\)\\s*)?,?\\s+(?:\\w+ly\\s+)?\\w+s\\b`, "i");
  }
  const m = /^\s*(?:what|who)\s+(?:is|was|are|were)\s+(?:an?\s+|the\s+)?(.+?)\s*\??\s*$/i.exec(question);
  const subject = m?.[1];
  if (subject === undefined || subject.length > 80 || subject.split(/\s+/).length > 4) return null;
  const x = subject.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    // Not \b around the name: "--null", ".NET" and "C++" start or end with a symbol, where \b never matches.
    `(?:(?<![\\p{L}\\p{N}_])${x}\\s*(?:\\([^()]*\\)\\s*)?,?\\s+(?:is|was|are|were|refers|means)\\b)|` +
      `(?:(?:known as|called|labell?ed as|termed|, or)\\s+(?:the\\s+)?${x}(?![\\p{L}\\p{N}_]))`,
    "iu",
  );
}

/** True when `sentence` is a question: it ends in "?", perhaps inside closing quotes or brackets. */
export function endsAsQuestion(sentence: string): boolean {
  let i = sentence.length - 1;
  while (i >= 0 && /[\s"'”’)\]*_]/u.test(sentence.charAt(i))) i--;
  return sentence.charAt(i) === "?";
}

/** What the signals need to know about the question, computed once. */
export interface QuestionContext {
  terms: readonly QueryTerm[];
  byTerm: ReadonlyMap<string, QueryTerm>;
  /** Σ idf × count over the question's terms. */
  wanted: number;
  answerType: AnswerType | null;
  definition: RegExp | null;
  /** The question asks yes or no. */
  yesNo: boolean;
}

/** What one candidate's signals are computed from. */
export interface CandidateFacts {
  /** The core's own terms (BM25, pairs, related-word credit come from the sentences that hold the question's words). */
  coreTerms: string[];
  coreMatches: Array<TermMatch | null>;
  coreSentences: number;
  /** The whole quote's terms and matches (context sentences included). */
  quoteTerms: string[];
  /** The same, each once. */
  quoteTermSet: ReadonlySet<string>;
  quoteMatches: Array<TermMatch | null>;
  quoteSentences: number;
  passageScore: number;
  pairs: number;
  /** The terms of the document's title, and of its publisher's name where the question gives them as names. */
  titleTerms: ReadonlySet<string>;
  /** The terms of the list item's head (the option or term it defines) the quote opens under; empty when none. */
  headTerms: ReadonlySet<string>;
  /** The terms of the innermost heading of the section the quote is in; empty when none. */
  sectionTerms: ReadonlySet<string>;
  /** The core opens its section: the first sentence under its heading. */
  lead: boolean;
  /** The core says its polarity in words (a negation): what a yes/no question is answered by. */
  polar: boolean;
  properShare: number;
  defines: boolean;
  /** How surely the quote holds the kind of answer asked for (0–1). */
  typeStrength: number;
  /** The core's last sentence is a question (the document asks; its answer follows). */
  asks: boolean;
  /** Cosine of the question's and the core's summed word vectors (0 when either has none). */
  meaning: number;
}

export interface Scored {
  score: number;
  signals: Signal[];
  /**
   * The question's terms the quote's context holds (its title and named publisher, its section's innermost heading,
   * its item's head).
   */
  contextTerms: ReadonlySet<string>;
  evidence: TermEvidence[];
}

/** The candidate's signals and its score. */
export function scoreCandidate(facts: CandidateFacts, question: QuestionContext, params: SignalParams): Scored {
  const { terms, byTerm, wanted } = question;
  const signals: Signal[] = [];
  const bm25 = sentenceBm25(facts.coreTerms, byTerm, params.bm25, facts.coreSentences);
  let related = 0;
  facts.coreMatches.forEach((m, q) => {
    if (m !== null && m.via !== "exact" && m.via !== "family")
      related += params.softWeight * (terms[q] as QueryTerm).idf * m.strength;
  });
  const passage = params.passageWeight * facts.passageScore;
  const pairs = params.phraseWeight * facts.pairs;
  const base = bm25 + related + passage + pairs;
  signals.push({ name: "bm25", value: bm25, points: bm25 });
  if (related > 0) signals.push({ name: "related", value: related, points: related });
  signals.push({ name: "passage", value: facts.passageScore, points: passage });
  if (pairs > 0) signals.push({ name: "pairs", value: facts.pairs, points: pairs });

  let exact = 0;
  let soft = 0;
  const evidence: TermEvidence[] = [];
  facts.quoteMatches.forEach((m, q) => {
    if (m === null) return;
    const t = terms[q] as QueryTerm;
    const w = t.idf * t.count;
    if (sameWord(m)) exact += w;
    soft += w * m.strength;
    evidence.push({ term: t.term, ...m });
  });
  const exactCoverage = wanted > 0 ? exact / wanted : 0;
  const softCoverage = wanted > 0 ? soft / wanted : 0;
  const quoted = facts.quoteTermSet;
  // The question's weight `context` holds: all of it, or only the terms `keep` accepts.
  const weightOf = (context: ReadonlySet<string>, keep: (t: string) => boolean = () => true) => {
    let weight = 0;
    for (const t of context) {
      const qt = byTerm.get(t);
      if (qt !== undefined && keep(t)) weight += qt.idf * qt.count;
    }
    return weight;
  };
  // The question's weight a context holds for the quote: terms the quote does not hold itself, nor `others` already.
  const heldFor = (context: ReadonlySet<string>, ...others: ReadonlySet<string>[]) =>
    weightOf(context, (t) => !quoted.has(t) && !others.some((o) => o.has(t)));
  // A context stands in for what the sentence need not repeat (the article's subject), never for more of the question
  // than the sentence itself holds: a headline holding "ambassador returns" does not make a sentence about someone
  // else leaving Moscow an answer to "When did the ambassador return to Moscow?".
  const standIn = (weight: number) => (wanted > 0 ? Math.min(weight / wanted, params.titleCap * exactCoverage) : 0);
  const fromTitle = heldFor(facts.titleTerms);
  const titleShare = standIn(fromTitle);
  // The same for the innermost heading over the quote ("Creating slash commands" over "Discord allows developers to
  // register slash commands…"), past what the title or the item's head stands in for (the head counts it twice).
  const sectionHeld = heldFor(facts.sectionTerms, facts.titleTerms, facts.headTerms);
  const sectionShare = standIn(sectionHeld);
  // Only under a heading that names what the question asks about: most of the question's weight is in it.
  const named = weightOf(facts.sectionTerms);
  const leadShare = facts.lead && wanted > 0 && named >= params.leadNames * wanted ? sectionHeld / wanted : 0;
  const spreadValue = spread(facts.quoteTerms, byTerm);
  // What the title already says is not the head's: the share below is of the rest of the question.
  const headHeld = weightOf(facts.headTerms, (t) => !facts.titleTerms.has(t) || quoted.has(t));
  const headOnly = heldFor(facts.headTerms);
  // The share of what the question asks beyond the document's own subject (its title): in a man page titled "xargs",
  // the entry "-0, --null" holds all of "What does xargs -0 do?" that the page does not already say.
  const beyondTitle = wanted - fromTitle;
  const headShare = beyondTitle > 1e-9 * wanted ? Math.min(1, headHeld / beyondTitle) : 0;
  // A sentence further down an item need not repeat the name its item defines: the head counts as covered there.
  const headCovers = wanted > 0 && params.headCovers ? headOnly / wanted : 0;
  // The question's terms the quote's context says for it: in a man page titled "xargs", the entry "-0, --null" under
  // OPTIONS answers "What does xargs -0 do?" without repeating either name (the answer model counts these as held).
  // A one-letter term of an item's head is an option whose case the index folds ("-L" is not "-l"): never context.
  const contextTerms = new Set<string>();
  for (const t of terms)
    if (
      facts.titleTerms.has(t.term) ||
      (facts.headTerms.has(t.term) && !/^\p{L}$/u.test(t.term)) ||
      facts.sectionTerms.has(t.term)
    )
      contextTerms.add(t.term);

  const exponents: Array<[SignalName, number, number]> = [
    ["coverage", exactCoverage, params.coverageWeight * exactCoverage],
    ["softCoverage", softCoverage - exactCoverage, params.softCoverageWeight * (softCoverage - exactCoverage)],
    ["spread", spreadValue, -(params.spreadWeight * spreadValue) / facts.quoteSentences],
    ["definition", facts.defines ? 1 : 0, facts.defines ? params.definitionWeight : 0],
    ["properNouns", facts.properShare, params.properNounWeight * facts.properShare],
    ["title", titleShare, params.titleWeight * titleShare],
    ["section", sectionShare, params.sectionWeight * sectionShare],
    ["lead", leadShare, params.leadWeight * leadShare],
    ["head", headShare, params.headWeight * headShare + params.coverageWeight * headCovers],
    ["asks", facts.asks ? 1 : 0, facts.asks ? -params.askWeight : 0],
    ["polar", facts.polar && question.yesNo ? 1 : 0, facts.polar && question.yesNo ? params.polarWeight : 0],
    ["meaning", facts.meaning, params.meaningWeight * facts.meaning],
  ];
  let exponent = 0;
  for (const [name, value, x] of exponents) {
    exponent += x;
    if (x !== 0) signals.push({ name, value, factor: Math.exp(x) });
  }
  const typeFactor = 1 + params.answerTypeWeight * facts.typeStrength;
  if (facts.typeStrength > 0) signals.push({ name: "answerType", value: facts.typeStrength, factor: typeFactor });
  return {
    score: base * Math.exp(exponent) * typeFactor,
    signals,
    contextTerms,
    evidence,
  };
}
