/**
 * `npm run bench:logs -- [--questions 1000000] [--guilds 10] [--audit 100000]`: what the servers' logs cost in memory
 * and what /stats costs, with months of logged questions on disk.
 *
 * Writes a data folder under the system's temporary directory with the question and audit logs already filled in
 * (written here directly in the store's JSON-lines format, as years of use would leave them: the store's own append
 * path fsyncs every line, which would take hours for a million), opens the store as the bot does, and prints:
 * open time, heap held after open (after a forced GC), and /stats time (first call, then the median of 20).
 * Run with `node --expose-gc` (the npm script does) so the heap figure is after a collection.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildSegment, GuildCorpora, GuildStore, Library } from "../src/core/index.js";
import { mulberry32 } from "./random.js";

const { values } = parseArgs({
  options: {
    questions: { type: "string", default: "1000000" },
    guilds: { type: "string", default: "10" },
    audit: { type: "string", default: "100000" },
    seed: { type: "string", default: "1" },
    keep: { type: "boolean", default: false },
  },
});
const QUESTIONS = Number(values.questions);
const GUILDS = Number(values.guilds);
const AUDIT = Number(values.audit);
const random = mulberry32(Number(values.seed));
const DAY = 86_400_000;
const now = Date.now();

const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const WORDS =
  "harbour ferry office crane quay lighthouse keeper schedule winter summer north south opening hours ticket price storm warning pier boat island market".split(
    " ",
  );
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
/** A question: one of 2,000 common ones (asked again and again), or a one-off. */
function question(): string {
  if (random() < 0.6)
    return `When does the ${WORDS[Math.floor(random() * 20)]} ${pick(WORDS)} open on day ${Math.floor(random() * 100)}?`;
  return `What about the ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} number ${Math.floor(random() * 1e9)}?`;
}

const dir = await mkdtemp(join(tmpdir(), "verbatim-bench-logs-"));
const guildIds = Array.from({ length: GUILDS }, (_, i) => String(200000000000000000n + BigInt(i)));
const started = performance.now();
await mkdir(join(dir, "guilds"), { recursive: true });
await writeFile(join(dir, "guilds", "schema.json"), `${JSON.stringify({ format: "verbatim-guilds", version: 1 })}\n`);
for (const [g, guildId] of guildIds.entries()) {
  const folder = join(dir, "guilds", guildId);
  await mkdir(join(folder, "documents"), { recursive: true });
  const count = Math.floor(QUESTIONS / GUILDS) + (g < QUESTIONS % GUILDS ? 1 : 0);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    // Spread over the last 29 days, oldest first (as appended).
    const at = new Date(now - 29 * DAY + Math.floor((i / count) * 29 * DAY)).toISOString();
    lines.push(JSON.stringify({ at, question: question(), answered: random() < 0.7 }));
  }
  await writeFile(join(folder, "questions.jsonl"), lines.length > 0 ? `${lines.join("\n")}\n` : "");
  const audits: string[] = [];
  const auditCount = Math.floor(AUDIT / GUILDS);
  for (let i = 0; i < auditCount; i++) {
    const at = new Date(now - 300 * DAY + Math.floor((i / auditCount) * 300 * DAY)).toISOString();
    audits.push(
      JSON.stringify({
        at,
        guildId,
        userId: "111111111111111111",
        action: "add document",
        outcome: "ok",
        detail: question(),
      }),
    );
  }
  await writeFile(join(folder, "audit.jsonl"), audits.length > 0 ? `${audits.join("\n")}\n` : "");
}
const writtenMs = performance.now() - started;

/** Opens the store and times /stats; returns the figures and the store (to measure what it holds). */
async function measure() {
  const openStarted = performance.now();
  const store = await GuildStore.open(dir);
  const openMs = performance.now() - openStarted;
  const corpora = new GuildCorpora(store, Library.fromSegment(buildSegment([])), {
    maxUploadBytes: 1 << 20,
    maxDocuments: 100,
  });
  const target = guildIds[0] as string;
  const firstStarted = performance.now();
  const first = corpora.stats(target);
  const firstMs = performance.now() - firstStarted;
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    corpora.stats(target);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { store, corpora, openMs, first, firstMs, median: times[Math.floor(times.length / 2)] as number };
}

let measured: Awaited<ReturnType<typeof measure>> | null = await measure();
const { openMs, first, firstMs, median } = measured;
// What the store holds: the heap with it, less the heap once it is dropped.
const withStore = heap();
await (measured.store as { close?: () => Promise<void> }).close?.();
measured = null;
const held = withStore - heap();

console.log(
  `logs bench: ${QUESTIONS.toLocaleString("en")} questions and ${AUDIT.toLocaleString("en")} audit entries over ${GUILDS} servers (files written in ${(writtenMs / 1000).toFixed(1)} s${gc ? "" : "; run with --expose-gc for a true heap figure"})`,
);
console.log(`  open: ${openMs.toFixed(0)} ms; heap held by the store after open: ${mb(held)}`);
console.log(
  `  /stats for one server (${Math.floor(QUESTIONS / GUILDS).toLocaleString("en")} questions): first ${firstMs.toFixed(1)} ms, median of 20 ${median.toFixed(2)} ms`,
);
console.log(
  `  last 30 days: ${first.questions[1]?.answered} answered, ${first.questions[1]?.abstained} not in the corpus; top gap asked ${first.gaps[0]?.count ?? 0}×`,
);
if (!values.keep) await rm(dir, { recursive: true, force: true });
else console.log(`  data kept in ${dir}`);
