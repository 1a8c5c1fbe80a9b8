/**
 * The guild store on PostgreSQL: the same contract as the file store (GuildStorage, src/core/guilds/contract.ts),
 * for several processes sharing one database. Each process holds in memory the servers it serves (those on its
 * shards: `owns`), loaded at open and as servers join (`load`), and reads them synchronously as the file store does.
 *
 * Writes are transactions. A change to a server's documents or settings locks the server's row in `guilds`
 * (SELECT … FOR UPDATE), so writers in any process take turns; inside that turn the quota is counted and duplicates are
 * looked for in the database itself (UNIQUE (guild_id, hash) refuses one regardless), the server's version is bumped,
 * what it changed is recorded in `guild_changes`, and a NOTIFY announces it — all committed together, or none of it.
 * Memory changes only after COMMIT, so what is served is durable. Another process holding the server hears the NOTIFY
 * and reads the changes since the version it holds (or all it missed, after its listener reconnected), then tells its
 * listeners (the server's index follows: GuildCorpora).
 */
import { randomBytes } from "node:crypto";
import type { LoadProblem } from "../types.js";
import type { GuildChange, GuildStorage } from "../guilds/contract.js";
import { ServedGuilds } from "../guilds/served.js";
import { AUDIT_POLICY, type LogPolicy, QUESTION_POLICY, type ReadOptions } from "../guilds/logs.js";
import {
  type AddOptions,
  type AuditEntry,
  AuditEntrySchema,
  checkedDocument,
  checkGuildId,
  DEFAULT_SETTINGS,
  describeIssues,
  type DocumentInput,
  documentIdFor,
  DocumentQuotaError,
  DuplicateDocumentError,
  frozenDocument,
  type GuildSettings,
  GuildStoreError,
  type QuestionRecord,
  QuestionRecordSchema,
  SettingsPatchSchema,
  SettingsSchema,
  sha256,
  type StoredDocument,
  StoredDocumentSchema,
} from "../guilds/schema.js";
import { QuestionTally } from "../guilds/tally.js";
import { constraintOf, type Pool, type PoolClient, sqlState, transaction, UNIQUE_VIOLATION } from "./database.js";
import { announce, type ChangeFeed } from "./notify.js";

/** Rows kept per server beyond the age limits (the file store's byte limits, as counts). */
const MAX_AUDIT_ROWS = 50_000;
const MAX_QUESTION_ROWS = 500_000;
const MAINTENANCE_MS = 10 * 60_000;
/** Documents per INSERT in a large import (all in one transaction). */
const INSERT_BATCH = 100;

export interface PgStoreOptions {
  /** Clock for retention and /stats. Default `Date.now`. */
  now?: () => number;
  /** Which servers this process serves (those on its shards); their state is loaded at open. Default: all. */
  owns?: (guildId: string) => boolean;
  /** Notices from other processes (absent: this process follows no one). */
  feed?: ChangeFeed;
  policies?: { audit?: Partial<LogPolicy>; questions?: Partial<LogPolicy> };
  /** Background upkeep interval; 0 = none. Default 10 minutes. */
  maintenanceMs?: number;
  onWarning?: (warning: { message: string; error: string }) => void;
}

/** The newest entries of a log, oldest first, at most `size`. */
class Window<T> {
  private entries: T[] = [];
  constructor(private readonly size: number) {}
  push(entry: T): void {
    this.entries.push(entry);
    if (this.entries.length >= 2 * this.size) this.entries = this.entries.slice(-this.size);
  }
  newest(limit: number): T[] {
    const window = this.entries.slice(-this.size);
    const count = Math.max(0, Math.min(window.length, limit));
    return window.slice(window.length - count).reverse();
  }
  filter(keep: (entry: T) => boolean): void {
    this.entries = this.entries.filter(keep);
  }
}

interface GuildState {
  documents: Map<string, StoredDocument>;
  /** The server's version this memory reflects. */
  version: number;
  settings: GuildSettings;
  audit: Window<AuditEntry>;
  questions: Window<QuestionRecord>;
  tally: QuestionTally;
  /** The server has its row in `guilds` (which is how a process finds the servers it serves). */
  stored: boolean;
}

interface Policies {
  audit: LogPolicy;
  questions: LogPolicy;
}

