/**
 * Retrieval evaluation on the shared collections' format: docs.jsonl {id,title,text}, queries.jsonl {id,text},
 * qrels.tsv (query TAB doc TAB grade) and, for SQuAD, answers.jsonl {id, answers[]}.
 * Documents go through the same pipeline as the bot's corpus (cleaning, passages, index, ranking, quotes).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { documentFromText } from "../ingest/document.js";
import { DEFAULT_ANSWER, answerQuestion, type AnswerParams } from "../answer/quotes.js";
import { retrieve } from "../search/retrieve.js";
import { buildSegment, type Segment } from "../search/segment.js";
import type { ChunkOptions } from "../ingest/chunk.js";

export interface EvalResult {
  "ndcg@10": number;
  "mrr@10": number;
  "recall@100": number;
  answerTop1: number | null;
  answerTop5: number | null;
  /** Mean length in characters of the top quote (collections with answers). */
  meanTopQuoteChars: number | null;
  /**
   * Answer-or-abstain on a sample of the questions (collections with answers): asked of the whole collection (answered
   * with the answer in the top quote / answered wrongly / abstained) and of the collection without the question's own
   * article (documents sharing its title), where every quote is a confident answer to an unanswerable question.
   */
  abstention: {
    sampled: number;
    answeredRight: number;
    answeredWrong: number;
    falseAbstentions: number;
    negativesQuoted: number;
  } | null;
  queries: number;
  seconds: number;
}

export interface EvalOptions {
  answer?: AnswerParams;
  chunk?: ChunkOptions;
  /** Evaluate at most this many queries (first ones in file order). */
  maxQueries?: number;
  /** Questions sampled for the abstention figures (every Nth, so about this many); 0: none. */
  abstentionSample?: number;
}

