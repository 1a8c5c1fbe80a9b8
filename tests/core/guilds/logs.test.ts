import { appendFile, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GuildStore, type QuestionRecord, type StoreWarning } from "../../../src/core/guilds/store.js";
import { FaultyDisk } from "../../support/faulty-disk.js";
import { entry, GUILD, OTHER as OTHER_GUILD, useTempDirs } from "../../support/guild-store.js";

const tempDir = useTempDirs();
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse("2025-03-01T12:00:00Z");
const asked = (age: number, question: string, answered = true): QuestionRecord => ({
  at: new Date(NOW - age * DAY).toISOString(),
  question,
  answered,
});
const questionLog = (dir: string) => join(dir, "guilds", GUILD, "questions.jsonl");
const auditLogFile = (dir: string) => join(dir, "guilds", GUILD, "audit.jsonl");
const lines = async (path: string) => (await readFile(path, "utf8")).split("\n").filter((l) => l !== "");

describe("guild logs: retention", () => {
  it("counts only the last 30 days, writes nothing at open, and prunes older questions in the background", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir, { now: () => NOW, maintenanceMs: 0 });
    for (const age of [40, 31, 29, 1]) await store.recordQuestion(GUILD, asked(age, `${age} days ago`, false));
    expect(store.questionStats(GUILD).windows).toEqual([
      { days: 7, answered: 0, abstained: 1 },
      { days: 30, answered: 0, abstained: 2 },
    ]);

    const before = await stat(questionLog(dir));
    const reopened = await GuildStore.open(dir, { now: () => NOW, maintenanceMs: 0 });
    // Opening read the log and wrote nothing: the old questions are still in the file, but not counted.
    expect((await stat(questionLog(dir))).mtimeMs).toBe(before.mtimeMs);
    expect(await lines(questionLog(dir))).toHaveLength(4);
    expect(reopened.questionStats(GUILD).gaps.map((g) => g.question)).toEqual(["29 days ago", "1 days ago"]);

    await reopened.maintain();
    expect((await lines(questionLog(dir))).map((l) => (JSON.parse(l) as QuestionRecord).question)).toEqual([
      "29 days ago",
      "1 days ago",
    ]);
    expect((await reopened.readQuestions(GUILD)).map((q) => q.question)).toEqual(["1 days ago", "29 days ago"]);
    // Appending after a prune continues the rewritten file.
    await reopened.recordQuestion(GUILD, asked(0, "today"));
    const again = await GuildStore.open(dir, { now: () => NOW, maintenanceMs: 0 });
    expect(again.problems).toEqual([]);
    expect(again.recentQuestions(GUILD).map((q) => q.question)).toEqual(["today", "1 days ago", "29 days ago"]);
  });

  it("prunes a log by size, keeping its newest whole lines", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir, { maintenanceMs: 0, policies: { audit: { maxBytes: 2000 } } });
    for (let i = 0; i < 60; i++) await store.audit(entry(GUILD, `action-${i}`, { detail: "x".repeat(40) }));
    expect((await stat(auditLogFile(dir))).size).toBeGreaterThan(2000);
    await store.maintain();
    const kept = await lines(auditLogFile(dir));
    expect((await stat(auditLogFile(dir))).size).toBeLessThanOrEqual(2000);
    expect(kept.length).toBeGreaterThan(5);
    expect(JSON.parse(kept.at(-1) as string)).toMatchObject({ action: "action-59" });
    // Every kept line is whole, and they are the newest, in order.
    const actions = kept.map((l) => (JSON.parse(l) as { action: string }).action);
    expect(actions).toEqual(Array.from({ length: kept.length }, (_, i) => `action-${60 - kept.length + i}`));
    expect((await GuildStore.open(dir)).problems).toEqual([]);
  });

  it("runs the upkeep in the background by itself, soon after opening", async () => {
    const dir = await tempDir();
    const first = await GuildStore.open(dir, { now: () => NOW, maintenanceMs: 0 });
    await first.recordQuestion(GUILD, asked(45, "old"));
    await first.recordQuestion(GUILD, asked(1, "new"));
    const store = await GuildStore.open(dir, { now: () => NOW, maintenanceMs: 50 });
    try {
      const deadline = Date.now() + 5000;
      while ((await lines(questionLog(dir))).length > 1 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await lines(questionLog(dir))).map((l) => (JSON.parse(l) as QuestionRecord).question)).toEqual(["new"]);
    } finally {
      await store.close();
    }
  });
});

