/** The CLI's readable answer: a quote's announced code indented under it, and a table row's columns. */
import { describe, expect, it } from "vitest";
import { fileSource } from "../support/sources.js";
import type { Answer, Quote } from "../../src/core/index.js";
import { formatAnswer } from "../../src/cli/format.js";

const source = fileSource("Mocking", "d.md");
const quote = (text: string, extra: Partial<Quote>): Quote => ({
  text,
  start: 0,
  end: text.length,
  score: 1,
  source,
  alsoReportedBy: [],
  ...extra,
});
const answer = (q: Quote): Answer => ({
  question: "q",
  answered: true,
  quotes: [q],
  independentSources: 1,
  closest: [],
});

describe("formatAnswer", () => {
  it("shows the code a quote announces, indented, at most 30 lines, and says how many more there are", () => {
    const code = Array.from({ length: 35 }, (_, i) => `  line(${i});`).join("\n");
    const out = formatAnswer(
      answer(
        quote("This is what it looks like:", {
          code: { start: 30, end: 30 + code.length, text: code, language: "js" },
        }),
      ),
    );
    expect(out).toContain("“This is what it looks like:”\n    code (js):\n        line(0);\n");
    expect(out).toContain("        line(29);\n      … 5 more lines in the source");
    expect(out).not.toContain("line(30)");
  });

  it("shows a table row's columns on one line, the table's padding collapsed", () => {
    const out = formatAnswer(
      answer(quote("`E1` | Timeout", { columns: { start: 0, end: 30, text: "| Error   | Code    |" } })),
    );
    expect(out).toContain("“`E1` | Timeout”\n    columns: | Error | Code |\n");
  });
});

describe("a question with nothing to look up", () => {
  it("says so, and names no sources as close", () => {
    const text = formatAnswer({
      question: "hey, ok so?",
      answered: false,
      quotes: [],
      independentSources: 0,
      closest: [],
      nothingAsked: true,
    });
    expect(text).toBe(
      "Nothing to look up in “hey, ok so?”: ask about something the documents may say (a name, an event, an option).\n",
    );
  });
});
