// The loopback gateway at the protocol level, with a raw `ws` client: the parts
// discord.js does not exercise by default (compression, failure close codes,
// resume bookkeeping, intent filtering).
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { GatewayIntentBits, GatewayOpcodes } from "discord-api-types/v10";
import {
  startLoopbackDiscord,
  type LoopbackDiscord,
  type LoopbackDiscordOptions,
} from "../support/loopback-discord/index.js";

interface Payload {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

/** A minimal gateway client: collects decoded payloads and the close code. */
class RawGateway {
  readonly ws: WebSocket;
  readonly received: Payload[] = [];
  closeCode: number | undefined;
  private readonly inflate = zlib.createInflate();
  private waiters: (() => void)[] = [];

  constructor(url: string, mode: "plain" | "zlib-stream" = "plain") {
    this.ws = new WebSocket(url);
    let pending = Buffer.alloc(0);
    this.inflate.on("data", (chunk: Buffer) => (pending = Buffer.concat([pending, chunk])));
    this.ws.on("message", (data: Buffer, isBinary) => {
      if (mode === "zlib-stream") {
        // Shared inflate context; every message ends with a Z_SYNC_FLUSH.
        this.inflate.write(data);
        this.inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          this.push(JSON.parse(pending.toString("utf8")) as Payload);
          pending = Buffer.alloc(0);
        });
      } else {
        this.push(JSON.parse(isBinary ? zlib.inflateSync(data).toString("utf8") : data.toString("utf8")) as Payload);
      }
    });
    this.ws.on("error", () => undefined); // surfaced through closeCode instead
    this.ws.on("close", (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  send(payload: object): void {
    const text = JSON.stringify(payload);
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.once("open", () => this.ws.send(text));
    else this.ws.send(text);
  }

  private push(p: Payload): void {
    this.received.push(p);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async until<T>(check: () => T | undefined, timeoutMs = 3000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error("raw gateway: timed out");
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  next(pred: (p: Payload) => boolean): Promise<Payload> {
    return this.until(() => this.received.find(pred));
  }

  closed(): Promise<number> {
    return this.until(() => this.closeCode);
  }

  identify(token: string, intents: number, extra: object = {}): void {
    this.send({ op: 2, d: { token, intents, properties: { os: "linux", browser: "raw", device: "raw" }, ...extra } });
  }
}

let discord: LoopbackDiscord;
const sockets: RawGateway[] = [];

async function start(options: LoopbackDiscordOptions = {}): Promise<void> {
  discord = await startLoopbackDiscord({ heartbeatIntervalMs: 1000, ...options });
}

function open(query = "?v=10&encoding=json", mode: "plain" | "zlib-stream" = "plain"): RawGateway {
  const socket = new RawGateway(`${discord.gatewayUrl}/${query}`, mode);
  sockets.push(socket);
  return socket;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.ws.terminate();
  await discord.close();
});

describe("loopback gateway protocol", () => {
  it("says HELLO with the configured interval and ACKs heartbeats", async () => {
    await start();
    const gw = open();
    const hello = await gw.next((p) => p.op === GatewayOpcodes.Hello);
    expect(hello.d).toEqual({ heartbeat_interval: 1000 });
    gw.send({ op: 1, d: null });
    await gw.next((p) => p.op === GatewayOpcodes.HeartbeatAck);
  });

  it("READY, then GUILD_CREATE per guild with increasing sequence numbers", async () => {
    await start();
    const gw = open();
    gw.identify(discord.token, GatewayIntentBits.Guilds);
    const guild = await gw.next((p) => p.t === "GUILD_CREATE");
    const ready = gw.received.find((p) => p.t === "READY");
    expect(ready).toMatchObject({
      op: 0,
      s: 1,
      d: {
        v: 10,
        user: { id: discord.bot.id, bot: true },
        resume_gateway_url: discord.gatewayUrl,
        application: { id: discord.applicationId },
      },
    });
    expect((ready?.d as { guilds: unknown[] }).guilds).toEqual([
      { id: (guild.d as { id: string }).id, unavailable: true },
    ]);
    expect(guild.s).toBe(2);
    expect(guild.d).toMatchObject({ name: "Loopback Guild", unavailable: false, large: false });
  });

  it("closes with 4004 on a bad token, 4012 on a bad version, 4003 before identify, 4014 on disallowed intents", async () => {
    await start({ privilegedIntents: 0 });
    const badToken = open();
    badToken.identify("nope", 0);
    expect(await badToken.closed()).toBe(4004);

    expect(await open("?v=9&encoding=json").closed()).toBe(4012);

    const early = open();
    early.send({ op: 3, d: { status: "online", since: null, activities: [], afk: false } });
    expect(await early.closed()).toBe(4003);

    const privileged = open();
    privileged.identify(discord.token, GatewayIntentBits.Guilds | GatewayIntentBits.MessageContent);
    expect(await privileged.closed()).toBe(4014);
  });

  it("speaks zlib-stream transport compression", async () => {
    await start();
    const gw = open("?v=10&encoding=json&compress=zlib-stream", "zlib-stream");
    await gw.next((p) => p.op === GatewayOpcodes.Hello);
    gw.identify(discord.token, GatewayIntentBits.Guilds);
    await gw.next((p) => p.t === "GUILD_CREATE");
    expect(gw.received.map((p) => p.t ?? p.op)).toEqual([10, "READY", "GUILD_CREATE"]);
  });

  it("compresses dispatches as standalone zlib payloads when IDENTIFY asks for compress: true", async () => {
    await start();
    const gw = open();
    const binary: boolean[] = [];
    gw.ws.on("message", (_data, isBinary) => binary.push(isBinary));
    gw.identify(discord.token, GatewayIntentBits.Guilds, { compress: true });
    await gw.next((p) => p.t === "GUILD_CREATE");
    expect(binary).toEqual([false, true, true]); // HELLO plain, dispatches compressed
  });

  it("RESUME replays missed dispatches then sends RESUMED; an unknown session gets INVALID_SESSION false", async () => {
    await start();
    const first = open();
    first.identify(discord.token, GatewayIntentBits.Guilds);
    const ready = await first.next((p) => p.t === "READY");
    const lastSeq = (await first.next((p) => p.t === "GUILD_CREATE")).s ?? 0;
    first.ws.terminate();
    await first.closed();

    discord.injectSlashCommand({ channelId: "general", user: "alice", name: "missed" });
    const second = open();
    second.send({
      op: 6,
      d: { token: discord.token, session_id: (ready.d as { session_id: string }).session_id, seq: lastSeq },
    });
    const resumed = await second.next((p) => p.t === "RESUMED");
    expect(second.received.filter((p) => p.op === 0).map((p) => [p.t, p.s])).toEqual([
      ["INTERACTION_CREATE", lastSeq + 1],
      ["RESUMED", lastSeq + 2],
    ]);
    expect(resumed.s).toBe(lastSeq + 2);

    const third = open();
    third.send({ op: 6, d: { token: discord.token, session_id: "not-a-session", seq: 1 } });
    expect((await third.next((p) => p.op === GatewayOpcodes.InvalidSession)).d).toBe(false);
  });

  it("a client closing with 1000 ends its session", async () => {
    await start();
    const gw = open();
    gw.identify(discord.token, GatewayIntentBits.Guilds);
    const ready = await gw.next((p) => p.t === "READY");
    gw.ws.close(1000);
    await gw.closed();
    const again = open();
    again.send({
      op: 6,
      d: { token: discord.token, session_id: (ready.d as { session_id: string }).session_id, seq: 1 },
    });
    expect((await again.next((p) => p.op === GatewayOpcodes.InvalidSession)).d).toBe(false);
  });

  it("filters MESSAGE_CREATE by intents and blanks content without MESSAGE_CONTENT unless the bot is mentioned", async () => {
    await start();
    const withContent = open();
    withContent.identify(discord.token, GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent);
    const without = open();
    without.identify(discord.token, GatewayIntentBits.GuildMessages);
    const noMessages = open();
    noMessages.identify(discord.token, GatewayIntentBits.Guilds);
    await Promise.all([withContent, without, noMessages].map((g) => g.next((p) => p.t === "READY")));

    discord.injectMessage({ channelId: "general", author: "alice", content: "plain words" });
    discord.injectMessage({ channelId: "general", author: "bob", content: `<@${discord.bot.id}> ping` });
    const contents = async (g: RawGateway) => {
      await g.until(() => (g.received.filter((p) => p.t === "MESSAGE_CREATE").length === 2 ? true : undefined));
      return g.received.filter((p) => p.t === "MESSAGE_CREATE").map((p) => (p.d as { content: string }).content);
    };
    expect(await contents(withContent)).toEqual(["plain words", `<@${discord.bot.id}> ping`]);
    expect(await contents(without)).toEqual(["", `<@${discord.bot.id}> ping`]);
    expect(noMessages.received.some((p) => p.t === "MESSAGE_CREATE")).toBe(false);
    const create = withContent.received.find((p) => p.t === "MESSAGE_CREATE");
    expect(create?.d).toMatchObject({ author: { username: "alice" }, member: { roles: [] } });
  });

  it("op 7 RECONNECT and op 9 INVALID_SESSION reach every connection", async () => {
    await start();
    const gw = open();
    gw.identify(discord.token, GatewayIntentBits.Guilds);
    await gw.next((p) => p.t === "READY");
    discord.requestReconnect();
    await gw.next((p) => p.op === GatewayOpcodes.Reconnect);
    discord.invalidateSessions(false);
    expect((await gw.next((p) => p.op === GatewayOpcodes.InvalidSession)).d).toBe(false);
  });
});
