// The loopback's MESSAGE context-menu commands and Label-wrapped select menus in modals, with the unmodified
// discord.js client: registration rules (no description, no options), the interaction Discord sends (type 3 with
// target_id and the message in resolved.messages), and select values coming back from a modal.
import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ApplicationCommandType,
  Client,
  Events,
  GatewayIntentBits,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  Partials,
  StringSelectMenuBuilder,
  StringSelectMenuOptionBuilder,
  type Interaction,
} from "discord.js";
import { startLoopbackDiscord, type LoopbackDiscord } from "../support/loopback-discord/index.js";

let discord: LoopbackDiscord;
let client: Client;

beforeEach(async () => {
  discord = await startLoopbackDiscord();
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    partials: [Partials.Channel],
    rest: { api: discord.api },
  });
  const ready = once(client, Events.ClientReady);
  await client.login(discord.token);
  await ready;
});

afterEach(async () => {
  await client.destroy();
  await discord.close();
});

async function put(body: unknown) {
  const guildId = discord.guild("Loopback Guild").id;
  const res = await fetch(`${discord.api}/v10/applications/${discord.applicationId}/guilds/${guildId}/commands`, {
    method: "PUT",
    headers: { authorization: `Bot ${discord.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

function next(handler: (i: Interaction) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once(Events.InteractionCreate, (i) => void handler(i).then(resolve, reject));
  });
}

describe("message commands", () => {
  it("registers a message command without a description, and refuses one with a description or options", async () => {
    const ok = await put([{ type: ApplicationCommandType.Message, name: "Ask Verbatim" }]);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject([{ name: "Ask Verbatim", type: 3, description: "" }]);
    const described = await put([{ type: ApplicationCommandType.Message, name: "Ask Verbatim", description: "Ask" }]);
    expect(described.status).toBe(400);
    expect(described.json).toMatchObject({ code: 50035, errors: { "0": { description: { _errors: [{}] } } } });
    const optioned = await put([
      { type: ApplicationCommandType.Message, name: "Ask", options: [{ type: 3, name: "q", description: "q" }] },
    ]);
    expect(optioned.status).toBe(400);
    expect(optioned.json).toMatchObject({ code: 50035, errors: { "0": { options: { _errors: [{}] } } } });
  });

  it("sends the message it was used on, content included, as discord.js expects it", async () => {
    await put([{ type: ApplicationCommandType.Message, name: "Ask Verbatim" }]);
    const posted = discord.injectMessage({
      channelId: "general",
      author: "bob",
      content: "When does the ferry leave?",
    });
    const seen = next(async (i) => {
      expect(i.isMessageContextMenuCommand()).toBe(true);
      if (!i.isMessageContextMenuCommand()) return;
      expect(i.commandName).toBe("Ask Verbatim");
      expect(i.commandId).toBe(discord.commands.find((c) => c.name === "Ask Verbatim")?.id);
      expect(i.targetId).toBe(posted.message.id);
      expect(i.targetMessage.content).toBe("When does the ferry leave?");
      expect(i.targetMessage.author.id).toBe(discord.user("bob").id);
      await i.reply({ content: "ok", flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    });
    const handle = discord.injectMessageCommand({ name: "Ask Verbatim", message: posted.message, user: "alice" });
    await seen;
    expect(handle.payload).toMatchObject({
      type: 2,
      data: { type: 3, name: "Ask Verbatim", target_id: posted.message.id },
    });
    expect((await handle.response).type).toBe(4);
  });
});

describe("select menus in modals", () => {
  it("returns the chosen values of a select inside a Label", async () => {
    const shown = next(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.showModal(
        new ModalBuilder()
          .setCustomId("form")
          .setTitle("Pick")
          .addLabelComponents(
            new LabelBuilder()
              .setLabel("Which?")
              .setStringSelectMenuComponent(
                new StringSelectMenuBuilder()
                  .setCustomId("choice")
                  .addOptions(
                    new StringSelectMenuOptionBuilder().setLabel("A").setValue("a"),
                    new StringSelectMenuOptionBuilder().setLabel("B").setValue("b"),
                  ),
              ),
          ),
      );
    });
    const command = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "pick" });
    await shown;
    expect((await command.response).type).toBe(9);
    const submitted = next(async (i) => {
      if (!i.isModalSubmit()) return;
      expect(i.fields.getStringSelectValues("choice")).toEqual(["b"]);
      await i.reply({ content: "got it", allowedMentions: { parse: [] } });
    });
    const submit = discord.injectModalSubmit({
      channelId: "general",
      user: "alice",
      customId: "form",
      fields: { choice: ["b"] },
    });
    await submitted;
    expect(submit.payload).toMatchObject({
      data: {
        custom_id: "form",
        components: [{ type: 18, component: { type: 3, custom_id: "choice", values: ["b"] } }],
      },
    });
  });
});
