/**
 * "Near-identical question" (what a pin applies to), measured: rewordings that keep the content words match, different
 * questions do not — over every pair of the bundled corpus's development questions with different expected answers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NEAR_THRESHOLD, nearIdentical, questionKey, similarity } from "../../../src/core/guilds/similar.js";
import { REPO_ROOT } from "../../support/paths.js";

const near = (a: string, b: string) => nearIdentical(questionKey(a), questionKey(b));

/** Rewordings a member might type for the same question. */
const SAME: Array<[string, string]> = [
  ["When did Antonov return to Moscow?", "when did antonov return to moscow"],
  ["When did Antonov return to Moscow?", "When did Antonov return to Moscow???"],
  ["When did Antonov return to Moscow?", "Antonov returned to Moscow when?"],
  ["When did Antonov return to Moscow?", "Please tell me when Antonov returned to Moscow."],
  ["When did Antonov return to Moscow?", "When did Antonov finally return to Moscow?"],
  ["When did the ambassador return to Moscow?", "When did the Russian ambassador return to Moscow?"],
  ["How old is Antonov?", "how old is Antonov ?"],
  ["Who will replace Antonov as ambassador?", "Who is going to replace Antonov as ambassador?"],
  ["Which consulate did the U.S. order closed in 2017?", "Which consulate did the US order closed in 2017"],
  ["What did Antonov say about sanctions against Russia?", "What did Antonov say about Russia's sanctions?"],
  ["How many U.S. presidents did Dobrynin serve under?", "How many US presidents did Dobrynin serve under?"],
];

/** Questions that look alike and ask something else. */
const DIFFERENT: Array<[string, string]> = [
  ["When did Antonov return to Moscow?", "Why did Antonov return to Moscow?"],
  ["When did Antonov return to Moscow?", "When did Antonov leave Moscow?"],
  ["When did the ambassador return to Moscow in October?", "When did the ambassador return to Moscow in November?"],
  ["Which officials met Antonov?", "Which officials did not meet Antonov?"],
  ["How old is Antonov?", "How many years did Antonov serve?"],
  ["How old is Antonov?", "How old is Darchiev?"],
];

interface EvalLine {
  id: string;
  question: string;
  answers: string[];
}

function read(file: string): EvalLine[] {
  return readFileSync(join(REPO_ROOT, "eval/bundled", file), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as EvalLine);
}

describe("near-identical questions", () => {
  it.each(SAME)("matches %j and %j", (a, b) => {
    expect(near(a, b)).toBe(true);
  });

  it.each(DIFFERENT)("keeps %j and %j apart", (a, b) => {
    expect(near(a, b)).toBe(false);
  });

  it("does not read who did what to whom (a known limit, stated in the README)", () => {
    expect(near("Who replaced Antonov?", "Whom did Antonov replace?")).toBe(true);
  });

  it("never matches two development questions with different expected answers (the measured threshold)", () => {
    const questions = read("dev.jsonl");
    let pairs = 0;
    let highest = 0;
    const matched: string[] = [];
    for (let i = 0; i < questions.length; i++)
      for (let j = i + 1; j < questions.length; j++) {
        const a = questions[i] as EvalLine;
        const b = questions[j] as EvalLine;
        if (a.answers.some((x) => b.answers.includes(x))) continue;
        pairs++;
        const s = similarity(questionKey(a.question), questionKey(b.question));
        highest = Math.max(highest, s);
        if (s >= NEAR_THRESHOLD) matched.push(`${a.id} ~ ${b.id}`);
      }
    expect(pairs).toBeGreaterThan(7000);
    expect(matched).toEqual([]);
    // The margin the threshold keeps over the closest pair of different questions (0.6: "What did Antonov major in
    // at MGIMO?" / "What year did Antonov graduate from MGIMO?").
    expect(highest).toBeLessThan(NEAR_THRESHOLD);
  });

  it("reads negation, question word and the word after 'how' into the form", () => {
    expect(questionKey("How many presidents did he serve?").form).toBe("how many");
    expect(questionKey("Why didn't he go?").form).toBe("why!");
    expect(questionKey("Antonov's age").form).toBe("-");
    expect(questionKey("Whom did Antonov replace?").form).toBe("who");
  });

  it("is linear in the question's length on adversarial input", () => {
    const time = (text: string) => {
      const started = performance.now();
      for (let i = 0; i < 5; i++) questionKey(text);
      return performance.now() - started;
    };
    const n = 200_000;
    const ordinary = "When did the ambassador return to Moscow after the talks? ".repeat(n / 60).slice(0, n);
    const adversarial = ("how ".repeat(n / 8) + "n't ".repeat(n / 8)).slice(0, n);
    time(ordinary);
    expect(time(adversarial) / time(ordinary)).toBeLessThan(10);
  });
});
