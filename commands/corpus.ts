/**
 * /corpus: a server's own documents. Visible by default only to members with Manage Server and never in DMs; every
 * subcommand re-checks that permission on our side and audits what it did (or refused).
 */
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
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
import { InputError, type DocumentInput, type StoredDocument } from "../src/core/index.js";
import { audit } from "../src/bot/guilds.js";
import { UserError } from "../src/discord/errors.js";
import {
  choiceName,
  escapeInline,
  renderAdded,
  renderDocument,
  renderDocumentList,
  renderNothingRemoved,
  renderNotice,
  renderReindexed,
  renderRemoveConfirmation,
  renderRemoved,
} from "../src/discord/render/index.js";
import { respond, update } from "../src/discord/respond.js";
import type { Command, ManagerContext } from "../src/bot/command.js";

const MODAL_TTL_MS = 15 * 60_000;
const DOWNLOAD_TIMEOUT_MS = 15_000;

/** Options given with `/corpus add` (no file) are kept here until the form comes back; the custom id carries the key. */
const pendingForms = new Map<string, { metadata: DocumentInput["metadata"]; expires: number }>();

function forgetExpiredForms(now = Date.now()): void {
  for (const [key, form] of pendingForms) if (form.expires < now) pendingForms.delete(key);
}

/** Downloads an attachment, refusing to read more than `max` bytes whatever its declared size. */
async function download(url: string, max: number): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok || response.body === null)
    throw new UserError("download", "I couldn't download that attachment; please upload it again.");
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

