/**
 * The composition root: the one place where the parts are put together. `npm start`, the end-to-end tests and the
 * benchmark's bot path all build Verbatim through `createVerbatim`, so they run the same wiring.
 *
 *   library  the bundled corpus (its saved index brought up to date with CORPUS_DIR), or a given one
 *   guilds   each server's stored documents, settings and logs under DATA_DIR (absent without a data folder)
 *   client   the Discord client, wired to the commands it is given
 */
import type { Client } from "discord.js";
import type { Logger } from "pino";
import type { Command } from "./bot/command.js";
import { createBot } from "./bot/client.js";
import type { GuildServices } from "./bot/guilds.js";
import { type Answerer, GuildCorpora, GuildStore, Library, type OpenReport } from "./core/index.js";

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
}

export interface BotParts {
  commands: readonly Command[];
  /** REST base without the version, e.g. https://discord.com/api. */
  apiUrl: string;
  cooldownSeconds: number;
  version: string;
  /** What answers questions; the library unless a test stands in another. */
  answerer?: Answerer;
}

export interface Verbatim {
  library: Library;
  /** How the bundled corpus's index came to be (null when the library was given). */
  report: OpenReport | null;
  store: GuildStore | null;
  corpora: GuildCorpora | null;
  /** The Discord client, wired (not logged in). */
  createClient(parts: BotParts): Client;
}

export async function createVerbatim(options: VerbatimOptions): Promise<Verbatim> {
  const { logger } = options;
  let library = options.library;
  let report: OpenReport | null = null;
  if (library === undefined) {
    const opened = await Library.open({
      corpusDir: options.corpusDir,
      ...(options.dataDir === null ? {} : { dataDir: options.dataDir }),
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
  if (options.dataDir !== null) {
    store = await GuildStore.open(options.dataDir);
    for (const problem of store.problems) logger.warn(problem, "stored server data set aside");
    corpora = new GuildCorpora(store, library, {
      maxUploadBytes: options.maxUploadBytes,
      maxDocuments: options.maxDocumentsPerGuild,
    });
    // Index every server's own documents now, so no first question or autocomplete pays for it.
    for (const guildId of store.guildIds()) corpora.scope(guildId);
  }
  const bundled = library;
  const guilds: GuildServices | undefined =
    store === null || corpora === null
      ? undefined
      : {
          store,
          corpora,
          ownerIds: options.ownerIds,
          maxUploadBytes: options.maxUploadBytes,
          reloadBundled: async () => {
            const { diff, problems, skipped } = await bundled.reload();
            for (const problem of problems) logger.warn(problem, "corpus file skipped");
            for (const entry of skipped) logger.warn(entry, "corpus file not read");
            return diff;
          },
        };
  return {
    library,
    report,
    store,
    corpora,
    createClient: (parts) =>
      createBot({
        answerer: parts.answerer ?? bundled,
        logger,
        apiUrl: parts.apiUrl,
        cooldownSeconds: parts.cooldownSeconds,
        version: parts.version,
        commands: parts.commands,
        ...(guilds === undefined ? {} : { guilds }),
      }),
  };
}