const json = (value: unknown) => JSON.stringify(value);
/** Prefixed to a log's INSERT the first time a server writes (one round trip): its row, so it is found at start. */
const ENSURE_GUILD = "WITH guild AS (INSERT INTO guilds (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING) ";

export class PgGuildStore extends ServedGuilds<GuildState> implements GuildStorage {
  readonly problems: LoadProblem[] = [];
  private readonly listeners = new Set<(change: GuildChange) => void>();
  private readonly stopFeed: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private maintaining: Promise<void> | null = null;
  private warned = false;
  /** Servers being loaded, and those of them a notice arrived for meanwhile. */
  private readonly loading = new Set<string>();
  private readonly missed = new Set<string>();

  private constructor(
    private readonly pool: Pool,
    now: () => number,
    private readonly policies: Policies,
    private readonly onWarning: PgStoreOptions["onWarning"],
  ) {
    super(new Map(), now, policies.questions.maxAgeMs);
  }

  /** Opens the store over a migrated database, loading the servers this process serves. */
  static async open(pool: Pool, options: PgStoreOptions = {}): Promise<PgGuildStore> {
    const store = new PgGuildStore(
      pool,
      options.now ?? Date.now,
      {
        audit: { ...AUDIT_POLICY, ...options.policies?.audit },
        questions: { ...QUESTION_POLICY, ...options.policies?.questions },
      },
      options.onWarning,
    );
    if (options.feed !== undefined) {
      const feed = options.feed;
      store.stopFeed.push(
        feed.on((notice) => {
          if (notice.t !== "guild") return;
          const state = store.guilds.get(notice.g);
          if (state !== undefined && notice.v > state.version) void store.catchUp(notice.g).catch(() => undefined);
          // Being loaded: its snapshot may predate this change; catch up once it is in memory.
          else if (state === undefined && store.loading.has(notice.g)) store.missed.add(notice.g);
        }),
        feed.onResync(() => store.resync()),
      );
    }
    const owns = options.owns ?? (() => true);
    const { rows } = await pool.query<{ guild_id: string }>("SELECT guild_id FROM guilds");
    const mine = rows.map((r) => r.guild_id).filter((id) => owns(id));
    // A few servers at a time: the pool is shared with whatever else starts.
    for (let i = 0; i < mine.length; i += 8) await Promise.all(mine.slice(i, i + 8).map((id) => store.load(id)));
    const interval = options.maintenanceMs ?? MAINTENANCE_MS;
    if (interval > 0) store.schedule(Math.min(interval, 5_000), interval);
    return store;
  }

  // ----- loading and catching up ------------------------------------------------------------------------------------

  async load(guildId: string): Promise<void> {
    checkGuildId(guildId);
    if (this.guilds.has(guildId)) return;
    await this.locks.run(guildId, async () => {
      if (this.guilds.has(guildId)) return;
      this.loading.add(guildId);
      try {
        const state = await transaction(this.pool, (client) => this.read(client, guildId), { readOnly: true });
        this.guilds.set(guildId, state);
      } finally {
        this.loading.delete(guildId);
      }
      if (this.missed.delete(guildId)) await this.catchUp(guildId);
    });
  }

  /** A server's state as of one snapshot. */
  private async read(client: PoolClient, guildId: string): Promise<GuildState> {
    const state = this.emptyState();
    const guild = await client.query<{ version: string; settings: string | null }>(
      "SELECT version, settings FROM guilds WHERE guild_id = $1",
      [guildId],
    );
    const row = guild.rows[0];
    if (row === undefined) return state;
    state.stored = true;
    state.version = Number(row.version);
    state.settings = this.parseSettings(guildId, row.settings);
    const documents = await client.query<{ id: string; document: string }>(
      "SELECT id, document FROM documents WHERE guild_id = $1 ORDER BY seq",
      [guildId],
    );
    for (const { id, document } of documents.rows) {
      const parsed = this.parseDocument(guildId, id, document);
      if (parsed !== null) state.documents.set(parsed.id, parsed);
    }
    const audit = await client.query<{ entry: string }>(
      "SELECT entry FROM (SELECT n, entry FROM audit_log WHERE guild_id = $1 ORDER BY n DESC LIMIT $2) newest ORDER BY n",
      [guildId, this.policies.audit.window],
    );
    for (const { entry } of audit.rows) {
      const parsed = AuditEntrySchema.safeParse(JSON.parse(entry));
      if (parsed.success) state.audit.push(Object.freeze(parsed.data));
    }
    // /stats counts the questions of the retention window; the newest also fill the window in memory.
    const cutoff = new Date(this.now() - this.policies.questions.maxAgeMs);
    const questions = await client.query<{ record: string }>(
      "SELECT record FROM questions WHERE guild_id = $1 AND at >= $2 ORDER BY n",
      [guildId, cutoff],
    );
    for (const { record } of questions.rows) {
      const parsed = QuestionRecordSchema.safeParse(JSON.parse(record));
      if (!parsed.success) continue;
      const frozen = Object.freeze(parsed.data);
      state.tally.add(frozen);
      state.questions.push(frozen);
    }
    return state;
  }

