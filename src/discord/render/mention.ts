/** What the bot says when it is addressed by a message (a mention, a DM, a reply) rather than a command. */
import { DISCORD_LIMITS, type MessagePayload } from "./payload.js";
import { renderNotice } from "./notice.js";

/** A mention, role mention or reply that holds no question. */
export function renderMentionUsage(): MessagePayload {
  return renderNotice(
    "Ask me a question in words: mention me, e.g. `@Verbatim when did the ambassador return to Moscow?`, reply to one of my answers (keep the @ mention on, so I can read it), or use `/ask`.",
    {},
  );
}

/** A DM that holds no question. */
export function renderDirectUsage(): MessagePayload {
  return renderNotice(
    "Send me a question, e.g. `When did the ambassador return to Moscow?`. In a DM I answer from the bundled documents only; a server's own documents are answered in that server.",
    {},
  );
}

/** A mention in a server whose answers are private by default: a message reply cannot be private. */
export function renderAnswersArePrivate(): MessagePayload {
  return renderNotice("In this server answers are private: ask with `/ask` and only you will see the answer.", {});
}

/**
 * Where the bot may post but not reply (no Read Message History), the first message names the asker instead of
 * replying to them. `<@id>` shows their name; with `allowedMentions: { parse: [] }` it pings nobody.
 */
export function addressTo(userId: string, payloads: readonly MessagePayload[]): MessagePayload[] {
  const [first, ...rest] = payloads;
  if (first === undefined) return [];
  const name = `<@${userId}>`;
  const content = first.content ?? "";
  if (name.length + 1 + content.length <= DISCORD_LIMITS.content)
    return [{ ...first, content: `${name} ${content}` }, ...rest];
  return [{ ...first, content: name }, first, ...rest];
}
