/** What /ask and mentions share: the server's settings, its own documents, and the record of what was asked. */
import { MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import type { Answer } from "../core/index.js";
import { answersHere, notHereError, settingsOf } from "./guilds.js";
import { readQuestion } from "./question.js";
import { describeError } from "../discord/errors.js";
import type { CommandContext } from "./command.js";

/**
 * Lets waiting events run first: under a burst of questions, every pending interaction gets acknowledged before this
 * one's answer takes the CPU (answering is synchronous work; acknowledging is a few microseconds each).
 */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Answers in the server's scope (its own documents plus the bundled corpus), hands the answer to `reply`, and only
 * then records the question for /stats, in the background: the member's answer never waits for the disk. A private
 * question (the answer was only for the asker) is counted, its text never stored.
 */
export async function answerIn(
  context: CommandContext,
  guildId: string | null,
  question: string,
  reply: (answer: Answer) => Promise<void>,
  options: { private?: boolean } = {},
): Promise<void> {
  await yieldToEvents();
  const answer = context.answerer.answer(question, { scope: guildId ?? undefined });
  // What members ask is theirs: logged only at debug, and a private question not even then.
  context.logger.debug(
    { guildId, answered: answer.answered, ...(options.private === true ? {} : { question }) },
    "question answered",
  );
  try {
    await reply(answer);
  } finally {
    if (guildId !== null && context.guilds !== undefined) {
      const record = {
        at: new Date().toISOString(),
        question: options.private === true ? "" : question,
        answered: answer.answered,
        ...(options.private === true ? { private: true as const } : {}),
      };
      void context.guilds.store
        .recordQuestion(guildId, record)
        .catch((error: unknown) =>
          context.logger.warn({ err: describeError(error), guildId }, "could not record a question"),
        );
    }
  }
}

/**
 * The start of /ask and /search: read the text, check the channel, choose visibility (`hide`, else the server's
 * default) and acknowledge at once — answering is fast, but a busy process must never miss Discord's 3-second window.
 */
export async function beginQuestion(
  interaction: ChatInputCommandInteraction,
  context: CommandContext,
  option: string,
): Promise<{ question: string; ephemeral: boolean }> {
  const question = readQuestion(interaction.options.getString(option, true));
  const settings = settingsOf(context.guilds, interaction.guildId);
  // Where the server limits Verbatim to other channels, say where it answers.
  if (settings !== null && !answersHere(settings, interaction.channel, interaction.channelId))
    throw notHereError(settings);
  const ephemeral = interaction.options.getBoolean("hide") ?? settings?.ephemeralByDefault ?? false;
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  return { question, ephemeral };
}
