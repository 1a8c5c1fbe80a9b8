// Gateway v10 over WebSocket, as documented in "Using Gateway": HELLO, IDENTIFY →
// READY + GUILD_CREATE, heartbeats, RESUME with replay of missed dispatches,
// INVALID_SESSION, close codes, intents, and both compression modes (zlib-stream
// transport compression, identify `compress` payload compression).
//
// discord.js 14 only asks for zlib-stream when the optional `zlib-sync` package is
// installed (it isn't here), so by default it connects with `?v=10&encoding=json`
// and sends `compress: false`; the other modes are covered by raw-socket tests.
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import zlib from "node:zlib";
import {
  ApplicationFlags,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayReadyDispatchData,
} from "discord-api-types/v10";
import { WebSocketServer, type WebSocket, type RawData } from "ws";
import type { StoredMessage, World } from "./state.js";

export const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;
const KNOWN_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === "number")
  .reduce((a, b) => a | b, 0);

/** Close codes after which Discord's table says the session cannot be resumed. */
const NON_RESUMABLE = new Set<number>([1000, 1001, 4001, 4003, 4004, 4005, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);

export interface GatewayOptions {
  token: string;
  applicationId: string;
  heartbeatIntervalMs: number;
  /** Privileged intents "enabled in the Developer Portal". */
  privilegedIntents: number;
  /** Sharding, as GET /gateway/bot reports it and IDENTIFY must respect it. */
  sharding: ShardingOptions;
}

export interface ShardingOptions {
  /** GET /gateway/bot's `shards` (Discord's recommendation). Default 1. */
  recommendedShards: number;
  /** `session_start_limit.max_concurrency`: identifies per 5 s, per bucket shard_id % max_concurrency. Default 1. */
  maxConcurrency: number;
  /** Enforce max_concurrency (op 9 for an identify too soon in its bucket). Off by default, see README. */
  identifyRateLimit: boolean;
  /** "Each shard can only support a maximum of 2500 guilds": more on one shard closes 4011. */
  maxGuildsPerShard: number;
  /** The identify window. Default 5000 ms, as documented. */
  identifyWindowMs: number;
}

/** The shard a guild's events go to: (guild_id >> 22) % num_shards (Gateway § Sharding). */
export function shardOf(guildId: string, numShards: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(numShards));
}

export type GatewayLogEntry =
  | { kind: "connect"; at: number; query: Record<string, string> }
  | { kind: "refused"; at: number }
  | {
      kind: "identify";
      at: number;
      intents: number;
      compress: boolean;
      properties: unknown;
      shard: [number, number] | null;
      sessionId: string;
    }
  | { kind: "identify-rate-limited"; at: number; shard: [number, number] | null }
  | { kind: "resume"; at: number; sessionId: string; seq: number; replayed: number }
  | { kind: "invalid-session"; at: number; resumable: boolean }
  | { kind: "heartbeat"; at: number; seq: number | null }
  | { kind: "close"; at: number; code: number; by: "client" | "server" };

interface Dispatch {
  op: GatewayOpcodes.Dispatch;
  t: string;
  s: number;
  d: unknown;
}

class Session {
  readonly id = randomBytes(16).toString("hex");
  seq = 0;
  /** Every dispatch of the session, kept so a RESUME can replay what was missed. */
  readonly history: Dispatch[] = [];
  connection: Connection | undefined;
  invalidated = false;
  constructor(
    readonly intents: number,
    readonly payloadCompression: boolean,
    /** [shard_id, num_shards] from IDENTIFY; null: the only shard. */
    readonly shard: [number, number] | null,
  ) {}

  /** Whether an event of this guild (null: one without guild_id, such as a DM) goes to this session. */
  receives(guildId: string | null): boolean {
    if (this.shard === null) return true;
    // "Gateway events that do not contain a guild_id will only be sent to the first shard (shard_id: 0)."
    if (guildId === null) return this.shard[0] === 0;
    return shardOf(guildId, this.shard[1]) === this.shard[0];
  }

  push(t: string, d: unknown): void {
    const payload: Dispatch = { op: GatewayOpcodes.Dispatch, t, s: ++this.seq, d };
    this.history.push(payload);
    this.connection?.send(payload, true);
  }
}

