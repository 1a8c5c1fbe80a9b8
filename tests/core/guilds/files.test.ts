import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, GuildStore, type StoredDocument } from "../../../src/core/guilds/store.js";
import { docsDir, GUILD, input, useTempDirs } from "../../support/guild-store.js";

const tempDir = useTempDirs();

describe("guild store files: damage found on open", () => {
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
});
