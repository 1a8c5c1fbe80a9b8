/**
 * The trust loop's member-facing rendering: the buttons under answers of every shape, the report form, vote lines, and
 * the answer's own marks (numbered attributions, the pinned line, "sources differ", undated sources) — all within
 * Discord's documented component and message limits.
 */
import { describe, expect, it } from "vitest";
import { type Answer, independentSources, type Quote, type Source } from "../../../src/core/index.js";
import { parseAnswerCustomId } from "../../../src/discord/ids.js";
import {
  answerRows,
  componentProblems,
  modalProblems,
  PINNED_LINE,
  payloadProblems,
  renderAnswer,
  renderAnswerProblem,
  renderVote,
  reportModal,
  withAnswerButtons,
  ANSWER_PROBLEMS,
} from "../../../src/discord/render/index.js";
import { random, soup, soupSource } from "../../support/soup.js";

const ID = "0t3zq9aabcde";

const source = (id: string, extra: Partial<Source> = {}): Source => ({
  id,
  title: `Title ${id}`,
  publisher: `Publisher ${id}`,
  author: null,
  date: "2024-03-05",
  url: null,
  path: null,
  ...extra,
});
const quote = (text: string, s: Source, extra: Partial<Quote> = {}): Quote => ({
  text,
  start: 0,
  end: text.length,
  score: 1,
  source: s,
  alsoReportedBy: [],
  ...extra,
});
const answer = (quotes: Quote[], extra: Partial<Answer> = {}): Answer => ({
  question: "When did the bridge open?",
  answered: true,
  quotes,
  independentSources: independentSources(quotes),
  closest: [],
  ...extra,
});

type Row = ReturnType<typeof answerRows>[number];
const labelsOf = (rows: Row[]) => rows.map((r) => r.components.map((c) => ("label" in c ? c.label : "")));
const idsOf = (rows: Row[]) => rows.flatMap((r) => r.components.map((c) => ("custom_id" in c ? c.custom_id : "")));

describe("buttons under an answer", () => {
  it("fits one quote in one row", () => {
    const rows = answerRows({ answerId: ID, answered: true, items: 1 });
    expect(labelsOf(rows)).toEqual([["Passage", "Source", "Helpful", "Wrong quote"]]);
  });

  it("numbers Passage and Source for several quotes, and stops at three", () => {
    expect(labelsOf(answerRows({ answerId: ID, answered: true, items: 3 }))).toEqual([
      ["Passage 1", "Passage 2", "Passage 3"],
      ["Source 1", "Source 2", "Source 3"],
      ["Helpful", "Wrong quote"],
    ]);
    expect(labelsOf(answerRows({ answerId: ID, answered: true, items: 9 }))[0]).toHaveLength(3);
  });

  it("offers the closest sources and 'Wrong answer' under 'Not in the corpus'", () => {
    expect(labelsOf(answerRows({ answerId: ID, answered: false, items: 2 }))).toEqual([
      ["Source 1", "Source 2"],
      ["Helpful", "Wrong answer"],
    ]);
    expect(labelsOf(answerRows({ answerId: ID, answered: false, items: 0 }))).toEqual([["Helpful", "Wrong answer"]]);
  });

  it("meets Discord's component limits with unique ids that parse back, for every shape", () => {
    for (const answered of [true, false])
      for (let items = 0; items <= 5; items++) {
        const rows = answerRows({ answerId: ID, answered, items });
        expect(componentProblems(rows)).toEqual([]);
        const ids = idsOf(rows);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) {
          expect(id.length).toBeLessThanOrEqual(100);
          expect(parseAnswerCustomId(id)?.answerId).toBe(ID);
        }
      }
  });

  it("puts the buttons on the last message of an answer and nowhere else", () => {
    const long = Array.from({ length: 3 }, (_, i) =>
      quote(`${"A long sentence about the bridge. ".repeat(55)}${i}`, source(`d${i}`)),
    );
    const payloads = withAnswerButtons(renderAnswer(answer(long), { numbered: true }), {
      answerId: ID,
      answered: true,
      items: 3,
    });
    expect(payloads.length).toBeGreaterThan(1);
    payloads.forEach((p, i) => {
      expect(payloadProblems(p)).toEqual([]);
      expect((p.components ?? []).length > 0).toBe(i === payloads.length - 1);
    });
  });
});

