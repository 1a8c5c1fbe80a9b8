/**
 * The one reply helper every send goes through. It forces `allowedMentions: { parse: [] }`, checks
 * every payload against Discord's limits again (a payload over a limit is a rendering bug: it throws
 * a `PayloadError` and sends nothing, rather than have Discord reject it halfway through an answer),
 * and picks reply / editReply / followUp from the interaction's state.
 *
 * Replies to a mention use `repliedUser: false`: the reply is threaded under the question, so the
 * asker sees it, and a ping would only add a notification for an answer they are watching arrive
 * (and one per follow-up). With `parse: []` nobody else can be pinged either.
 */
import { randomBytes } from "node:crypto";
import {
  BaseInteraction,
  DiscordAPIError,
  MessageFlags,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type Message,
  type MessageComponentInteraction,
  type MessageCreateOptions,
  type MessageReplyOptions,
  type RepliableInteraction,
  type SendableChannels,
} from "discord.js";
import type { Logger } from "pino";
import { PayloadError, describeError, isUserError } from "./errors.js";
import { addressTo, payloadProblems, renderNotice, type MessagePayload } from "./render/index.js";

export type ReplyTarget = RepliableInteraction | Message;

/** The parts of an interaction that decide how to answer it. */
export interface InteractionState {
  deferred: boolean;
  replied: boolean;
  /** Whether the deferred or sent reply is ephemeral (null before any). */
  ephemeral: boolean | null;
  /** The deferred reply shows progress (showProgress): the answer replaces it rather than following it. */
  showingProgress?: boolean;
}

export type InteractionSend =
  | { method: "reply"; options: InteractionReplyOptions }
  | { method: "editReply"; options: InteractionEditReplyOptions }
  | { method: "followUp"; options: InteractionReplyOptions };

export type MessageSend =
  { method: "reply"; options: MessageReplyOptions } | { method: "send"; options: MessageCreateOptions };

/** Throws `PayloadError` unless every payload can be sent as it is. */
export function assertSendable(payloads: readonly MessagePayload[]): void {
  if (payloads.length === 0) throw new PayloadError(["nothing to send"]);
  const problems = payloads.flatMap((payload, index) =>
    payloadProblems(payload).map((problem) => (payloads.length > 1 ? `message ${index + 1}: ${problem}` : problem)),
  );
  if (problems.length > 0) throw new PayloadError(problems);
}

