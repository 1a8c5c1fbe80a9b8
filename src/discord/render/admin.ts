/** What moderators and operators read: document cards, diffs, lists, settings, /stats and the audit channel's lines. */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from "discord.js";
import type { AuditEntry, CorpusDiff, GuildSettings, GuildStats, Progress, StoredDocument } from "../../core/index.js";
import { clipInline } from "./cut.js";
import { escapeInline } from "./escape.js";
import { renderNotice } from "./notice.js";
import type { MessagePayload } from "./payload.js";
import { choiceName } from "./sources.js";

/** Documents listed per page of /corpus list. */
export const LIST_PAGE = 10;
/** Items named per list in a diff before "and N more". */
const DIFF_ITEMS = 10;

const when = (iso: string, style: "d" | "f") => `<t:${Math.floor(Date.parse(iso) / 1000)}:${style}>`;

/** A stored document: title, id, and the metadata that was detected or given. */
export function describeDocument(document: StoredDocument): string {
  const s = document.source;
  const title = escapeInline(s.title ?? s.path ?? document.id);
  const details = [
    s.publisher ? `publisher ${escapeInline(s.publisher)}` : null,
    s.author ? `author ${escapeInline(s.author)}` : null,
    s.date ? `date ${escapeInline(s.date)}${s.dateInferred ? " (inferred)" : ""}` : null,
    s.url ? `URL <${escapeInline(s.url)}>` : null,
  ].filter((x): x is string => x !== null);
  const detected =
    details.length > 0 ? `\nDetected: ${details.join(" · ")}` : "\nNo publisher, author, date or URL detected.";
  return `**${title}** (id \`${escapeInline(document.id)}\`)${detected}`;
}

/** What changed in a corpus: added, changed and removed documents, and the passage count before and after. */
export function describeDiff(diff: CorpusDiff): string {
  const list = (items: readonly string[]) =>
    items.length === 0
      ? "none"
      : items
          .slice(0, DIFF_ITEMS)
          .map((i) => `\`${escapeInline(i)}\``)
          .join(", ") + (items.length > DIFF_ITEMS ? ` and ${items.length - DIFF_ITEMS} more` : "");
  return [
    `Added: ${list(diff.added)}`,
    `Changed: ${list(diff.changed)}`,
    `Removed: ${list(diff.removed)}`,
    `Passages: ${diff.passagesBefore} → ${diff.passagesAfter}`,
  ].join("\n");
}

export function renderAdded(document: StoredDocument, passages: number): MessagePayload {
  return renderNotice(
    `Added ${describeDocument(document)}\nIndexed ${passages} passage${passages === 1 ? "" : "s"}; answered only in this server.`,
  );
}

export function renderReindexed(diff: CorpusDiff): MessagePayload {
  return renderNotice(`Reindexed this server's documents.\n${describeDiff(diff)}`);
}

/** How far a long rebuild has got, shown in place of "thinking…" until it is done. */
export function renderProgress(what: "reindex" | "reload", progress: Progress): MessagePayload {
  const label = what === "reindex" ? "Reindexing this server's documents" : "Reloading the bundled corpus";
  const unit = what === "reindex" ? "documents" : "files";
  const total = Math.max(progress.total, progress.done);
  const percent = total === 0 ? 100 : Math.floor((progress.done / total) * 100);
  return renderNotice(
    `${label}… ${progress.done.toLocaleString("en")} of ${total.toLocaleString("en")} ${unit} (${percent}%)`,
  );
}

export function renderReloaded(diff: CorpusDiff): MessagePayload {
  return renderNotice(`Reloaded the bundled corpus.\n${describeDiff(diff)}`);
}

