import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, GuildStore, GuildStoreError, type StoredDocument } from "../../../src/core/guilds/store.js";
import { docsDir, entry, GUILD, input, OTHER, sha256, useTempDirs, USER } from "../../support/guild-store.js";

const SAFE_ID = /^[a-z0-9-]{1,64}$/;
const tempDir = useTempDirs();

describe("GuildStore: round trip", () => {
  it("restores documents, settings, audit log and question log exactly after reopening", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    const a = await store.addDocument(GUILD, input("First", "The first text."));
    const b = await store.addDocument(
      GUILD,
      input("Second", "The second text.", { dateInferred: true, path: "second.md" }),
    );
    const c = await store.addDocument(GUILD, input(null, "Third, untitled.", { path: "notes/third.txt" }));
    expect(await store.removeDocument(GUILD, b.id)).toEqual(b);
    const d = await store.addDocument(GUILD, input("Fourth", "Line one.\nLine two, “quoted”, and an emoji 🙂."));
    await store.updateSettings(GUILD, { channels: ["222222222222222222"], cooldownSeconds: 30 });
    await store.updateSettings(GUILD, { ephemeralByDefault: true, auditChannelId: "333333333333333333" });
    await store.audit(entry(GUILD, "add", { documentId: a.id, detail: "line\nbreak" }));
    await store.audit(entry(GUILD, "remove", { documentId: b.id, outcome: "refused" }));
    await store.recordQuestion(GUILD, { at: new Date().toISOString(), question: "Who?", answered: true });
    await store.recordQuestion(GUILD, { at: new Date().toISOString(), question: "Why?\n", answered: false });

    expect(store.documents(GUILD).map((doc) => doc.id)).toEqual([a.id, c.id, d.id]);
    const reopened = await GuildStore.open(dir);
    expect(reopened.problems).toEqual([]);
    expect(reopened.guildIds()).toEqual([GUILD]);
    expect(reopened.documents(GUILD)).toEqual(store.documents(GUILD));
    expect(reopened.documents(GUILD).map((doc) => doc.id)).toEqual([a.id, c.id, d.id]); // insertion order
    expect(reopened.document(GUILD, d.id)).toEqual(d);
    expect(reopened.document(GUILD, b.id)).toBeUndefined();
    expect(reopened.settings(GUILD)).toEqual({
      channels: ["222222222222222222"],
      ephemeralByDefault: true,
      cooldownSeconds: 30,
      auditChannelId: "333333333333333333",
    });
    expect(reopened.auditLog(GUILD)).toEqual(store.auditLog(GUILD));
    expect(reopened.auditLog(GUILD).map((e) => e.action)).toEqual(["remove", "add"]); // newest first
    expect(reopened.recentQuestions(GUILD)).toEqual(store.recentQuestions(GUILD));
    expect(reopened.recentQuestions(GUILD).map((q) => q.question)).toEqual(["Why?\n", "Who?"]); // newest first
    expect(reopened.questionStats(GUILD)).toEqual(store.questionStats(GUILD));
  });

  it("stores what addDocument returns: hash of the text, source.id = id, path kept as given, frozen", async () => {
    const store = await GuildStore.open(await tempDir());
    const doc = await store.addDocument(GUILD, input("Report", "Some text.", { path: "../../etc/passwd" }));
    expect(doc.hash).toBe(sha256("Some text."));
    expect(doc.source.id).toBe(doc.id);
    expect(doc.source.path).toBe("../../etc/passwd");
    expect(doc.addedBy).toBe(USER);
    expect(Number.isNaN(Date.parse(doc.addedAt))).toBe(false);
    expect(Object.isFrozen(doc) && Object.isFrozen(doc.source)).toBe(true);
    expect(store.findByHash(GUILD, sha256("Some text."))).toBe(doc);
    expect(store.findByHash(GUILD, sha256("other"))).toBeUndefined();
    expect(store.findByHash(OTHER, doc.hash)).toBeUndefined();
  });

  it("starts empty with default settings, and answers for unknown guilds without creating them", async () => {
    const store = await GuildStore.open(await tempDir());
    expect(store.guildIds()).toEqual([]);
    expect(store.documents(GUILD)).toEqual([]);
    expect(store.settings(GUILD)).toEqual(DEFAULT_SETTINGS);
    expect(store.auditLog(GUILD)).toEqual([]);
    expect(store.recentQuestions(GUILD)).toEqual([]);
    expect(await store.readQuestions(GUILD)).toEqual([]);
    expect(store.questionStats(GUILD).windows.map((w) => w.answered + w.abstained)).toEqual([0, 0]);
    expect(await store.removeDocument(GUILD, "nothing-here")).toBeNull();
    expect(store.guildIds()).toEqual([]);
  });

  it("returns settings as copies", async () => {
    const store = await GuildStore.open(await tempDir());
    const settings = await store.updateSettings(GUILD, { channels: ["1", "2", "1"] });
    expect(settings.channels).toEqual(["1", "2"]);
    settings.channels.push("3");
    store.settings(GUILD).channels.push("4");
    expect(store.settings(GUILD).channels).toEqual(["1", "2"]);
  });

  it("rejects invalid settings and leaves the old ones", async () => {
    const store = await GuildStore.open(await tempDir());
    await store.updateSettings(GUILD, { cooldownSeconds: 10 });
    const bad: unknown[] = [
      { cooldownSeconds: -1 },
      { cooldownSeconds: 1.5 },
      { channels: ["general"] },
      { auditChannelId: "../x" },
      { ephemeralByDefault: "yes" },
      { surprise: true },
    ];
    for (const patch of bad) await expect(store.updateSettings(GUILD, patch as never)).rejects.toThrow(GuildStoreError);
    expect(store.settings(GUILD).cooldownSeconds).toBe(10);
    await store.updateSettings(GUILD, { cooldownSeconds: null });
    expect(store.settings(GUILD).cooldownSeconds).toBeNull();
  });

  it("returns the audit log newest first, limited", async () => {
    const store = await GuildStore.open(await tempDir());
    for (let i = 0; i < 5; i++) await store.audit(entry(GUILD, `action-${i}`));
    expect(store.auditLog(GUILD, 2).map((e) => e.action)).toEqual(["action-4", "action-3"]);
    expect(store.auditLog(GUILD, 0)).toEqual([]);
    expect(store.auditLog(GUILD)).toHaveLength(5);
    await expect(store.audit({ ...entry(GUILD, "x"), outcome: "maybe" as never })).rejects.toThrow(GuildStoreError);
    await expect(store.audit({ ...entry(GUILD, "x"), at: "yesterday" })).rejects.toThrow(GuildStoreError);
    await store.audit(entry(GUILD, "long", { detail: "d".repeat(10_000) }));
    expect(store.auditLog(GUILD, 1)[0]?.detail).toHaveLength(4000);
  });
});

