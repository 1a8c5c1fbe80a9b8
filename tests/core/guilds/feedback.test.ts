/**
 * The trust loop's storage: answer records for buttons (retention and "too old"), votes a member can change, the
 * review queue grouped by question and passage, dismissals, exclusions and pins per scope, all read back after a
 * reopen, with torn lines and a corrupt moderation file handled the way the guild store handles its files.
 */
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ANSWER_RETENTION_DAYS,
  type AnsweredQuote,
  type AnswerRecord,
  answerIdTime,
  DM_SCOPE,
  FeedbackError,
  FeedbackStore,
  reportItemId,
} from "../../../src/core/guilds/feedback.js";

const A = "100000000000000001";
const B = "100000000000000002";
const DAY = 86_400_000;

let dir: string;
let clock: number;
const now = () => clock;
const open = () => FeedbackStore.open(dir, { now });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-feedback-"));
  clock = Date.parse("2026-03-01T12:00:00Z");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quote = (n: number, extra: Partial<AnsweredQuote> = {}): AnsweredQuote => ({
  passageId: `doc-${n}.md#${n}`,
  fingerprint: n.toString(16).padStart(16, "0"),
  start: 10 * n,
  end: 10 * n + 9,
  sourceId: `doc-${n}.md`,
  ...extra,
});

function record(store: FeedbackStore, scope: string, extra: Partial<AnswerRecord> = {}): AnswerRecord {
  return {
    id: store.newAnswerId(),
    at: new Date(clock).toISOString(),
    scope,
    channelId: "200000000000000001",
    userId: "300000000000000001",
    private: false,
    question: "When did the ambassador return to Moscow?",
    answered: true,
    quotes: [quote(1), quote(2)],
    closest: [],
    ...extra,
  };
}

const report = (store: FeedbackStore, scope: string, answer: AnswerRecord, userId: string, q = 0) =>
  store.castVote(scope, {
    at: new Date(clock).toISOString(),
    answerId: answer.id,
    userId,
    vote: "wrong",
    reason: "does-not-answer",
    note: `note from ${userId}`,
    quote: q,
    subject: { question: answer.question, quote: answer.quotes[q] ?? null, private: answer.private },
  });

describe("answer records", () => {
  it("makes ids that carry their time and fit a custom id", async () => {
    const store = await open();
    const id = store.newAnswerId();
    expect(id).toMatch(/^[0-9a-z]{12}$/);
    expect(answerIdTime(id)).toBe(Math.floor(clock / 1000));
    expect(new Set(Array.from({ length: 200 }, () => store.newAnswerId())).size).toBe(200);
  });

  it("finds a recorded answer after a reopen, only in its own scope", async () => {
    const store = await open();
    const answer = record(store, A);
    await store.recordAnswer(answer);
    const again = await open();
    expect(again.answer(A, answer.id)).toEqual({ status: "found", record: answer });
    expect(again.answer(B, answer.id).status).toBe("unknown");
    expect(again.answer(DM_SCOPE, answer.id).status).toBe("unknown");
  });

  it("says an answer past its retention is too old, and tells it from an id it never made", async () => {
    const store = await open();
    const answer = record(store, A);
    await store.recordAnswer(answer);
    clock += (ANSWER_RETENTION_DAYS + 1) * DAY;
    expect(store.answer(A, answer.id).status).toBe("expired");
    const reopened = await open();
    expect(reopened.answer(A, answer.id).status).toBe("expired");
    // Dropped from the file when it reopened.
    expect(await readFile(join(dir, "guilds", A, "feedback", "answers.jsonl"), "utf8")).toBe("");
    expect(reopened.answer(A, reopened.newAnswerId()).status).toBe("unknown");
    expect(reopened.answer(A, "../../etc/passwd").status).toBe("unknown");
  });

  it("refuses a record for an invalid scope or with a bad shape", async () => {
    const store = await open();
    await expect(store.recordAnswer(record(store, "../x"))).rejects.toThrow(FeedbackError);
    await expect(store.recordAnswer({ ...record(store, A), channelId: "general" })).rejects.toThrow(FeedbackError);
    expect(store.scopes()).toEqual([]);
  });

  it("cuts off a line torn by a crash and keeps appending on a fresh line", async () => {
    const store = await open();
    const first = record(store, A);
    await store.recordAnswer(first);
    const path = join(dir, "guilds", A, "feedback", "answers.jsonl");
    await appendFile(path, '{"id":"half a li');
    const reopened = await open();
    expect(reopened.problems.some((p) => p.reason.includes("cut short"))).toBe(true);
    const second = record(reopened, A);
    await reopened.recordAnswer(second);
    const last = await open();
    expect(last.answer(A, first.id).status).toBe("found");
    expect(last.answer(A, second.id).status).toBe("found");
    expect(last.problems).toEqual([]);
  });
});

