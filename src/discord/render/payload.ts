/**
 * A message as the renderers build it, and Discord's limits on it. Every payload carries SuppressEmbeds (links never
 * unfold into previews) and `allowedMentions: { parse: [] }`.
 */
import { MessageFlags } from "discord.js";
import type { APIActionRowComponent, APIComponentInMessageActionRow } from "discord-api-types/v10";
import { componentProblems } from "./components.js";

/**
 * One message. Assignable to discord.js `InteractionReplyOptions`, `InteractionEditReplyOptions` and
 * `MessageReplyOptions` (a test checks this); respond.ts drops the Ephemeral flag where Discord does not accept it.
 */
export interface MessagePayload {
  content?: string;
  allowedMentions: { parse: [] };
  /** A `MessageFlags` bitfield: SuppressEmbeds, and Ephemeral for interaction replies. */
  flags?: number;
  /** Buttons (admin confirmations, pagination), as API JSON. */
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

export interface RenderOptions {
  /** Only the person who ran the command sees the reply. */
  ephemeral?: boolean;
}

/** Discord's limit on message content (https://discord.com/developers/docs/resources/message#create-message). */
export const DISCORD_LIMITS = { content: 2000 } as const;

/** At most this many messages for one answer (the reply and its follow-ups). */
export const MAX_ANSWER_MESSAGES = 4;

const ALLOWED_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral | MessageFlags.SuppressNotifications;

export function payload(content: string, options: RenderOptions = {}): MessagePayload {
  let flags: number = MessageFlags.SuppressEmbeds;
  if (options.ephemeral) flags |= MessageFlags.Ephemeral;
  return { content, allowedMentions: { parse: [] }, flags };
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** Everything wrong with a payload as Discord would see it; empty when it can be sent. */
export function payloadProblems(message: MessagePayload): string[] {
  const problems: string[] = [];
  const content = message.content ?? "";
  if (content.length > DISCORD_LIMITS.content) {
    problems.push(`content is ${content.length} characters (limit ${DISCORD_LIMITS.content})`);
  }
  if (content.trim() === "" && (message.components ?? []).length === 0) problems.push("message is empty");
  const mentions = message.allowedMentions as { parse?: unknown; users?: unknown; roles?: unknown } | undefined;
  if (!mentions || !Array.isArray(mentions.parse) || mentions.parse.length > 0 || mentions.users || mentions.roles) {
    problems.push("allowedMentions must be { parse: [] }");
  }
  if (message.flags !== undefined && (message.flags & ~ALLOWED_FLAGS) !== 0) {
    problems.push(`unexpected flags ${message.flags}`);
  }
  problems.push(...componentProblems(message.components));
  return problems;
}