describe("GuildStore: ids", () => {
  const hostile = ["", "abc", "../123", "123/456", "123\n", " 123", "1".repeat(21), "12.5", "-1", "１２３"];

  it("rejects every guild id that is not a snowflake, for every call", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    for (const id of hostile) {
      expect(() => store.documents(id)).toThrow(GuildStoreError);
      expect(() => store.document(id, "x")).toThrow(GuildStoreError);
      expect(() => store.findByHash(id, "x")).toThrow(GuildStoreError);
      expect(() => store.settings(id)).toThrow(GuildStoreError);
      expect(() => store.auditLog(id)).toThrow(GuildStoreError);
      expect(() => store.recentQuestions(id)).toThrow(GuildStoreError);
      expect(() => store.questionStats(id)).toThrow(GuildStoreError);
      await expect(store.readQuestions(id)).rejects.toThrow(GuildStoreError);
      await expect(store.readAuditLog(id)).rejects.toThrow(GuildStoreError);
      await expect(store.addDocument(id, input("T", "text"))).rejects.toThrow(GuildStoreError);
      await expect(store.removeDocument(id, "x")).rejects.toThrow(GuildStoreError);
      await expect(store.updateSettings(id, {})).rejects.toThrow(GuildStoreError);
      await expect(store.audit(entry(id, "add"))).rejects.toThrow(GuildStoreError);
      await expect(
        store.recordQuestion(id, { at: new Date().toISOString(), question: "q", answered: true }),
      ).rejects.toThrow(GuildStoreError);
      await expect(store.exclusive(id, async () => 1)).rejects.toThrow(GuildStoreError);
    }
    // Nothing was written: not even the store's folder (a new store is created by its first write).
    expect(await readdir(dir)).toEqual([]);
  });

  it("generates safe, unique ids from titles, whatever the title", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    const titles = [
      "Same title",
      "Same title",
      "../../etc/passwd",
      "Crème brûlée à l'été",
      "日本語のタイトル",
      "",
      "   ---   ",
      "A".repeat(500),
      "CON",
      ".hidden",
      null,
    ];
    const ids: string[] = [];
    for (const [i, title] of titles.entries()) ids.push((await store.addDocument(GUILD, input(title, `text ${i}`))).id);
    for (let i = 0; i < 100; i++) ids.push((await store.addDocument(GUILD, input("Same title", `same ${i}`))).id);
    for (const id of ids) {
      expect(id).toMatch(SAFE_ID);
      expect(id).toMatch(/^[a-z0-9]/);
      expect(id.length).toBeLessThanOrEqual(64);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^same-title-[0-9a-f]{8}$/);
    expect(ids[2]).toMatch(/^etc-passwd-[0-9a-f]{8}$/);
    expect(ids[3]).toMatch(/^creme-brulee-a-l-ete-[0-9a-f]{8}$/);
    expect(ids[4]).toMatch(/^document-[0-9a-f]{8}$/);
    const files = await readdir(docsDir(dir));
    expect(files.sort()).toEqual(ids.map((id) => `${id}.json`).sort());
  });

  it("names a document from the uploaded file name when it has no title", async () => {
    const store = await GuildStore.open(await tempDir());
    const doc = await store.addDocument(GUILD, input(null, "text", { path: "Minutes 2024-05.md" }));
    expect(doc.id).toMatch(/^minutes-2024-05-[0-9a-f]{8}$/);
  });

  it("rejects a document that could not be read back", async () => {
    const store = await GuildStore.open(await tempDir());
    await expect(store.addDocument(GUILD, { ...input("T", "x"), addedBy: "" })).rejects.toThrow(GuildStoreError);
    await expect(store.addDocument(GUILD, { ...input("T", "x"), text: 42 as never })).rejects.toThrow(GuildStoreError);
    expect(store.guildIds()).toEqual([]);
  });
});

