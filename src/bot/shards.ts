/**
 * Sharding as Discord documents it: GET /gateway/bot says how many shards Discord recommends and how many sessions
 * may start at once (max_concurrency); each process runs some shards ([shard_id, num_shards] in its IDENTIFY), and a
 * server's events arrive on shard (guild_id >> 22) % num_shards, direct messages on shard 0.
 */
import { REST, Routes } from "discord.js";
import type { RESTGetAPIGatewayBotResult } from "discord-api-types/v10";

export interface GatewayBot {
  url: string;
  /** Discord's recommended shard count. */
  shards: number;
  /** Identifies allowed per 5 seconds (shards with the same shard_id % max_concurrency start one at a time). */
  maxConcurrency: number;
  remaining: number;
}

/** GET /gateway/bot through the REST base the bot uses. */
export async function fetchGatewayBot(target: { token: string; apiUrl: string }): Promise<GatewayBot> {
  const rest = new REST({ api: target.apiUrl }).setToken(target.token);
  const result = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return {
    url: result.url,
    shards: result.shards,
    maxConcurrency: result.session_start_limit.max_concurrency,
    remaining: result.session_start_limit.remaining,
  };
}

/** Every shard id of `count`. */
export const allShards = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
