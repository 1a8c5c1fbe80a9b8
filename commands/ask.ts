import { ApplicationCommandOptionType } from "discord.js";
import { renderAnswer } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";
import { answerIn, beginQuestion } from "../src/bot/answering.js";
import type { Command } from "../src/bot/command.js";

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
    await answerIn(
      context,
      interaction.guildId,
      question,
      (answer) => respond(interaction, renderAnswer(answer, { ephemeral })),
      { private: ephemeral },
    );
  },
} satisfies Command;
