/**
 * Verbatim's own question set over the bundled corpus: answerable questions (some paraphrased) must have the answer
 * inside the top three quotes; questions about things the corpus does not hold must abstain.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Library } from "../../../src/core/library/library.js";
import { answerQuestion, DEFAULT_ANSWER } from "../../../src/core/answer/quotes.js";
import { loadFolder } from "../../support/corpus.js";
import { BUNDLED_CORPUS } from "../../support/paths.js";

const corpusDir = BUNDLED_CORPUS;

/** [question, a string the top three quotes must contain] */
const ANSWERABLE: Array<[string, string]> = [
  ["When did the ambassador return to Moscow?", "returned to Moscow on Oct. 5"],
  ["How old is Antonov?", "69"],
  ["Since when has Antonov led the Russian mission in Washington?", "since 2017"],
  ["What did Antonov write on Telegram about the enemy?", "the enemy will be defeated"],
  ["Which Ukrainian town did Russian forces capture?", "Vuhledar"],
  ["What year did Antonov graduate?", "1978"],
  ["What post did Antonov hold during the annexation of Crimea?", "deputy defense minister"],
  ["Which sanctions was Antonov subject to?", "European sanctions"],
  ["How does Antonov approach negotiations?", "piece of paper"],
  ["Who is Antonov's successor?", "successor"],
  ["When was Antonov appointed ambassador?", "August 2017"],
  ["What threats did Russian diplomats face in the U.S.?", "threats of physical violence"],
  ["Which Russian consulate did the U.S. close in 2017?", "Consulate in San Francisco"],
  ["What did Moscow close in retaliation?", "American Consulate in St. Petersburg"],
  ["What did the U.S. do to the consulates in 2020?", "suspended the operations of two remaining consulates"],
  ["Which outlet interviewed Antonov?", "Politico"],
  ["What does Antonov call the current state of U.S.-Russia relations?", "blockade"],
  ["What word does Antonov now prefer to use?", "stabilization"],
  ["Has Antonov spoken to Putin since he left for Washington?", "hasn't spoken to Putin"],
  ["Which problems cannot be solved without the United States and Russia?", "climate change"],
  ["What adage did Antonov cite about the coin?", "Every coin has two sides"],
  ["Why was Antonov recalled in March?", "killer"],
  ["What kind of relations does Antonov want to build with his American colleagues?", "equal and pragmatic relations"],
  ["From which airport did the plane carrying Antonov leave Moscow?", "Sheremetyevo"],
  ["Who was the US envoy to Moscow?", "John Sullivan"],
  ["When did Sullivan leave Moscow?", "Sullivan left Moscow in April"],
  ["How did Putin describe Biden?", "constructive, experienced partner"],
  ["Where was the summit between Putin and Biden held?", "Geneva"],
  ["Did Putin think relations would improve?", "glimpse of hope"],
  // Paraphrased: the question's words differ from the article's.
  ["Which news agency reported that the envoy was heading home?", "TASS"],
  [
    "What was the most serious clash between Moscow and the West since the Cuban missile crisis?",
    "invasion of Ukraine by Russia in 2022",
  ],
  ["Is the diplomat seen as a hardliner?", "hardliner"],
  ["What mood was Antonov in according to Ria Novosti?", "optimistic mood"],
  ["Why do officials in Washington refuse to meet the Russian envoy?", "cold shoulders"],
];

const OFF_CORPUS = [
  "What is the capital of Australia?",
  "banana bread recipe",
  "How do I reset my router password?",
  "Who won the 2018 FIFA World Cup?",
  "What is the boiling point of water in Kelvin?",
  "Explain quantum entanglement",
  "best pizza toppings",
  "When was the Eiffel Tower built?",
  "Who is the president of France?",
  "What is the population of Moscow?",
  "How do I install Python on Windows?",
];

let library: Library;
let texts: Map<string, string>;

beforeAll(async () => {
  ({ library } = await Library.open({ corpusDir }));
  const { documents } = await loadFolder(corpusDir);
  texts = new Map(documents.map((d) => [d.source.id, d.text]));
});

/** The ranking alone (every candidate quoted): whether to answer is the calibrated model's, measured by `npm run eval`. */
const ranked = (question: string) => answerQuestion([library.segment], question, 3, DEFAULT_ANSWER, { abstain: false });

describe("answerable questions: the answer is among the top three quotes", () => {
  it.each(ANSWERABLE)("%s", (question, expected) => {
    const answer = ranked(question);
    const quoted = answer.quotes.slice(0, 3).map((q) => q.text);
    expect(
      quoted.some((q) => q.includes(expected)),
      quoted.join("\n---\n"),
    ).toBe(true);
  });

  it("has at least 30 questions", () => {
    expect(ANSWERABLE.length).toBeGreaterThanOrEqual(30);
  });
});

describe("beyond lexical reach", () => {
  // "study" never occurs in the corpus (the article says "graduated"): Verbatim does not guess a paraphrase; it says
  // the corpus does not answer and lists the closest sources, which include the right article.
  it("a question sharing no content word with its answer abstains and lists the right source", () => {
    const answer = library.answer("Where did Antonov study?");
    expect(answer.answered).toBe(false);
    expect(answer.closest.map((s) => s.id)).toContain("defence-talks-russia-ambassador-concludes-term");
  });
});

describe("off-corpus questions abstain", () => {
  it.each(OFF_CORPUS)("%s", (question) => {
    const answer = library.answer(question);
    expect(answer.answered, answer.quotes.map((q) => q.text).join("\n")).toBe(false);
    expect(answer.quotes).toEqual([]);
  });
});

describe("every quote is verbatim and attributed", () => {
  it.each([...ANSWERABLE.map(([q]) => q)])("%s", async (question) => {
    for (const quote of [...library.answer(question).quotes, ...ranked(question).quotes]) {
      const text = texts.get(quote.source.id) as string;
      expect(text.slice(quote.start, quote.end)).toBe(quote.text);
      const file = await readFile(join(corpusDir, quote.source.path as string), "utf8");
      expect(file.includes(quote.text)).toBe(true);
      expect(quote.source.title ?? quote.source.publisher).toBeTruthy();
    }
  });
});
