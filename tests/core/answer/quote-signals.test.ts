/**
 * Signals beyond exact words that decide between candidate quotes: word vectors (the shipped file loads, knows that
 * different words can say the same thing, refuses a damaged file, and never makes a quote of a sentence that shares none
 * of the question's words), definitions for "What is X?", the document's title as context, and names joined by "&".
 * Each ranking test is paired with one showing the signal, not the sentences' order, decides it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { fileSegment, rankedQuotes, textSegment } from "../../support/answers.js";
import { analyze, contentWords, type ContentWord } from "../../../src/core/search/analyze.js";
import { documentFromStored, documentFromText } from "../../../src/core/ingest/document.js";
import { DEFAULT_ANSWER, answerQuestion, definitionTest, endsAsQuestion } from "../../../src/core/answer/quotes.js";
import { buildSegment, type Segment } from "../../../src/core/search/segment.js";
import { retrieve } from "../../../src/core/search/retrieve.js";
import { loadFolder } from "../../support/corpus.js";
import { BUNDLED_CORPUS } from "../../support/paths.js";
import { WordVectors, shippedVectors } from "../../../src/core/answer/vectors.js";
import { shippedRelations, type WordRelations } from "../../../src/core/answer/relations.js";
import {
  answerStrength,
  answerTypeOf,
  asDefinition,
  asksYesNo,
  POLAR,
  questionWords,
  withoutKindNoun,
} from "../../../src/core/answer/answer-type.js";
import { itemHead } from "../../../src/core/answer/candidates.js";
import { Matcher } from "../../../src/core/answer/matching.js";
import { loadDocument } from "../../../src/core/ingest/load.js";

/** A segment of one document stored as ingest writes it (list markers and headings kept), with no other metadata. */
const storedSegment = (id: string, title: string, path: string, text: string): Segment =>
  buildSegment([
    documentFromStored({
      source: { id, title, publisher: null, author: null, date: null, url: null, path },
      text,
      hash: "h",
    }),
  ]);

describe("shipped word vectors", () => {
  const vectors = shippedVectors();

  it("load: 40,000 words of 100 dimensions", () => {
    expect(vectors).not.toBeNull();
    expect(vectors?.size).toBe(40_000);
    expect(vectors?.dimensions).toBe(100);
  });

  it("rate words for the same thing above unrelated words", () => {
    const v = vectors as WordVectors;
    expect(v.similarity("center", "centre")).toBeGreaterThan(0.6);
    expect(v.similarity("destroyed", "demolished")).toBeGreaterThan(0.6);
    expect(v.similarity("destroyed", "banana")).toBeLessThan(0.3);
    expect(v.similarity("destroyed", "notaword-xyz")).toBeNull();
  });

  it("a damaged file is refused", () => {
    expect(() => WordVectors.fromBuffer(Buffer.from("not vectors at all"))).toThrow(/VWV1/);
    const header = Buffer.alloc(12);
    header.write("VWV1", 0, "ascii");
    header.writeUInt32LE(10, 4);
    header.writeUInt32LE(100, 8);
    expect(() => WordVectors.fromBuffer(Buffer.concat([header, Buffer.alloc(50)]))).toThrow(/truncated/);
  });
});

describe("word vectors and closed sets", () => {
  // GloVe puts months, weekdays and numbers close together; another one is a different answer, not another word for it.
  const segment = textSegment(
    "council",
    "Council",
    "The council voted on the budget on Sunday in March, with two abstentions and thousands of letters.",
  );

  it("another month, weekday or number is no match of the one asked", () => {
    const v = shippedVectors() as WordVectors;
    // Without the rule these would count: the vectors rate them well above the match threshold.
    expect(v.similarity("june", "march")).toBeGreaterThan(DEFAULT_ANSWER.softThreshold);
    expect(v.similarity("three", "two")).toBeGreaterThan(DEFAULT_ANSWER.softThreshold);
    const top = rankedQuotes(
      [segment],
      "Did the council vote on the budget in June with three abstentions and hundreds of letters?",
    )[0];
    expect(top?.text).toContain("March");
    expect(top?.match?.[analyze("June")[0] as string]).toBeUndefined();
    expect(top?.match?.[analyze("three")[0] as string]).toBeUndefined();
    expect(v.similarity("hundreds", "thousands")).toBeGreaterThan(DEFAULT_ANSWER.softThreshold);
    expect(top?.match?.[analyze("hundreds")[0] as string]).toBeUndefined();
    expect(top?.match?.[analyze("budget")[0] as string]).toMatchObject({ via: "exact" });
  });
});

describe("word vectors and the calendar", () => {
  // "held on Wednesday", "in October, the United…": GloVe learns a day's or a month's company, not another word for it.
  const v = shippedVectors() as WordVectors;
  /** The matcher for `question`'s words alone (no WordNet), as answering builds it. */
  const matcherFor = (question: string) => {
    const words = contentWords(question, true);
    const terms = [...new Set(words.map((w) => w.term))].map((term) => ({ term, count: 1, df: 1, idf: 1 }));
    return new Matcher(terms, words, DEFAULT_ANSWER, null, v);
  };
  const vectorMatch = (question: string, documentWord: string) =>
    matcherFor(question)
      .matches(contentWords(documentWord, false)[0] as ContentWord)
      .find(([, m]) => m.via === "vector");

  it("a day, month or season is never another word for a word outside the calendar, nor one for it", () => {
    // The shipped vectors put them close enough to match, so only the rule keeps them apart.
    expect(v.similarity("held", "wednesday")).toBeGreaterThan(DEFAULT_ANSWER.softThreshold);
    expect(v.similarity("october", "united")).toBeGreaterThan(DEFAULT_ANSWER.softThreshold);
    // A document's day for the question's verb, and the question's month for a document's word.
    expect(vectorMatch("held", "Wednesday")).toBeUndefined();
    expect(vectorMatch("october", "united")).toBeUndefined();
    // Plurals too: "Mondays" is as close to "evenings" as "Monday" is.
    expect(v.similarity("mondays", "evenings")).toBeGreaterThan(DEFAULT_ANSWER.softThreshold);
    expect(vectorMatch("evenings", "Mondays")).toBeUndefined();
    expect(vectorMatch("mondays", "evenings")).toBeUndefined();
    // Outside the calendar the same vectors still match: the rule is the calendar's alone.
    expect(v.similarity("talks", "negotiations")).toBeGreaterThan(DEFAULT_ANSWER.softThreshold);
    expect(vectorMatch("talks", "negotiations")).toBeDefined();
  });

  it("but the part of the week a day falls in may stand for it: 'open at weekends' for 'on Saturdays'", () => {
    expect(vectorMatch("weekends", "Saturdays")?.[1].strength).toBeGreaterThan(0);
    expect(vectorMatch("saturday", "weekend")?.[1].strength).toBeGreaterThan(0);
  });

  it("so a sentence naming the day is not credited with the question's verb", () => {
    const segment = textSegment("summit", "Summit", "The summit talks were in Geneva on Wednesday.");
    const top = rankedQuotes([segment], "Who held the summit talks?")[0];
    expect(top?.match?.[analyze("held")[0] as string]?.word).not.toBe("wednesday");
    expect(top?.match?.[analyze("summit")[0] as string]).toMatchObject({ via: "exact" });
  });
});

describe("the same word in another form", () => {
  // "became" is "become" (WordNet's irregular forms), as "defense" is "defence": the word itself, not another word.
  const segment = textSegment(
    "arpanet",
    "Packet switching",
    "ARPANET and SITA HLN became operational in 1969. Other networks would become faster in the next decade.",
  );

  it("holds the question's word, as fully as the word itself", () => {
    let held = Number.NaN;
    const answer = answerQuestion([segment], "When did ARPANET become operational?", 1, DEFAULT_ANSWER, {
      abstain: false,
      trace: (f) => (held = f.heldCoverage),
    });
    expect(answer.quotes[0]?.match?.[analyze("become")[0] as string]).toMatchObject({ via: "inflection", strength: 1 });
    expect(answer.quotes[0]?.text).toBe("ARPANET and SITA HLN became operational in 1969.");
    expect(held).toBe(1);
  });
});

