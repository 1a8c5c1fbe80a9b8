/** What /ask and mentions share: the server's settings, its own documents, and the record of what was asked. */
import type { TextBasedChannel } from "discord.js";
import type { Answer } from "../src/core/types.js";
import { answersHere, notHereError, settingsOf } from "../src/bot/servers.js";
import type { CommandContext } from "./types.js";

/** Throws the "I answer in #…" refusal when the server limits Verbatim to other channels. */
export function checkChannel(context: CommandContext, guildId: string | null, channel: TextBasedChannel | null, channelId: string): void {
  const settings = settingsOf(context.servers, guildId);
  if (settings !== null && !answersHere(settings, channel, channelId)) throw notHereError(settings);
}

/**
 * Lets waiting events run first: under a burst of questions, every pending interaction gets acknowledged before this
 * one's answer takes the CPU (answering is synchronous work; acknowledging is a few microseconds each).
 */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Answers in the server's scope (its own documents plus the bundled corpus) and records the question for /stats. */
export async function answerIn(context: CommandContext, guildId: string | null, question: string): Promise<Answer> {
  await yieldToEvents();
  if (guildId !== null) context.servers?.corpora.scope(guildId);
  const answer = context.answerer.answer(question, { scope: guildId ?? undefined });
  if (guildId !== null && context.servers !== undefined) {
    await context.servers.store
      .recordQuestion(guildId, { at: new Date().toISOString(), question, answered: answer.answered })
      .catch((error: unknown) => context.logger.warn({ err: error, guildId }, "could not record a question"));
  }
  return answer;
}
