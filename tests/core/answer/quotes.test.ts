/**
 * Choosing the sentence that answers: the kind of answer a question asks for, how tightly a sentence holds the
 * question's terms, word families Porter leaves apart, and how these decide between otherwise similar sentences.
 */
import { describe, expect, it } from "vitest";
import { answerTypeOf, offersAnswer, questionWords, surelyAsked } from "../../../src/core/answer/answer-type.js";
import { documentFromText } from "../../../src/core/ingest/document.js";
import { DEFAULT_ANSWER, answerQuestion, spread, wordFamilies } from "../../../src/core/answer/quotes.js";
import type { QueryTerm } from "../../../src/core/search/rank.js";
import { buildSegment } from "../../../src/core/search/segment.js";

describe("answerTypeOf", () => {
  it.each([
    ["When did the ambassador return to Moscow?", "time"],
    ["In what year did Antonov graduate?", "time"],
    ["What was the first year that Yale and Harvard played football?", "time"],
    ["Which century saw the first printed Bible?", "time"],
    ["How many yards was the missed field goal?", "count"],
    ["How old is Antonov?", "number"],
    ["What percentage of people voted in favour?", "percent"],
    ["How much did GTE pay for Telenet?", "money"],
    ["What was the total cost of the bridge?", "money"],
    ["How tall is the tower?", "measure"],
    ["How long did the journey take?", "measure"],
    ["How much oil does it produce?", "number"],
    ["What did the budget minister do to defence spending?", null],
    ["Can you tell me when the treaty was signed?", "time"],
    ["Has Moscow said yet who will take over the job?", "person"],
    ["When Antonov came to Washington, which city did he visit first?", "place"],
    ["In what year did Antonov graduate?", "time"],
    // The head of the noun phrase says the kind: a name, not a budget; a price is a sum of money, not a share.
    ["What was the budget minister's name?", "name"],
    ["What was the share price?", "money"],
    ["What Chinese era name did Kublai adopt?", "name"],
    ["At what point in the day did they marry?", "time"],
    // With no later question word, the opening "when"/"where" is the question.
    ["When's the next release?", "time"],
    ["When exactly did the war end?", "time"],
    ["Where in Geneva was the summit held?", "place"],
    ["When must I renew my licence?", "occasion"],
    // "Which X's Y" asks X; "What is X's Y" asks Y.
    ["Which year's budget was cut by the council?", "time"],
    ["Which country's defence budget is the largest?", "place"],
    ["What is Warsaw's population?", "number"],
    ["What was his score?", "number"],
    // "may" is no month: the day is asked only when the question gives a month or a year.
    ["What date may I submit my application?", "time"],
    ["How many years did the war last?", "count"],
    ["Who is Antonov's successor?", "person"],
    ["Where was the summit held?", "place"],
    ["Which Ukrainian town did Russian forces capture?", "place"],
    ["What is the name of the stadium?", "name"],
    ["Why was Antonov recalled in March?", "reason"],
    ["How often does the backup run?", "time"],
  ])("%s → %s", (question, type) => {
    expect(answerTypeOf(question)).toBe(type);
  });

  it.each([
    "What did Luther need to do to avoid excommunication?",
    "How does Antonov approach negotiations?",
    // "when" here joins a clause; the question asks "what".
    "What path does a ball take when seen by an outside observer?",
    "banana bread recipe",
    // Yes or no: the "when" opens a clause.
    "Does the FHS recommend clearing /tmp when the system boots?",
    "Is it safe to run VACUUM while users are connected, and why?",
    // Words past the noun phrase's verb or preposition name no kind.
    "What memorial was built years after Genghis Khan's death?",
    "What characteristic in recent years has been tied with health?",
    "What type of number theory utilizes prime ideals?",
    // Before the clause's auxiliary, the phrase's last word is its head: a format, a type.
    "What date format does PostgreSQL use?",
    "What number type does the column hold?",
    "What causes the population of ctenophora to grow?",
    "Which bound of time is more difficult to establish?",
    "What was the focus of Season 20 of Doctor Who?",
    "What is an annual two-day multicultural event held in Newcastle?",
  ])("%s → none", (question) => {
    expect(answerTypeOf(question)).toBeNull();
  });
});

describe("surelyAsked: the kind of answer the gate may hold a quote to", () => {
  it.each([
    ["When did the ambassador return to Moscow?", "time"],
    ["How many people died?", "count"],
    ["On what date was he appointed, and by whom?", "time"],
    ["My file names break when I pipe them into xargs. How do I keep them whole?", null],
    ["nodemon misses my edits when I save over the network. What can I do?", null],
    ["When a child logger repeats a key, which value wins?", null],
    // The scene-setting "when" is no date asked; the question is the later "what" (not opening a clause: not sure).
    ["When a pathogen has been eaten by a phagocyte it becomes trapped in what vesicle?", null],
    ["When rock folds deep in the Earth, when it buckles upwards, it creates what?", null],
  ])("%s → %s", (question, type) => {
    expect(surelyAsked(question)).toBe(type);
  });
});

