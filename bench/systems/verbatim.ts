/**
 * Verbatim's own pipeline, exactly as the bot runs it: documents are cleaned and cut into passages by the core
 * (build time includes that), indexed in a segment, saved and loaded by the core's store, and a question costs a full
 * `answerQuestion` — retrieval, BM25 ranking and choosing the quotes.
 */
import {
  documentFromText,
  answerQuestion,
  buildSegment,
  type Segment,
  loadSegment,
  saveSegment,
  type Answer,
  type CorpusDocument,
} from "../../src/core/index.js";
import type { BenchDoc } from "../corpus.js";
import type { BenchCorpus, BenchSystem, SystemEntry } from "./types.js";

/** Benchmark documents as the core's documents, one at a time (so a 1M build never holds them all cleaned at once). */
export function* corpusDocuments(docs: Iterable<BenchDoc>): Generator<CorpusDocument> {
  for (const d of docs) yield documentFromText({ id: d.id, title: d.title, text: d.text });
}

interface VerbatimResult {
  answered: boolean;
  docs: string[];
}

export class VerbatimSystem implements BenchSystem {
  readonly name = "Verbatim";
  private segment: Segment | null = null;

  build(corpus: BenchCorpus): void {
    this.segment = buildSegment(corpusDocuments(corpus.documents));
  }

  /** A full answer; the result keeps what identifies it (whether it answered, and its sources in order). */
  query(question: string): VerbatimResult {
    const answer: Answer = answerQuestion([this.ready()], question);
    const docs = answer.answered
      ? answer.quotes.flatMap((q) => [q.source.id, ...q.alsoReportedBy.map((s) => s.id)])
      : answer.closest.map((s) => s.id);
    return { answered: answer.answered, docs };
  }

  resultDocIds(result: unknown): string[] {
    return (result as VerbatimResult).docs;
  }

  async save(dir: string): Promise<void> {
    await saveSegment(dir, this.ready(), null);
  }

  async load(dir: string): Promise<void> {
    const saved = await loadSegment<null>(dir);
    if (saved === null) throw new Error(`bench: no saved Verbatim index in ${dir}`);
    this.segment = saved.segment;
  }

  dispose(): void {
    this.segment = null;
  }

  private ready(): Segment {
    if (this.segment === null) throw new Error("bench: Verbatim index not built or loaded");
    return this.segment;
  }
}

export const verbatimSystem: SystemEntry = { name: "Verbatim", create: () => new VerbatimSystem() };
