/**
 * `npm run start:cluster`: one machine's share of the gateway, one process per shard, through discord.js's
 * ShardingManager. Each shard process is `npm start`'s entry with the shard the manager gives it (SHARDING_MANAGER,
 * SHARDS and SHARD_COUNT in its environment), so it loads only its shard's servers; all of them share PostgreSQL
 * (DATABASE_URL, required) and keep in step through it. A shard process that dies is started again.
 *
 *   SHARD_COUNT  the shards over all machines; unset: Discord's recommendation or this machine's cores, whichever is
 *                more (auto: Discord's recommendation)
 *   SHARD_IDS    the shards this machine runs (unset: all of them)
 *
 * Shards start max_concurrency at a time, each group 5.5 s after the last one's READY (Discord allows
 * max_concurrency identifies per 5 s).
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { ShardingManager } from "discord.js";
import { explainDiscordError } from "../bot/explain.js";
import { allShards, fetchGatewayBot } from "../bot/shards.js";
import { checkClusterConfig, configOrReport, loadBotConfig } from "../config.js";
import { describeError } from "../discord/errors.js";
import { createLogger } from "./logger.js";

async function main(): Promise<void> {
  const config = configOrReport(loadBotConfig, "verbatim-cluster");
  if (config === null) return;
  const problems = checkClusterConfig(config);
  if (problems.length > 0) {
    for (const line of problems) process.stderr.write(`verbatim-cluster: ${line}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config.logLevel);
  let gateway;
  try {
    gateway = await fetchGatewayBot(config.discord);
  } catch (error) {
    const line = explainDiscordError(error, config.discord);
    if (line === null) throw error;
    process.stderr.write(`verbatim-cluster: ${line}\n`);
    process.exitCode = 1;
    return;
  }
  const requested = config.shards?.count;
  const count =
    typeof requested === "number"
      ? requested
      : requested === "auto"
        ? gateway.shards
        : Math.max(gateway.shards, availableParallelism());
  const ids = config.shards === undefined || config.shards.ids === "all" ? allShards(count) : config.shards.ids;
  // The shard process is start's entry beside this one (dist/start.js built, or src/cli/start.ts under tsx).
  const here = fileURLToPath(import.meta.url);
  const file = here.replace(/cluster\.(ts|js)$/, "start.$1");
  const manager = new ShardingManager(file, {
    totalShards: count,
    shardList: [...ids],
    token: config.discord.token,
    respawn: true,
    execArgv: process.execArgv,
  });
  manager.on("shardCreate", (shard) => {
    logger.info({ shard: shard.id, of: count }, "shard process started");
    shard.on("death", (child) =>
      logger.warn(
        { shard: shard.id, exitCode: "exitCode" in child ? child.exitCode : null },
        "shard process died; restarting",
      ),
    );
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping the shard processes");
    manager.respawn = false;
    for (const shard of manager.shards.values()) shard.kill();
    logger.flush();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  logger.info({ shards: ids, of: count, maxConcurrency: gateway.maxConcurrency }, "starting shard processes");
  // Discord allows max_concurrency identifies per 5 s (one per bucket, shard_id % max_concurrency): start that many
  // shards at once, wait until each is READY (so it has identified), then 5.5 s, then the next ones. (The manager's own
  // spawn() spaces process starts, not identifies, so a slow start could still collide.)
  const step = Math.max(1, gateway.maxConcurrency);
  for (let i = 0; i < ids.length && !stopping; i += step) {
    // spawn(-1) returns as soon as the process exists (it does not wait for READY); a shard's corpus may take longer
    // than any fixed timeout to load, so READY is awaited here, however long it takes (a respawn is waited for too).
    await Promise.all(
      ids.slice(i, i + step).map(async (id) => {
        const shard = manager.createShard(id);
        const ready = new Promise<void>((resolve) => shard.once("ready", () => resolve()));
        await shard.spawn(-1);
        await ready;
      }),
    );
    if (i + step < ids.length) await new Promise((resolve) => setTimeout(resolve, 5500));
  }
  logger.info({ shards: ids.length }, "every shard process is ready");
}

main().catch((error: unknown) => {
  process.stderr.write(`verbatim-cluster: could not start: ${describeError(error).message ?? String(error)}\n`);
  process.exitCode = 1;
});
