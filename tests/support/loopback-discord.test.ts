// End-to-end: the real, unmodified discord.js Client against the loopback server.
import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ApplicationCommandOptionType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  Routes,
  type ClientOptions,
  type Interaction,
  type Message,
} from "discord.js";
import { startLoopbackDiscord, type LoopbackDiscord, type LoopbackDiscordOptions } from "./loopback-discord/index.js";

let discord: LoopbackDiscord;
let client: Client;

async function connect(
  options: LoopbackDiscordOptions = {},
  clientOptions: Partial<ClientOptions> = {},
): Promise<void> {
  discord = await startLoopbackDiscord(options);
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    rest: { api: discord.api },
    ...clientOptions,
  });
  const ready = once(client, Events.ClientReady);
  await client.login(discord.token);
  await ready;
}

/** Runs `handler` for the next interaction and resolves with what it returned or threw. */
function onNextInteraction(
  handler: (i: Interaction) => Promise<unknown>,
): Promise<{ value?: unknown; error?: unknown }> {
  return new Promise((resolve) => {
    client.once(Events.InteractionCreate, (interaction) => {
      handler(interaction).then(
        (value) => resolve({ value }),
        (error: unknown) => resolve({ error }),
      );
    });
  });
}

beforeEach(async () => {
  await connect();
});

afterEach(async () => {
  await client.destroy();
  await discord.close();
});

