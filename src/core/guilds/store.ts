/**
 * Per-guild state: each server's own documents, its settings, its audit log and its question log, kept on disk under
 * `<dataDir>/guilds/<guildId>/` and in memory.
 *
 * Layout (schema version 1):
 *   guilds/schema.json                     {"format":"verbatim-guilds","version":1}
 *   guilds/<guildId>/documents/<id>.json   one document per file: {"seq": n, "document": StoredDocument}
 *   guilds/<guildId>/settings.json         GuildSettings (absent: defaults)
 *   guilds/<guildId>/audit.jsonl           one AuditEntry per line, append-only (pruned after a year or past 8 MiB)
 *   guilds/<guildId>/questions.jsonl       one QuestionRecord per line, append-only (pruned after 30 days or 64 MiB)
 *   guilds/<guildId>/quarantine/           files found corrupt on open, set aside and never served
 *   guilds/<guildId>/documents.v0.json     the version-0 file, kept after migrating it
 *
 * Files by what they do: schema.ts (shapes and types), migrations.ts (layout versions), logs.ts (the append-only
 * logs and their windows in memory), tally.ts (/stats kept incrementally), files.ts (file helpers); this file holds
 * the state per guild and the store's API.
 *
 * The API, in three kinds: reads are synchronous and answer from memory — documents, settings, the newest entries of
 * each log, /stats figures — whose size does not grow with the logs; writes are asynchronous and resolve once they
 * are durable; older log entries are read from disk, asynchronously, when asked for (readAuditLog, readQuestions).
 * No caller touches the files.
 *
 * Crash safety: a document or settings file is written whole to a `.tmp-*` file, fsynced, renamed over its final name
 * and the directory fsynced before the call resolves, so a crash leaves either the complete file or none (plus a temp
 * file that open() deletes and that is never read). Removal is unlink + directory fsync. Logs are appended a whole
 * line at a time and fsynced; a line cut short by a crash is the last one, and the next append cuts it off. A document
 * whose bytes do not parse, or whose hash does not match its text, is moved to quarantine/ and reported in `problems`.
 * Every write goes through a `Disk` (src/core/storage/disk.ts); a write that fails (a full or read-only disk) rejects,
 * leaves what was there, and acknowledges nothing. Opening writes nothing but repairs (quarantine, temp files), and
 * tolerates those failing: a store on a full or read-only disk opens and serves what it holds.
 *
 * One process owns a data directory at a time. Writes to one guild are serialised by a keyed lock; different guilds
 * write independently.
 */
import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { type Disk, nodeDisk, replaceDurably, tempPathFor } from "../storage/durable.js";
import type { LoadProblem } from "../types.js";
import { isMissing, listDir, quarantine, readIfExists, removeTemps } from "./files.js";
import { AUDIT_POLICY, JsonLog, type LogPolicy, QUESTION_POLICY, type ReadOptions } from "./logs.js";
import { migrate, writeSchema } from "./migrations.js";
import type { GuildChange, GuildStorage } from "./contract.js";
import { ServedGuilds } from "./served.js";
import {
  type AddOptions,
  AuditEntrySchema,
  checkedDocument,
  DocumentQuotaError,
  DuplicateDocumentError,
  checkGuildId,
  DEFAULT_SETTINGS,
  StoredDocumentSchema,
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
  type AuditEntry,
  type DocumentInput,
  type GuildSettings,
  type QuestionRecord,
  type StoredDocument,
} from "./schema.js";
import { QuestionTally } from "./tally.js";

export {
  type AddOptions,
  type AuditEntry,
  DEFAULT_SETTINGS,
  DocumentQuotaError,
  type DocumentInput,
  DuplicateDocumentError,
  type GuildSettings,
  GuildStoreError,
  type QuestionRecord,
  type StoredDocument,
} from "./schema.js";
export { STORE_SCHEMA_VERSION } from "./migrations.js";
export type { LogPolicy, ReadOptions } from "./logs.js";
export type { QuestionStats, QuestionWindow } from "./tally.js";
export type { GuildChange, GuildStorage } from "./contract.js";