/** The objects of a JSON Lines file, one a line (blank lines skipped). */
export async function readJsonl<T>(path: string): Promise<T[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/** Documents ranked by their best passage, best first, at most `k`. */
export function rankDocuments(
  segment: Segment,
  question: string,
  k: number,
  params: AnswerParams = DEFAULT_ANSWER,
): string[] {
  const ranking = retrieve([segment], question, k * 4, params);
  const docs: string[] = [];
  const seen = new Set<number>();
  for (const hit of ranking.hits) {
    const d = segment.passageDoc[hit.passage] as number;
    if (seen.has(d)) continue;
    seen.add(d);
    docs.push((segment.docs[d] as { source: { id: string } }).source.id);
    if (docs.length >= k) break;
  }
  return docs;
}

function dcg(grades: number[]): number {
  return grades.reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
}

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();

export async function evaluate(dir: string, options: EvalOptions = {}): Promise<EvalResult> {
  const started = performance.now();
  const params = options.answer ?? DEFAULT_ANSWER;
  const docs = await readJsonl<{ id: string; title?: string; text: string }>(join(dir, "docs.jsonl"));
  let queries = await readJsonl<{ id: string; text: string }>(join(dir, "queries.jsonl"));
  const qrels = new Map<string, Map<string, number>>();
  for (const line of (await readFile(join(dir, "qrels.tsv"), "utf8")).split("\n")) {
    const [q, d, g] = line.split("\t");
    if (q === undefined || d === undefined || g === undefined || q === "") continue;
    const grade = Number(g);
    if (!(grade > 0)) continue;
    if (!qrels.has(q)) qrels.set(q, new Map());
    qrels.get(q)?.set(d, grade);
  }
  const answersPath = join(dir, "answers.jsonl");
  const answers = new Map<string, string[]>();
  /** Each answered question's own document (SQuAD's answers.jsonl names it). */
  const ownDoc = new Map<string, string>();
  if (existsSync(answersPath)) {
    for (const a of await readJsonl<{ id: string; doc_id?: string; answers: string[] }>(answersPath)) {
      answers.set(a.id, a.answers.map(normalise));
      if (a.doc_id !== undefined) ownDoc.set(a.id, a.doc_id);
    }
  }
  queries = queries.filter((q) => qrels.has(q.id));
  if (options.maxQueries !== undefined) queries = queries.slice(0, options.maxQueries);

  const segment = buildSegment(
    docs.map((d) => documentFromText({ id: d.id, title: d.title ?? null, text: d.text })),
    options.chunk,
  );

  let ndcg = 0;
  let mrr = 0;
  let recall = 0;
  let top1 = 0;
  let top5 = 0;
  let withAnswers = 0;
  let quoteChars = 0;
  for (const q of queries) {
    const relevant = qrels.get(q.id) as Map<string, number>;
    const ranked = rankDocuments(segment, q.text, 100, params);
    const gains = ranked.slice(0, 10).map((d) => relevant.get(d) ?? 0);
    const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, 10);
    ndcg += dcg(ideal) > 0 ? dcg(gains) / dcg(ideal) : 0;
    const first = gains.findIndex((g) => g > 0);
    mrr += first >= 0 ? 1 / (first + 1) : 0;
    recall += ranked.filter((d) => relevant.has(d)).length / relevant.size;
    const expected = answers.get(q.id);
    if (expected !== undefined) {
      withAnswers++;
      const quotes = answerQuestion([segment], q.text, 5, params, { abstain: false }).quotes.map((x) =>
        normalise(x.text),
      );
      quoteChars += quotes[0]?.length ?? 0;
      const hit = (n: number) => quotes.slice(0, n).some((text) => expected.some((a) => text.includes(a)));
      if (hit(1)) top1++;
      if (hit(5)) top5++;
    }
  }
  const n = Math.max(queries.length, 1);
  const round = (x: number) => Math.round(x * 10000) / 10000;
  const abstention =
    answers.size > 0 && (options.abstentionSample ?? 2000) > 0
      ? abstentionFigures(docs, queries, answers, ownDoc, params, options.abstentionSample ?? 2000)
      : null;
  return {
    "ndcg@10": round(ndcg / n),
    "mrr@10": round(mrr / n),
    "recall@100": round(recall / n),
    answerTop1: withAnswers > 0 ? round(top1 / withAnswers) : null,
    answerTop5: withAnswers > 0 ? round(top5 / withAnswers) : null,
    meanTopQuoteChars: withAnswers > 0 ? Math.round(quoteChars / withAnswers) : null,
    abstention,
    queries: queries.length,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/**
 * The abstention figures: one segment per article (documents sharing a title), so "the collection without the
 * question's article" is every other segment, scored exactly as one index over them would be.
 */
function abstentionFigures(
  docs: Array<{ id: string; title?: string; text: string }>,
  queries: Array<{ id: string; text: string }>,
  answers: Map<string, string[]>,
  ownDoc: Map<string, string>,
  params: AnswerParams,
  sample: number,
): NonNullable<EvalResult["abstention"]> {
  const articleOf = new Map<string, string>();
  const groups = new Map<string, Array<{ id: string; title?: string; text: string }>>();
  for (const d of docs) {
    const article = d.title ?? d.id;
    articleOf.set(d.id, article);
    groups.set(article, [...(groups.get(article) ?? []), d]);
  }
  const segments = new Map<string, Segment>();
  for (const [article, ds] of groups)
    segments.set(
      article,
      buildSegment(ds.map((d) => documentFromText({ id: d.id, title: d.title ?? null, text: d.text }))),
    );
  const all = [...segments.values()];
  const figures = { sampled: 0, answeredRight: 0, answeredWrong: 0, falseAbstentions: 0, negativesQuoted: 0 };
  const every = Math.max(1, Math.floor(queries.length / sample));
  for (let i = 0; i < queries.length; i += every) {
    const q = queries[i] as { id: string; text: string };
    const expected = answers.get(q.id);
    const own = expected === undefined ? undefined : segments.get(articleOf.get(ownDoc.get(q.id) ?? "") ?? "");
    if (expected === undefined || own === undefined) continue;
    figures.sampled++;
    const answer = answerQuestion(all, q.text, 3, params);
    const top = normalise(answer.quotes[0]?.text ?? "");
    if (!answer.answered) figures.falseAbstentions++;
    else if (expected.some((a) => top.includes(a))) figures.answeredRight++;
    else figures.answeredWrong++;
    if (
      answerQuestion(
        all.filter((s) => s !== own),
        q.text,
        3,
        params,
      ).answered
    )
      figures.negativesQuoted++;
  }
  return figures;
}
