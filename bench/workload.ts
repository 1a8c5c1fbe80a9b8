/**
 * The inputs of one benchmark run: documents, the passages cut from them, and the questions.
 *
 * Documents come from an endless seeded stream (document k is the same whatever the target size), cut
 * into passages as they come, until the real passage count reaches the target — so a size label
 * means that many passages, not an estimate.
 */
import {
  countWords,
  generateDocuments,
  loadTextPool,
  WORDS_PER_PASSAGE,
  type BenchDoc,
  type PoolOptions,
  type TextPool,
} from "./corpus.js";
import { since } from "./measure.js";
import { chunkDocument, type BenchPassage } from "./passages.js";
import { makeQuestions, type BenchQuestion } from "./questions.js";

/** The benchmark's corpus sizes, in passages, by the name given to --size. */
export const SIZES: Record<string, number> = { "10k": 10_000, "100k": 100_000, "1m": 1_000_000 };

export interface WorkloadOptions {
  seed: number;
  /** Target passage count (the last document may add a few more). */
  passages: number;
  questions: number;
  /** Overrides for reading the text pool (defaults: words enough for the target, at most 6 million). */
  pool?: PoolOptions;
}

export interface CorpusReport {
  poolWords: number;
  poolDocuments: number;
  poolFiles: number;
  poolWordsByOrigin: Record<string, number>;
  poolLoadMs: number;
  documents: number;
  passages: number;
  words: number;
  /** Characters of title + text over all documents. */
  characters: number;
  generateMs: number;
  chunkMs: number;
  questionMs: number;
}

export interface Workload {
  documents: BenchDoc[];
  passages: BenchPassage[];
  questions: BenchQuestion[];
  report: CorpusReport;
}

/** Words of text wanted in the pool for a target: enough for one unrepeated round plus margin, capped. */
export function poolWordsFor(passages: number): number {
  return Math.min(6_000_000, Math.ceil(passages * WORDS_PER_PASSAGE * 1.5));
}

export function buildWorkload(options: WorkloadOptions, pool?: TextPool): Workload {
  const textPool =
    pool ?? loadTextPool({ seed: options.seed, maxWords: poolWordsFor(options.passages), ...options.pool });
  const documents: BenchDoc[] = [];
  const passages: BenchPassage[] = [];
  let words = 0;
  let characters = 0;
  let generateMs = 0;
  let chunkMs = 0;
  const stream = generateDocuments(textPool, { seed: options.seed, passages: Number.POSITIVE_INFINITY });
  while (passages.length < options.passages) {
    let start = performance.now();
    const next = stream.next();
    generateMs += since(start);
    if (next.done) break;
    const doc = next.value;
    documents.push(doc);
    words += countWords(doc.text);
    characters += doc.title.length + doc.text.length;
    start = performance.now();
    for (const passage of chunkDocument(doc)) passages.push(passage);
    chunkMs += since(start);
  }
  const start = performance.now();
  const questions = makeQuestions(documents, { count: options.questions, seed: options.seed });
  const questionMs = since(start);
  return {
    documents,
    passages,
    questions,
    report: {
      poolWords: textPool.words,
      poolDocuments: textPool.docs.length,
      poolFiles: textPool.files,
      poolWordsByOrigin: textPool.wordsByOrigin,
      poolLoadMs: textPool.loadMs,
      documents: documents.length,
      passages: passages.length,
      words,
      characters,
      generateMs,
      chunkMs,
      questionMs,
    },
  };
}