/** Questions older than this are pruned from the log (in the background) and left out of /stats. */
export const QUESTION_RETENTION_MS = QUESTION_POLICY.maxAgeMs;
/** How often the logs are checked against their policies (and pruned), besides once just after opening. */
const MAINTENANCE_MS = 10 * 60_000;

/** Something the store could not do in the background (prune a log on a full disk); it retries later. */
export interface StoreWarning {
  message: string;
  path: string;
  error: string;
}

export interface GuildStoreOptions {
  /** Clock for retention and /stats (tests). Default `Date.now`. */
  now?: () => number;
  /** Where writes go. Default the real file system. */
  disk?: Disk;
  /** Told once when background upkeep starts failing for a log (and not again until it has succeeded). */
  onWarning?: (warning: StoreWarning) => void;
  /** The logs' limits (tests shrink them). */
  policies?: { audit?: Partial<LogPolicy>; questions?: Partial<LogPolicy> };
  /** Background upkeep interval; 0 = none (call `maintain()`). Default 10 minutes. */
  maintenanceMs?: number;
}

interface GuildState {
  dir: string;
  /** In insertion order (Map iteration order). */
  documents: Map<string, StoredDocument>;
  nextSeq: number;
  settings: GuildSettings;
  audit: JsonLog<AuditEntry>;
  questions: JsonLog<QuestionRecord>;
  tally: QuestionTally;
  /** The guild's folders exist and their entries are durable (done once per process). */
  ready: Promise<void> | null;
}

interface Policies {
  audit: LogPolicy;
  questions: LogPolicy;
}

async function loadGuild(
  disk: Disk,
  root: string,
  guildId: string,
  problems: LoadProblem[],
  now: number,
  policies: Policies,
): Promise<GuildState> {
  const dir = join(root, guildId);
  const docsDir = join(dir, "documents");
  await removeTemps(disk, dir, problems);
  await removeTemps(disk, docsDir, problems);

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
      await quarantine(disk, dir, path, `unreadable document (${(error as Error).message})`, problems);
      continue;
    }
    const parsed = DocumentFileSchema.safeParse(value);
    if (!parsed.success) {
      await quarantine(disk, dir, path, `invalid document (${describeIssues(parsed.error)})`, problems);
      continue;
    }
    const { seq, document } = parsed.data;
    if (document.id !== match[1] || document.source.id !== document.id) {
      await quarantine(disk, dir, path, "document id does not match its file name", problems);
      continue;
    }
    if (sha256(document.text) !== document.hash) {
      await quarantine(disk, dir, path, "document text does not match its hash", problems);
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
    else
      await quarantine(
        disk,
        dir,
        settingsPath,
        "unreadable settings; defaults apply until they are set again",
        problems,
      );
  }

  const audit = await JsonLog.open(join(dir, "audit.jsonl"), AuditEntrySchema, policies.audit, disk, problems);
  // Older questions stay in the file until the background upkeep prunes them; they are not counted.
  const tally = new QuestionTally(policies.questions.maxAgeMs);
  const cutoff = now - policies.questions.maxAgeMs;
  const questions = await JsonLog.open(
    join(dir, "questions.jsonl"),
    QuestionRecordSchema,
    policies.questions,
    disk,
    problems,
    (record) => {
      const at = Date.parse(record.at);
      if (at >= cutoff) tally.add(record, at);
    },
  );

  return {
    dir,
    documents: new Map(loaded.map(({ document }) => [document.id, document])),
    nextSeq: loaded.reduce((next, d) => Math.max(next, d.seq + 1), 0),
    settings,
    audit,
    questions,
    tally,
    ready: null,
  };
}

export class GuildStore extends ServedGuilds<GuildState> implements GuildStorage {
  private timer: NodeJS.Timeout | undefined;
  private maintaining: Promise<void> | null = null;
  /** Logs whose upkeep failed and was warned about (warned again only after it has worked). */
  private readonly warned = new Set<string>();
  /** The root folder and schema.json exist (a new store creates them with its first write). */
  private rootReady: Promise<void> | null;

