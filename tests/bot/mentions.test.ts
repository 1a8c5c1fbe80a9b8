/**
 * Messages addressed to the bot, end to end through the loopback Discord: mentions (of the bot and of its managed
 * role), replies to its answers, and DMs, each answered as a reply; and what the bot does where its permissions do
 * not allow a reply (Read Message History) or any message (Send Messages), without ever retrying a 403.
 */
import { deployTo } from "../support/deploy.js";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits as P, type Client } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createVerbatim, type Verbatim } from "../../src/app.js";
import { eventually } from "../support/eventually.js";
import { type LoopbackDiscord, startLoopbackDiscord } from "../support/loopback-discord/index.js";

const HARBOUR =
  "The harbour office of Lindholm opens at 7:30 and closes at 16:00 on weekdays, and the ferry leaves every ninety minutes.";

let work: string;
let discord: LoopbackDiscord;
let verbatim: Verbatim;
let client: Client;
let guildId: string;
const logs: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-mentions-"));
  await cp(join(import.meta.dirname, "../../corpus"), join(work, "corpus"), { recursive: true });
  discord = await startLoopbackDiscord({
    guilds: [
      {
        name: "Harbour",
        channels: [
          { name: "general" },
          { name: "no-history", overwrites: [{ target: "Loopback Bot", deny: P.ReadMessageHistory }] },
          { name: "no-send", overwrites: [{ target: "Loopback Bot", deny: P.SendMessages }] },
          { name: "stale" },
          { name: "audit" },
        ],
        members: [{ user: "alice" }, { user: "bob" }],
      },
    ],
  });
  guildId = discord.guild("Harbour").id;
  await deployTo(discord, guildId);
  verbatim = await createVerbatim({
    corpusDir: join(work, "corpus"),
    dataDir: join(work, "data"),
    logger: pino({ level: "debug" }, { write: (line: string) => void logs.push(line) }),
    maxUploadBytes: 1 << 20,
    maxDocumentsPerGuild: 10,
    ownerIds: [],
  });
  // The server's own document: answered in the server, never in a DM.
  await verbatim.corpora?.add(guildId, discord.user("alice").id, {
    text: HARBOUR,
    metadata: { title: "Harbour hours" },
  });
  client = verbatim.createClient({ commands, apiUrl: discord.api, cooldownSeconds: 0, version: "test" });
  await client.login(discord.token);
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
  await rm(work, { recursive: true, force: true });
});

const mention = (channelId: string, text: string, author = "alice") =>
  discord.injectMessage({ channelId, author, content: `<@${discord.bot.id}> ${text}` });
const postsTo = (channel: string) =>
  discord.requests({ method: "POST", route: `/channels/${discord.channel(channel).id}/messages` });

