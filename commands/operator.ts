/** /operator: the bundled corpus belongs to whoever runs the bot (OWNER_IDS), whatever their role in a server. */
import { ApplicationCommandOptionType, InteractionContextType, MessageFlags } from "discord.js";
import type { Command } from "../src/bot/command.js";
import { renderReloaded } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";

export const operator = {
  data: {
    name: "operator",
    description: "Bot operator tools (OWNER_IDS only).",
    // Hidden from everyone but administrators by default; the OWNER_IDS check is what decides.
    default_member_permissions: "0",
    // Globally also in the bot's DMs (an operator need not be in a server); a server deploy registers no contexts,
    // since server commands exist only in that server (src/bot/deploy.ts).
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "reload",
        description: "Re-read the bundled corpus from disk and show what changed.",
      },
    ],
  },
  requires: "operator",
  async execute(interaction, { guilds, logger }) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const diff = await guilds.reloadBundled();
    logger.info({ userId: interaction.user.id, diff }, "bundled corpus reloaded");
    await respond(interaction, [renderReloaded(diff)]);
  },
} satisfies Command;
