/**
 * Questions as people type them: Discord's and Markdown's markup never reaches analysis, long questions are judged on
 * their informative terms, a question in another language or script gets an honest line naming the corpus's language,
 * and all of it is linear in the question's length.
 */
import { describe, expect, it } from "vitest";
import { documentFromText } from "../../../src/core/ingest/document.js";
import { buildSegment } from "../../../src/core/search/segment.js";
import { answerQuestion, DEFAULT_ANSWER, informativeTerms } from "../../../src/core/answer/quotes.js";
import { cleanQuestion, foreignLanguage, languageOf } from "../../../src/core/answer/question.js";
import type { QueryTerm } from "../../../src/core/search/rank.js";
import { bestTime } from "../../support/timing.js";

describe("cleanQuestion", () => {
  it.each([
    ["<@123456789012345678> when did the ambassador return?", "when did the ambassador return?"],
    ["<@!123> <@&456> in <#789> when did he return?", "in when did he return?"],
    ["when did he return <:pepe:1234567> <a:dance:99>", "when did he return"],
    ["**When** did _the_ ambassador __return__? ~~now~~ ||spoiler||", "When did the ambassador return? now spoiler"],
    ["what does [the article](https://example.com/a?b=c) say", "what does the article say"],
    ["see https://example.com/x and <https://example.org> — when?", "see and — when?"],
    ["> quoted\n- item one\n# Heading", "quoted item one Heading"],
    ["why does this fail?\n```js\nconst x = 1;\n```", "why does this fail?"],
    ["what is `git stash`?", "what is git stash?"],
    ["<t:1700000000:R> meeting", "meeting"],
  ])("%j → %j", (raw, cleaned) => {
    expect(cleanQuestion(raw)).toBe(cleaned);
  });

  it("keeps the code when the question is nothing but a code block", () => {
    expect(cleanQuestion("```\ngit stash pop\n```")).toBe("git stash pop");
  });

  it("a question that is only markup is blank, and is not answered", () => {
    expect(cleanQuestion("<@123> <#456> **")).toBe("");
    const segment = buildSegment([documentFromText({ id: "a", title: "A", text: "The 123 treaty was signed." })]);
    expect(answerQuestion([segment], "<@123> <#456>", 3).answered).toBe(false);
  });

  it("a mention's digits do not count as question words (they would match a number in the text)", () => {
    const segment = buildSegment([
      documentFromText({
        id: "a",
        title: "A",
        text: "Room 123456789 is closed. The treaty was signed in Geneva in 1987.",
      }),
    ]);
    const asked = answerQuestion([segment], "<@123456789> where was the treaty signed?", 1, DEFAULT_ANSWER, {
      abstain: false,
    });
    expect(asked.quotes[0]?.text).toContain("Geneva");
    expect(Object.keys(asked.quotes[0]?.match ?? {})).not.toContain("123456789");
  });

  it("is linear in the question's length on adversarial input (ratio to ordinary text of the same length)", () => {
    // Questions are read up to 4,000 characters; within that, every pattern is one pass.
    const n = 4000;
    const time = (text: string) => bestTime(() => cleanQuestion(text), 20);
    const ordinary = "when did the ambassador return to moscow ".repeat(n / 40).slice(0, n);
    const base = time(ordinary);
    for (const adversarial of [
      "`".repeat(n),
      "[".repeat(n),
      "<@".repeat(n / 2),
      "*_".repeat(n / 2),
      "```a`".repeat(n / 5),
      "[x](".repeat(n / 4),
    ]) {
      expect(time(adversarial.slice(0, n))).toBeLessThan(10 * base + 20);
    }
  });
});

describe("chat filler", () => {
  // "ok", "so" and "thanks" are in no document: as unknown words they had the highest weight of the question, and
  // word vectors matched them to "you" and "despite" at full strength, so the sentence that answers lost the top.
  const segment = buildSegment([
    documentFromText({
      id: "kyiv",
      title: "Antonov concludes term",
      text:
        "Despite the current tensions, Antonov expressed openness to working with Washington on arms control in an " +
        'August interview with TASS. "You and I need to take a piece of paper," he said.',
    }),
    documentFromText({
      id: "defence",
      title: "Russia's ambassador concludes his term",
      text:
        "Prior to relocating to Washington, he gained a reputation as a savvy negotiator in arms control. " +
        "In an interview with TASS in August, Antonov expressed Russia's willingness to explore a treaty with " +
        "Washington regarding arms control.",
    }),
  ]);
  it("is not searched for: 'ok so …' is answered as the question alone", () => {
    const plain =
      "in that august interview with TASS, what did antonov say russia was willing to explore with washington?";
    const chatty = `ok so ${plain}`;
    const top = (q: string) => answerQuestion([segment], q, 1, DEFAULT_ANSWER, { abstain: false }).quotes[0]?.text;
    expect(top(plain)).toMatch(/explore a treaty/);
    expect(top(chatty)).toBe(top(plain));
  });
});