describe("what is answered", () => {
  it("a mention, as a reply that pings nobody", async () => {
    const message = mention("general", "when does the harbour office open?");
    const reply = await message.waitForReply();
    expect(reply.message_reference?.message_id).toBe(message.message.id);
    expect(reply.content).toContain("opens at 7:30");
    expect(reply.mentions).toEqual([]);
  });

  it("a mention of the bot's managed role (what the client often completes @Verbatim to)", async () => {
    const role = discord.guild("Harbour").roles.find((r) => r.tags?.bot_id === discord.bot.id);
    expect(role).toBeDefined();
    const message = discord.injectMessage({
      channelId: "general",
      author: "bob",
      content: `<@&${role?.id}> how old is Antonov?`,
    });
    const reply = await message.waitForReply();
    expect(reply.content).toContain("69");
    expect(reply.mention_roles).toEqual([]);
  });

  it("a reply to one of its answers", async () => {
    const first = await mention("general", "how old is Antonov?").waitForReply();
    const followUp = discord.injectMessage({
      channelId: "general",
      author: "alice",
      content: "Which airport did the plane leave from?",
      replyTo: first.id,
    });
    const reply = await followUp.waitForReply();
    expect(reply.content).toContain("Sheremetyevo");
    expect(reply.mentions).toEqual([]);
  });

  it("a reply without its @ mention (content hidden from the bot) gets a hint, not silence", async () => {
    const first = await mention("general", "how old is Antonov?").waitForReply();
    const quiet = discord.injectMessage({
      channelId: "general",
      author: "alice",
      content: "and where was he born?",
      replyTo: first.id,
      replyPing: false,
    });
    expect((await quiet.waitForReply()).content).toMatch(/keep the @ mention on/);
  });

  it("not a reply to an audit line in the audit channel (a mention there still is)", async () => {
    const audit = discord.channel("audit").id;
    await verbatim.store?.updateSettings(guildId, { auditChannelId: audit });
    try {
      // An audit line, posted by the bot (as its audit posts are).
      const line = await fetch(`${discord.api}/v10/channels/${audit}/messages`, {
        method: "POST",
        headers: { authorization: `Bot ${discord.token}`, "content-type": "application/json" },
        body: JSON.stringify({ content: "**settings private** by a moderator", allowed_mentions: { parse: [] } }),
      }).then((r) => r.json() as Promise<{ id: string }>);
      discord.injectMessage({ channelId: "audit", author: "alice", content: "who changed this?", replyTo: line.id });
      const asked = mention("audit", "how old is Antonov?");
      expect((await asked.waitForReply()).content).toContain("69");
      // The audit line and the answer to the mention: the reply to the audit line got nothing.
      expect(postsTo("audit")).toHaveLength(2);
    } finally {
      await verbatim.store?.updateSettings(guildId, { auditChannelId: null });
    }
  });

  it("a plain DM, as a reply, from the bundled corpus only", async () => {
    const dm = discord.dmChannel("alice").id;
    const message = discord.injectMessage({ channelId: dm, author: "alice", content: "How old is Antonov?" });
    const reply = await message.waitForReply();
    expect(reply.channel_id).toBe(dm);
    expect(reply.message_reference?.message_id).toBe(message.message.id);
    expect(reply.content).toContain("69");
    // The server's own document is not quoted outside the server.
    const own = await discord
      .injectMessage({ channelId: dm, author: "alice", content: "When does the harbour office open?" })
      .waitForReply();
    expect(own.content).not.toContain("7:30");
    expect(own.content).toMatch(/Not in the corpus/);
  });

  it("ignores messages in a server that do not address it", async () => {
    const before = postsTo("general").length;
    discord.injectMessage({ channelId: "general", author: "bob", content: "how old is Antonov?" });
    // A later mention is answered, so the first was seen and passed over.
    await mention("general", "how old is Antonov?", "bob").waitForReply();
    expect(postsTo("general").length).toBe(before + 1);
  });
});

describe("permissions in the channel", () => {
  it("without Read Message History: one plain message that names the asker, without a ping", async () => {
    const message = mention("no-history", "how old is Antonov?");
    const answer = await discord.waitForMessage(
      (m) => m.channel_id === discord.channel("no-history").id && m.author.id === discord.bot.id,
    );
    expect(answer.message_reference).toBeUndefined();
    expect(answer.content.startsWith(`<@${discord.user("alice").id}>`)).toBe(true);
    expect(answer.content).toContain("69");
    expect(answer.mentions).toEqual([]);
    expect(postsTo("no-history").map((r) => r.status)).toEqual([200]);
    expect(message.message.id).toBeDefined();
  });

  it("without Send Messages: no request at all, and one log line for the channel", async () => {
    const before = discord.sent.length;
    mention("no-send", "how old is Antonov?");
    mention("no-send", "when does the harbour office open?", "bob");
    await mention("general", "how old is Antonov?").waitForReply();
    expect(postsTo("no-send")).toEqual([]);
    expect(discord.sent.slice(before).every((r) => !r.route.includes(discord.channel("no-send").id))).toBe(true);
    await eventually(() =>
      logs.some((l) => l.includes("cannot answer here") && l.includes(discord.channel("no-send").id)),
    );
    expect(
      logs.filter((l) => l.includes("cannot answer here") && l.includes(discord.channel("no-send").id)),
    ).toHaveLength(1);
  });

  it("never retries a 403 (permissions changed without the bot knowing)", async () => {
    const invalidBefore = discord.rateLimits.invalidRequests;
    discord.setOverwrites("stale", [{ target: "Loopback Bot", deny: P.SendMessages }], { dispatch: false });
    mention("stale", "how old is Antonov?");
    await eventually(() =>
      logs.some((l) => l.includes("cannot answer here") && l.includes(discord.channel("stale").id)),
    );
    await mention("general", "how old is Antonov?").waitForReply();
    expect(postsTo("stale").map((r) => r.status)).toEqual([403]);
    expect(discord.rateLimits.invalidRequests - invalidBefore).toBe(1);
  });

  it("where answers are private by default, points a mention to /ask", async () => {
    await verbatim.store?.updateSettings(guildId, { ephemeralByDefault: true });
    try {
      const reply = await mention("general", "how old is Antonov?").waitForReply();
      expect(reply.content).toMatch(/answers are private: ask with `\/ask`/);
      expect(reply.content).not.toContain("69");
    } finally {
      await verbatim.store?.updateSettings(guildId, { ephemeralByDefault: false });
    }
  });
});