class Connection {
  session: Session | undefined;
  private readonly deflate: zlib.Deflate | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ws: WebSocket,
    zlibStream: boolean,
  ) {
    // zlib-stream: one deflate context for the whole connection, each message
    // ending with a Z_SYNC_FLUSH (00 00 ff ff) so the client can inflate it.
    this.deflate = zlibStream ? zlib.createDeflate() : undefined;
  }

  send(payload: object, isDispatch = false): void {
    const text = JSON.stringify(payload);
    if (this.deflate) {
      const deflate = this.deflate;
      this.queue = this.queue.then(
        () =>
          new Promise<void>((resolve) => {
            deflate.write(text);
            deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
              const chunks: Buffer[] = [];
              for (let c: Buffer | null; (c = deflate.read() as Buffer | null) !== null;) chunks.push(c);
              this.raw(Buffer.concat(chunks));
              resolve();
            });
          }),
      );
    } else if (isDispatch && this.session?.payloadCompression) {
      // Payload compression: each compressed payload is a standalone zlib buffer.
      this.raw(zlib.deflateSync(text));
    } else {
      this.raw(text);
    }
  }

  private raw(data: string | Buffer): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(data);
  }

  /** Closes after queued (compressed) sends are flushed. */
  close(code: number, reason = ""): void {
    void this.queue.then(() => {
      if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason);
      this.deflate?.close();
    });
  }

  terminate(): void {
    this.ws.terminate();
    this.deflate?.close();
  }
}

export class Gateway extends EventEmitter<{ ready: [string]; resumed: [string]; change: [] }> {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();
  readonly log: GatewayLogEntry[] = [];
  /** Per max_concurrency bucket, when its last identify was accepted. */
  private readonly identifiedAt = new Map<number, number>();
  /** session_start_limit.remaining: each identify uses one. */
  sessionStarts = 1000;

  constructor(
    private readonly world: World,
    private readonly url: string,
    private readonly opts: GatewayOptions,
  ) {
    super();
  }

  get sharding(): ShardingOptions {
    return this.opts.sharding;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private reachable = true;

  setReachable(reachable: boolean): void {
    this.reachable = reachable;
    if (!reachable) for (const conn of [...this.connections]) conn.terminate();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Unreachable: the TCP connection is cut before any WebSocket handshake (ECONNRESET for the client).
    if (!this.reachable) {
      this.record({ kind: "refused", at: Date.now() });
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const query = Object.fromEntries(new URL(req.url ?? "/", "http://x").searchParams);
    const conn = new Connection(ws, query.compress === "zlib-stream");
    this.connections.add(conn);
    this.record({ kind: "connect", at: Date.now(), query });
    ws.on("message", (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on("close", (code) => this.onClose(conn, code));
    ws.on("error", () => conn.terminate());

    if (query.v !== "10") return conn.close(GatewayCloseCodes.InvalidAPIVersion, "Invalid API version");
    if (query.encoding !== undefined && query.encoding !== "json") {
      // ETF is a real Discord option the loopback server does not implement.
      return conn.close(GatewayCloseCodes.DecodeError, "loopback-discord only speaks encoding=json");
    }
    if (query.compress !== undefined && query.compress !== "zlib-stream") {
      return conn.close(GatewayCloseCodes.DecodeError, "loopback-discord only supports compress=zlib-stream");
    }
    conn.send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.opts.heartbeatIntervalMs }, s: null, t: null });
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    // Documented: client payloads are JSON text and at most 4096 bytes.
    if (isBinary || size > 4096) return conn.close(GatewayCloseCodes.DecodeError, "Decode error");
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(data.toString()) as typeof payload;
    } catch {
      return conn.close(GatewayCloseCodes.DecodeError, "Decode error");
    }
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat: {
        const seq = typeof payload.d === "number" ? payload.d : null;
        this.record({ kind: "heartbeat", at: Date.now(), seq });
        return conn.send({ op: GatewayOpcodes.HeartbeatAck });
      }
      case GatewayOpcodes.Identify:
        return this.identify(conn, payload.d as IdentifyData);
      case GatewayOpcodes.Resume:
        return this.resume(conn, payload.d as { token?: string; session_id?: string; seq?: number });
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!conn.session) return conn.close(GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
        return; // accepted, nothing to model
      case GatewayOpcodes.RequestGuildMembers:
        if (!conn.session) return conn.close(GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
        return this.requestGuildMembers(conn.session, payload.d as RequestMembersData);
      default:
        return conn.close(GatewayCloseCodes.UnknownOpcode, "Unknown opcode.");
    }
  }