describe("answers with word vectors", () => {
  // Both sentences hold "Grainger market building"; only the second says what the question asks, in other words.
  const segment = buildSegment([
    documentFromText({
      id: "grainger",
      title: "Newcastle",
      text:
        "The Grainger market building hosts a weekly fair for local traders and visitors. " +
        "The Grainger market building was demolished by the council to make way for a shopping centre.",
    }),
  ]);
  const question = "Who destroyed the Grainger market building?";

  it("prefer the sentence that says the question's missing word in other words", () => {
    const top = answerQuestion([segment], question, 1, DEFAULT_ANSWER, { abstain: false }).quotes[0];
    expect(top?.text).toContain("demolished");
  });

  it("without them the tie goes to the earlier sentence (the test above is not decided by order)", () => {
    const top = answerQuestion([segment], question, 1, DEFAULT_ANSWER, {
      abstain: false,
      vectors: null,
      relations: null,
    }).quotes[0];
    expect(top?.text).toContain("weekly fair");
  });

  it("WordNet's relations alone decide it too (destroy/demolish are synonyms), and say so", () => {
    const top = answerQuestion([segment], question, 1, DEFAULT_ANSWER, { abstain: false, vectors: null }).quotes[0];
    expect(top?.text).toContain("demolished");
    expect(top?.match?.["destroi"]).toMatchObject({ word: "demolished" });
    expect(top?.signals?.map((s) => s.name)).toContain("related");
  });

  it("never make a quote of a sentence without the question's own words", () => {
    const only = buildSegment([
      documentFromText({
        id: "x",
        title: "X",
        text: "The old hall was demolished in 1960. Tickets are sold at the door.",
      }),
    ]);
    const answer = answerQuestion([only], "When was the Grainger market destroyed?", 3, DEFAULT_ANSWER);
    expect(answer.answered).toBe(false);
  });
});

describe("definitionTest", () => {
  it("finds text that defines what a 'What is X?' question asks about", () => {
    const test = definitionTest("What is the immune system?") as RegExp;
    expect(test.test("The immune system is a system of many biological structures.")).toBe(true);
    expect(test.test("Vaccines train the immune system to fight disease.")).toBe(false);
    expect(test.test("In many species, the immune system can be classified into subsystems.")).toBe(false);
    expect(definitionTest("What does ATP mean?")).toBeNull();
    expect(definitionTest("What is the name of the largest city in the region of the north?")).toBeNull();
  });

  it("ranks the defining sentence first", () => {
    const segment = buildSegment([
      documentFromText({
        id: "immune",
        title: "Immune system",
        text:
          "In many species, the immune system can be classified into subsystems, such as the innate immune system. " +
          "The immune system is a system of many biological structures and processes that protects against disease.",
      }),
    ]);
    const top = answerQuestion([segment], "What is the immune system?", 1, DEFAULT_ANSWER, { abstain: false })
      .quotes[0];
    expect(top?.text).toContain("protects against disease");
  });

  it("for 'What does X do?', finds text that opens with X doing something, and ranks it first", () => {
    const test = definitionTest("What does ldconfig do?") as RegExp;
    expect(test.test("ldconfig creates the necessary links and cache.")).toBe(true);
    expect(test.test("The cache is used by ldconfig and the linker.")).toBe(false);
    expect(definitionTest("What does the very long name of this one program do?")).toBeNull();
    // Names that start or end with a symbol, where a word boundary never matches.
    expect((definitionTest("What is --null?") as RegExp).test("--null is a flag that ends items with NUL.")).toBe(true);
    expect((definitionTest("What is .NET?") as RegExp).test("Microsoft .NET is a developer platform.")).toBe(true);
    expect((definitionTest("What is C++?") as RegExp).test("A language known as C++ is widely used.")).toBe(true);
    const segment = buildSegment([
      documentFromText({
        id: "cache",
        title: "Linker cache",
        text: "The cache is read by ldconfig and by the run-time linker when a program starts.",
      }),
      documentFromText({
        id: "ldconfig",
        title: "Shared libraries",
        text: "ldconfig creates the necessary links and cache to the most recent shared libraries.",
      }),
    ]);
    const ask = (definitionWeight: number) =>
      answerQuestion(
        [segment],
        "What does ldconfig do?",
        1,
        { ...DEFAULT_ANSWER, definitionWeight },
        { abstain: false },
      ).quotes[0]?.text;
    expect(ask(DEFAULT_ANSWER.definitionWeight)).toMatch(/^ldconfig creates/);
    expect(ask(0)).toMatch(/^The cache is read/);
  });
});

describe("names joined by &", () => {
  it("are one term, not two letters", () => {
    expect(analyze("The V&A owns AT&T shares")).toEqual(["v&a", "own", "at&t", "share"]);
  });
});

describe("identifiers joined by underscores", () => {
  it("are one term, unstemmed, and Markdown's _emphasis_ marks are not part of a word", () => {
    expect(analyze("Sets work_mem and maintenance_work_mem; _settings_ matter")).toEqual([
      "set",
      "work_mem",
      "maintenance_work_mem",
      "set",
      "matter",
    ]);
  });
});

describe("the title as context", () => {
  // The Newcastle article's sentence does not name Newcastle; the other article's sentence shares more of the words.
  const segment = buildSegment([
    documentFromText({
      id: "gateshead",
      title: "Gateshead",
      text: "Newcastle holds the Evolution Festival every May: it is held on the Newcastle Quayside.",
    }),
    documentFromText({
      id: "newcastle",
      title: "Newcastle upon Tyne",
      text: "The city has many theatres. In October, there is the Design Event, an annual festival of new work.",
    }),
  ]);
  const question = "What festival is held in October in Newcastle?";

  it("a sentence of the article the question names wins", () => {
    const top = answerQuestion([segment], question, 1, DEFAULT_ANSWER, { abstain: false }).quotes[0];
    expect(top?.source.id).toBe("newcastle");
  });

  it("without it the other article's sentence would (the test above is decided by the title)", () => {
    const top = answerQuestion([segment], question, 1, { ...DEFAULT_ANSWER, titleWeight: 0 }, { abstain: false })
      .quotes[0];
    expect(top?.source.id).toBe("gateshead");
  });
});

describe("the publisher as context", () => {
  // "The Kyiv Independent says…": the question names where it read it, which the article's sentence never repeats.
  const text = "Relations between the two nations are the worst in decades.";
  const heldWith = (
    publisher: string | null,
    question = "The Kyiv Independent says relations are the worst in how long?",
  ) => {
    let held = Number.NaN;
    const segment = buildSegment([
      documentFromText({ id: "envoy", title: "Envoy concludes his term", publisher, text }),
    ]);
    const answer = answerQuestion([segment], question, 1, DEFAULT_ANSWER, {
      abstain: false,
      trace: (f) => (held = f.heldCoverage),
    });
    return { held, quote: answer.quotes[0]?.text };
  };

  it("holds the publisher's name the question gives", () => {
    const named = heldWith("Kyiv Independent");
    const unnamed = heldWith(null);
    expect(named.quote).toBe(text);
    // "Kyiv" and "Independent" are the question's rarest words: held, they are most of its weight.
    expect(named.held - unnamed.held).toBeGreaterThan(0.3);
  });

  it("but not an ordinary word of the question that a publisher's name happens to hold", () => {
    // "times" is the question's word, not its source: The New York Times does not hold it for every article.
    const question = "How many times have relations between the two nations been the worst?";
    expect(heldWith("The New York Times", question).held).toBe(heldWith(null, question).held);
    expect(heldWith("The New York Times", question).held).toBeLessThan(1);
    // Named as the source, it is held.
    const named = "The New York Times says relations are the worst in how long?";
    expect(heldWith("The New York Times", named).held).toBeGreaterThan(heldWith(null, named).held);
  });
});

