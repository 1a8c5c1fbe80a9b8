/**
 * The composition root: the one place where the parts are put together. `npm start`, the end-to-end tests and the
 * benchmark's bot path all build Verbatim through `createVerbatim`, so they run the same wiring.
 *
 *   lock     DATA_DIR belongs to this process alone (a second one is refused, naming the first)
 *   pool     worker threads for loading and indexing, so no rebuild holds up the event loop
 *   library  the bundled corpus (its saved index brought up to date with CORPUS_DIR), or a given one
 *   guilds   each server's stored documents, settings and logs under DATA_DIR (absent without a data folder), or
 *            in PostgreSQL when DATABASE_URL is set (several processes share it; each holds its own shards' servers)
 *   feedback the answers given (for their buttons), votes, reports, exclusions and pins, beside them
 *   feed     with PostgreSQL: LISTEN/NOTIFY, so a change made by any process reaches every process that holds it
 *   client   the Discord client, wired to the commands it is given (and to its shards)
 */
import { join } from "node:path";
import type { Client } from "discord.js";
import type { Logger } from "pino";
import type { AnyCommand } from "./bot/command.js";
import { createBot } from "./bot/client.js";
import type { BackoffOptions } from "./bot/gateway.js";
import type { GuildServices } from "./bot/guilds.js";
import {
  type Answerer,
  ChangeFeed,
  createDatabasePool,
  createPool,
  type DatabasePool,
  type DataDirLock,
  DM_SCOPE,
  type Executor,
  type FeedbackStorage,
  FeedbackStore,
  GuildCorpora,
  type GuildStorage,
  GuildStore,
  Library,
  lockDataDir,
  migrate,
  type OpenReport,
  PgFeedbackStore,
  PgGuildStore,
} from "./core/index.js";

/** Which shards this process runs: `ids` of `count` in all. */
export interface ShardPlan {
  count: number;
  ids: readonly number[];
}

/** The shard a server's events arrive on: (guild_id >> 22) % num_shards, as Discord documents. */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** Whether a process running `plan` serves this scope (a server on one of its shards; DMs arrive on shard 0). */
export function ownsScope(plan: ShardPlan | undefined, scope: string): boolean {
  if (plan === undefined) return true;
  if (scope === DM_SCOPE) return plan.ids.includes(0);
  return plan.ids.includes(shardOf(scope, plan.count));
}

/** The folder a process keeps its own files in (its lock, the bundled corpus's saved index). */
export function processDataDir(dataDir: string, plan: ShardPlan | undefined, shared: boolean): string {
  // Processes that split the shards share the database, not the folder: each has one of its own.
  if (!shared || plan === undefined || plan.ids.length === plan.count) return dataDir;
  return join(dataDir, "shards", `${plan.ids.join("+")}-of-${plan.count}`);
}

export interface VerbatimOptions {
  /** The bundled corpus's folder (ignored when `library` is given). */
  corpusDir: string;
  /** Where indexes and each server's data are kept; null: nothing is written and servers cannot add documents. */
  dataDir: string | null;
  logger: Logger;
  /** Per-upload and per-server limits. */
  maxUploadBytes: number;
  maxDocumentsPerGuild: number;
  /** User ids allowed to run operator commands. */
  ownerIds: readonly string[];
  /** A library built elsewhere (the benchmark's), instead of opening `corpusDir`. */
  library?: Library;
  /** How long an attachment download may take (default 15 s). */
  downloadTimeoutMs?: number;
  /** The clock answer records and votes are dated and retained by (tests move it forward). Default `Date.now`. */
  now?: () => number;
  /** Worker threads for indexing (default: a pool of its own; tests may share one). */
  executor?: Executor;
  /** PostgreSQL for what servers store (null or absent: files under DATA_DIR). */
  databaseUrl?: string | null;
  /** The shards this process runs (absent: every shard, as discord.js decides). */
  shards?: ShardPlan;
  /** How soon a cut-off listener reconnects (tests). Default 250 ms, doubling to 10 s. */
  feedReconnectMs?: number;
}

export interface BotParts {
  commands: readonly AnyCommand[];
  /** REST base without the version, e.g. https://discord.com/api. */
  apiUrl: string;
  cooldownSeconds: number;
  version: string;
  /** What answers questions; the library unless a test stands in another. */
  answerer?: Answerer;
  /** How reconnecting to an unreachable gateway backs off (defaults: 1 s doubling to 1 min). */
  gatewayBackoff?: BackoffOptions;
}

