/**
 * `npm run migrate`, `npm run export` and `npm run import` as an operator runs them (child processes of the real
 * entries), between the file store and a real PostgreSQL: a server's data moves whole either way, verified by its
 * digest; a damaged or tampered dump is refused before anything is written; a server already in the target is not
 * overwritten.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeedbackStore } from "../../src/core/guilds/feedback.js";
import { GuildStore } from "../../src/core/guilds/store.js";
import { createPool } from "../../src/core/postgres/database.js";
import { PgFeedbackStore } from "../../src/core/postgres/feedback.js";
import { PgGuildStore } from "../../src/core/postgres/store.js";
import { digestScope } from "../../src/core/postgres/transfer.js";
import { entry, GUILD, input, OTHER, USER } from "../support/guild-store.js";
import { usePostgres } from "../support/postgres.js";

const root = join(import.meta.dirname, "../..");
const postgres = usePostgres();
let work: string;

function run(
  entry: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/cli", entry), ...args], {
      cwd: work,
      env: { PATH: process.env.PATH ?? "", NODE_PATH: join(root, "node_modules"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-transfer-"));
  // The child runs in a scratch folder (no .env is read) with the project's modules.
  await symlink(join(root, "node_modules"), join(work, "node_modules"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A data folder holding a bit of everything: documents, settings, logs, answers, votes, a report, moderation, DMs. */
async function filled(dir: string): Promise<void> {
  const store = await GuildStore.open(dir, { maintenanceMs: 0 });
  const feedback = await FeedbackStore.open(dir);
  await store.addDocument(GUILD, input("Ferry", "The ferry leaves at nine; nul \u0000 and a lone \ud800 kept."));
  await store.addDocument(GUILD, input("Crane", "Crane 4 works the north quay.", { path: "crane.md" }));
  await store.addDocument(OTHER, input("Elsewhere", "Another server's text."));
  await store.updateSettings(GUILD, { cooldownSeconds: 9, channels: ["300000000000000001"] });
  await store.audit(entry(GUILD, "add document", { detail: "Ferry" }));
  await store.recordQuestion(GUILD, { at: new Date().toISOString(), question: "When is the ferry?", answered: true });
  await store.recordQuestion(GUILD, { at: new Date().toISOString(), question: "", answered: false, private: true });
  for (const scope of [GUILD, "dm"]) {
    const id = feedback.newAnswerId();
    await feedback.recordAnswer({
      id,
      at: new Date().toISOString(),
      scope,
      channelId: "200000000000000001",
      userId: USER,
      private: scope === "dm",
      question: "When is the ferry?",
      answered: true,
      quotes: [{ passageId: "doc#0", fingerprint: "0123456789abcdef", start: 0, end: 9, sourceId: "doc" }],
      closest: [],
    });
    await feedback.castVote(scope, {
      at: new Date().toISOString(),
      answerId: id,
      userId: "u1",
      vote: "wrong",
      reason: "outdated",
      quote: 0,
      subject: { question: "When is the ferry?", quote: null, private: false },
    });
  }
  await feedback.exclude(GUILD, {
    ref: { passageId: "doc#3", fingerprint: "00112233445566ff" },
    sourceId: "doc",
    by: USER,
  });
  await store.close();
}

describe("npm run migrate", () => {
  it("says DATABASE_URL is missing, then applies the schema once", async () => {
    const missing = await run("migrate.ts", [], {});
    expect(missing.code).toBe(1);
    expect(missing.out.trim().split("\n")).toHaveLength(1);
    expect(missing.out).toMatch(/^migrate: DATABASE_URL is missing: set DATABASE_URL=postgres:/);
    const url = await postgres().createDatabase();
    expect((await run("migrate.ts", [], { DATABASE_URL: url })).out).toMatch(/applied 1; the schema is at version 1/);
    expect((await run("migrate.ts", [], { DATABASE_URL: url })).out).toMatch(/up to date \(version 1\)/);
    const refused = await run("migrate.ts", [], { DATABASE_URL: "postgres://postgres:wrong@127.0.0.1:1/none" });
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/^migrate: DATABASE_URL: could not use PostgreSQL \(.*ECONNREFUSED/);
  }, 30_000);
});

