/**
 * Cutting text to fit is linear in the text's length, whatever the text (issue 9, item 1): a long run without spaces
 * once sent Intl.Segmenter over the whole document, whose memory grows quadratically on Node 20, and crashed the
 * process on /source and /ask. These tests go through the renderers those commands use.
 */
import { describe, expect, it } from "vitest";
import { fileSource } from "../../support/sources.js";
import type { Answer, DocumentView, Source } from "../../../src/core/index.js";
import {
  clipInline,
  cutPoint,
  fitCode,
  fitQuote,
  payloadProblems,
  renderAnswer,
  renderDocument,
} from "../../../src/discord/render/index.js";

const RUN = "x".repeat(100_000);
const source = (overrides: Partial<Source> = {}): Source => ({
  id: "doc",
  title: "A document",
  publisher: null,
  author: null,
  date: null,
  url: null,
  path: null,
  ...overrides,
});

describe("a 100,000-character run without spaces", () => {
  it("renders on /source: the opening is cut inside the run and the message fits", () => {
    const opening = `${RUN}. A sentence.`;
    const view: DocumentView = { source: source(), opening, passages: 1, characters: opening.length };
    const payloads = renderDocument(view);
    expect(payloads).toHaveLength(1);
    const text = payloads[0]?.content ?? "";
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text).toMatch(/> x{1000,}/);
    expect(text).toMatch(/Opening continues: [\d,]+ more characters/);
  });

  it("renders on /ask: a quote of it, and a one-word 100,000-character title", () => {
    const quoteText = `${RUN}. A sentence.`;
    const answer: Answer = {
      question: "What?",
      answered: true,
      quotes: [
        {
          text: quoteText,
          start: 0,
          end: quoteText.length,
          score: 1,
          source: source({ title: RUN, url: "https://example.org/a" }),
          alsoReportedBy: [source({ id: "other", title: RUN })],
        },
      ],
      independentSources: 1,
      closest: [],
    };
    for (const payload of renderAnswer(answer)) expect(payload.content?.length ?? 0).toBeLessThanOrEqual(2000);
    const title = clipInline(RUN, 150);
    expect(title).toHaveLength(150);
    expect(title.endsWith("…")).toBe(true);
  });
});

/** Median time of `run` over a few repetitions, in ms. */
function timed(run: () => void, repetitions = 5): number {
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(repetitions / 2)] as number;
}

describe("cutting is linear in the text's length, whatever the text", () => {
  const ordinary = (n: number) => "The harbour office opens at seven. ".repeat(Math.ceil(n / 35)).slice(0, n);
  const adversarial: Record<string, (n: number) => string> = {
    "one run of a letter": (n) => "x".repeat(n),
    "combining marks on one letter": (n) => `a${"\u0301".repeat(n - 1)}`,
    "a run of emoji": (n) => "👩‍👩‍👧".repeat(Math.ceil(n / 8)).slice(0, n),
    "periods without spaces": (n) => "a.".repeat(n / 2),
  };
  it.each(Object.entries(adversarial))(
    "%s: within a small factor of ordinary text, and growing linearly",
    (_name, make) => {
      // Ratios measured in one run, not time limits. Quadratic behaviour would be hundreds of times worse here.
      const room = 1800;
      const bad = make(400_000);
      const badMs = timed(() => fitQuote(bad, room));
      const goodMs = timed(() => fitQuote(ordinary(400_000), room));
      expect(badMs, `vs ordinary: ${badMs.toFixed(2)} ms vs ${goodMs.toFixed(2)} ms`).toBeLessThan(
        Math.max(goodMs, 1) * 25,
      );
      const smallMs = timed(() => fitQuote(make(25_000), room));
      // 16 times the text: linear is 16 times the time at most, quadratic 256.
      expect(badMs, `growth: ${smallMs.toFixed(2)} ms -> ${badMs.toFixed(2)} ms`).toBeLessThan(
        Math.max(smallMs, 1) * 64,
      );
    },
  );

  it("grows no faster than the text: 4 times the text, at most 8 times the time", () => {
    const small = "x".repeat(100_000);
    const large = "x".repeat(400_000);
    const room = (text: string) => (end: number) => clipInline(text.slice(0, end), 10_000).length <= 150;
    const smallMs = timed(() => cutPoint(small, room(small)));
    const largeMs = timed(() => cutPoint(large, room(large)));
    expect(largeMs).toBeLessThan(Math.max(smallMs, 0.5) * 8);
  });
});

