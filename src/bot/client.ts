/**
 * The Discord client, wired: intents (no privileged ones), the REST base (a proxy in front of Discord, or the loopback
 * server in tests), mentions blocked by default on everything the client sends, and the event handlers.
 */
import { Client, Events, GatewayIntentBits, Partials } from "discord.js";
import type { Logger } from "pino";
import type { Answerer } from "../core/index.js";
import { type AnyCommand, type CommandContext, memberCommands } from "./command.js";
import { createCommandIds } from "./command-ids.js";
import { Cooldowns } from "./cooldown.js";
import type { GuildServices } from "./guilds.js";
import { GatewayBackoff, type BackoffOptions } from "./gateway.js";
import { createMentionHandler } from "./mentions.js";
import { createRouter } from "./router.js";
import { describeError, redactTokens } from "../discord/errors.js";

export interface BotOptions {
  answerer: Answerer;
  logger: Logger;
  /** REST base without the version, e.g. https://discord.com/api. */
  apiUrl: string;
  /** Default per-user cooldown; a server's settings may override it. */
  cooldownSeconds: number;
  version: string;
  guilds?: GuildServices;
  /** The commands to dispatch to (the entry point's list, commands/index.ts). */
  commands: readonly AnyCommand[];
  /** How reconnecting to an unreachable gateway backs off (defaults: 1 s doubling to 1 min). */
  gatewayBackoff?: BackoffOptions;
  /** The shards this client runs (`ids` of `count`); absent: discord.js's default, one shard. */
  shards?: { count: number; ids: readonly number[] };
}

export function createBot(options: BotOptions): Client {
  const { logger } = options;
  const { commands } = options;
  const backoff = new GatewayBackoff(logger, options.gatewayBackoff);
  const client = new Client({
    ws: { buildStrategy: backoff.strategy() },
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    rest: { api: options.apiUrl },
    // Defence in depth: every send also sets this explicitly (src/discord/respond.ts).
    allowedMentions: { parse: [], repliedUser: false },
    // Sharding: this process identifies [id, count] for each of its shards; Discord sends each shard its servers.
    ...(options.shards === undefined ? {} : { shards: [...options.shards.ids], shardCount: options.shards.count }),
  });
  const commandIds = createCommandIds(client, logger);
  const context: CommandContext = {
    answerer: options.answerer,
    commandIds,
    logger,
    version: options.version,
    client,
    // /help lists what every member can use; admin commands show themselves to those who may run them.
    commands: memberCommands(commands),
    cooldowns: new Cooldowns(options.cooldownSeconds),
    ...(options.guilds !== undefined ? { guilds: options.guilds } : {}),
  };
  const router = createRouter(commands, context);
  const onMention = createMentionHandler(context);

  client.once(Events.ClientReady, (ready) => {
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, "connected to Discord");
    // For /help's clickable command mentions; a server's own commands are fetched when /help first needs them.
    commandIds.prefetch();
  });
  // A server on this process's shards: at start (after READY) and when the bot joins one. What it stores is loaded
  // once (with PostgreSQL a process holds only its shards' servers).
  client.on(Events.GuildCreate, (guild) => {
    options.guilds
      ?.join?.(guild.id)
      .catch((error: unknown) =>
        logger.error({ err: describeError(error), guildId: guild.id }, "could not load a server's stored data"),
      );
  });
  client.on(Events.InteractionCreate, (interaction) => {
    router
      .handle(interaction)
      .catch((error: unknown) => logger.error({ err: describeError(error) }, "interaction handler crashed"));
  });
  client.on(Events.MessageCreate, (message) => {
    onMention(message).catch((error: unknown) =>
      logger.error({ err: describeError(error) }, "mention handler crashed"),
    );
  });
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ code: event.code, shard }, "gateway disconnected"));
  // The first reconnect after a working session; further attempts are logged by the backoff, with their cause.
  client.on(Events.ShardReconnecting, (shard) => {
    if (backoff.firstAttempt) logger.info({ shard }, "gateway reconnecting");
  });
  client.on(Events.ShardReady, () => backoff.connected());
  client.on(Events.ShardResume, (shard, replayed) => {
    backoff.connected();
    logger.info({ shard, replayed }, "gateway resumed");
  });
  client.on(Events.Error, (error) => logger.error({ err: describeError(error) }, "client error"));
  client.on(Events.Warn, (message) => logger.warn(redactTokens(message)));
  return client;
}
