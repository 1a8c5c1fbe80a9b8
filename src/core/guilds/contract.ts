/**
 * The contract of the per-server store: what the bot, the corpora and the CLI use, whatever keeps the data. Two
 * implementations keep it: the file store under DATA_DIR (`GuildStore`, store.ts: the embedded default, one process)
 * and the PostgreSQL store (`PgGuildStore`, src/core/postgres/: several processes sharing one database). The trust
 * loop's half of the contract is `FeedbackStorage` (feedback.ts). tests/core/guilds/contract.test.ts runs one suite
 * against both.
 *
 * Both keep the same shape: bounded state in memory, read synchronously (the answer path never waits for a disk or a
 * database); writes that resolve once the change is durable and only then show in memory; older log entries read
 * asynchronously, a page at a time. The guarantees are the same too: an acknowledged change survives a crash; a text
 * already stored is refused (`DuplicateDocumentError`); a quota given in `AddOptions` cannot be exceeded by two writers
 * at once (with PostgreSQL, even in two processes); a write that fails acknowledges nothing.
 */
import type { LoadProblem } from "../types.js";
import type { ReadOptions } from "./logs.js";
import type { AddOptions, AuditEntry, DocumentInput, GuildSettings, QuestionRecord, StoredDocument } from "./schema.js";
import type { QuestionStats } from "./tally.js";

/** A change to a guild made by another process, applied to this one's memory (PostgreSQL only). */
export interface GuildChange {
  guildId: string;
  /** Documents now served that were not (their index must be updated). */
  added: StoredDocument[];
  /** Ids no longer served. */
  removed: string[];
  /** The settings changed. */
  settings: boolean;
}

export interface GuildStorage {
  /** What opening found and set aside or repaired. Never served. */
  readonly problems: readonly LoadProblem[];

  /** Guilds whose state is in memory (with files: every guild with stored state), in ascending id order. */
  guildIds(): string[];
  /**
   * Brings a guild's stored state into memory (a server that joined, or one on this process's shards), once; later
   * calls resolve at once. The file store holds every guild from the start.
   */
  load(guildId: string): Promise<void>;

  /** The guild's documents in insertion order. The objects are frozen. */
  documents(guildId: string): StoredDocument[];
  document(guildId: string, id: string): StoredDocument | undefined;
  /** The earliest stored document whose text has this sha256, if any. */
  findByHash(guildId: string, hash: string): StoredDocument | undefined;
  /** Stores a new document under a fresh id; resolves once it is durable (and served from then on). */
  addDocument(guildId: string, input: DocumentInput, options?: AddOptions): Promise<StoredDocument>;
  /** Stores several documents in order, every input checked (duplicates and quota included) before any is written. */
  addDocuments(guildId: string, inputs: readonly DocumentInput[], options?: AddOptions): Promise<StoredDocument[]>;
  /**
   * Stores documents exactly as given (ids and dates: an import from another store), skipping any already stored with
   * the same id and text; refuses one whose id holds another text, or whose text does not match its hash.
   */
  restoreDocuments(guildId: string, documents: readonly StoredDocument[]): Promise<StoredDocument[]>;
  /** Removes a document; resolves with it once durable, or null when the guild has no such document. */
  removeDocument(guildId: string, id: string): Promise<StoredDocument | null>;

  /** The guild's settings (defaults when never set). A copy. */
  settings(guildId: string): GuildSettings;
  updateSettings(guildId: string, patch: Partial<GuildSettings>): Promise<GuildSettings>;

  /** Appends to the guild's audit trail; resolves once durable. */
  audit(entry: AuditEntry): Promise<void>;
  /** The newest audit entries (held in memory), newest first. */
  auditLog(guildId: string, limit?: number): AuditEntry[];
  /** The whole audit trail, newest first, a page at a time. */
  readAuditLog(guildId: string, options?: ReadOptions): Promise<AuditEntry[]>;

  /** Records a question for /stats (a private one without its text); resolves once durable. */
  recordQuestion(guildId: string, record: QuestionRecord): Promise<void>;
  recentQuestions(guildId: string, limit?: number): QuestionRecord[];
  readQuestions(guildId: string, options?: ReadOptions): Promise<QuestionRecord[]>;
  /** /stats's figures, kept up to date as questions are recorded (no log is read). */
  questionStats(guildId: string, now?: number): QuestionStats;

  /**
   * Runs `fn` holding this process's lock on the guild (the one its writes take), so a check and the write it guards
   * happen with no other write from this process in between. Limits that must hold across processes are passed to
   * the write itself (`AddOptions`).
   */
  exclusive<T>(guildId: string, fn: () => Promise<T>): Promise<T>;

  /**
   * Hears changes made by other processes once they are in this one's memory; returns a function that stops
   * listening. The file store, which one process owns, never calls it.
   */
  onChange(listener: (change: GuildChange) => void): () => void;

  /** Prunes the logs past their age and size (runs in the background too). Never rejects. */
  maintain(): Promise<void>;
  /** Stops the background work. */
  close(): Promise<void>;
}