/** One page of the server's documents, with Previous/Next buttons when there is more than one page. */
export function renderDocumentList(documents: readonly StoredDocument[], page: number): MessagePayload {
  const pages = Math.max(1, Math.ceil(documents.length / LIST_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const lines = documents
    .slice((current - 1) * LIST_PAGE, current * LIST_PAGE)
    .map(
      (d, i) =>
        `${(current - 1) * LIST_PAGE + i + 1}. ${escapeInline(choiceName(d.source))} · \`${escapeInline(d.id)}\` · added ${when(d.addedAt, "d")}`,
    );
  const text =
    documents.length === 0
      ? "This server has no documents of its own yet. Add one with `/corpus add`."
      : `**This server's documents** (page ${current} of ${pages}, ${documents.length} in all)\n${lines.join("\n")}`;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`corpus:list:${current - 1}`)
      .setLabel("Previous")
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(current <= 1),
    new ButtonBuilder()
      .setCustomId(`corpus:list:${current + 1}`)
      .setLabel("Next")
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(current >= pages),
  );
  return { ...renderNotice(text), components: documents.length > LIST_PAGE ? [row.toJSON()] : [] };
}

/** "Remove …?" with Remove and Cancel buttons. */
export function renderRemoveConfirmation(document: StoredDocument): MessagePayload {
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`corpus:remove:${document.id}`).setLabel("Remove").setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId("corpus:cancel").setLabel("Cancel").setStyle(ButtonStyle.Secondary),
  );
  const text = `Remove ${describeDocument(document)}?\nIt will no longer be quoted, and its stored copy is deleted.`;
  return { ...renderNotice(text), components: [row.toJSON()] };
}

export function renderRemoved(document: StoredDocument | null): MessagePayload {
  return renderNotice(
    document === null ? "That document was already removed." : `Removed ${describeDocument(document)}.`,
  );
}

export function renderNothingRemoved(): MessagePayload {
  return renderNotice("Nothing was removed.");
}

export function describeSettings(s: GuildSettings, defaultCooldown: string): string {
  return [
    `**Answers in:** ${s.channels.length === 0 ? "every channel" : s.channels.map((id) => `<#${id}>`).join(", ")}`,
    `**Answers private by default:** ${s.ephemeralByDefault ? "yes" : "no"}`,
    `**Cooldown per member:** ${s.cooldownSeconds === null ? defaultCooldown : `${s.cooldownSeconds} s`}`,
    `**Audit channel:** ${s.auditChannelId === null ? "none" : `<#${s.auditChannelId}>`}`,
  ].join("\n");
}

export function renderSettings(settings: GuildSettings, saved: boolean): MessagePayload {
  const head = saved ? "Saved. Settings for this server:" : "Settings for this server:";
  return renderNotice(`${head}\n${describeSettings(settings, "the bot's default")}`);
}

/** /stats: what the server's Verbatim knows, how it has been doing, and the questions it could not answer. */
export function renderStats(s: GuildStats): MessagePayload {
  const lines = [
    `**Bundled corpus:** ${s.bundled.documents} documents, ${s.bundled.passages} passages`,
    `**This server's documents:** ${s.server.documents} documents, ${s.server.passages} passages`,
    ...s.questions.map((q) => `**Last ${q.days} days:** ${q.answered} answered, ${q.abstained} not in the corpus`),
  ];
  if (s.gaps.length > 0) {
    lines.push("**Most asked questions it could not answer** (documents worth adding):");
    for (const gap of s.gaps) lines.push(`- ${clipInline(gap.question, 150)} (${gap.count}×)`);
  }
  if (s.privateAbstained > 0) {
    const n = s.privateAbstained;
    lines.push(
      `-# ${n} unanswered question${n === 1 ? " was" : "s were"} asked privately: counted above, never shown.`,
    );
  }
  return renderNotice(lines.join("\n"));
}

/** One admin action, as posted to the server's audit channel. */
export function renderAuditLine(entry: AuditEntry): MessagePayload {
  const what = [`**${escapeInline(entry.action)}**`, entry.outcome === "ok" ? "" : ` (${entry.outcome})`].join("");
  const doc = entry.documentId === undefined ? "" : ` · \`${escapeInline(entry.documentId)}\``;
  const detail = entry.detail === undefined ? "" : `\n-# ${escapeInline(entry.detail).slice(0, 300)}`;
  return renderNotice(`${what} by <@${entry.userId}>${doc} · ${when(entry.at, "f")}${detail}`, {});
}
