/**
 * /corpus: a server's own documents. Visible by default only to members with Manage Server and never in DMs; every
 * subcommand re-checks that permission on our side and audits what it did (or refused).
 */
import {
  ApplicationCommandOptionType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type ButtonInteraction,
  type Client,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
} from "discord.js";
import { randomBytes } from "node:crypto";
import { InputError, type DocumentInput, type StoredDocument } from "../src/core/index.js";
import { audit } from "../src/bot/guilds.js";
import { withProgress } from "../src/bot/progress.js";
import { UserError } from "../src/discord/errors.js";
import {
  REFUSALS,
  choiceName,
  downloadFailedText,
  escapeInline,
  renderAddForm,
  renderAdded,
  renderAddedWithoutUrl,
  renderDocument,
  renderDocumentList,
  renderNothingRemoved,
  renderNotice,
  renderProgress,
  renderReindexed,
  renderRemoveConfirmation,
  renderRemoved,
  tooLargeText,
} from "../src/discord/render/index.js";
import { respond, update } from "../src/discord/respond.js";
import type { Command, ManagerContext } from "../src/bot/command.js";

const MODAL_TTL_MS = 15 * 60_000;
const CUSTOM_ID_MAX = 100;

/**
 * A URL given with `/corpus add` (no file) that does not fit in the form's custom id is kept in the running bot's
 * memory (per client: a restarted bot starts empty) until the form comes back; every other option is filled into the
 * form itself, so it survives a restart.
 */
const pendingUrlsByClient = new WeakMap<Client, Map<string, { url: string; expires: number }>>();

function pendingUrls(client: Client): Map<string, { url: string; expires: number }> {
  let forms = pendingUrlsByClient.get(client);
  if (forms === undefined) {
    forms = new Map();
    pendingUrlsByClient.set(client, forms);
  }
  const now = Date.now();
  for (const [key, form] of forms) if (form.expires < now) forms.delete(key);
  return forms;
}

/**
 * The form's custom id: `corpus:add:<key>`, then the URL itself when it fits in Discord's 100 characters (kept across
 * a restart), or `+` when it is held in memory only.
 */
function formCustomId(key: string, url: string | undefined): string {
  const base = `corpus:add:${key}`;
  if (url === undefined) return base;
  return base.length + 1 + url.length <= CUSTOM_ID_MAX ? `${base}:${url}` : `${base}:+`;
}

function downloadError(cause: { timedOutAfterMs?: number; status?: number }, error?: unknown): UserError {
  return new UserError("download", downloadFailedText(cause), { cause: error });
}

const isTimeout = (error: unknown) => error instanceof Error && error.name === "TimeoutError";

/**
 * Downloads an attachment, refusing to read more than `max` bytes whatever its declared size. A failed, refused or
 * timed-out download is a UserError saying so: nothing was added.
 */
async function download(url: string, max: number, timeoutMs: number): Promise<Buffer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    throw downloadError(isTimeout(error) ? { timedOutAfterMs: timeoutMs } : {}, error);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    throw downloadError({ status: response.status });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      size += part.value.length;
      if (size > max) {
        await reader.cancel();
        throw new UserError("too-large", tooLargeText(null, max));
      }
      chunks.push(Buffer.from(part.value));
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw downloadError(isTimeout(error) ? { timedOutAfterMs: timeoutMs } : {}, error);
  }
  return Buffer.concat(chunks);
}

/** Adds a document for a moderator (the interaction is already acknowledged), answers, then audits. */
async function addDocument(
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  context: ManagerContext,
  input: DocumentInput,
  opts: { urlLost?: boolean } = {},
): Promise<void> {
  const { guildId, guilds } = context;
  const userId = interaction.user.id;
  try {
    const { document, passages } = await guilds.corpora.add(guildId, userId, input);
    const added = renderAdded(document, passages);
    await respond(interaction, [opts.urlLost === true ? renderAddedWithoutUrl(added) : added]);
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
        const key = randomBytes(6).toString("hex");
        const customId = formCustomId(key, metadata.url);
        const inMemory = customId.endsWith(":+");
        if (inMemory && metadata.url !== undefined)
          pendingUrls(context.client).set(key, { url: metadata.url, expires: Date.now() + MODAL_TTL_MS });
        await interaction.showModal(renderAddForm(customId, metadata, inMemory));
        return;
      }
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const limit = guilds.maxUploadBytes;
      try {
        // Refuse on the declared size before downloading anything (saying the real size); the download itself also
        // stops at the limit.
        if (file.size > limit) throw new UserError("too-large", tooLargeText(file.size, limit));
        const bytes = await download(file.url, limit, guilds.downloadTimeoutMs);
        await addDocument(interaction, context, { fileName: file.name, bytes, metadata });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        await respond(interaction, [renderNotice(error.message)]);
        await audit(context.client, guilds, context.logger, {
          guildId,
          userId: interaction.user.id,
          action: "add document",
          outcome: "refused",
          detail: error.identifier,
        });
      }
      return;
    }
    const documents = guilds.corpora.documents(guildId);
    if (sub === "list") {
      await respond(interaction, [renderDocumentList(documents, interaction.options.getInteger("page") ?? 1)]);
    } else if (sub === "show") {
      const document = documentOption(interaction, documents);
      const view = context.answerer.document(document.id, guildId);
      if (view === null) throw new UserError("document-not-found", REFUSALS.documentNotIndexed);
      await respond(interaction, renderDocument(view, { ephemeral: true }));
    } else if (sub === "remove") {
      await respond(interaction, [renderRemoveConfirmation(documentOption(interaction, documents))]);
    } else if (sub === "reindex") {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const diff = await withProgress(
        interaction,
        (progress) => renderProgress("reindex", progress),
        (onProgress) => guilds.corpora.reindex(guildId, { onProgress }),
        context.logger,
      );
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
    const [, , key = "", ...rest] = interaction.customId.split(":");
    const carried = rest.join(":");
    const forms = pendingUrls(context.client);
    const pending = forms.get(key);
    forms.delete(key);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    // The URL rides in the custom id when it fits; else it was held in memory, which a restart empties.
    const url = carried === "+" ? pending?.url : carried === "" ? undefined : carried;
    const field = (id: string) => interaction.fields.getTextInputValue(id).trim() || undefined;
    await addDocument(
      interaction,
      context,
      {
        text: interaction.fields.getTextInputValue("text"),
        metadata: {
          title: field("title"),
          publisher: field("publisher"),
          author: field("author"),
          date: field("date"),
          url,
        },
      },
      { urlLost: carried === "+" && pending === undefined },
    );
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
