/**
 * `npm run start:cluster`: discord.js's ShardingManager starts one process per shard (npm start's entry, told its
 * shard), spaced so each identify waits its max_concurrency turn on the loopback Discord (rate limit on). Each shard
 * process serves its own server; all share PostgreSQL; SIGTERM stops them all. Without DATABASE_URL it refuses in
 * one line.
 */
import { deployTo } from "../support/deploy.js";
import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoopbackDiscord, snowflakeOnShard, startLoopbackDiscord } from "../support/loopback-discord/index.js";
import { usePostgres } from "../support/postgres.js";

const root = join(import.meta.dirname, "../..");
const ZERO = snowflakeOnShard(0, 2);
const ONE = snowflakeOnShard(1, 2);
const postgres = usePostgres();
let work: string;
let discord: LoopbackDiscord;

function cluster(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/cluster.ts"], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: join(root, "node_modules"),
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.api,
      CORPUS_DIR: join(work, "corpus"),
      DATA_DIR: join(work, "data"),
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exit: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-cluster-"));
  for (const entry of ["src", "commands", "node_modules", "package.json", "tsconfig.json"])
    await symlink(join(root, entry), join(work, entry));
  await cp(join(root, "corpus"), join(work, "corpus"), { recursive: true });
  discord = await startLoopbackDiscord({
    guilds: [
      { id: ZERO, name: "Zero", channels: [{ name: "zero" }], members: [{ user: "alice" }] },
      { id: ONE, name: "One", channels: [{ name: "one" }], members: [{ user: "alice" }] },
    ],
    sharding: { recommendedShards: 2, maxConcurrency: 1, identifyRateLimit: true },
  });
  for (const guildId of [ZERO, ONE]) await deployTo(discord, guildId);
});

afterAll(async () => {
  await discord?.close();
  await rm(work, { recursive: true, force: true });
});

describe("npm run start:cluster", () => {
  it("refuses without DATABASE_URL, in one line", async () => {
    const run = cluster({ SHARD_COUNT: "2" });
    expect(await run.exit).toBe(1);
    expect(run.output().trim().split("\n")).toHaveLength(1);
    expect(run.output()).toMatch(
      /^verbatim-cluster: DATABASE_URL is missing: npm run start:cluster runs one process per shard/,
    );
  });

  it("runs one process per shard through ShardingManager, each answering in its own server", async () => {
    const run = cluster({ DATABASE_URL: await postgres().createDatabase(), SHARD_COUNT: "2" });
    try {
      await discord.waitFor(() => discord.liveShards.join() === "0/2,1/2", { timeoutMs: 60_000 });
      for (const [channelId] of [["zero"], ["one"]]) {
        const reply = await discord
          .injectSlashCommand({
            channelId: channelId as string,
            user: "alice",
            name: "ask",
            options: { question: "When did Antonov return to Moscow?" },
            memberPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
          })
          .waitForReply();
        expect(reply.content).toContain("returned to Moscow on Oct. 5");
      }
      // max_concurrency 1: the manager started the shards one identify window apart, and none was refused.
      const identifies = discord.gatewayLog.flatMap((e) => (e.kind === "identify" ? [e] : []));
      expect(identifies.map((e) => e.shard)).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect((identifies[1]?.at ?? 0) - (identifies[0]?.at ?? 0)).toBeGreaterThanOrEqual(5000);
      expect(discord.gatewayLog.some((e) => e.kind === "identify-rate-limited")).toBe(false);
      expect(run.output()).toMatch(/"msg":"every shard process is ready"/);
      // Two processes, one shard each, each with its own folder for its lock and saved index.
      expect(run.output().match(/"msg":"shard process started"/g)).toHaveLength(2);
    } finally {
      run.child.kill("SIGTERM");
    }
    expect(await run.exit).toBe(0);
    await discord.waitFor(() => discord.liveShards.length === 0, { timeoutMs: 15_000 });
  }, 90_000);
});
