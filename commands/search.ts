import { ApplicationCommandOptionType } from "discord.js";
import { renderSearch } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";
import { beginQuestion } from "../src/bot/answering.js";
import type { Command } from "../src/bot/command.js";

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
    const { question: query, ephemeral } = await beginQuestion(interaction, context, "query");
    const { hits, corrected } = context.answerer.search(query, { scope: interaction.guildId ?? undefined, limit: 5 });
    await respond(interaction, renderSearch(query, hits, { ephemeral, corrected }));
  },
} satisfies Command;