describe("the title stands in for no more of the question than the quote holds", () => {
  // The README's own example on the bundled corpus: one article's headline holds "ambassador" and "returns", and its
  // sentence "Sullivan left Moscow in April…" holds only "Moscow" (and "left", close to "return" as a word vector).
  const question = "When did the ambassador return to Moscow?";
  let segment: Segment;
  beforeAll(async () => {
    segment = buildSegment((await loadFolder(BUNDLED_CORPUS)).documents);
  });

  it("the sentence that says it wins, and is answered with one quote", () => {
    const answer = answerQuestion([segment], question, 1);
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]?.text).toMatch(/Anatoly Antonov, returned to Moscow on Oct\. 5/);
  });

  it("with the headline counted in full, Sullivan's sentence would lead (the test above is decided by the cap)", () => {
    const top = answerQuestion([segment], question, 1, { ...DEFAULT_ANSWER, titleCap: 100 }, { abstain: false })
      .quotes[0];
    expect(top?.text).toMatch(/^Sullivan left Moscow in April/);
  });
});

describe("the section's heading stands in for what the quote need not repeat", () => {
  // Both sentences hold "ferry" and "ticket"; only the heading over the second says it is about refunds.
  const question = "How do I get a refund for a ferry ticket?";
  let segment: Segment;
  beforeAll(async () => {
    const guide = [
      "# Harbour guide",
      "",
      "## Timetables",
      "",
      "Show your ferry ticket at the gate.",
      "",
      "## Refunds",
      "",
      "Write to the office within 14 days, quoting the number on the ferry ticket.",
      "",
    ].join("\n");
    segment = buildSegment([await loadDocument("guide.md", guide)]);
  });
  const top = (sectionWeight: number) =>
    answerQuestion([segment], question, 2, { ...DEFAULT_ANSWER, sectionWeight }, { abstain: false }).quotes[0];

  it("the sentence under “Refunds” leads, the section's signal naming its share", () => {
    const quote = top(DEFAULT_ANSWER.sectionWeight);
    expect(quote?.text).toBe("Write to the office within 14 days, quoting the number on the ferry ticket.");
    expect(quote?.section).toBe("Refunds");
    expect(quote?.signals?.find((s) => s.name === "section")?.value).toBeGreaterThan(0);
  });

  it("without the signal the shorter sentence under “Timetables” would lead", () => {
    expect(top(0)?.text).toBe("Show your ferry ticket at the gate.");
  });
});

describe("the meaning signal: the question's and the sentence's mean word vectors", () => {
  // Both sentences hold "council" and "bridge"; only the second is about what the question asks (repairs).
  const segment = buildSegment([
    documentFromText({
      id: "town",
      title: "Town notes",
      text:
        "The council met about the bridge on Tuesday, and the mayor wore a blue hat to the meeting.\n\n" +
        "The council voted about the bridge to pay for fixing the cracked concrete and rusted steel.",
    }),
  ]);
  const question = "What did the council decide about the bridge repairs?";
  const quotes = (meaningWeight: number) =>
    answerQuestion([segment], question, 2, { ...DEFAULT_ANSWER, meaningWeight }, { abstain: false }).quotes;
  const meaning = (q: { signals?: Array<{ name: string; value: number; factor?: number }> } | undefined) =>
    q?.signals?.find((s) => s.name === "meaning");

  it("rates the sentence about the question's subject closer, and multiplies each score by e^(w × cosine)", () => {
    const on = quotes(DEFAULT_ANSWER.meaningWeight);
    const off = quotes(0);
    const fixing = (qs: typeof on) => qs.find((q) => q.text.includes("fixing"));
    const hat = (qs: typeof on) => qs.find((q) => q.text.includes("blue hat"));
    const a = meaning(fixing(on));
    const b = meaning(hat(on));
    expect(a?.value).toBeGreaterThan(b?.value ?? 1);
    expect(a?.value).toBeLessThanOrEqual(1);
    // Signals and scores are shown rounded (to 0.001); the score grows by the unrounded factor.
    expect(a?.factor).toBeCloseTo(Math.exp(DEFAULT_ANSWER.meaningWeight * (a?.value ?? 0)), 2);
    const ratio = (fixing(on)?.score ?? 0) / (fixing(off)?.score ?? 1);
    expect(ratio).toBeCloseTo(Math.exp(DEFAULT_ANSWER.meaningWeight * (a?.value ?? 0)), 2);
    expect((hat(on)?.score ?? 0) / (hat(off)?.score ?? 1)).toBeCloseTo(
      Math.exp(DEFAULT_ANSWER.meaningWeight * (b?.value ?? 0)),
      2,
    );
    expect(meaning(fixing(off))).toBeUndefined();
  });

  it("leaves names out, which the exact match already counts: they change no question's meaning", () => {
    const summit = buildSegment([
      documentFromText({ id: "s", title: null, text: "The summit talks of Putin and Biden were held in Geneva." }),
    ]);
    const top = (q: string) => answerQuestion([summit], q, 1, DEFAULT_ANSWER, { abstain: false }).quotes[0];
    const plain = meaning(top("Where were the summit talks held?"));
    expect(plain?.value).toBeGreaterThan(0.5);
    expect(meaning(top("Where were Putin and Biden's summit talks held?"))?.value).toBeCloseTo(plain?.value ?? 0, 6);
    // …nor any sentence's: the same sentence without them means the question exactly as much.
    const without = buildSegment([documentFromText({ id: "w", title: null, text: "The summit talks were held." })]);
    const bare = answerQuestion([without], "Where were the summit talks held?", 1, DEFAULT_ANSWER, { abstain: false });
    expect(meaning(bare.quotes[0])?.value).toBeCloseTo(plain?.value ?? 0, 6);
    // A question of names alone has no meaning to compare: no signal, rather than one made of names.
    expect(top("Where were Putin and Biden?")?.text).toMatch(/^The summit talks/);
    expect(meaning(top("Where were Putin and Biden?"))).toBeUndefined();
  });

  it("a two-sentence core means what the sum of its sentences' vectors means", () => {
    // Hand-made vectors: two thousand frequent words first (no direction), so the six below weigh all but fully.
    const named: Array<[string, number[]]> = [
      ["harbor", [127, 0, 0, 0]],
      ["welcomed", [0, 127, 0, 0]],
      ["frigate", [0, 0, 127, 0]],
      ["calm", [90, 90, 0, 0]],
      ["arrived", [0, 90, 90, 0]],
      ["dawn", [0, 0, 0, 127]],
    ];
    const words = [...Array.from({ length: 2000 }, (_, i) => `f${i}`), ...named.map(([w]) => w)];
    const data = new Int8Array(words.length * 4);
    named.forEach(([, v], i) => data.set(v, (2000 + i) * 4));
    const vectors = new WordVectors(words, data, 4);
    const doc = buildSegment([
      documentFromText({ id: "h", title: null, text: "The harbor was calm. The frigate arrived at dawn." }),
    ]);
    const quotes = answerQuestion([doc], "Which harbor welcomed the frigate?", 3, DEFAULT_ANSWER, {
      abstain: false,
      vectors,
      relations: null,
    }).quotes;
    const both = quotes.find((q) => q.focus?.start === 0 && q.focus.end === q.text.length && q.text.includes("dawn"));
    const sum = (ws: string[]) =>
      [0, 1, 2, 3].map((k) => ws.reduce((t, w) => t + ((named.find(([n]) => n === w)?.[1] ?? [])[k] ?? 0), 0));
    const cosine = (a: number[], b: number[]) => {
      const d = (x: number[], y: number[]) => x.reduce((t, v, k) => t + v * (y[k] ?? 0), 0);
      return d(a, b) / Math.sqrt(d(a, a) * d(b, b));
    };
    const expected = cosine(
      sum(["harbor", "welcomed", "frigate"]),
      sum(["harbor", "calm", "frigate", "arrived", "dawn"]),
    );
    expect(both).toBeDefined();
    expect(meaning(both)?.value).toBeCloseTo(expected, 2);
    // Not the mean of its sentences' cosines, which differs here.
    const one = cosine(sum(["harbor", "welcomed", "frigate"]), sum(["harbor", "calm"]));
    const two = cosine(sum(["harbor", "welcomed", "frigate"]), sum(["frigate", "arrived", "dawn"]));
    expect(Math.abs((one + two) / 2 - expected)).toBeGreaterThan(0.05);
  });

  it("weighs a frequent word far less than a rare one (smooth inverse frequency by the vectors' rank)", () => {
    // 1,001 words ranked by frequency, every one the same direction: only the weights differ.
    const words = Array.from({ length: 1001 }, (_, i) => `w${i}`);
    const data = new Int8Array(1001 * 2);
    for (let i = 0; i < 1001; i++) data[i * 2] = 127;
    const v = new WordVectors(words, data, 2);
    const common = new Float32Array(2);
    const rare = new Float32Array(2);
    expect(v.addTo("w0", common)).toBe(true);
    expect(v.addTo("w1000", rare)).toBe(true);
    expect((common[0] as number) / (rare[0] as number)).toBeLessThan(0.01);
    expect(rare[0]).toBeGreaterThan(0.9 * 127);
    expect(v.addTo("not-a-word", rare)).toBe(false);
  });
});

