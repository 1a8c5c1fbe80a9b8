import { createHash } from "node:crypto";
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_SETTINGS,
  GuildStore,
  GuildStoreError,
  QUESTION_RETENTION_MS,
  STORE_SCHEMA_VERSION,
  type AuditEntry,
  type DocumentInput,
  type StoredDocument,
} from "../../../src/core/guilds/store.js";
import { KeyedMutex } from "../../../src/core/storage/mutex.js";

const GUILD = "123456789012345678";
const OTHER = "876543210987654321";
const USER = "111111111111111111";
const SAFE_ID = /^[a-z0-9-]{1,64}$/;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "verbatim-guild-store-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function input(title: string | null, text: string, extra: Partial<DocumentInput["source"]> = {}): DocumentInput {
  return {
    source: { title, publisher: "Example Press", author: null, date: "2024-05-01", url: null, path: null, ...extra },
    text,
    addedBy: USER,
  };
}

function entry(guildId: string, action: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { at: new Date().toISOString(), guildId, userId: USER, action, outcome: "ok", ...extra };
}

const docsDir = (dir: string, guildId = GUILD) => join(dir, "guilds", guildId, "documents");

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
    expect(reopened.questions(GUILD, 0)).toEqual(store.questions(GUILD, 0));
    expect(reopened.questions(GUILD, 0).map((q) => q.question)).toEqual(["Who?", "Why?\n"]);
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
    expect(store.questions(GUILD, 0)).toEqual([]);
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
      expect(() => store.questions(id, 0)).toThrow(GuildStoreError);
      await expect(store.addDocument(id, input("T", "text"))).rejects.toThrow(GuildStoreError);
      await expect(store.removeDocument(id, "x")).rejects.toThrow(GuildStoreError);
      await expect(store.updateSettings(id, {})).rejects.toThrow(GuildStoreError);
      await expect(store.audit(entry(id, "add"))).rejects.toThrow(GuildStoreError);
      await expect(
        store.recordQuestion(id, { at: new Date().toISOString(), question: "q", answered: true }),
      ).rejects.toThrow(GuildStoreError);
      await expect(store.exclusive(id, async () => 1)).rejects.toThrow(GuildStoreError);
    }
    expect(await readdir(join(dir, "guilds"))).toEqual(["schema.json"]);
    expect((await readdir(dir)).sort()).toEqual(["guilds"]);
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

