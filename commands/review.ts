/**
 * /review: the moderators' queue of members' reports (Manage Server; never in DMs). Each report can be dismissed, its
 * passage excluded from this server's answers, or another passage pinned for its question; exclusions and pins are
 * listed and can be undone. Every button comes back through the router's Manage Server check (a forged `review:` id
 * from a member is refused and audited) and every action is audited.
 */
import {
  ApplicationCommandOptionType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type ButtonInteraction,
} from "discord.js";
import { FeedbackError, type AuditEntry } from "../src/core/index.js";
import type { Command, ManagerContext } from "../src/bot/command.js";
import { audit } from "../src/bot/guilds.js";
import { candidatesFor, listedExclusions, listedPins, quoteNow, reportView } from "../src/bot/review.js";
import { UserError } from "../src/discord/errors.js";
import { parseReviewCustomId } from "../src/discord/ids.js";
import {
  REFUSALS,
  describeDismissed,
  describeExcluded,
  describePinned,
  describeUnpinned,
  renderCandidates,
  renderCandidatesAgain,
  REVIEW_LINES,
  renderExclusions,
  renderPins,
  renderReportPage,
  renderReviewDone,
  type MessagePayload,
} from "../src/discord/render/index.js";
import { respond, update } from "../src/discord/respond.js";

const pageOption = {
  type: ApplicationCommandOptionType.Integer as const,
  name: "page",
  description: "Page number",
  min_value: 1,
};

function reportsPage(context: ManagerContext, page: number): MessagePayload {
  const items = context.guilds.feedback.reports(context.guildId);
  const current = Math.min(Math.max(1, page), Math.max(1, items.length));
  const item = items[current - 1];
  return renderReportPage(
    item === undefined ? null : reportView(context, context.guildId, item),
    current,
    items.length,
  );
}

const exclusionsPage = (context: ManagerContext, page: number, notice?: string) =>
  renderExclusions(
    listedExclusions(context, context.guildId, context.guilds.feedback.exclusions(context.guildId)),
    page,
    notice,
  );

const pinsPage = (context: ManagerContext, page: number, notice?: string) =>
  renderPins(listedPins(context, context.guildId, context.guilds.feedback.pins(context.guildId)), page, notice);

/** Audit entries name the document only when its id fits the trail's field; the passage is always in the detail. */
async function record(
  interaction: ButtonInteraction,
  context: ManagerContext,
  action: string,
  detail: string,
  documentId?: string,
): Promise<void> {
  const entry: Omit<AuditEntry, "at"> = {
    guildId: context.guildId,
    userId: interaction.user.id,
    action,
    outcome: "ok",
    detail,
  };
  if (documentId !== undefined && documentId.length <= 64) entry.documentId = documentId;
  await audit(context.client, context.guilds, context.logger, entry);
}

const gone = (page: number) => renderReviewDone(REVIEW_LINES.gone, page);