describe("offersAnswer", () => {
  const asked = questionWords("When did Tesla leave Graz in 1878?");

  it("finds times the question does not already give", () => {
    expect(offersAnswer("In December he left Graz.", "time", asked)).toBe(true);
    expect(offersAnswer("By the 1880s he was in Paris.", "time", asked)).toBe(true);
    expect(offersAnswer("In 1878, Tesla left Graz.", "time", asked)).toBe(false);
    expect(offersAnswer("He may leave Graz soon.", "time", asked)).toBe(false);
  });

  it("counts figures and number words as numbers, but not years", () => {
    const none = new Set<string>();
    expect(offersAnswer("The host committee raised over $40 million.", "number", none)).toBe(true);
    expect(offersAnswer("Seventy men stayed behind.", "number", none)).toBe(true);
    expect(offersAnswer("The stadium opened in 2014.", "number", none)).toBe(false);
  });

  it("takes capitalised words inside a sentence as names, not the one that opens it", () => {
    const who = questionWords("Who did Tesla meet?");
    expect(offersAnswer("Tesla met Brown in New York.", "name", who)).toBe(true);
    expect(offersAnswer("Tesla met him. He left.", "name", who)).toBe(false);
  });

  it("finds reasons by their connectives", () => {
    expect(offersAnswer("He was recalled because Biden called Putin a killer.", "reason", new Set())).toBe(true);
    expect(offersAnswer("He was recalled in March.", "reason", new Set())).toBe(false);
  });
});

describe("spread", () => {
  const question = new Map([
    ["tesla", 1],
    ["graz", 1],
  ]);

  it("is 1 when the question's terms stand side by side or only one matches", () => {
    expect(spread(["1878", "tesla", "graz", "left"], question)).toBe(1);
    expect(spread(["tesla", "born", "smiljan"], question)).toBe(1);
  });

  it("grows with the words between them, using the tightest run", () => {
    const far = ["tesla", "a", "b", "c", "d", "e", "f", "g", "graz"];
    expect(spread(far, question)).toBe(4.5);
    expect(spread([...far, "tesla"], question)).toBe(1);
  });
});

describe("wordFamilies", () => {
  const term = (t: string, df = 3): QueryTerm => ({ term: t, count: 1, df, idf: 1 });

  it("joins words Porter leaves apart, in both directions", () => {
    const familyOf = wordFamilies([term("discov"), term("departur")], 5, 3);
    expect(familyOf("discoveri")).toBe("discov");
    expect(familyOf("depart")).toBe("departur");
  });

  it("leaves other words, short stems, long suffixes and terms the corpus lacks alone", () => {
    expect(wordFamilies([term("state")], 5, 3)("statement")).toBe("statement");
    expect(wordFamilies([term("war")], 5, 3)("warm")).toBe("warm");
    expect(wordFamilies([term("studi", 0)], 5, 3)("studio")).toBe("studio");
    expect(wordFamilies([term("discov")], 5, 3)("moscow")).toBe("moscow");
  });

  it("gives identifiers no relatives: pg_dump is not pg_dumpall", () => {
    expect(wordFamilies([term("pg_dump")], 5, 3)("pg_dumpall")).toBe("pg_dumpall");
  });
});

describe("answerQuestion chooses the sentence that answers", () => {
  const segment = buildSegment([
    documentFromText({
      id: "treaty",
      title: "The treaty",
      text:
        "The treaty was signed by both governments after many long rounds of difficult talks between the delegations. " +
        "The treaty was finally signed by both governments in Geneva on 8 December 1987, with the press present. " +
        "Trade between the two countries grew.",
    }),
    documentFromText({
      id: "other",
      title: "Other",
      text: "The weather in Geneva was cold. Talks about trade resumed later.",
    }),
  ]);
  const top = (question: string, params = DEFAULT_ANSWER) =>
    answerQuestion([segment], question, 3, params, { abstain: false }).quotes[0]?.text;

  it("a When question prefers the sentence with a date", () => {
    expect(top("When was the treaty signed by both governments?")).toContain("1987");
  });

  it("…which plain term matching would not", () => {
    const untyped = { ...DEFAULT_ANSWER, answerTypeWeight: 0 };
    expect(top("When was the treaty signed by both governments?", untyped)).not.toContain("1987");
  });

  it("a question of no particular kind is scored on its terms alone", () => {
    expect(top("What grew between the two countries?")).toBe("Trade between the two countries grew.");
  });

  it("quotes stay exact slices of the document", () => {
    const answer = answerQuestion([segment], "When was the treaty signed?", 3, DEFAULT_ANSWER, { abstain: false });
    expect(answer.quotes.length).toBeGreaterThan(0);
    for (const q of answer.quotes) {
      expect(segment.text(segment.docIndex(q.source.id) as number).slice(q.start, q.end)).toBe(q.text);
    }
  });
});
