/**
 * MiniSearch 7.2 as the baseline: plain BM25 (its default BM25+ with k=1.2, b=0.7, d=0.5; OR of
 * the query terms; no prefix or fuzzy matching; title and text weighted equally) over the same
 * passages Verbatim indexes. Nothing is stored but the index (storeFields: none).
 *
 * Persistence uses MiniSearch's own `toJSON()` / `loadJS()`, written as newline-delimited JSON
 * (one line per index term) because at 1M passages a single `JSON.stringify` passes V8's maximum
 * string length (~512 MB).
 */
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import MiniSearch, { type AsPlainObject, type Options, type SearchResult } from "minisearch";
import type { BenchPassage } from "../passages.js";
import type { BenchCorpus, BenchSystem, SystemEntry } from "./types.js";

export const MINISEARCH_OPTIONS: Options<BenchPassage> = {
  idField: "id",
  fields: ["title", "text"],
  storeFields: [],
};

const FILE = "minisearch.ndjson";
const FORMAT = "bench-minisearch-ndjson-1";

export interface MiniSearchHit {
  id: string;
  score: number;
}

export class MiniSearchSystem implements BenchSystem {
  readonly name = "MiniSearch";
  private index: MiniSearch<BenchPassage> | null = null;

  build(corpus: BenchCorpus): void {
    const index = new MiniSearch<BenchPassage>(MINISEARCH_OPTIONS);
    index.addAll(corpus.passages);
    this.index = index;
  }

  /** The top 10 of `search(question)`, as the plain data a caller would keep. */
  query(question: string): MiniSearchHit[] {
    const results: SearchResult[] = this.ready().search(question);
    return results.slice(0, 10).map((r) => ({ id: r.id as string, score: r.score }));
  }

  resultDocIds(result: unknown): string[] {
    return (result as MiniSearchHit[]).map((hit) => hit.id.slice(0, hit.id.lastIndexOf("#")));
  }

  async save(dir: string): Promise<void> {
    const { index, documentIds, fieldLength, storedFields, ...header } = this.ready().toJSON();
    const out = createWriteStream(join(dir, FILE));
    let buffer: string[] = [];
    let buffered = 0;
    const flush = async (): Promise<void> => {
      if (buffer.length > 0 && !out.write(buffer.join(""))) await once(out, "drain");
      buffer = [];
      buffered = 0;
    };
    const write = async (value: unknown): Promise<void> => {
      const line = `${JSON.stringify(value)}\n`;
      buffer.push(line);
      buffered += line.length;
      if (buffered >= 1 << 20) await flush();
    };
    await write({ format: FORMAT, header, terms: index.length });
    await write(documentIds);
    await write(fieldLength);
    await write(storedFields);
    for (const entry of index) await write(entry);
    await flush();
    out.end();
    await once(out, "finish");
  }

  async load(dir: string): Promise<void> {
    const lines = createInterface({ input: createReadStream(join(dir, FILE)), crlfDelay: Infinity });
    const parts: unknown[] = [];
    const index: AsPlainObject["index"] = [];
    for await (const line of lines) {
      if (parts.length < 4) parts.push(JSON.parse(line));
      else index.push(JSON.parse(line) as AsPlainObject["index"][number]);
    }
    const [first, documentIds, fieldLength, storedFields] = parts as [
      {
        format: string;
        header: Omit<AsPlainObject, "index" | "documentIds" | "fieldLength" | "storedFields">;
        terms: number;
      },
      AsPlainObject["documentIds"],
      AsPlainObject["fieldLength"],
      AsPlainObject["storedFields"],
    ];
    if (first?.format !== FORMAT)
      throw new Error(`MiniSearchSystem: ${join(dir, FILE)} is not a saved benchmark index`);
    if (index.length !== first.terms)
      throw new Error(`MiniSearchSystem: ${join(dir, FILE)} is truncated (${index.length} of ${first.terms} terms)`);
    this.index = MiniSearch.loadJS<BenchPassage>(
      { ...first.header, documentIds, fieldLength, storedFields, index },
      MINISEARCH_OPTIONS,
    );
  }

  dispose(): void {
    this.index = null;
  }

  private ready(): MiniSearch<BenchPassage> {
    if (!this.index) throw new Error("MiniSearchSystem: build or load the index first");
    return this.index;
  }
}

export const miniSearchSystem: SystemEntry = { name: "MiniSearch", create: () => new MiniSearchSystem() };