describe("word relations", () => {
  const relations = shippedRelations() as WordRelations;

  it("load, and hold spellings, derivations and synonyms by index term", () => {
    expect(relations).not.toBeNull();
    expect(relations.related("defenc").get("defens")).toBe("spelling");
    expect(relations.related("successor").get("succe")).toBe("derived");
    expect(relations.related("center").get("centr")).toBe("spelling");
    expect(relations.related("banana").get("defens")).toBeUndefined();
    expect(relations.related("left").get("leav")).toBe("inflection");
    expect(relations.related("children").get("child")).toBe("inflection");
  });

  // Both sentences hold "budget" and "minister"; only the second says "defense", the question says "defence".
  const segment = buildSegment([
    documentFromText({
      id: "budget",
      title: "Budget",
      text:
        "The budget minister presented the yearly spending plan to the committee on Monday. " +
        "The budget minister cut defense spending by four percent over the coming year.",
    }),
  ]);
  const question = "What did the budget minister do to defence spending?";

  it("a British spelling the corpus never uses is searched as the corpus spells it", () => {
    const top = answerQuestion([segment], question, 1, DEFAULT_ANSWER, { abstain: false, vectors: null }).quotes[0];
    expect(top?.text).toContain("defense");
    expect(top?.match?.[analyze("defense")[0] as string]).toMatchObject({ via: "exact", word: "defense" });
  });

  it("a spelling the corpus uses as well stays itself, and the other spelling is evidence beside it", () => {
    const both = buildSegment([
      documentFromText({
        id: "budget",
        title: "Budget",
        text:
          "The budget minister presented the yearly spending plan and the defence review to the committee on Monday. " +
          "The budget minister cut defense spending by four percent over the coming year.",
      }),
    ]);
    const quotes = answerQuestion([both], question, 3, DEFAULT_ANSWER, { abstain: false, vectors: null }).quotes;
    const spelled = quotes.find((q) => q.text.includes("cut defense"));
    expect(spelled?.match?.[analyze("defence")[0] as string]).toMatchObject({ via: "spelling", word: "defense" });
  });

  it("an irregular form meets its base form: 'leave' finds 'left', and the answer is given", () => {
    const sullivan = buildSegment([
      documentFromText({
        id: "envoys",
        title: "Envoys",
        text:
          "Sullivan met officials in Moscow several times during the spring. " +
          "Sullivan left Moscow in April as the two countries announced new sanctions.",
      }),
    ]);
    const answer = answerQuestion([sullivan], "When did Sullivan leave Moscow?", 1, DEFAULT_ANSWER, { vectors: null });
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]?.text).toMatch(/^Sullivan left Moscow in April/);
    expect(answer.quotes[0]?.match?.["left"]).toMatchObject({ via: "exact", word: "left" });
    const without = answerQuestion([sullivan], "When did Sullivan leave Moscow?", 1, DEFAULT_ANSWER, {
      vectors: null,
      relations: null,
    });
    expect(without.quotes[0]?.match?.["left"]).toBeUndefined();
    expect(without.confidence ?? 0).toBeLessThan(answer.confidence ?? 0);
  });

  it("without relations (and vectors) the earlier sentence wins", () => {
    const top = answerQuestion([segment], question, 1, DEFAULT_ANSWER, {
      abstain: false,
      vectors: null,
      relations: null,
    }).quotes[0];
    expect(top?.text).toContain("yearly spending plan");
  });
});

