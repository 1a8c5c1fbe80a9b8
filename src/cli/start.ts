/**
 * `npm start`: validates the configuration once, opens the library (saved index, brought up to date), logs in, and shuts
 * down cleanly on SIGINT/SIGTERM. discord.js reconnects (RESUME or re-IDENTIFY) on its own after a dropped connection.
 */
import { pino } from "pino";
import { createBot } from "../bot/client.js";
import { VERSION } from "../bot/version.js";
import { configOrReport, loadBotConfig, redactConfig } from "../config.js";
import { GuildStore } from "../core/servers/store.js";
import { GuildCorpora } from "../core/servers/corpora.js";
import { Library } from "../core/library/library.js";

async function main(): Promise<void> {
  const config = configOrReport(loadBotConfig, "verbatim");
  if (config === null) return;
  const logger = pino({ level: config.logLevel, base: { app: "verbatim", version: VERSION } });
  logger.debug({ config: redactConfig(config) }, "configuration");

  const { library, report } = await Library.open({ corpusDir: config.corpusDir, dataDir: config.dataDir });
  for (const problem of report.problems) logger.warn(problem, "corpus file skipped");
  if (report.discarded !== undefined) logger.warn({ reason: report.discarded }, "saved index not used; rebuilt");
  logger.info({ index: report.index, ms: report.ms, ...library.stats(), diff: report.diff }, "corpus ready");

  const store = await GuildStore.open(config.dataDir);
  for (const problem of store.problems) logger.warn(problem, "stored server data set aside");
  const corpora = new GuildCorpora(store, library, { maxUploadBytes: config.maxUploadBytes, maxDocuments: config.maxDocumentsPerGuild });
  // Index every server's own documents now, so no first question or autocomplete pays for it.
  for (const guildId of store.guildIds()) corpora.scope(guildId);

  const client = createBot({
    answerer: library,
    logger,
    apiUrl: config.discord.apiUrl,
    cooldownSeconds: config.cooldownSeconds,
    version: VERSION,
    servers: {
      store,
      corpora,
      ownerIds: config.ownerIds,
      maxUploadBytes: config.maxUploadBytes,
      reloadBundled: async () => {
        const { diff, problems } = await library.reload();
        for (const problem of problems) logger.warn(problem, "corpus file skipped");
        return diff;
      },
    },
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    client
      .destroy()
      .catch((error: unknown) => logger.error({ err: error }, "error while disconnecting"))
      .finally(() => {
        logger.flush();
        process.exit(0);
      });
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));

  await client.login(config.discord.token);
}

main().catch((error: unknown) => {
  process.stderr.write(`verbatim: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
