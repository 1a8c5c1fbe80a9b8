/**
 * `npm run --silent eval -- DIR [--json] [--max N]`: retrieval quality on a collection in the shared eval format,
 * indexed by the same pipeline the bot uses. Prints nDCG@10, MRR@10, Recall@100 and, when answers.jsonl is present,
 * answerTop1/answerTop5 (the answer string inside the top-1/top-5 quotes).
 */
import { parseArgs } from "node:util";
import { evaluate } from "../core/index.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: "boolean", default: false }, max: { type: "string" } },
});
const dir = positionals[0];
if (dir === undefined) {
  process.stderr.write("Usage: npm run --silent eval -- DIR [--json] [--max N]\n");
  process.exit(2);
}
const options = values.max === undefined ? {} : { maxQueries: Number(values.max) };
evaluate(dir, options).then(
  (result) => {
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const rows = Object.entries(result).map(([k, v]) => `${k.padEnd(12)} ${v === null ? "n/a" : v}`);
    process.stdout.write(`${dir}\n${rows.join("\n")}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`eval: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
