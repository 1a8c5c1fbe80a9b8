/**
 * Answering reads untrusted text twice over, the question and the documents, and must stay linear in both: adversarial
 * questions and documents (runs of brackets, quotation marks, capitals, one endless sentence) take about as long as
 * ordinary text of the same length, measured in one run.
 */
import { describe, expect, it } from "vitest";
import { documentFromText } from "../../../src/core/ingest/document.js";
import { buildSegment } from "../../../src/core/search/segment.js";
import { answerQuestion, DEFAULT_ANSWER } from "../../../src/core/answer/quotes.js";
import { itemHead, quotationBalance } from "../../../src/core/answer/candidates.js";
import {
  answerStrength,
  type AnswerType,
  questionWords,
  withoutKindNoun,
} from "../../../src/core/answer/answer-type.js";
import { bestTime } from "../../support/timing.js";

const timed = (f: () => void, runs = 3) => bestTime(f, runs);

describe("answering is linear in the question's length", () => {
  const segment = buildSegment([
    documentFromText({
      id: "a",
      title: "Treaty",
      text: "The treaty was signed in Geneva in 1987 by both governments. Trade between the two countries grew afterwards.",
    }),
  ]);
  const ask = (q: string) => () => answerQuestion([segment], q, 3, DEFAULT_ANSWER);
  const n = 4000;
  const ordinary = "when was the treaty signed by both governments in geneva ".repeat(80).slice(0, n);

  it.each([
    ["one word repeated", "treaty ".repeat(n / 7)],
    ["brackets", "(".repeat(n)],
    ["What is X? with a long X", `What is ${"(treaty ".repeat(n / 8)}?`],
    ["capitals", "Geneva Treaty ".repeat(n / 14)],
    ["quotation marks", "“".repeat(n)],
    ["question words and kind nouns without a verb", "what date which year ".repeat(n / 21)],
    ["scene-setting clauses that never reach a question", "When a b, when c d, ".repeat(n / 20)],
    ["possessive nouns after which", `Which ${"year's ".repeat(n / 7)}budget?`],
    ["a masked link left open after its spaces", `[a](${" ".repeat(n)}x`],
    ["underscores between words and after them", `a${"_".repeat(n / 2)} ${"treaty_".repeat(n / 14)}`],
    ["What does X do? with a long X", `What does ${"(treaty ".repeat(n / 8)} do?`],
    ["where questions of whitespace before a verb that only says it happened", `where ${" ".repeat(n - 12)}held?`],
    ["spaces between event verbs that never end the question", `When ${"held \t ".repeat(n / 8)}x`],
  ])("%s", (_, adversarial) => {
    const base = timed(ask(ordinary));
    expect(timed(ask(adversarial.slice(0, n)))).toBeLessThan(10 * base + 50);
  });
});

describe("reading a question's last verb is linear in its length", () => {
  it("withoutKindNoun on a long blank run after the verb (cleanQuestion is not in front of it)", () => {
    const base = timed(() => withoutKindNoun(`Where was it held ${"x".repeat(100_000)}`));
    expect(timed(() => withoutKindNoun(`Where was it held${" ".repeat(100_000)}x`))).toBeLessThan(20 * base + 20);
  });

  it("withoutKindNoun on many words before the verb and a long run of punctuation after it", () => {
    const base = timed(() => withoutKindNoun(`Where was ${"x".repeat(100_000)}`));
    const words = `Where was ${"the summit ".repeat(9_000)}held${"?!…".repeat(300)}`;
    expect(timed(() => withoutKindNoun(words))).toBeLessThan(20 * base + 20);
  });
});

