import { describe, expect, it } from "vitest";
import { gapKey, QuestionTally } from "../../../src/core/guilds/tally.js";

const DAY = 86_400_000;
const NOW = Date.parse("2025-03-01T12:00:00Z");
const RETENTION = 30 * DAY;
const at = (ageMs: number) => new Date(NOW - ageMs).toISOString();

describe("QuestionTally", () => {
  it("counts answered and unanswered questions over 7 and 30 days", () => {
    const tally = new QuestionTally(RETENTION);
    for (const [age, answered] of [
      [1 * DAY, true],
      [2 * DAY, false],
      [6 * DAY, true],
      [8 * DAY, false],
      [29 * DAY, true],
      [31 * DAY, false],
      [90 * DAY, true],
    ] as const)
      tally.add({ at: at(age), question: `q ${age}`, answered });
    expect(tally.stats(NOW).windows).toEqual([
      { days: 7, answered: 2, abstained: 1 },
      { days: 30, answered: 3, abstained: 2 },
    ]);
    // Three days later, what was 6 and 29 days old falls out of the windows.
    expect(tally.stats(NOW + 3 * DAY).windows).toEqual([
      { days: 7, answered: 1, abstained: 1 },
      { days: 30, answered: 2, abstained: 2 },
    ]);
  });

  it("ranks the unanswered questions asked most, the same question in other case and punctuation counting once", () => {
    const tally = new QuestionTally(RETENTION);
    const ask = (question: string, times: number, answered = false) => {
      for (let i = 0; i < times; i++) tally.add({ at: at(i * 3_600_000), question, answered });
    };
    ask("When does the ferry leave?", 3);
    ask("when does the FERRY leave", 2);
    ask("Who runs the harbour?", 4);
    ask("Where is the pier?", 1);
    ask("What time is it?", 9, true); // answered: not a gap
    expect(tally.stats(NOW).gaps).toEqual([
      { question: "When does the ferry leave?", count: 5 },
      { question: "Who runs the harbour?", count: 4 },
      { question: "Where is the pier?", count: 1 },
    ]);
    expect(gapKey("  When DOES the ferry—leave?! ")).toBe("when does the ferry leave");
  });

  it("counts a private question and never keeps its text", () => {
    const tally = new QuestionTally(RETENTION);
    tally.add({ at: at(0), question: "my secret question", answered: false, private: true });
    tally.add({ at: at(0), question: "", answered: false, private: true });
    tally.add({ at: at(0), question: "public one", answered: false });
    const stats = tally.stats(NOW);
    expect(stats.windows[0]).toEqual({ days: 7, answered: 0, abstained: 3 });
    expect(stats.privateAbstained).toBe(2);
    expect(JSON.stringify(stats)).not.toContain("secret");
    expect(stats.gaps).toEqual([{ question: "public one", count: 1 }]);
  });

  it("still finds the questions asked most among a flood of one-off questions, in bounded memory", () => {
    const tally = new QuestionTally(RETENTION);
    let n = 0;
    for (let i = 0; i < 60_000; i++) {
      const question =
        i % 10 === 0 ? "How late is the office open?" : i % 25 === 0 ? "Is there parking?" : `one-off ${n++}`;
      tally.add({ at: at((i % 20) * DAY), question, answered: false });
    }
    const { gaps } = tally.stats(NOW);
    expect(gaps.slice(0, 2).map((g) => g.question)).toEqual(["How late is the office open?", "Is there parking?"]);
    // Counts shown are never more than the truth, and short of it by at most what the summary had to forget.
    expect(gaps[0]?.count).toBeLessThanOrEqual(6000);
    expect(gaps[0]?.count).toBeGreaterThan(6000 - 60_000 / 256);
  });
});
