/** /stats: what this server's Verbatim knows and how it has been doing, with the questions it could not answer. */
import { InteractionContextType, PermissionFlagsBits } from "discord.js";
import { requireManager } from "../src/bot/servers.js";
import { escapeInline } from "../src/discord/render/escape.js";
import { renderNotice } from "../src/discord/render/render.js";
import { respond } from "../src/discord/respond.js";
import type { Command } from "../src/bot/command.js";

export const stats = {
  data: {
    name: "stats",
    description: "Documents, answered and unanswered questions, and knowledge gaps (Manage Server).",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
  },
  async execute(interaction, context) {
    const { guildId, servers } = await requireManager(interaction, context.client, context.servers, context.logger, "stats");
    const s = servers.corpora.stats(guildId);
    const lines = [
      `**Bundled corpus:** ${s.bundled.documents} documents, ${s.bundled.passages} passages`,
      `**This server's documents:** ${s.server.documents} documents, ${s.server.passages} passages`,
      ...s.questions.map((q) => `**Last ${q.days} days:** ${q.answered} answered, ${q.abstained} not in the corpus`),
    ];
    if (s.gaps.length > 0) {
      lines.push("**Most asked questions it could not answer** (documents worth adding):");
      for (const gap of s.gaps) lines.push(`- ${escapeInline(gap.question).slice(0, 150)} (${gap.count}×)`);
    }
    await respond(interaction, [renderNotice(lines.join("\n"))]);
  },
} satisfies Command;