  private constructor(
    private readonly dataDir: string,
    private readonly root: string,
    guilds: Map<string, GuildState>,
    /** What open() found and set aside or repaired (corrupt files, cut-short log lines). Never served. */
    readonly problems: LoadProblem[],
    now: () => number,
    private readonly disk: Disk,
    private readonly policies: Policies,
    private readonly onWarning: ((warning: StoreWarning) => void) | undefined,
    fresh: boolean,
  ) {
    super(guilds, now, policies.questions.maxAgeMs);
    this.rootReady = fresh ? null : Promise.resolve();
  }

  /**
   * Opens (migrating if needed) the store under `dataDir/guilds`, cleaning up after any crash. Writes nothing for a new
   * store, and nothing to prune: old log entries are pruned in the background, shortly after.
   */
  static async open(dataDir: string, options: GuildStoreOptions = {}): Promise<GuildStore> {
    const now = options.now ?? Date.now;
    const disk = options.disk ?? nodeDisk;
    const policies: Policies = {
      audit: { ...AUDIT_POLICY, ...options.policies?.audit },
      questions: { ...QUESTION_POLICY, ...options.policies?.questions },
    };
    const root = join(dataDir, "guilds");
    const problems: LoadProblem[] = [];
    let exists = true;
    try {
      await stat(root);
    } catch (error) {
      if (!isMissing(error)) throw error;
      exists = false;
    }
    let fresh = !exists;
    const guilds = new Map<string, GuildState>();
    if (exists) {
      await removeTemps(disk, root, problems);
      ({ fresh } = await migrate(disk, root, problems));
      for (const name of await listDir(root)) {
        if (name === "schema.json") continue;
        const path = join(root, name);
        if (!SNOWFLAKE.test(name) || !(await stat(path)).isDirectory()) {
          problems.push({ path, reason: "not a guild folder; ignored" });
          continue;
        }
        guilds.set(name, await loadGuild(disk, root, name, problems, now(), policies));
      }
    }
    const store = new GuildStore(dataDir, root, guilds, problems, now, disk, policies, options.onWarning, fresh);
    const interval = options.maintenanceMs ?? MAINTENANCE_MS;
    if (interval > 0) store.schedule(Math.min(interval, 5_000), interval);
    return store;
  }

  /** Every guild's state is in memory from the start: nothing to load. */
  async load(guildId: string): Promise<void> {
    checkGuildId(guildId);
  }

  /** One process owns the folder: no change is ever made elsewhere. */
  onChange(_listener: (change: GuildChange) => void): () => void {
    return () => undefined;
  }

  /**
   * Stores several documents (an import) under fresh ids, in order, and resolves with them once all are durable;
   * from then on they are served, all at once. Every input is checked before anything is written. A failure part-way
   * (a full disk) rejects: the documents written before it are then on disk and served after a restart, and
   * `documents()` holds them at once, so what is served is what a restart would serve. A text the guild already
   * stores (or one given twice) is refused with `DuplicateDocumentError`, and a write that would take the guild past
   * `options.maxDocuments` with `DocumentQuotaError`, before anything is written.
   */
  async addDocuments(
    guildId: string,
    inputs: readonly DocumentInput[],
    options: AddOptions = {},
  ): Promise<StoredDocument[]> {
    checkGuildId(guildId);
    const valid = inputs.map((input) => checkedDocument(input));
    return this.locks.run(guildId, async () => {
      const state = this.state(guildId);
      const hashes = new Set<string>();
      for (const fields of valid) {
        const existing = this.findByHash(guildId, fields.hash);
        if (existing !== undefined) throw new DuplicateDocumentError(existing);
        if (hashes.has(fields.hash)) throw new GuildStoreError("the same text is given twice");
        hashes.add(fields.hash);
      }
      if (options.maxDocuments !== undefined && state.documents.size + valid.length > options.maxDocuments)
        throw new DocumentQuotaError(state.documents.size, options.maxDocuments);
      await this.ready(state);
      const pending: Array<{ document: StoredDocument; seq: number }> = [];
      const taken = new Set<string>();
      for (const fields of valid) {
        let id: string;
        do id = documentIdFor(fields.source, randomBytes(4).toString("hex"));
        while (state.documents.has(id) || taken.has(id));
        taken.add(id);
        const document = frozenDocument({
          ...fields,
          id,
          source: { ...fields.source, id },
          addedAt: new Date(this.now()).toISOString(),
        });
        pending.push({ document, seq: state.nextSeq++ });
      }
      return this.write(state, pending);
    });
  }

