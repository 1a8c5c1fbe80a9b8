import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EvalQuestion, scoreQuestions } from "../../../src/core/eval/questions.js";
import { Library } from "../../../src/core/library/library.js";

let dir: string;
let library: Library;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-questions-"));
  await writeFile(
    join(dir, "harbour.md"),
    "---\ntitle: Harbour opening hours\n---\nThe harbour office opens at 7:30 and closes at 16:00 on weekdays. The ferry to Lindholm leaves every ninety minutes from the north pier.\n",
  );
  ({ library } = await Library.open({ corpusDir: dir }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("scoreQuestions", () => {
  it("scores answers found at 1, answers missed, and quotes given to unanswerable questions", () => {
    const questions: EvalQuestion[] = [
      {
        id: "q1",
        kind: "factual",
        question: "When does the harbour office open?",
        answers: ["7:30"],
        doc: "harbour.md",
      },
      {
        id: "q2",
        kind: "factual",
        question: "When does the harbour office open?",
        answers: ["midnight"],
        doc: "harbour.md",
      },
      { id: "q3", kind: "unanswerable", question: "How much does the ferry to Lindholm cost?", answers: [], doc: null },
      { id: "q4", kind: "unanswerable", question: "What is the capital of Australia?", answers: [], doc: null },
    ];
    const result = scoreQuestions(library, questions);
    expect(result.outcomes.map((o) => o.foundAt)).toEqual([1, null, null, null]);
    expect(result.answerable).toEqual({
      questions: 2,
      top1: 1,
      top3: 1,
      falseAbstentions: 0,
      rankedTop1: 1,
      rankedTop3: 1,
    });
    expect(result.unanswerable.questions).toBe(2);
    expect(result.outcomes.find((o) => o.id === "q4")?.answered).toBe(false);
    expect(result.unanswerable.answered).toBe(
      result.outcomes.filter((o) => o.kind === "unanswerable" && o.answered).length,
    );
    expect(result.meanTopQuoteChars).toBeGreaterThan(20);
  });
});
