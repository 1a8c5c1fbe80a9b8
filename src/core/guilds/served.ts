/**
 * What both guild stores (the files under DATA_DIR, src/core/guilds/store.ts, and PostgreSQL, src/core/postgres/store.ts)
 * hold in memory for each server and serve reads from, with no I/O: its documents, settings, the newest audit entries and
 * questions, and the /stats tally. Each store keeps this mirror up to date with its own writes.
 */
import { KeyedMutex } from "../storage/mutex.js";
import {
  type AddOptions,
  type AuditEntry,
  checkGuildId,
  DEFAULT_SETTINGS,
  type DocumentInput,
  type GuildSettings,
  type QuestionRecord,
  type StoredDocument,
} from "./schema.js";
import { type QuestionStats, QuestionTally } from "./tally.js";

export interface ServedGuild {
  /** In insertion order (Map iteration order). */
  documents: Map<string, StoredDocument>;
  settings: GuildSettings;
  audit: { newest(limit: number): AuditEntry[] };
  questions: { newest(limit: number): QuestionRecord[] };
  tally: QuestionTally;
}

export abstract class ServedGuilds<State extends ServedGuild> {
  /** One writer per guild at a time (addDocument, removeDocument, updateSettings and `exclusive` take it). */
  protected readonly locks = new KeyedMutex();

  protected constructor(
    protected readonly guilds: Map<string, State>,
    protected readonly now: () => number,
    /** How far back questions are kept: the tally of a guild with none yet counts over the same window. */
    private readonly questionsMaxAgeMs: number,
  ) {}

  /** The guilds held, shortest id first (ids are numbers: older first). */
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

  /** Stores a new document under a fresh id (see addDocuments). */
  async addDocument(guildId: string, input: DocumentInput, options: AddOptions = {}): Promise<StoredDocument> {
    const [document] = await this.addDocuments(guildId, [input], options);
    return document as StoredDocument;
  }

  abstract addDocuments(
    guildId: string,
    inputs: readonly DocumentInput[],
    options?: AddOptions,
  ): Promise<StoredDocument[]>;

  settings(guildId: string): GuildSettings {
    checkGuildId(guildId);
    const settings = this.guilds.get(guildId)?.settings ?? DEFAULT_SETTINGS;
    return { ...settings, channels: [...settings.channels] };
  }

  /** The guild's newest audit entries (held in memory), newest first; at most `limit` of them. */
  auditLog(guildId: string, limit = Number.POSITIVE_INFINITY): AuditEntry[] {
    checkGuildId(guildId);
    return this.guilds.get(guildId)?.audit.newest(limit) ?? [];
  }

  /** The guild's newest recorded questions (held in memory), newest first; at most `limit` of them. */
  recentQuestions(guildId: string, limit = Number.POSITIVE_INFINITY): QuestionRecord[] {
    checkGuildId(guildId);
    return this.guilds.get(guildId)?.questions.newest(limit) ?? [];
  }

  /** /stats's figures for the last 7 and 30 days, kept up to date as questions are recorded (no log is read). */
  questionStats(guildId: string, now = this.now()): QuestionStats {
    checkGuildId(guildId);
    const tally = this.guilds.get(guildId)?.tally ?? new QuestionTally(this.questionsMaxAgeMs);
    return tally.stats(now);
  }

  /**
   * Runs `fn` holding the guild's write lock, so a check and the write it guards happen with no other write to the
   * guild in between. Store calls made inside `fn` re-enter the lock; await them one at a time.
   */
  async exclusive<T>(guildId: string, fn: () => Promise<T>): Promise<T> {
    checkGuildId(guildId);
    return this.locks.run(guildId, fn);
  }
}