  /**
   * Stores documents exactly as given (ids and dates: an import from another store), after those the guild holds,
   * skipping any already stored with the same id and text. Refuses a document whose id the guild uses for another
   * text, or whose text does not match its hash.
   */
  async restoreDocuments(guildId: string, documents: readonly StoredDocument[]): Promise<StoredDocument[]> {
    checkGuildId(guildId);
    const checked = documents.map((document) => {
      const parsed = StoredDocumentSchema.safeParse(document);
      if (!parsed.success) throw new GuildStoreError(`invalid document (${describeIssues(parsed.error)})`);
      if (sha256(parsed.data.text) !== parsed.data.hash || parsed.data.source.id !== parsed.data.id)
        throw new GuildStoreError(`document ${parsed.data.id} does not match its hash`);
      return frozenDocument(parsed.data);
    });
    return this.locks.run(guildId, async () => {
      const state = this.state(guildId);
      const pending: Array<{ document: StoredDocument; seq: number }> = [];
      for (const document of checked) {
        const held = state.documents.get(document.id);
        if (held?.hash === document.hash) continue;
        if (held !== undefined)
          throw new GuildStoreError(`document ${document.id} is stored with another text; not replaced`);
        pending.push({ document, seq: state.nextSeq++ });
      }
      await this.ready(state);
      return this.write(state, pending);
    });
  }

  /** Writes new document files; from then on they are served. Call holding the guild's lock. */
  private async write(
    state: GuildState,
    pending: ReadonlyArray<{ document: StoredDocument; seq: number }>,
  ): Promise<StoredDocument[]> {
    {
      const docsDir = join(state.dir, "documents");
      // Written a batch at a time (temp files fsynced together, renamed, then one fsync of the folder): an import
      // of thousands is not one fsync after another, nor thousands of open files.
      const written: StoredDocument[] = [];
      let failure: unknown;
      for (let i = 0; i < pending.length && failure === undefined; i += 32) {
        const batch = pending.slice(i, i + 32).map((entry) => ({
          ...entry,
          path: join(docsDir, `${entry.document.id}.json`),
          tmp: tempPathFor(join(docsDir, `${entry.document.id}.json`)),
        }));
        const results = await Promise.allSettled(
          batch.map(({ document, seq, tmp }) => this.disk.writeFile(tmp, JSON.stringify({ seq, document }))),
        );
        const renamed: StoredDocument[] = [];
        for (const [j, result] of results.entries()) {
          const entry = batch[j] as (typeof batch)[number];
          try {
            if (result.status === "rejected") throw result.reason;
            await this.disk.rename(entry.tmp, entry.path);
            renamed.push(entry.document);
          } catch (error) {
            failure ??= error;
            await this.disk.unlink(entry.tmp).catch(() => undefined);
          }
        }
        try {
          await this.disk.syncDir(docsDir);
        } catch (error) {
          failure ??= error;
          // Renamed but maybe not durable: served (a restart may or may not find them), never acknowledged.
        }
        written.push(...renamed);
      }
      for (const document of written) state.documents.set(document.id, document);
      if (failure !== undefined) throw failure;
      return written;
    }
  }

  /** Removes a document; resolves with it once the removal is durable, or null when the guild has no such document. */
  async removeDocument(guildId: string, id: string): Promise<StoredDocument | null> {
    checkGuildId(guildId);
    return this.locks.run(guildId, async () => {
      const state = this.guilds.get(guildId);
      const document = state?.documents.get(id);
      if (!state || !document) return null;
      const docsDir = join(state.dir, "documents");
      await this.disk.unlink(join(docsDir, `${document.id}.json`));
      state.documents.delete(id); // gone from the directory: stop serving it now
      await this.disk.syncDir(docsDir);
      return document;
    });
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
      await replaceDurably(this.disk, join(state.dir, "settings.json"), JSON.stringify(next, null, 2));
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
    const state = this.state(parsed.data.guildId);
    await this.ready(state);
    await state.audit.append(parsed.data);
  }