describe("a question with nothing to look up", () => {
  const segment = buildSegment([
    documentFromText({ id: "a", title: "Envoy", text: "Antonov returned to Moscow on Sunday. It was raining." }),
  ]);
  it.each(["hey", "ok so?", "What is it?", "?", "Thanks!", "<@123456789012345678> um"])(
    "%s: says so, with no closest sources",
    (question) => {
      const answer = answerQuestion([segment], question);
      expect(answer).toMatchObject({ answered: false, nothingAsked: true, quotes: [], closest: [] });
    },
  );
  it("but a question naming anything is looked up, answered or not", () => {
    expect(answerQuestion([segment], "What is Antonov?").nothingAsked).toBeUndefined();
    expect(answerQuestion([segment], "What is the weather?").nothingAsked).toBeUndefined();
  });
});

describe("informative terms", () => {
  const term = (t: string, idf: number): QueryTerm => ({ term: t, count: 1, df: 1, idf });
  it("are the question's rarest terms", () => {
    const terms = [term("a", 1), term("b", 5), term("c", 3), term("d", 4)];
    expect([...informativeTerms(terms, 2)]).toEqual(["b", "d"]);
  });
});

describe("questions in another language", () => {
  const english = languageOf(
    "The ambassador returned to Moscow on Sunday after his term ended. He was the envoy to the United States for seven years, and the ministry said that his successor would be named later.",
  );

  it("tells the corpus's language and script", () => {
    expect(english).toEqual({ script: "Latin", language: "English" });
  });

  it("recognises another script and another Latin-script language", () => {
    expect(foreignLanguage("Когда посол вернулся в Москву?", english)).toMatchObject({ corpus: "English" });
    expect(foreignLanguage("¿Cuándo regresó el embajador a Moscú?", english)).toEqual({
      question: "Spanish",
      corpus: "English",
    });
    expect(foreignLanguage("¿Cuántos años tiene el embajador ruso?", english)).toMatchObject({ question: "Spanish" });
    expect(foreignLanguage("Quand l'ambassadeur est-il rentré à Moscou ?", english)).toMatchObject({
      corpus: "English",
    });
    expect(foreignLanguage("Quando o embaixador voltou para Moscou?", english)).toMatchObject({
      question: "Portuguese",
    });
  });

  it("does not take an English question with 'a' in it for Portuguese", () => {
    expect(foreignLanguage("A list vs a tuple?", english)).toBeNull();
  });

  it("never takes an English question, a name or a bare keyword for another language", () => {
    for (const q of [
      "When did the ambassador return to Moscow?",
      "Antonov",
      "Sheremetyevo airport",
      "la la land de facto",
    ])
      expect(foreignLanguage(q, english)).toBeNull();
  });

  it("an unanswered question in another language says which language the corpus is in", () => {
    const segment = buildSegment([
      documentFromText({
        id: "a",
        title: "Envoy returns",
        text: "The ambassador returned to Moscow on Sunday. He was the envoy to the United States for seven years, and the ministry said that his successor would be named later. It was the end of his term in the capital.",
      }),
    ]);
    const answer = answerQuestion([segment], "Когда посол вернулся в Москву?", 3);
    expect(answer.answered).toBe(false);
    expect(answer.language?.corpus).toBe("English");
    // The same question in English gets no such line.
    expect(answerQuestion([segment], "When did the zebra escape from the zoo?", 3).language).toBeUndefined();
  });

  it("a question in the language of a server's own documents is not foreign, though the bundled corpus is larger", () => {
    const english = buildSegment(
      Array.from({ length: 3 }, (_, i) =>
        documentFromText({
          id: `en${i}`,
          title: "Envoy returns",
          text: "The ambassador returned to the capital on Sunday. He was the envoy to the United States for seven years, and the ministry said that his successor would be named later.",
        }),
      ),
    );
    const russian = buildSegment([
      documentFromText({
        id: "ru",
        title: "Договор",
        text: "Договор о торговле был подписан в Женеве в 1987 году. Это было важное событие для обеих стран, и он действует до сих пор.",
      }),
    ]);
    const question = "Когда посол улетел в Париж на поезде?";
    expect(answerQuestion([english], question, 3).language?.corpus).toBe("English");
    const both = answerQuestion([english, russian], question, 3);
    expect(both.answered).toBe(false);
    expect(both.language).toBeUndefined();
  });
});