  private identify(conn: Connection, d: IdentifyData): void {
    if (conn.session) return conn.close(GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
    if (d?.token !== this.opts.token)
      return conn.close(GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
    const intents = d.intents;
    if (typeof intents !== "number" || (intents & ~KNOWN_INTENTS) !== 0) {
      return conn.close(GatewayCloseCodes.InvalidIntents, "Invalid intent(s).");
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.opts.privilegedIntents) !== 0) {
      return conn.close(GatewayCloseCodes.DisallowedIntents, "Disallowed intent(s).");
    }
    const shard = d.shard ?? null;
    if (
      shard !== null &&
      !(
        Array.isArray(shard) &&
        shard.length === 2 &&
        shard.every((n) => Number.isInteger(n)) &&
        shard[1] >= 1 &&
        shard[0] >= 0 &&
        shard[0] < shard[1]
      )
    ) {
      return conn.close(GatewayCloseCodes.InvalidShard, "Invalid shard.");
    }
    // Too many guilds on one shard: "apps that are in 2500+ guilds *must* enable sharding".
    const guildIds = [...this.world.guilds.keys()].filter((id) => shard === null || shardOf(id, shard[1]) === shard[0]);
    if (guildIds.length > this.opts.sharding.maxGuildsPerShard)
      return conn.close(GatewayCloseCodes.ShardingRequired, "Sharding required.");
    // max_concurrency: one identify per bucket (shard_id % max_concurrency) per 5 s; one too soon is op 9.
    const now = Date.now();
    const bucket = (shard?.[0] ?? 0) % this.opts.sharding.maxConcurrency;
    const last = this.identifiedAt.get(bucket);
    if (
      this.opts.sharding.identifyRateLimit &&
      last !== undefined &&
      now - last < this.opts.sharding.identifyWindowMs
    ) {
      this.record({ kind: "identify-rate-limited", at: now, shard });
      this.record({ kind: "invalid-session", at: now, resumable: false });
      return conn.send({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
    }
    this.identifiedAt.set(bucket, now);
    this.sessionStarts = Math.max(0, this.sessionStarts - 1);

    const session = new Session(intents, d.compress === true, shard);
    this.record({
      kind: "identify",
      at: now,
      intents,
      compress: d.compress === true,
      properties: d.properties,
      shard,
      sessionId: session.id,
    });
    this.sessions.set(session.id, session);
    session.connection = conn;
    conn.session = session;
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: { ...this.world.bot, verified: true, mfa_enabled: false, email: null },
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.url,
      ...(d.shard ? { shard: d.shard } : {}),
      application: {
        id: this.opts.applicationId,
        flags: this.applicationFlags(),
        flags_new: String(this.applicationFlags()),
      },
    };
    session.push(GatewayDispatchEvents.Ready, ready);
    // Guilds start unavailable in READY and arrive as GUILD_CREATE (Guilds intent).
    if (intents & GatewayIntentBits.Guilds) {
      for (const id of guildIds) session.push(GatewayDispatchEvents.GuildCreate, this.world.guildCreatePayload(id));
    }
    this.emit("ready", session.id);
    this.emit("change");
  }

  private resume(conn: Connection, d: { token?: string; session_id?: string; seq?: number }): void {
    if (conn.session) return conn.close(GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
    if (d?.token !== this.opts.token)
      return conn.close(GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
    const session = d.session_id ? this.sessions.get(d.session_id) : undefined;
    if (!session || session.invalidated) {
      this.record({ kind: "invalid-session", at: Date.now(), resumable: false });
      return conn.send({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
    }
    const seq = typeof d.seq === "number" ? d.seq : 0;
    if (seq > session.seq) return conn.close(GatewayCloseCodes.InvalidSeq, "Invalid seq.");
    // The session moves to the new socket; a lingering old one is dropped.
    if (session.connection && session.connection !== conn) session.connection.terminate();
    session.connection = conn;
    conn.session = session;
    const missed = session.history.filter((p) => p.s > seq);
    for (const payload of missed) conn.send(payload, true);
    this.record({ kind: "resume", at: Date.now(), sessionId: session.id, seq, replayed: missed.length });
    session.push(GatewayDispatchEvents.Resumed, {});
    this.emit("resumed", session.id);
    this.emit("change");
  }

  private requestGuildMembers(session: Session, d: RequestMembersData): void {
    const guildIds = Array.isArray(d?.guild_id) ? d.guild_id : [d?.guild_id];
    for (const guildId of guildIds) {
      const guild = guildId ? this.world.guilds.get(guildId) : undefined;
      if (!guild) continue;
      const wanted = d.user_ids ? new Set(Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids]) : undefined;
      const members = [...guild.members.keys()]
        .filter((id) => !wanted || wanted.has(id))
        .map((id) => this.world.member(guild.id, id))
        .filter((m) => m && (!d.query || m.user.username.toLowerCase().startsWith(d.query.toLowerCase())))
        .slice(0, d.limit ? d.limit : undefined);
      session.push(GatewayDispatchEvents.GuildMembersChunk, {
        guild_id: guild.id,
        members,
        chunk_index: 0,
        chunk_count: 1,
        ...(d.nonce ? { nonce: d.nonce } : {}),
      });
    }
  }

  private applicationFlags(): number {
    const p = this.opts.privilegedIntents;
    return (
      (p & GatewayIntentBits.MessageContent ? ApplicationFlags.GatewayMessageContentLimited : 0) |
      (p & GatewayIntentBits.GuildMembers ? ApplicationFlags.GatewayGuildMembersLimited : 0) |
      (p & GatewayIntentBits.GuildPresences ? ApplicationFlags.GatewayPresenceLimited : 0)
    );
  }

  private onClose(conn: Connection, code: number): void {
    this.connections.delete(conn);
    const session = conn.session;
    if (session?.connection === conn) session.connection = undefined;
    // A client closing with 1000/1001 ends its session; anything else keeps it resumable.
    if (session && (code === 1000 || code === 1001)) session.invalidated = true;
    this.record({ kind: "close", at: Date.now(), code, by: "client" });
  }

  // ----- dispatching ------------------------------------------------------

  /** Sends an event to every live session whose intents allow it (queued for resume if disconnected). */
  dispatch(t: string, d: unknown, intent?: number, transform?: (d: unknown, session: Session) => unknown): void {
    // Each shard gets its guilds' events; events without a guild_id go to shard 0.
    const guildId = (d as { guild_id?: unknown } | null)?.guild_id;
    const routed = typeof guildId === "string" ? guildId : null;
    for (const session of this.sessions.values()) {
      if (session.invalidated) continue;
      if (!session.receives(routed)) continue;
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      session.push(t, transform ? transform(d, session) : d);
    }
  }

  /** GUILD_CREATE for a guild the bot just joined, to the session of its shard (the payload has `id`, not guild_id). */
  dispatchGuildCreate(guildId: string): void {
    for (const session of this.sessions.values()) {
      if (session.invalidated || !session.receives(guildId)) continue;
      if ((session.intents & GatewayIntentBits.Guilds) === 0) continue;
      session.push(GatewayDispatchEvents.GuildCreate, this.world.guildCreatePayload(guildId));
    }
  }

  /**
   * MESSAGE_CREATE / MESSAGE_UPDATE: needs GuildMessages (guild) or DirectMessages (DM).
   * Without the privileged MessageContent intent, content-bearing fields arrive
   * empty unless the message is the bot's own, a DM, or mentions the bot.
   */
  dispatchMessage(
    t: GatewayDispatchEvents.MessageCreate | GatewayDispatchEvents.MessageUpdate,
    message: StoredMessage,
  ): void {
    const intent = message.guild_id ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    // Documented extra fields: guild_id, channel_type, and partial members (no `user`) in guilds.
    const guildId = message.guild_id;
    const memberOf = (userId: string) => {
      const member = guildId ? this.world.member(guildId, userId) : undefined;
      if (!member) return undefined;
      const { user: _user, ...rest } = member;
      return rest;
    };
    const author = message.webhook_id ? undefined : memberOf(message.author.id);
    const payload = {
      ...message,
      channel_type: this.world.channel(message.channel_id).type,
      mentions: message.mentions.map((u) => {
        const member = memberOf(u.id);
        return member ? { ...u, member } : u;
      }),
      ...(author ? { member: author } : {}),
    };
    this.dispatch(t, payload, intent, (d, session) =>
      session.intents & GatewayIntentBits.MessageContent ? d : this.redact(d as StoredMessage),
    );
  }

  dispatchMessageDelete(message: StoredMessage): void {
    const intent = message.guild_id ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    this.dispatch(
      GatewayDispatchEvents.MessageDelete,
      { id: message.id, channel_id: message.channel_id, ...(message.guild_id ? { guild_id: message.guild_id } : {}) },
      intent,
    );
  }

  private redact(message: StoredMessage): StoredMessage {
    const bot = this.world.bot.id;
    // Not documented: whether a mention of the bot's managed role counts as "the app is mentioned".
    // Modelled as it does (the client completes "@Bot" to the role), so the bot can answer it.
    const role = message.guild_id ? this.world.botRole(message.guild_id)?.id : undefined;
    const visible =
      !message.guild_id ||
      message.author.id === bot ||
      message.mentions.some((u) => u.id === bot) ||
      (role !== undefined && message.mention_roles.includes(role));
    if (visible) return message;
    const { poll: _poll, ...rest } = message;
    return {
      ...rest,
      content: "",
      embeds: [],
      attachments: [],
      components: [],
      ...(message.referenced_message ? { referenced_message: this.redact(message.referenced_message) } : {}),
    };
  }

  // ----- test controls ----------------------------------------------------

  /**
   * Closes every gateway socket. Without a code the TCP connection is simply cut
   * (the client sees 1006 and should RESUME); with a code it is a proper close
   * frame, and codes Discord documents as non-resumable also end the session.
   */
  dropConnections(code?: number): void {
    for (const conn of [...this.connections]) {
      if (code !== undefined && NON_RESUMABLE.has(code) && conn.session) conn.session.invalidated = true;
      this.record({ kind: "close", at: Date.now(), code: code ?? 1006, by: "server" });
      if (code === undefined) conn.terminate();
      else conn.close(code, "loopback-discord: dropped by test");
    }
  }

  /** Sends op 7 RECONNECT: the client should reconnect and RESUME. */
  requestReconnect(): void {
    for (const conn of this.connections) conn.send({ op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
  }

  /** Sends op 9 INVALID_SESSION; with `resumable: false` the session is gone and the client must IDENTIFY. */
  invalidateSessions(resumable = false): void {
    for (const conn of this.connections) {
      if (!resumable && conn.session) conn.session.invalidated = true;
      this.record({ kind: "invalid-session", at: Date.now(), resumable });
      conn.send({ op: GatewayOpcodes.InvalidSession, d: resumable, s: null, t: null });
    }
  }

  /** True when at least one session is identified and attached to an open socket. */
  get connected(): boolean {
    return [...this.sessions.values()].some((s) => !s.invalidated && s.connection);
  }

  /** The shards of live sessions attached to a socket, as "id/count" ("0/1" for an unsharded session). */
  get liveShards(): string[] {
    return [...this.sessions.values()]
      .filter((s) => !s.invalidated && s.connection)
      .map((s) => (s.shard === null ? "0/1" : `${s.shard[0]}/${s.shard[1]}`))
      .sort();
  }

  close(): void {
    for (const conn of this.connections) conn.terminate();
    this.connections.clear();
    this.sessions.clear();
    this.wss.close();
  }

  private record(entry: GatewayLogEntry): void {
    this.log.push(entry);
    this.emit("change");
  }
}

interface IdentifyData {
  token?: string;
  intents?: number;
  compress?: boolean;
  properties?: unknown;
  shard?: [number, number];
}

interface RequestMembersData {
  guild_id?: string | string[];
  user_ids?: string | string[];
  query?: string;
  limit?: number;
  nonce?: string;
}