describe("answering is linear in the documents' length", () => {
  const build = (text: string) => buildSegment([documentFromText({ id: "d", title: "Doc", text })]);
  const n = 40_000;
  const ordinary = build("The treaty was signed in Geneva by both governments. ".repeat(n / 52));
  const question = "What is the treaty signed in Geneva?";
  const base = timed(() => answerQuestion([ordinary], question, 3, DEFAULT_ANSWER, { abstain: false }));

  it.each([
    ["one endless sentence of capitals", `The treaty Geneva ${"Geneva Treaty Signed ".repeat(n / 21)}.`],
    ["unclosed brackets after the subject", `the treaty signed ${"(".repeat(n)} is Geneva.`],
    ["quotation marks that never close", `The treaty “was signed in Geneva. ${"“treaty signed. ".repeat(n / 16)}`],
    ["underscores that join nothing", `The treaty signed a${"_".repeat(n)} in Geneva.`],
    ["list items whose heads never end", `- \`${"treaty ".repeat(n / 7)}\n- **${"Geneva ".repeat(n / 7)}`],
  ])("%s", (_, text) => {
    const segment = build(text);
    expect(timed(() => answerQuestion([segment], question, 3, DEFAULT_ANSWER, { abstain: false }))).toBeLessThan(
      20 * base + 100,
    );
  });

  it("itemHead reads no further than a head can be", () => {
    const short = "• -n\n  Print.";
    const long = `• ${"-".repeat(200_000)}\n  Print.`;
    const b = timed(() => itemHead(short, 2, short.length), 1000);
    expect(timed(() => itemHead(long, 2, long.length), 1000)).toBeLessThan(10 * b + 20);
  });

  it("quotationBalance is one pass", () => {
    const ordinaryText = "a".repeat(200_000);
    const quotes = '"“”«»'.repeat(40_000);
    const b = timed(() => quotationBalance(ordinaryText));
    expect(timed(() => quotationBalance(quotes))).toBeLessThan(10 * b + 20);
  });
});

describe("reading a text for the kind of answer asked is linear in its length", () => {
  const n = 40_000;
  const ordinary = "The treaty was signed in Geneva in 1987 for 40 dollars. ".repeat(n / 56).slice(0, n);
  const none = new Set<string>();
  const kinds: AnswerType[] = [
    "time",
    "day",
    "occasion",
    "number",
    "count",
    "money",
    "percent",
    "measure",
    "person",
    "place",
    "name",
    "reason",
  ];
  it.each([
    ["prepositions before lowercase words", "in the of the a b c of the ".repeat(n / 26)],
    ["figures without a unit", "1 2 3 4 5 6 7 8 9 ".repeat(n / 18)],
    ["number words with spaces", "five      ".repeat(n / 10)],
    ["currency signs without figures", "$ £ € US$ ".repeat(n / 10)],
    ["years that never range", "1870 1939 1870 to ".repeat(n / 18)],
    ["infinitives of stop words", "to the to a to it for ".repeat(n / 22)],
    ["capitals after during", "during the During the Z ".repeat(n / 24)],
    ["one endless dotted figure", "1.".repeat(n / 2)],
    ["one endless figure with commas", "1,".repeat(n / 2)],
    ["dotted figures before a unit that never comes", `${"1.".repeat(n / 4)} `.repeat(2)],
    ["days beside months that never come", "12 Ma 3rd of Jun 20 Octo ".repeat(n / 25)],
    ["months before days that never come", "August August. of 3rd of Sept ".repeat(n / 30)],
    ["occasions that never finish", "at the end at the start when once after on boo ".repeat(n / 48)],
    ["spans whose year never comes", "1915 until 4 August until November 19 ".repeat(n / 38)],
    ["events that never name one", "at the end of at the height of the by the turn of x ".repeat(n / 52)],
    ["after words that never end in -ing", `after ${"x".repeat(n / 2)} `.repeat(2)],
    ["spans that never close", "1915 – 4 August – 1915 to November ".repeat(n / 35)],
    ["units that never come after within or for", `within${" ".repeat(n / 4)}for${" ".repeat(n / 4)}`],
    ["circa without a year", "c. ca. c ".repeat(n / 9)],
    ["plain digits beside months", "12 Ma 3 of Jun 20 Octo 7 May ".repeat(n / 29)],
    ["code spans that never close after in", `in \`${"x".repeat(100)} `.repeat(n / 105)],
    ["paths and streams that never come", "in / to std at ~ under the ".repeat(n / 26)],
  ])("%s", (_, adversarial) => {
    const text = adversarial.slice(0, n);
    // Every word of the text asked: no match counts as an answer, so every pattern reads the whole text.
    const asked = questionWords(text);
    for (const kind of kinds) {
      const base = timed(() => answerStrength(ordinary.replace(/[0-9]|dollars|Geneva/g, "x"), kind, none));
      expect(timed(() => answerStrength(text, kind, asked))).toBeLessThan(20 * base + 20);
    }
  });
});
