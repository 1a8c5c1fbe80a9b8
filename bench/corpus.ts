/**
 * The benchmark corpus: real English text from this machine (see sources.ts), cut into documents
 * of a few paragraphs, then repeated with deterministic variation until a target passage count.
 *
 * Two stages:
 * 1. `loadTextPool` reads files once into a pool of base documents (paragraphs of sentences).
 * 2. `generateDocuments` lazily yields `BenchDoc`s from the pool. The first round yields base
 *    documents as written; later rounds shuffle sentence order within paragraphs, swap some
 *    paragraphs for paragraphs of other documents, and drop or add a few. Every document also
 *    gets a unique code name (in its title and one sentence) and a "collection" name drawn from a
 *    heavy-tailed distribution, so the vocabulary and posting lists keep growing with size
 *    instead of every copy repeating the same terms.
 *
 * Same pool + same seed → identical documents, in the same order.
 */
import { deriveSeed, mulberry32, permutation, pick, randomInt, shuffleInPlace, type Random } from "./random.js";
import { DEFAULT_ROOTS, listSourceFiles, readSourceText, type SourceOrigin, type SourceRoots } from "./sources.js";
import { collapse, isProse, type ParsedText } from "./text-formats.js";

/** One document handed to the systems under test. */
export interface BenchDoc {
  id: string;
  title: string;
  /** Paragraphs separated by a blank line; whitespace inside a paragraph is single spaces. */
  text: string;
  /** The unique code name inserted in this document's title and text. */
  tag: string;
}

/** A base document in the pool: paragraphs, each a list of sentences. */
export interface PoolDoc {
  title: string;
  paragraphs: string[][];
  words: number;
}

export interface TextPool {
  docs: PoolDoc[];
  words: number;
  /** Files read, and words kept from each kind of place. */
  files: number;
  wordsByOrigin: Record<SourceOrigin, number>;
  loadMs: number;
}

export class CorpusError extends Error {
  override name = "CorpusError";
}

/** Average words per passage assumed when estimating passage counts (the chunker aims at 40–120). */
export const WORDS_PER_PASSAGE = 80;

/** Estimated passages for a document of `words` words: what a ~80-word chunker makes of it. */
export function estimatePassages(words: number): number {
  return Math.max(1, Math.round(words / WORDS_PER_PASSAGE));
}

export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

const sentenceSegmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/**
 * Sentences of one paragraph. Segment paragraph by paragraph: Intl.Segmenter gets very slow on
 * long strings (a 1.7 MB string took 77 s here; the same text paragraph by paragraph took 66 ms).
 */
export function splitSentences(paragraph: string): string[] {
  const out: string[] = [];
  for (const { segment } of sentenceSegmenter.segment(paragraph)) {
    const s = segment.trim();
    if (s) out.push(s);
  }
  return out;
}

export interface SentenceSpan {
  text: string;
  /** Offset into the document's text. */
  start: number;
  /** Words, counted by spaces. */
  words: number;
}

