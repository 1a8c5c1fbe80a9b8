/**
 * The dictionary the spelling check asks (src/core/search/spelling.ts): the shipped word vectors' 40,000 frequent
 * words and WordNet 3.1's 82,000 one-word lemmas and irregular forms (src/core/answer/data/words.txt.gz, made by
 * scripts/word-list.ts, about 250 KB, read on the first question that has a word the corpus lacks). A regular
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
  private readonly words: ReadonlySet<string>;

  constructor(
    words: Iterable<string>,
    private readonly vectors: WordVectors | null = null,
  ) {
    this.words = new Set(words);
  }

  has(word: string): boolean {
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

const shippedWords = shippedFile<string[] | null>(
  "words.txt.gz",
  (bytes) => gunzipSync(bytes).toString("utf8").split("\n").filter(Boolean),
  null,
);

let shipped: { vectors: WordVectors | null; dictionary: Dictionary } | undefined;

/** The shipped list with `vectors`' words; the vectors alone when the list is missing. */
export function shippedDictionary(vectors: WordVectors | null): Dictionary {
  if (shipped === undefined || shipped.vectors !== vectors)
    shipped = { vectors, dictionary: new Dictionary(shippedWords() ?? [], vectors) };
  return shipped.dictionary;
}
