/**
 * /corpus: a server's own documents. Visible by default only to members with Manage Server and never in DMs; every
 * subcommand re-checks that permission on our side and audits what it did (or refused).
 */
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  InteractionContextType,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
} from "discord.js";
import { randomBytes } from "node:crypto";
import { InputError, type DocumentInput } from "../src/core/servers/corpora.js";
import type { StoredDocument } from "../src/core/servers/store.js";
import type { CorpusDiff } from "../src/core/library/library.js";
import { audit, requireManager } from "../src/bot/servers.js";
import { UserError } from "../src/discord/errors.js";
import { escapeInline } from "../src/discord/render/escape.js";
import { renderDocument, renderNotice, type MessagePayload } from "../src/discord/render/render.js";
import { respond, update } from "../src/discord/respond.js";
import { choiceName } from "./source.js";
import type { Command, CommandContext } from "../src/bot/command.js";

const PAGE = 10;
const MODAL_TTL_MS = 15 * 60_000;
const DOWNLOAD_TIMEOUT_MS = 15_000;

/** Options given with `/corpus add` (no file) are kept here until the form comes back; the custom id carries the key. */
const pendingForms = new Map<string, { metadata: DocumentInput["metadata"]; expires: number }>();

function forgetExpiredForms(now = Date.now()): void {
  for (const [key, form] of pendingForms) if (form.expires < now) pendingForms.delete(key);
}

/** A core InputError is a user's mistake: shown to them as it is. */
function asUserError(error: unknown): unknown {
  return error instanceof InputError ? new UserError(error.code, error.message) : error;
}

function describe(document: StoredDocument): string {
  const s = document.source;
  const title = escapeInline(s.title ?? s.path ?? document.id);
  const details = [
    s.publisher ? `publisher ${escapeInline(s.publisher)}` : null,
    s.author ? `author ${escapeInline(s.author)}` : null,
    s.date ? `date ${escapeInline(s.date)}${s.dateInferred ? " (inferred)" : ""}` : null,
    s.url ? `URL <${escapeInline(s.url)}>` : null,
  ].filter((x): x is string => x !== null);
  return `**${title}** (id \`${escapeInline(document.id)}\`)${details.length > 0 ? `\nDetected: ${details.join(" · ")}` : "\nNo publisher, author, date or URL detected."}`;
}

function diffLine(diff: CorpusDiff): string {
  const list = (items: string[]) => (items.length === 0 ? "none" : items.slice(0, 10).map((i) => `\`${escapeInline(i)}\``).join(", ") + (items.length > 10 ? ` and ${items.length - 10} more` : ""));
  return [
    `Added: ${list(diff.added)}`,
    `Changed: ${list(diff.changed)}`,
    `Removed: ${list(diff.removed)}`,
    `Passages: ${diff.passagesBefore} → ${diff.passagesAfter}`,
  ].join("\n");
}

/** Downloads an attachment, refusing to read more than `max` bytes whatever its declared size. */
async function download(url: string, max: number): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok || response.body === null) throw new UserError("download", "I couldn't download that attachment; please upload it again.");
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    size += part.value.length;
    if (size > max) {
      await reader.cancel();
      break;
    }
    chunks.push(Buffer.from(part.value));
  }
  // One byte over the limit is enough for the size check to refuse it with the limit in the message.
  return size > max ? Buffer.alloc(max + 1) : Buffer.concat(chunks);
}

/** Adds a document for a moderator already checked by `requireManager` (which gives `guildId` and `servers`). */
async function addDocument(
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  context: CommandContext,
  { guildId, servers }: Awaited<ReturnType<typeof requireManager>>,
  input: DocumentInput,
): Promise<void> {
  try {
    const { document, passages } = await servers.corpora.add(guildId, interaction.user.id, input);
    await audit(context.client, servers, context.logger, { guildId, userId: interaction.user.id, action: "add document", outcome: "ok", documentId: document.id, detail: document.source.title ?? undefined });
    await respond(interaction, [renderNotice(`Added ${describe(document)}\nIndexed ${passages} passage${passages === 1 ? "" : "s"}; answered only in this server.`)]);
  } catch (error) {
    if (error instanceof InputError) {
      await audit(context.client, servers, context.logger, { guildId, userId: interaction.user.id, action: "add document", outcome: "refused", detail: error.code });
    }
    throw asUserError(error);
  }
}

