/**
 * `npm start`: validates the configuration once, opens the library (saved index, brought up to date), logs in, and shuts
 * down cleanly on SIGINT/SIGTERM. discord.js reconnects (RESUME or re-IDENTIFY) on its own after a dropped connection;
 * an unreachable gateway is retried with backoff (src/bot/gateway.ts). Discord's refusals at login name the variable to
 * fix (src/bot/explain.ts). Logs are JSON lines, or readable lines (pino-pretty) when stdout is a terminal.
 */
import { Events } from "discord.js";
import { commands } from "../../commands/index.js";
import { createVerbatim, type ShardPlan } from "../app.js";
import { inviteUrl } from "../bot/deploy.js";
import { explainDiscordError } from "../bot/explain.js";
import { VERSION } from "../bot/version.js";
import { allShards, fetchGatewayBot } from "../bot/shards.js";
import { type BotConfig, configOrReport, loadBotConfig, pinShardEnvironment, redactConfig } from "../config.js";
import { describeDatabaseError, SchemaError } from "../core/index.js";
import { describeError } from "../discord/errors.js";
import { createLogger } from "./logger.js";

async function main(): Promise<void> {
  const config = configOrReport(loadBotConfig, "verbatim");
  if (config === null) return;
  const logger = createLogger(config.logLevel);
  logger.debug({ config: redactConfig(config) }, "configuration");

  let shards: ShardPlan | undefined;
  try {
    shards = await shardPlan(config);
  } catch (error) {
    const line = explainDiscordError(error, config.discord);
    if (line === null) throw error;
    process.stderr.write(`verbatim: ${line}\n`);
    process.exitCode = 1;
    return;
  }
  if (shards !== undefined) logger.info({ shards: shards.ids, of: shards.count }, "running shards");

  let verbatim;
  try {
    verbatim = await createVerbatim({
      corpusDir: config.corpusDir,
      dataDir: config.dataDir,
      logger,
      maxUploadBytes: config.maxUploadBytes,
      maxDocumentsPerGuild: config.maxDocumentsPerGuild,
      ownerIds: config.ownerIds,
      ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
      ...(shards === undefined ? {} : { shards }),
    });
  } catch (error) {
    const line = config.databaseUrl === undefined ? null : explainDatabaseError(error);
    if (line === null) throw error;
    process.stderr.write(`verbatim: ${line}\n`);
    logger.flush();
    process.exitCode = 1;
    return;
  }
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

/** The shards this process runs: SHARD_COUNT (auto: Discord's recommendation) and SHARD_IDS, or undefined (one). */
async function shardPlan(config: BotConfig): Promise<ShardPlan | undefined> {
  if (config.shards === undefined) return undefined;
  const count = config.shards.count === "auto" ? (await fetchGatewayBot(config.discord)).shards : config.shards.count;
  // discord.js reads SHARD_COUNT from the environment when given its default (1): never the word "auto".
  pinShardEnvironment(count);
  return { count, ids: config.shards.ids === "all" ? allShards(count) : config.shards.ids };
}

/** One line for a database that cannot be used: unreachable, refusing us, or of another schema. */
function explainDatabaseError(error: unknown): string | null {
  if (error instanceof SchemaError) return `DATABASE_URL: ${error.message}`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return null;
  return `DATABASE_URL: could not use PostgreSQL (${describeDatabaseError(error)}): check that the server is running and that the URL's host, port, user, password and database are right`;
}

main().catch((error: unknown) => {
  process.stderr.write(`verbatim: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
