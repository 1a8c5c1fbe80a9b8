/**
 * `npm start`'s entry point as a child process: configuration refused with one clear line per problem; with a valid
 * configuration it logs in through DISCORD_API_URL (the loopback Discord), answers, and exits cleanly on SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackDiscord, type LoopbackDiscord } from "../support/loopback-discord/index.js";

const root = join(import.meta.dirname, "../..");
let work: string;

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  // No inherited DISCORD_* variables and no .env from the repository: the test sets exactly what it means.
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
    cwd: work,
    env: { PATH: process.env.PATH ?? "", NODE_PATH: join(root, "node_modules"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exit };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-start-"));
  // The child runs from a scratch directory (so no .env is picked up) but with the project's source and modules.
  const { symlink } = await import("node:fs/promises");
  for (const entry of ["src", "commands", "node_modules", "package.json", "tsconfig.json", "corpus"]) {
    await symlink(join(root, entry), join(work, entry));
  }
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("start-up configuration", () => {
  it("without a token says how to get one and how to try Verbatim offline", async () => {
    const { exit, output } = run({});
    expect(await exit).toBe(1);
    expect(output()).toMatch(/DISCORD_TOKEN/);
    expect(output()).toMatch(/npm run ask/);
  });

  it("names each malformed variable on its own line", async () => {
    const { exit, output } = run({
      DISCORD_TOKEN: "not-a-token",
      DISCORD_APPLICATION_ID: "12ab",
      COOLDOWN_SECONDS: "-3",
    });
    expect(await exit).toBe(1);
    const lines = output().trim().split("\n");
    expect(lines.some((l) => l.includes("DISCORD_APPLICATION_ID"))).toBe(true);
    expect(lines.some((l) => l.includes("COOLDOWN_SECONDS"))).toBe(true);
    expect(output()).not.toContain("not-a-token");
  });
});

describe("running", () => {
  let discord: LoopbackDiscord;

  beforeAll(async () => {
    discord = await startLoopbackDiscord();
  });

  afterAll(async () => {
    await discord.close();
  });

  it("names DISCORD_TOKEN and the fix when Discord refuses the token at login", async () => {
    // The right bot's id, but a secret Discord does not accept (reset since): 401 at login.
    const stale = `${Buffer.from(discord.applicationId).toString("base64url")}.AbCdEf.${"x".repeat(27)}`;
    const bot = run({
      DISCORD_TOKEN: stale,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.api,
      CORPUS_DIR: join(root, "corpus"),
      DATA_DIR: join(work, "data-refused"),
      LOG_LEVEL: "warn",
    });
    expect(await bot.exit).toBe(1);
    expect(bot.output()).toMatch(/verbatim: DISCORD_TOKEN was refused by Discord \(401 Unauthorized/);
    expect(bot.output()).toMatch(/Reset Token/);
    expect(bot.output()).not.toContain(stale);
  }, 40_000);

  it("logs in through DISCORD_API_URL, answers /ask, and stops on SIGTERM", async () => {
    const bot = run({
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.api,
      CORPUS_DIR: join(root, "corpus"),
      DATA_DIR: join(work, "data"),
      LOG_LEVEL: "info",
    });
    try {
      await discord.waitFor(() => discord.connected, { timeoutMs: 20_000 });
      const reply = await discord
        .injectSlashCommand({
          channelId: "general",
          user: "alice",
          name: "ask",
          options: { question: "When did Antonov return to Moscow?" },
        })
        .waitForReply();
      expect(reply.content).toContain("returned to Moscow on Oct. 5");

      // A second process on the same DATA_DIR is refused with one line naming the folder and the holder.
      const second = run({
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_API_URL: discord.api,
        CORPUS_DIR: join(root, "corpus"),
        DATA_DIR: join(work, "data"),
      });
      expect(await second.exit).toBe(1);
      const lines = second.output().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(
        `DATA_DIR ${join(work, "data")} is in use by another Verbatim process (pid ${bot.child.pid}`,
      );
    } finally {
      bot.child.kill("SIGTERM");
    }
    expect(await bot.exit).toBe(0);
    const logs = bot.output();
    expect(logs).toMatch(/"msg":"corpus ready"/);
    expect(logs).toMatch(/"msg":"shutting down"/);
    expect(logs).not.toContain(discord.token);
  }, 40_000);
});