function listPage(documents: StoredDocument[], page: number): MessagePayload {
  const pages = Math.max(1, Math.ceil(documents.length / PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const lines = documents
    .slice((current - 1) * PAGE, current * PAGE)
    .map((d, i) => `${(current - 1) * PAGE + i + 1}. ${escapeInline(choiceName(d.source))} · \`${escapeInline(d.id)}\` · added <t:${Math.floor(Date.parse(d.addedAt) / 1000)}:d>`);
  const text = documents.length === 0 ? "This server has no documents of its own yet. Add one with `/corpus add`." : `**This server's documents** (page ${current} of ${pages}, ${documents.length} in all)\n${lines.join("\n")}`;
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`corpus:list:${current - 1}`).setLabel("Previous").setStyle(ButtonStyle.Secondary).setDisabled(current <= 1),
    new ButtonBuilder().setCustomId(`corpus:list:${current + 1}`).setLabel("Next").setStyle(ButtonStyle.Secondary).setDisabled(current >= pages),
  );
  return { ...renderNotice(text), components: documents.length > PAGE ? [row.toJSON()] : [] };
}

function documentOption(interaction: ChatInputCommandInteraction, documents: StoredDocument[]): StoredDocument {
  const id = interaction.options.getString("document", true).trim();
  const found = documents.find((d) => d.id === id);
  if (found === undefined) {
    throw new UserError("document-not-found", `This server has no document with the id \`${escapeInline(id.slice(0, 100))}\`. Pick one of the suggestions, or see \`/corpus list\`.`);
  }
  return found;
}

const documentArg = (description: string) => ({
  type: ApplicationCommandOptionType.String as const,
  name: "document",
  description,
  required: true,
  autocomplete: true,
});