/** Adds a document for a moderator (the interaction is already acknowledged), answers, then audits. */
async function addDocument(
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  context: ManagerContext,
  input: DocumentInput,
): Promise<void> {
  const { guildId, guilds } = context;
  const userId = interaction.user.id;
  try {
    const { document, passages } = await guilds.corpora.add(guildId, userId, input);
    await respond(interaction, [renderAdded(document, passages)]);
    await audit(context.client, guilds, context.logger, {
      guildId,
      userId,
      action: "add document",
      outcome: "ok",
      documentId: document.id,
      detail: document.source.title ?? undefined,
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // A core InputError is a moderator's mistake: shown as it is, then audited as refused.
    await respond(interaction, [renderNotice(error.message)]);
    await audit(context.client, guilds, context.logger, {
      guildId,
      userId,
      action: "add document",
      outcome: "refused",
      detail: error.code,
    });
  }
}

function documentOption(interaction: ChatInputCommandInteraction, documents: StoredDocument[]): StoredDocument {
  const id = interaction.options.getString("document", true).trim();
  const found = documents.find((d) => d.id === id);
  if (found === undefined) {
    throw new UserError(
      "document-not-found",
      `This server has no document with the id \`${escapeInline(id.slice(0, 100))}\`. Pick one of the suggestions, or see \`/corpus list\`.`,
    );
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
        description: "Add a document from a file (text, Markdown, HTML, PDF, DOCX, man page), or type it in a form.",
        options: [
          {
            type: ApplicationCommandOptionType.Attachment,
            name: "file",
            description: "A .txt, .md, .html, .pdf, .docx or man page (.1–.9) file (leave out to type the text)",
          },
          {
            type: ApplicationCommandOptionType.String,
            name: "title",
            description: "Title (overrides the file's)",
            max_length: 200,
          },
          { type: ApplicationCommandOptionType.String, name: "publisher", description: "Publisher", max_length: 200 },
          { type: ApplicationCommandOptionType.String, name: "author", description: "Author", max_length: 200 },
          {
            type: ApplicationCommandOptionType.String,
            name: "date",
            description: "Publication date, YYYY-MM-DD",
            max_length: 40,
          },
          {
            type: ApplicationCommandOptionType.String,
            name: "url",
            description: "Where the document is published",
            max_length: 500,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "remove",
        description: "Remove one of this server's documents.",
        options: [documentArg("The document to remove")],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "list",
        description: "List this server's documents.",
        options: [
          { type: ApplicationCommandOptionType.Integer, name: "page", description: "Page number", min_value: 1 },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "show",
        description: "Show one of this server's documents.",
        options: [documentArg("The document to show")],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "reindex",
        description: "Rebuild this server's index and show what changed.",
      },
    ],
  },
  requires: "manager",
  async execute(interaction, context) {
    const { guildId, guilds } = context;
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
        forgetExpiredForms();
        const key = randomBytes(6).toString("hex");
        pendingForms.set(key, { metadata, expires: Date.now() + MODAL_TTL_MS });
        const field = (
          id: string,
          label: string,
          style: TextInputStyle,
          required: boolean,
          value?: string,
          max = 200,
        ) => {
          const input = new TextInputBuilder()
            .setCustomId(id)
            .setLabel(label)
            .setStyle(style)
            .setRequired(required)
            .setMaxLength(max);
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
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const limit = guilds.maxUploadBytes;
      // Refuse on the declared size before downloading anything; the download itself also stops at the limit.
      const bytes = file.size > limit ? Buffer.alloc(limit + 1) : await download(file.url, limit);
      await addDocument(interaction, context, { fileName: file.name, bytes, metadata });
      return;
    }
    const documents = guilds.corpora.documents(guildId);
    if (sub === "list") {
      await respond(interaction, [renderDocumentList(documents, interaction.options.getInteger("page") ?? 1)]);
    } else if (sub === "show") {
      const document = documentOption(interaction, documents);
      const view = context.answerer.document(document.id, guildId);
      if (view === null)
        throw new UserError("document-not-found", "That document is not indexed yet; try `/corpus reindex`.");
      await respond(interaction, renderDocument(view, { ephemeral: true }));
    } else if (sub === "remove") {
      await respond(interaction, [renderRemoveConfirmation(documentOption(interaction, documents))]);
    } else if (sub === "reindex") {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const diff = await guilds.corpora.reindex(guildId);
      await respond(interaction, [renderReindexed(diff)]);
      await audit(context.client, guilds, context.logger, {
        guildId,
        userId: interaction.user.id,
        action: "reindex",
        outcome: "ok",
        detail: `${diff.passagesBefore} → ${diff.passagesAfter} passages`,
      });
    }
  },
  async autocomplete(interaction, { guildId, guilds }) {
    const typed = interaction.options.getFocused().toLowerCase();
    const matches = guilds.corpora
      .documents(guildId)
      .filter(
        (d) =>
          typed === "" || `${d.source.title ?? ""} ${d.source.publisher ?? ""} ${d.id}`.toLowerCase().includes(typed),
      )
      .slice(0, 25);
    await interaction.respond(matches.map((d) => ({ name: choiceName(d.source), value: d.id })));
  },
  async modal(interaction, context) {
    const key = interaction.customId.split(":")[2] ?? "";
    const pending = pendingForms.get(key);
    pendingForms.delete(key);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const field = (id: string) => interaction.fields.getTextInputValue(id).trim() || undefined;
    await addDocument(interaction, context, {
      text: interaction.fields.getTextInputValue("text"),
      metadata: {
        ...pending?.metadata,
        title: field("title"),
        publisher: field("publisher"),
        author: field("author"),
        date: field("date"),
      },
    });
  },
  async button(interaction: ButtonInteraction, context) {
    const [, action, arg] = interaction.customId.split(":");
    const { guildId, guilds } = context;
    if (action === "cancel") {
      await update(interaction, renderNothingRemoved());
      return;
    }
    if (action === "list") {
      await update(interaction, renderDocumentList(guilds.corpora.documents(guildId), Number(arg)));
      return;
    }
    if (action === "remove" && arg !== undefined) {
      // Removing waits for the disk: acknowledge the click first.
      await interaction.deferUpdate();
      const removed = await guilds.corpora.remove(guildId, arg);
      await update(interaction, renderRemoved(removed));
      if (removed !== null) {
        await audit(context.client, guilds, context.logger, {
          guildId,
          userId: interaction.user.id,
          action: "remove document",
          outcome: "ok",
          documentId: removed.id,
          detail: removed.source.title ?? undefined,
        });
      }
    }
  },
} satisfies Command;