describe("votes and the review queue", () => {
  it("keeps one vote per member per answer, which the member can change or withdraw", async () => {
    const store = await open();
    const answer = record(store, A);
    await store.recordAnswer(answer);
    const vote = (userId: string, kind: "helpful" | "withdrawn") =>
      store.castVote(A, { at: new Date(clock).toISOString(), answerId: answer.id, userId, vote: kind });
    await vote("u1", "helpful");
    await report(store, A, answer, "u2");
    expect(store.voteOf(A, answer.id, "u1")?.vote).toBe("helpful");
    expect(store.reports(A)).toHaveLength(1);
    // u2 changes their mind: the report leaves the queue.
    clock += 1000;
    await vote("u2", "helpful");
    expect(store.reports(A)).toEqual([]);
    await vote("u1", "withdrawn");
    const again = await open();
    expect(again.voteOf(A, answer.id, "u1")).toBeUndefined();
    expect(again.voteOf(A, answer.id, "u2")?.vote).toBe("helpful");
    expect(again.stats(A).windows[0]).toEqual({ days: 7, helpful: 1, reported: 0 });
  });

  it("compacts its vote log while running once superseded lines outnumber the live votes", async () => {
    const store = await open();
    const answer = record(store, A);
    await store.recordAnswer(answer);
    for (let i = 0; i < 1100; i++)
      await store.castVote(A, {
        at: new Date(clock + i).toISOString(),
        answerId: answer.id,
        userId: "u1",
        vote: i % 2 === 0 ? "helpful" : "withdrawn",
      });
    const lines = (await readFile(join(dir, "guilds", A, "feedback", "votes.jsonl"), "utf8")).trim().split("\n");
    expect(lines.length).toBeLessThan(1100);
    expect(store.voteOf(A, answer.id, "u1")).toBeUndefined();
    expect((await open()).voteOf(A, answer.id, "u1")).toBeUndefined();
  });

  it("refuses a report without a reason or a subject", async () => {
    const store = await open();
    const answer = record(store, A);
    await expect(
      store.castVote(A, { at: new Date(clock).toISOString(), answerId: answer.id, userId: "u1", vote: "wrong" }),
    ).rejects.toThrow(FeedbackError);
  });

  it("groups reports of the same question and passage, counts members, and keeps notes", async () => {
    const store = await open();
    const one = record(store, A);
    const two = record(store, A, { question: "when did the ambassador return to moscow" });
    await store.recordAnswer(one);
    await store.recordAnswer(two);
    await report(store, A, one, "u1");
    clock += 1000;
    await report(store, A, two, "u2");
    await report(store, A, one, "u3", 1);
    const queue = store.reports(A);
    expect(queue.map((item) => item.flags.length)).toEqual([2, 1]);
    expect(queue[0]?.quote?.passageId).toBe("doc-1.md#1");
    expect(queue[0]?.flags.map((f) => f.note)).toEqual(["note from u2", "note from u1"]);
    expect(queue[0]?.id).toBe(reportItemId(one.question, one.quotes[0] ?? null));
    expect(store.reports(B)).toEqual([]);
  });

  it("keeps a report after its answer's record is gone", async () => {
    const store = await open();
    const answer = record(store, A);
    await store.recordAnswer(answer);
    await report(store, A, answer, "u1");
    clock += (ANSWER_RETENTION_DAYS + 5) * DAY;
    const later = await open();
    expect(later.answer(A, answer.id).status).toBe("expired");
    expect(later.reports(A)[0]?.question).toBe(answer.question);
  });

  it("dismisses a report, which reopens when someone flags it again", async () => {
    const store = await open();
    const answer = record(store, A);
    await store.recordAnswer(answer);
    await report(store, A, answer, "u1");
    const [item] = store.reports(A);
    clock += 1000;
    expect(await store.dismiss(A, item?.id ?? "", "mod")).not.toBeNull();
    expect(store.reports(A)).toEqual([]);
    expect((await open()).reports(A)).toEqual([]);
    expect(await store.dismiss(A, item?.id ?? "", "mod")).toBeNull();
    clock += 1000;
    await report(store, A, answer, "u2");
    expect(store.reports(A).map((i) => i.flags.map((f) => f.userId))).toEqual([["u2"]]);
  });
});