describe("quantities with their units, times told by events, purposes", () => {
  const strength = (text: string, question: string) => {
    const type = answerTypeOf(question);
    if (type === null) throw new Error(`no answer type: ${question}`);
    return answerStrength(text, type, questionWords(question));
  };
  it("a sum of money, a share, a measurement: the figure with its currency, sign or unit; ½ for a bare figure", () => {
    const cost = "How much did the 3D-printed building cost in 2014?";
    expect(strength("It cost $2.5 million to build.", cost)).toBe(1);
    expect(strength("It cost 40 thousand euros.", cost)).toBe(1);
    expect(strength("It was built by 12 workers.", cost)).toBe(0.5);
    expect(strength("It is scheduled to be built in 2014.", cost)).toBe(0);
    const share = "What percentage of voters approved the 1967 referendum?";
    expect(strength("In 1967, 65% of voters approved it.", share)).toBe(1);
    expect(strength("In 1967, ten percent of voters approved it.", share)).toBe(1);
    expect(strength("When a referendum was held in 1967, voters approved the plan.", share)).toBe(0);
    const tall = "How tall is the Wells Fargo Center in feet?";
    expect(strength("The Wells Fargo Center is 533 ft tall.", tall)).toBe(1);
    expect(strength("It rises 162 metres.", tall)).toBe(1);
    expect(strength("It was 5 in the list.", tall)).toBe(0.5);
    // An article meets a unit only as a span of time: "I am", "a story", "a degree", "a line" are no measurements.
    for (const text of ["I am not sure.", "It is a story about it.", "She has a degree.", "It took a second time."])
      expect(strength(text, tall)).toBe(0);
    expect(strength("The tower cost $35 million.", "How much did the 3 towers cost?")).toBe(1);
    const long = "How long was the Summer Theatre in operation?";
    expect(strength("The Summer Theatre was in operation from 1870 to 1939.", long)).toBe(1);
    expect(strength("It ran for less than a year.", long)).toBe(1);
    expect(strength("It ran until 1796.", long)).toBe(1);
    expect(strength("It has been recognised since the 1950s.", "How long has it been recognised?")).toBe(1);
    expect(strength("There are several ways to mitigate it.", "How many ways are there to mitigate it?")).toBe(1);
  });

  it("the question's own figures are no answer", () => {
    const died = "How many people died in the 1994 earthquake?";
    expect(strength("The 1994 earthquake was destructive.", died)).toBe(0);
    expect(strength("The 1994 earthquake killed 57 people.", died)).toBe(1);
    expect(strength("The 1994 earthquake lasted 20 seconds.", "How long did the 1994 earthquake last?")).toBe(1);
    expect(strength("In 1994 it lasted long.", "How long did it last in 1994?")).toBe(0);
  });

  it("'when does…' is answered by an occasion ('at the end of the transaction', 'at startup'); 'when did…' by a date", () => {
    const drop = "When does PostgreSQL drop a temporary table?";
    expect(answerTypeOf(drop)).toBe("occasion");
    expect(strength("The table is dropped at the end of the current transaction block.", drop)).toBe(1);
    expect(strength("Temporary tables are dropped when the session ends.", drop)).toBe(1);
    expect(strength("The file is read at startup.", "When does the server read the file?")).toBe(1);
    // "When is the mall scheduled to reopen?" asks a date still.
    expect(answerTypeOf("When is the Fulton Mall scheduled to reopen?")).toBe("time");
    // A present passive asks an occasion too, unless it is a dated one (scheduled, held, founded…).
    expect(
      strength("The file is read on start-up and when the server receives a SIGHUP.", "When is pg_hba.conf read?"),
    ).toBe(1);
    expect(answerTypeOf("When is the festival held?")).toBe("time");
    expect(strength("It was dropped in 2019.", drop)).toBe(1);
    expect(strength("Temporary tables are dropped automatically.", drop)).toBe(0);
    const left = "When did Antonov leave Washington?";
    expect(answerTypeOf(left)).toBe("time");
    expect(strength("Antonov left Washington when the term ended.", left)).toBe(0);
  });

  it("spans between dated days, spans said by their unit, circa years, BP, 'at the end of World War I', free entry", () => {
    expect(strength("It was occupied from 4 August 1915 until November 1918.", "How long was it occupied?")).toBe(1);
    expect(strength("The outcome is known in seconds.", "How long does it take to know the outcome?")).toBe(1);
    expect(strength("The outcome is known to all.", "How long does it take to know the outcome?")).toBe(0);
    expect(strength("A cabinet dated c1750 from Germany.", "To which year is the cabinet dated?")).toBe(1);
    expect(strength("Rapid warming began about 13,000 BP.", "When did rapid warming begin?")).toBe(1);
    expect(strength("Since 7500 yr ago, tides have existed.", "When did the tides begin?")).toBe(1);
    expect(
      strength("At the end of World War I, it was subject to the treaty.", "When was it subject to the treaty?"),
    ).toBe(1);
    expect(
      strength("At the end of the line, it was subject to the treaty.", "When was it subject to the treaty?"),
    ).toBe(0);
    expect(strength("Entry is free, but booking is recommended.", "How much does it cost to gain entry?")).toBe(1);
    expect(strength("Entry is open to all.", "How much does it cost to gain entry?")).toBe(0);
    const signals = "When do chloroplasts produce defense signals?";
    expect(strength("After detecting stress in a cell, chloroplasts produce molecules.", signals)).toBe(1);
    expect(strength("Under intense light, they align in columns.", "When do chloroplasts align in columns?")).toBe(1);
  });

  it("'on what day in August 2017…' asks for the day: the month and year it gives are no answer", () => {
    const day = "On what exact day in August 2017 was Antonov appointed ambassador?";
    expect(answerTypeOf(day)).toBe("day");
    expect(strength("Antonov was appointed in August 2017, after the 2014 annexation.", day)).toBe(0);
    expect(strength("He was appointed on August 21, 2017.", day)).toBe(1);
    expect(strength("He was appointed on 21 August 2017.", day)).toBe(1);
    expect(strength("He was appointed on a Monday.", day)).toBe(1);
    // Without a month or year in the question, any time may answer.
    expect(answerTypeOf("On what day did the ministry announce it?")).toBe("time");
  });

  it("what a code review found: real answers the readings above must not refuse, and non-answers they must", () => {
    expect(strength("The Lakeside trail is 2.5 miles long.", "How many miles long is the Lakeside trail?")).toBe(1);
    expect(strength("In 1967, 52% of voters approved.", "How many percent of voters approved?")).toBe(1);
    expect(strength("In May 40 people were killed.", "How many people were killed in the raids in May?")).toBe(1);
    const released = "On what day in September 2023 was it released?";
    expect(strength("It was released on 2023-09-14.", released)).toBe(1);
    expect(strength("It was released on the 14th.", released)).toBe(1);
    expect(strength("BP said the leak had slowed.", "When did the spill begin?")).toBe(0);
    expect(strength("The source code is free software.", "How much does it cost?")).toBe(0);
    expect(strength("It is described at the end of Section 5.", "When was the feature introduced?")).toBe(0);
    // A span of time says how long, never how tall or far.
    expect(strength("The tower was built over decades.", "How tall is the tower?")).toBe(0);
    expect(strength("It stood from 1870 to 1939.", "How tall was the tower?")).toBe(0);
    expect(strength("The tower is 533 ft tall.", "How tall is the tower?")).toBe(1);
    expect(strength("The wall is a few feet high.", "How high is the wall?")).toBe(1);
    expect(strength("The war went on for decades.", "How long did the war last?")).toBe(1);
  });

  it("'how many' counts: a share or a measured decimal is no count", () => {
    const schools = "How many private schools are there in Sweden?";
    expect(answerTypeOf(schools)).toBe("count");
    expect(strength("Over 10% of Swedish pupils were enrolled in private schools in 2008.", schools)).toBe(0);
    expect(strength("There are 800 private schools in Sweden.", schools)).toBe(1);
    const died = "How many people died in the 1994 Northridge earthquake?";
    expect(strength("The magnitude 6.7 1994 Northridge earthquake was destructive.", died)).toBe(0);
    expect(strength("The quake left 6.7 million people homeless.", died)).toBe(1);
    expect(strength("It killed 1,500 people.", died)).toBe(1);
  });

  it("a date's day counts nothing, a sum or share is never a bare number word, a possessive is its name", () => {
    const barrels = "How many barrels a day was Saudi Arabia producing when it joined the embargo in October 1973?";
    expect(strength("Saudi Arabia joined the embargo on October 20, 1973.", barrels)).toBe(0);
    expect(strength("On 18 November 1973, Saudi Arabia joined the embargo.", barrels)).toBe(0);
    expect(strength("On the 3rd of May, it was producing.", barrels)).toBe(0);
    expect(strength("On October 20 it was producing 8 million.", barrels)).toBe(1);
    expect(strength("It produced 20 barrels in May.", barrels)).toBe(1);
    const pay = "How much did Setanta Sports pay for the packages it won in May 2006?";
    expect(strength("In May 2006, Setanta Sports was awarded two of the six packages.", pay)).toBe(0);
    expect(strength("In May 2006, Setanta Sports paid 392 million for them.", pay)).toBe(0.5);
    const share = "What percentage of voters approved the 1967 referendum?";
    expect(strength("In 1967 voters approved it; on October 1, 1968, the governments merged.", share)).toBe(0);
    const arrested = "In what year was Thoreau arrested?";
    expect(strength("Before Thoreau’s imprisonment, a taxman had wondered.", arrested)).toBe(0);
    expect(strength("Before Emerson’s visit, Thoreau was arrested.", arrested)).toBe(1);
    expect(strength("He lived at Walden's shore.", "Where did Walden live?")).toBe(0);
  });

  it("'when' is answered by an event ('during the Second World War'), 'why' by a purpose ('to attend school')", () => {
    expect(strength("During the Second World War, Warsaw was razed.", "When was Warsaw razed?")).toBe(1);
    expect(strength("Warsaw was razed by bombing raids.", "When was Warsaw razed?")).toBe(0);
    expect(strength("It happened in the 11th century.", "In what century did it happen?")).toBe(1);
    expect(strength("In 999, pilgrims called at Salerno.", "When did the pilgrims call at Salerno?")).toBe(1);
    expect(strength("Archaea evolved about 3.5 billion years ago.", "When did archaea evolve?")).toBe(1);
    expect(strength("Elections take place every five years.", "How often do elections take place?")).toBe(1);
    expect(strength("Until the oil shock, the price was stable.", "Until when was the price stable?")).toBe(1);
    expect(strength("On the evening of the same day, they married.", "At what point in the day did they marry?")).toBe(
      1,
    );
    expect(strength("Elections take place by vote.", "How often do elections take place?")).toBe(0);
    expect(strength("In 1870, Tesla moved to Karlovac, to attend school.", "Why did Tesla go to Karlovac?")).toBe(0.5);
    expect(strength("He was returned for not having a permit.", "Why was he returned?")).toBe(0.5);
    expect(strength("He was returned because he had no permit.", "Why was he returned?")).toBe(1);
    expect(strength("He went to the city.", "Why did he go?")).toBe(0);
  });
});

