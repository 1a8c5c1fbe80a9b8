/**
 * The Passage view: the quote verbatim (in bold) inside its passage, the section, the document's metadata, and
 * navigation that meets Discord's limits at either end — for ordinary and adversarial text alike.
 */
import { describe, expect, it } from "vitest";
import type { PassageView, Source } from "../../../src/core/index.js";
import { parseAnswerCustomId } from "../../../src/discord/ids.js";
import { payloadProblems, renderPassage, unescapeMarkdown } from "../../../src/discord/render/index.js";
import { PING_TRIGGERS, random, soup, soupSource } from "../../support/soup.js";

const ID = "0t3zq9aabcde";
const SOURCE: Source = {
  id: "handbook",
  title: "Harbour handbook",
  publisher: "Port authority",
  author: null,
  date: "2025-01-02",
  url: "https://port.example/handbook",
  path: null,
};

function view(text: string, extra: Partial<PassageView> = {}): PassageView {
  return {
    ref: { passageId: "handbook#2", fingerprint: "0".repeat(16) },
    source: SOURCE,
    index: 2,
    count: 5,
    text,
    start: 1000,
    end: 1000 + text.length,
    section: "Ferries",
    previous: "handbook#1",
    next: "handbook#3",
    ...extra,
  };
}

/** The bold runs of the blockquote, unescaped and joined: what the view marks as quoted. */
function boldText(content: string): string {
  return content
    .split("\n")
    .filter((l) => l.startsWith("> "))
    .map((l) => [...l.slice(2).matchAll(/\*\*(.*?)\*\*/g)].map((m) => unescapeMarkdown(m[1] ?? "")).join(""))
    .filter((s) => s !== "")
    .join("\n");
}

describe("the Passage view", () => {
  const TEXT =
    "The pier is on the north side. The ferry to Lindholm leaves every ninety minutes from the north pier. Tickets are sold aboard.";
  const quoteStart = 1000 + TEXT.indexOf("The ferry");
  const quoteEnd = 1000 + TEXT.indexOf(" Tickets");

  it("marks the quoted sentences in bold inside the passage, with its section and source", () => {
    const p = renderPassage(view(TEXT), { answerId: ID, quote: 0, span: { start: quoteStart, end: quoteEnd } });
    expect(payloadProblems(p)).toEqual([]);
    expect(p.flags ?? 0).toBeGreaterThanOrEqual(64);
    const content = p.content ?? "";
    expect(content.split("\n")[0]).toBe("**Passage 3 of 5** · section “Ferries”");
    expect(boldText(content)).toBe("The ferry to Lindholm leaves every ninety minutes from the north pier.");
    expect(unescapeMarkdown(content)).toContain("The pier is on the north side.");
    expect(content).toContain("[Harbour handbook](<https://port.example/handbook>) · Port authority · 2 Jan 2025");
  });

  it("navigates to the neighbouring passages, disabled at either end, with unique ids", () => {
    const ids = (v: PassageView) =>
      (renderPassage(v, { answerId: ID, quote: 1, span: null }).components ?? []).flatMap((row) =>
        row.components.map((c) => ({
          id: "custom_id" in c ? c.custom_id : "",
          disabled: "disabled" in c && c.disabled === true,
        })),
      );
    const middle = ids(view(TEXT));
    expect(middle.map((b) => parseAnswerCustomId(b.id))).toEqual([
      { kind: "nav", answerId: ID, quote: 1, ordinal: 1 },
      { kind: "nav", answerId: ID, quote: 1, ordinal: 3 },
      { kind: "source", answerId: ID, quote: 1 },
    ]);
    for (const [index, count] of [
      [0, 2],
      [1, 2],
      [0, 3],
      [2, 3],
    ] as const) {
      const buttons = ids(view(TEXT, { index, count }));
      expect(new Set(buttons.map((b) => b.id)).size).toBe(buttons.length);
      expect(buttons[0]?.disabled).toBe(index === 0);
      expect(buttons[1]?.disabled).toBe(index === count - 1);
    }
    expect(ids(view(TEXT, { index: 0, count: 1 })).map((b) => parseAnswerCustomId(b.id)?.kind)).toEqual(["source"]);
  });

  it("keeps a long quote whole in bold as far as it fits, saying how much more there is", () => {
    const long = `${"A clause of the long treaty text, ".repeat(200)}end.`;
    const p = renderPassage(view(long), { answerId: ID, quote: 0, span: { start: 1000, end: 1000 + long.length } });
    expect(payloadProblems(p)).toEqual([]);
    expect(p.content).toMatch(/The quote continues: [\d,]+ more characters/);
    expect(long.startsWith(boldText(p.content ?? "").replace(/\n/g, " "))).toBe(true);
  });

  it("shortens the context around a quote, never the quote", () => {
    const before = "Context before the quote. ".repeat(60);
    const after = "Context after the quote. ".repeat(60);
    const quoted = "This is the quoted sentence.";
    const text = before + quoted + after;
    const start = 1000 + before.length;
    const p = renderPassage(view(text), { answerId: ID, quote: 0, span: { start, end: start + quoted.length } });
    expect(payloadProblems(p)).toEqual([]);
    expect(boldText(p.content ?? "")).toBe(quoted);
    expect(p.content).toContain("> […]");
    expect(p.content).toContain("The passage was shortened around the quote.");
  });

  it("fits Discord's limits, pings nobody and keeps the quote verbatim on adversarial text", () => {
    const next = random(31);
    for (let round = 0; round < 200; round++) {
      const text = soup(next, 3000) || "x";
      const a = Math.floor(next() * text.length);
      const b = Math.min(text.length, a + 1 + Math.floor(next() * 800));
      const v = view(text, { source: soupSource(next, round), section: next() < 0.5 ? null : soup(next, 300) });
      const p = renderPassage(v, {
        answerId: ID,
        quote: 0,
        span: next() < 0.8 ? { start: 1000 + a, end: 1000 + b } : null,
      });
      expect(payloadProblems(p)).toEqual([]);
      for (const trigger of PING_TRIGGERS) expect(p.content ?? "").not.toMatch(trigger);
    }
  });
});
