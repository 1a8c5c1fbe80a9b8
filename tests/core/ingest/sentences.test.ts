import { describe, expect, it } from "vitest";
import { splitSentences } from "../../../src/core/ingest/sentences.js";

const split = (text: string) => splitSentences(text).map((s) => text.slice(s.start, s.end));

describe("splitSentences", () => {
  it("keeps abbreviations inside their sentence", () => {
    expect(
      split("Russia’s Ambassador to the U.S. Anatoly Antonov is wrapping up. He left on Oct. 5 with Mr. Smith."),
    ).toEqual(["Russia’s Ambassador to the U.S. Anatoly Antonov is wrapping up.", "He left on Oct. 5 with Mr. Smith."]);
  });

  it("still ends a sentence at an initialism followed by a sentence starter", () => {
    expect(split("He worked in the U.S. The embassy closed.")).toEqual([
      "He worked in the U.S.",
      "The embassy closed.",
    ]);
  });

  it("returns offsets into the original text, trimmed", () => {
    const text = "  First one.   Second one?\nThird!  ";
    const spans = splitSentences(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(["First one.", "Second one?", "Third!"]);
  });

  it("splits only inside the given span", () => {
    const text = "Skip this. Take this one. And this.";
    const spans = splitSentences(text, { start: 11, end: text.length });
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(["Take this one.", "And this."]);
  });
});

describe("no sentence ends inside a link's destination or a URL", () => {
  const texts = (t: string) => splitSentences(t).map((s) => t.slice(s.start, s.end));

  it("keeps '../' paths and URL queries inside their sentence", () => {
    expect(
      texts("We register it *(read [here](../Reference/Plugins.md#scope) to understand the scope)*. Then it loads."),
    ).toEqual([
      "We register it *(read [here](../Reference/Plugins.md#scope) to understand the scope)*.",
      "Then it loads.",
    ]);
    expect(texts("Use the [helper](https://example.com/a.b/c.html?x=1.2) to do it. Then stop.")).toEqual([
      "Use the [helper](https://example.com/a.b/c.html?x=1.2) to do it.",
      "Then stop.",
    ]);
  });

  it("still ends sentences that end with no space after them in CJK", () => {
    expect(texts("你好。再见。")).toEqual(["你好。", "再见。"]);
  });
});
