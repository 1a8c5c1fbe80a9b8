/** What the answering commands share: reading the question, the server's rule for where and how to answer, acknowledging at once. */
import { MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import { answersHere, notHereError, settingsOf } from "./guilds.js";
import { readQuestion } from "./question.js";
import type { CommandContext } from "./command.js";

/**
 * The one rule every answering command (/ask, /search, /source) follows in a server: it answers only in the channels
 * the server allows (else it says where it does), and privately when the member sets `hide: true` or, when they leave
 * `hide` out, when the server made answers private by default. An explicit `hide: false` posts publicly: the setting
 * is a default, and the member chose. (The per-member cooldown is the router's, for every `cooldown: true` command.)
 * Reads only memory, so a refusal can be the first response.
 */
export function answerVisibility(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
): { ephemeral: boolean } {
  const settings = settingsOf(context.guilds, interaction.guildId);
  // Where the server limits Verbatim to other channels, say where it answers.
  if (settings !== null && !answersHere(settings, interaction.channel, interaction.channelId))
    throw notHereError(settings);
  return { ephemeral: interaction.options.getBoolean("hide") ?? settings?.ephemeralByDefault ?? false };
}

/**
 * The start of /ask and /search: read the text, apply the server's rule (`answerVisibility`) and acknowledge at once —
 * answering is fast, but a busy process must never miss Discord's 3-second window.
 */
export async function beginQuestion(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  option: string,
): Promise<{ question: string; ephemeral: boolean }> {
  const question = readQuestion(interaction.options.getString(option, true));
  const { ephemeral } = answerVisibility(interaction, context);
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  return { question, ephemeral };
}