  /** Audit entries read from disk, newest first, `skip` newest passed over: the whole trail, a page at a time. */
  async readAuditLog(guildId: string, options: ReadOptions = {}): Promise<AuditEntry[]> {
    checkGuildId(guildId);
    return (await this.guilds.get(guildId)?.audit.read(options)) ?? [];
  }

  /**
   * Appends a question to the guild's question log and counts it for /stats; resolves once it is durable. A private
   * question (`record.private`) is stored without its text.
   */
  async recordQuestion(guildId: string, record: QuestionRecord): Promise<void> {
    checkGuildId(guildId);
    const input = record?.private === true ? { ...record, question: "" } : record;
    const parsed = QuestionRecordSchema.safeParse(input);
    if (!parsed.success) throw new GuildStoreError(`invalid question record (${describeIssues(parsed.error)})`);
    const state = this.state(guildId);
    await this.ready(state);
    await state.questions.append(parsed.data);
    state.tally.add(parsed.data);
  }

  /** Recorded questions read from disk, newest first (those not yet pruned; `since` in epoch milliseconds). */
  async readQuestions(guildId: string, options: ReadOptions = {}): Promise<QuestionRecord[]> {
    checkGuildId(guildId);
    return (await this.guilds.get(guildId)?.questions.read(options)) ?? [];
  }

  /**
   * Prunes every log that is over its policy's age or size. Runs in the background on a timer; a failure (a full or
   * read-only disk) leaves the log as it was, is warned about once, and is retried next time. Never rejects.
   */
  maintain(): Promise<void> {
    this.maintaining ??= (async () => {
      for (const [guildId, state] of this.guilds) {
        for (const [name, log] of [
          ["audit", state.audit],
          ["questions", state.questions],
        ] as const) {
          const key = `${guildId}/${name}`;
          try {
            await log.prune(this.now());
            this.warned.delete(key);
          } catch (error) {
            if (this.warned.has(key)) continue;
            this.warned.add(key);
            this.onWarning?.({
              message: `could not prune the ${name} log; will retry`,
              path: join(state.dir, `${name === "audit" ? "audit" : "questions"}.jsonl`),
              error: (error as Error).message,
            });
          }
        }
      }
    })().finally(() => {
      this.maintaining = null;
    });
    return this.maintaining;
  }

  /** Stops the background upkeep (waiting for a run in progress). The store stays readable and writable. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.maintaining;
  }

  private schedule(firstMs: number, everyMs: number): void {
    this.timer = setTimeout(() => {
      void this.maintain().then(() => {
        if (this.timer !== undefined) this.schedule(everyMs, everyMs);
      });
    }, firstMs);
    this.timer.unref();
  }

  private state(guildId: string): GuildState {
    let state = this.guilds.get(guildId);
    if (!state) {
      const dir = join(this.root, guildId);
      state = {
        dir,
        documents: new Map(),
        nextSeq: 0,
        settings: { ...DEFAULT_SETTINGS, channels: [] },
        audit: JsonLog.empty(join(dir, "audit.jsonl"), AuditEntrySchema, this.policies.audit, this.disk),
        questions: JsonLog.empty(
          join(dir, "questions.jsonl"),
          QuestionRecordSchema,
          this.policies.questions,
          this.disk,
        ),
        tally: new QuestionTally(this.policies.questions.maxAgeMs),
        ready: null,
      };
      this.guilds.set(guildId, state);
    }
    return state;
  }

  /** Creates the store's and the guild's folders and makes their entries durable, once per process. */
  private ready(state: GuildState): Promise<void> {
    this.rootReady ??= (async () => {
      await this.disk.mkdir(this.root);
      await this.disk.syncDir(this.dataDir);
      await writeSchema(this.disk, this.root);
    })().catch((error: unknown) => {
      this.rootReady = null;
      throw error;
    });
    state.ready ??= (async () => {
      await this.rootReady;
      await this.disk.mkdir(join(state.dir, "documents"));
      await this.disk.syncDir(this.root);
      await this.disk.syncDir(state.dir);
    })().catch((error: unknown) => {
      state.ready = null;
      throw error;
    });
    return state.ready;
  }
}
