// Discord snowflakes: 42 bits of milliseconds since the Discord epoch, then
// worker (5), process (5) and increment (12). discord.js reads timestamps out of
// ids (createdTimestamp, the REST bucket for deleting old messages), so ids must
// be real snowflakes taken "now", not counters.
const DISCORD_EPOCH = 1_420_070_400_000n;

let lastMs = 0n;
let increment = 0n;

export function snowflake(at: number = Date.now()): string {
  let ms = BigInt(at) - DISCORD_EPOCH;
  // Keep ids strictly increasing even when many are made in the same millisecond.
  if (ms < lastMs) ms = lastMs;
  if (ms === lastMs) {
    increment = (increment + 1n) & 0xfffn;
    if (increment === 0n) ms += 1n;
  } else {
    increment = 0n;
  }
  lastMs = ms;
  return ((ms << 22n) | (1n << 17n) | (1n << 12n) | increment).toString();
}

export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

let shardIncrement = 0n;

/** A snowflake of about now whose guild shard ((id >> 22) % numShards) is `shard`: a guild id for a sharding test. */
export function snowflakeOnShard(shard: number, numShards: number): string {
  const n = BigInt(numShards);
  let ms = BigInt(Date.now()) - DISCORD_EPOCH - 1000n;
  while (ms % n !== BigInt(shard)) ms--;
  shardIncrement = (shardIncrement + 1n) & 0xfffn;
  // Worker 31: never one of snowflake()'s ids.
  return ((ms << 22n) | (31n << 17n) | (1n << 12n) | shardIncrement).toString();
}
