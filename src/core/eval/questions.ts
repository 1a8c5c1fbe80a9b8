/**
 * Question sets over a corpus folder: what a reader asks and what a correct quote must contain.
 *
 * Format (JSON Lines): {"id", "kind": "factual" | "paraphrase" | "unanswerable", "question", "answers": [strings a
 * correct quote contains], "doc": file that answers it or null}. An answerable question counts as found at k when
 * one of its answer strings is inside one of the first k quotes (case and spacing ignored); an unanswerable one is
 * right when Verbatim abstains.
 */
import { readJsonl } from "./evaluate.js";
import { Library } from "../library/library.js";
import type { Answer } from "../types.js";

export type QuestionKind = "factual" | "paraphrase" | "unanswerable";

export interface EvalQuestion {
  id: string;
  kind: QuestionKind;
  question: string;
  answers: string[];
  doc: string | null;
}

export interface QuestionOutcome {
  id: string;
  kind: QuestionKind;
  question: string;
  answered: boolean;
  /** 1-based rank of the first quote holding an answer string; null when none does (or unanswerable). */
  foundAt: number | null;
  /** The same among the candidates ranked with abstention off. */
  rankedAt: number | null;
  topQuote: string | null;
}

/** One question's outcome as a line: its id, kind, verdict (found@N, MISSED, ABSTAINED, QUOTED, abstained) and rank. */
export function outcomeLine(o: QuestionOutcome): string {
  const verdict =
    o.kind === "unanswerable"
      ? o.answered
        ? "QUOTED"
        : "abstained"
      : o.foundAt === null
        ? o.answered
          ? "MISSED"
          : "ABSTAINED"
        : `found@${o.foundAt}`;
  const ranked = o.kind === "unanswerable" ? "" : o.rankedAt === null ? "ranked -" : `ranked@${o.rankedAt}`;
  return `${o.id.padEnd(7)} ${o.kind.padEnd(12)} ${verdict.padEnd(10)} ${ranked.padEnd(9)} ${o.question}`;
}

export interface KindFigures {
  questions: number;
  top1: number;
  top3: number;
  /** Answerable questions Verbatim abstained on. */
  falseAbstentions: number;
  /** The ranking alone (abstention off): the answer in the top-1 / top-3 candidate quotes. */
  rankedTop1: number;
  rankedTop3: number;
}

export interface QuestionSetResult {
  questions: number;
  answerable: KindFigures;
  byKind: Partial<Record<QuestionKind, KindFigures>>;
  unanswerable: { questions: number; answered: number };
  /** Mean length in characters of the top quote, over answered questions. */
  meanTopQuoteChars: number;
  outcomes: QuestionOutcome[];
}

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();

export async function readQuestions(path: string): Promise<EvalQuestion[]> {
  return readJsonl<EvalQuestion>(path);
}

/** Where (1-based) the first quote holding one of `answers` is, or null. */
export function foundAt(answer: Answer, answers: readonly string[]): number | null {
  const wanted = answers.map(normalise);
  const index = answer.quotes.findIndex((q) => wanted.some((a) => normalise(q.text).includes(a)));
  return index < 0 ? null : index + 1;
}

/** Asks every question of `library` and scores the answers. */
export function scoreQuestions(library: Library, questions: readonly EvalQuestion[], limit = 3): QuestionSetResult {
  const outcomes: QuestionOutcome[] = [];
  const empty = (): KindFigures => ({
    questions: 0,
    top1: 0,
    top3: 0,
    falseAbstentions: 0,
    rankedTop1: 0,
    rankedTop3: 0,
  });
  const answerable = empty();
  const byKind: Partial<Record<QuestionKind, KindFigures>> = {};
  const unanswerable = { questions: 0, answered: 0 };
  let quoteChars = 0;
  let answeredCount = 0;
  for (const q of questions) {
    const answer = library.answer(q.question, { limit });
    const top = answer.quotes[0]?.text ?? null;
    if (answer.answered && top !== null) {
      quoteChars += top.length;
      answeredCount++;
    }
    const at = q.kind === "unanswerable" ? null : foundAt(answer, q.answers);
    const ranked =
      q.kind === "unanswerable"
        ? null
        : foundAt({ ...answer, quotes: library.candidates(q.question, { limit }) }, q.answers);
    outcomes.push({
      id: q.id,
      kind: q.kind,
      question: q.question,
      answered: answer.answered,
      foundAt: at,
      rankedAt: ranked,
      topQuote: top,
    });
    if (q.kind === "unanswerable") {
      unanswerable.questions++;
      if (answer.answered) unanswerable.answered++;
      continue;
    }
    const figures = (byKind[q.kind] ??= empty());
    for (const f of [answerable, figures]) {
      f.questions++;
      if (at === 1) f.top1++;
      if (at !== null && at <= 3) f.top3++;
      if (!answer.answered) f.falseAbstentions++;
      if (ranked === 1) f.rankedTop1++;
      if (ranked !== null && ranked <= 3) f.rankedTop3++;
    }
  }
  return {
    questions: questions.length,
    answerable,
    byKind,
    unanswerable,
    meanTopQuoteChars: answeredCount > 0 ? Math.round(quoteChars / answeredCount) : 0,
    outcomes,
  };
}

/** Opens `corpusDir` (indexed in memory, nothing saved) and scores the question set at `questionsPath`. */
export async function evaluateQuestions(corpusDir: string, questionsPath: string): Promise<QuestionSetResult> {
  const { library } = await Library.open({ corpusDir });
  return scoreQuestions(library, await readQuestions(questionsPath));
}
