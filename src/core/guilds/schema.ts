/**
 * What the guild store keeps, as types and as the zod shapes everything read from disk is checked against. What does
 * not fit a shape is set aside, never guessed at.
 */
import { createHash } from "node:crypto";
import { basename, extname } from "node:path";
import { z } from "zod";
import type { Source } from "../types.js";

export interface StoredDocument {
  /** Unique within the guild; [a-z0-9-], at most 64 characters, so safe as a file name. */
  id: string;
  /** `source.id === id`; `source.path` may hold the uploaded file's name (display only, never used as a path). */
  source: Source;
  /** The stored text quotes are cut from. */
  text: string;
  /** sha256 (hex) of `text` as UTF-8. */
  hash: string;
  addedBy: string;
  addedAt: string;
}

export interface GuildSettings {
  /** Channel ids where Verbatim answers; empty = everywhere. */
  channels: string[];
  ephemeralByDefault: boolean;
  /** null = the bot's global default. */
  cooldownSeconds: number | null;
  auditChannelId: string | null;
}

export interface AuditEntry {
  at: string;
  guildId: string;
  userId: string;
  action: string;
  outcome: "ok" | "refused" | "failed";
  documentId?: string;
  detail?: string;
}

export interface QuestionRecord {
  at: string;
  /** What was asked; empty for a private question (its text is never stored). */
  question: string;
  answered: boolean;
  /** Asked with a private answer (`hide: true`, or the server's default): counted in /stats, never shown. */
  private?: true;
}

export interface DocumentInput {
  source: Omit<Source, "id">;
  text: string;
  addedBy: string;
}

/** A refused call (invalid guild id, invalid settings) or a store that cannot be opened. */
export class GuildStoreError extends Error {
  override name = "GuildStoreError";
}

/** A document whose text the guild already stores (refused by the store: a unique constraint on the text's hash). */
export class DuplicateDocumentError extends GuildStoreError {
  override name = "DuplicateDocumentError";
  constructor(readonly existing: StoredDocument) {
    super(`that text is already stored as ${existing.id}`);
  }
}

/** Adding would take the guild past its document quota (checked by the store, in the same step as the write). */
export class DocumentQuotaError extends GuildStoreError {
  override name = "DocumentQuotaError";
  constructor(
    readonly count: number,
    readonly max: number,
  ) {
    super(`the guild already stores ${count} documents, the most it may (${max})`);
  }
}

/** What a write of documents must respect, checked by the store with no other write to the guild in between. */
export interface AddOptions {
  /** The guild may hold at most this many documents once the write is done; past it nothing is written. */
  maxDocuments?: number;
}

export const DEFAULT_SETTINGS: Readonly<GuildSettings> = Object.freeze({
  channels: [],
  ephemeralByDefault: false,
  cooldownSeconds: null,
  auditChannelId: null,
});

export const SNOWFLAKE = /^\d{1,20}$/;
export const DOCUMENT_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const DOCUMENT_FILE = /^([a-z0-9-]{1,64})\.json$/;
const SLUG_MAX = 55; // + "-" + 8 hex = 64

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

const snowflake = z.string().regex(SNOWFLAKE);
export const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a timestamp");
const userId = z.string().min(1).max(100);

const SourceSchema = z.strictObject({
  id: z.string().regex(DOCUMENT_ID),
  title: z.string().nullable(),
  publisher: z.string().nullable(),
  author: z.string().nullable(),
  date: z.string().nullable(),
  dateInferred: z.boolean().optional(),
  url: z.string().nullable(),
  path: z.string().nullable(),
});

export const StoredDocumentSchema = z.strictObject({
  id: z.string().regex(DOCUMENT_ID),
  source: SourceSchema,
  text: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  addedBy: userId,
  addedAt: isoTime,
});

export const DocumentFileSchema = z.strictObject({ seq: z.number().int().min(0), document: StoredDocumentSchema });

export const SettingsSchema = z.strictObject({
  channels: z.array(snowflake).max(500),
  ephemeralByDefault: z.boolean(),
  cooldownSeconds: z.number().int().min(0).max(86_400).nullable(),
  auditChannelId: snowflake.nullable(),
});
export const SettingsPatchSchema = SettingsSchema.partial();

export const AuditEntrySchema = z.strictObject({
  at: isoTime,
  guildId: snowflake,
  userId,
  action: z.string().min(1).max(100),
  outcome: z.enum(["ok", "refused", "failed"]),
  documentId: z.string().max(64).optional(),
  detail: z.string().max(4000).optional(),
});

export const QuestionRecordSchema = z.strictObject({
  at: isoTime,
  question: z.string().max(4000),
  answered: z.boolean(),
  private: z.literal(true).optional(),
});

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`)
    .join("; ");
}

/** `bytes` as JSON checked against `schema`, or null when it is not JSON or not valid (the caller says which file). */
export function jsonAs<T>(schema: z.ZodType<T>, bytes: Buffer): T | null {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function checkGuildId(guildId: string): void {
  if (typeof guildId !== "string" || !SNOWFLAKE.test(guildId)) {
    throw new GuildStoreError(
      `invalid guild id ${JSON.stringify(String(guildId).slice(0, 40))} (expected a snowflake)`,
    );
  }
}

/** "Some Title: Part 2" -> "some-title-part-2"; at most SLUG_MAX characters, never empty. */
function slugify(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, SLUG_MAX)
    .replace(/^-+|-+$/g, "");
  return slug || "document";
}

export function documentIdFor(source: Omit<Source, "id">, suffix: string): string {
  const base = source.title ?? (source.path ? basename(source.path, extname(source.path)) : null) ?? "document";
  return `${slugify(base)}-${suffix}`;
}

export function frozenDocument(document: StoredDocument): StoredDocument {
  return Object.freeze({ ...document, source: Object.freeze({ ...document.source }) });
}

/** A document input checked with the schema open() reads with (the id is a stand-in), so what is stored reads back. */
export function checkedDocument(input: DocumentInput): Omit<StoredDocument, "id" | "addedAt"> {
  const source = input?.source ?? {};
  const fields = {
    source: {
      title: source.title ?? null,
      publisher: source.publisher ?? null,
      author: source.author ?? null,
      date: source.date ?? null,
      ...(source.dateInferred === undefined ? {} : { dateInferred: source.dateInferred }),
      url: source.url ?? null,
      path: source.path ?? null,
    },
    text: input?.text,
    hash: typeof input?.text === "string" ? sha256(input.text) : "",
    addedBy: input?.addedBy,
  };
  const checked = StoredDocumentSchema.safeParse({
    id: "pending",
    ...fields,
    source: { id: "pending", ...fields.source },
    addedAt: new Date(0).toISOString(),
  });
  if (!checked.success) throw new GuildStoreError(`invalid document (${describeIssues(checked.error)})`);
  const { id: _id, addedAt: _at, ...rest } = checked.data;
  const { id: _sid, ...sourceRest } = rest.source;
  return { ...rest, source: sourceRest as StoredDocument["source"] };
}
