/** /help and /about. /help is generated from the commands' own data, so it never lists one that does not exist. */
import type { CorpusStats } from "../../core/index.js";
import { clipInline } from "./cut.js";
import { DISCORD_LIMITS, payload, plural, type MessagePayload, type RenderOptions } from "./payload.js";

export interface HelpCommand {
  name: string;
  description: string;
}

/** How to use the bot: the commands every member can run, from their registered data. */
export function renderHelp(
  commands: readonly HelpCommand[],
  options: RenderOptions = { ephemeral: true },
): MessagePayload[] {
  const intro =
    "**Verbatim** answers only with exact quotes from its documents, each with its source. When the documents don't hold the answer, it says so.";
  const outro = [
    "Answers are public unless you set `hide: True`; where a server makes answers private by default, `hide: False` posts yours publicly anyway.",
    "You can also mention me, reply to one of my answers, or DM me a question. Quotes are never reworded; *[…]* marks where one was shortened.",
  ].join("\n");
  let list = "";
  for (const command of commands) {
    const line = `\n- \`/${command.name.replace(/[^\w-]/g, "").slice(0, 32)}\` ${clipInline(command.description, 200)}`;
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
