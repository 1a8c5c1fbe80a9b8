/**
 * Per-guild state: each server's own documents, its settings, its audit log and its question log, kept on disk under
 * `<dataDir>/guilds/<guildId>/` and in memory.
 *
 * Layout (schema version 1):
 *   guilds/schema.json                     {"format":"verbatim-guilds","version":1}
 *   guilds/<guildId>/documents/<id>.json   one document per file: {"seq": n, "document": StoredDocument}
 *   guilds/<guildId>/settings.json         GuildSettings (absent: defaults)
 *   guilds/<guildId>/audit.jsonl           one AuditEntry per line, append-only
 *   guilds/<guildId>/questions.jsonl       one QuestionRecord per line, append-only
 *   guilds/<guildId>/quarantine/           files found corrupt on open, set aside and never served
 *   guilds/<guildId>/documents.v0.json     the version-0 file, kept after migrating it
 *
 * Crash safety: a document or settings file is written whole to a `.tmp-*` file, fsynced, renamed over its final name
 * and the directory fsynced before the call resolves, so a crash leaves either the complete file or none (plus a temp
 * file that open() deletes and that is never read). Removal is unlink + directory fsync. Logs are appended a whole
 * line at a time and fsynced; a line cut short by a crash is the last one, and open() truncates it away. A document
 * whose bytes do not parse, or whose hash does not match its text, is moved to quarantine/ and reported in `problems`.
 *
 * One process owns a data directory at a time. Writes to one guild are serialised by a keyed lock; different guilds
 * write independently.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { z } from "zod";
import { TEMP_PREFIX, appendDurably, replaceDurably, syncDir } from "../storage/durable.js";
import { KeyedMutex } from "../storage/mutex.js";
import type { LoadProblem, Source } from "../types.js";

export const STORE_SCHEMA_VERSION = 1;
/** Questions older than this are dropped (from memory and from the log) when the store opens. */
export const QUESTION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

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
  question: string;
  answered: boolean;
}

export interface DocumentInput {
  source: Omit<Source, "id">;
  text: string;
  addedBy: string;
}

export interface GuildStoreOptions {
  /** Clock for question retention (tests). Default `Date.now`. */
  now?: () => number;
}

/** A refused call (invalid guild id, invalid settings) or a store that cannot be opened. */
export class GuildStoreError extends Error {
  override name = "GuildStoreError";
}

export const DEFAULT_SETTINGS: Readonly<GuildSettings> = Object.freeze({
  channels: [],
  ephemeralByDefault: false,
  cooldownSeconds: null,
  auditChannelId: null,
});

const FORMAT = "verbatim-guilds";
const SNOWFLAKE = /^\d{1,20}$/;
const DOCUMENT_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const DOCUMENT_FILE = /^([a-z0-9-]{1,64})\.json$/;
const SLUG_MAX = 55; // + "-" + 8 hex = 64

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

// ---------------------------------------------------------------------------------------------------------------------
// Shapes of what is on disk. Everything read is validated; what does not fit is set aside, never guessed at.

const snowflake = z.string().regex(SNOWFLAKE);
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a timestamp");
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

const StoredDocumentSchema = z.strictObject({
  id: z.string().regex(DOCUMENT_ID),
  source: SourceSchema,
  text: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  addedBy: userId,
  addedAt: isoTime,
});

const DocumentFileSchema = z.strictObject({ seq: z.number().int().min(0), document: StoredDocumentSchema });

const SettingsSchema = z.strictObject({
  channels: z.array(snowflake).max(500),
  ephemeralByDefault: z.boolean(),
  cooldownSeconds: z.number().int().min(0).max(86_400).nullable(),
  auditChannelId: snowflake.nullable(),
});
const SettingsPatchSchema = SettingsSchema.partial();

