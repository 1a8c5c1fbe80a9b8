import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GuildStore, QUESTION_RETENTION_MS } from "../../../src/core/guilds/store.js";
import { entry, GUILD, useTempDirs } from "../../support/guild-store.js";

const tempDir = useTempDirs();

describe("guild logs", () => {
  it("returns questions since a time, and drops those older than 30 days on open", async () => {
    const dir = await tempDir();
    const now = Date.parse("2025-03-01T00:00:00Z");
    const store = await GuildStore.open(dir, { now: () => now });
    const day = 24 * 60 * 60 * 1000;
    for (const age of [40, 31, 29, 1]) {
      await store.recordQuestion(GUILD, {
        at: new Date(now - age * day).toISOString(),
        question: `${age} days ago`,
        answered: true,
      });
    }
    expect(store.questions(GUILD, now - 30 * day).map((q) => q.question)).toEqual(["29 days ago", "1 days ago"]);
    expect(store.questions(GUILD, 0)).toHaveLength(4);

    const reopened = await GuildStore.open(dir, { now: () => now });
    expect(reopened.questions(GUILD, 0).map((q) => q.question)).toEqual(["29 days ago", "1 days ago"]);
    const lines = (await readFile(join(dir, "guilds", GUILD, "questions.jsonl"), "utf8")).trim().split("\n");
    expect(lines).toHaveLength(2); // the log was compacted too
    await reopened.recordQuestion(GUILD, { at: new Date(now).toISOString(), question: "today", answered: false });
    const again = await GuildStore.open(dir, { now: () => now + QUESTION_RETENTION_MS / 2 });
    expect(again.questions(GUILD, 0).map((q) => q.question)).toEqual(["1 days ago", "today"]);
    expect(again.problems).toEqual([]);
  });

  it("ignores a torn last log line, cuts it off, and keeps appending cleanly", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    await store.audit(entry(GUILD, "first"));
    await store.recordQuestion(GUILD, { at: new Date().toISOString(), question: "first?", answered: true });
    const auditPath = join(dir, "guilds", GUILD, "audit.jsonl");
    const questionPath = join(dir, "guilds", GUILD, "questions.jsonl");
    await appendFile(auditPath, '{"at":"2025-01-01T00:00:00.000Z","guildId":"1234');
    await appendFile(questionPath, '{"at":"2025-01-');

    const reopened = await GuildStore.open(dir);
    expect(reopened.auditLog(GUILD).map((e) => e.action)).toEqual(["first"]);
    expect(reopened.questions(GUILD, 0).map((q) => q.question)).toEqual(["first?"]);
    expect(reopened.problems.map((p) => p.path).sort()).toEqual([auditPath, questionPath].sort());
    expect(reopened.problems.every((p) => /cut short/.test(p.reason))).toBe(true);

    await reopened.audit(entry(GUILD, "second"));
    await reopened.recordQuestion(GUILD, { at: new Date().toISOString(), question: "second?", answered: false });
    const third = await GuildStore.open(dir);
    expect(third.problems).toEqual([]);
    expect(third.auditLog(GUILD).map((e) => e.action)).toEqual(["second", "first"]);
    expect(third.questions(GUILD, 0).map((q) => q.question)).toEqual(["first?", "second?"]);
  });

  it("skips and reports a damaged line in the middle of a log", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    await store.audit(entry(GUILD, "first"));
    const auditPath = join(dir, "guilds", GUILD, "audit.jsonl");
    await appendFile(auditPath, '\u0000\u0000garbage\n{"at":"x","guildId":"1"}\n');
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
