/**
 * Messages addressed to the bot: "@Verbatim when did the ambassador return to Moscow?" (a mention of the bot, or of
 * its managed role, which is what Discord's client often completes "@Verbatim" to), a reply to one of its messages,
 * or any message in a DM. Each is answered as a reply to it. No Message Content intent is needed: Discord includes
 * the content of DMs and of messages that mention the bot (a reply that keeps its @ mention on does).
 *
 * Before answering in a server channel the bot checks its own permissions there (discord.js `permissionsFor`):
 * without Send Messages it stays silent and logs that once per channel; without Read Message History (which Discord
 * requires for a reply) it posts a plain message that names the asker, without pinging. A 403 is never retried.
 */
import { PermissionFlagsBits, type Message, type User } from "discord.js";
import type { CommandContext } from "./command.js";
import { answerFor } from "./feedback.js";
import { readQuestion } from "./question.js";
import {
  renderAnswersArePrivate,
  renderDirectUsage,
  renderMentionUsage,
  type MessagePayload,
} from "../discord/render/index.js";
import { refusedByDiscord, replyError, respond } from "../discord/respond.js";
import { takeTurn } from "./router.js";
import { answersHere, settingsOf } from "./guilds.js";

/** How the bot may answer in a channel: a reply, a plain message, or not at all. */
export type Reach = "reply" | "post" | "none";

/** The text of a message addressed to the bot, without the mentions of it; null when it is not addressed. */
export function questionIn(
  message: Pick<Message, "content"> & { guildId: string | null },
  botId: string,
  opts: { botRoleId?: string | null; repliesToBot?: boolean } = {},
): string | null {
  const patterns = [`<@!?${botId}>`];
  if (opts.botRoleId) patterns.push(`<@&${opts.botRoleId}>`);
  const mention = new RegExp(patterns.join("|"), "g");
  const addressed = message.guildId === null || opts.repliesToBot === true || mention.test(message.content);
  if (!addressed) return null;
  return message.content.replace(mention, " ").replace(/\s+/g, " ").trim();
}

/** Where the bot may answer this message, from its permissions in the channel (DMs: always a reply). */
export function reachIn(message: Message, bot: User): Reach {
  if (!message.inGuild()) return "reply";
  const permissions = message.channel.permissionsFor(bot);
  // Not cached: try the reply; if Discord refuses it, the 403 is logged and never retried.
  if (permissions === null) return "reply";
  const send = message.channel.isThread()
    ? PermissionFlagsBits.SendMessagesInThreads
    : PermissionFlagsBits.SendMessages;
  if (!permissions.has([PermissionFlagsBits.ViewChannel, send])) return "none";
  return permissions.has(PermissionFlagsBits.ReadMessageHistory) ? "reply" : "post";
}

/** Channels the bot has said it cannot answer in; each is logged once (bounded, then forgotten). */
class SilentChannels {
  private readonly seen = new Set<string>();
  first(channelId: string): boolean {
    if (this.seen.has(channelId)) return false;
    if (this.seen.size >= 10_000) this.seen.clear();
    this.seen.add(channelId);
    return true;
  }
}

export function createMentionHandler(context: CommandContext) {
  const { client, logger } = context;
  const silent = new SilentChannels();
  const cannotAnswer = (message: Message, reason: string, extra: Record<string, unknown> = {}) => {
    if (silent.first(message.channelId))
      logger.warn(
        { guildId: message.guildId, channelId: message.channelId, ...extra },
        "cannot answer here: %s",
        reason,
      );
  };
  return async (message: Message): Promise<void> => {
    // Never answer bots, including ourselves: two bots quoting each other is a loop.
    if (message.author.bot || message.system || client.user === null) return;
    const botId = client.user.id;
    const botRoleId = message.guild?.roles.botRoleFor(botId)?.id ?? null;
    const repliesToBot = message.reference !== null && message.mentions.repliedUser?.id === botId;
    const question = questionIn(message, botId, { botRoleId, repliesToBot });
    if (question === null) return;
    const settings = settingsOf(context.guilds, message.guildId);
    // Moderators talking over an audit line in the audit channel are not asking Verbatim (a mention still is).
    const mentioned = questionIn(message, botId, { botRoleId }) !== null;
    if (!mentioned && settings !== null && settings.auditChannelId === message.channelId) return;
    // Where moderators switched Verbatim off, a mention is not an invitation to argue: stay quiet.
    if (!answersHere(settings, message.channel, message.channelId)) return;
    const reach = reachIn(message, client.user);
    if (reach === "none") {
      cannotAnswer(message, "missing View Channel or Send Messages");
      return;
    }
    const asReply = reach === "reply";
    const send = (payloads: readonly MessagePayload[]) =>
      respond(message, payloads, { asReply, addressee: message.author.id });
    try {
      // A reply to a message cannot be private: where answers are private by default, point to /ask instead.
      if (settings?.ephemeralByDefault === true) {
        await send([renderAnswersArePrivate()]);
        return;
      }
      if (question === "") {
        await send([message.guildId === null ? renderDirectUsage() : renderMentionUsage()]);
        return;
      }
      takeTurn(context, message.guildId, message.author.id);
      // In a DM there is no server: the bundled corpus only.
      const place = {
        guildId: message.guildId,
        channelId: message.channelId,
        userId: message.author.id,
        ephemeral: false,
      };
      await send(await answerFor(context, place, readQuestion(question)));
    } catch (error) {
      if (refusedByDiscord(error)) {
        // Stale permissions (changed since the cache was filled): Discord said no; do not ask again.
        cannotAnswer(message, error.message, { status: error.status, code: error.code });
        return;
      }
      await replyError(message, error, logger, { via: "mention" }, { asReply, addressee: message.author.id });
    }
  };
}