export const review = {
  data: {
    name: "review",
    description: "Members' reports on answers: dismiss, exclude a passage or pin the right one (Manage Server).",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "reports",
        description: "The open reports, most flagged first.",
        options: [pageOption],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "exclusions",
        description: "Passages excluded from this server's answers (restorable).",
        options: [pageOption],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "pins",
        description: "Passages pinned for questions in this server (removable).",
        options: [pageOption],
      },
    ],
  },
  requires: "manager",
  async execute(interaction, context) {
    const page = interaction.options.getInteger("page") ?? 1;
    const sub = interaction.options.getSubcommand();
    const payload =
      sub === "exclusions"
        ? exclusionsPage(context, page)
        : sub === "pins"
          ? pinsPage(context, page)
          : reportsPage(context, page);
    await respond(interaction, [{ ...payload, flags: (payload.flags ?? 0) | MessageFlags.Ephemeral }]);
  },
  async button(interaction, context) {
    const action = parseReviewCustomId(interaction.customId);
    if (action === null) throw new UserError("stale-component", REFUSALS.unknownReviewButton);
    const { guildId, guilds } = context;
    const feedback = guilds.feedback;
    const by = interaction.user.id;
    try {
      switch (action.kind) {
        case "reports":
          await update(interaction, reportsPage(context, action.page));
          return;
        case "exclusions":
          await update(interaction, exclusionsPage(context, action.page));
          return;
        case "pins":
          await update(interaction, pinsPage(context, action.page));
          return;
        case "choose": {
          const item = feedback.report(guildId, action.item);
          if (item === undefined) return await update(interaction, gone(action.page));
          const view = reportView(context, guildId, item);
          const candidates = candidatesFor(context, guildId, item).map((c) => c.view);
          await update(interaction, renderCandidates(view, candidates, action.page));
          return;
        }
        case "dismiss": {
          await interaction.deferUpdate();
          const item = await feedback.dismiss(guildId, action.item, by);
          if (item === null) return await update(interaction, gone(action.page));
          await update(interaction, renderReviewDone(describeDismissed(item.question), action.page));
          await record(
            interaction,
            context,
            "review dismiss",
            `report ${item.id}: ${item.question}`,
            item.quote?.sourceId,
          );
          return;
        }
        case "exclude": {
          const item = feedback.report(guildId, action.item);
          if (item === undefined) return await update(interaction, gone(action.page));
          if (item.quote === null) throw new UserError("nothing-to-exclude", REVIEW_LINES.nothingToExclude);
          const now = quoteNow(context, guildId, item.quote);
          if (typeof now === "string") throw new UserError("passage-gone", REVIEW_LINES.passageGone);
          await interaction.deferUpdate();
          const { passageId, fingerprint } = item.quote;
          await feedback.exclude(guildId, {
            ref: { passageId, fingerprint },
            sourceId: item.quote.sourceId,
            by,
            item: item.id,
            question: item.question,
          });
          await update(interaction, renderReviewDone(describeExcluded(now.text, now.source), action.page));
          await record(
            interaction,
            context,
            "review exclude",
            `passage ${passageId} (report ${item.id})`,
            item.quote.sourceId,
          );
          return;
        }
        case "pin": {
          const item = feedback.report(guildId, action.item);
          if (item === undefined) return await update(interaction, gone(action.page));
          const candidates = candidatesFor(context, guildId, item);
          const chosen = candidates.find((c) => c.view.check === action.check);
          if (chosen === undefined) {
            // The corpus changed since the list was shown: show the current candidates instead of guessing.
            const view = reportView(context, guildId, item);
            await update(
              interaction,
              renderCandidatesAgain(
                view,
                candidates.map((c) => c.view),
                action.page,
              ),
            );
            return;
          }
          await interaction.deferUpdate();
          await feedback.pin(guildId, { question: item.question, quote: chosen.ref, by, item: item.id });
          await update(
            interaction,
            renderReviewDone(describePinned(item.question, chosen.quote.text, chosen.quote.source), action.page),
          );
          await record(
            interaction,
            context,
            "review pin",
            `passage ${chosen.ref.passageId} for “${item.question}” (report ${item.id})`,
            chosen.ref.sourceId,
          );
          return;
        }
        case "restore": {
          await interaction.deferUpdate();
          const restored = await feedback.restore(guildId, action.id);
          if (restored === null)
            return await update(interaction, exclusionsPage(context, action.page, REVIEW_LINES.alreadyRestored));
          await update(interaction, exclusionsPage(context, action.page, REVIEW_LINES.restored));
          await record(interaction, context, "review restore", `passage ${restored.ref.passageId}`, restored.sourceId);
          return;
        }
        case "unpin": {
          await interaction.deferUpdate();
          const removed = await feedback.unpin(guildId, action.id);
          if (removed === null)
            return await update(interaction, pinsPage(context, action.page, REVIEW_LINES.alreadyUnpinned));
          await update(interaction, pinsPage(context, action.page, describeUnpinned(removed.question)));
          await record(
            interaction,
            context,
            "review unpin",
            `passage ${removed.quote.passageId} for “${removed.question}”`,
            removed.quote.sourceId,
          );
          return;
        }
      }
    } catch (error) {
      // A limit reached (too many pins or exclusions) is the moderator's to fix: said plainly.
      if (error instanceof FeedbackError) throw new UserError("limit", error.message);
      throw error;
    }
  },
} satisfies Command;
