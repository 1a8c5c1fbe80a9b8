/** /operator: the bundled corpus belongs to whoever runs the bot (OWNER_IDS), whatever their role in a server. */
import { ApplicationCommandOptionType, InteractionContextType, MessageFlags } from "discord.js";
import { UserError } from "../src/discord/errors.js";
import { escapeInline } from "../src/discord/render/escape.js";
import { renderNotice } from "../src/discord/render/render.js";
import { respond } from "../src/discord/respond.js";
import type { Command } from "../src/bot/command.js";

export const operator = {
  data: {
    name: "operator",
    description: "Bot operator tools (OWNER_IDS only).",
    // Hidden from everyone but administrators by default; the OWNER_IDS check below is what decides.
    default_member_permissions: "0",
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    options: [{ type: ApplicationCommandOptionType.Subcommand, name: "reload", description: "Re-read the bundled corpus from disk and show what changed." }],
  },
  async execute(interaction, { servers, logger }) {
    if (servers === undefined || !servers.ownerIds.includes(interaction.user.id)) {
      logger.warn({ userId: interaction.user.id, guildId: interaction.guildId }, "operator command refused");
      throw new UserError("not-operator", "Only the bot's operators (OWNER_IDS) can do that.");
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const diff = await servers.reloadBundled();
    const list = (items: string[]) => (items.length === 0 ? "none" : items.slice(0, 15).map((i) => `\`${escapeInline(i)}\``).join(", "));
    logger.info({ userId: interaction.user.id, diff }, "bundled corpus reloaded");
    await respond(interaction, [
      renderNotice(`Reloaded the bundled corpus.\nAdded: ${list(diff.added)}\nChanged: ${list(diff.changed)}\nRemoved: ${list(diff.removed)}\nPassages: ${diff.passagesBefore} → ${diff.passagesAfter}`),
    ]);
  },
} satisfies Command;
