/** /help and /about. /help is generated from the commands' own data, so it never lists one that does not exist. */
import type { CorpusStats } from "../../core/index.js";
import { clipInline } from "./cut.js";
import { DISCORD_LIMITS, payload, plural, type MessagePayload, type RenderOptions } from "./payload.js";

export interface HelpCommand {
  name: string;
  description: string;
}

/** A command as a clickable mention (`</ask:123>`) when its registered id is known, else as `/ask` in code. */
export function commandMention(name: string, ids?: ReadonlyMap<string, string>): string {
  const clean = name.replace(/[^\w-]/g, "").slice(0, 32);
  const id = ids?.get(name);
  return id !== undefined && /^\d{1,20}$/.test(id) ? `</${clean}:${id}>` : `\`/${clean}\``;
}

/** The line /help gives the buttons under every answer. */
export const BUTTONS_LINE =
  "Under each answer: **Passage** shows the quote in its surrounding text, **Source** the document, and **Helpful** / **Wrong quote** tell the moderators how it did.";
/** …and the message menu command. */
export const MESSAGE_COMMAND_LINE =
  "On any message: **Apps → Ask Verbatim** asks its text as a question; the answer is shown only to you.";

/**
 * How to use the bot: the commands every member can run, from their registered data, as clickable mentions when the
 * registered commands' ids are known (`ids`: name → id).
 */
export function renderHelp(
  commands: readonly HelpCommand[],
  options: RenderOptions = { ephemeral: true },
  ids?: ReadonlyMap<string, string>,
): MessagePayload[] {
  const intro =
    "**Verbatim** answers only with exact quotes from its documents, each with its source. When the documents don't hold the answer, it says so.";
  const outro = [
    "Answers are public unless you set `hide: True`; where a server makes answers private by default, `hide: False` posts yours publicly anyway.",
    "You can also mention me, reply to one of my answers, or DM me a question. Quotes are never reworded; *[…]* marks where one was shortened.",
    BUTTONS_LINE,
    MESSAGE_COMMAND_LINE,
  ].join("\n");
  let list = "";
  for (const command of commands) {
    const line = `\n- ${commandMention(command.name, ids)} ${clipInline(command.description, 200)}`;
    if (intro.length + list.length + line.length + 2 + outro.length + 2 > DISCORD_LIMITS.content) break;
    list += line;
  }
  return [payload(`${intro}\n${list}\n\n${outro}`, options)];
}

/** What the bot is, its version, and the size of its corpus. */
export function renderAbout(stats: CorpusStats, version: string, options: RenderOptions = {}): MessagePayload[] {
  const indexed = Date.parse(stats.indexedAt);
  const when = Number.isFinite(indexed)
    ? `<t:${Math.floor(indexed / 1000)}:f> (<t:${Math.floor(indexed / 1000)}:R>)`
    : "unknown";
  const lines = [
    `**Verbatim** ${clipInline(version, 40)}`,
    "I answer questions only by quoting my documents word for word, and I name the source of every quote. If the documents don't hold the answer, I say so and list the closest sources. I never write an answer of my own.",
    `Corpus: ${plural(stats.documents, "document")} · ${plural(stats.passages, "passage")} · indexed ${when}`,
  ];
  return [payload(lines.join("\n"), options)];
}
