/**
 * Reconnecting to the gateway with backoff. discord.js (@discordjs/ws) retries a failed connection every 0.5 s for
 * ever; when Discord (or the network to it) is down that is a flood of attempts and of "reconnecting" lines that say
 * nothing. Here the first reconnect after a working session is immediate (a dropped socket usually resumes at once);
 * each further attempt without a READY or RESUMED in between waits twice as long as the last (1 s, 2 s, 4 s … at most
 * a minute, with jitter), and is logged once with its cause: a TCP probe of the gateway's address names the network
 * error (ECONNREFUSED, ENOTFOUND, ETIMEDOUT…), or says the connection was cut before the gateway's hello.
 *
 * It hooks in through @discordjs/ws's public `buildStrategy` option with a sharding strategy like its
 * SimpleShardingStrategy, whose shards ask their context for the session before each connection attempt (while the
 * shard is idle): the wait happens there. (That question is also asked on every dispatch and heartbeat, when the
 * shard is not idle: those pass straight through.)
 */
import { connect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { Collection } from "discord.js";
import {
  SimpleContextFetchingStrategy,
  WebSocketShard,
  WebSocketShardEvents,
  WebSocketShardStatus,
  managerToFetchingStrategyOptions,
  type IShardingStrategy,
  type SessionInfo,
  type WebSocketManager,
  type WebSocketShardDestroyOptions,
} from "@discordjs/ws";
import type { Logger } from "pino";

export interface BackoffOptions {
  /** The wait after the second failed attempt in a row; doubled after each further one. Default 1000 ms. */
  baseMs?: number;
  /** The longest wait. Default 60,000 ms. */
  maxMs?: number;
}

/** Why a gateway address cannot be reached: a network error code, or null when a TCP connection opens. */
export async function probe(url: string, timeoutMs = 5000): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "EINVAL";
  }
  const secure = parsed.protocol === "wss:" || parsed.protocol === "https:";
  const port = Number(parsed.port || (secure ? 443 : 80));
  const host = parsed.hostname;
  return new Promise((resolve) => {
    const socket = secure ? tlsConnect({ host, port, servername: host }) : connect({ host, port });
    const done = (result: string | null) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done("ETIMEDOUT"));
    socket.once(secure ? "secureConnect" : "connect", () => done(null));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

export class GatewayBackoff {
  /** Connection attempts since the last READY or RESUMED. */
  private attempts = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly logger: Logger,
    options: BackoffOptions = {},
  ) {
    this.baseMs = options.baseMs ?? 1000;
    this.maxMs = options.maxMs ?? 60_000;
  }

  /** Whether the coming reconnect is the first since the session worked (logged as a plain reconnect). */
  get firstAttempt(): boolean {
    return this.attempts === 0;
  }

  /** READY or RESUMED: the gateway works again. */
  connected(): void {
    if (this.attempts > 1) this.logger.info({ attempts: this.attempts }, "gateway reachable again");
    this.attempts = 0;
  }

  /** The wait before attempt number `attempt` (1-based) since the last success; 0 for the first. */
  delayFor(attempt: number): number {
    if (attempt <= 1) return 0;
    return Math.min(this.maxMs, this.baseMs * 2 ** (attempt - 2));
  }

  /** Called before every connection attempt; waits as long as the failures so far call for. */
  async beforeConnect(shardId: number, url: string): Promise<void> {
    this.attempts++;
    const delay = this.delayFor(this.attempts);
    if (delay === 0) return;
    const cause = await probe(url);
    const jittered = Math.round(delay * (0.9 + Math.random() * 0.2));
    this.logger.warn(
      {
        shard: shardId,
        url,
        cause: cause ?? "connection cut before the gateway's hello",
        attempt: this.attempts,
        retryInMs: delay,
      },
      "gateway unreachable (%s); retrying in %d s",
      cause ?? "connection cut before the gateway's hello",
      Math.round(jittered / 100) / 10,
    );
    await new Promise((resolve) => setTimeout(resolve, jittered));
  }

  /** The `ws.buildStrategy` option for discord.js's Client. */
  strategy(): (manager: WebSocketManager) => IShardingStrategy {
    return (manager) => new BackoffShardingStrategy(manager, this);
  }
}

/** A shard's context that waits out the backoff before the shard connects. */
class BackoffContext extends SimpleContextFetchingStrategy {
  shard: WebSocketShard | undefined;

  constructor(
    private readonly wsManager: WebSocketManager,
    options: Awaited<ReturnType<typeof managerToFetchingStrategyOptions>>,
    private readonly backoff: GatewayBackoff,
  ) {
    super(wsManager, options);
  }

  override async retrieveSessionInfo(shardId: number): Promise<SessionInfo | null> {
    const session = await super.retrieveSessionInfo(shardId);
    // Idle: the shard is about to open a connection (not a dispatch or heartbeat of a live one).
    if (this.shard?.status === WebSocketShardStatus.Idle) {
      const gateway = await this.wsManager.fetchGatewayInformation().catch(() => null);
      await this.backoff.beforeConnect(shardId, session?.resumeURL ?? gateway?.url ?? "");
    }
    return session;
  }
}

/** @discordjs/ws's SimpleShardingStrategy, with BackoffContext for each shard. */
class BackoffShardingStrategy implements IShardingStrategy {
  private readonly shards = new Collection<number, WebSocketShard>();

  constructor(
    private readonly manager: WebSocketManager,
    private readonly backoff: GatewayBackoff,
  ) {}

  async spawn(shardIds: number[]): Promise<void> {
    const options = await managerToFetchingStrategyOptions(this.manager);
    for (const shardId of shardIds) {
      const context = new BackoffContext(this.manager, options, this.backoff);
      const shard = new WebSocketShard(context, shardId);
      context.shard = shard;
      // Every shard event goes on to the manager with the shard's id, as SimpleShardingStrategy does.
      const emit = this.manager.emit.bind(this.manager) as (event: string, payload: unknown) => boolean;
      const on = shard.on.bind(shard) as (event: string, listener: (payload: unknown) => void) => unknown;
      for (const event of Object.values(WebSocketShardEvents)) {
        on(event, (payload) => emit(event, { ...(payload as object), shardId }));
      }
      this.shards.set(shardId, shard);
    }
  }

  async connect(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.connect()));
  }

  async destroy(options?: Omit<WebSocketShardDestroyOptions, "recover">): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.destroy(options)));
    this.shards.clear();
  }

  async send(shardId: number, payload: Parameters<WebSocketShard["send"]>[0]): Promise<void> {
    const shard = this.shards.get(shardId);
    if (!shard) throw new RangeError(`Shard ${shardId} not found`);
    return shard.send(payload);
  }

  fetchStatus(): ReturnType<IShardingStrategy["fetchStatus"]> {
    // @discordjs/ws types its own copy of @discordjs/collection; both are Maps with mapValues.
    return this.shards.mapValues((shard) => shard.status) as unknown as ReturnType<IShardingStrategy["fetchStatus"]>;
  }
}
