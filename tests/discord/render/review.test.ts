/**
 * What moderators read in /review and operators in /operator reports: every view within Discord's message and
 * component limits, members' text escaped, and buttons whose ids parse back to the action they name.
 */
import { describe, expect, it } from "vitest";
import type { Flag } from "../../../src/core/index.js";
import { parseOperatorCustomId, parseReviewCustomId } from "../../../src/discord/ids.js";
import {
  describePinned,
  payloadProblems,
  renderCandidates,
  renderExclusions,
  renderOperatorReports,
  renderPins,
  renderReportPage,
  type CandidateView,
  type ListedView,
  type ReportView,
} from "../../../src/discord/render/index.js";
import { PING_TRIGGERS, random, soup, soupSource } from "../../support/soup.js";

const ITEM = "0123456789";
const flag = (reason: Flag["reason"], userId: string, note?: string): Flag => ({
  userId,
  answerId: "0t3zq9aabcde",
  reason,
  at: "2026-03-01T12:00:00.000Z",
  ...(note === undefined ? {} : { note }),
});

const VIEW: ReportView = {
  id: ITEM,
  question: "What did Biden call Putin?",
  quote: { text: "Putin said last week it was “hard to say”.", source: soupSource(random(1), 0) },
  missing: null,
  flags: [
    flag("does-not-answer", "1", "He called him a killer."),
    flag("wrong-source", "2"),
    flag("does-not-answer", "3"),
  ],
  lastAt: "2026-03-01T12:00:00.000Z",
};

const ids = (p: { components?: Array<{ components: unknown[] }> }) =>
  (p.components ?? []).flatMap((row) => row.components.map((c) => (c as { custom_id: string }).custom_id));
const labels = (p: { components?: Array<{ components: unknown[] }> }) =>
  (p.components ?? []).flatMap((row) => row.components.map((c) => (c as { label: string }).label));

describe("the review queue", () => {
  it("shows the question, quote, source, how many members flagged it and why, with the notes", () => {
    const p = renderReportPage(VIEW, 1, 2);
    expect(payloadProblems(p)).toEqual([]);
    const content = p.content ?? "";
    expect(content).toContain("**Report 1 of 2**");
    expect(content).toContain("Flagged by 3 members");
    expect(content).toContain("It does not answer the question ×2 · It quotes the wrong source ×1");
    expect(content).toContain("> “He called him a killer.”");
    expect(labels(p)).toEqual(["Dismiss", "Exclude passage", "Pin another passage…", "Previous", "Next"]);
    expect(ids(p).map((id) => parseReviewCustomId(id)?.kind)).toEqual([
      "dismiss",
      "exclude",
      "choose",
      "reports",
      "reports",
    ]);
  });

  it("says why a quote is missing, and cannot exclude what is not there", () => {
    for (const missing of ["none", "removed", "changed"] as const) {
      const p = renderReportPage({ ...VIEW, quote: null, missing }, 1, 1);
      expect(payloadProblems(p)).toEqual([]);
      expect(p.content).toMatch(/Not in the corpus|removed|changed/);
      const exclude = p.components?.[0]?.components[1] as { disabled?: boolean };
      expect(exclude.disabled).toBe(true);
    }
    expect(renderReportPage(null, 1, 0).content).toMatch(/No open reports/);
  });

  it("lists candidates with their scores and a Pin button each", () => {
    const candidates: CandidateView[] = [0, 1, 2, 3, 4].map((i) => ({
      text: `Candidate sentence ${i}.`,
      score: 50 - i * 7.5,
      source: soupSource(random(i + 2), i),
      reported: i === 0,
      pinned: i === 3,
      check: `0000000${i}`,
    }));
    const p = renderCandidates(VIEW, candidates, 1);
    expect(payloadProblems(p)).toEqual([]);
    expect(p.content).toContain("**1.** score 50.00 · reported");
    expect(p.content).toContain("**4.** score 27.50 · pinned");
    expect(ids(p).map((id) => parseReviewCustomId(id))).toEqual([
      ...candidates.map((c, i) => ({ kind: "pin", item: ITEM, candidate: i, check: c.check, page: 1 })),
      { kind: "reports", page: 1 },
    ]);
  });

  it("lists exclusions and pins with Restore / Remove buttons, paginated", () => {
    const items: ListedView[] = Array.from({ length: 7 }, (_, i) => ({
      id: `0000000${i}`,
      excerpt: i === 2 ? null : `Excerpt ${i}`,
      source: i === 4 ? null : soupSource(random(i), i),
      question: "How old is Antonov?",
      by: "123456789012345678",
      at: "2026-03-01T12:00:00.000Z",
    }));
    const first = renderExclusions(items, 1);
    expect(payloadProblems(first)).toEqual([]);
    expect(labels(first)).toEqual([
      "Restore 1",
      "Restore 2",
      "Restore 3",
      "Restore 4",
      "Restore 5",
      "Previous",
      "Next",
    ]);
    expect(first.content).toContain("no longer exists as it was");
    const second = renderPins(items, 2, "**Removed** the pin.");
    expect(second.content?.split("\n")[0]).toBe("**Removed** the pin.");
    expect(labels(second)).toEqual(["Remove 6", "Remove 7", "Previous", "Next"]);
    expect(parseReviewCustomId(ids(second)[0] ?? "")).toEqual({ kind: "unpin", id: "00000005", page: 2 });
    expect(renderExclusions([], 1).content).toMatch(/excludes no passages/);
  });

  it("shows the operator every report and offers Dismiss only where there are no moderators", () => {
    const dm = renderOperatorReports({ view: VIEW, where: { dm: true }, dismissable: true }, 1, 1);
    expect(labels(dm)).toEqual(["Dismiss"]);
    expect(parseOperatorCustomId(ids(dm)[0] ?? "")).toEqual({ kind: "dismiss", item: ITEM, page: 1 });
    const server = renderOperatorReports(
      { view: VIEW, where: { dm: false, name: "A", id: "1" }, dismissable: false },
      1,
      3,
    );
    expect(labels(server)).toEqual(["Previous", "Next"]);
  });

  it("fits the limits and pings nobody whatever members wrote", () => {
    const next = random(5);
    for (let round = 0; round < 100; round++) {
      const view: ReportView = {
        ...VIEW,
        question: soup(next, 2000) || "q",
        quote: { text: soup(next, 4000) || "x", source: soupSource(next, round) },
        flags: Array.from({ length: 1 + Math.floor(next() * 8) }, (_, i) =>
          flag(i % 2 === 0 ? "other" : "outdated", String(i), soup(next, 300)),
        ),
      };
      const pages = [
        renderReportPage(view, 1, 3),
        renderCandidates(
          view,
          [0, 1, 2, 3, 4].map((i) => ({
            text: soup(next, 3000) || "x",
            score: next() * 100,
            source: soupSource(next, i),
            reported: false,
            pinned: false,
            check: "abcdef01",
          })),
          2,
        ),
        renderOperatorReports({ view, where: { dm: false, name: soup(next, 200), id: "42" }, dismissable: true }, 2, 3),
      ];
      const text = view.quote?.text ?? "";
      pages.push({
        ...renderReportPage(view, 1, 1),
        content: describePinned(view.question, text, soupSource(next, 9)),
      });
      for (const p of pages) {
        expect(payloadProblems(p)).toEqual([]);
        for (const trigger of PING_TRIGGERS) expect(p.content ?? "").not.toMatch(trigger);
      }
    }
  });
});
