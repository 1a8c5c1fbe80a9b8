/**
 * `npm start`: validates the configuration once, opens the library (saved index, brought up to date), logs in, and shuts
 * down cleanly on SIGINT/SIGTERM. discord.js reconnects (RESUME or re-IDENTIFY) on its own after a dropped connection.
 */
import { pino } from "pino";
import { commands } from "../../commands/index.js";
import { createVerbatim } from "../app.js";
import { VERSION } from "../bot/version.js";
import { configOrReport, loadBotConfig, redactConfig } from "../config.js";
import { describeError } from "../discord/errors.js";

async function main(): Promise<void> {
  const config = configOrReport(loadBotConfig, "verbatim");
  if (config === null) return;
  // Errors are logged through describeError everywhere; the serializer is the backstop (no tokens, no request bodies).
  const logger = pino({
    level: config.logLevel,
    base: { app: "verbatim", version: VERSION },
    serializers: { err: (error: unknown) => (error instanceof Error ? describeError(error) : error) },
  });
  logger.debug({ config: redactConfig(config) }, "configuration");

  const verbatim = await createVerbatim({
    corpusDir: config.corpusDir,
    dataDir: config.dataDir,
    logger,
    maxUploadBytes: config.maxUploadBytes,
    maxDocumentsPerGuild: config.maxDocumentsPerGuild,
    ownerIds: config.ownerIds,
  });
  const client = verbatim.createClient({
    commands,
    apiUrl: config.discord.apiUrl,
    cooldownSeconds: config.cooldownSeconds,
    version: VERSION,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    client
      .destroy()
      .catch((error: unknown) => logger.error({ err: describeError(error) }, "error while disconnecting"))
      .then(() => verbatim.close())
      .catch((error: unknown) => logger.error({ err: describeError(error) }, "error while stopping"))
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