describe("the answer's marks", () => {
  it("numbers attributions only when asked and there is more than one quote", () => {
    const two = answer([quote("One.", source("a")), quote("Two.", source("b"))]);
    expect(renderAnswer(two, { numbered: true })[0]?.content).toMatch(/^— 2 · \*\*Title b\*\*/m);
    expect(renderAnswer(two)[0]?.content).not.toMatch(/^— \d · /m);
    expect(renderAnswer(answer([quote("One.", source("a"))]), { numbered: true })[0]?.content).not.toMatch(/— 1 · /);
  });

  it("marks a pinned quote as the moderators' choice, outside the quoted lines", () => {
    const content = renderAnswer(
      answer([quote("Chosen.", source("a"), { pinned: true }), quote("Other.", source("b"))]),
    )[0]?.content;
    const lines = content?.split("\n") ?? [];
    expect(lines[lines.indexOf("> Chosen.") - 1]).toBe(PINNED_LINE);
    expect(lines.filter((l) => l === PINNED_LINE)).toHaveLength(1);
  });

  it("says the sources differ above the quotes, and names undated sources", () => {
    const content =
      renderAnswer(
        answer([quote("It opened in 2021.", source("a")), quote("It opened in 2020.", source("b", { date: null }))], {
          sourcesDiffer: { kind: "time" },
        }),
      )[0]?.content ?? "";
    const lines = content.split("\n");
    expect(lines[2]).toBe("**Sources differ** on the date. Newest source first; check each source's date.");
    expect(content).toContain("**Title a** · Publisher a · 5 Mar 2024\n");
    expect(content).toMatch(/\*\*Title b\*\* · Publisher b · undated$/m);
    expect(renderAnswer(answer([quote("x.", source("a", { date: null }))]))[0]?.content).not.toContain("undated");
  });

  it("stays within the limits with every mark on adversarial text", () => {
    const next = random(14);
    for (let round = 0; round < 150; round++) {
      const quotes = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) =>
        quote(soup(next, 2500) || "x", soupSource(next, i), { pinned: i === 0 && next() < 0.5 }),
      );
      const rendered = renderAnswer(
        answer(quotes, {
          question: soup(next, 400) || "q",
          ...(next() < 0.5 ? { sourcesDiffer: { kind: "name" as const } } : {}),
        }),
        { numbered: true },
      );
      const payloads = withAnswerButtons(rendered, { answerId: ID, answered: true, items: quotes.length });
      for (const p of payloads) expect(payloadProblems(p)).toEqual([]);
    }
  });
});

describe("the report form", () => {
  it("is built of Labels: a reason, the quote when there are several, an optional note", () => {
    const modal = reportModal(ID, { answered: true, quotes: [source("a"), source("b")] }, "this server's moderators");
    expect(modalProblems(modal)).toEqual([]);
    expect(modal.title).toBe("Report a wrong quote");
    const [reason, which, note] = modal.components as unknown as Array<{
      type: number;
      label: string;
      description?: string;
      component: { type: number; custom_id: string; required?: boolean; options?: Array<{ value: string }> };
    }>;
    expect(reason?.component.options?.map((o) => o.value)).toEqual([
      "does-not-answer",
      "wrong-source",
      "outdated",
      "other",
    ]);
    expect(which?.component.options?.map((o) => o.value)).toEqual(["0", "1"]);
    expect(note?.component).toMatchObject({ type: 4, custom_id: "note", required: false });
    expect(note?.description).toContain("this server's moderators");
    expect(parseAnswerCustomId(modal.custom_id)).toEqual({ kind: "report", answerId: ID });
  });

  it("asks only what applies to 'Not in the corpus' and to one quote", () => {
    const missed = reportModal(ID, { answered: false, quotes: [] }, "the bot's operators");
    expect(missed.title).toBe("Report a wrong answer");
    expect(missed.components).toHaveLength(2);
    expect(modalProblems(missed)).toEqual([]);
    const one = reportModal(ID, { answered: true, quotes: [source("a")] }, "x");
    expect(one.components).toHaveLength(2);
  });

  it("stays within the limits whatever the sources' titles hold", () => {
    const next = random(7);
    for (let round = 0; round < 60; round++) {
      const sources = Array.from({ length: 3 }, (_, i) => soupSource(next, i));
      expect(modalProblems(reportModal(ID, { answered: true, quotes: sources }, soup(next, 300)))).toEqual([]);
    }
  });
});