describe("the code a quote announces", () => {
  const code = Array.from({ length: 40 }, (_, i) => `const step${i} = await run(${i});`).join("\n");
  const source = fileSource("Mocking", "d.md");

  it("is cut after a whole line, inside one code block, and says how many lines are left", () => {
    const cut = fitCode(code, "js", 300, 15);
    expect(cut).not.toBeNull();
    const rendered = (cut as { rendered: string }).rendered;
    expect(rendered.length).toBeLessThanOrEqual(300);
    expect(rendered.startsWith("```js\nconst step0 = await run(0);\n")).toBe(true);
    expect(rendered.endsWith(";\n```")).toBe(true);
    const body = rendered.slice("```js\n".length, -"\n```".length);
    // The lines shown are the source's own, from its start.
    expect(code.startsWith(body)).toBe(true);
    expect(cut?.omittedLines).toBe(40 - body.split("\n").length);
    expect(fitCode(code, "js", 2000, 15)?.omittedLines).toBe(25);
  });

  it("is not shown when it holds a fence of its own, or when not one line fits", () => {
    expect(fitCode("echo ```ls```", null, 500, 15)).toBeNull();
    expect(fitCode("x".repeat(400), null, 100, 15)).toBeNull();
    // A language that is not a fence's word is left out.
    expect(fitCode("ls", "js\n@everyone", 100, 15)?.rendered).toBe("```\nls\n```");
  });

  it("goes under its quote in the answer, which still fits one message", () => {
    const quote = {
      text: "This is what the test file looks like:",
      start: 0,
      end: 38,
      score: 1,
      source,
      alsoReportedBy: [],
      code: { start: 40, end: 40 + code.length, text: code, language: "js" },
    };
    const answer: Answer = {
      question: "How do I mock?",
      answered: true,
      quotes: [quote],
      independentSources: 1,
      closest: [],
    };
    const [message] = renderAnswer(answer);
    const content = (message as { content: string }).content;
    expect(content).toContain("> This is what the test file looks like:\n```js\nconst step0 = await run(0);");
    expect(content).toMatch(/Code shortened here: \d+ more lines in the source\./);
    expect(content.indexOf("```js")).toBeLessThan(content.indexOf("\n— "));
    expect(payloadProblems(message as never)).toEqual([]);
  });

  it("a table row's column names go under it, escaped, on one line", () => {
    const row = "`MockNotMatchedError` | `UND_MOCK_ERR` | No mock matched.";
    const columns = { start: 0, end: 40, text: "| Mock Error   | Mock *Error* Codes | Description |" };
    const answer: Answer = {
      question: "What is the code?",
      answered: true,
      quotes: [{ text: row, start: 60, end: 60 + row.length, score: 1, source, alsoReportedBy: [], columns }],
      independentSources: 1,
      closest: [],
    };
    const [message] = renderAnswer(answer);
    expect(payloadProblems(message as never)).toEqual([]);
    const content = (message as { content: string }).content;
    expect(content).toContain(String.raw`
-# Columns: \| Mock Error \| Mock \*Error\* Codes \| Description \|`);
  });

  it("is cut in time linear in its length, whatever the code", () => {
    const ordinary = (n: number) => "let a = 1;\n".repeat(Math.ceil(n / 11)).slice(0, n);
    for (const make of [
      (n: number) => "x".repeat(n),
      (n: number) => "\n".repeat(n),
      (n: number) => " \n".repeat(n / 2),
    ]) {
      const badMs = timed(() => fitCode(make(400_000), null, 600, 15));
      const goodMs = timed(() => fitCode(ordinary(400_000), null, 600, 15));
      expect(badMs).toBeLessThan(Math.max(goodMs, 1) * 25);
      const smallMs = timed(() => fitCode(make(25_000), null, 600, 15));
      expect(badMs).toBeLessThan(Math.max(smallMs, 1) * 64);
    }
  });
});
