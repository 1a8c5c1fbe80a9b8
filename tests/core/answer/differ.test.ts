/**
 * "Sources differ": documents written to disagree on a date, a number and a name are flagged, ordered newest source
 * first with the undated last; documents that agree in different words are not.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrangeBySourceDate, sourcesDiffer, valueComparison } from "../../../src/core/answer/differ.js";
import { DEFAULT_ANSWER, answerQuestion } from "../../../src/core/answer/quotes.js";
import type { Features } from "../../../src/core/answer/decision.js";
import { documentFromText } from "../../../src/core/ingest/document.js";
import { buildSegment } from "../../../src/core/search/segment.js";
import { Library } from "../../../src/core/library/library.js";
import type { Quote, Source } from "../../../src/core/types.js";

const DOCS: Record<string, string> = {
  "bridge-herald.md":
    "---\ntitle: Lindholm bridge two years late\npublisher: Harbour Herald\ndate: 2024-06-01\n---\nThe Lindholm bridge opened to traffic on 4 May 2021, two years behind schedule.\n",
  "bridge-gazette.md":
    "---\ntitle: Ribbon cut on the Lindholm bridge\npublisher: Coast Gazette\ndate: 2021-06-15\n---\nThe Lindholm bridge opened to traffic on 12 June 2021 after a short ceremony.\n",
  "bridge-notes.txt":
    "Council notes on the bridge\n\nThe Lindholm bridge opened to traffic on 30 April 2021, according to the council minutes.\n",
  "ferry-a.md":
    "---\ntitle: Osterby ferry timetable\npublisher: Island Post\ndate: 2023-01-10\n---\nThe ferry service to Osterby started on May 4, 2021, with two crossings a day.\n",
  "ferry-b.md":
    "---\ntitle: A year of the Osterby ferry\npublisher: Fjord Times\ndate: 2022-05-04\n---\nThe ferry service to Osterby started on 4 May 2021 and has not missed a day since.\n",
  "museum-a.md":
    "---\ntitle: Museum budget approved\npublisher: Harbour Herald\ndate: 2019-02-01\n---\nThe maritime museum extension will cost 12 million euros, the council said.\n",
  "museum-b.md":
    "---\ntitle: Museum overruns\npublisher: Coast Gazette\ndate: 2022-09-30\n---\nThe maritime museum extension will cost 15 million euros after the overruns.\n",
  "council-a.md":
    "---\ntitle: Harbour council\npublisher: Island Post\ndate: 2020-01-01\n---\nThe harbour council has six elected members who meet monthly.\n",
  "council-b.md":
    "---\ntitle: Who runs the harbour\npublisher: Fjord Times\ndate: 2021-01-01\n---\nThe harbour council has 6 elected members who meet each month.\n",
  "tower-a.md":
    "---\ntitle: The lighthouse tower\npublisher: Island Post\ndate: 2020-03-03\n---\nThe lighthouse tower was designed by Anna Berg in the 1930s.\n",
  "tower-b.md":
    "---\ntitle: Lighthouse history\npublisher: Fjord Times\ndate: 2023-03-03\n---\nThe lighthouse tower was designed by Carl Holm, the town's engineer.\n",
};

let dir: string;
let library: Library;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-differ-"));
  for (const [name, text] of Object.entries(DOCS)) await writeFile(join(dir, name), text);
  ({ library } = await Library.open({ corpusDir: dir }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const titles = (quotes: readonly Quote[]) => quotes.map((q) => q.source.title);

describe("sources differ", () => {
  it("flags different dates and orders the sources newest first, undated last", () => {
    const answer = library.answer("When did the Lindholm bridge open to traffic?");
    expect(answer.sourcesDiffer).toEqual({ kind: "time" });
    expect(titles(answer.quotes)).toEqual([
      "Lindholm bridge two years late",
      "Ribbon cut on the Lindholm bridge",
      "Council notes on the bridge",
    ]);
    expect(answer.quotes.map((q) => q.source.date)).toEqual(["2024-06-01", "2021-06-15", null]);
  });

  it("says nothing when the sources give the same date in different words, and credits both", () => {
    const answer = library.answer("When did the ferry service to Osterby start?");
    expect(answer.sourcesDiffer).toBeUndefined();
    const credited = answer.quotes.flatMap((q) => [q.source, ...q.alsoReportedBy]).map((s) => s.title);
    expect(credited).toEqual(expect.arrayContaining(["Osterby ferry timetable", "A year of the Osterby ferry"]));
  });

  it("never folds sentences alike but for the asked value into one quote 'also reported by'", () => {
    const answer = library.answer("How many euros will the maritime museum extension cost?");
    expect(answer.quotes.every((q) => q.alsoReportedBy.length === 0)).toBe(true);
    expect(titles(answer.quotes)).toEqual(["Museum overruns", "Museum budget approved"]);
  });

  it("flags different figures, and not the same figure in words and digits", () => {
    expect(library.answer("How much will the maritime museum extension cost?").sourcesDiffer).toEqual({
      kind: "number",
    });
    expect(library.answer("How many euros will the maritime museum extension cost?").sourcesDiffer).toEqual({
      kind: "number",
    });
    // "six" and "6" are one figure: both sources are shown (as two quotes, or one "also reported by" the other).
    const council = library.answer("How many elected members does the harbour council have?");
    const credited = council.quotes.flatMap((q) => [q.source, ...q.alsoReportedBy]).map((s) => s.title);
    expect(credited).toEqual(expect.arrayContaining(["Harbour council", "Who runs the harbour"]));
    expect(council.sourcesDiffer).toBeUndefined();
  });

  it("flags different names", () => {
    const answer = library.answer("Who designed the lighthouse tower?");
    expect(answer.sourcesDiffer).toEqual({ kind: "name" });
    expect(titles(answer.quotes)).toEqual(["Lighthouse history", "The lighthouse tower"]);
  });
});

describe("the pure function", () => {
  const source = (id: string, date: string | null): Source => ({
    id,
    title: id,
    publisher: null,
    author: null,
    date,
    url: null,
    path: null,
  });
  const quote = (text: string, id: string, date: string | null = null, extra: Partial<Quote> = {}): Quote => ({
    text,
    start: 0,
    end: text.length,
    score: 1,
    source: source(id, date),
    alsoReportedBy: [],
    ...extra,
  });

  it("compares only quotes about the same thing", () => {
    const q = "When did the ambassador return to Moscow?";
    expect(
      sourcesDiffer(q, [
        quote("The ambassador returned to Moscow on Oct. 5.", "a"),
        quote("The ambassador was appointed in 2017 and praised in Washington.", "b"),
      ]),
    ).toBeNull();
    expect(
      sourcesDiffer(q, [
        quote("The ambassador returned to Moscow on Oct. 5.", "a"),
        quote("The ambassador returned to Moscow on October 5, 2024.", "b"),
      ]),
    ).toBeNull();
    expect(
      sourcesDiffer(q, [
        quote("The ambassador returned to Moscow on Oct. 5.", "a"),
        quote("The ambassador returned to Moscow on Oct. 7.", "b"),
      ]),
    ).toEqual({ kind: "time" });
  });

  it("ignores values the question states, two quotes of one document, and questions of no kind", () => {
    expect(
      sourcesDiffer("What happened in 2021 when the bridge opened?", [
        quote("In 2021 the bridge opened.", "a"),
        quote("The bridge opened in 2021.", "b"),
      ]),
    ).toBeNull();
    expect(
      sourcesDiffer("When did the bridge open?", [
        quote("The bridge opened in 2020.", "a"),
        quote("The bridge opened in 2021.", "a"),
      ]),
    ).toBeNull();
    expect(
      sourcesDiffer("Describe the bridge opening", [
        quote("The bridge opened in 2020.", "a"),
        quote("The bridge opened in 2021.", "b"),
      ]),
    ).toBeNull();
  });

  it("keeps a pinned quote first when it orders by date", () => {
    const answer = arrangeBySourceDate({
      question: "When did the bridge open?",
      answered: true,
      quotes: [
        quote("The bridge opened in 2019.", "old", "2019-01-01", { pinned: true }),
        quote("The bridge opened in 2020.", "undated", null),
        quote("The bridge opened in 2021.", "new", "2022-01-01"),
      ],
      independentSources: 3,
      closest: [],
    });
    expect(answer.quotes.map((q) => q.source.id)).toEqual(["old", "new", "undated"]);
  });

  it("is linear in the quotes' length on adversarial input", () => {
    const n = 100_000;
    const ordinary = [quote("The bridge opened in 2020 after years of talks. ".repeat(n / 48), "a"), quote("x", "b")];
    const hostile = [
      quote("May 1 May 1 May 1, ".repeat(n / 20) + "Anna Berg de ".repeat(n / 13), "a"),
      quote("x", "b"),
    ];
    const time = (quotes: Quote[]) => {
      let best = Infinity;
      for (let round = 0; round < 3; round++) {
        const started = performance.now();
        for (const q of ["When did the bridge open?", "Who opened the bridge?", "How many bridges opened?"])
          sourcesDiffer(q, quotes);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    time(hostile);
    // Quadratic work would be thousands of times slower at this length; a dense run of dates costs a few times more.
    expect(time(hostile) / time(ordinary)).toBeLessThan(10);
  });
});

describe("a rival that gives the same answer corroborates, it does not compete", () => {
  const valuesAgree = (question: string) => valueComparison(question).agree;
  it("valuesAgree: the same place, date or figure in other words", () => {
    const where = valuesAgree("Where was the Biden Putin summit held?");
    expect(where("The summit was held in Geneva.", "Officials said the summit took place in Geneva.")).toBe(true);
    expect(where("The summit was held in Geneva.", "It took place in Vienna.")).toBe(false);
    const when = valuesAgree("When did the ambassador return to Moscow?");
    expect(when("He returned on Oct. 5.", "He was back in Moscow on October 5.")).toBe(true);
    expect(when("He returned on Oct. 5.", "He returned on Oct. 7.")).toBe(false);
    expect(valuesAgree("How does he negotiate?")("Slowly.", "Slowly.")).toBe(false);
    // One shared incidental value is no corroboration: every value of each must agree with one of the other's.
    const signed = valuesAgree("Where was the treaty signed?");
    expect(signed("It was signed by Soviet envoys in Geneva.", "Soviet envoys signed it in Vienna.")).toBe(false);
  });

  it("so the answer model's margin is measured against a source that says something else", () => {
    const margin = (second: string) => {
      const segment = buildSegment([
        documentFromText({
          id: "a",
          title: "Summit report",
          text: "The Biden Putin summit was held in Geneva in June, after months of preparation by both foreign ministries.",
        }),
        documentFromText({ id: "b", title: "Villa report", text: second }),
        documentFromText({ id: "c", title: "Other", text: "Biden spoke about the economy in June." }),
      ]);
      let f: Features | null = null;
      answerQuestion([segment], "Where was the Biden Putin summit held?", 3, DEFAULT_ANSWER, {
        abstain: false,
        trace: (x) => (f = x),
      });
      return (f as Features | null)?.margin ?? Number.NaN;
    };
    // Not a near-copy of the first report (that would be folded into it as "also reported by" either way).
    const said = "Officials said in a long statement that Biden and Putin met for summit talks at a lakeside villa in";
    const agreeing = margin(`${said} Geneva.`);
    const differing = margin(`${said} Vienna.`);
    expect(differing).toBeLessThan(2);
    expect(agreeing).toBeGreaterThan(differing + 0.5);
  });
});