describe("vote lines and problems", () => {
  it("acknowledges each vote privately, with a way to withdraw it", () => {
    for (const outcome of [
      { kind: "helpful", changed: false },
      { kind: "helpful", changed: true },
      { kind: "already-helpful" },
      { kind: "reported", reason: "outdated", changed: false, who: "this server's moderators" },
    ] as const) {
      const line = renderVote(ID, outcome);
      expect(payloadProblems(line)).toEqual([]);
      expect(line.flags ?? 0).toBeGreaterThanOrEqual(64);
      expect(idsOf(line.components as Row[])).toEqual([`ask:withdraw:${ID}`]);
    }
    expect(renderVote(ID, { kind: "withdrawn" }).components).toBeUndefined();
  });

  it("explains every problem in one private line", () => {
    for (const key of Object.keys(ANSWER_PROBLEMS) as Array<keyof typeof ANSWER_PROBLEMS>) {
      const line = renderAnswerProblem(key);
      expect(payloadProblems(line)).toEqual([]);
      expect(line.content?.split("\n")).toHaveLength(1);
    }
    expect(ANSWER_PROBLEMS.expired).toMatch(/too old .* 30 days/);
  });
});

describe("component limits", () => {
  const button = (id: string, label = "x") => ({ type: 2, style: 2, custom_id: id, label });
  const row = (...components: unknown[]) => ({ type: 1, components }) as unknown as Row;

  it("refuses what Discord refuses", () => {
    expect(componentProblems(Array.from({ length: 6 }, (_, i) => row(button(`b${i}`))))).toContain(
      "6 action rows (limit 5)",
    );
    expect(componentProblems([row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))])[0]).toMatch(/6 buttons/);
    expect(componentProblems([row(button("x".repeat(101)))])[0]).toMatch(/custom_id/);
    expect(componentProblems([row(button("a", "y".repeat(81)))])[0]).toMatch(/label over 80/);
    expect(componentProblems([row(button("a"), button("a"))])[0]).toMatch(/used twice/);
    expect(
      componentProblems([row({ type: 2, style: 5, url: "https://x.example", custom_id: "a", label: "l" })])[0],
    ).toMatch(/link button cannot have a custom_id/);
    const options = Array.from({ length: 26 }, (_, i) => ({ label: `o${i}`, value: `${i}` }));
    expect(componentProblems([row({ type: 3, custom_id: "s", options })])[0]).toMatch(/26 options/);
    expect(componentProblems([row(button("a"), { type: 3, custom_id: "s", options: [] })])[0]).toMatch(
      /buttons and a select/,
    );
  });

  it("refuses a modal Discord refuses", () => {
    const label = (component: unknown, text = "Label") => ({ type: 18, label: text, component });
    const input = { type: 4, custom_id: "t", style: 1 };
    const modal = (components: unknown[], title = "Title") =>
      ({ custom_id: "m", title, components }) as unknown as Parameters<typeof modalProblems>[0];
    expect(modalProblems(modal([label(input)]))).toEqual([]);
    expect(modalProblems(modal([label(input)], "t".repeat(46)))[0]).toMatch(/title/);
    expect(modalProblems(modal(Array.from({ length: 6 }, () => label(input))))[0]).toMatch(/6 components/);
    expect(modalProblems(modal([label({ ...input, label: "old" })]))[0]).toMatch(/cannot have its own label/);
    expect(modalProblems(modal([label(input, "l".repeat(46))]))[0]).toMatch(/label must be 1-45/);
    expect(modalProblems(modal([{ type: 1, components: [input] }]))[0]).toMatch(/use a Label/);
  });
});