/** Sentences of a document (paragraphs separated by blank lines) with their offsets into its text. */
export function sentencesWithOffsets(text: string): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  let offset = 0;
  for (const paragraph of text.split("\n\n")) {
    let from = 0;
    for (const sentence of splitSentences(paragraph)) {
      const at = paragraph.indexOf(sentence, from);
      from = at + sentence.length;
      out.push({ text: sentence, start: offset + at, words: sentence.split(" ").length });
    }
    offset += paragraph.length + 2;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pool

export interface PoolOptions {
  /** Seed for the order files are read in (so a small pool samples all kinds of places). Default 1. */
  seed?: number;
  /** Stop reading files once the pool holds this many words. Default 6 million. */
  maxWords?: number;
  /** Fail with a CorpusError when fewer words than this were found. Default 50,000. */
  minWords?: number;
  /** Characters read from the start of each file, at most. Default 150,000. */
  maxCharsPerFile?: number;
  roots?: Partial<SourceRoots>;
  maxFilesPerFamily?: number;
}

/** Builds the pool from files on this machine. Throws CorpusError (naming the places looked at) if there is too little. */
export function loadTextPool(options: PoolOptions = {}): TextPool {
  const started = performance.now();
  const maxWords = options.maxWords ?? 6_000_000;
  const minWords = options.minWords ?? 50_000;
  const files = listSourceFiles({ roots: options.roots, maxFilesPerFamily: options.maxFilesPerFamily });
  // Read in a seeded order so that a pool capped by maxWords still mixes licenses, docs, man pages and READMEs.
  const order = permutation(mulberry32(deriveSeed(options.seed ?? 1, 0x9001)), files.length);
  const builder = new PoolBuilder(options.seed ?? 1);
  let read = 0;
  for (const i of order) {
    if (builder.words >= maxWords) break;
    const file = files[i];
    if (!file) continue;
    const text = readSourceText(file, options.maxCharsPerFile ?? 150_000);
    if (!text) continue;
    read++;
    builder.add(text.title ?? file.title, text, file.origin);
  }
  if (builder.words < minWords) {
    const roots = { ...DEFAULT_ROOTS, ...options.roots };
    throw new CorpusError(
      `found only ${builder.words} words of English prose (need ${minWords}) in ${files.length} files under ` +
        `${Object.values(roots).join(", ")}; the benchmark corpus is made from text already on the machine`,
    );
  }
  return {
    docs: builder.docs,
    words: builder.words,
    files: read,
    wordsByOrigin: builder.wordsByOrigin,
    loadMs: performance.now() - started,
  };
}

/** A pool from given texts (paragraphs separated by blank lines), for tests and custom corpora. */
export function poolFromTexts(texts: readonly { title: string; text: string }[], seed = 1): TextPool {
  const started = performance.now();
  const builder = new PoolBuilder(seed);
  for (const { title, text } of texts) {
    const paragraphs = text
      .split(/\n\s*\n/)
      .map(collapse)
      .filter(Boolean);
    builder.add(title, { title, sections: [{ heading: null, paragraphs }] }, "doc");
  }
  if (builder.docs.length === 0) throw new CorpusError("poolFromTexts: no prose paragraphs in the given texts");
  return {
    docs: builder.docs,
    words: builder.words,
    files: texts.length,
    wordsByOrigin: builder.wordsByOrigin,
    loadMs: performance.now() - started,
  };
}

function titleCase(heading: string): string {
  return heading === heading.toUpperCase() ? heading.charAt(0) + heading.slice(1).toLowerCase() : heading;
}

/** Groups prose paragraphs of each file into documents of roughly 120–450 words, dropping exact duplicate paragraphs. */
class PoolBuilder {
  readonly docs: PoolDoc[] = [];
  words = 0;
  readonly wordsByOrigin: Record<SourceOrigin, number> = { license: 0, doc: 0, man: 0, node_modules: 0 };
  private readonly seen = new Set<string>();
  private readonly random: Random;

  constructor(seed: number) {
    this.random = mulberry32(deriveSeed(seed, 0x9002));
  }

  add(fileTitle: string, parsed: ParsedText, origin: SourceOrigin): void {
    let current: PoolDoc | null = null;
    let target = 0;
    const fileDocs: PoolDoc[] = [];
    for (const section of parsed.sections) {
      for (const paragraph of section.paragraphs) {
        if (!isProse(paragraph) || this.seen.has(paragraph)) continue;
        this.seen.add(paragraph);
        const sentences = splitSentences(paragraph);
        const words = countWords(paragraph);
        if (!current) {
          const heading = section.heading ? titleCase(section.heading) : null;
          current = {
            title: heading && heading !== fileTitle ? `${fileTitle} — ${heading}` : fileTitle,
            paragraphs: [],
            words: 0,
          };
          target = randomInt(this.random, 120, 450);
          fileDocs.push(current);
        }
        current.paragraphs.push(sentences);
        current.words += words;
        this.words += words;
        this.wordsByOrigin[origin] += words;
        if (current.words >= target) current = null;
      }
      // A document does not run on into the next section unless it is still very short.
      if (current && current.words >= 60) current = null;
    }
    // A short tail joins the file's previous document rather than standing alone.
    const last = fileDocs.at(-1);
    const previous = fileDocs.at(-2);
    if (last && previous && last.words < 40) {
      previous.paragraphs.push(...last.paragraphs);
      previous.words += last.words;
      fileDocs.pop();
    }
    this.docs.push(...fileDocs);
  }
}

// ---------------------------------------------------------------------------------------------
// Documents

export interface CorpusOptions {
  seed: number;
  /** Stop once the estimated passage count (see estimatePassages) reaches this. */
  passages: number;
}

const CONSONANTS = "bdfgklmnprstvz";
const VOWELS = "aeiou";
const SYLLABLES: string[] = [];
for (const c of CONSONANTS) for (const v of VOWELS) SYLLABLES.push(c + v);

function syllables(n: number, minLength: number): string {
  let out = "";
  let rest = n;
  let count = 0;
  while (rest > 0 || count < minLength) {
    out = (SYLLABLES[rest % SYLLABLES.length] as string) + out;
    rest = Math.floor(rest / SYLLABLES.length);
    count++;
  }
  return out;
}

/**
 * A unique pronounceable code name for document ordinal `n` ("Babelo", "Kitorazu"): consonant–vowel
 * syllables, so it ends in a vowel. Distinct ordinals give distinct names (the encoding is a base-70
 * number with a fixed minimum length, and longer names encode only larger ordinals).
 */
export function codeName(n: number): string {
  const name = syllables(n, 4);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** A collection name, shared by many documents; ends in "th" so it never equals a code name. */
export function collectionName(n: number): string {
  const name = `${syllables(n, 2)}th`;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Number of distinct collection names; a document's collection is drawn log-uniformly (heavy head, long tail). */
const COLLECTIONS = 50_000;

const TAG_SENTENCES: readonly ((tag: string, collection: string) => string)[] = [
  (t, c) => `This note is filed as ${t} in the ${c} collection.`,
  (t, c) => `Reference ${t}, kept with the ${c} papers.`,
  (t, c) => `The ${c} archive lists this text under ${t}.`,
  (t, c) => `Catalogue entry ${t} (${c}).`,
];

/** Lazily yields documents until the estimated passage count reaches `options.passages`. */
export function* generateDocuments(pool: TextPool, options: CorpusOptions): Generator<BenchDoc> {
  const base = pool.docs;
  if (base.length === 0) throw new CorpusError("generateDocuments: the text pool is empty");
  let passages = 0;
  let ordinal = 0;
  for (let round = 0; passages < options.passages; round++) {
    const order = permutation(mulberry32(deriveSeed(options.seed, round, 0x5eed)), base.length);
    for (let i = 0; i < order.length && passages < options.passages; i++) {
      const random = mulberry32(deriveSeed(options.seed, ordinal, 0xd0c));
      const doc = makeDocument(base, base[order[i] as number] as PoolDoc, round, ordinal, random);
      passages += estimatePassages(countWords(doc.text));
      ordinal++;
      yield doc;
    }
  }
}

function makeDocument(
  base: readonly PoolDoc[],
  source: PoolDoc,
  round: number,
  ordinal: number,
  random: Random,
): BenchDoc {
  let paragraphs: string[][];
  if (round === 0) {
    paragraphs = source.paragraphs.map((p) => p.slice());
  } else {
    paragraphs = [];
    for (const paragraph of source.paragraphs) {
      const roll = random();
      if (roll < 0.08 && source.paragraphs.length > 1) continue; // drop
      const chosen = roll < 0.3 ? pick(random, pick(random, base).paragraphs) : paragraph; // mix in another source
      paragraphs.push(shuffleInPlace(random, chosen.slice()));
      if (random() < 0.08) paragraphs.push(shuffleInPlace(random, pick(random, pick(random, base).paragraphs).slice())); // add
    }
    if (paragraphs.length === 0) paragraphs.push(shuffleInPlace(random, (source.paragraphs[0] ?? ["Empty."]).slice()));
  }
  const tag = codeName(ordinal);
  const collection = collectionName(Math.floor(Math.exp(random() * Math.log(COLLECTIONS))) - 1);
  const where = paragraphs[Math.floor(random() * paragraphs.length)] as string[];
  where.splice(Math.floor(random() * (where.length + 1)), 0, pick(random, TAG_SENTENCES)(tag, collection));
  return {
    id: `doc${ordinal}`,
    title: `${source.title} (${tag})`,
    text: paragraphs.map((p) => p.join(" ")).join("\n\n"),
    tag,
  };
}

export interface CorpusStats {
  documents: number;
  words: number;
  characters: number;
  estimatedPassages: number;
  generateMs: number;
}

/** Generates all documents into an array (what an index build needs) and reports their size. */
export function generateCorpus(pool: TextPool, options: CorpusOptions): { docs: BenchDoc[]; stats: CorpusStats } {
  const started = performance.now();
  const docs: BenchDoc[] = [];
  let words = 0;
  let characters = 0;
  let estimatedPassages = 0;
  for (const doc of generateDocuments(pool, options)) {
    const w = countWords(doc.text);
    words += w;
    characters += doc.text.length + doc.title.length;
    estimatedPassages += estimatePassages(w);
    docs.push(doc);
  }
  return {
    docs,
    stats: { documents: docs.length, words, characters, estimatedPassages, generateMs: performance.now() - started },
  };
}