describe("a noun that names the kind of answer", () => {
  it("is not a question word: 'date' in 'On what date did…' is dropped, 'date format' keeps it", () => {
    expect(withoutKindNoun("On what date did Antonov return to Moscow?")).toBe("On what did Antonov return to Moscow?");
    expect(withoutKindNoun("Which year was the treaty signed?")).toBe("Which was the treaty signed?");
    expect(withoutKindNoun("What date format does the log use?")).toBe("What date format does the log use?");
    expect(withoutKindNoun("What is the date of the summit?")).toBe("What is the date of the summit?");
  });

  it("nor is a last verb that only says it happened, when the question asks where or when", () => {
    expect(withoutKindNoun("Where was the Biden Putin summit held?")).toBe("Where was the Biden Putin summit");
    expect(withoutKindNoun("When did the fire take place?")).toBe("When did the fire");
    expect(withoutKindNoun("Where is the embassy located ?")).toBe("Where is the embassy");
    // Not asked where or when, or not the last word: the verb stays.
    expect(withoutKindNoun("Who held the summit?")).toBe("Who held the summit?");
    expect(withoutKindNoun("Why was the summit held?")).toBe("Why was the summit held?");
    expect(withoutKindNoun("Where was the summit held in 2021?")).toBe("Where was the summit held in 2021?");
  });

  it("whatever ends the question, and in every tense of the verb", () => {
    expect(withoutKindNoun("Where was the summit held?!")).toBe("Where was the summit");
    expect(withoutKindNoun("Where was the summit held…")).toBe("Where was the summit");
    expect(withoutKindNoun("Where was the summit held？")).toBe("Where was the summit");
    expect(withoutKindNoun("where was the summit held.")).toBe("where was the summit");
    expect(withoutKindNoun("Where is the festival taking place?")).toBe("Where is the festival");
    expect(withoutKindNoun("When is the eclipse happening?")).toBe("When is the eclipse");
    // "When does…" asks for an occasion; the verb says no more there.
    expect(withoutKindNoun("When does the vacuum take place?")).toBe("When does the vacuum");
  });

  it("but stays when nothing else would be searched, or when a clause of its own holds it", () => {
    expect(withoutKindNoun("Where was it held?")).toBe("Where was it held?");
    expect(withoutKindNoun("When did it happen?")).toBe("When did it happen?");
    expect(withoutKindNoun("Where is the config read when a restart happens?")).toBe(
      "Where is the config read when a restart happens?",
    );
    expect(withoutKindNoun("When is the log rotated if a crash occurs?")).toBe(
      "When is the log rotated if a crash occurs?",
    );
    expect(withoutKindNoun("Where is the office well-located?")).toBe("Where is the office well-located?");
  });

  it("so 'Where was the summit held?' is answered by the sentence that names the place without 'held'", () => {
    const segment = textSegment(
      "summit",
      "Summit",
      "The Biden Putin summit was held after months of talks between the two foreign ministries. " +
        "Biden and Putin met for summit talks in Geneva, where the two presidents agreed to return ambassadors.",
    );
    const top = rankedQuotes([segment], "Where was the Biden Putin summit held?", 1)[0];
    expect(top?.text).toMatch(/in Geneva/);
  });

  // Both sentences hold "Antonov" and "returned"; the first holds "dated" too, the second the date.
  const segment = buildSegment([
    documentFromText({
      id: "return",
      title: "Return",
      text:
        "Antonov returned to the embassy with a letter dated the previous week, an aide said. " +
        "Antonov returned to Moscow on Oct. 5 after seven years in Washington.",
    }),
  ]);
  it("so the sentence with the date, not the one with the word 'dated', answers 'On what date…'", () => {
    const q = "On what date did Antonov return to Moscow?";
    const top = answerQuestion([segment], q, 1, DEFAULT_ANSWER, { abstain: false }).quotes[0];
    expect(top?.text).toMatch(/on Oct\. 5/);
    expect(Object.keys(top?.match ?? {})).not.toContain(analyze("date")[0]);
  });
});

describe("answer types that mean something", () => {
  const segment = buildSegment([
    documentFromText({
      id: "envoy",
      title: "Envoy",
      text:
        "The new envoy to Moscow is a lawyer with many years abroad. " +
        "The new envoy to Moscow is John Sullivan, with many years abroad. " +
        "The new envoy to Moscow will live in a house. " +
        "The new envoy to Moscow will live near the Kremlin walls.",
    }),
  ]);
  const top = (question: string, params = DEFAULT_ANSWER) =>
    answerQuestion([segment], question, 1, params, { abstain: false, vectors: null, relations: null }).quotes[0]?.text;

  it("'who' prefers a person's name to any capitalised word", () => {
    expect(top("Who is the new envoy to Moscow?")).toContain("John Sullivan");
    expect(
      answerStrength("The new envoy to Moscow is John Sullivan.", "person", questionWords("Who is the envoy?")),
    ).toBe(1);
    expect(answerStrength("They met in a short Statement.", "person", new Set())).toBe(0.5);
    // "How often…" asks for a frequency, and a frequency said in words is one.
    const often = questionWords("How often does the backup run?");
    expect(answerStrength("The backup runs daily.", "time", often)).toBe(1);
    expect(answerStrength("The backup copies every table.", "time", often)).toBe(0);
  });

  it("'where' prefers a named place after a preposition of place", () => {
    expect(top("Where will the new envoy to Moscow live?")).toContain("near the Kremlin");
    expect(answerStrength("He will live near the Kremlin.", "place", new Set())).toBe(1);
    expect(answerStrength("They took the citadel at the banks of the river Deabolis.", "place", new Set())).toBe(1);
    expect(answerStrength("It was made available through WatchESPN.", "place", new Set())).toBe(1);
    // Lowercase words between a preposition and a name only as "the banks of": not "to reporters about Putin".
    expect(answerStrength("He talked to reporters about Putin.", "place", new Set())).toBe(0);
    expect(answerStrength("He said on the phone that Antonov had resigned.", "place", new Set())).toBe(0);
    expect(answerStrength("Listen to what I'm saying.", "place", new Set())).toBe(0);
    expect(answerStrength("John Sullivan is a lawyer.", "place", new Set())).toBe(0);
  });

  it("…which the terms alone would not decide that way", () => {
    const untyped = { ...DEFAULT_ANSWER, answerTypeWeight: 0 };
    expect(top("Who is the new envoy to Moscow?", untyped)).not.toContain("John Sullivan");
    expect(top("Where will the new envoy to Moscow live?", untyped)).not.toContain("Kremlin");
  });
});

