import { ApplicationCommandOptionType } from "discord.js";
import { respond } from "../src/discord/respond.js";
import { beginQuestion } from "../src/bot/answering.js";
import type { Command } from "../src/bot/command.js";
import { answerFor, handleAnswerButton, handleReportForm } from "../src/bot/feedback.js";

/**
 * /ask, and every button under an answer (`ask:…`, whether the answer came from /ask, a mention, a DM or "Ask
 * Verbatim"): Passage, Source, Helpful, Wrong quote and its form. Members' buttons: no permission is needed.
 */
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
    const { question, ephemeral } = await beginQuestion(interaction, context, "question");
    const place = {
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      userId: interaction.user.id,
      ephemeral,
    };
    await respond(interaction, await answerFor(context, place, question));
  },
  async button(interaction, context) {
    await handleAnswerButton(interaction, context);
  },
  async modal(interaction, context) {
    await handleReportForm(interaction, context);
  },
} satisfies Command;
