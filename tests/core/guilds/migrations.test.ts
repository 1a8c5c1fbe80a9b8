import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, GuildStore, GuildStoreError, STORE_SCHEMA_VERSION } from "../../../src/core/guilds/store.js";
import { entry, GUILD, OTHER, sha256, useTempDirs, USER } from "../../support/guild-store.js";

const tempDir = useTempDirs();

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

  it("writes schema.json for a new store with its first write", async () => {
    const dir = await tempDir();
    const store = await GuildStore.open(dir);
    await expect(stat(join(dir, "guilds"))).rejects.toMatchObject({ code: "ENOENT" });
    await store.updateSettings(GUILD, { cooldownSeconds: 1 });
    expect(JSON.parse(await readFile(join(dir, "guilds", "schema.json"), "utf8"))).toEqual({
      format: "verbatim-guilds",
      version: 1,
    });
    expect((await stat(join(dir, "guilds"))).isDirectory()).toBe(true);
  });

  it("refuses a layout newer than it understands, and an unreadable schema file", async () => {
    const dir = await tempDir();
    await (await GuildStore.open(dir)).updateSettings(GUILD, { cooldownSeconds: 1 });
    const schemaPath = join(dir, "guilds", "schema.json");
    await writeFile(schemaPath, JSON.stringify({ format: "verbatim-guilds", version: STORE_SCHEMA_VERSION + 1 }));
    await expect(GuildStore.open(dir)).rejects.toThrow(/newer than this build/);
    await writeFile(schemaPath, "{");
    await expect(GuildStore.open(dir)).rejects.toThrow(GuildStoreError);
  });
});
