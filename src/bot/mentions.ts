/**
 * "@Verbatim when did the ambassador return to Moscow?": a message that mentions the bot is answered as a reply to it.
 * No Message Content intent is needed: Discord includes the content of messages that mention the bot.
 */
import type { Client, Message } from "discord.js";
import type { Logger } from "pino";
import type { Answerer } from "../core/types.js";
import type { Cooldown } from "../discord/cooldown.js";
import { renderAnswer, renderNotice } from "../discord/render.js";
import { replyError, respond } from "../discord/respond.js";
import { readQuestion } from "../../commands/question.js";
import { cooldownError } from "./router.js";

const USAGE = "Mention me with a question, e.g. `@Verbatim when did the ambassador return to Moscow?`, or use `/ask`.";

/** The question in a message addressed to the bot, or null when the message does not address it. */
export function questionIn(message: Pick<Message, "content">, botId: string): string | null {
  const mention = new RegExp(`<@!?${botId}>`, "g");
  if (!mention.test(message.content)) return null;
  return message.content.replace(mention, " ").replace(/\s+/g, " ").trim();
}

export function createMentionHandler(client: Client, answerer: Answerer, cooldown: Cooldown, logger: Logger) {
  return async (message: Message): Promise<void> => {
    // Never answer bots, including ourselves: two bots quoting each other is a loop.
    if (message.author.bot || message.system || client.user === null) return;
    const question = questionIn(message, client.user.id);
    if (question === null) return;
    try {
      if (question === "") {
        await respond(message, [renderNotice(USAGE, {})]);
        return;
      }
      const check = cooldown.check(message.author.id);
      if (!check.ok) throw cooldownError(check.retryAfterSeconds);
      cooldown.hit(message.author.id);
      const answer = answerer.answer(readQuestion(question), { scope: message.guildId ?? undefined });
      await respond(message, renderAnswer(answer));
    } catch (error) {
      await replyError(message, error, logger, { via: "mention" });
    }
  };
}
