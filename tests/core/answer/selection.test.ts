/**
 * Selection: whether to answer is decided once, on the best candidate, by the calibrated model; every further quote
 * must pass the same check by itself and hold the question's most informative term; "independent sources" is counted
 * from the quotes shown; and each quote says why it was chosen.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fileSegment, rankedQuotes } from "../../support/answers.js";
import { loadDocument } from "../../../src/core/ingest/load.js";
import { REPO_ROOT } from "../../support/paths.js";
import { documentFromText } from "../../../src/core/ingest/document.js";
import { buildSegment, type Segment } from "../../../src/core/search/segment.js";
import { answerQuestion, DEFAULT_ANSWER } from "../../../src/core/answer/quotes.js";
import { FALLBACK, FEATURES, probability, shippedDecision, type Features } from "../../../src/core/answer/decision.js";

const zephyrDocs = [
  documentFromText({
    id: "zephyr",
    title: "The Zephyr Accord",
    publisher: "Daily A",
    text:
      "The Zephyr Accord was signed in Lisbon on 3 May 2019 by eleven coastal states. " +
      "The Zephyr Accord limits trawling in shared waters and sets up a joint patrol. " +
      "Its signatories meet every two years to review the quotas.",
  }),
  documentFromText({
    id: "weather",
    title: "Spring weather",
    publisher: "Daily B",
    text: "According to forecasters, the spring will be wet and the summer dry. According to the service, rain was signed off as normal.",
  }),
  documentFromText({
    id: "football",
    title: "Football",
    publisher: "Daily C",
    text: "According to the coach, the striker signed a new contract in May, where the club trains.",
  }),
];
const zephyr = buildSegment(zephyrDocs);

describe("a question only one document answers", () => {
  it("is quoted from that document alone, and counts one source", () => {
    const answer = answerQuestion([zephyr], "Where was the Zephyr Accord signed?", 3);
    expect(answer.answered).toBe(true);
    expect(new Set(answer.quotes.map((q) => q.source.id))).toEqual(new Set(["zephyr"]));
    expect(answer.quotes.flatMap((q) => q.alsoReportedBy)).toEqual([]);
    expect(answer.independentSources).toBe(1);
  });

  it("…where ranking alone (no evidence check) would pad it with the 'According to' documents", () => {
    const padded = answerQuestion([zephyr], "Where was the Zephyr Accord signed?", 3, DEFAULT_ANSWER, {
      abstain: false,
    });
    expect(padded.quotes.some((q) => q.source.id !== "zephyr")).toBe(true);
  });
});

describe("a fact several documents report", () => {
  const reported = documentFromText({
    id: "zephyr-b",
    title: "Coastal states sign a fishing pact",
    publisher: "Daily D",
    text: "Eleven coastal states signed the Zephyr Accord in Lisbon on 3 May 2019. Fishing crews welcomed it.",
  });
  const traced = (segment: ReturnType<typeof buildSegment>) => {
    let features: Features | undefined;
    const answer = answerQuestion([segment], "Where was the Zephyr Accord signed?", 3, DEFAULT_ANSWER, {
      trace: (f) => (features = f),
    });
    return { answer, margin: (features as Features).margin };
  };

  it("is as sure as when one document says it: the second corroborates the first, it does not compete with it", () => {
    const alone = traced(zephyr);
    const corroborated = traced(buildSegment([...zephyrDocs, reported]));
    expect(corroborated.answer.answered).toBe(true);
    expect(corroborated.answer.quotes[0]?.alsoReportedBy.map((s) => s.id)).toEqual(["zephyr-b"]);
    // The margin is measured against the best candidate that says something else, in both corpora the same one.
    expect(corroborated.margin).toBeCloseTo(alone.margin, 6);
    expect(corroborated.answer.confidence).toBeGreaterThanOrEqual((alone.answer.confidence ?? 1) - 0.01);
  });
});

describe("--limit only changes how many quotes are shown", () => {
  it.each([
    "Where was the Zephyr Accord signed?",
    "What does the Zephyr Accord limit?",
    "Who won the cup final?",
    "When did the striker sign?",
  ])("%s", (question) => {
    const one = answerQuestion([zephyr], question, 1);
    const five = answerQuestion([zephyr], question, 5);
    expect(one.answered).toBe(five.answered);
    expect(one.confidence).toBe(five.confidence);
    expect(one.quotes[0]?.text).toBe(five.quotes[0]?.text);
    expect(one.quotes.length).toBeLessThanOrEqual(1);
  });
});

describe("the decision model", () => {
  const model = shippedDecision();
  const base: Features = Object.fromEntries(FEATURES.map((f) => [f, 0])) as Features;

  it("is the trained one, with its operating point", () => {
    expect(model).not.toBe(FALLBACK);
    expect(model.features).toEqual([...FEATURES]);
    expect(model.threshold).toBeGreaterThan(0);
    expect(model.threshold).toBeLessThan(1);
  });

  it("is more confident the more of the question a quote holds, and the further it stands out", () => {
    const low = probability(model, { ...base, heldCoverage: 0.2, softCoverage: 0.2, informativeSoft: 0.2 });
    const high = probability(model, { ...base, heldCoverage: 0.9, softCoverage: 0.9, informativeSoft: 0.9 });
    expect(high).toBeGreaterThan(low);
    const close = probability(model, { ...base, heldCoverage: 0.6, margin: 0 });
    const clear = probability(model, { ...base, heldCoverage: 0.6, margin: 1.5 });
    expect(clear).toBeGreaterThan(close);
  });

  it("decides whether to answer (a model that never answers abstains on the same question)", () => {
    const never = { ...model, threshold: 1.01 };
    expect(answerQuestion([zephyr], "Where was the Zephyr Accord signed?", 3).answered).toBe(true);
    expect(
      answerQuestion([zephyr], "Where was the Zephyr Accord signed?", 3, DEFAULT_ANSWER, { decision: never }).answered,
    ).toBe(false);
  });
});

describe("the closest sources of an abstention", () => {
  // undici's documentation (32 pages): "bodyTimeout" is a list item of the Client page, while the error table and the
  // lifecycle page hold more of the question's words. Abstaining, the answer names first the page it would have quoted
  // (it listed Errors, Fetch and Lifecycle, from the search's passages alone, and not the Client page).
  let undici: Segment;
  beforeAll(async () => {
    const dir = path.join(REPO_ROOT, "eval/corpora/undici-docs/docs");
    const pages = readdirSync(dir).sort();
    undici = buildSegment(
      await Promise.all(pages.map((p) => loadDocument(p, readFileSync(path.join(dir, p), "utf8")))),
    );
  });

  it("lead with the document of the best candidate", () => {
    const question = "How do I set a timeout for the body of a response?";
    const never = { ...shippedDecision(), threshold: 1.01 };
    const quoted = answerQuestion([undici], question, 3, DEFAULT_ANSWER, { abstain: false });
    expect(quoted.quotes[0]?.text).toContain("bodyTimeout");
    const abstained = answerQuestion([undici], question, 3, DEFAULT_ANSWER, { decision: never });
    expect(abstained.answered).toBe(false);
    expect(abstained.closest[0]?.id).toBe(quoted.quotes[0]?.source.id);
    expect(abstained.closest.length).toBe(3);
    expect(new Set(abstained.closest.map((s) => s.id)).size).toBe(3);
  });
});

describe("what the quote's context holds", () => {
  // Three man pages, loaded once for the tests below.
  let manpages: Segment;
  beforeAll(async () => {
    const pages = ["xargs.1", "find.1", "grep.1"];
    const read = (p: string) => readFileSync(path.join(REPO_ROOT, "eval/corpora/manpages/docs", p), "utf8");
    manpages = buildSegment(await Promise.all(pages.map((p) => loadDocument(p, read(p)))));
  });

  it("counts as held: an option's entry answers for the page's name and its own head", () => {
    // "-0, --null  Input items are terminated by a null character…" repeats neither "xargs" (the page's title) nor
    // much of the question beside its head: counted on the sentence alone, the model gave it 0.03 and abstained.
    const answer = answerQuestion([manpages], "What does xargs -0 do?", 3);
    expect(answer.answered).toBe(true);
    const top = answer.quotes[0];
    expect(top?.source.title).toMatch(/^xargs /u);
    expect(top?.text).toMatch(/^-0, --null\s+Input items are terminated by a null character/u);
    expect(top?.section).toBe("OPTIONS");
  });

  it("…in the model's features, beside the quote's own coverage of the question (its ranking signal)", () => {
    let traced: Features | null = null;
    const answer = answerQuestion([manpages], "What does xargs -0 do?", 3, DEFAULT_ANSWER, {
      trace: (f) => (traced = f),
    });
    const own = answer.quotes[0]?.signals?.find((s) => s.name === "coverage")?.value ?? 1;
    const features = traced as Features | null;
    expect(own).toBeLessThan(0.5);
    expect(features?.heldCoverage).toBeGreaterThan(0.9);
    expect(features?.informativeHeld).toBeGreaterThan(0.9);
  });
});

describe("a section's heading as context", () => {
  it("hold the question's words for the sentences under them, in the model's features", async () => {
    const md = await loadDocument(
      "guide.md",
      "# Guide\n\nThe guide covers setting the tool up.\n\n## Proxies\n\nExport HTTPS_PROXY before the first run.\n",
    );
    let traced: Features | null = null;
    const answer = answerQuestion(
      [buildSegment([md])],
      "What sets the proxy before the first run?",
      3,
      DEFAULT_ANSWER,
      {
        abstain: false,
        trace: (f) => (traced = f),
      },
    );
    const top = answer.quotes[0];
    expect(top?.text).toBe("Export HTTPS_PROXY before the first run.");
    expect(top?.section).toMatch(/Proxies$/u);
    // "proxy" is held only by the heading ("HTTPS_PROXY" is one identifier): counted in the model's coverage, not in
    // the quote's own (its ranking signal).
    const own = top?.signals?.find((s) => s.name === "coverage")?.value ?? 1;
    expect((traced as Features | null)?.heldCoverage ?? 0).toBeGreaterThan(own + 0.1);
  });
});

describe("explanations", () => {
  it("each quote carries its signals, whose contributions make up its score, and the terms it matched", () => {
    const answer = answerQuestion([zephyr], "Where was the Zephyr Accord signed?", 3);
    const top = answer.quotes[0];
    expect(top?.signals?.length).toBeGreaterThan(2);
    let points = 0;
    let factor = 1;
    for (const s of top?.signals ?? []) {
      points += s.points ?? 0;
      factor *= s.factor ?? 1;
    }
    expect(points * factor).toBeCloseTo(top?.score ?? 0, 0);
    expect(top?.match?.["zephyr"]).toMatchObject({ via: "exact", word: "zephyr", strength: 1 });
    expect(top?.terms).toContain("zephyr");
    expect(top?.confidence).toBe(
      answer.confidence === undefined ? undefined : Math.round(answer.confidence * 1000) / 1000,
    );
  });
});

describe("one document's page on the topic", () => {
  // A manual's page says three things about the option; another page mentions it once in passing.
  const manual = buildSegment([
    documentFromText({
      id: "rsync",
      title: "rsync manual",
      text:
        "The --delete option removes files on the receiver that the sender lacks.\n\n" +
        "The --delete option only removes files in directories being synchronised.\n\n" +
        "The --delete option can be combined with --dry-run to see what would be removed.",
    }),
    documentFromText({
      id: "tar",
      title: "tar manual",
      text: "By default tar never removes a file it did not write.",
    }),
  ]);
  const question = "What does the rsync --delete option remove?";

  it("may give all three quotes of a ranking, as they are its best", () => {
    const quotes = answerQuestion([manual], question, 3, DEFAULT_ANSWER, { abstain: false }).quotes;
    expect(quotes.map((q) => q.source.id)).toEqual(["rsync", "rsync", "rsync"]);
  });

  it("…where two quotes a document (the former cap) would give the third place to the passing mention", () => {
    const quotes = answerQuestion(
      [manual],
      question,
      3,
      { ...DEFAULT_ANSWER, perDocument: 2 },
      { abstain: false },
    ).quotes;
    expect(quotes.map((q) => q.source.id).sort()).toEqual(["rsync", "rsync", "tar"]);
  });
});

describe("entries of one reference page", () => {
  // Two options of one page share most of their words and say different things: neither hides the other.
  const page = [
    "# stash",
    "",
    "- **apply** Like pop, but the stash entry is not removed from the stash list.",
    "- **pop** When applying the stash entry fails with conflicts, the entry is not removed from the stash list.",
    "",
  ].join("\n");

  it("are each quoted, however many words they share (without the rule the second was folded into the first)", async () => {
    const segment = await fileSegment("stash.md", page);
    const texts = rankedQuotes([segment], "Is the stash entry removed when pop fails with conflicts?", 3).map(
      (q) => q.text,
    );
    expect(texts.some((t) => t.startsWith("**apply**"))).toBe(true);
    expect(texts.some((t) => t.startsWith("**pop**"))).toBe(true);
  });
});
