/** What moderators and operators read: document cards, diffs, lists, settings, /stats and the audit channel's lines. */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import type { APIModalInteractionResponseCallbackData } from "discord-api-types/v10";
import type {
  AuditEntry,
  CorpusDiff,
  FeedbackStats,
  GuildSettings,
  GuildStats,
  Progress,
  StoredDocument,
} from "../../core/index.js";
import { clipInline } from "./cut.js";
import { escapeInline } from "./escape.js";
import { renderNotice } from "./notice.js";
import { plural, type MessagePayload } from "./payload.js";
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
    `**Answers private by default:** ${s.ephemeralByDefault ? "yes (a member's `hide: False` still posts publicly)" : "no"}`,
    `**Cooldown per member:** ${s.cooldownSeconds === null ? defaultCooldown : `${s.cooldownSeconds} s`}`,
    `**Audit channel:** ${s.auditChannelId === null ? "none" : `<#${s.auditChannelId}>`}`,
  ].join("\n");
}

export function renderSettings(settings: GuildSettings, saved: boolean): MessagePayload {
  const head = saved ? "Saved. Settings for this server:" : "Settings for this server:";
  return renderNotice(`${head}\n${describeSettings(settings, "the bot's default")}`);
}

/**
 * /stats: what the server's Verbatim knows, how it has been doing (and, with `loop`, what members said of its answers
 * and what moderators did about it), and the questions it could not answer. Private answers are in the counts; their
 * questions are never listed (they are recorded without their text).
 */
export function renderStats(s: GuildStats, loop?: FeedbackStats): MessagePayload {
  const lines = [
    `**Bundled corpus:** ${s.bundled.documents} documents, ${s.bundled.passages} passages`,
    `**This server's documents:** ${s.server.documents} documents, ${s.server.passages} passages`,
    ...s.questions.map((q) => `**Last ${q.days} days:** ${q.answered} answered, ${q.abstained} not in the corpus`),
  ];
  if (loop !== undefined) {
    for (const w of loop.windows)
      lines.push(
        `**Feedback, last ${w.days} days:** ${plural(w.helpful, "answer")} voted helpful, ${plural(w.reported, "answer")} reported`,
      );
    lines.push(
      `**Review:** ${plural(loop.openReports, "open report")} · ${plural(loop.pins, "pinned passage")} · ${plural(loop.exclusions, "excluded passage")} (see \`/review\`)`,
    );
  }
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

/** A size as moderators read it: "50 MiB", "2.5 MiB", "4 KiB". */
export function formatSize(bytes: number): string {
  const MIB = 1024 * 1024;
  if (bytes >= MIB) {
    const value = bytes / MIB;
    return `${Number.isInteger(value) || value >= 100 ? Math.round(value) : value.toFixed(1)} MiB`;
  }
  return `${Math.max(1, Math.ceil(bytes / 1024))} KiB`;
}

/** An upload over the limit, with its real size (null: it grew past the limit while downloading). */
export function tooLargeText(size: number | null, limit: number): string {
  const what = size === null ? `larger than ${formatSize(limit)}` : formatSize(size);
  return `That file is ${what}; the limit is ${formatSize(limit)}. Split it into smaller files. Nothing was added.`;
}

/** An attachment that could not be fetched from Discord's CDN. */
export function downloadFailedText(cause: { timedOutAfterMs?: number; status?: number }): string {
  const why =
    cause.timedOutAfterMs !== undefined
      ? `the download timed out after ${Math.round(cause.timedOutAfterMs / 1000)} s`
      : cause.status !== undefined
        ? `Discord's file server answered ${cause.status}`
        : "the connection failed";
  return `I couldn't download that attachment (${why}), so nothing was added. Upload it again with \`/corpus add\`.`;
}

/** The URL given with /corpus add was kept in memory only, and the bot restarted (or 15 minutes passed). */
export function renderAddedWithoutUrl(added: MessagePayload): MessagePayload {
  return renderNotice(
    `${added.content ?? ""}\nThe URL you gave with \`/corpus add\` was lost while the form was open (the bot restarted or 15 minutes passed). To add it, remove this document and add it again with \`url:\`.`,
  );
}

export interface AddFormValues {
  title?: string | undefined;
  publisher?: string | undefined;
  author?: string | undefined;
  date?: string | undefined;
}

/**
 * The form for typing a document, built from Label components (the Action Row form is deprecated). What the
 * moderator already typed as options is filled in, so it survives a restart of the bot; `urlNote` says when the URL
 * is held only in memory.
 */
export function renderAddForm(
  customId: string,
  values: AddFormValues,
  urlNote: boolean,
): APIModalInteractionResponseCallbackData {
  const field = (
    id: string,
    label: string,
    style: TextInputStyle,
    required: boolean,
    value: string | undefined,
    max = 200,
    description?: string,
  ) => {
    const input = new TextInputBuilder().setCustomId(id).setStyle(style).setRequired(required).setMaxLength(max);
    if (value !== undefined) input.setValue(value.slice(0, max));
    const labelled = new LabelBuilder().setLabel(label).setTextInputComponent(input);
    if (description !== undefined) labelled.setDescription(description);
    return labelled;
  };
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle("Add a document")
    .addLabelComponents(
      field("title", "Title", TextInputStyle.Short, true, values.title),
      field(
        "text",
        "Text (quoted word for word)",
        TextInputStyle.Paragraph,
        true,
        undefined,
        4000,
        urlNote ? "The URL you gave is kept until the bot restarts, for up to 15 minutes." : undefined,
      ),
      field("publisher", "Publisher", TextInputStyle.Short, false, values.publisher),
      field("author", "Author", TextInputStyle.Short, false, values.author),
      field("date", "Date (YYYY-MM-DD)", TextInputStyle.Short, false, values.date, 40),
    )
    .toJSON();
}
