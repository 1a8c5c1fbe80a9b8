/**
 * What the benchmark needs from a retrieval system. Each system runs in its own child process
 * (see bench/child.ts), so a system only has to build, answer, save and load.
 */
import type { BenchDoc } from "../corpus.js";
import type { BenchPassage } from "../passages.js";

export interface BenchCorpus {
  /** The documents, for a system that chunks them itself (its build time then includes chunking). */
  documents: readonly BenchDoc[];
  /** The same documents cut by bench/passages.ts: what a system that indexes passages should index. */
  passages: readonly BenchPassage[];
}

export interface BenchSystem {
  readonly name: string;
  build(corpus: BenchCorpus): Promise<void> | void;
  /** Writes the built index under `dir` (an existing, empty directory). */
  save(dir: string): Promise<void>;
  /** Starts this (fresh) instance from an index saved by `save`. */
  load(dir: string): Promise<void>;
  /** Everything a user's question costs end to end; the result must be plain data (it is compared as JSON after a reload). */
  query(question: string): unknown;
  /** Document ids of a query's results, best first; lets the runner report how often the source document is found. */
  resultDocIds?(result: unknown): string[];
  /** Drops the index so its memory can be reclaimed. */
  dispose(): void;
}

/** A registered system: a name (as used in reports and `--systems`) and a factory for fresh instances. */
export interface SystemEntry {
  name: string;
  create(): BenchSystem;
}
