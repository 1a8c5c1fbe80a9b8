/**
 * Words related to a question's words, by index term: irregular forms ("left"/"leave"), British/American spellings ("defence"/"defense"), derivations
 * ("successor"/"succeed"), synonyms and the nearest broader or narrower word, from WordNet 3.1 for the 40,000 most
 * frequent English words. Made by scripts/word-relations.ts into src/core/answer/data/word-relations.txt.gz (about
 * 360 KB, read in a few milliseconds on first use). A relation is evidence weaker than the word itself: each kind has
 * its own strength (AnswerParams.relationStrength), calibrated with the rest of the evidence.
 */
import { gunzipSync } from "node:zlib";
import { shippedFile } from "./shipped.js";

/** i irregular inflection, v spelling, d derivation, s synonym, h broader/narrower: strongest first. */
export type RelationKind = "inflection" | "spelling" | "derived" | "synonym" | "related";

const KIND: Record<string, RelationKind> = {
  i: "inflection",
  v: "spelling",
  d: "derived",
  s: "synonym",
  h: "related",
};

export class WordRelations {
  private readonly rows = new Map<string, string>();

  /** `text`: the table's lines (`term<TAB>kind:term,term…`). Rows are parsed on first use. */
  constructor(text: string) {
    for (const line of text.split("\n")) {
      const tab = line.indexOf("\t");
      if (tab > 0) this.rows.set(line.slice(0, tab), line.slice(tab + 1));
    }
  }

  static fromGzip(buffer: Buffer): WordRelations {
    return new WordRelations(gunzipSync(buffer).toString("utf8"));
  }

  get size(): number {
    return this.rows.size;
  }

  /** The terms related to `term`, each with the strongest kind of relation. */
  related(term: string): Map<string, RelationKind> {
    const out = new Map<string, RelationKind>();
    const row = this.rows.get(term);
    if (row === undefined) return out;
    for (const field of row.split("\t")) {
      const kind = KIND[field.charAt(0)];
      if (kind === undefined || field.charAt(1) !== ":") continue;
      for (const t of field.slice(2).split(",")) if (t !== "" && !out.has(t)) out.set(t, kind);
    }
    return out;
  }
}

/** The shipped table, read once; null when the file is missing or unreadable (answers then use no relations). */
export const shippedRelations: () => WordRelations | null = shippedFile<WordRelations | null>(
  "word-relations.txt.gz",
  (bytes) => WordRelations.fromGzip(bytes),
  null,
);