export const corpus = {
  data: {
    name: "corpus",
    description: "Manage this server's own documents (Manage Server).",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "add",
        description: "Add a document from a .txt, .md or .html file, or type it into a form.",
        options: [
          { type: ApplicationCommandOptionType.Attachment, name: "file", description: "A .txt, .md or .html file (leave out to type the text)" },
          { type: ApplicationCommandOptionType.String, name: "title", description: "Title (overrides the file's)", max_length: 200 },
          { type: ApplicationCommandOptionType.String, name: "publisher", description: "Publisher", max_length: 200 },
          { type: ApplicationCommandOptionType.String, name: "author", description: "Author", max_length: 200 },
          { type: ApplicationCommandOptionType.String, name: "date", description: "Publication date, YYYY-MM-DD", max_length: 40 },
          { type: ApplicationCommandOptionType.String, name: "url", description: "Where the document is published", max_length: 500 },
        ],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: "remove", description: "Remove one of this server's documents.", options: [documentArg("The document to remove")] },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "list",
        description: "List this server's documents.",
        options: [{ type: ApplicationCommandOptionType.Integer, name: "page", description: "Page number", min_value: 1 }],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: "show", description: "Show one of this server's documents.", options: [documentArg("The document to show")] },
      { type: ApplicationCommandOptionType.Subcommand, name: "reindex", description: "Rebuild this server's index and show what changed." },
    ],
  },
  async execute(interaction, context) {
    const sub = interaction.options.getSubcommand();
    if (sub === "add") {
      const file = interaction.options.getAttachment("file");
      const metadata = {
        title: interaction.options.getString("title") ?? undefined,
        publisher: interaction.options.getString("publisher") ?? undefined,
        author: interaction.options.getString("author") ?? undefined,
        date: interaction.options.getString("date") ?? undefined,
        url: interaction.options.getString("url") ?? undefined,
      };
      if (file === null) {
        await requireManager(interaction, context.client, context.servers, context.logger, "add document");
        forgetExpiredForms();
        const key = randomBytes(6).toString("hex");
        pendingForms.set(key, { metadata, expires: Date.now() + MODAL_TTL_MS });
        const field = (id: string, label: string, style: TextInputStyle, required: boolean, value?: string, max = 200) => {
          const input = new TextInputBuilder().setCustomId(id).setLabel(label).setStyle(style).setRequired(required).setMaxLength(max);
          if (value !== undefined) input.setValue(value);
          return new ActionRowBuilder<TextInputBuilder>().addComponents(input);
        };
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId(`corpus:add:${key}`)
            .setTitle("Add a document")
            .addComponents(
              field("title", "Title", TextInputStyle.Short, true, metadata.title),
              field("text", "Text (quoted word for word)", TextInputStyle.Paragraph, true, undefined, 4000),
              field("publisher", "Publisher", TextInputStyle.Short, false, metadata.publisher),
              field("author", "Author", TextInputStyle.Short, false, metadata.author),
              field("date", "Date (YYYY-MM-DD)", TextInputStyle.Short, false, metadata.date, 40),
            ),
        );
        return;
      }
      const manager = await requireManager(interaction, context.client, context.servers, context.logger, "add document");
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const limit = manager.servers.maxUploadBytes;
      // Refuse on the declared size before downloading anything; the download itself also stops at the limit.
      const bytes = file.size > limit ? Buffer.alloc(limit + 1) : await download(file.url, limit);
      await addDocument(interaction, context, manager, { fileName: file.name, bytes, metadata });
      return;
    }
    const { guildId, servers } = await requireManager(interaction, context.client, context.servers, context.logger, `${sub} documents`);
    const documents = servers.corpora.documents(guildId);
    if (sub === "list") {
      await respond(interaction, [listPage(documents, interaction.options.getInteger("page") ?? 1)]);
    } else if (sub === "show") {
      const document = documentOption(interaction, documents);
      const view = context.answerer.document(document.id, guildId);
      if (view === null) throw new UserError("document-not-found", "That document is not indexed yet; try `/corpus reindex`.");
      await respond(interaction, renderDocument(view, { ephemeral: true }));
    } else if (sub === "remove") {
      const document = documentOption(interaction, documents);
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(`corpus:remove:${document.id}`).setLabel("Remove").setStyle(ButtonStyle.Danger),
        new ButtonBuilder().setCustomId("corpus:cancel").setLabel("Cancel").setStyle(ButtonStyle.Secondary),
      );
      await respond(interaction, [{ ...renderNotice(`Remove ${describe(document)}?\nIt will no longer be quoted, and its stored copy is deleted.`), components: [row.toJSON()] }]);
    } else if (sub === "reindex") {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const diff = await servers.corpora.reindex(guildId);
      await audit(context.client, servers, context.logger, { guildId, userId: interaction.user.id, action: "reindex", outcome: "ok", detail: `${diff.passagesBefore} → ${diff.passagesAfter} passages` });
      await respond(interaction, [renderNotice(`Reindexed this server's documents.\n${diffLine(diff)}`)]);
    }
  },
  async autocomplete(interaction, { servers }) {
    if (servers === undefined || interaction.guildId === null) return interaction.respond([]);
    const typed = interaction.options.getFocused().toLowerCase();
    const matches = servers.corpora
      .documents(interaction.guildId)
      .filter((d) => typed === "" || `${d.source.title ?? ""} ${d.source.publisher ?? ""} ${d.id}`.toLowerCase().includes(typed))
      .slice(0, 25);
    await interaction.respond(matches.map((d) => ({ name: choiceName(d.source), value: d.id })));
  },
  async modal(interaction, context) {
    const key = interaction.customId.split(":")[2] ?? "";
    const pending = pendingForms.get(key);
    pendingForms.delete(key);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const manager = await requireManager(interaction, context.client, context.servers, context.logger, "add document");
    const field = (id: string) => interaction.fields.getTextInputValue(id).trim() || undefined;
    await addDocument(interaction, context, manager, {
      text: interaction.fields.getTextInputValue("text"),
      metadata: { ...pending?.metadata, title: field("title"), publisher: field("publisher"), author: field("author"), date: field("date") },
    });
  },
  async button(interaction: ButtonInteraction, context) {
    const [, action, arg] = interaction.customId.split(":");
    if (action === "cancel") {
      await update(interaction, renderNotice("Nothing was removed."));
      return;
    }
    const { guildId, servers } = await requireManager(interaction, context.client, context.servers, context.logger, action === "list" ? "list documents" : "remove document");
    if (action === "list") {
      await update(interaction, listPage(servers.corpora.documents(guildId), Number(arg)));
      return;
    }
    if (action === "remove" && arg !== undefined) {
      const removed = await servers.corpora.remove(guildId, arg);
      if (removed === null) {
        await update(interaction, renderNotice("That document was already removed."));
        return;
      }
      await audit(context.client, servers, context.logger, { guildId, userId: interaction.user.id, action: "remove document", outcome: "ok", documentId: removed.id, detail: removed.source.title ?? undefined });
      await update(interaction, renderNotice(`Removed ${describe(removed)}.`));
    }
  },
} satisfies Command;
