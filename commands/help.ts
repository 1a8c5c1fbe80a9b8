/**
 * /help: how to ask, listing the commands every member can use (from their own data) as clickable mentions with the
 * registered commands' ids, and what the buttons under an answer do. When the ids are not known yet (or are stale),
 * it defers first and asks Discord for them: no REST call comes before the first response.
 */
import { MessageFlags } from "discord.js";
import type { Command } from "../src/bot/command.js";
import { renderHelp } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";

export const help = {
  data: { name: "help", description: "How to ask Verbatim questions." },
  async execute(interaction, { commands, commandIds, logger }) {
    const guildId = interaction.guildId;
    let ids = commandIds.known(guildId);
    if (ids === null || ids.get("help") !== interaction.commandId) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      ids = await commandIds.fetch(guildId).catch((error: unknown) => {
        logger.warn({ err: error, guildId }, "could not fetch the registered commands' ids");
        return null;
      });
    }
    await respond(interaction, renderHelp(commands, { ephemeral: true }, ids ?? undefined));
  },
} satisfies Command;
