import { ApplicationCommandOptionType, MessageFlags } from "discord.js";
import { renderAnswer } from "../src/discord/render.js";
import { respond } from "../src/discord/respond.js";
import { settingsOf } from "../src/bot/servers.js";
import { answerIn, checkChannel } from "./answering.js";
import { readQuestion } from "./question.js";
import type { Command } from "./types.js";

export const ask = {
  data: {
    name: "ask",
    description: "Ask a question: the answer is quoted word for word from the documents, with sources.",
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "question",
        description: "What do you want to know?",
        required: true,
        max_length: 300,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        name: "hide",
        description: "Only you see the answer (the server may make this the default).",
      },
    ],
  },
  cooldown: true,
  async execute(interaction, context) {
    const question = readQuestion(interaction.options.getString("question", true));
    checkChannel(context, interaction.guildId, interaction.channel, interaction.channelId);
    const ephemeral = interaction.options.getBoolean("hide") ?? settingsOf(context.servers, interaction.guildId)?.ephemeralByDefault ?? false;
    // Acknowledge first: answering is fast, but a busy process must never miss Discord's 3-second window.
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    const answer = await answerIn(context, interaction.guildId, question);
    await respond(interaction, renderAnswer(answer, { ephemeral }));
  },
} satisfies Command;