export interface Verbatim {
  library: Library;
  /** How the bundled corpus's index came to be (null when the library was given). */
  report: OpenReport | null;
  store: GuildStorage | null;
  corpora: GuildCorpora | null;
  /** Answers given, votes, reports, exclusions and pins (null without a data folder). */
  feedback: FeedbackStorage | null;
  /** With PostgreSQL: the change feed (null with files). */
  feed: ChangeFeed | null;
  /** The Discord client, wired (not logged in). */
  createClient(parts: BotParts): Client;
  /** Stops the background work (workers, log upkeep, save retries) and releases DATA_DIR. Destroy the client first. */
  close(): Promise<void>;
}

export async function createVerbatim(options: VerbatimOptions): Promise<Verbatim> {
  const { logger } = options;
  const databaseUrl = options.databaseUrl ?? null;
  const dataDir =
    options.dataDir === null ? null : processDataDir(options.dataDir, options.shards, databaseUrl !== null);
  // Before anything reads or writes it: DATA_DIR (or this process's folder in it) is this process's alone.
  let lock: DataDirLock | null = null;
  if (dataDir !== null) {
    lock = await lockDataDir(dataDir);
    if (!lock.held) logger.warn({ dataDir }, "DATA_DIR is read-only: serving from memory, saving nothing");
  }
  const ownPool = options.executor === undefined;
  const pool = options.executor ?? createPool();
  let database: DatabasePool | null = null;
  let feed: ChangeFeed | null = null;
  const release = async () => {
    await feed?.close();
    await database?.end().catch(() => undefined);
    if (ownPool) await pool.close();
    await lock?.release();
  };
  try {
    if (databaseUrl !== null) {
      database = createDatabasePool(databaseUrl, {
        applicationName: "verbatim",
        onError: (error) => logger.warn({ error: error.message }, "a database connection failed; it is replaced"),
      });
      const migrated = await migrate(database);
      if (migrated.applied.length > 0) logger.info(migrated, "database migrated");
      feed = await ChangeFeed.start(databaseUrl, {
        ...(options.feedReconnectMs === undefined ? {} : { reconnectMs: options.feedReconnectMs }),
        onStatus: (status) =>
          status.connected
            ? logger.info("listening for other processes' changes again; catching up")
            : logger.warn({ error: status.error }, "lost the database's change feed; reconnecting"),
      });
    }
    return await assemble({ ...options, dataDir }, pool, { database, feed }, release);
  } catch (error) {
    await release();
    throw error;
  }
}