describe("GuildStore: damage found on open", () => {
  it("quarantines unreadable, invalid, mismatched and misnamed document files, and serves the rest", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    const good = await store.addDocument(GUILD, input("Good", "A good document."));
    const tampered = await store.addDocument(GUILD, input("Tampered", "Original text."));
    const renamed = await store.addDocument(GUILD, input("Renamed", "Renamed text."));
    const docs = docsDir(dir);

    const tamperedPath = join(docs, `${tampered.id}.json`);
    const file = JSON.parse(await readFile(tamperedPath, "utf8")) as { seq: number; document: StoredDocument };
    file.document.text = "Edited text.";
    await writeFile(tamperedPath, JSON.stringify(file));
    await writeFile(join(docs, "torn-0000.json"), '{"seq":9,"document":{"id":"torn-0000","te');
    await writeFile(join(docs, "wrong-shape.json"), JSON.stringify({ seq: 1, document: { id: "wrong-shape" } }));
    await writeFile(join(docs, "moved-elsewhere.json"), await readFile(join(docs, `${renamed.id}.json`)));
    await writeFile(join(docs, "README.txt"), "not a document");

    const reopened = await GuildStore.open(dir);
    expect(reopened.documents(GUILD).map((d) => d.id)).toEqual([good.id, renamed.id]);
    const reasons = Object.fromEntries(reopened.problems.map((p) => [p.path.split("/").pop(), p.reason]));
    expect(reasons[`${tampered.id}.json`]).toMatch(/does not match its hash; moved to .*quarantine/);
    expect(reasons["torn-0000.json"]).toMatch(/unreadable document/);
    expect(reasons["wrong-shape.json"]).toMatch(/invalid document/);
    expect(reasons["moved-elsewhere.json"]).toMatch(/id does not match its file name/);
    expect(reasons["README.txt"]).toMatch(/not a document file; ignored/);

    const quarantined = await readdir(join(dir, "guilds", GUILD, "quarantine"));
    expect(quarantined).toHaveLength(4);
    expect(quarantined.some((name) => name.startsWith(`${tampered.id}.json.`))).toBe(true);
    expect((await readdir(docs)).sort()).toEqual([`${good.id}.json`, `${renamed.id}.json`, "README.txt"].sort());

    // Quarantined files stay out of the way: the next open is clean but for the stray file.
    const third = await GuildStore.open(dir);
    expect(third.problems.map((p) => p.reason)).toEqual(["not a document file; ignored"]);
  });

  it("sets aside unreadable settings and falls back to defaults, reporting it", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    await store.updateSettings(GUILD, { cooldownSeconds: 5 });
    await writeFile(join(dir, "guilds", GUILD, "settings.json"), "{ not json");
    const reopened = await GuildStore.open(dir);
    expect(reopened.settings(GUILD)).toEqual(DEFAULT_SETTINGS);
    expect(reopened.problems).toHaveLength(1);
    expect(reopened.problems[0]?.reason).toMatch(/unreadable settings/);
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

  it("deletes temp files left by a crash and never serves them", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    const kept = await store.addDocument(GUILD, input("Kept", "kept text"));
    const docs = docsDir(dir);
    // A complete-looking temp file (crash between fsync and rename) and a partial one.
    const ghost = { ...kept, id: "ghost-00000000", source: { ...kept.source, id: "ghost-00000000" } };
    await writeFile(join(docs, ".tmp-ghost-00000000.json-abcd1234"), JSON.stringify({ seq: 5, document: ghost }));
    await writeFile(join(docs, ".tmp-half-00000000.json-abcd1234"), '{"seq":6,"docu');
    await writeFile(join(dir, "guilds", GUILD, ".tmp-settings.json-00ff00ff"), "{}");
    await writeFile(join(dir, "guilds", ".tmp-schema.json-00ff00ff"), "{}");

    const reopened = await GuildStore.open(dir);
    expect(reopened.documents(GUILD).map((d) => d.id)).toEqual([kept.id]);
    expect(reopened.problems).toEqual([]);
    expect(await readdir(docs)).toEqual([`${kept.id}.json`]);
    expect((await readdir(join(dir, "guilds", GUILD))).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
    expect((await readdir(join(dir, "guilds"))).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
  });

  it("refuses a layout newer than it understands, and an unreadable schema file", async () => {
    const dir = await tempDir();
    await GuildStore.open(dir);
    const schemaPath = join(dir, "guilds", "schema.json");
    await writeFile(schemaPath, JSON.stringify({ format: "verbatim-guilds", version: STORE_SCHEMA_VERSION + 1 }));
    await expect(GuildStore.open(dir)).rejects.toThrow(/newer than this build/);
    await writeFile(schemaPath, "{");
    await expect(GuildStore.open(dir)).rejects.toThrow(GuildStoreError);
  });
});

describe("GuildStore: migration", () => {
  /** A hand-written version-0 layout: one documents.json per guild, no hashes, no schema file. */
  async function writeVersion0(dir: string): Promise<void> {
    const guild = join(dir, "guilds", GUILD);
    await mkdir(guild, { recursive: true });
    await writeFile(
      join(guild, "documents.json"),
      JSON.stringify({
        documents: [
          {
            id: "meeting-notes",
            source: {
              title: "Meeting notes",
              publisher: "Club",
              author: null,
              date: "2023-01-02",
              url: null,
              path: "notes.md",
            },
            text: "We met on Monday.",
            addedBy: USER,
            addedAt: "2023-01-02T10:00:00.000Z",
          },
          {
            id: "../Evil Doc",
            title: "Evil doc",
            text: "An unsafe id.",
            addedBy: USER,
            addedAt: "2023-01-03T10:00:00.000Z",
          },
          { id: "meeting-notes", source: { title: "Duplicate id" }, text: "Same id again." },
          { id: "broken", text: 42 },
        ],
      }),
    );
    await writeFile(join(guild, "settings.json"), JSON.stringify({ channels: ["222222222222222222"] }));
    await mkdir(join(dir, "guilds", OTHER), { recursive: true });
    await writeFile(join(dir, "guilds", OTHER, "audit.jsonl"), `${JSON.stringify(entry(OTHER, "old"))}\n`);
  }

  it("migrates a version-0 layout to the current one", async () => {
    const dir = await tempDir();
    await writeVersion0(dir);
    const store = await GuildStore.open(dir);

    const docs = store.documents(GUILD);
    expect(docs.map((d) => d.text)).toEqual(["We met on Monday.", "An unsafe id.", "Same id again."]);
    expect(docs[0]?.id).toBe("meeting-notes");
    expect(docs[0]?.source).toEqual({
      id: "meeting-notes",
      title: "Meeting notes",
      publisher: "Club",
      author: null,
      date: "2023-01-02",
      url: null,
      path: "notes.md",
    });
    expect(docs[0]?.addedAt).toBe("2023-01-02T10:00:00.000Z");
    expect(docs[1]?.id).toMatch(/^evil-doc-[0-9a-f]{8}$/);
    expect(docs[2]?.id).toMatch(/^duplicate-id-[0-9a-f]{8}$/);
    for (const doc of docs) {
      expect(doc.hash).toBe(sha256(doc.text));
      expect(doc.source.id).toBe(doc.id);
    }
    expect(store.settings(GUILD)).toEqual({ ...DEFAULT_SETTINGS, channels: ["222222222222222222"] });
    expect(store.auditLog(OTHER).map((e) => e.action)).toEqual(["old"]);
    expect(store.problems).toEqual([
      { path: join(dir, "guilds", GUILD, "documents.json"), reason: expect.stringMatching(/document 4 is not valid/) },
    ]);

    const schema = JSON.parse(await readFile(join(dir, "guilds", "schema.json"), "utf8")) as { version: number };
    expect(schema.version).toBe(STORE_SCHEMA_VERSION);
    const guildFiles = await readdir(join(dir, "guilds", GUILD));
    expect(guildFiles).toContain("documents.v0.json"); // the original is kept
    expect(guildFiles).not.toContain("documents.json");

    const reopened = await GuildStore.open(dir);
    expect(reopened.problems).toEqual([]);
    expect(reopened.documents(GUILD)).toEqual(docs);
  });

  it("gives the same result when re-run after a crash part-way through", async () => {
    const dir = await tempDir();
    await writeVersion0(dir);
    const first = await GuildStore.open(dir);
    // As if the process died before schema.json was written: the old file is back, the new files are there.
    const guild = join(dir, "guilds", GUILD);
    await writeFile(join(guild, "documents.json"), await readFile(join(guild, "documents.v0.json")));
    await rm(join(dir, "guilds", "schema.json"));
    const second = await GuildStore.open(dir);
    expect(second.documents(GUILD)).toEqual(first.documents(GUILD));
    expect((await readdir(join(guild, "documents"))).length).toBe(3);
  });

  it("writes schema.json for a new store", async () => {
    const dir = await tempDir();
    await GuildStore.open(dir);
    expect(JSON.parse(await readFile(join(dir, "guilds", "schema.json"), "utf8"))).toEqual({
      format: "verbatim-guilds",
      version: 1,
    });
    expect((await stat(join(dir, "guilds"))).isDirectory()).toBe(true);
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

describe("KeyedMutex", () => {
  it("runs one task per key at a time, in order, and re-enters within the same chain", async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string, ms: number) =>
      mutex.run("k", async () => {
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`end ${name}`);
      });
    await Promise.all([task("a", 20), task("b", 1), task("c", 5)]);
    expect(events).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(await mutex.run("k", () => mutex.run("k", async () => "nested"))).toBe("nested");
    expect(mutex.busy("k")).toBe(false);
  });

  it("does not let work that outlives a task skip the queue", async () => {
    const mutex = new KeyedMutex();
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const events: string[] = [];
    let late: Promise<void> | undefined;
    await mutex.run("k", async () => {
      setTimeout(() => (late = mutex.run("k", async () => void events.push("late"))), 20);
    });
    const holder = mutex.run("k", async () => {
      await sleep(80);
      events.push("holder");
    });
    await sleep(40);
    await holder;
    await late;
    expect(events).toEqual(["holder", "late"]);
  });

  it("keeps different keys independent", async () => {
    const mutex = new KeyedMutex();
    let release!: () => void;
    const blocked = mutex.run("a", () => new Promise<void>((resolve) => (release = resolve)));
    await expect(mutex.run("b", async () => "b ran")).resolves.toBe("b ran");
    expect(mutex.busy("a")).toBe(true);
    release();
    await blocked;
    expect(mutex.busy("a")).toBe(false);
  });
});