describe("npm run export / import", () => {
  it("moves everything from files to PostgreSQL and back, verified by digests", async () => {
    const from = join(work, "from");
    await filled(from);
    const url = await postgres().createDatabase();
    const dump = join(work, "files.dump");
    const exported = await run("export.ts", ["--from", "files", dump], { DATA_DIR: from, DATABASE_URL: url });
    expect(exported.code, exported.out).toBe(0);
    expect(exported.out).toMatch(/export: 3 scopes from files/);
    const imported = await run("import.ts", ["--to", "postgres", dump], { DATABASE_URL: url });
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out).toMatch(/import: 3 scopes into postgres, \d+ records, verified/);
    expect(imported.out).toMatch(new RegExp(`${GUILD} sha256 [0-9a-f]{64} \\(matches the dump\\)`));

    // What PostgreSQL holds equals what the files held, record for record.
    const files = {
      store: await GuildStore.open(from, { maintenanceMs: 0 }),
      feedback: await FeedbackStore.open(from),
    };
    const pool = createPool(url, { max: 2 });
    try {
      const pg = {
        store: await PgGuildStore.open(pool, { maintenanceMs: 0 }),
        feedback: await PgFeedbackStore.open(pool),
      };
      for (const scope of [GUILD, OTHER, "dm"])
        expect((await digestScope(pg, scope)).digest).toBe((await digestScope(files, scope)).digest);
      expect(pg.store.documents(GUILD).map((d) => d.text)).toEqual(files.store.documents(GUILD).map((d) => d.text));
      expect(pg.feedback.reports("dm")).toHaveLength(1);
      await pg.store.close();
    } finally {
      await pool.end();
      await files.store.close();
    }

    // And back: PostgreSQL to a fresh data folder, the same digests.
    const back = join(work, "pg.dump");
    expect((await run("export.ts", [back], { DATABASE_URL: url })).code).toBe(0);
    const again = join(work, "again");
    const restored = await run("import.ts", ["--to", "files", back], { DATA_DIR: again, DATABASE_URL: url });
    expect(restored.code, restored.out).toBe(0);
    const digests = (text: string) => [...text.matchAll(/(\S+) sha256 ([0-9a-f]{64})/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(digests(restored.out)).toEqual(digests(exported.out));

    // A second import into the same database is refused: nothing is merged or overwritten.
    const twice = await run("import.ts", ["--to", "postgres", dump], { DATABASE_URL: url });
    expect(twice.code).toBe(1);
    expect(twice.out).toMatch(/already has stored data in the target; nothing was imported/);
  }, 60_000);

  it("refuses a dump cut short or tampered with, writing nothing", async () => {
    const from = join(work, "from2");
    await filled(from);
    const dump = join(work, "whole.dump");
    expect((await run("export.ts", [dump], { DATA_DIR: from })).code).toBe(0);
    const text = await readFile(dump, "utf8");
    const lines = text.trimEnd().split("\n");
    await writeFile(join(work, "cut.dump"), `${lines.slice(0, -2).join("\n")}\n`);
    await writeFile(join(work, "tampered.dump"), text.replace("Crane 4 works", "Crane 5 works"));
    const url = await postgres().createDatabase();
    const cut = await run("import.ts", ["--to", "postgres", "cut.dump"], { DATABASE_URL: url });
    expect(cut.code).toBe(1);
    expect(cut.out).toMatch(/import: the dump has no end line: it was cut short/);
    const tampered = await run("import.ts", ["--to", "postgres", "tampered.dump"], { DATABASE_URL: url });
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/text does not match its hash/);
    const pool = createPool(url, { max: 1 });
    try {
      expect((await pool.query("SELECT count(*)::int AS n FROM documents")).rows[0]).toEqual({ n: 0 });
    } finally {
      await pool.end();
    }
  }, 60_000);
});
