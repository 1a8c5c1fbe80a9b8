/**
 * An unreachable gateway, end to end: the bot logs why and backs off (doubling waits) instead of reconnecting every
 * 0.5 s, and connects as soon as the gateway is back. Short waits here (the defaults are 1 s doubling to 1 min).
 */
import type { Client } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createVerbatim } from "../../src/app.js";
import { GatewayBackoff } from "../../src/bot/gateway.js";
import { Library } from "../../src/core/library/library.js";
import { BUNDLED_CORPUS } from "../support/paths.js";
import { type LoopbackDiscord, startLoopbackDiscord } from "../support/loopback-discord/index.js";

let discord: LoopbackDiscord;
let client: Client | undefined;
const logs: { msg: string; retryInMs?: number; cause?: string; attempt?: number }[] = [];

beforeAll(async () => {
  discord = await startLoopbackDiscord();
});

afterAll(async () => {
  await client?.destroy();
  await discord.close();
});

describe("GatewayBackoff", () => {
  it("reconnects at once after a working session, then doubles the wait up to the cap", () => {
    const backoff = new GatewayBackoff(pino({ level: "silent" }), { baseMs: 1000, maxMs: 8000 });
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoff.delayFor(n))).toEqual([0, 1000, 2000, 4000, 8000, 8000, 8000]);
  });
});

describe("an unreachable gateway", () => {
  it("is logged with its cause and retried with growing waits, then connects when it is back", async () => {
    const { library } = await Library.open({ corpusDir: BUNDLED_CORPUS });
    const verbatim = await createVerbatim({
      corpusDir: "",
      dataDir: null,
      library,
      logger: pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) }),
      maxUploadBytes: 0,
      maxDocumentsPerGuild: 0,
      ownerIds: [],
    });
    discord.setGatewayReachable(false);
    client = verbatim.createClient({
      commands,
      apiUrl: discord.api,
      cooldownSeconds: 0,
      version: "test",
      gatewayBackoff: { baseMs: 100, maxMs: 400 },
    });
    const login = client.login(discord.token);
    const refused = () => discord.gatewayLog.filter((e) => e.kind === "refused");
    await discord.waitFor(() => refused().length >= 5, { timeoutMs: 10_000 });
    const warnings = logs.filter((l) => l.msg.startsWith("gateway unreachable"));
    // Each retry after the first is announced once, with its cause and a wait that doubles up to the cap.
    expect(warnings.map((w) => w.retryInMs).slice(0, 4)).toEqual([100, 200, 400, 400]);
    expect(warnings[0]?.cause).toBeTruthy();
    expect(warnings[0]?.msg).toMatch(/retrying in \d/);
    // Never the old "reconnecting" line for every attempt.
    expect(logs.filter((l) => l.msg === "gateway reconnecting").length).toBeLessThanOrEqual(1);
    // The attempts are spaced at least by the waits (with up to 10 % jitter below them).
    const times = refused().map((e) => e.at);
    for (let i = 2; i < Math.min(times.length, 5); i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(0.9 * (warnings[i - 1]?.retryInMs ?? 0));

    discord.setGatewayReachable(true);
    await login;
    await discord.waitFor(() => discord.connected, { timeoutMs: 10_000 });
    expect(logs.some((l) => l.msg === "gateway reachable again")).toBe(true);
    const reply = await discord
      .injectSlashCommand({
        channelId: "general",
        user: "alice",
        name: "ask",
        options: { question: "How old is Antonov?" },
      })
      .waitForReply();
    expect(reply.content).toContain("69");
  }, 30_000);
});