describe("loopback Discord with the real discord.js client", () => {
  it("logs in: READY, then the guild with its channels, thread and members in the cache", async () => {
    expect(client.user?.id).toBe(discord.bot.id);
    expect(client.application?.id).toBe(discord.applicationId);
    const guild = client.guilds.cache.first();
    expect(guild?.name).toBe("Loopback Guild");
    expect(guild?.channels.cache.find((c) => c.name === "general")?.isTextBased()).toBe(true);
    expect(guild?.channels.cache.find((c) => c.name === "general-thread")?.isThread()).toBe(true);
    expect(guild?.members.cache.map((m) => m.user.username).sort()).toEqual(["Loopback Bot", "alice", "bob"]);
    expect(discord.requests({ method: "GET", route: "/gateway/bot" })).toHaveLength(1);
    expect(discord.requests()[0]?.authorized).toBe(true);
    expect(discord.gatewayLog.find((e) => e.kind === "identify")).toMatchObject({
      kind: "identify",
      compress: false,
      intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages,
    });
    const application = await client.application?.fetch();
    expect(application?.name).toBe("Loopback Bot");
  });

  it("answers a slash command with interaction.reply, allowed_mentions passed through", async () => {
    const alice = discord.user("alice");
    const handled = onNextInteraction(async (i) => {
      if (!i.isChatInputCommand()) throw new Error("expected a slash command");
      await i.reply({ content: `pong ${i.options.getString("text")} <@${alice.id}>`, allowedMentions: { parse: [] } });
      return { command: i.commandName, locale: i.locale, perms: i.memberPermissions?.has("SendMessages") };
    });
    const cmd = discord.injectSlashCommand({
      channelId: "general",
      user: "alice",
      name: "ping",
      options: { text: "hi" },
    });

    expect(await cmd.response).toEqual({
      type: 4,
      data: expect.objectContaining({ content: `pong hi <@${alice.id}>`, allowed_mentions: { parse: [] } }),
    });
    const reply = await cmd.waitForReply();
    expect(reply.content).toBe(`pong hi <@${alice.id}>`);
    expect(reply.mentions).toEqual([]); // nobody was pinged
    expect(await handled).toEqual({ value: { command: "ping", locale: "en-US", perms: true } });

    const [callback] = discord.callbacks();
    expect(callback?.route).toBe(`/interactions/${cmd.id}/${cmd.token}/callback`);
    expect(callback?.authorized).toBe(false); // discord.js sends callbacks with auth: false
    expect(callback?.query).toEqual({ with_response: "false" });
  });

  it("reply withResponse, fetchReply and deleteReply", async () => {
    const handled = onNextInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const response = await i.reply({ content: "v1", withResponse: true });
      const fetched = await i.fetchReply();
      await i.deleteReply();
      return { fromResponse: response.resource?.message?.id, fetched: fetched.id, type: response.interaction.type };
    });
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    const reply = await cmd.waitForReply();
    const { value } = await handled;
    expect(value).toEqual({ fromResponse: reply.id, fetched: reply.id, type: 2 });
    expect(discord.callbacks()[0]?.query).toEqual({ with_response: "true" });
    expect(discord.messagesIn("general")).toEqual([]);
  });

  it("deferReply then editReply: the reply resolves at the edit", async () => {
    void onNextInteraction(async (i) => {
      if (!i.isRepliable()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await new Promise((r) => setTimeout(r, 50));
      await i.editReply({ content: "done thinking", allowedMentions: { parse: [] } });
    });
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "bob", name: "slow" });

    expect(await cmd.response).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const reply = await cmd.waitForReply();
    expect(reply.content).toBe("done thinking");
    expect(reply.flags).toBe(MessageFlags.Ephemeral); // loading flag cleared, ephemeral kept
    const edit = discord.requests({ method: "PATCH" })[0];
    expect(edit?.route).toBe(`/webhooks/${discord.applicationId}/${cmd.token}/messages/@original`);
    expect(edit?.body).toMatchObject({ content: "done thinking", allowed_mentions: { parse: [] } });
  });

  it("followUp after a reply creates a second message", async () => {
    void onNextInteraction(async (i) => {
      if (!i.isRepliable()) return;
      await i.reply("first");
      await i.followUp({ content: "second", flags: MessageFlags.Ephemeral });
    });
    const cmd = discord.injectSlashCommand({ channelId: "general-thread", user: "alice", name: "twice" });

    expect((await cmd.waitForReply()).content).toBe("first");
    const followUp = await cmd.waitForFollowUp(0);
    expect(followUp).toMatchObject({ content: "second", flags: MessageFlags.Ephemeral });
    expect(discord.messagesIn("general-thread").map((m) => m.content)).toEqual(["first", "second"]);
  });

  it("answers autocomplete with respond", async () => {
    void onNextInteraction(async (i) => {
      if (!i.isAutocomplete()) return;
      const typed = i.options.getFocused();
      await i.respond([{ name: `${typed} docs`, value: "docs" }]);
    });
    const ac = discord.injectAutocomplete({
      channelId: "general",
      user: "alice",
      name: "search",
      options: { query: "ver" },
      focused: "query",
    });

    expect(await ac.choices).toEqual([{ name: "ver docs", value: "docs" }]);
    expect((await ac.response).type).toBe(8);
  });

  it("rejects a reply over 2000 characters with DiscordAPIError 50035 at the client", async () => {
    const handled = onNextInteraction(async (i) => {
      if (i.isRepliable()) await i.reply("x".repeat(2001));
    });
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "long" });

    const { error } = await handled;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50035);
    expect((error as DiscordAPIError).status).toBe(400);
    expect((error as DiscordAPIError).message).toContain(
      "data.content[BASE_TYPE_MAX_LENGTH]: Must be 2000 or fewer in length.",
    );
    expect(cmd.original).toBeUndefined();
  });

  it("an interaction answered after the window gets 10062 Unknown interaction", async () => {
    await client.destroy();
    await discord.close();
    await connect({ interactionWindowMs: 100 });
    const handled = onNextInteraction(async (i) => {
      await new Promise((r) => setTimeout(r, 200));
      if (i.isRepliable()) await i.reply("too late");
    });
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "late" });

    await expect(cmd.response).rejects.toThrow(/not acknowledged within 100 ms/);
    const { error } = await handled;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10062);
    expect((error as DiscordAPIError).status).toBe(404);
    expect(cmd.expired).toBe(true);
  });

  it("a second initial response gets 40060 already acknowledged", async () => {
    const handled = onNextInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply("one");
      // Bypass discord.js's own "already replied" guard to hit the API twice.
      await client.rest.post(Routes.interactionCallback(i.id, i.token), {
        body: { type: 4, data: { content: "two" } },
        auth: false,
      });
    });
    discord.injectSlashCommand({ channelId: "general", user: "alice", name: "double" });
    const { error } = await handled;
    expect((error as DiscordAPIError).code).toBe(40060);
  });

  it("answers a MESSAGE_CREATE that mentions the bot with message.reply", async () => {
    client.on(Events.MessageCreate, (message: Message) => {
      if (message.author.bot || !message.mentions.users.has(client.user?.id ?? "")) return;
      void message.reply({ content: `hello ${message.author.username}`, allowedMentions: { repliedUser: false } });
    });
    const sent = discord.injectMessage({
      channelId: "general",
      author: "alice",
      content: `<@${discord.bot.id}> hi there`,
    });

    expect(sent.message.mentions.map((u) => u.id)).toEqual([discord.bot.id]);
    const reply = await sent.waitForReply();
    expect(reply).toMatchObject({
      content: "hello alice",
      type: 19,
      message_reference: { message_id: sent.message.id },
    });
    expect(reply.mentions).toEqual([]); // repliedUser: false → replied_user: false
    const post = discord.requests({ method: "POST", route: `/channels/${sent.message.channel_id}/messages` })[0];
    expect(post?.body).toMatchObject({
      message_reference: { message_id: sent.message.id, fail_if_not_exists: true },
      allowed_mentions: { replied_user: false },
    });
  });

  it("answers a DM (MESSAGE_CREATE without a guild) with message.reply", async () => {
    client.on(Events.MessageCreate, (message: Message) => {
      if (!message.author.bot && !message.inGuild()) void message.reply(`you said: ${message.content}`);
    });
    const dm = discord.injectMessage({
      channelId: discord.dmChannel("alice").id,
      author: "alice",
      content: "hello bot",
    });
    const reply = await dm.waitForReply();
    expect(reply.content).toBe("you said: hello bot");
    expect(reply.channel_id).toBe(discord.dmChannel("alice").id);
  });

  it("a DM slash command works without a guild", async () => {
    void onNextInteraction(async (i) => {
      if (i.isRepliable()) await i.reply(`dm ok, in guild: ${i.inGuild()}`);
    });
    const cmd = discord.injectSlashCommand({ channelId: discord.dmChannel("alice").id, user: "alice", name: "ping" });
    expect((await cmd.waitForReply()).content).toBe("dm ok, in guild: false");
    expect(cmd.payload).toMatchObject({ context: 1, user: { username: "alice" } });
    expect(cmd.payload.member).toBeUndefined();
  });

  it("registers guild commands with PUT idempotently", async () => {
    const guildId = client.guilds.cache.first()?.id ?? "";
    const body = [
      {
        name: "ask",
        description: "Ask the corpus",
        options: [
          { name: "question", description: "What to ask", type: ApplicationCommandOptionType.String, required: true },
        ],
      },
    ];
    const first = (await client.rest.put(Routes.applicationGuildCommands(discord.applicationId, guildId), {
      body,
    })) as { id: string; version: string }[];
    const second = (await client.rest.put(Routes.applicationGuildCommands(discord.applicationId, guildId), {
      body,
    })) as { id: string; version: string }[];
    expect(second).toEqual(first);
    expect(first[0]).toMatchObject({ name: "ask", application_id: discord.applicationId, guild_id: guildId, type: 1 });
    expect(discord.commands).toHaveLength(1);

    // The registered definition types injected options.
    void onNextInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply(i.options.getString("question", true));
    });
    const cmd = discord.injectSlashCommand({
      channelId: "general",
      user: "alice",
      name: "ask",
      options: { question: "why?" },
    });
    expect((await cmd.waitForReply()).content).toBe("why?");
    expect(cmd.payload.data).toMatchObject({
      id: first[0]?.id,
      options: [{ name: "question", type: 3, value: "why?" }],
    });
  });

  it("reconnects after the socket is dropped (RESUME) and still answers commands", async () => {
    client.on(Events.InteractionCreate, (i) => {
      if (i.isRepliable()) void i.reply("still here");
    });
    expect(await discord.dropConnections()).toBe("resumed");
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    expect((await cmd.waitForReply()).content).toBe("still here");
  });

  it("replays an interaction injected while disconnected when the client resumes", async () => {
    client.on(Events.InteractionCreate, (i) => {
      if (i.isRepliable()) void i.reply("replayed");
    });
    const back = discord.dropConnections(4000);
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    expect(await back).toBe("resumed");
    expect((await cmd.waitForReply()).content).toBe("replayed");
    expect(discord.gatewayLog.find((e) => e.kind === "resume")).toMatchObject({ replayed: 1 });
  });

  it("re-identifies after a non-resumable close and still works", async () => {
    // discord.js spaces IDENTIFYs 5 s apart (Discord's identify rate limit), so a
    // re-identify right after login would wait ~5-6.5 s; lift that client-side wait.
    await client.destroy();
    await discord.close();
    await connect({}, { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) } });
    client.on(Events.InteractionCreate, (i) => {
      if (i.isRepliable()) void i.reply("fresh session");
    });
    expect(await discord.dropConnections(1000)).toBe("ready");
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    expect((await cmd.waitForReply()).content).toBe("fresh session");
  });

  it("a wrong token fails login (401 on GET /gateway/bot)", async () => {
    const other = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.api } });
    await expect(other.login("not-the-token")).rejects.toMatchObject({ code: "TokenInvalid" });
    await other.destroy();
  });

  it("an unknown route is 404 {message: '404: Not Found', code: 0}", async () => {
    const error = await client.rest.get("/definitely/not/a/route").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).status).toBe(404);
    expect((error as DiscordAPIError).code).toBe(0);
    expect((error as DiscordAPIError).rawError).toEqual({ message: "404: Not Found", code: 0 });
  });

  it("serves an attachment option's bytes from the loopback CDN", async () => {
    const file = discord.addAttachment({ filename: "notes.txt", data: "hello file" });
    const handled = onNextInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const attachment = i.options.getAttachment("file", true);
      const text = await (await fetch(attachment.url)).text();
      await i.reply({
        content: `${attachment.name}: ${text}`,
        files: [{ attachment: Buffer.from("echo"), name: "echo.txt" }],
      });
    });
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "upload", options: { file } });
    await handled;
    const reply = await cmd.waitForReply();
    expect(reply.content).toBe("notes.txt: hello file");
    expect(reply.attachments[0]?.filename).toBe("echo.txt");
    expect(await (await fetch(reply.attachments[0]?.url ?? "")).text()).toBe("echo");
    const [callback] = discord.callbacks();
    expect(callback?.files.map((f) => f.filename)).toEqual(["echo.txt"]);
  });

  it("components and modals round-trip through the handle API", async () => {
    client.on(Events.InteractionCreate, async (i) => {
      if (i.isChatInputCommand()) {
        await i.reply({
          content: "pick",
          components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: "go", label: "Go" }] }],
        });
      } else if (i.isButton()) {
        await i.showModal({
          custom_id: "form",
          title: "Feedback",
          components: [{ type: 1, components: [{ type: 4, custom_id: "why", label: "Why?", style: 1 }] }],
        });
      } else if (i.isModalSubmit()) {
        await i.reply(`got: ${i.fields.getTextInputValue("why")}`);
      }
    });
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "menu" });
    const menu = await cmd.waitForReply();
    const click = discord.injectComponent({ message: menu, user: "alice", customId: "go" });
    expect((await click.response).type).toBe(9);
    const submit = discord.injectModalSubmit({
      channelId: "general",
      user: "alice",
      customId: "form",
      fields: { why: "because" },
      message: menu,
    });
    expect((await submit.waitForReply()).content).toBe("got: because");
  });
});
