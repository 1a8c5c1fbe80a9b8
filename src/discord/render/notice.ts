/** A short notice (a refusal, an error line, an admin reply). Trusted text: not escaped, but kept within the limit. */
import { cutPoint } from "./cut.js";
import { DISCORD_LIMITS, payload, type MessagePayload, type RenderOptions } from "./payload.js";

export function renderNotice(text: string, options: RenderOptions = { ephemeral: true }): MessagePayload {
  const trimmed = text.trim();
  const max = DISCORD_LIMITS.content;
  if (trimmed.length <= max) return payload(trimmed || "…", options);
  const end = cutPoint(trimmed, (e) => e + 1 <= max);
  return payload(`${trimmed.slice(0, end)}…`, options);
}
