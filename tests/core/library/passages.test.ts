/**
 * Passages by id through the library: a quote's passage shown in its document (section, neighbours), moderators'
 * exclusions kept out of answers, a pinned quote leading an answer, and references that no longer match their passage
 * (the document changed) doing nothing rather than something else.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, sectionAt } from "../../../src/core/library/passages.js";
import { Library } from "../../../src/core/library/library.js";
import type { PassageRef } from "../../../src/core/types.js";

const filler = (topic: string, n: number) =>
  Array.from({ length: n }, (_, i) => `The ${topic} paragraph number ${i + 1} talks about routine matters at length.`)
    .join(" ")
    .concat("\n\n");

const GUIDE = [
  "---\ntitle: Harbour handbook\npublisher: Port authority\nurl: https://port.example/handbook\n---\n",
  "# Harbour handbook\n\n## Opening hours\n\n",
  "The harbour office opens at 7:30 and closes at 16:00 on weekdays.\n\n",
  filler("hours", 30),
  "## Ferries\n\n",
  "The ferry to Lindholm leaves every ninety minutes from the north pier.\n\n",
  filler("ferry", 30),
].join("");

let dir: string;
let library: Library;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-passages-"));
  await writeFile(join(dir, "handbook.md"), GUIDE);
  await writeFile(
    join(dir, "notice.md"),
    "---\ntitle: Winter notice\npublisher: Port authority\ndate: 2025-12-01\n---\nIn winter the harbour office opens at 9:00 on weekdays and the ferry to Lindholm leaves every two hours.\n",
  );
  ({ library } = await Library.open({ corpusDir: dir }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const refOf = (passageId: string): PassageRef => {
  const view = library.passage(passageId);
  if (view === null) throw new Error(`no passage ${passageId}`);
  return view.ref;
};

describe("passages", () => {
  it("gives every quote the id of the passage it was cut from", () => {
    const answer = library.answer("When does the harbour office open on weekdays?");
    expect(answer.answered).toBe(true);
    for (const quote of answer.quotes) {
      const view = library.passage(quote.passage?.passageId ?? "");
      expect(view?.source.id).toBe(quote.source.id);
      expect(view !== null && view.start <= quote.start && quote.end <= view.end).toBe(true);
      expect(view?.text.slice(quote.start - (view?.start ?? 0), quote.end - (view?.start ?? 0))).toBe(quote.text);
    }
  });

  it("shows a passage with its section heading and its neighbours", () => {
    const answer = library.answer("How often does the ferry to Lindholm leave the north pier?");
    const quote = answer.quotes.find((q) => q.source.id === "handbook");
    const view = library.passage(quote?.passage?.passageId ?? "");
    expect(view?.section).toBe("Ferries");
    expect(view?.count).toBeGreaterThan(2);
    expect(view?.previous).toBe(`handbook#${(view?.index ?? 0) - 1}`);
    const first = library.passage("handbook#0");
    expect(first?.previous).toBeNull();
    expect(first?.section).toBe("Opening hours");
    const last = library.passage(`handbook#${(first?.count ?? 1) - 1}`);
    expect(last?.next).toBeNull();
    expect(library.passage("handbook#999")).toBeNull();
    expect(library.passage("nothing#0")).toBeNull();
    expect(library.passage("handbook#-1")).toBeNull();
    // A document without headings has no section.
    expect(library.passage("notice#0")?.section).toBeNull();
  });

  it("never quotes an excluded passage, and quotes it again once the exclusion is gone", () => {
    const question = "When does the harbour office open on weekdays?";
    const before = library.answer(question);
    const top = before.quotes[0];
    expect(top).toBeDefined();
    const ref = top?.passage ?? { passageId: "", fingerprint: "" };
    const after = library.answer(question, { exclude: [ref] });
    expect(after.quotes.map((q) => q.passage?.passageId)).not.toContain(top?.passage?.passageId);
    expect(library.answer(question).quotes[0]?.passage?.passageId).toBe(top?.passage?.passageId);
    // A reference whose text changed matches nothing.
    const stale = library.answer(question, { exclude: [{ ...ref, fingerprint: "0".repeat(16) }] });
    expect(stale.quotes[0]?.passage?.passageId).toBe(top?.passage?.passageId);
  });

  it("leads with a pinned quote, marked, and drops the same text from the rest", () => {
    const question = "When does the harbour office open on weekdays?";
    const candidates = library.candidates(question);
    expect(candidates.length).toBeGreaterThan(1);
    const chosen = candidates[candidates.length - 1];
    if (chosen === undefined) throw new Error("no candidate");
    const pinned = { ...(chosen.passage ?? refOf("")), start: chosen.start, end: chosen.end };
    const answer = library.answer(question, { pinned });
    expect(answer.quotes[0]).toMatchObject({ text: chosen.text, pinned: true, passage: chosen.passage });
    expect(answer.quotes.filter((q) => q.text === chosen.text)).toHaveLength(1);
    expect(answer.quotes.length).toBeLessThanOrEqual(3);
    // Stale, out of its passage, or excluded: the answer is what it would be without the pin.
    const plain = library.answer(question).quotes.map((q) => q.text);
    for (const bad of [
      { ...pinned, fingerprint: fingerprint("something else") },
      { ...pinned, end: pinned.end + 100_000 },
    ])
      expect(library.answer(question, { pinned: bad }).quotes.map((q) => q.text)).toEqual(plain);
    const excluded = library.answer(question, { pinned, exclude: [chosen.passage ?? refOf("")] });
    expect(excluded.quotes.some((q) => q.pinned)).toBe(false);
  });

  it("leads with the pin even where it would otherwise abstain", () => {
    const question = "Where can I buy a fishing licence for the harbour?";
    expect(library.answer(question).answered).toBe(false);
    const candidate = library.candidates(question)[0];
    if (candidate === undefined) throw new Error("no candidate");
    const pinned = { ...(candidate.passage ?? refOf("")), start: candidate.start, end: candidate.end };
    const answer = library.answer(question, { pinned });
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]?.pinned).toBe(true);
    expect(answer.independentSources).toBe(1);
  });
});

describe("section headings", () => {
  it("finds the nearest Markdown heading at or before an offset", () => {
    const text = "# Title\n\nintro\n\n## Part one\n\nbody one\n\n### Deeper ###\nbody two";
    expect(sectionAt(text, text.indexOf("intro"))).toBe("Title");
    expect(sectionAt(text, text.indexOf("body one"))).toBe("Part one");
    expect(sectionAt(text, text.indexOf("body two"))).toBe("Deeper");
    expect(sectionAt(text, text.indexOf("## Part one"))).toBe("Part one");
    expect(sectionAt("no headings here\nat all", 10)).toBeNull();
    expect(sectionAt("#hashtag is not a heading\ntext", 30)).toBeNull();
  });

  it("is linear in the text before the offset on adversarial input", () => {
    const n = 400_000;
    const ordinary = "A line of ordinary prose about the harbour.\n".repeat(n / 44);
    const hostile = `${"#".repeat(200)}${" ".repeat(90)}\n`.repeat(n / 291) + "#\n".repeat(1000);
    const time = (text: string) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        sectionAt(text, text.length - 1);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    time(ordinary);
    expect(time(hostile) / time(ordinary)).toBeLessThan(10);
  });
});