describe("the term a list item defines", () => {
  it("is an item's first line as ingest writes it, or a Markdown item's leading code span or bold term", () => {
    const rendered = "# OPTIONS\n\n• -n, --dry-run\n  Print the commands. Do not run them.\n\nPlain text.";
    const at = rendered.indexOf("-n,");
    expect(itemHead(rendered, at, rendered.indexOf("commands.") + 9)).toBe("-n, --dry-run");
    const md = "- `--null`: items end with a null.\n* **timeout** in seconds.\n- plain item here.";
    expect(itemHead(md, md.indexOf("`--null`"), md.indexOf("\n"))).toBe("--null");
    expect(itemHead(md, md.indexOf("**timeout**"), md.indexOf(" seconds.") + 9)).toBe("timeout");
    expect(itemHead(md, md.indexOf("plain item"), md.length)).toBeNull();
    expect(itemHead(rendered, rendered.indexOf("Plain"), rendered.length)).toBeNull();
  });

  it("needs the item's marker to open its line: a sentence after 'version 9.' or ' - ' in prose is not an item", () => {
    const prose = "It was added in version 9. `work_mem` sets the memory. Pick a - `b` c.";
    expect(itemHead(prose, prose.indexOf("`work_mem`"), prose.length)).toBeNull();
    expect(itemHead(prose, prose.indexOf("`b`"), prose.length)).toBeNull();
    const numbered = "Steps:\n  12. **Install** it first.";
    expect(itemHead(numbered, numbered.indexOf("**"), numbered.length)).toBe("Install");
  });

  describe("ranks the entry for the option a question names", () => {
    // A man page's options as stored: the entry for -n does not name the program; another sentence names both.
    const text =
      "# DESCRIPTION\n\nThe make program keeps groups of programs up to date.\n\n# OPTIONS\n\n" +
      "• -k, --keep-going\n  Continue as much as possible after an error in make, even with -n given first.\n\n" +
      "• -n, --just-print\n  Print the commands that would be executed, but do not execute them.";
    const segment = storedSegment("make", "GNU build utility", "make.1", text);
    const question = "What does make -n do?";

    it("the entry whose head holds -n answers, and says why", () => {
      const top = answerQuestion([segment], question, 1, DEFAULT_ANSWER, { abstain: false }).quotes[0];
      expect(top?.text).toMatch(/^-n, --just-print\n {2}Print the commands/);
      expect(top?.signals?.some((s) => s.name === "head" && (s.factor ?? 0) > 1)).toBe(true);
    });

    it("without the head signal the sentence naming both words would lead (the test above is decided by it)", () => {
      const top = answerQuestion([segment], question, 1, { ...DEFAULT_ANSWER, headWeight: 0 }, { abstain: false })
        .quotes[0];
      expect(top?.text).toMatch(/^-k, --keep-going/);
    });
  });

  describe("holds what the question asks beyond the page's own subject", () => {
    // The page is xargs's: its title says "xargs", the entry says "-0"; body sentences name both and answer nothing.
    const text =
      "# DESCRIPTION\n\nIn these situations it is better to use xargs -0, which prevents such problems. " +
      "The find -print0 option suits xargs -0 well.\n\n# OPTIONS\n\n" +
      "• -0, --null\n  Input items are terminated by a null character instead of by whitespace.\n\n" +
      "• -a file\n  Read items from file instead of standard input.";
    const segment = storedSegment("x", "xargs", "xargs.1", text);
    it("so the entry for -0 answers 'What does xargs -0 do?'", () => {
      const top = answerQuestion([segment], "What does xargs -0 do?", 1, DEFAULT_ANSWER, { abstain: false }).quotes[0];
      expect(top?.text).toMatch(/^-0, --null\n {2}Input items are terminated/);
      // Its head holds all the question asks beyond the title: the head signal's share is 1, not -0's share of it all.
      expect(top?.signals?.find((x) => x.name === "head")?.value).toBeCloseTo(1, 5);
    });
    it("and retrieval finds the entry first: its head counts twice among its passage's terms", () => {
      const entries = storedSegment(
        "x",
        "xargs",
        "xargs.1",
        "# OPTIONS\n\n• -0, --null\n  Input items are terminated by a null character instead of by whitespace.\n\n" +
          "# NOTES\n\nUse -0 when the names of the files may hold.",
      );
      const hits = retrieve([entries], "What does xargs -0 do?", 1, DEFAULT_ANSWER).hits;
      const first = hits[0];
      expect(first).toBeDefined();
      expect(entries.text(0).slice(entries.passageStart[first!.passage], entries.passageEnd[first!.passage])).toMatch(
        /^-0, --null/,
      );
    });
  });

  describe("counts as said by every sentence of its item", () => {
    const text =
      "# Memory\n\n• work_mem (integer)\n  Sets the memory a sort may use. " +
      "Several sorts may run at once. Each may use this much. The default value is four megabytes.\n\n" +
      "• hash_mem_multiplier (floating point)\n  Scales work_mem for hashing. The default value is 2.0 times work_mem.";
    const segment = storedSegment("cfg", "Resources", "c.html", text);
    const question = "What is the default value of work_mem?";

    it("the item's own default answers, though it does not repeat the name", () => {
      const top = answerQuestion([segment], question, 1, DEFAULT_ANSWER, { abstain: false }).quotes[0];
      expect(top?.text).toContain("four megabytes");
    });

    it("without that, the other item's sentence naming work_mem would lead", () => {
      const top = answerQuestion([segment], question, 1, { ...DEFAULT_ANSWER, headCovers: false }, { abstain: false })
        .quotes[0];
      expect(top?.text).toContain("2.0 times work_mem");
    });
  });
});

describe("a question of the document's own", () => {
  it("is a sentence ending in a question mark, perhaps inside quotes or brackets", () => {
    expect(endsAsQuestion("What happens to variables that were already set?")).toBe(true);
    expect(endsAsQuestion('He asked: "Why now?" ')).toBe(true);
    expect(endsAsQuestion("**Can I use it in a browser?**")).toBe(true);
    expect(endsAsQuestion("Variables that are already set are never modified.")).toBe(false);
    expect(endsAsQuestion("Is it? No.")).toBe(false);
  });

  describe("is answered by what follows it", () => {
    // A README's FAQ: the heading repeats the user's question word for word; the answer shares fewer of its words.
    const text =
      "# Usage\n\nLoad the file early in your program.\n\n# FAQ\n\n" +
      "What happens to environment variables that are already set in the shell? " +
      "We will never modify those: the file's value is skipped.\n\n" +
      "Can comments be added? Yes, with a hash.";
    const segment = storedSegment("env", "envfile", "R.md", text);
    const question = "Does envfile overwrite environment variables already set in my shell?";

    it("the quote holds the answer after the FAQ's question, and says the question alone was marked down", () => {
      const quotes = answerQuestion([segment], question, 3, DEFAULT_ANSWER, { abstain: false }).quotes;
      expect(quotes[0]?.text).toContain("never modify those");
      const alone = quotes.find((q) => q.text.endsWith("in the shell?"));
      expect(alone === undefined || alone.signals?.some((s) => s.name === "asks" && (s.factor ?? 1) < 1)).toBe(true);
    });

    it("without the rule the question itself leads (the test above is decided by it)", () => {
      const top = answerQuestion([segment], question, 1, { ...DEFAULT_ANSWER, askWeight: 0 }, { abstain: false })
        .quotes[0];
      expect(top?.text).toBe("What happens to environment variables that are already set in the shell?");
    });
  });
});