describe("guild logs: bounded windows in memory, the rest on disk", () => {
  it("holds only the newest entries, and reads older ones from disk a page at a time", async () => {
    const dir = await tempDir();
    const policies = { audit: { window: 3 }, questions: { window: 2 } };
    const store = await GuildStore.open(dir, { maintenanceMs: 0, policies });
    for (let i = 0; i < 10; i++) await store.audit(entry(GUILD, `action-${i}`));
    for (let i = 0; i < 5; i++)
      await store.recordQuestion(GUILD, { ...asked(0, `q${i}`), at: new Date().toISOString() });
    expect(store.auditLog(GUILD).map((e) => e.action)).toEqual(["action-9", "action-8", "action-7"]);
    expect(store.recentQuestions(GUILD).map((q) => q.question)).toEqual(["q4", "q3"]);

    const reopened = await GuildStore.open(dir, { maintenanceMs: 0, policies });
    expect(reopened.auditLog(GUILD).map((e) => e.action)).toEqual(["action-9", "action-8", "action-7"]);
    expect(reopened.auditLog(GUILD, 1).map((e) => e.action)).toEqual(["action-9"]);
    const page = (skip: number, limit: number) =>
      reopened.readAuditLog(GUILD, { skip, limit }).then((es) => es.map((e) => e.action));
    expect(await page(0, 4)).toEqual(["action-9", "action-8", "action-7", "action-6"]);
    expect(await page(4, 4)).toEqual(["action-5", "action-4", "action-3", "action-2"]);
    expect(await page(8, 4)).toEqual(["action-1", "action-0"]);
    expect(await page(12, 4)).toEqual([]);
    expect((await reopened.readQuestions(GUILD, { limit: 10 })).map((q) => q.question)).toEqual([
      "q4",
      "q3",
      "q2",
      "q1",
      "q0",
    ]);
    expect(await reopened.readAuditLog(OTHER_GUILD)).toEqual([]);
  });

  it("reports damaged lines by number, a bounded number of them", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir, { maintenanceMs: 0 });
    await store.audit(entry(GUILD, "first"));
    await appendFile(auditLogFile(dir), "not json\n".repeat(500));
    await store.audit(entry(GUILD, "last"));
    const reopened = await GuildStore.open(dir, { maintenanceMs: 0 });
    expect(reopened.auditLog(GUILD).map((e) => e.action)).toEqual(["last", "first"]);
    expect(reopened.problems).toHaveLength(21);
    expect(reopened.problems[0]?.reason).toMatch(/line 2 is not JSON/);
    expect(reopened.problems.at(-1)?.reason).toMatch(/480 more unreadable lines/);
  });
});

describe("guild logs: damage", () => {
  it("reports a torn last line, leaves it until the next append cuts it off, and keeps appending cleanly", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    await store.audit(entry(GUILD, "first"));
    await store.recordQuestion(GUILD, { at: new Date().toISOString(), question: "first?", answered: true });
    await appendFile(auditLogFile(dir), '{"at":"2025-01-01T00:00:00.000Z","guildId":"1234');
    await appendFile(questionLog(dir), '{"at":"2025-01-');
    const sizes = [(await stat(auditLogFile(dir))).size, (await stat(questionLog(dir))).size];

    const reopened = await GuildStore.open(dir);
    expect(reopened.auditLog(GUILD).map((e) => e.action)).toEqual(["first"]);
    expect(reopened.recentQuestions(GUILD).map((q) => q.question)).toEqual(["first?"]);
    expect(reopened.problems.map((p) => p.path).sort()).toEqual([auditLogFile(dir), questionLog(dir)].sort());
    expect(reopened.problems.every((p) => /cut short/.test(p.reason))).toBe(true);
    // Opening wrote nothing.
    expect([(await stat(auditLogFile(dir))).size, (await stat(questionLog(dir))).size]).toEqual(sizes);
    expect((await reopened.readAuditLog(GUILD)).map((e) => e.action)).toEqual(["first"]);

    await reopened.audit(entry(GUILD, "second"));
    await reopened.recordQuestion(GUILD, { at: new Date().toISOString(), question: "second?", answered: false });
    const third = await GuildStore.open(dir);
    expect(third.problems).toEqual([]);
    expect(third.auditLog(GUILD).map((e) => e.action)).toEqual(["second", "first"]);
    expect(third.recentQuestions(GUILD).map((q) => q.question)).toEqual(["second?", "first?"]);
  });

  it("skips and reports a damaged line in the middle of a log", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    await store.audit(entry(GUILD, "first"));
    await appendFile(auditLogFile(dir), '\u0000\u0000garbage\n{"at":"x","guildId":"1"}\n');
    const reopened = await GuildStore.open(dir);
    await reopened.audit(entry(GUILD, "last"));
    const third = await GuildStore.open(dir);
    expect(third.auditLog(GUILD).map((e) => e.action)).toEqual(["last", "first"]);
    expect(third.problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/line 2 is not JSON/),
      expect.stringMatching(/line 3 is not a valid entry/),
    ]);
  });
});