describe("GuildStore: concurrency", () => {
  it("keeps memory and disk consistent under many concurrent adds and removes in one guild", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    const first = await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.addDocument(GUILD, input(`Doc ${i}`, `text ${i}`))),
    );
    const results = await Promise.all([
      ...first.filter((_, i) => i % 3 === 0).map((doc) => store.removeDocument(GUILD, doc.id)),
      ...first.filter((_, i) => i % 3 === 0).map((doc) => store.removeDocument(GUILD, doc.id)), // twice: one wins
      ...Array.from({ length: 20 }, (_, i) => store.addDocument(GUILD, input(`More ${i}`, `more ${i}`))),
      store.updateSettings(GUILD, { cooldownSeconds: 7 }),
      ...Array.from({ length: 10 }, (_, i) => store.audit(entry(GUILD, `concurrent-${i}`))),
    ]);
    const removedCount = results.filter(
      (r) => r !== null && r !== undefined && "id" in r && first.includes(r as StoredDocument),
    ).length;
    expect(removedCount).toBe(14);

    const expectedIds = store.documents(GUILD).map((d) => d.id);
    expect(expectedIds).toHaveLength(40 - 14 + 20);
    expect(new Set(store.documents(GUILD).map((d) => d.text)).size).toBe(46);
    const files = (await readdir(docsDir(dir))).sort();
    expect(files).toEqual(expectedIds.map((id) => `${id}.json`).sort());

    const reopened = await GuildStore.open(dir);
    expect(reopened.problems).toEqual([]);
    expect(reopened.documents(GUILD).map((d) => d.id)).toEqual(expectedIds); // same insertion order
    expect(reopened.auditLog(GUILD)).toHaveLength(10);
    expect(reopened.settings(GUILD).cooldownSeconds).toBe(7);
  });

  it("stores identical text once when callers check and add under exclusive()", async () => {
    const store = await GuildStore.open(await tempDir());
    const text = "The same upload, sent twice at once.";
    const addOnce = () =>
      store.exclusive(GUILD, async () => {
        const existing = store.findByHash(GUILD, sha256(text));
        if (existing) return { doc: existing, added: false };
        return { doc: await store.addDocument(GUILD, input("Twice", text)), added: true };
      });
    const outcomes = await Promise.all(Array.from({ length: 10 }, addOnce));
    expect(outcomes.filter((o) => o.added)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.doc.id)).size).toBe(1);
    expect(store.documents(GUILD)).toHaveLength(1);
  });

  it("makes a check-then-add quota atomic", async () => {
    const store = await GuildStore.open(await tempDir());
    const QUOTA = 5;
    const tryAdd = (i: number) =>
      store.exclusive(GUILD, async () => {
        if (store.documents(GUILD).length >= QUOTA) return null;
        return store.addDocument(GUILD, input(`Q${i}`, `quota ${i}`));
      });
    const added = await Promise.all(Array.from({ length: 20 }, (_, i) => tryAdd(i)));
    expect(added.filter(Boolean)).toHaveLength(QUOTA);
    expect(store.documents(GUILD)).toHaveLength(QUOTA);
  });

  it("lets other guilds write while one guild's lock is held", async () => {
    const store = await GuildStore.open(await tempDir());
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = store.exclusive(GUILD, () => gate);
    let blockedDone = false;
    const blocked = store.addDocument(GUILD, input("Waits", "waits")).then((doc) => {
      blockedDone = true;
      return doc;
    });

    const other = await store.addDocument(OTHER, input("Other guild", "independent"));
    await store.updateSettings(OTHER, { cooldownSeconds: 3 });
    expect(store.document(OTHER, other.id)).toBeDefined();
    expect(blockedDone).toBe(false);
    expect(store.documents(GUILD)).toEqual([]);

    release();
    await held;
    await blocked;
    expect(store.documents(GUILD).map((d) => d.text)).toEqual(["waits"]);
    expect(store.guildIds()).toEqual([GUILD, OTHER]);
  });

  it("releases the lock when the function throws", async () => {
    const store = await GuildStore.open(await tempDir());
    await expect(store.exclusive(GUILD, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(store.exclusive(GUILD, async () => 42)).resolves.toBe(42);
  });
});