function isEphemeral(payload: MessagePayload): boolean {
  return ((payload.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
}

function withoutEphemeral(flags: number | undefined): number | undefined {
  return flags === undefined ? undefined : flags & ~MessageFlags.Ephemeral;
}

function base(payload: MessagePayload): Pick<MessagePayload, "content" | "components"> {
  return {
    ...(payload.content !== undefined ? { content: payload.content } : {}),
    ...(payload.components !== undefined ? { components: payload.components } : {}),
  };
}

/**
 * How to send `payloads` in answer to an interaction in `state`: the first replaces the deferred
 * "thinking…" placeholder (editReply) or is the reply; the rest, and anything after an earlier
 * reply, are follow-ups (editing would overwrite what was already said). The visibility of a
 * deferred reply was fixed when it was deferred: an ephemeral payload for a public deferral is a
 * bug (it would show privately meant text to everyone), so it throws.
 */
export function planInteractionSends(state: InteractionState, payloads: readonly MessagePayload[]): InteractionSend[] {
  assertSendable(payloads);
  return payloads.map((payload, index): InteractionSend => {
    const first = index === 0;
    if (first && !state.deferred && !state.replied) {
      return { method: "reply", options: { ...base(payload), allowedMentions: { parse: [] }, flags: payload.flags } };
    }
    if (first && state.deferred && (!state.replied || state.showingProgress === true)) {
      if (isEphemeral(payload) && state.ephemeral === false) {
        throw new PayloadError(["an ephemeral reply was rendered but the reply was deferred publicly"]);
      }
      return {
        method: "editReply",
        options: { ...base(payload), allowedMentions: { parse: [] }, flags: withoutEphemeral(payload.flags) },
      };
    }
    return { method: "followUp", options: { ...base(payload), allowedMentions: { parse: [] }, flags: payload.flags } };
  });
}

export interface MessageRespondOptions {
  /**
   * Reply to the message (default), or post plain messages: Discord refuses a reply without Read Message History
   * (403, 160002), so there the answer is posted to the channel instead (see render's `addressTo`).
   */
  asReply?: boolean;
  /** When not replying: the user the first message names (without pinging them). */
  addressee?: string;
}

/** How to send `payloads` in answer to a message: a reply (no ping), then plain messages. */
export function planMessageSends(
  payloads: readonly MessagePayload[],
  { asReply = true }: MessageRespondOptions = {},
): MessageSend[] {
  assertSendable(payloads);
  return payloads.map((payload, index): MessageSend => {
    const flags = withoutEphemeral(payload.flags);
    if (index === 0 && asReply) {
      return {
        method: "reply",
        options: {
          ...base(payload),
          allowedMentions: { parse: [], repliedUser: false },
          flags,
          failIfNotExists: false,
        },
      };
    }
    return { method: "send", options: { ...base(payload), allowedMentions: { parse: [] }, flags } };
  });
}

function isInteraction(target: ReplyTarget): target is RepliableInteraction {
  return target instanceof BaseInteraction;
}

/**
 * Discord refused the request itself (401 or 403): sending anything more there fails the same way, and every refusal
 * counts toward Discord's invalid-request limit (10,000 per 10 minutes, then a temporary ban). Never retried.
 */
export function refusedByDiscord(error: unknown): error is DiscordAPIError {
  return error instanceof DiscordAPIError && (error.status === 401 || error.status === 403);
}

/** Interactions whose deferred reply currently shows progress rather than an answer. */
const showingProgress = new WeakSet<RepliableInteraction>();

/**
 * Replaces a deferred reply's "thinking…" with how far long work has got. The answer, when `respond` sends it, then
 * replaces the progress in turn (it is not sent as a follow-up). Throws like editReply does.
 */
export async function showProgress(interaction: RepliableInteraction, payload: MessagePayload): Promise<void> {
  assertSendable([payload]);
  if (!interaction.deferred) throw new PayloadError(["progress can only replace a deferred reply"]);
  showingProgress.add(interaction);
  await interaction.editReply({
    ...base(payload),
    allowedMentions: { parse: [] },
    flags: withoutEphemeral(payload.flags),
  });
}

/** Sends `payloads` (from render.ts) in answer to an interaction or a message, in order. */
export async function respond(
  target: ReplyTarget,
  payloads: readonly MessagePayload[],
  options: MessageRespondOptions = {},
): Promise<void> {
  if (isInteraction(target)) {
    const state: InteractionState = {
      deferred: target.deferred,
      replied: target.replied,
      ephemeral: target.ephemeral,
      showingProgress: showingProgress.has(target),
    };
    showingProgress.delete(target);
    for (const send of planInteractionSends(state, payloads)) {
      if (send.method === "reply") await target.reply(send.options);
      else if (send.method === "editReply") await target.editReply(send.options);
      else await target.followUp(send.options);
    }
    return;
  }
  const channel = target.channel;
  const addressed =
    options.asReply === false && options.addressee !== undefined ? addressTo(options.addressee, payloads) : payloads;
  for (const send of planMessageSends(addressed, options)) {
    if (send.method === "send" && channel.isSendable()) await channel.send(send.options);
    else
      await target.reply({
        ...send.options,
        allowedMentions: { parse: [], repliedUser: false },
        failIfNotExists: false,
      });
  }
}

/** Posts `payloads` to a channel on the bot's own initiative (an audit line): nothing to reply to, in order. */
export async function post(channel: SendableChannels, payloads: readonly MessagePayload[]): Promise<void> {
  assertSendable(payloads);
  for (const payload of payloads) {
    await channel.send({ ...base(payload), allowedMentions: { parse: [] }, flags: withoutEphemeral(payload.flags) });
  }
}

/** Log fields that say where a failure happened (ids only, no message text). */
export function describeTarget(target: ReplyTarget): Record<string, unknown> {
  if (isInteraction(target)) {
    return {
      interactionId: target.id,
      command: target.isCommand() ? target.commandName : undefined,
      interactionType: target.type,
      userId: target.user.id,
      guildId: target.guildId,
      channelId: target.channelId,
      deferred: target.deferred,
      replied: target.replied,
    };
  }
  return { messageId: target.id, userId: target.author.id, guildId: target.guildId, channelId: target.channelId };
}

export function genericErrorLine(ref: string): string {
  return `Something went wrong on my side and I couldn't finish that. It has been logged (ref \`${ref}\`); please try again in a moment.`;
}

/**
 * Tells the user a command failed. A `UserError` shows its message; anything else is logged with
 * context and a reference the user can quote, and the user sees one calm line. Ephemeral where
 * possible (after a public deferral the placeholder is edited instead, publicly, so the interaction
 * does not hang). Never throws: a failure to send is logged.
 */
export async function replyError(
  target: ReplyTarget,
  error: unknown,
  logger: Logger,
  context: Record<string, unknown> = {},
  options: MessageRespondOptions = {},
): Promise<void> {
  const where = { ...describeTarget(target), ...context };
  if (refusedByDiscord(error)) {
    // The failure was Discord refusing to take our answer: an error line would be refused too.
    logger.warn({ ...where, err: describeError(error) }, "Discord refused the answer: %s", error.message);
    return;
  }
  let text: string;
  if (isUserError(error)) {
    logger.debug({ ...where, identifier: error.identifier }, "refused: %s", error.message);
    text = error.message;
  } else {
    const ref = randomBytes(4).toString("hex");
    logger.error({ ...where, err: describeError(error), ref }, "command failed");
    text = genericErrorLine(ref);
  }
  const publicDeferral =
    isInteraction(target) &&
    target.deferred &&
    (!target.replied || showingProgress.has(target)) &&
    target.ephemeral === false;
  try {
    await respond(target, [renderNotice(text, { ephemeral: !publicDeferral })], options);
  } catch (sendError) {
    logger.warn({ ...where, err: describeError(sendError) }, "could not tell the user about an error");
  }
}

/**
 * Replaces the message a button belongs to (pagination, confirmations), with the same guarantees as `respond`: as the
 * click's response, or by editing once the click was acknowledged with `deferUpdate` (work that waits for the disk).
 */
export async function update(interaction: MessageComponentInteraction, payload: MessagePayload): Promise<void> {
  assertSendable([payload]);
  const options = { ...base(payload), components: payload.components ?? [], allowedMentions: { parse: [] as [] } };
  if (interaction.deferred || interaction.replied) await interaction.editReply(options);
  else await interaction.update({ ...options, flags: withoutEphemeral(payload.flags) });
}
