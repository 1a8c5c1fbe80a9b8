/**
 * The Discord client, wired: intents (no privileged ones), the REST base (a proxy in front of Discord, or the loopback
 * server in tests), mentions blocked by default on everything the client sends, and the two event handlers.
 */
import { Client, Events, GatewayIntentBits, Partials } from "discord.js";
import type { Logger } from "pino";
import { commands as allCommands, type Command } from "../../commands/index.js";
import type { Answerer } from "../core/types.js";
import { createCooldown } from "../discord/cooldown.js";
import { createMentionHandler } from "./mentions.js";
import { createRouter } from "./router.js";

export interface BotOptions {
  answerer: Answerer;
  logger: Logger;
  /** REST base without the version, e.g. https://discord.com/api. */
  apiUrl: string;
  cooldownSeconds: number;
  version: string;
  commands?: readonly Command[];
}

export function createBot(options: BotOptions): Client {
  const { answerer, logger, version } = options;
  const commands = options.commands ?? allCommands;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    rest: { api: options.apiUrl },
    // Defence in depth: every send also sets this explicitly (src/discord/respond.ts).
    allowedMentions: { parse: [], repliedUser: false },
  });
  const cooldown = createCooldown({ seconds: options.cooldownSeconds });
  const router = createRouter(commands, { answerer, logger, version, commands: commands.map((c) => c.data) }, cooldown);
  const onMention = createMentionHandler(client, answerer, cooldown, logger);

  client.once(Events.ClientReady, (ready) => {
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, "connected to Discord");
  });
  client.on(Events.InteractionCreate, (interaction) => {
    router.handle(interaction).catch((error: unknown) => logger.error({ err: error }, "interaction handler crashed"));
  });
  client.on(Events.MessageCreate, (message) => {
    onMention(message).catch((error: unknown) => logger.error({ err: error }, "mention handler crashed"));
  });
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ code: event.code, shard }, "gateway disconnected"));
  client.on(Events.ShardReconnecting, (shard) => logger.info({ shard }, "gateway reconnecting"));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, "gateway resumed"));
  client.on(Events.Error, (error) => logger.error({ err: error }, "client error"));
  client.on(Events.Warn, (message) => logger.warn(message));
  return client;
}
