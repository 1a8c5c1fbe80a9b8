import { ApplicationCommandOptionType, MessageFlags } from "discord.js";
import { renderSearch } from "../src/discord/render.js";
import { respond } from "../src/discord/respond.js";
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
  async execute(interaction, { answerer }) {
    const query = readQuestion(interaction.options.getString("query", true));
    const ephemeral = interaction.options.getBoolean("hide") ?? false;
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    const hits = answerer.search(query, { scope: interaction.guildId ?? undefined, limit: 5 });
    await respond(interaction, renderSearch(query, hits, { ephemeral }));
  },
} satisfies Command;
