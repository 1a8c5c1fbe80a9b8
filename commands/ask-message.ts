/**
 * "Ask Verbatim" in a message's Apps menu: the message's text becomes the question. The answer is private (only the
 * member who asked sees it, and the message's author is never pinged); its buttons work like any answer's.
 */
import { ApplicationCommandType, MessageFlags } from "discord.js";
import type { MessageCommand } from "../src/bot/command.js";
import { answerFor } from "../src/bot/feedback.js";
import { answersHere, notHereError, settingsOf } from "../src/bot/guilds.js";
import { readQuestion } from "../src/bot/question.js";
import { UserError } from "../src/discord/errors.js";
import { respond } from "../src/discord/respond.js";
import { REFUSALS } from "../src/discord/render/index.js";

const MAX_QUESTION = 300;

export const askMessage = {
  data: { type: ApplicationCommandType.Message, name: "Ask Verbatim" },
  cooldown: true,
  async execute(interaction, context) {
    const text = interaction.targetMessage.content.replace(/\s+/g, " ").trim();
    if (text === "") throw new UserError("empty-message", REFUSALS.messageWithoutText);
    if (text.length > MAX_QUESTION)
      throw new UserError(
        "message-too-long",
        `That message is ${text.length.toLocaleString("en-US")} characters; I take questions of up to ${MAX_QUESTION}. Use \`/ask\` with the part you want answered.`,
      );
    const question = readQuestion(text);
    const settings = settingsOf(context.guilds, interaction.guildId);
    if (settings !== null && !answersHere(settings, interaction.channel, interaction.channelId))
      throw notHereError(settings);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const place = {
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      userId: interaction.user.id,
      ephemeral: true,
    };
    await respond(interaction, await answerFor(context, place, question));
  },
} satisfies MessageCommand;
