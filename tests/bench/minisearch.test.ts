import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { poolFromTexts } from "../../bench/corpus.js";
import { MiniSearchSystem } from "../../bench/systems/minisearch.js";
import { buildWorkload } from "../../bench/workload.js";

const PARAGRAPHS = [
  "The kernel keeps a ring buffer of log messages. Reading from the buffer removes the messages that were read, so the information can be read only once.",
  "A remote repository holds the history of a project. Fetching downloads objects and refs from another repository, and merging integrates them with the current branch.",
  "The license grants permission to copy and distribute verbatim copies of this document, but changing it is not allowed without written consent.",
  "Timers fire after an interval has elapsed. Each timer calls the procedure it was registered with, passing the client data and the timer identifier.",
];

describe("MiniSearchSystem", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-minisearch-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("answers from the passages, and a saved index reloads with identical answers", async () => {
    const pool = poolFromTexts(
      PARAGRAPHS.map((text, i) => ({ title: `Text ${i}`, text: `${text}\n\n${PARAGRAPHS[(i + 1) % 4]}` })),
    );
    const { documents, passages, questions } = buildWorkload({ seed: 1, passages: 60, questions: 20 }, pool);
    const built = new MiniSearchSystem();
    built.build({ documents, passages });
    const first = questions[0];
    if (!first) throw new Error("no questions");
    const answer = built.query(first.text);
    expect(answer.length).toBeGreaterThan(0);
    expect(answer.length).toBeLessThanOrEqual(10);
    expect(built.resultDocIds(answer).every((id) => documents.some((d) => d.id === id))).toBe(true);

    const byTag = built.query(documents[5]?.tag ?? "");
    expect(built.resultDocIds(byTag)[0]).toBe(documents[5]?.id);

    await built.save(dir);
    const loaded = new MiniSearchSystem();
    await loaded.load(dir);
    for (const q of questions) expect(loaded.query(q.text)).toEqual(built.query(q.text));
    built.dispose();
    expect(() => built.query("x")).toThrow(/build or load/);
  });
});
