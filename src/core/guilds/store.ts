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
 * Files by what they do: schema.ts (shapes and types), migrations.ts (layout versions), logs.ts (the append-only
 * logs), files.ts (file helpers); this file holds the state per guild and the store's API.
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
import { randomBytes } from "node:crypto";
import { mkdir, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { replaceDurably, syncDir } from "../storage/durable.js";
import { KeyedMutex } from "../storage/mutex.js";
import type { LoadProblem } from "../types.js";
import { isMissing, listDir, quarantine, readIfExists, removeTemps } from "./files.js";
import { appendLine, type LogFile, newLogFile, readLog } from "./logs.js";
import { migrate } from "./migrations.js";
import {
  AuditEntrySchema,
  checkGuildId,
  DEFAULT_SETTINGS,
  describeIssues,
  DOCUMENT_FILE,
  DocumentFileSchema,
  documentIdFor,
  frozenDocument,
  GuildStoreError,
  jsonAs,
  QuestionRecordSchema,
  sha256,
  SettingsPatchSchema,
  SettingsSchema,
  SNOWFLAKE,
  StoredDocumentSchema,
  type AuditEntry,
  type DocumentInput,
  type GuildSettings,
  type QuestionRecord,
  type StoredDocument,
} from "./schema.js";

export {
  type AuditEntry,
  DEFAULT_SETTINGS,
  type DocumentInput,
  type GuildSettings,
  GuildStoreError,
  type QuestionRecord,
  type StoredDocument,
} from "./schema.js";
export { STORE_SCHEMA_VERSION } from "./migrations.js";

/** Questions older than this are dropped (from memory and from the log) when the store opens. */
export const QUESTION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface GuildStoreOptions {
  /** Clock for question retention (tests). Default `Date.now`. */
  now?: () => number;
}

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

    await migrate(root, problems);

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
      await appendLine(state.auditFile, JSON.stringify(record));
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
      await appendLine(state.questionFile, JSON.stringify(entry));
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
      const log = (name: string): LogFile => newLogFile(join(dir, name));
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
}
