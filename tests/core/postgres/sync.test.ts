/**
 * Processes in step through LISTEN/NOTIFY: two "processes" (each with its own pool, change feed and stores) on one real
 * PostgreSQL. A change made by one reaches the other's memory, with its version; the other's listeners hear it; a
 * process whose listening connection was cut reconnects and reads what changed while it was away.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { GuildChange } from "../../../src/core/guilds/contract.js";
import { createPool } from "../../../src/core/postgres/database.js";
import { PgFeedbackStore } from "../../../src/core/postgres/feedback.js";
import { migrate } from "../../../src/core/postgres/migrations.js";
import { ChangeFeed, type Notice } from "../../../src/core/postgres/notify.js";
import { PgGuildStore } from "../../../src/core/postgres/store.js";
import { eventually } from "../../support/eventually.js";
import { GUILD, input, OTHER, USER } from "../../support/guild-store.js";
import { usePostgres } from "../../support/postgres.js";

const postgres = usePostgres();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function process(url: string, owns?: (guildId: string) => boolean) {
  const pool = createPool(url, { max: 4 });
  await migrate(pool);
  const feed = await ChangeFeed.start(url, { reconnectMs: 1000 });
  const store = await PgGuildStore.open(pool, { feed, maintenanceMs: 0, ...(owns ? { owns } : {}) });
  const feedback = await PgFeedbackStore.open(pool, { feed });
  const changes: GuildChange[] = [];
  store.onChange((change) => changes.push(change));
  const notices: Notice[] = [];
  feed.on((notice) => notices.push(notice));
  cleanups.push(async () => {
    await store.close();
    await feedback.close();
    await feed.close();
    await pool.end();
  });
  return { pool, feed, store, feedback, changes, notices };
}

describe("two processes on one PostgreSQL", () => {
  it("each change one makes reaches the other's memory, and its listeners", async () => {
    const url = await postgres().createDatabase();
    const a = await process(url);
    const b = await process(url);
    await b.store.load(GUILD);
    await b.feedback.load(GUILD);

    const doc = await a.store.addDocument(GUILD, input("Ferry", "The ferry leaves at nine."));
    await eventually(() => b.store.document(GUILD, doc.id) !== undefined);
    expect(b.store.document(GUILD, doc.id)?.text).toBe("The ferry leaves at nine.");
    expect(b.changes.at(-1)).toMatchObject({ guildId: GUILD, removed: [], settings: false });
    expect(b.changes.at(-1)?.added.map((d) => d.id)).toEqual([doc.id]);
    // The writer hears its own notice and ignores it: nothing to apply.
    expect(a.changes).toEqual([]);

    await a.store.updateSettings(GUILD, { ephemeralByDefault: true, channels: ["300000000000000001"] });
    await eventually(() => b.store.settings(GUILD).ephemeralByDefault);
    expect(b.store.settings(GUILD).channels).toEqual(["300000000000000001"]);

    await a.store.removeDocument(GUILD, doc.id);
    await eventually(() => b.store.document(GUILD, doc.id) === undefined);
    expect(b.changes.at(-1)?.removed).toEqual([doc.id]);

    const exclusion = await a.feedback.exclude(GUILD, {
      ref: { passageId: "doc#2", fingerprint: "0011223344556677" },
      sourceId: "doc",
      by: USER,
    });
    await eventually(() => b.feedback.exclusions(GUILD).some((e) => e.id === exclusion.id));
    await a.feedback.pin(GUILD, {
      question: "When does the ferry leave?",
      quote: { passageId: "doc#1", fingerprint: "fedcba9876543210", start: 0, end: 4, sourceId: "doc" },
      by: USER,
    });
    await eventually(() => b.feedback.pinFor(GUILD, "when does the ferry leave") !== undefined);
    await a.feedback.castVote(GUILD, {
      at: new Date().toISOString(),
      answerId: "0t3zq9aabcde",
      userId: "u1",
      vote: "helpful",
    });
    await eventually(() => b.feedback.voteOf(GUILD, "0t3zq9aabcde", "u1")?.vote === "helpful");

    // A server the other process does not hold is not loaded by a notice about it.
    await a.store.addDocument(OTHER, input("Elsewhere", "Not held by b."));
    await eventually(() => b.notices.some((n) => n.t === "guild" && n.g === OTHER));
    expect(b.store.guildIds()).toEqual([GUILD]);
  });

  it("a process whose listener was cut off reads what changed while it was away", async () => {
    const url = await postgres().createDatabase();
    const a = await process(url);
    const b = await process(url);
    await b.store.load(GUILD);
    await b.feedback.load(GUILD);
    const first = await a.store.addDocument(GUILD, input("One", "First notice."));
    await eventually(() => b.store.document(GUILD, first.id) !== undefined);

    // Cut b's listening connection (as a server restart or a network drop would); it reconnects after a second.
    const { rowCount } = await a.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
      [b.feed.applicationName],
    );
    expect(rowCount).toBe(1);
    await eventually(() => !b.feed.connected);
    const noticesBefore = b.notices.length;
    const missed = await a.store.addDocument(GUILD, input("Two", "Sent while b was away."));
    await a.store.removeDocument(GUILD, first.id);
    await a.store.updateSettings(GUILD, { cooldownSeconds: 42 });
    await a.feedback.exclude(GUILD, {
      ref: { passageId: "doc#9", fingerprint: "8899aabbccddeeff" },
      sourceId: "doc",
      by: USER,
    });
    await a.feedback.castVote(GUILD, {
      at: new Date().toISOString(),
      answerId: "0t3zq9aabcdf",
      userId: "u2",
      vote: "helpful",
    });

    await eventually(() => b.feed.resyncs === 1, 10_000);
    await eventually(() => b.store.document(GUILD, missed.id) !== undefined);
    // None of it came by notice: it was read on reconnecting.
    expect(b.notices.slice(noticesBefore).filter((n) => n.t === "guild")).toEqual([]);
    expect(b.store.documents(GUILD).map((d) => d.id)).toEqual([missed.id]);
    expect(b.store.settings(GUILD).cooldownSeconds).toBe(42);
    await eventually(() => b.feedback.exclusions(GUILD).length === 1);
    await eventually(() => b.feedback.voteOf(GUILD, "0t3zq9aabcdf", "u2") !== undefined);
    expect(b.changes.at(-1)).toMatchObject({ removed: [first.id], settings: true });

    // And notices flow again.
    const after = await a.store.addDocument(GUILD, input("Three", "After the reconnect."));
    await eventually(() => b.store.document(GUILD, after.id) !== undefined);
  });

  it("loads only the servers a process serves", async () => {
    const url = await postgres().createDatabase();
    const a = await process(url);
    await a.store.addDocument(GUILD, input("Mine", "Held by the owner."));
    await a.store.addDocument(OTHER, input("Theirs", "Held elsewhere."));
    const b = await process(url, (guildId) => guildId === OTHER);
    expect(b.store.guildIds()).toEqual([OTHER]);
    expect(b.store.documents(GUILD)).toEqual([]);
    await b.store.load(GUILD);
    expect(b.store.documents(GUILD).map((d) => d.text)).toEqual(["Held by the owner."]);
  });
});
