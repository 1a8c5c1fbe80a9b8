/**
 * /operator: the bundled corpus belongs to whoever runs the bot (OWNER_IDS), whatever their role in a server. They
 * reload it, and see every open report on answers, in every server and in DMs (DMs have no moderators: the operator
 * may dismiss those; a server's reports are its moderators' to act on, in /review).
 */
import { ApplicationCommandOptionType, InteractionContextType, MessageFlags } from "discord.js";
import { DM_SCOPE } from "../src/core/index.js";
import type { Command, OperatorContext } from "../src/bot/command.js";
import { reportView } from "../src/bot/review.js";
import { UserError } from "../src/discord/errors.js";
import { parseOperatorCustomId } from "../src/discord/ids.js";
import { withProgress } from "../src/bot/progress.js";
import {
  REFUSALS,
  renderOperatorReports,
  renderProgress,
  renderReloaded,
  type MessagePayload,
} from "../src/discord/render/index.js";
import { respond, update } from "../src/discord/respond.js";

function reportsPage(context: OperatorContext, page: number): MessagePayload {
  const { feedback } = context.guilds;
  const all = feedback
    .scopes()
    .flatMap((scope) => feedback.reports(scope).map((item) => ({ scope, item })))
    .sort(
      (a, b) =>
        b.item.flags.length - a.item.flags.length ||
        Date.parse(b.item.lastAt) - Date.parse(a.item.lastAt) ||
        (a.item.id < b.item.id ? -1 : 1),
    );
  const current = Math.min(Math.max(1, page), Math.max(1, all.length));
  const entry = all[current - 1];
  if (entry === undefined) return renderOperatorReports(null, current, all.length);
  const dm = entry.scope === DM_SCOPE;
  const guildId = dm ? null : entry.scope;
  const where = dm
    ? ({ dm: true } as const)
    : ({ dm: false, id: entry.scope, name: context.client.guilds.cache.get(entry.scope)?.name ?? null } as const);
  return renderOperatorReports(
    { view: reportView(context, guildId, entry.item), where, dismissable: dm },
    current,
    all.length,
  );
}

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
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "reports",
        description: "Every open report on answers, in every server and in DMs.",
        options: [
          { type: ApplicationCommandOptionType.Integer, name: "page", description: "Page number", min_value: 1 },
        ],
      },
    ],
  },
  requires: "operator",
  async execute(interaction, context) {
    const { guilds, logger } = context;
    if (interaction.options.getSubcommand(false) === "reports") {
      const payload = reportsPage(context, interaction.options.getInteger("page") ?? 1);
      await respond(interaction, [{ ...payload, flags: (payload.flags ?? 0) | MessageFlags.Ephemeral }]);
      return;
    }
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
  async button(interaction, context) {
    const action = parseOperatorCustomId(interaction.customId);
    if (action === null) throw new UserError("stale-component", REFUSALS.unknownReportsButton);
    if (action.kind === "reports") {
      await update(interaction, reportsPage(context, action.page));
      return;
    }
    await interaction.deferUpdate();
    const dismissed = await context.guilds.feedback.dismiss(DM_SCOPE, action.item, interaction.user.id);
    if (dismissed !== null)
      context.logger.info(
        { userId: interaction.user.id, item: dismissed.id },
        "operator dismissed a report on a DM answer",
      );
    await update(interaction, reportsPage(context, action.page));
  },
} satisfies Command;
