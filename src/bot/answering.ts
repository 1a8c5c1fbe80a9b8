/** What /ask and /search share: reading the question, the server's channel rules, and acknowledging at once. */
import { MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import { answersHere, notHereError, settingsOf } from "./guilds.js";
import { readQuestion } from "./question.js";
import type { CommandContext } from "./command.js";

/**
 * The start of /ask and /search: read the text, check the channel, choose visibility (`hide`, else the server's
 * default) and acknowledge at once — answering is fast, but a busy process must never miss Discord's 3-second window.
 */
export async function beginQuestion(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  option: string,
): Promise<{ question: string; ephemeral: boolean }> {
  const question = readQuestion(interaction.options.getString(option, true));
  const settings = settingsOf(context.guilds, interaction.guildId);
  // Where the server limits Verbatim to other channels, say where it answers.
  if (settings !== null && !answersHere(settings, interaction.channel, interaction.channelId))
    throw notHereError(settings);
  const ephemeral = interaction.options.getBoolean("hide") ?? settings?.ephemeralByDefault ?? false;
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  return { question, ephemeral };
}
