/**
 * Discord's rate limits, end to end through the loopback Discord: when a route is limited the bot's answers still
 * arrive, each once and in order; a limit (or a 429) on one route never makes an interaction on another miss its
 * 3-second window; and a global 429 does not hold up first responses, which interaction endpoints are exempt from.
 */
import type { Client } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createVerbatim } from "../../src/app.js";
import type { Command } from "../../src/bot/command.js";
import { Library } from "../../src/core/library/library.js";
import { renderNotice } from "../../src/discord/render/index.js";
import { respond } from "../../src/discord/respond.js";
import { BUNDLED_CORPUS } from "../support/paths.js";
import { type LoopbackDiscord, startLoopbackDiscord } from "../support/loopback-discord/index.js";

/** A reply in four messages, sent through the one send helper (as a long answer is). */
const parts = {
  data: { name: "parts", description: "Four messages" },
  async execute(interaction) {
    await interaction.deferReply();
    await respond(
      interaction,
      [1, 2, 3, 4].map((n) => renderNotice(`part ${n}`, {})),
    );
  },
} satisfies Command;

let discord: LoopbackDiscord;
let client: Client;

beforeAll(async () => {
  const { library } = await Library.open({ corpusDir: BUNDLED_CORPUS });
  discord = await startLoopbackDiscord({
    guilds: [
      {
        name: "Busy",
        channels: [{ name: "general" }, { name: "quiet" }],
        members: ["alice", "bob", "carol", "dave", "erin"].map((user) => ({ user })),
      },
    ],
  });
  const verbatim = await createVerbatim({
    corpusDir: "",
    dataDir: null,
    library,
    logger: pino({ level: "silent" }),
    maxUploadBytes: 0,
    maxDocumentsPerGuild: 0,
    ownerIds: [],
  });
  client = verbatim.createClient({
    commands: [...commands, parts],
    apiUrl: discord.api,
    cooldownSeconds: 0,
    version: "test",
  });
  await client.login(discord.token);
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
});

const QUESTIONS = [
  "How old is Antonov?",
  "Which airport did the plane leave from?",
  "When did Antonov return to Moscow?",
  "Where is the consulate?",
  "Who replaced Antonov?",
];
const ask = (question: string, user = "alice", channelId = "general") =>
  discord.injectSlashCommand({ channelId, user, name: "ask", options: { question } });

describe("rate limits on the bot's routes", () => {
  it("answers a burst of mentions in a limited channel, each once and in order", async () => {
    discord.rateLimits.setRoute("POST /channels/:channel/messages", { limit: 2, windowMs: 1000 });
    try {
      const users = ["alice", "bob", "carol", "dave", "erin"];
      const messages = QUESTIONS.map((q, i) =>
        discord.injectMessage({
          channelId: "general",
          author: users[i] ?? "alice",
          content: `<@${discord.bot.id}> ${q}`,
        }),
      );
      const replies = await Promise.all(messages.map((m) => m.waitForReply({ timeoutMs: 15_000 })));
      // Each question answered once, as a reply to it, and the replies posted in the order the questions came.
      const ids = replies.map((r) => BigInt(r.id));
      expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
      for (const [i, message] of messages.entries()) {
        const answers = discord
          .messagesIn("general")
          .filter((m) => m.author.id === discord.bot.id && m.message_reference?.message_id === message.message.id);
        expect(answers).toHaveLength(1);
        expect(replies[i]?.message_reference?.message_id).toBe(message.message.id);
      }
      // The limit held (two per window), and the bot waited for it rather than losing answers.
      const posted = discord
        .requests({ method: "POST", route: `/channels/${discord.channel("general").id}/messages` })
        .filter((r) => r.status === 200)
        .slice(-5);
      expect(posted).toHaveLength(5);
      expect((posted[2]?.at ?? 0) - (posted[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    } finally {
      discord.rateLimits.setRoute("POST /channels/:channel/messages", null);
    }
  }, 30_000);

  it("sends a reply's follow-ups in order when the follow-up route is limited", async () => {
    discord.rateLimits.setRoute("POST /webhooks/:app/:token", { limit: 1, windowMs: 400 });
    try {
      const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "parts" });
      expect((await cmd.response).type).toBe(5);
      expect((await cmd.waitForReply()).content).toBe("part 1");
      const followUps = await Promise.all([0, 1, 2].map((n) => cmd.waitForFollowUp(n, { timeoutMs: 10_000 })));
      expect(followUps.map((m) => m.content)).toEqual(["part 2", "part 3", "part 4"]);
      expect(cmd.followUps.map((m) => m.content)).toEqual(["part 2", "part 3", "part 4"]);
    } finally {
      discord.rateLimits.setRoute("POST /webhooks/:app/:token", null);
    }
  }, 20_000);

  it("answers slash commands in time while a channel's messages are held by 429s", async () => {
    discord.rateLimits.block({ channel: discord.channel("general").id, forMs: 4000, scope: "shared" });
    const mention = discord.injectMessage({
      channelId: "general",
      author: "bob",
      content: `<@${discord.bot.id}> How old is Antonov?`,
    });
    // The mention's reply waits out the 429; meanwhile commands in the same channel get their first response in time.
    const commandsNow = QUESTIONS.slice(0, 3).map((q, i) => ask(q, ["alice", "carol", "dave"][i]));
    for (const cmd of commandsNow) expect((await cmd.response).type).toBe(5);
    const answers = await Promise.all(commandsNow.map((c) => c.waitForReply()));
    expect(answers[0]?.content).toContain("69");
    expect((await mention.waitForReply({ timeoutMs: 15_000 })).content).toContain("69");
  }, 30_000);

  it("keeps first responses in time through a global 429, and delivers the answers after it", async () => {
    discord.rateLimits.block({ global: true, forMs: 3500 });
    // The bot meets the global limit on an ordinary route first (its reply to a mention)...
    const mention = discord.injectMessage({
      channelId: "quiet",
      author: "erin",
      content: `<@${discord.bot.id}> Which airport did the plane leave from?`,
    });
    await discord.waitFor(() => discord.rateLimits.log.some((e) => e.scope === "global"), { timeoutMs: 5000 });
    // ...then an interaction comes in: its callback is not bound to the global limit.
    const cmd = ask("How old is Antonov?", "bob", "quiet");
    expect((await cmd.response).type).toBe(5);
    expect((await cmd.waitForReply({ timeoutMs: 15_000 })).content).toContain("69");
    expect((await mention.waitForReply({ timeoutMs: 15_000 })).content).toContain("Sheremetyevo");
  }, 30_000);
});