describe("guild logs: a full or read-only disk", () => {
  it("opens and serves on a read-only disk with questions past retention, and refuses writes clearly", async () => {
    const dir = await tempDir();
    const first = await GuildStore.open(dir, { now: () => NOW, maintenanceMs: 0 });
    await first.recordQuestion(GUILD, asked(40, "long ago", false));
    await first.recordQuestion(GUILD, asked(2, "recent", false));
    await first.audit(entry(GUILD, "kept"));
    await appendFile(auditLogFile(dir), '{"torn":');

    const disk = new FaultyDisk();
    disk.readOnly = true;
    const warnings: StoreWarning[] = [];
    const store = await GuildStore.open(dir, {
      now: () => NOW,
      disk,
      maintenanceMs: 0,
      onWarning: (w) => void warnings.push(w),
    });
    expect(disk.refused).toBe(0); // opening tried no write
    expect(store.questionStats(GUILD).gaps).toEqual([{ question: "recent", count: 1 }]);
    expect(store.auditLog(GUILD).map((e) => e.action)).toEqual(["kept"]);
    await expect(store.recordQuestion(GUILD, asked(0, "now"))).rejects.toMatchObject({ code: "EROFS" });
    await expect(store.audit(entry(GUILD, "refused"))).rejects.toMatchObject({ code: "EROFS" });
    // Not acknowledged, so not served either.
    expect(store.auditLog(GUILD).map((e) => e.action)).toEqual(["kept"]);

    await store.maintain();
    await store.maintain();
    expect(warnings).toHaveLength(1); // once, not at every retry
    expect(warnings[0]).toMatchObject({ message: expect.stringMatching(/could not prune the questions log/) });
    disk.free();
    await store.maintain();
    expect((await lines(questionLog(dir))).map((l) => (JSON.parse(l) as QuestionRecord).question)).toEqual(["recent"]);
    await store.audit(entry(GUILD, "after"));
    const reopened = await GuildStore.open(dir);
    expect(reopened.problems).toEqual([]);
    expect(reopened.auditLog(GUILD).map((e) => e.action)).toEqual(["after", "kept"]);
  });

  it("leaves a log whole when the disk fills in the middle of an append or a prune", async () => {
    const dir = await tempDir();
    const disk = new FaultyDisk();
    const store = await GuildStore.open(dir, { now: () => NOW, disk, maintenanceMs: 0 });
    await store.recordQuestion(GUILD, asked(40, "old"));
    await store.recordQuestion(GUILD, asked(1, "kept"));
    disk.fillUpTo(10);
    await expect(store.recordQuestion(GUILD, asked(0, "x".repeat(200)))).rejects.toMatchObject({ code: "ENOSPC" });
    await store.maintain(); // the prune's copy does not fit either
    expect(await lines(questionLog(dir))).toHaveLength(3); // two whole lines and the partial one
    disk.free();
    await store.recordQuestion(GUILD, asked(0, "after"));
    await store.maintain();
    const reopened = await GuildStore.open(dir, { now: () => NOW, maintenanceMs: 0 });
    expect(reopened.problems).toEqual([]);
    expect((await reopened.readQuestions(GUILD)).map((q) => q.question)).toEqual(["after", "kept"]);
    // No temporary file is left beside the log.
    expect((await readdir(join(dir, "guilds", GUILD))).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
  });

  it("writes nothing when opening a new store, and creates it with the first write", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(join(dir, "data"), { maintenanceMs: 0 });
    await expect(stat(join(dir, "data"))).rejects.toMatchObject({ code: "ENOENT" });
    await store.audit(entry(GUILD, "first"));
    expect(JSON.parse(await readFile(join(dir, "data", "guilds", "schema.json"), "utf8"))).toEqual({
      format: "verbatim-guilds",
      version: 1,
    });
  });
});