  private parseDocument(guildId: string, id: string, text: string): StoredDocument | null {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.problems.push({ path: `documents/${guildId}/${id}`, reason: `unreadable (${(error as Error).message})` });
      return null;
    }
    const parsed = StoredDocumentSchema.safeParse(value);
    if (!parsed.success) {
      this.problems.push({ path: `documents/${guildId}/${id}`, reason: `invalid (${describeIssues(parsed.error)})` });
      return null;
    }
    if (parsed.data.id !== id || sha256(parsed.data.text) !== parsed.data.hash) {
      this.problems.push({ path: `documents/${guildId}/${id}`, reason: "text does not match its hash; not served" });
      return null;
    }
    return frozenDocument(parsed.data);
  }

  private parseSettings(guildId: string, text: string | null): GuildSettings {
    if (text === null) return { ...DEFAULT_SETTINGS, channels: [] };
    try {
      const parsed = SettingsSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    this.problems.push({ path: `guilds/${guildId}/settings`, reason: "unreadable settings; defaults apply" });
    return { ...DEFAULT_SETTINGS, channels: [] };
  }

  /** Reads what changed in a server since the version held, applies it, and tells the listeners. */
  private async catchUp(guildId: string): Promise<void> {
    await this.locks.run(guildId, async () => {
      const state = this.guilds.get(guildId);
      if (state === undefined) return;
      const change = await transaction(
        this.pool,
        async (client) => {
          const guild = await client.query<{ version: string; settings: string | null }>(
            "SELECT version, settings FROM guilds WHERE guild_id = $1",
            [guildId],
          );
          const current = Number(guild.rows[0]?.version ?? 0);
          if (current <= state.version) return null;
          const changes = await client.query<{ kind: string; document_id: string | null }>(
            "SELECT kind, document_id FROM guild_changes WHERE guild_id = $1 AND version > $2 AND version <= $3 ORDER BY version",
            [guildId, state.version, current],
          );
          const added = new Set<string>();
          const removed = new Set<string>();
          let settings = false;
          for (const { kind, document_id: id } of changes.rows) {
            if (kind === "settings") settings = true;
            else if (kind === "add" && id !== null) {
              added.add(id);
              removed.delete(id);
            } else if (kind === "remove" && id !== null) {
              removed.add(id);
              added.delete(id);
            }
          }
          const documents = await client.query<{ id: string; document: string }>(
            "SELECT id, document FROM documents WHERE guild_id = $1 AND id = ANY($2) ORDER BY seq",
            [guildId, [...added]],
          );
          return {
            current,
            settings,
            settingsText: guild.rows[0]?.settings ?? null,
            documents: documents.rows,
            removed,
          };
        },
        { readOnly: true },
      );
      if (change === null) return;
      const result: GuildChange = { guildId, added: [], removed: [], settings: change.settings };
      for (const id of change.removed) if (state.documents.delete(id)) result.removed.push(id);
      for (const { id, document } of change.documents) {
        if (state.documents.has(id)) continue;
        const parsed = this.parseDocument(guildId, id, document);
        if (parsed === null) continue;
        state.documents.set(id, parsed);
        result.added.push(parsed);
      }
      if (change.settings) state.settings = this.parseSettings(guildId, change.settingsText);
      state.version = change.current;
      for (const listener of this.listeners) listener(result);
    });
  }

  /** After the listener reconnected: every server held that is behind catches up. */
  private async resync(): Promise<void> {
    const ids = [...this.guilds.keys()];
    if (ids.length === 0) return;
    const { rows } = await this.pool.query<{ guild_id: string; version: string }>(
      "SELECT guild_id, version FROM guilds WHERE guild_id = ANY($1)",
      [ids],
    );
    for (const { guild_id: id, version } of rows) {
      const state = this.guilds.get(id);
      if (state !== undefined && Number(version) > state.version) await this.catchUp(id);
    }
  }

  onChange(listener: (change: GuildChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After this process's own write at `version`: in step, or another's change came in between (read it too). */
  private advance(guildId: string, state: GuildState, version: number): void {
    if (version === state.version + 1) state.version = version;
    else void this.catchUp(guildId).catch(() => undefined);
  }

  // ----- reads --------------------------------------------------------------------------------------------------

  async readAuditLog(guildId: string, options: ReadOptions = {}): Promise<AuditEntry[]> {
    checkGuildId(guildId);
    const rows = await this.page("audit_log", "entry", guildId, options);
    return rows.flatMap((text) => {
      const parsed = AuditEntrySchema.safeParse(JSON.parse(text));
      return parsed.success ? [Object.freeze(parsed.data)] : [];
    });
  }

  async readQuestions(guildId: string, options: ReadOptions = {}): Promise<QuestionRecord[]> {
    checkGuildId(guildId);
    const rows = await this.page("questions", "record", guildId, options);
    return rows.flatMap((text) => {
      const parsed = QuestionRecordSchema.safeParse(JSON.parse(text));
      return parsed.success ? [Object.freeze(parsed.data)] : [];
    });
  }

  private async page(table: string, column: string, guildId: string, options: ReadOptions): Promise<string[]> {
    const skip = Math.max(0, options.skip ?? 0);
    const limit = Math.max(0, options.limit ?? 100);
    const since = options.since === undefined ? new Date(0) : new Date(Math.max(0, options.since));
    const { rows } = await this.pool.query<Record<string, string>>(
      `SELECT ${column} FROM ${table} WHERE guild_id = $1 AND at >= $2 ORDER BY n DESC OFFSET $3 LIMIT $4`,
      [guildId, since, skip, limit],
    );
    return rows.map((row) => row[column] as string);
  }

  // ----- writes -------------------------------------------------------------------------------------------------

  /** Runs `change` in a transaction holding the server's row (created if new); returns its result and the version. */
  private async changeGuild<T>(
    guildId: string,
    change: (client: PoolClient, row: { version: number; nextSeq: number }) => Promise<T>,
  ): Promise<T> {
    return transaction(this.pool, async (client) => {
      await client.query("INSERT INTO guilds (guild_id) VALUES ($1) ON CONFLICT (guild_id) DO NOTHING", [guildId]);
      const { rows } = await client.query<{ version: string; next_seq: string }>(
        "SELECT version, next_seq FROM guilds WHERE guild_id = $1 FOR UPDATE",
        [guildId],
      );
      const row = rows[0] as { version: string; next_seq: string };
      const result = await change(client, { version: Number(row.version), nextSeq: Number(row.next_seq) });
      const state = this.guilds.get(guildId);
      if (state !== undefined) state.stored = true;
      return result;
    });
  }

  /**
   * Stores the documents in one transaction: all of them are durable and served when this resolves, or none is.
   * Duplicates (of each other or of what the server stores) and the quota are checked in that transaction.
   */
  async addDocuments(
    guildId: string,
    inputs: readonly DocumentInput[],
    options: AddOptions = {},
  ): Promise<StoredDocument[]> {
    checkGuildId(guildId);
    const valid = inputs.map((input) => checkedDocument(input));
    const hashes = new Set<string>();
    for (const fields of valid) {
      if (hashes.has(fields.hash)) throw new GuildStoreError("the same text is given twice");
      hashes.add(fields.hash);
    }
    const addedAt = new Date(this.now()).toISOString();
    return this.locks.run(guildId, async () => {
      await this.load(guildId);
      const state = this.guilds.get(guildId) as GuildState;
      let result: { documents: StoredDocument[]; version: number };
      try {
        result = await this.changeGuild(guildId, async (client, row) => {
          if (valid.length === 0) return { documents: [], version: row.version };
          if (options.maxDocuments !== undefined) {
            const counted = await client.query<{ count: string }>(
              "SELECT count(*) AS count FROM documents WHERE guild_id = $1",
              [guildId],
            );
            const count = Number(counted.rows[0]?.count ?? 0);
            if (count + valid.length > options.maxDocuments) throw new DocumentQuotaError(count, options.maxDocuments);
          }
          const existing = await client.query<{ id: string; document: string }>(
            "SELECT id, document FROM documents WHERE guild_id = $1 AND hash = ANY($2) ORDER BY seq LIMIT 1",
            [guildId, [...hashes]],
          );
          const found = existing.rows[0];
          if (found !== undefined)
            throw new DuplicateDocumentError(
              this.parseDocument(guildId, found.id, found.document) ??
                frozenDocument(JSON.parse(found.document) as StoredDocument),
            );
          const documents = await this.freshIds(client, guildId, valid, addedAt);
          return { documents, version: await this.insert(client, guildId, row, documents) };
        });
      } catch (error) {
        // The unique constraint is the last word (a writer that took no row lock, an import racing this).
        if (sqlState(error) === UNIQUE_VIOLATION && constraintOf(error) === "documents_text_unique") {
          const found = await this.pool.query<{ id: string; document: string }>(
            "SELECT id, document FROM documents WHERE guild_id = $1 AND hash = ANY($2) ORDER BY seq LIMIT 1",
            [guildId, [...hashes]],
          );
          const row = found.rows[0];
          const existing = row === undefined ? null : this.parseDocument(guildId, row.id, row.document);
          if (existing !== null) throw new DuplicateDocumentError(existing);
        }
        throw error;
      }
      for (const document of result.documents) state.documents.set(document.id, document);
      if (result.documents.length > 0) this.advance(guildId, state, result.version);
      return result.documents;
    });
  }

  /** Ids for new documents that the server does not use (checked under its row lock). */
  private async freshIds(
    client: PoolClient,
    guildId: string,
    valid: ReturnType<typeof checkedDocument>[],
    addedAt: string,
  ): Promise<StoredDocument[]> {
    const ids = valid.map((fields) => documentIdFor(fields.source, randomBytes(4).toString("hex")));
    for (;;) {
      const taken = await client.query<{ id: string }>(
        "SELECT id FROM documents WHERE guild_id = $1 AND id = ANY($2)",
        [guildId, ids],
      );
      const clash = new Set(taken.rows.map((r) => r.id));
      const seen = new Set<string>();
      let again = false;
      for (const [i, id] of ids.entries()) {
        if (clash.has(id) || seen.has(id)) {
          ids[i] = documentIdFor((valid[i] as (typeof valid)[number]).source, randomBytes(4).toString("hex"));
          again = true;
        }
        seen.add(ids[i] as string);
      }
      if (!again) break;
    }
    return valid.map((fields, i) => {
      const id = ids[i] as string;
      return frozenDocument({ ...fields, id, source: { ...fields.source, id }, addedAt });
    });
  }

  /** Inserts documents (ids final) in the transaction holding the row; returns the server's new version. */
  private async insert(
    client: PoolClient,
    guildId: string,
    row: { version: number; nextSeq: number },
    documents: readonly StoredDocument[],
  ): Promise<number> {
    const version = row.version + 1;
    for (let i = 0; i < documents.length; i += INSERT_BATCH) {
      const batch = documents.slice(i, i + INSERT_BATCH);
      await client.query(
        `INSERT INTO documents (guild_id, id, seq, hash, document)
         SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[])`,
        [
          guildId,
          batch.map((d) => d.id),
          batch.map((_, j) => row.nextSeq + i + j),
          batch.map((d) => d.hash),
          batch.map((d) => json(d)),
        ],
      );
      await client.query(
        "INSERT INTO guild_changes (guild_id, version, kind, document_id) SELECT $1, $2, 'add', unnest($3::text[])",
        [guildId, version, batch.map((d) => d.id)],
      );
    }
    await client.query("UPDATE guilds SET version = $2, next_seq = $3 WHERE guild_id = $1", [
      guildId,
      version,
      row.nextSeq + documents.length,
    ]);
    await announce(client, { t: "guild", g: guildId, v: version });
    return version;
  }

  /**
   * Stores documents exactly as given (ids, dates: an import from another store), skipping those already stored with
   * the same id and text. Refuses a document whose id the server uses for another text.
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
      await this.load(guildId);
      const state = this.guilds.get(guildId) as GuildState;
      const result = await this.changeGuild(guildId, async (client, row) => {
        const stored = await client.query<{ id: string; hash: string }>(
          "SELECT id, hash FROM documents WHERE guild_id = $1",
          [guildId],
        );
        const byId = new Map(stored.rows.map((r) => [r.id, r.hash]));
        const fresh: StoredDocument[] = [];
        for (const document of checked) {
          const hash = byId.get(document.id);
          if (hash === document.hash) continue;
          if (hash !== undefined)
            throw new GuildStoreError(`document ${document.id} is stored with another text; not replaced`);
          fresh.push(document);
        }
        if (fresh.length === 0) return { fresh, version: row.version };
        return { fresh, version: await this.insert(client, guildId, row, fresh) };
      });
      for (const document of result.fresh) state.documents.set(document.id, document);
      if (result.fresh.length > 0) this.advance(guildId, state, result.version);
      return result.fresh;
    });
  }

  async removeDocument(guildId: string, id: string): Promise<StoredDocument | null> {
    checkGuildId(guildId);
    return this.locks.run(guildId, async () => {
      await this.load(guildId);
      const state = this.guilds.get(guildId) as GuildState;
      const result = await this.changeGuild(guildId, async (client, row) => {
        const deleted = await client.query<{ document: string }>(
          "DELETE FROM documents WHERE guild_id = $1 AND id = $2 RETURNING document",
          [guildId, id],
        );
        const text = deleted.rows[0]?.document;
        if (text === undefined) return null;
        const version = row.version + 1;
        await client.query(
          "INSERT INTO guild_changes (guild_id, version, kind, document_id) VALUES ($1, $2, 'remove', $3)",
          [guildId, version, id],
        );
        await client.query("UPDATE guilds SET version = $2 WHERE guild_id = $1", [guildId, version]);
        await announce(client, { t: "guild", g: guildId, v: version });
        return { version, document: state.documents.get(id) ?? frozenDocument(JSON.parse(text) as StoredDocument) };
      });
      if (result === null) {
        // Gone already (removed by another process): stop serving it here too.
        state.documents.delete(id);
        return null;
      }
      state.documents.delete(id);
      this.advance(guildId, state, result.version);
      return result.document;
    });
  }

  async updateSettings(guildId: string, patch: Partial<GuildSettings>): Promise<GuildSettings> {
    checkGuildId(guildId);
    const parsed = SettingsPatchSchema.safeParse(patch);
    if (!parsed.success) throw new GuildStoreError(`invalid settings (${describeIssues(parsed.error)})`);
    const changes = parsed.data;
    return this.locks.run(guildId, async () => {
      await this.load(guildId);
      const state = this.guilds.get(guildId) as GuildState;
      const result = await this.changeGuild(guildId, async (client, row) => {
        // The stored settings, not this process's memory of them: another process may have changed them.
        const current = await client.query<{ settings: string | null }>(
          "SELECT settings FROM guilds WHERE guild_id = $1",
          [guildId],
        );
        const base = this.parseSettings(guildId, current.rows[0]?.settings ?? null);
        const next: GuildSettings = { ...base, channels: [...base.channels] };
        if (changes.channels !== undefined) next.channels = [...new Set(changes.channels)];
        if (changes.ephemeralByDefault !== undefined) next.ephemeralByDefault = changes.ephemeralByDefault;
        if (changes.cooldownSeconds !== undefined) next.cooldownSeconds = changes.cooldownSeconds;
        if (changes.auditChannelId !== undefined) next.auditChannelId = changes.auditChannelId;
        const version = row.version + 1;
        await client.query("UPDATE guilds SET settings = $2, version = $3 WHERE guild_id = $1", [
          guildId,
          json(next),
          version,
        ]);
        await client.query("INSERT INTO guild_changes (guild_id, version, kind) VALUES ($1, $2, 'settings')", [
          guildId,
          version,
        ]);
        await announce(client, { t: "guild", g: guildId, v: version });
        return { next, version };
      });
      state.settings = result.next;
      this.advance(guildId, state, result.version);
      return this.settings(guildId);
    });
  }

  async audit(entry: AuditEntry): Promise<void> {
    checkGuildId(entry?.guildId);
    const clipped = { ...entry };
    if (typeof clipped.action === "string" && clipped.action.length > 100)
      clipped.action = `${clipped.action.slice(0, 99)}…`;
    if (typeof clipped.detail === "string" && clipped.detail.length > 4000)
      clipped.detail = `${clipped.detail.slice(0, 3999)}…`;
    const parsed = AuditEntrySchema.safeParse(clipped);
    if (!parsed.success) throw new GuildStoreError(`invalid audit entry (${describeIssues(parsed.error)})`);
    const valid = Object.freeze(parsed.data);
    await this.load(valid.guildId);
    const state = this.guilds.get(valid.guildId) as GuildState;
    await this.pool.query(
      `${state.stored ? "" : ENSURE_GUILD}INSERT INTO audit_log (guild_id, at, entry) VALUES ($1, $2, $3)`,
      [valid.guildId, new Date(valid.at), json(valid)],
    );
    state.stored = true;
    state.audit.push(valid);
  }

  async recordQuestion(guildId: string, record: QuestionRecord): Promise<void> {
    checkGuildId(guildId);
    const input = record?.private === true ? { ...record, question: "" } : record;
    const parsed = QuestionRecordSchema.safeParse(input);
    if (!parsed.success) throw new GuildStoreError(`invalid question record (${describeIssues(parsed.error)})`);
    const valid = Object.freeze(parsed.data);
    await this.load(guildId);
    const state = this.guilds.get(guildId) as GuildState;
    await this.pool.query(
      `${state.stored ? "" : ENSURE_GUILD}INSERT INTO questions (guild_id, at, record) VALUES ($1, $2, $3)`,
      [guildId, new Date(valid.at), json(valid)],
    );
    state.stored = true;
    state.questions.push(valid);
    state.tally.add(valid);
  }

  // ----- upkeep -------------------------------------------------------------------------------------------------

  maintain(): Promise<void> {
    this.maintaining ??= (async () => {
      try {
        const now = this.now();
        await this.pool.query("DELETE FROM questions WHERE at < $1", [
          new Date(now - this.policies.questions.maxAgeMs),
        ]);
        await this.pool.query("DELETE FROM audit_log WHERE at < $1", [new Date(now - this.policies.audit.maxAgeMs)]);
        for (const guildId of this.guilds.keys()) {
          for (const [table, max] of [
            ["questions", MAX_QUESTION_ROWS],
            ["audit_log", MAX_AUDIT_ROWS],
          ] as const)
            await this.pool.query(
              `DELETE FROM ${table} WHERE guild_id = $1 AND n <= (SELECT n FROM ${table} WHERE guild_id = $1 ORDER BY n DESC OFFSET $2 LIMIT 1)`,
              [guildId, max],
            );
          const cutoff = now - this.policies.questions.maxAgeMs;
          this.guilds.get(guildId)?.questions.filter((q) => Date.parse(q.at) >= cutoff);
        }
        this.warned = false;
      } catch (error) {
        if (!this.warned) this.onWarning?.({ message: "could not prune the logs; will retry", error: String(error) });
        this.warned = true;
      }
    })().finally(() => {
      this.maintaining = null;
    });
    return this.maintaining;
  }

  private schedule(firstMs: number, everyMs: number): void {
    this.timer = setTimeout(() => {
      void this.maintain().then(() => {
        if (this.timer !== undefined) this.schedule(everyMs, everyMs);
      });
    }, firstMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const stop of this.stopFeed.splice(0)) stop();
    await this.maintaining;
  }

  private emptyState(): GuildState {
    return {
      documents: new Map(),
      version: 0,
      settings: { ...DEFAULT_SETTINGS, channels: [] },
      audit: new Window(this.policies.audit.window),
      questions: new Window(this.policies.questions.window),
      tally: new QuestionTally(this.policies.questions.maxAgeMs),
      stored: false,
    };
  }
}
