/**
 * `npm start`: validates the configuration once, opens the library (saved index, brought up to date), logs in, and shuts
 * down cleanly on SIGINT/SIGTERM. discord.js reconnects (RESUME or re-IDENTIFY) on its own after a dropped connection;
 * an unreachable gateway is retried with backoff (src/bot/gateway.ts). Discord's refusals at login name the variable to
 * fix (src/bot/explain.ts). Logs are JSON lines, or readable lines (pino-pretty) when stdout is a terminal.
 */
import { Events } from "discord.js";
import { commands } from "../../commands/index.js";
import { createVerbatim } from "../app.js";
import { inviteUrl } from "../bot/deploy.js";
import { explainDiscordError } from "../bot/explain.js";
import { VERSION } from "../bot/version.js";
import { configOrReport, loadBotConfig, redactConfig } from "../config.js";
import { describeError } from "../discord/errors.js";
import { createLogger } from "./logger.js";

async function main(): Promise<void> {
  const config = configOrReport(loadBotConfig, "verbatim");
  if (config === null) return;
  const logger = createLogger(config.logLevel);
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
  client.once(Events.ClientReady, (ready) => {
    if (ready.guilds.cache.size === 0)
      logger.warn({ invite: inviteUrl(config.discord.applicationId) }, "the bot is in no server yet: invite it");
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

  try {
    await client.login(config.discord.token);
  } catch (error) {
    const line = explainDiscordError(error, config.discord);
    if (line === null) throw error;
    process.stderr.write(`verbatim: ${line}\n`);
    await client.destroy().catch(() => undefined);
    logger.flush();
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`verbatim: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
