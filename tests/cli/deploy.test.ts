/**
 * `npm run deploy`'s entry point as a child process against the loopback Discord: commands registered per scope
 * (server commands without contexts, global ones with them), `--remove`, the invite link, and each of Discord's
 * refusals turned into the variable to fix.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { startLoopbackDiscord, type LoopbackDiscord } from "../support/loopback-discord/index.js";
import { REPO_ROOT } from "../support/paths.js";

let work: string;

function deploy(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/deploy.ts", ...args], {
    cwd: work,
    env: { PATH: process.env.PATH ?? "", NODE_PATH: join(REPO_ROOT, "node_modules"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out, err })));
}

const tokenFor = (id: string) => `${Buffer.from(id).toString("base64url")}.AbCdEf.${"x".repeat(27)}`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-deploy-"));
  // No .env from the repository: the test sets exactly what it means.
  for (const entry of ["src", "commands", "node_modules", "package.json", "tsconfig.json"])
    await symlink(join(REPO_ROOT, entry), join(work, entry));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("npm run deploy", () => {
  let discord: LoopbackDiscord;
  let env: Record<string, string>;

  beforeAll(async () => {
    discord = await startLoopbackDiscord({
      guilds: [
        { name: "Dev", channels: [{ name: "general" }], members: [{ user: "alice" }] },
        { name: "No scope", channels: [{ name: "general" }], members: [{ user: "alice" }], commandsScope: false },
      ],
    });
    env = { DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.api };
  });

  afterAll(async () => {
    await discord.close();
  });

  it("registers server commands without contexts, prints the invite link, and removes them with --remove", async () => {
    const guildId = discord.guild("Dev").id;
    const { code, out } = await deploy({ ...env, DISCORD_GUILD_ID: guildId });
    expect(code).toBe(0);
    expect(out).toContain(`Registered ${commands.length} commands to server`);
    const registered = discord.commands.filter((c) => c.guild_id === guildId);
    expect(registered.map((c) => c.name).sort()).toContain("operator");
    // Server commands exist only in that server: no contexts (the bot-DM context is not supported there).
    expect(registered.every((c) => c.contexts === null)).toBe(true);
    const invite = new URL(/Invite the bot: (\S+)/.exec(out)?.[1] ?? "");
    expect(invite.origin + invite.pathname).toBe("https://discord.com/oauth2/authorize");
    expect(invite.searchParams.get("client_id")).toBe(discord.applicationId);
    expect(invite.searchParams.get("scope")).toBe("bot applications.commands");
    // View Channel, Send Messages, Send Messages in Threads, Read Message History.
    expect(BigInt(invite.searchParams.get("permissions") ?? "0")).toBe(1024n + 2048n + 65536n + 274877906944n);
    expect(invite.searchParams.get("guild_id")).toBe(guildId);

    const removed = await deploy({ ...env, DISCORD_GUILD_ID: guildId }, ["--remove"]);
    expect(removed.code).toBe(0);
    expect(removed.out).toContain(`Removed ${commands.length} commands from server`);
    expect(discord.commands.filter((c) => c.guild_id === guildId)).toEqual([]);
  }, 30_000);

  it("registers global commands with their contexts: /operator in servers and the bot's DMs, admin commands in servers", async () => {
    const { code, out } = await deploy(env);
    expect(code).toBe(0);
    expect(out).toMatch(/globally/);
    expect(out).toMatch(/npm run deploy -- --remove/);
    const global = new Map(discord.commands.filter((c) => !c.guild_id).map((c) => [c.name, c]));
    expect(global.get("operator")?.contexts).toEqual([0, 1]);
    expect(global.get("corpus")?.contexts).toEqual([0]);
    expect(global.get("ask")?.contexts).toEqual([0, 1]);
    expect([...global.values()].every((c) => JSON.stringify(c.integration_types) === "[0]")).toBe(true);
    // Discord offers /operator in a DM only when it is registered there.
    const dm = discord.injectSlashCommand({
      channelId: discord.dmChannel("alice").id,
      user: "alice",
      name: "operator",
      subcommand: "reload",
    });
    expect(dm.payload.context).toBe(1);
    expect(() =>
      discord.injectSlashCommand({
        channelId: discord.dmChannel("alice").id,
        user: "alice",
        name: "corpus",
        subcommand: "list",
      }),
    ).toThrow(/leave out context 1/);
    expect((await deploy(env, ["--remove"])).out).toContain(`Removed ${commands.length} commands globally`);
  }, 30_000);

  it("turns Discord's refusals into the variable to fix", async () => {
    // A token of the right bot that Discord does not accept (reset since): 401.
    const refused = await deploy({ ...env, DISCORD_TOKEN: tokenFor(discord.applicationId) });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^deploy: DISCORD_TOKEN was refused by Discord \(401 Unauthorized/);
    expect(refused.err).not.toContain(discord.token);
    // Invited without applications.commands: Missing Access, with the invite link that fixes it.
    const noScope = await deploy({ ...env, DISCORD_GUILD_ID: discord.guild("No scope").id });
    expect(noScope.err).toMatch(
      /DISCORD_GUILD_ID \d+: the bot is not in that server, or was invited without the applications.commands scope/,
    );
    expect(noScope.err).toContain("https://discord.com/oauth2/authorize?client_id=");
    // Discord's API out of reach.
    const down = await deploy({ ...env, DISCORD_API_URL: "http://127.0.0.1:9/api" });
    expect(down.err).toMatch(/DISCORD_API_URL http:\/\/127.0.0.1:9\/api could not be reached \(ECONNREFUSED\)/);
    // An application id that does not match the token is caught before any request.
    const before = discord.sent.length;
    const mismatch = await deploy({ ...env, DISCORD_APPLICATION_ID: "123456789012345678" });
    expect(mismatch.err).toMatch(/DISCORD_APPLICATION_ID must be the ID of the application DISCORD_TOKEN belongs to/);
    expect(discord.sent.length).toBe(before);
  }, 40_000);

  it("names DISCORD_APPLICATION_ID when Discord does not know the application", async () => {
    const bot = "234567890123456789";
    const other = await startLoopbackDiscord({ bot: { id: bot }, applicationId: "345678901234567890" });
    try {
      const { code, err } = await deploy({
        DISCORD_TOKEN: other.token,
        DISCORD_APPLICATION_ID: bot,
        DISCORD_API_URL: other.api,
      });
      expect(code).toBe(1);
      expect(err).toMatch(
        /DISCORD_APPLICATION_ID 234567890123456789 is not an application Discord knows for this token \(Unknown Application\)/,
      );
    } finally {
      await other.close();
    }
  }, 30_000);
});
