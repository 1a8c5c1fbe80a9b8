/**
 * The loopback Discord shards as Discord documents it (Gateway § Sharding, § Get Gateway Bot): GET /gateway/bot
 * reports a shard count and session_start_limit with max_concurrency; IDENTIFY carries [shard_id, num_shards]; each
 * shard gets only its guilds ((guild_id >> 22) % num_shards) and events without a guild_id (DMs) only on shard 0;
 * an invalid shard closes 4010, too many guilds on one shard 4011; an identify too soon in its max_concurrency bucket
 * gets INVALID_SESSION. Shown with the unmodified discord.js client and with a raw socket.
 */
import { Client, Events, GatewayIntentBits, Partials } from "discord.js";
import { GatewayCloseCodes, GatewayOpcodes } from "discord-api-types/v10";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { eventually } from "../support/eventually.js";
import {
  type LoopbackDiscord,
  type LoopbackDiscordOptions,
  shardOf,
  snowflakeOnShard,
  startLoopbackDiscord,
} from "../support/loopback-discord/index.js";

const ZERO = snowflakeOnShard(0, 2);
const ONE = snowflakeOnShard(1, 2);

const servers: LoopbackDiscord[] = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
  for (const server of servers.splice(0)) await server.close();
});

async function loopback(options: LoopbackDiscordOptions = {}): Promise<LoopbackDiscord> {
  const discord = await startLoopbackDiscord({
    guilds: [
      { id: ZERO, name: "Shard zero", channels: [{ name: "zero" }], members: [{ user: "alice" }] },
      { id: ONE, name: "Shard one", channels: [{ name: "one" }], members: [{ user: "alice" }] },
    ],
    ...options,
  });
  servers.push(discord);
  return discord;
}

function client(discord: LoopbackDiscord, shards: number[], shardCount: number): Client {
  const bot = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    rest: { api: discord.api },
    shards,
    shardCount,
  });
  clients.push(bot);
  return bot;
}

/** Opens a raw socket, identifies with `shard`, and resolves with the first answer: READY, op 9, or a close code. */
async function rawIdentify(discord: LoopbackDiscord, shard?: unknown): Promise<string> {
  const ws = new WebSocket(`${discord.gatewayUrl}/?v=10&encoding=json`);
  return new Promise((resolve) => {
    ws.on("message", (data: Buffer) => {
      const payload = JSON.parse(data.toString()) as { op: number; t?: string; d: unknown };
      if (payload.op === GatewayOpcodes.Hello)
        ws.send(
          JSON.stringify({
            op: GatewayOpcodes.Identify,
            d: {
              token: discord.token,
              intents: GatewayIntentBits.Guilds,
              properties: { os: "linux", browser: "raw", device: "raw" },
              ...(shard === undefined ? {} : { shard }),
            },
          }),
        );
      else if (payload.op === GatewayOpcodes.InvalidSession) {
        resolve(`invalid-session ${String(payload.d)}`);
        ws.close(1000);
      } else if (payload.t === "READY") {
        resolve(`ready ${(payload.d as { guilds: { id: string }[] }).guilds.map((g) => g.id).join(",")}`);
        ws.close(1000);
      }
    });
    ws.on("close", (code) => resolve(`close ${code}`));
    ws.on("error", () => undefined);
  });
}

