import { ApplicationCommandOptionType, MessageFlags } from "discord.js";
import { renderSearch } from "../src/discord/render.js";
import { respond } from "../src/discord/respond.js";
import { settingsOf } from "../src/bot/servers.js";
import { checkChannel } from "./answering.js";
import { readQuestion } from "./question.js";
import type { Command } from "./types.js";

export const search = {
  data: {
    name: "search",
    description: "Browse the passages that best match some words.",
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "query",
        description: "Words to look for",
        required: true,
        max_length: 300,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        name: "hide",
        description: "Only you see the results.",
      },
    ],
  },
  cooldown: true,
  async execute(interaction, context) {
    const query = readQuestion(interaction.options.getString("query", true));
    checkChannel(context, interaction.guildId, interaction.channel, interaction.channelId);
    const ephemeral = interaction.options.getBoolean("hide") ?? settingsOf(context.servers, interaction.guildId)?.ephemeralByDefault ?? false;
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    if (interaction.guildId !== null) context.servers?.corpora.scope(interaction.guildId);
    const hits = context.answerer.search(query, { scope: interaction.guildId ?? undefined, limit: 5 });
    await respond(interaction, renderSearch(query, hits, { ephemeral }));
  },
} satisfies Command;
