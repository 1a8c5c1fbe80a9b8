import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { poolFromTexts } from "../../bench/corpus.js";
import { FLEXSEARCH_BEST, FLEXSEARCH_CONFIGS, FlexSearchSystem } from "../../bench/systems/flexsearch.js";
import { findSystem } from "../../bench/systems/index.js";
import { buildWorkload } from "../../bench/workload.js";

const PARAGRAPHS = [
  "The kernel keeps a ring buffer of log messages. Reading from the buffer removes the messages that were read, so the information can be read only once.",
  "A remote repository holds the history of a project. Fetching downloads objects and refs from another repository, and merging integrates them with the current branch.",
  "The license grants permission to copy and distribute verbatim copies of this document, but changing it is not allowed without written consent.",
  "Timers fire after an interval has elapsed. Each timer calls the procedure it was registered with, passing the client data and the timer identifier.",
];

function workload() {
  const pool = poolFromTexts(
    PARAGRAPHS.map((text, i) => ({ title: `Text ${i}`, text: `${text}\n\n${PARAGRAPHS[(i + 1) % 4]}` })),
  );
  return buildWorkload({ seed: 1, passages: 60, questions: 20 }, pool);
}

describe("FlexSearchSystem", () => {
  const root = mkdtempSync(join(tmpdir(), "bench-flexsearch-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is registered for npm run bench", () => {
    expect(findSystem("flexsearch").create()).toBeInstanceOf(FlexSearchSystem);
    expect(FLEXSEARCH_CONFIGS).toContain(FLEXSEARCH_BEST);
  });

  it("answers from the passages, and a saved index reloads with identical answers", async () => {
    const { documents, passages, questions } = workload();
    const built = new FlexSearchSystem();
    built.build({ documents, passages });
    const first = questions[0];
    if (!first) throw new Error("no questions");
    const answer = built.query(first.text);
    expect(answer.length).toBeGreaterThan(0);
    expect(answer.length).toBeLessThanOrEqual(10);
    expect(answer.every((id) => passages.some((p) => p.id === id))).toBe(true);
    expect(built.resultDocIds(answer).every((id) => documents.some((d) => d.id === id))).toBe(true);

    // A document's code name is in its title and one sentence, and in no other document.
    const byTag = built.query(documents[5]?.tag ?? "");
    expect(built.resultDocIds(byTag)[0]).toBe(documents[5]?.id);

    const dir = mkdtempSync(join(root, "index-"));
    await built.save(dir);
    const loaded = new FlexSearchSystem();
    await loaded.load(dir);
    for (const q of questions) expect(loaded.query(q.text)).toEqual(built.query(q.text));
    built.dispose();
    expect(() => built.query("x")).toThrow(/build or load/);
  });

  it("with suggest, still answers a question holding a word no passage has; flexsearch's default AND does not", () => {
    const { documents, passages } = workload();
    const question = `${documents[5]?.tag ?? ""} zzyzxunheardof`;
    const strictAnd = new FlexSearchSystem(FLEXSEARCH_CONFIGS[0]);
    strictAnd.build({ documents, passages });
    expect(strictAnd.query(question)).toEqual([]);
    const best = new FlexSearchSystem(FLEXSEARCH_BEST);
    best.build({ documents, passages });
    expect(best.resultDocIds(best.query(question))[0]).toBe(documents[5]?.id);
  });

  it("refuses an index saved with other options, and a truncated one", async () => {
    const { documents, passages } = workload();
    const built = new FlexSearchSystem();
    built.build({ documents, passages });
    const dir = mkdtempSync(join(root, "index-"));
    await built.save(dir);

    const other = FLEXSEARCH_CONFIGS.find((c) => c.name !== FLEXSEARCH_BEST.name);
    await expect(new FlexSearchSystem(other).load(dir)).rejects.toThrow(/was saved with/);

    const file = join(dir, "flexsearch.tsv");
    const lines = readFileSync(file, "utf8").split("\n");
    writeFileSync(file, lines.slice(0, -2).join("\n"));
    await expect(new FlexSearchSystem().load(dir)).rejects.toThrow(/truncated/);
  });
});
