/**
 * The composition root: the one place where the parts are put together. `npm start`, the end-to-end tests and the
 * benchmark's bot path all build Verbatim through `createVerbatim`, so they run the same wiring.
 *
 *   lock     DATA_DIR belongs to this process alone (a second one is refused, naming the first)
 *   pool     worker threads for loading and indexing, so no rebuild holds up the event loop
 *   library  the bundled corpus (its saved index brought up to date with CORPUS_DIR), or a given one
 *   guilds   each server's stored documents, settings and logs under DATA_DIR (absent without a data folder)
 *   feedback the answers given (for their buttons), votes, reports, exclusions and pins, under DATA_DIR too
 *   client   the Discord client, wired to the commands it is given
 */
import type { Client } from "discord.js";
import type { Logger } from "pino";
import type { AnyCommand } from "./bot/command.js";
import { createBot } from "./bot/client.js";
import type { BackoffOptions } from "./bot/gateway.js";
import type { GuildServices } from "./bot/guilds.js";
import {
  type Answerer,
  createPool,
  type DataDirLock,
  type Executor,
  FeedbackStore,
  GuildCorpora,
  GuildStore,
  Library,
  lockDataDir,
  type OpenReport,
} from "./core/index.js";

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
  store: GuildStore | null;
  corpora: GuildCorpora | null;
  /** Answers given, votes, reports, exclusions and pins (null without a data folder). */
  feedback: FeedbackStore | null;
  /** The Discord client, wired (not logged in). */
  createClient(parts: BotParts): Client;
  /** Stops the background work (workers, log upkeep, save retries) and releases DATA_DIR. Destroy the client first. */
  close(): Promise<void>;
}

export async function createVerbatim(options: VerbatimOptions): Promise<Verbatim> {
  const { logger } = options;
  // Before anything reads or writes it: DATA_DIR is this process's alone.
  let lock: DataDirLock | null = null;
  if (options.dataDir !== null) {
    lock = await lockDataDir(options.dataDir);
    if (!lock.held)
      logger.warn({ dataDir: options.dataDir }, "DATA_DIR is read-only: serving from memory, saving nothing");
  }
  const ownPool = options.executor === undefined;
  const pool = options.executor ?? createPool();
  try {
    return await assemble(options, pool, async () => {
      if (ownPool) await pool.close();
      await lock?.release();
    });
  } catch (error) {
    if (ownPool) await pool.close();
    await lock?.release();
    throw error;
  }
}

async function assemble(options: VerbatimOptions, pool: Executor, release: () => Promise<void>): Promise<Verbatim> {
  const { logger } = options;
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
  let store: GuildStore | null = null;
  let corpora: GuildCorpora | null = null;
  let feedback: FeedbackStore | null = null;
  if (options.dataDir !== null) {
    store = await GuildStore.open(options.dataDir, {
      onWarning: (warning) => logger.warn(warning, "stored server data: background upkeep failed; will retry"),
    });
    for (const problem of store.problems) logger.warn(problem, "stored server data set aside");
    feedback = await FeedbackStore.open(options.dataDir, options.now === undefined ? {} : { now: options.now });
    for (const problem of feedback.problems) logger.warn(problem, "stored feedback set aside or repaired");
    corpora = new GuildCorpora(
      store,
      library,
      { maxUploadBytes: options.maxUploadBytes, maxDocuments: options.maxDocumentsPerGuild },
      pool,
    );
    // Index every server's own documents now (on the workers), so no first question or autocomplete waits for it.
    await corpora.warmUp();
  }
  const bundled = library;
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
            return diff;
          },
        };
  const ownStore = store;
  return {
    library,
    report,
    store,
    corpora,
    feedback,
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
      }),
    async close() {
      bundled.close();
      await ownStore?.close();
      await release();
    },
  };
}
