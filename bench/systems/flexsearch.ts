/**
 * flexsearch 0.8 (the product card's library) as a third system: an `Index` over the same passages MiniSearch indexes
 * (title and text as one string, numeric ids), answering with its top 10 passages.
 *
 * What a question costs here is one `search()`: the top 10 passage ids in flexsearch's order. That is the same job as
 * MiniSearch's (ranked passages), and less than Verbatim's, whose query is a full answer: retrieval, BM25 scoring,
 * analysing the sentences of the best passages, choosing 1–3 quotes, merging near-identical ones and deciding whether
 * to abstain. flexsearch has no score to abstain on (see shared/notes/flexsearch-0.8.md).
 *
 * Best settings for this job, measured at 10k passages with `bench/flexsearch-tune.ts` (the same seeded documents
 * and 1,000 questions as `npm run bench -- --size 10k`; full table in bench/README.md). Found in the top 10, phrase /
 * keyword / keyword questions with two words their passage lacks:
 * - defaults (strict, AND): 95.4 / 77.6 / 0.4 % — AND answers only when one passage holds every word (105 of 1,000
 *   questions came back empty);
 * - strict, suggest (partial matches, ranked by terms matched, then position): 95.4 / 97.6 / 92.6 %;
 * - + resolution 1 (one position bucket: terms matched alone, ties in index order): 96.0 / 98.2 / 97.6 %, and the
 *   smallest index (2.3 KB per passage at 10k) — kept; at 100k 89.2 / 90.6 / 89.4 % against resolution 9's
 *   89.6 / 88.8 / 78.2 %;
 * - resolution 3 or 20, text without the title: within 2 points of resolution 9;
 * - English pack (stemmer + stopwords): 86.2 / 93.6 / 85.2 %; forward tokenizer: 94.2 / 96.6 / 90.4 % at 4× the
 *   memory; contextual index: 98.4 / 73.2 / 57.8 % at 9× the memory.
 *
 * Persistence is flexsearch's own `export()` / `import()`, one line per exported chunk (`key<TAB>json`) between a
 * header line (the configuration and the passage ids) and an end line (the chunk count). flexsearch 0.8.212 does not
 * save its options, so loading recreates the index from the configuration in the header (and refuses a file saved
 * with another one) before importing.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Charset, Encoder, Index, type IndexOptions } from "flexsearch";
import EnglishPreset from "flexsearch/lang/en";
import type { BenchPassage } from "../passages.js";
import type { BenchCorpus, BenchSystem, SystemEntry } from "./types.js";

/** One way of running flexsearch on this job; everything `indexOptions` and `query` depend on. */
export interface FlexSearchConfig {
  /** Short name: printed by the tuning script, saved with the index and checked on load. */
  name: string;
  tokenize: "strict" | "forward";
  /** flexsearch's position buckets per entry (its default is 9). */
  resolution: number;
  /** flexsearch's contextual index (term pairs; strict tokenizer only). */
  context: boolean;
  /** flexsearch's English pack (stemmer, stopword filter, contractions) on top of the default encoder. */
  english: boolean;
  /** `suggest: true`: partial matches instead of AND. */
  suggest: boolean;
  /** Index the passage's title with its text (MiniSearch indexes both). */
  title: boolean;
}

const BASE: FlexSearchConfig = {
  name: "strict, AND (flexsearch's defaults)",
  tokenize: "strict",
  resolution: 9,
  context: false,
  english: false,
  suggest: false,
  title: true,
};

/**
 * The configuration `npm run bench` runs: strict words, partial matches, one position bucket (so the order is how many
 * of the question's terms a passage holds, ties in index order). It had the best found rate of every kind at 10k and
 * the smallest index; bench/README.md has the table.
 */
export const FLEXSEARCH_BEST: FlexSearchConfig = {
  ...BASE,
  name: "strict, suggest, resolution 1",
  suggest: true,
  resolution: 1,
};

/** Every configuration the tuning script measures, the defaults first. */
export const FLEXSEARCH_CONFIGS: readonly FlexSearchConfig[] = [
  BASE,
  { ...BASE, name: "strict, suggest", suggest: true },
  { ...BASE, name: "strict, suggest, text only", suggest: true, title: false },
  { ...BASE, name: "strict, suggest, English", suggest: true, english: true },
  FLEXSEARCH_BEST,
  { ...BASE, name: "strict, suggest, resolution 3", suggest: true, resolution: 3 },
  { ...BASE, name: "strict, suggest, resolution 20", suggest: true, resolution: 20 },
  { ...BASE, name: "strict, suggest, context", suggest: true, context: true },
  { ...BASE, name: "forward, suggest", tokenize: "forward", suggest: true },
  { ...BASE, name: "forward, suggest, English", tokenize: "forward", suggest: true, english: true },
];

