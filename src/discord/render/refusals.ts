/**
 * The short lines a command answers with when it cannot do what was asked (the bot and the commands throw a UserError
 * carrying one; tests/discord/render/refusals.test.ts checks each against Discord's limits).
 */
export const REFUSALS = {
  notHere: (channelIds: readonly string[]) =>
    `In this server I answer in ${channelIds
      .slice(0, 10)
      .map((id) => `<#${id}>`)
      .join(", ")}.`,
  guildsOff: "Server documents are not enabled on this bot.",
  dmOnlyInGuild: "This command works only inside a server.",
  notMember: "I'm not a member of this server any more, so I can't manage its documents.",
  cooldown: (retryAfterSeconds: number) => `You're asking quickly: try again in ${retryAfterSeconds} s.`,
  unknownCommand: "I don't know that command any more; it may have been removed.",
  staleComponent: "That button or form is no longer active; run the command again.",
  unknownAnswerButton: "That button is not one I know; ask again for a fresh answer.",
  unknownAnswerForm: "That form is not one I know; ask again for a fresh answer.",
  incompleteReportForm: "That form came back incomplete; press **Wrong quote** again.",
  reportNeedsReason: "Pick what is wrong from the list, then send the form again.",
  reportNeedsQuote: "Pick one of the answer's quotes, then send the form again.",
  unknownReviewButton: "That button is not one I know; run `/review` again.",
  unknownReportsButton: "That button is not one I know; run `/operator reports` again.",
  messageWithoutText: "That message has no text I can ask about (only attachments or embeds).",
  documentNotIndexed: "That document is not indexed yet; try `/corpus reindex`.",
} as const;