describe("a yes/no question", () => {
  it("is one opening with an auxiliary, not a question asked inside one", () => {
    expect(asksYesNo("Is Xft compatible with the core fonts system?")).toBe(true);
    expect(asksYesNo("Doesn't dotenv overwrite them?")).toBe(true);
    expect(asksYesNo("Can you tell me when the ambassador left?")).toBe(false);
    expect(asksYesNo("When did the ambassador leave?")).toBe(false);
  });

  it("is one after a clause that sets the scene, and then asks no date", () => {
    const q = "When the clocks jump forward in spring, do the jobs of the missing hour still run?";
    expect(asksYesNo(q)).toBe(true);
    expect(answerTypeOf(q)).toBeNull();
    expect(asksYesNo("If I add a committed file to .gitignore, will Git start ignoring it?")).toBe(true);
    // The scene's "when" with a question word later, or a question of its own, is no yes/no question.
    expect(asksYesNo("When Antonov came to Washington, what word did he want to use?")).toBe(false);
    expect(asksYesNo("If the server is down, what happens to queued requests?")).toBe(false);
    expect(answerTypeOf("When exactly did the war end?")).toBe("time");
    // A "when" that is the question, however it goes on, asks when.
    expect(asksYesNo("When was the treaty signed, was it before 1950?")).toBe(false);
    expect(answerTypeOf("When was the treaty signed, was it before 1950?")).toBe("time");
    expect(asksYesNo("Since when is this option deprecated, is it since v3?")).toBe(false);
  });

  it("is one after a statement, when no question word opens a clause", () => {
    const q = "I want request() to reject when the server answers 404 or 500, is there an option for that?";
    expect(asksYesNo(q)).toBe(true);
    expect(answerTypeOf(q)).toBeNull();
    expect(asksYesNo("I only exported HTTPS_PROXY and my http:// calls skip the proxy. Is that expected?")).toBe(true);
    expect(asksYesNo("What does it return, is it a promise?")).toBe(false);
    // A dot or colon inside a word of code ends no clause.
    expect(asksYesNo("My calls skip the proxy, is that expected for http:// URLs?")).toBe(true);
    expect(asksYesNo("I added a file, does dotenv read .env.local?")).toBe(true);
    expect(asksYesNo("I added a file, does dotenv read .env.local")).toBe(false);
    expect(asksYesNo("My tests hit the network whenever a mock doesn't match, how do I stop that?")).toBe(false);
  });

  it("is answered by a statement saying its polarity in words, read as whole words", () => {
    for (const s of [
      "Xft is not compatible.",
      "It will never modify them.",
      "It isn't.",
      "No longer supported.",
      "It cannot.",
    ])
      expect(POLAR.test(s)).toBe(true);
    for (const s of ["Note the nodes.", "Another knot.", "Xft is compatible with it."])
      expect(POLAR.test(s)).toBe(false);
  });

  describe("ranks the sentence that says yes or no first", () => {
    // Both hold the question's words; the first holds more of them, the second says whether.
    const segment = buildSegment([
      documentFromText({
        id: "fonts",
        title: "Fonts in X11",
        text: "X11 includes two font systems: the original core X11 fonts system, present in all implementations, and Xft.",
      }),
      documentFromText({
        id: "xft",
        title: "Xft",
        text: "Xft is not compatible with the core fonts system. Toolkits need changes to use it.",
      }),
    ]);
    const question = "Is Xft compatible with the core X11 fonts system?";

    it("the negation leads, and its quote says the polar signal fired", () => {
      const top = answerQuestion([segment], question, 2, DEFAULT_ANSWER, { abstain: false }).quotes[0];
      expect(top?.text).toMatch(/^Xft is not compatible/u);
      expect(top?.signals?.some((s) => s.name === "polar")).toBe(true);
    });

    it("without the signal the sentence with more of the question's words leads (the test above is decided by it)", () => {
      const top = answerQuestion([segment], question, 2, { ...DEFAULT_ANSWER, polarWeight: 0 }, { abstain: false })
        .quotes[0];
      expect(top?.text).toMatch(/^X11 includes two font systems/u);
    });

    it("a question that is not yes/no gets no such lift", () => {
      const quotes = answerQuestion([segment], "Which font system is Xft not compatible with?", 2, DEFAULT_ANSWER, {
        abstain: false,
      }).quotes;
      expect(quotes.some((q) => q.text.startsWith("Xft is not compatible"))).toBe(true);
      expect(quotes.every((q) => !q.signals?.some((s) => s.name === "polar"))).toBe(true);
    });
  });
});

describe("a table row's header row", () => {
  const page = [
    "# MockErrors",
    "",
    "Undici mocks can throw the errors below.",
    "",
    "| Mock Error | Mock Error Codes | Description |",
    "| --- | --- | --- |",
    "| `MockNotMatchedError` | `UND_MOCK_ERR_MOCK_NOT_MATCHED` | The request does not match any registered mock dispatches. |",
    "| `MockPoolClosedError` | `UND_MOCK_ERR_POOL_CLOSED` | The mock pool was closed before the request. |",
    "",
    "A mock error is raised when an interceptor cannot answer a request and the code names it.",
    "",
  ].join("\n");

  it("stands in for the question words its column names hold, and is never quoted itself", async () => {
    const segment = await fileSegment("mock-errors.md", page);
    const quotes = rankedQuotes([segment], "What is the error code of MockNotMatchedError?", 3);
    const top = quotes[0];
    expect(top?.text).toContain("UND_MOCK_ERR_MOCK_NOT_MATCHED");
    expect(top?.signals?.some((s) => s.name === "head")).toBe(true);
    expect(quotes.some((q) => q.text.includes("Mock Error Codes"))).toBe(false);
    // The header row goes with the row as its columns, verbatim at its offsets.
    expect(top?.columns?.text).toBe("| Mock Error | Mock Error Codes | Description |");
    expect(segment.text(0).slice(top?.columns?.start, top?.columns?.end)).toBe(top?.columns?.text);
  });
});

describe("the sentence that opens a section", () => {
  const page = [
    "# MockAgent",
    "",
    "## Instance methods",
    "",
    "### `MockAgent.activate()`",
    "",
    "This method enables mocking in a MockAgent.",
    "",
    "### `MockAgent.deactivate()`",
    "",
    "This method disables mocking in MockAgent.",
    "",
    "### `MockAgent.enableNetConnect()`",
    "",
    "When requests are not matched, the agent forwards them. Therefore, this method is only effective after `MockAgent.deactivate` has been called.",
    "",
  ].join("\n");

  it("answers 'What does X do?' under the heading that names X", async () => {
    const segment = await fileSegment("mock-agent.md", page);
    const ask = (leadWeight: number) =>
      rankedQuotes([segment], "What does MockAgent.deactivate() do?", 3, { ...DEFAULT_ANSWER, leadWeight })[0];
    const top = ask(DEFAULT_ANSWER.leadWeight);
    expect(top?.text).toBe("This method disables mocking in MockAgent.");
    expect(top?.signals?.some((s) => s.name === "lead")).toBe(true);
    // Without the signal the sentence that repeats the question's words leads.
    expect(ask(0)?.text).toContain("only effective after");
  });
});

describe("where", () => {
  it("a manual's path, stream or code after a preposition of place is a place too", () => {
    const none = new Set<string>();
    expect(answerStrength("By default `debug` will log to stderr.", "place", none)).toBe(1);
    expect(answerStrength("Temporary files are kept in /var/tmp between reboots.", "place", none)).toBe(1);
    expect(
      answerStrength("The upstream server url should be added in the `path` of every request.", "place", none),
    ).toBe(1);
    expect(answerStrength("The url should be added to every request call.", "place", none)).toBe(0);
    // A value is no place, nor is the path the question names.
    expect(answerStrength("Set it to `false` to disable retries.", "place", none)).toBe(0);
    expect(answerStrength("Call it on `error` events.", "place", none)).toBe(0);
    const asked = questionWords("Where are files in /tmp removed?");
    expect(answerStrength("Files in /tmp are removed at boot.", "place", asked)).toBe(0);
    expect(answerStrength("It costs 1/2 of the price.", "place", none)).toBe(0);
  });
});

describe("what a name of code means", () => {
  it('is asked as what it is; a word of prose keeps its "mean"', () => {
    expect(asDefinition("What does SecureProxyConnectionError mean?")).toBe("What is SecureProxyConnectionError?");
    expect(asDefinition("What does ECONNRESET mean")).toBe("What is ECONNRESET?");
    expect(asDefinition("What does pg_dump mean?")).toBe("What is pg_dump?");
    expect(asDefinition("What does isobaric mean?")).toBe("What does isobaric mean?");
    expect(asDefinition("What does Untersee mean?")).toBe("What does Untersee mean?");
    expect(asDefinition("What does it mean?")).toBe("What does it mean?");
  });

  it('is answered by the error\'s entry, which never says "means"', () => {
    const segment = storedSegment(
      "errors",
      "Errors",
      "errors.md",
      "# Errors\n\n" +
        "| Error | Code | Description |\n| --- | --- | --- |\n" +
        "| `SecureProxyConnectionError` | `UND_ERR_PRX_TLS` | tls connection to a proxy failed |\n" +
        "| `SocketError` | `UND_ERR_SOCKET` | there is an error with the socket |\n",
    );
    const answer = answerQuestion([segment], "What does SecureProxyConnectionError mean?", 1);
    expect(answer.question).toBe("What does SecureProxyConnectionError mean?");
    expect(answer.quotes[0]?.text).toContain("tls connection to a proxy failed");
  });
});
