/**
 * The dictionary the spelling check asks (src/core/search/spelling.ts): the shipped word vectors' 40,000 frequent
 * words and WordNet 3.1's 82,000 one-word lemmas and irregular forms (src/core/answer/data/words.txt.gz, made by
 * scripts/word-list.ts, about 250 KB, read the first time a word the corpus lacks is looked up). A regular
 * inflection of a listed word is a word too ("tellies", "vetted"): its endings are taken back to the lemma by WordNet's
 * own rules (morphy's detachment rules), so the list needs no inflected forms.
 */
import { gunzipSync } from "node:zlib";
import type { WordList } from "../search/spelling.js";
import { shippedFile } from "./shipped.js";
import type { WordVectors } from "./vectors.js";

/** morphy's detachment rules for nouns, verbs and adjectives: an ending and what replaces it. */
const DETACH: ReadonlyArray<readonly [string, string]> = [
  ["s", ""],
  ["ses", "s"],
  ["xes", "x"],
  ["zes", "z"],
  ["ches", "ch"],
  ["shes", "sh"],
  ["men", "man"],
  ["ies", "y"],
  ["es", "e"],
  ["es", ""],
  ["ed", "e"],
  ["ed", ""],
  ["ing", "e"],
  ["ing", ""],
  ["er", ""],
  ["est", ""],
  ["er", "e"],
  ["est", "e"],
];

export class Dictionary implements WordList {
  /** The listed words, or how to read them when first needed (the shipped list). */
  private words: ReadonlySet<string> | (() => ReadonlySet<string>);

  constructor(
    words: Iterable<string> | (() => ReadonlySet<string>),
    private readonly vectors: WordVectors | null = null,
  ) {
    this.words = typeof words === "function" ? words : new Set(words);
  }

  has(word: string): boolean {
    if (typeof this.words === "function") this.words = this.words();
    return this.words.has(word) || this.vectors?.has(word) === true;
  }

  hasForm(word: string): boolean {
    if (this.has(word)) return true;
    for (const [ending, base] of DETACH) {
      if (word.length > ending.length + 1 && word.endsWith(ending)) {
        const stem = word.slice(0, word.length - ending.length);
        if (this.has(stem + base)) return true;
        // "vetted", "running", "bigger": a doubled final consonant before a verb's or an adjective's ending (never a
        // plural's: "ambassadorrs" is a slip).
        if (
          base === "" &&
          ending !== "s" &&
          ending !== "es" &&
          stem.length > 2 &&
          stem.at(-1) === stem.at(-2) &&
          this.has(stem.slice(0, -1))
        )
          return true;
      }
    }
    return false;
  }
}

const shippedWords = shippedFile<ReadonlySet<string>>(
  "words.txt.gz",
  (bytes) => new Set(gunzipSync(bytes).toString("utf8").split("\n").filter(Boolean)),
  new Set(),
);

/**
 * The shipped list (read once, on the first look-up) with `vectors`' words; the vectors alone when the list is
 * missing. Cheap to make per question: nothing is read or copied here.
 */
export function shippedDictionary(vectors: WordVectors | null): Dictionary {
  return new Dictionary(shippedWords, vectors);
}
