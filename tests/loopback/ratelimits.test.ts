// The loopback's HTTP rate limits with plain fetch: per-route buckets per top-level resource with
// Discord's headers, 429 bodies and scopes, the global limit that interaction endpoints are exempt
// from, forced blocks, and the invalid-request count.
import { afterEach, describe, expect, it } from "vitest";
import { InteractionResponseType } from "discord-api-types/v10";
import {
  startLoopbackDiscord,
  type LoopbackDiscord,
  type LoopbackDiscordOptions,
} from "../support/loopback-discord/index.js";

let discord: LoopbackDiscord;

async function start(options: LoopbackDiscordOptions = {}) {
  discord = await startLoopbackDiscord({
    guilds: [{ name: "G", channels: [{ name: "one" }, { name: "two" }], members: [{ user: "alice" }] }],
    ...options,
  });
}

afterEach(async () => {
  await discord.close();
});

async function api(method: string, path: string, body?: unknown, auth = true) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth) headers.authorization = `Bot ${discord.token}`;
  const res = await fetch(`${discord.api}/v10${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const post = (channel: string, content = "hi") =>
  api("POST", `/channels/${discord.channel(channel).id}/messages`, { content });

describe("loopback rate limits", () => {
  it("counts a route's bucket per channel, with Discord's headers, and answers 429 past it", async () => {
    await start();
    discord.rateLimits.setRoute("POST /channels/:channel/messages", { limit: 2, windowMs: 60_000 });
    const first = await post("one");
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-limit")).toBe("2");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("1");
    expect(Number(first.headers.get("x-ratelimit-reset-after"))).toBeGreaterThan(59);
    expect(Number(first.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    expect((await post("one")).headers.get("x-ratelimit-remaining")).toBe("0");

    const limited = await post("one");
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ message: "You are being rate limited.", global: false });
    expect(limited.json.retry_after).toBeGreaterThan(59);
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
    expect(discord.messagesIn("one")).toHaveLength(2);

    // Another channel: the same bucket hash (it excludes the top-level resource), its own count.
    const other = await post("two");
    expect(other.status).toBe(200);
    expect(other.headers.get("x-ratelimit-bucket")).toBe(first.headers.get("x-ratelimit-bucket"));
    expect(other.headers.get("x-ratelimit-remaining")).toBe("1");
  });

  it("lets the window pass, then accepts again", async () => {
    await start();
    discord.rateLimits.setRoute("POST /channels/:channel/messages", { limit: 1, windowMs: 1000 });
    expect((await post("one")).status).toBe(200);
    const limited = await post("one");
    expect(limited.status).toBe(429);
    await new Promise((r) => setTimeout(r, Number(limited.json.retry_after) * 1000 + 20));
    expect((await post("one")).status).toBe(200);
  });

  it("applies a global limit, with the global headers, but not to interaction callbacks", async () => {
    // Discord's is 50 per second; a smaller one here keeps the test independent of the machine's speed.
    await start({ rateLimits: { globalPerSecond: 3 } });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await api("GET", "/users/@me"));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]?.json).toMatchObject({ global: true, message: "You are being rate limited." });
    expect(limited[0]?.headers.get("x-ratelimit-global")).toBe("true");
    expect(limited[0]?.headers.get("x-ratelimit-scope")).toBe("global");
    // Interaction endpoints are not bound to the global limit (held here for long enough to be sure).
    discord.rateLimits.block({ global: true, forMs: 5000 });
    expect((await api("GET", "/users/@me")).status).toBe(429);
    const cmd = discord.injectSlashCommand({ channelId: "one", user: "alice", name: "ping" });
    const answered = await api(
      "POST",
      `/interactions/${cmd.id}/${cmd.token}/callback`,
      { type: InteractionResponseType.ChannelMessageWithSource, data: { content: "pong" } },
      false,
    );
    expect(answered.status).toBe(204);
  });

  it("forces 429s on one channel, with the shared scope if asked, and counts invalid requests", async () => {
    await start();
    const lift = discord.rateLimits.block({ channel: discord.channel("one").id, forMs: 3500, scope: "shared" });
    const blocked = await post("one");
    expect(blocked.status).toBe(429);
    expect(blocked.json).toMatchObject({ message: "The resource is being rate limited.", global: false });
    expect(blocked.json.retry_after).toBeGreaterThan(3);
    expect(blocked.headers.get("x-ratelimit-scope")).toBe("shared");
    expect((await post("two")).status).toBe(200);
    // Shared-scope 429s are not counted against the bot; 401s are.
    expect(discord.rateLimits.invalidRequests).toBe(0);
    await api("GET", "/users/@me", undefined, false);
    expect(discord.rateLimits.invalidRequests).toBe(1);
    lift();
    expect((await post("one")).status).toBe(200);
    expect(discord.rateLimits.log).toHaveLength(1);
  });

  it("refuses everything once the invalid-request limit is reached", async () => {
    await start({ rateLimits: { invalidRequestLimit: 3 } });
    for (let i = 0; i < 3; i++) await api("GET", "/users/@me", undefined, false);
    const refused = await api("GET", "/users/@me");
    expect(refused.status).toBe(429);
    expect(refused.json.global).toBe(true);
  });

  it("can be switched off", async () => {
    await start({ rateLimits: false });
    const results = await Promise.all(Array.from({ length: 60 }, () => api("GET", "/users/@me")));
    expect(results.every((r) => r.status === 200)).toBe(true);
  });
});