async function assemble(
  options: VerbatimOptions,
  pool: Executor,
  shared: { database: DatabasePool | null; feed: ChangeFeed | null },
  release: () => Promise<void>,
): Promise<Verbatim> {
  const { logger } = options;
  const { database, feed } = shared;
  let library = options.library;
  let report: OpenReport | null = null;
  if (library === undefined) {
    const opened = await Library.open({
      corpusDir: options.corpusDir,
      ...(options.dataDir === null ? {} : { dataDir: options.dataDir }),
      executor: pool,
      onSave: ({ ok, error }) => {
        if (ok) logger.info("saved the index again");
        else
          logger.warn(
            { error },
            "could not save the index (disk full or read-only?): serving it from memory, will retry",
          );
      },
    });
    ({ library, report } = opened);
    for (const problem of report.problems) logger.warn(problem, "corpus file skipped");
    for (const skipped of report.skipped) logger.warn(skipped, "corpus file not read");
    if (report.readme !== null) logger.info({ path: report.readme }, "corpus README skipped (describes the folder)");
    if (report.discarded !== undefined) logger.warn({ reason: report.discarded }, "saved index not used; rebuilt");
    logger.info({ index: report.index, ms: report.ms, ...library.stats(), diff: report.diff }, "corpus ready");
  }
  let store: GuildStorage | null = null;
  let corpora: GuildCorpora | null = null;
  let feedback: FeedbackStorage | null = null;
  const owns = (scope: string) => ownsScope(options.shards, scope);
  const onWarning = (warning: object) =>
    logger.warn(warning, "stored server data: background upkeep failed; will retry");
  if (database !== null) {
    store = await PgGuildStore.open(database, { owns, ...(feed === null ? {} : { feed }), onWarning });
    feedback = await PgFeedbackStore.open(database, {
      owns,
      ...(feed === null ? {} : { feed }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  } else if (options.dataDir !== null) {
    store = await GuildStore.open(options.dataDir, { onWarning });
    feedback = await FeedbackStore.open(options.dataDir, options.now === undefined ? {} : { now: options.now });
  }
  if (store !== null && feedback !== null) {
    for (const problem of store.problems) logger.warn(problem, "stored server data set aside");
    for (const problem of feedback.problems) logger.warn(problem, "stored feedback set aside or repaired");
    corpora = new GuildCorpora(
      store,
      library,
      { maxUploadBytes: options.maxUploadBytes, maxDocuments: options.maxDocumentsPerGuild },
      pool,
    );
    // Index every server's own documents now (on the workers), so no first question or autocomplete waits for it.
    await corpora.warmUp();
    if (database !== null)
      logger.info(
        { servers: store.guildIds().length, shards: options.shards?.ids ?? "all" },
        "loaded the stored data of this process's servers",
      );
  }
  const bundled = library;
  /** With PostgreSQL: the bundled corpus's reload count this process has caught up with. */
  let corpusVersion = 0;
  let corpusReloads: Promise<unknown> = Promise.resolve();
  const stopFeed: Array<() => void> = [];
  if (database !== null && feed !== null) {
    const db = database;
    const readVersion = async () =>
      Number((await db.query<{ version: string }>("SELECT version FROM corpus_reloads")).rows[0]?.version ?? 0);
    corpusVersion = await readVersion();
    // Another process's /operator reload: re-read the bundled corpus here too (each process reads its CORPUS_DIR).
    const follow = (version: number) => {
      if (version <= corpusVersion) return;
      corpusVersion = version;
      corpusReloads = corpusReloads.then(async () => {
        try {
          const { diff, problems, skipped } = await bundled.reload();
          for (const problem of problems) logger.warn(problem, "corpus file skipped");
          for (const entry of skipped) logger.warn(entry, "corpus file not read");
          logger.info({ diff, version }, "bundled corpus reloaded (another process asked)");
        } catch (error) {
          logger.error({ error: (error as Error).message }, "could not reload the bundled corpus");
        }
      });
    };
    stopFeed.push(
      feed.on((notice) => {
        if (notice.t === "corpus") follow(notice.v);
      }),
      feed.onResync(async () => follow(await readVersion())),
    );
  }
  /** Tells every other process to reload the bundled corpus (once this one has). */
  const announceReload = async () => {
    if (database === null) return;
    const client = await database.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ version: string }>(
        "UPDATE corpus_reloads SET version = version + 1 RETURNING version",
      );
      const version = Number(rows[0]?.version ?? 0);
      await client.query("SELECT pg_notify('verbatim', $1)", [JSON.stringify({ t: "corpus", v: version })]);
      await client.query("COMMIT");
      corpusVersion = Math.max(corpusVersion, version);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const guilds: GuildServices | undefined =
    store === null || corpora === null || feedback === null
      ? undefined
      : {
          store,
          corpora,
          feedback,
          ownerIds: options.ownerIds,
          maxUploadBytes: options.maxUploadBytes,
          downloadTimeoutMs: options.downloadTimeoutMs ?? 15_000,
          reloadBundled: async (onProgress) => {
            const { diff, problems, skipped } = await bundled.reload(onProgress === undefined ? {} : { onProgress });
            for (const problem of problems) logger.warn(problem, "corpus file skipped");
            for (const entry of skipped) logger.warn(entry, "corpus file not read");
            await announceReload().catch((error: unknown) =>
              logger.error({ error: (error as Error).message }, "could not tell the other processes to reload"),
            );
            return diff;
          },
          // A server this process serves arrived (GUILD_CREATE): its documents and feedback, loaded once.
          join: async (guildId) => {
            if (!owns(guildId)) return;
            await Promise.all([corpora?.load(guildId), feedback?.load(guildId)]);
          },
        };
  const ownStore = store;
  const ownCorpora = corpora;
  return {
    library,
    report,
    store,
    corpora,
    feedback,
    feed,
    createClient: (parts) =>
      createBot({
        answerer: parts.answerer ?? bundled,
        logger,
        apiUrl: parts.apiUrl,
        cooldownSeconds: parts.cooldownSeconds,
        version: parts.version,
        commands: parts.commands,
        ...(parts.gatewayBackoff === undefined ? {} : { gatewayBackoff: parts.gatewayBackoff }),
        ...(guilds === undefined ? {} : { guilds }),
        ...(options.shards === undefined ? {} : { shards: options.shards }),
      }),
    async close() {
      for (const stop of stopFeed) stop();
      bundled.close();
      ownCorpora?.close();
      await ownStore?.close();
      await feedback?.close();
      await corpusReloads;
      await release();
    },
  };
}