describe("exclusions and pins", () => {
  it("excludes a passage per scope, lists it, restores it, and says so after a reopen", async () => {
    const store = await open();
    const ref = { passageId: "antonov.md#3", fingerprint: "00000000000000aa" };
    const exclusion = await store.exclude(A, { ref, sourceId: "antonov.md", by: "mod" });
    expect(store.askOptions(A, "anything").exclude).toEqual([ref]);
    expect(store.askOptions(B, "anything").exclude).toBeUndefined();
    // Excluding it twice keeps one.
    await store.exclude(A, { ref, sourceId: "antonov.md", by: "mod" });
    expect((await open()).exclusions(A)).toHaveLength(1);
    expect(await store.restore(A, exclusion.id)).toMatchObject({ ref });
    expect(await store.restore(A, exclusion.id)).toBeNull();
    expect((await open()).askOptions(A, "anything")).toEqual({});
  });

  it("applies a pin to the same and near-identical questions in its scope only", async () => {
    const store = await open();
    const answer = record(store, A);
    await store.recordAnswer(answer);
    await report(store, A, answer, "u1");
    const item = store.reports(A)[0];
    const pin = await store.pin(A, { question: answer.question, quote: quote(7), by: "mod", item: item?.id ?? "" });
    expect(store.reports(A)).toEqual([]);
    const reopened = await open();
    const { pinned } = reopened.askOptions(A, "When did the Russian ambassador return to Moscow?");
    expect(pinned).toEqual({ passageId: "doc-7.md#7", fingerprint: quote(7).fingerprint, start: 70, end: 79 });
    expect(reopened.askOptions(A, "Why did the ambassador return to Moscow?").pinned).toBeUndefined();
    expect(reopened.askOptions(B, answer.question).pinned).toBeUndefined();
    // A new pin for the same question replaces the old one.
    await reopened.pin(A, { question: "when did the ambassador return to moscow", quote: quote(8), by: "mod" });
    expect(reopened.pins(A).map((p) => p.quote.passageId)).toEqual(["doc-8.md#8"]);
    expect(await reopened.unpin(A, pin.id)).toBeNull();
    expect(await reopened.unpin(A, reopened.pins(A)[0]?.id ?? "")).not.toBeNull();
    expect((await open()).pins(A)).toEqual([]);
  });

  it("sets aside an unreadable moderation file and reports it, serving no half-read state", async () => {
    const store = await open();
    await store.exclude(A, { ref: { passageId: "x.md#0", fingerprint: "0".repeat(16) }, sourceId: "x.md", by: "m" });
    const path = join(dir, "guilds", A, "feedback", "moderation.json");
    await writeFile(path, '{"version":1,"exclusions":[{"id":');
    const reopened = await open();
    expect(reopened.exclusions(A)).toEqual([]);
    expect(reopened.problems.some((p) => p.reason.includes("unreadable moderation state"))).toBe(true);
    expect(await readdir(join(dir, "guilds", A, "feedback", "quarantine"))).toHaveLength(1);
  });

  it("counts the loop for /stats over 7 and 30 days", async () => {
    const store = await open();
    const old = record(store, A);
    await store.recordAnswer(old);
    await store.castVote(A, { at: new Date(clock).toISOString(), answerId: old.id, userId: "u1", vote: "helpful" });
    clock += 10 * DAY;
    const recent = record(store, A, { private: true });
    await store.recordAnswer(recent);
    await report(store, A, recent, "u2");
    await store.exclude(A, { ref: { passageId: "x.md#0", fingerprint: "0".repeat(16) }, sourceId: "x.md", by: "m" });
    expect(store.stats(A)).toEqual({
      windows: [
        { days: 7, helpful: 0, reported: 1 },
        { days: 30, helpful: 1, reported: 1 },
      ],
      openReports: 1,
      pins: 0,
      exclusions: 1,
    });
  });

  it("keeps direct messages in their own scope", async () => {
    const store = await open();
    const answer = record(store, DM_SCOPE, { private: true });
    await store.recordAnswer(answer);
    await report(store, DM_SCOPE, answer, "u1");
    const reopened = await open();
    expect(reopened.scopes()).toEqual([DM_SCOPE]);
    expect(reopened.reports(DM_SCOPE)).toHaveLength(1);
    expect(await readdir(join(dir, "direct", "feedback"))).toEqual(
      expect.arrayContaining(["answers.jsonl", "votes.jsonl"]),
    );
  });
});
