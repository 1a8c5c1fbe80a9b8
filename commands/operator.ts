/** /operator: the bundled corpus belongs to whoever runs the bot (OWNER_IDS), whatever their role in a server. */
import { ApplicationCommandOptionType, MessageFlags } from "discord.js";
import type { Command } from "../src/bot/command.js";
import { withProgress } from "../src/bot/progress.js";
import { renderProgress, renderReloaded } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";

export const operator = {
  data: {
    name: "operator",
    description: "Bot operator tools (OWNER_IDS only).",
    // Hidden from everyone but administrators by default; the OWNER_IDS check is what decides.
    default_member_permissions: "0",
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
    const diff = await withProgress(
      interaction,
      (progress) => renderProgress("reload", progress),
      (onProgress) => guilds.reloadBundled(onProgress),
      logger,
    );
    logger.info({ userId: interaction.user.id, diff }, "bundled corpus reloaded");
    await respond(interaction, [renderReloaded(diff)]);
  },
} satisfies Command;