export function indexOptions(config: FlexSearchConfig): IndexOptions {
  return {
    tokenize: config.tokenize,
    resolution: config.resolution,
    ...(config.context ? { context: { depth: 1, resolution: 3, bidirectional: true } } : {}),
    // The bundled types take one argument (upstream #511), so the English pack is assigned onto the default encoder.
    encoder: config.english ? new Encoder(Charset.Default).assign(EnglishPreset) : new Encoder(Charset.Default),
  };
}

const FILE = "flexsearch.tsv";
const FORMAT = "bench-flexsearch-export-1";
const LIMIT = 10;
/** The last line's key; its value is the number of exported chunks before it (a truncated file has none). */
const END = "end";

interface Header {
  format: string;
  config: FlexSearchConfig;
  /** flexsearch id i is passage ids[i]. */
  ids: string[];
}

export class FlexSearchSystem implements BenchSystem {
  readonly name = "flexsearch";
  private index: Index | null = null;
  private ids: string[] = [];

  constructor(readonly config: FlexSearchConfig = FLEXSEARCH_BEST) {}

  build(corpus: BenchCorpus): void {
    const index = new Index(indexOptions(this.config));
    const ids: string[] = [];
    for (const passage of corpus.passages) {
      index.add(ids.length, this.content(passage));
      ids.push(passage.id);
    }
    this.index = index;
    this.ids = ids;
  }

  /** The top 10 passage ids of `search(question)`, best first. */
  query(question: string): string[] {
    const found = this.ready().search(question, { limit: LIMIT, suggest: this.config.suggest });
    return found.map((id) => this.ids[id as number] as string);
  }

  resultDocIds(result: unknown): string[] {
    return (result as string[]).map((id) => id.slice(0, id.lastIndexOf("#")));
  }

  async save(dir: string): Promise<void> {
    const index = this.ready();
    const out = createWriteStream(join(dir, FILE));
    const write = async (line: string): Promise<void> => {
      if (!out.write(line)) await once(out, "drain");
    };
    const header: Header = { format: FORMAT, config: this.config, ids: this.ids };
    await write(`${JSON.stringify(header)}\n`);
    let chunks = 0;
    // An async handler makes flexsearch wait for each chunk, so at most one chunk is held beside the index.
    await index.export(async (key, data) => {
      chunks++;
      await write(`${key}\t${data}\n`);
    });
    await write(`${END}\t${chunks}\n`);
    out.end();
    await once(out, "finish");
  }

  async load(dir: string): Promise<void> {
    const path = join(dir, FILE);
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    let header: Header | null = null;
    let index: Index | null = null;
    let chunks = 0;
    let end: number | null = null;
    for await (const line of lines) {
      if (header === null) {
        header = JSON.parse(line) as Header;
        if (header.format !== FORMAT) throw new Error(`FlexSearchSystem: ${path} is not a saved benchmark index`);
        if (JSON.stringify(header.config) !== JSON.stringify(this.config))
          throw new Error(
            `FlexSearchSystem: ${path} was saved with "${header.config.name}", this instance runs "${this.config.name}"`,
          );
        // flexsearch does not save its options: the index must be recreated with the ones it was built with.
        index = new Index(indexOptions(this.config));
        continue;
      }
      const tab = line.indexOf("\t");
      if (tab < 0 || end !== null) throw new Error(`FlexSearchSystem: ${path} is malformed after ${chunks} chunks`);
      const key = line.slice(0, tab);
      if (key === END) end = Number(line.slice(tab + 1));
      else {
        index?.import(key, line.slice(tab + 1));
        chunks++;
      }
    }
    if (header === null || index === null) throw new Error(`FlexSearchSystem: ${path} is empty`);
    if (end !== chunks)
      throw new Error(
        `FlexSearchSystem: ${path} is truncated (${chunks} chunks, ${end === null ? "no end line" : `end line says ${end}`})`,
      );
    this.index = index;
    this.ids = header.ids;
  }

  dispose(): void {
    this.index = null;
    this.ids = [];
  }

  private content(passage: BenchPassage): string {
    return this.config.title ? `${passage.title}\n${passage.text}` : passage.text;
  }

  private ready(): Index {
    if (!this.index) throw new Error("FlexSearchSystem: build or load the index first");
    return this.index;
  }
}

export const flexSearchSystem: SystemEntry = { name: "flexsearch", create: () => new FlexSearchSystem() };
