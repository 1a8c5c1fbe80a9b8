/**
 * "@Verbatim when did the ambassador return to Moscow?": a message that mentions the bot is answered as a reply to it.
 * No Message Content intent is needed: Discord includes the content of messages that mention the bot.
 */
import type { Message } from "discord.js";
import type { CommandContext } from "./command.js";
import { answerIn } from "./answering.js";
import { readQuestion } from "./question.js";
import { renderAnswer, renderNotice } from "../discord/render/index.js";
import { replyError, respond } from "../discord/respond.js";
import { takeTurn } from "./router.js";
import { answersHere, settingsOf } from "./guilds.js";

const USAGE = "Mention me with a question, e.g. `@Verbatim when did the ambassador return to Moscow?`, or use `/ask`.";

/** The question in a message addressed to the bot, or null when the message does not address it. */
export function questionIn(message: Pick<Message, "content">, botId: string): string | null {
  const mention = new RegExp(`<@!?${botId}>`, "g");
  if (!mention.test(message.content)) return null;
  return message.content.replace(mention, " ").replace(/\s+/g, " ").trim();
}

export function createMentionHandler(context: CommandContext) {
  const { client, logger } = context;
  return async (message: Message): Promise<void> => {
    // Never answer bots, including ourselves: two bots quoting each other is a loop.
    if (message.author.bot || message.system || client.user === null) return;
    const question = questionIn(message, client.user.id);
    if (question === null) return;
    // Where moderators switched Verbatim off, a mention is not an invitation to argue: stay quiet.
    if (!answersHere(settingsOf(context.guilds, message.guildId), message.channel, message.channelId)) return;
    try {
      if (question === "") {
        await respond(message, [renderNotice(USAGE, {})]);
        return;
      }
      takeTurn(context, message.guildId, message.author.id);
      await answerIn(context, message.guildId, readQuestion(question), (answer) =>
        respond(message, renderAnswer(answer)),
      );
    } catch (error) {
      await replyError(message, error, logger, { via: "mention" });
    }
  };
}
