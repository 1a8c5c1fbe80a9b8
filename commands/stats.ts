/** /stats: what this server's Verbatim knows, how it has been doing, what members said of it, and its knowledge gaps. */
import { InteractionContextType, PermissionFlagsBits } from "discord.js";
import type { Command } from "../src/bot/command.js";
import { renderStats } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";

export const stats = {
  data: {
    name: "stats",
    description: "Documents, answers, feedback and reports, and knowledge gaps (Manage Server).",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
  },
  requires: "manager",
  async execute(interaction, { guildId, guilds }) {
    await respond(interaction, [renderStats(guilds.corpora.stats(guildId), guilds.feedback.stats(guildId))]);
  },
} satisfies Command;