describe("sharding on the loopback Discord", () => {
  it("GET /gateway/bot reports the recommended shards and session_start_limit with max_concurrency", async () => {
    const discord = await loopback({ sharding: { recommendedShards: 2, maxConcurrency: 16 } });
    const response = await fetch(`${discord.api}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${discord.token}` },
    });
    const body = (await response.json()) as {
      url: string;
      shards: number;
      session_start_limit: { total: number; remaining: number; reset_after: number; max_concurrency: number };
    };
    expect(body.shards).toBe(2);
    expect(body.session_start_limit).toMatchObject({ total: 1000, max_concurrency: 16 });
    expect(await rawIdentify(discord, [0, 2])).toMatch(/^ready/);
    const after = (await (
      await fetch(`${discord.api}/v10/gateway/bot`, { headers: { authorization: `Bot ${discord.token}` } })
    ).json()) as typeof body;
    // Each identify uses one session start.
    expect(after.session_start_limit.remaining).toBe(body.session_start_limit.remaining - 1);
    expect((await fetch(`${discord.api}/v10/gateway/bot`)).status).toBe(401);
  });

  it("gives each shard only its guilds, and direct messages only to shard 0", async () => {
    expect([shardOf(ZERO, 2), shardOf(ONE, 2)]).toEqual([0, 1]);
    const discord = await loopback({ sharding: { maxConcurrency: 2 } });
    const zero = client(discord, [0], 2);
    const one = client(discord, [1], 2);
    const heard = { zero: [] as string[], one: [] as string[] };
    for (const [name, bot] of [
      ["zero", zero],
      ["one", one],
    ] as const) {
      bot.on(Events.InteractionCreate, (interaction) => {
        heard[name].push(`interaction ${interaction.guildId ?? "dm"}`);
        if (interaction.isChatInputCommand())
          void interaction.reply({ content: `shard ${name}`, allowedMentions: { parse: [] } });
      });
      bot.on(Events.MessageCreate, (message) => void heard[name].push(`message ${message.guildId ?? "dm"}`));
    }
    await Promise.all([zero.login(discord.token), one.login(discord.token)]);
    await eventually(() => zero.isReady() && one.isReady());
    expect([...zero.guilds.cache.keys()]).toEqual([ZERO]);
    expect([...one.guilds.cache.keys()]).toEqual([ONE]);
    expect(discord.liveShards).toEqual(["0/2", "1/2"]);
    const identifies = discord.gatewayLog.filter((e) => e.kind === "identify");
    expect(identifies.map((e) => (e.kind === "identify" ? e.shard : null)).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);

    const inOne = discord.injectSlashCommand({ channelId: "one", user: "alice", name: "ping", stale: true });
    expect((await inOne.waitForReply()).content).toBe("shard one");
    const inZero = discord.injectSlashCommand({ channelId: "zero", user: "alice", name: "ping", stale: true });
    expect((await inZero.waitForReply()).content).toBe("shard zero");
    discord.injectMessage({ channelId: discord.dmChannel("alice").id, author: "alice", content: "hello in a DM" });
    discord.injectMessage({ channelId: "one", author: "alice", content: `<@${discord.bot.id}> hello` });
    await eventually(() => heard.zero.includes("message dm") && heard.one.includes(`message ${ONE}`));
    // Each shard heard its own guild (the interactions, the replies posted there) and shard 0 the DM; nothing else.
    expect(heard.zero).toContain(`interaction ${ZERO}`);
    expect(heard.one).toContain(`interaction ${ONE}`);
    expect(heard.zero.every((e) => e.endsWith(ZERO) || e.endsWith("dm"))).toBe(true);
    expect(heard.one.every((e) => e.endsWith(ONE))).toBe(true);
  });

  it("closes 4010 for an invalid shard and 4011 when one shard would hold too many guilds", async () => {
    const discord = await loopback({ sharding: { maxGuildsPerShard: 1, maxConcurrency: 16 } });
    expect(await rawIdentify(discord, [2, 2])).toBe(`close ${GatewayCloseCodes.InvalidShard}`);
    expect(await rawIdentify(discord, [0, 0])).toBe(`close ${GatewayCloseCodes.InvalidShard}`);
    expect(await rawIdentify(discord, ["0", 2])).toBe(`close ${GatewayCloseCodes.InvalidShard}`);
    // Two guilds, at most one per shard: unsharded is refused, two shards are not.
    expect(await rawIdentify(discord)).toBe(`close ${GatewayCloseCodes.ShardingRequired}`);
    expect(await rawIdentify(discord, [1, 2])).toBe(`ready ${ONE}`);
  });

  it("allows max_concurrency identifies per 5 s per bucket, and discord.js waits its turn", async () => {
    const discord = await loopback({ sharding: { identifyRateLimit: true, maxConcurrency: 1 } });
    expect(await rawIdentify(discord, [0, 2])).toMatch(/^ready/);
    // Same bucket (1 % 1 = 0 % 1), too soon: INVALID_SESSION, not resumable.
    expect(await rawIdentify(discord, [1, 2])).toBe("invalid-session false");
    const wide = await loopback({ sharding: { identifyRateLimit: true, maxConcurrency: 2 } });
    // Buckets 0 and 1: both at once.
    expect(await rawIdentify(wide, [0, 2])).toMatch(/^ready/);
    expect(await rawIdentify(wide, [1, 2])).toMatch(/^ready/);

    // One discord.js client running both shards with max_concurrency 1: it identifies them 5 s apart.
    const strict = await loopback({ sharding: { identifyRateLimit: true, maxConcurrency: 1 } });
    const both = client(strict, [0, 1], 2);
    await both.login(strict.token);
    await eventually(() => both.isReady(), 20_000);
    const times = strict.gatewayLog.flatMap((e) => (e.kind === "identify" ? [e.at] : []));
    expect(times).toHaveLength(2);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(5000);
    expect(strict.gatewayLog.some((e) => e.kind === "identify-rate-limited")).toBe(false);
    expect([...both.guilds.cache.keys()].sort()).toEqual([ZERO, ONE].sort());
  }, 30_000);
});