const AuditEntrySchema = z.strictObject({
  at: isoTime,
  guildId: snowflake,
  userId,
  action: z.string().min(1).max(100),
  outcome: z.enum(["ok", "refused", "failed"]),
  documentId: z.string().max(64).optional(),
  detail: z.string().max(4000).optional(),
});

const QuestionRecordSchema = z.strictObject({ at: isoTime, question: z.string(), answered: z.boolean() });

const SchemaFileSchema = z.object({ format: z.literal(FORMAT), version: z.number().int().min(0) });

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`)
    .join("; ");
}

// ---------------------------------------------------------------------------------------------------------------------
// Small helpers.

function checkGuildId(guildId: string): void {
  if (typeof guildId !== "string" || !SNOWFLAKE.test(guildId)) {
    throw new GuildStoreError(
      `invalid guild id ${JSON.stringify(String(guildId).slice(0, 40))} (expected a snowflake)`,
    );
  }
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ENOENT";

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/** Deletes `.tmp-*` entries left by a crash. They were never renamed into place, so nothing refers to them. */
async function removeTemps(dir: string): Promise<void> {
  for (const name of await listDir(dir)) {
    if (name.startsWith(TEMP_PREFIX)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
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

function documentIdFor(source: Omit<Source, "id">, suffix: string): string {
  const base = source.title ?? (source.path ? basename(source.path, extname(source.path)) : null) ?? "document";
  return `${slugify(base)}-${suffix}`;
}

function frozenDocument(document: StoredDocument): StoredDocument {
  return Object.freeze({ ...document, source: Object.freeze({ ...document.source }) });
}

/** Moves a corrupt file into the guild's quarantine/ folder and reports it. It is never served from there. */
async function quarantine(guildDir: string, path: string, reason: string, problems: LoadProblem[]): Promise<void> {
  const folder = join(guildDir, "quarantine");
  const target = join(folder, `${basename(path)}.${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`);
  try {
    await mkdir(folder, { recursive: true });
    await rename(path, target);
    await syncDir(folder);
    await syncDir(dirname(path));
    await syncDir(guildDir);
    problems.push({ path, reason: `${reason}; moved to ${target}` });
  } catch (error) {
    problems.push({
      path,
      reason: `${reason}; not served (could not move it to quarantine: ${(error as Error).message})`,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Append-only JSON-lines logs.

interface LogFile {
  path: string;
  /** Bytes of whole lines in the file: where the next line goes. */
  size: number;
  /** A failed append may have left part of a line; cut the file back to `size` before the next one. */
  dirty: boolean;
  /** The directory entry has been fsynced by this process (done once, before the first acknowledged append). */
  dirSynced: boolean;
}

async function truncateDurably(path: string, size: number): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r+");
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  try {
    await handle.truncate(size);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Reads a JSON-lines log. A last line without its newline is what a crash mid-append leaves: it is reported and cut
 * off (so the next append starts on a fresh line). Other unreadable lines are reported and skipped.
 */
async function readLog<T>(
  path: string,
  schema: z.ZodType<T>,
  problems: LoadProblem[],
): Promise<{ entries: T[]; log: LogFile }> {
  const bytes = await readIfExists(path);
  const log: LogFile = { path, size: 0, dirty: false, dirSynced: false };
  if (bytes === null) return { entries: [], log };
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) {
    await truncateDurably(path, end);
    problems.push({
      path,
      reason: `last line was cut short (${bytes.length - end} bytes, an append interrupted by a crash); removed`,
    });
  }
  log.size = end;
  const entries: T[] = [];
  const lines = bytes.subarray(0, end).toString("utf8").split("\n");
  lines.pop(); // after the final newline
  lines.forEach((line, index) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ path, reason: `line ${index + 1} is not JSON; ignored` });
      return;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
    else
      problems.push({
        path,
        reason: `line ${index + 1} is not a valid entry (${describeIssues(parsed.error)}); ignored`,
      });
  });
  return { entries, log };
}

// ---------------------------------------------------------------------------------------------------------------------
// Schema versions and migrations. MIGRATIONS[n] turns a version-n layout into version n+1; each step must be safe to
// re-run after a crash, because schema.json is only rewritten once the step has finished.

type Migration = (root: string, problems: LoadProblem[]) => Promise<void>;

/** `bytes` as JSON checked against `schema`, or null when it is not JSON or not valid (the caller says which file). */
function jsonAs<T>(schema: z.ZodType<T>, bytes: Buffer): T | null {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Version 0 (before this module): per guild, one `documents.json` holding `{ "documents": [{ id, source, text,
 * addedBy, addedAt }] }` (no hash; ids not guaranteed file-safe) and a `settings.json` that may lack newer keys.
 * Each document becomes its own file, keeping its id when that is safe and unused (otherwise a deterministic new one,
 * so a re-run after a crash writes the same files); the old file is kept as `documents.v0.json`.
 */
const LegacySourceSchema = z.object({
  title: z.string().nullable().optional(),
  publisher: z.string().nullable().optional(),
  author: z.string().nullable().optional(),
  date: z.string().nullable().optional(),
  dateInferred: z.boolean().optional(),
  url: z.string().nullable().optional(),
  path: z.string().nullable().optional(),
});
const LegacyDocumentSchema = z.object({
  id: z.string(),
  source: LegacySourceSchema.optional(),
  title: z.string().nullable().optional(),
  text: z.string(),
  addedBy: z.string().min(1).max(100).optional(),
  addedAt: isoTime.optional(),
});
const LegacyFileSchema = z.object({ documents: z.array(z.unknown()) });

async function migrateV0toV1(root: string, problems: LoadProblem[]): Promise<void> {
  for (const guildId of await listDir(root)) {
    if (!SNOWFLAKE.test(guildId)) continue;
    const dir = join(root, guildId);
    if (!(await stat(dir)).isDirectory()) continue;

    const legacyPath = join(dir, "documents.json");
    const legacyBytes = await readIfExists(legacyPath);
    if (legacyBytes !== null) {
      const legacy = jsonAs(LegacyFileSchema, legacyBytes);
      if (legacy === null) {
        await quarantine(dir, legacyPath, "version-0 documents file is unreadable", problems);
      } else {
        const docsDir = join(dir, "documents");
        await mkdir(docsDir, { recursive: true });
        await syncDir(dir);
        const used = new Set<string>();
        for (const [index, raw] of legacy.documents.entries()) {
          const parsed = LegacyDocumentSchema.safeParse(raw);
          if (!parsed.success) {
            problems.push({
              path: legacyPath,
              reason: `document ${index + 1} is not valid (${describeIssues(parsed.error)}); kept only in documents.v0.json`,
            });
            continue;
          }
          const old = parsed.data;
          const source = {
            title: old.source?.title ?? old.title ?? null,
            publisher: old.source?.publisher ?? null,
            author: old.source?.author ?? null,
            date: old.source?.date ?? null,
            ...(old.source?.dateInferred === undefined ? {} : { dateInferred: old.source.dateInferred }),
            url: old.source?.url ?? null,
            path: old.source?.path ?? null,
          };
          const id =
            DOCUMENT_ID.test(old.id) && !used.has(old.id)
              ? old.id
              : documentIdFor(source, sha256(`${index}:${old.id}`).slice(0, 8));
          used.add(id);
          const document: StoredDocument = {
            id,
            source: { id, ...source },
            text: old.text,
            hash: sha256(old.text),
            addedBy: old.addedBy ?? "unknown",
            addedAt: old.addedAt ?? new Date(0).toISOString(),
          };
          await replaceDurably(join(docsDir, `${id}.json`), JSON.stringify({ seq: index, document }));
        }
        await rename(legacyPath, join(dir, "documents.v0.json"));
        await syncDir(dir);
      }
    }

    const settingsPath = join(dir, "settings.json");
    const settingsBytes = await readIfExists(settingsPath);
    if (settingsBytes !== null) {
      const patch = jsonAs(SettingsPatchSchema, settingsBytes);
      const settings: GuildSettings | null = patch === null ? null : { ...DEFAULT_SETTINGS, ...patch };
      if (settings === null) await quarantine(dir, settingsPath, "version-0 settings file is unreadable", problems);
      else await replaceDurably(settingsPath, JSON.stringify(settings, null, 2));
    }
  }
}

const MIGRATIONS: readonly Migration[] = [migrateV0toV1];
if (MIGRATIONS.length !== STORE_SCHEMA_VERSION)
  throw new GuildStoreError("a migration is missing for the store schema version");

async function writeSchema(root: string, version: number): Promise<void> {
  await replaceDurably(join(root, "schema.json"), `${JSON.stringify({ format: FORMAT, version })}\n`);
}

/** The layout's version: from schema.json; without it, 0 if guild folders exist (written before versioning), else new. */
async function layoutVersion(root: string): Promise<number | null> {
  const path = join(root, "schema.json");
  const bytes = await readIfExists(path);
  if (bytes !== null) {
    const schema = jsonAs(SchemaFileSchema, bytes);
    // Guessing a version could run the wrong migration over people's documents: refuse instead.
    if (schema === null)
      throw new GuildStoreError(
        `${path} is unreadable; restore it (e.g. {"format":"${FORMAT}","version":${STORE_SCHEMA_VERSION}})`,
      );
    return schema.version;
  }
  const guilds = (await listDir(root)).filter((name) => SNOWFLAKE.test(name));
  return guilds.length > 0 ? 0 : null;
}

// ---------------------------------------------------------------------------------------------------------------------

interface GuildState {
  dir: string;
  /** In insertion order (Map iteration order). */
  documents: Map<string, StoredDocument>;
  nextSeq: number;
  settings: GuildSettings;
  audit: AuditEntry[];
  questions: QuestionRecord[];
  auditFile: LogFile;
  questionFile: LogFile;
  /** The guild's folders exist and their entries are durable (done once per process). */
  ready: Promise<void> | null;
}

async function loadGuild(root: string, guildId: string, problems: LoadProblem[], now: number): Promise<GuildState> {
  const dir = join(root, guildId);
  const docsDir = join(dir, "documents");
  await removeTemps(dir);
  await removeTemps(docsDir);

  const loaded: Array<{ seq: number; document: StoredDocument }> = [];
  for (const name of await listDir(docsDir)) {
    const path = join(docsDir, name);
    const match = DOCUMENT_FILE.exec(name);
    if (!match) {
      problems.push({ path, reason: "not a document file; ignored" });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      await quarantine(dir, path, `unreadable document (${(error as Error).message})`, problems);
      continue;
    }
    const parsed = DocumentFileSchema.safeParse(value);
    if (!parsed.success) {
      await quarantine(dir, path, `invalid document (${describeIssues(parsed.error)})`, problems);
      continue;
    }
    const { seq, document } = parsed.data;
    if (document.id !== match[1] || document.source.id !== document.id) {
      await quarantine(dir, path, "document id does not match its file name", problems);
      continue;
    }
    if (sha256(document.text) !== document.hash) {
      await quarantine(dir, path, "document text does not match its hash", problems);
      continue;
    }
    loaded.push({ seq, document: frozenDocument(document) });
  }
  loaded.sort((a, b) => a.seq - b.seq || (a.document.id < b.document.id ? -1 : 1));

  let settings: GuildSettings = { ...DEFAULT_SETTINGS, channels: [] };
  const settingsPath = join(dir, "settings.json");
  const settingsBytes = await readIfExists(settingsPath);
  if (settingsBytes !== null) {
    const stored = jsonAs(SettingsSchema, settingsBytes);
    if (stored !== null) settings = stored;
    else await quarantine(dir, settingsPath, "unreadable settings; defaults apply until they are set again", problems);
  }

  const audit = await readLog(join(dir, "audit.jsonl"), AuditEntrySchema, problems);
  const questionLog = await readLog(join(dir, "questions.jsonl"), QuestionRecordSchema, problems);
  const cutoff = now - QUESTION_RETENTION_MS;
  const questions = questionLog.entries.filter((q) => Date.parse(q.at) >= cutoff);
  if (questions.length < questionLog.entries.length) {
    const text = questions.map((q) => `${JSON.stringify(q)}\n`).join("");
    await replaceDurably(questionLog.log.path, text);
    questionLog.log.size = Buffer.byteLength(text);
    questionLog.log.dirSynced = true;
  }

  return {
    dir,
    documents: new Map(loaded.map(({ document }) => [document.id, document])),
    nextSeq: loaded.length > 0 ? Math.max(...loaded.map((d) => d.seq)) + 1 : 0,
    settings,
    audit: audit.entries.map((entry) => Object.freeze(entry)),
    questions: questions.map((q) => Object.freeze(q)),
    auditFile: audit.log,
    questionFile: questionLog.log,
    ready: null,
  };
}

export class GuildStore {
  private readonly locks = new KeyedMutex();

  private constructor(
    private readonly root: string,
    private readonly guilds: Map<string, GuildState>,
    /** What open() found and set aside or repaired (corrupt files, cut-short log lines). Never served. */
    readonly problems: LoadProblem[],
    private readonly now: () => number,
  ) {}

  /** Opens (creating or migrating) the store under `dataDir/guilds`, cleaning up after any crash. */
  static async open(dataDir: string, options: GuildStoreOptions = {}): Promise<GuildStore> {
    const now = options.now ?? Date.now;
    const root = join(dataDir, "guilds");
    await mkdir(root, { recursive: true });
    await syncDir(dataDir);
    await removeTemps(root);
    const problems: LoadProblem[] = [];

    let version = await layoutVersion(root);
    if (version === null) {
      version = STORE_SCHEMA_VERSION;
      await writeSchema(root, version);
    }
    if (version > STORE_SCHEMA_VERSION) {
      throw new GuildStoreError(
        `${root} has store schema version ${version}, newer than this build understands (${STORE_SCHEMA_VERSION})`,
      );
    }
    while (version < STORE_SCHEMA_VERSION) {
      const migrate = MIGRATIONS[version];
      if (!migrate) throw new GuildStoreError(`no migration from store schema version ${version}`);
      await migrate(root, problems);
      version += 1;
      await writeSchema(root, version);
    }

    const guilds = new Map<string, GuildState>();
    for (const name of await listDir(root)) {
      if (name === "schema.json") continue;
      const path = join(root, name);
      if (!SNOWFLAKE.test(name) || !(await stat(path)).isDirectory()) {
        problems.push({ path, reason: "not a guild folder; ignored" });
        continue;
      }
      guilds.set(name, await loadGuild(root, name, problems, now()));
    }
    return new GuildStore(root, guilds, problems, now);
  }

  /** Guilds with any stored state, in ascending id order. */
  guildIds(): string[] {
    return [...this.guilds.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The guild's documents in insertion order. The objects are frozen. */
  documents(guildId: string): StoredDocument[] {
    checkGuildId(guildId);
    return [...(this.guilds.get(guildId)?.documents.values() ?? [])];
  }

  document(guildId: string, id: string): StoredDocument | undefined {
    checkGuildId(guildId);
    return this.guilds.get(guildId)?.documents.get(id);
  }

  /** The earliest stored document whose text has this sha256, if any. */
  findByHash(guildId: string, hash: string): StoredDocument | undefined {
    checkGuildId(guildId);
    for (const document of this.guilds.get(guildId)?.documents.values() ?? [])
      if (document.hash === hash) return document;
    return undefined;
  }

  /** Stores a new document under a fresh id. Resolves once it is durable on disk; from then on it is served. */
  async addDocument(guildId: string, input: DocumentInput): Promise<StoredDocument> {
    checkGuildId(guildId);
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
    // Checked with the schema open() reads with (the id is a stand-in here), so what is acknowledged reads back.
    const checked = StoredDocumentSchema.safeParse({
      id: "pending",
      ...fields,
      source: { id: "pending", ...fields.source },
      addedAt: new Date(0).toISOString(),
    });
    if (!checked.success) throw new GuildStoreError(`invalid document (${describeIssues(checked.error)})`);
    const valid = checked.data;
    return this.locks.run(guildId, async () => {
      const state = this.state(guildId);
      await this.ready(state);
      let id: string;
      do id = documentIdFor(valid.source, randomBytes(4).toString("hex"));
      while (state.documents.has(id));
      const document = frozenDocument({
        ...valid,
        id,
        source: { ...valid.source, id },
        addedAt: new Date(this.now()).toISOString(),
      });
      const seq = state.nextSeq++;
      await replaceDurably(join(state.dir, "documents", `${id}.json`), JSON.stringify({ seq, document }));
      state.documents.set(id, document);
      return document;
    });
  }

  /** Removes a document; resolves with it once the removal is durable, or null when the guild has no such document. */
  async removeDocument(guildId: string, id: string): Promise<StoredDocument | null> {
    checkGuildId(guildId);
    return this.locks.run(guildId, async () => {
      const state = this.guilds.get(guildId);
      const document = state?.documents.get(id);
      if (!state || !document) return null;
      const docsDir = join(state.dir, "documents");
      try {
        await unlink(join(docsDir, `${document.id}.json`));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      state.documents.delete(id); // gone from the directory: stop serving it now
      await syncDir(docsDir);
      return document;
    });
  }

  /** The guild's settings (defaults when never set). A copy. */
  settings(guildId: string): GuildSettings {
    checkGuildId(guildId);
    const settings = this.guilds.get(guildId)?.settings ?? DEFAULT_SETTINGS;
    return { ...settings, channels: [...settings.channels] };
  }

  /** Validates and applies `patch`, atomically replacing the settings file; resolves with the new settings once durable. */
  async updateSettings(guildId: string, patch: Partial<GuildSettings>): Promise<GuildSettings> {
    checkGuildId(guildId);
    const parsed = SettingsPatchSchema.safeParse(patch);
    if (!parsed.success) throw new GuildStoreError(`invalid settings (${describeIssues(parsed.error)})`);
    const changes = parsed.data;
    return this.locks.run(guildId, async () => {
      const state = this.state(guildId);
      await this.ready(state);
      const next: GuildSettings = { ...state.settings, channels: [...state.settings.channels] };
      if (changes.channels !== undefined) next.channels = [...new Set(changes.channels)];
      if (changes.ephemeralByDefault !== undefined) next.ephemeralByDefault = changes.ephemeralByDefault;
      if (changes.cooldownSeconds !== undefined) next.cooldownSeconds = changes.cooldownSeconds;
      if (changes.auditChannelId !== undefined) next.auditChannelId = changes.auditChannelId;
      await replaceDurably(join(state.dir, "settings.json"), JSON.stringify(next, null, 2));
      state.settings = next;
      return this.settings(guildId);
    });
  }

  /** Appends an entry to `entry.guildId`'s audit log; resolves once it is durable. */
  async audit(entry: AuditEntry): Promise<void> {
    checkGuildId(entry?.guildId);
    // Over-long text is clipped, not refused: an admin action must not go unrecorded because its detail is long.
    const clipped = { ...entry };
    if (typeof clipped.action === "string" && clipped.action.length > 100)
      clipped.action = `${clipped.action.slice(0, 99)}…`;
    if (typeof clipped.detail === "string" && clipped.detail.length > 4000)
      clipped.detail = `${clipped.detail.slice(0, 3999)}…`;
    const parsed = AuditEntrySchema.safeParse(clipped);
    if (!parsed.success) throw new GuildStoreError(`invalid audit entry (${describeIssues(parsed.error)})`);
    const record = Object.freeze(parsed.data);
    await this.locks.run(`audit:${record.guildId}`, async () => {
      const state = this.state(record.guildId);
      await this.ready(state);
      await this.append(state.auditFile, JSON.stringify(record));
      state.audit.push(record);
    });
  }

  /** The guild's audit entries, newest first; at most `limit` of them (default: all). */
  auditLog(guildId: string, limit = Number.POSITIVE_INFINITY): AuditEntry[] {
    checkGuildId(guildId);
    const entries = this.guilds.get(guildId)?.audit ?? [];
    const count = Math.max(0, Math.min(entries.length, limit));
    return entries.slice(entries.length - count).reverse();
  }

  /** Appends a question to the guild's question log; resolves once it is durable. */
  async recordQuestion(guildId: string, record: QuestionRecord): Promise<void> {
    checkGuildId(guildId);
    const parsed = QuestionRecordSchema.safeParse(record);
    if (!parsed.success) throw new GuildStoreError(`invalid question record (${describeIssues(parsed.error)})`);
    const entry = Object.freeze(parsed.data);
    await this.locks.run(`questions:${guildId}`, async () => {
      const state = this.state(guildId);
      await this.ready(state);
      await this.append(state.questionFile, JSON.stringify(entry));
      state.questions.push(entry);
    });
  }

  /** The guild's recorded questions asked at or after `sinceMs` (epoch milliseconds), oldest first. */
  questions(guildId: string, sinceMs: number): QuestionRecord[] {
    checkGuildId(guildId);
    return (this.guilds.get(guildId)?.questions ?? []).filter((q) => Date.parse(q.at) >= sinceMs);
  }

  /**
   * Runs `fn` holding the guild's write lock (the one addDocument, removeDocument and updateSettings take), so a
   * check and the write it guards happen with no other write to the guild in between. Store calls made inside `fn`
   * re-enter the lock; await them one at a time.
   */
  async exclusive<T>(guildId: string, fn: () => Promise<T>): Promise<T> {
    checkGuildId(guildId);
    return this.locks.run(guildId, fn);
  }

  private state(guildId: string): GuildState {
    let state = this.guilds.get(guildId);
    if (!state) {
      const dir = join(this.root, guildId);
      const log = (name: string): LogFile => ({ path: join(dir, name), size: 0, dirty: false, dirSynced: false });
      state = {
        dir,
        documents: new Map(),
        nextSeq: 0,
        settings: { ...DEFAULT_SETTINGS, channels: [] },
        audit: [],
        questions: [],
        auditFile: log("audit.jsonl"),
        questionFile: log("questions.jsonl"),
        ready: null,
      };
      this.guilds.set(guildId, state);
    }
    return state;
  }

  /** Creates the guild's folders and makes their entries durable, once per process. */
  private ready(state: GuildState): Promise<void> {
    state.ready ??= (async () => {
      await mkdir(join(state.dir, "documents"), { recursive: true });
      await syncDir(this.root);
      await syncDir(state.dir);
    })().catch((error: unknown) => {
      state.ready = null;
      throw error;
    });
    return state.ready;
  }

  private async append(log: LogFile, line: string): Promise<void> {
    if (log.dirty) {
      await truncateDurably(log.path, log.size);
      log.dirty = false;
    }
    const data = Buffer.from(`${line}\n`, "utf8");
    try {
      await appendDurably(log.path, data);
    } catch (error) {
      log.dirty = true;
      throw error;
    }
    log.size += data.length;
    if (!log.dirSynced) {
      await syncDir(dirname(log.path));
      log.dirSynced = true;
    }
  }
}
