// A loopback Discord for end-to-end tests: an HTTP + WebSocket server on
// 127.0.0.1 speaking the v10 gateway and REST API closely enough that an
// unmodified discord.js Client can log in, receive injected user activity and
// answer it, with every request it makes recorded for assertions.
//
//   const discord = await startLoopbackDiscord();
//   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.api } });
//   await client.login(discord.token);
//   const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
//   expect((await cmd.waitForReply()).content).toBe("pong");
//   await client.destroy(); await discord.close();
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { randomBytes } from "node:crypto";
import {
  AllowedMentionsTypes,
  ApplicationCommandOptionType as O,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionContextType,
  InteractionType,
  Locale,
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandOptionChoice,
  type APIAttachment,
  type APIInteraction,
  type APIInteractionDataResolved,
  type APIMessage,
  type APIUser,
} from "discord-api-types/v10";
import { CommandStore } from "./commands.js";
import { Gateway, PRIVILEGED_INTENTS, type GatewayLogEntry, type ShardingOptions } from "./gateway.js";
import { Interactions, isLoading, type InitialResponse, type InteractionState } from "./interactions.js";
import { RateLimits, type RateLimitOptions } from "./ratelimits.js";
import { handleHttp, type RecordedRequest, type RestContext } from "./rest.js";
import { snowflake } from "./snowflake.js";
import {
  DEFAULT_GUILDS,
  World,
  type LoopbackChannel,
  type GuildInit,
  type OverwriteInit,
  type UserInit,
} from "./state.js";

export type { GatewayLogEntry, ShardingOptions } from "./gateway.js";
export { shardOf } from "./gateway.js";
export { snowflakeOnShard } from "./snowflake.js";
export type { InitialResponse } from "./interactions.js";
export type { RecordedRequest } from "./rest.js";
export type { BlockOptions, BucketLimit, RateLimitEvent, RateLimitOptions, RateLimits } from "./ratelimits.js";
export type { UploadedFile } from "./uploads.js";
export type { ChannelInit, GuildInit, MemberInit, OverwriteInit, RoleInit, ThreadInit, UserInit } from "./state.js";
export { DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS } from "./state.js";
export { LIMITS } from "./limits.js";

export interface LoopbackDiscordOptions {
  bot?: { id?: string; username?: string };
  /** Defaults to the bot's id, as for every application created since 2020. */
  applicationId?: string;
  token?: string;
  /** Defaults to one guild "Loopback Guild" with #general, a thread "general-thread", and members alice and bob. */
  guilds?: GuildInit[];
  /** Extra users that are in no guild (e.g. for DMs). */
  users?: UserInit[];
  /** HELLO's heartbeat_interval. Default 41250 ms, Discord's usual value. */
  heartbeatIntervalMs?: number;
  /** Time allowed for the initial interaction callback. Default 3000 ms, as documented. */
  interactionWindowMs?: number;
  /** Lifetime of interaction tokens for follow-ups and edits. Default 15 minutes, as documented. */
  interactionTokenLifetimeMs?: number;
  /** Privileged intents enabled for the app (bitfield). Default: all three. */
  privilegedIntents?: number;
  /** Default timeout of the wait helpers. Default 5000 ms. */
  waitTimeoutMs?: number;
  /** HTTP rate limits (global 50/s, per-route buckets); `false` starts with them switched off. */
  rateLimits?: RateLimitOptions | false;
  /** Sharding: GET /gateway/bot's recommended shards and max_concurrency, the identify rate limit, guilds per shard. */
  sharding?: Partial<ShardingOptions>;
}

/** A user: a username or id known to the server, or a full user object. */
export type UserRef = string | APIUser;

/** An option value for `options: { name: value }`; the type comes from the registered command when there is one. */
export type OptionValue = string | number | boolean | APIAttachment | APIUser;

interface InteractionOrigin {
  /** Channel id or name. For DMs use `discord.dmChannel(user).id`. */
  channelId: string;
  /** Optional check: the guild the channel must belong to. */
  guildId?: string;
  user: UserRef;
  /** Overrides member.permissions (default: computed from roles and overwrites). */
  memberPermissions?: bigint | string;
  /** Overrides app_permissions (default: the bot's computed permissions in the channel). */
  appPermissions?: bigint | string;
  locale?: Locale;
}

export interface SlashCommandInjection extends InteractionOrigin {
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  options?: Record<string, OptionValue> | APIApplicationCommandInteractionDataOption[];
  /** Merged into the resolved data built from `options`. */
  resolved?: APIInteractionDataResolved;
  /**
   * Inject even if Discord would not offer the command here (a stale client): by default a command
   * registered only in other scopes, or whose `contexts` leave this one out, throws.
   */
  stale?: boolean;
}

export interface AutocompleteInjection extends Omit<SlashCommandInjection, "options" | "resolved"> {
  options?: Record<string, OptionValue>;
  /** The option being typed in; its value is the partial input. */
  focused: string;
}

export interface ComponentInjection extends Omit<InteractionOrigin, "channelId"> {
  /** The message carrying the component (a message object or its id). */
  message: APIMessage | string;
  customId: string;
  componentType?: ComponentType;
  /** Selected values, for select menus. */
  values?: string[];
}

export interface ModalSubmitInjection extends InteractionOrigin {
  customId: string;
  /** Values by custom_id: a string for a text input, the chosen values for a select menu. */
  fields: Record<string, string | string[]>;
  /** For modals opened from a component: the message the component was on. */
  message?: APIMessage | string;
}

/** A member picks a message command (Apps menu) on a message: an APPLICATION_COMMAND of type MESSAGE (3). */
export interface MessageCommandInjection extends Omit<InteractionOrigin, "channelId"> {
  /** The command's name as registered ("Ask Verbatim"). */
  name: string;
  /** The message it was used on (a message object or its id); its channel is the interaction's. */
  message: APIMessage | string;
}

export interface MessageInjection {
  channelId: string;
  guildId?: string;
  author: UserRef;
  content: string;
  /** Users mentioned; default: parsed from `<@id>` in the content (the bot included). */
  mentions?: UserRef[];
  /** Reply to this message id. */
  replyTo?: string;
  /** Whether the reply pings the replied-to author (the client's "@ ON", the default). */
  replyPing?: boolean;
  attachments?: APIAttachment[];
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  readonly payload: APIInteraction;
  /** The initial callback exactly as the bot sent it; rejects if none came within the window. */
  readonly response: Promise<InitialResponse>;
  /** True once the window passed without an initial callback. */
  readonly expired: boolean;
  /** Current state of the message `@original` refers to, if any. */
  readonly original: APIMessage | undefined;
  /** Current state of the follow-up messages, in order. */
  readonly followUps: APIMessage[];
  /**
   * Resolves with a snapshot of `@original` once it is visible: it exists and is no
   * longer "thinking" (so a deferred reply resolves at its first edit). `until`
   * waits for a later state instead, e.g. the last edit of a streamed answer.
   */
  waitForReply(opts?: WaitOptions & { until?: (message: APIMessage) => boolean }): Promise<APIMessage>;
  /** Resolves with the n-th follow-up (0-based) once it exists. */
  waitForFollowUp(index?: number, opts?: WaitOptions): Promise<APIMessage>;
}

export interface AutocompleteHandle extends InteractionHandle {
  /** The choices of the APPLICATION_COMMAND_AUTOCOMPLETE_RESULT callback. */
  readonly choices: Promise<APIApplicationCommandOptionChoice[]>;
}

export interface MessageHandle {
  /** The message as stored (what REST returns for it). */
  readonly message: APIMessage;
  /** Resolves with the bot's first reply (message_reference to this message). */
  waitForReply(opts?: WaitOptions): Promise<APIMessage>;
}

const clone = <T>(value: T): T => structuredClone(value);

export class LoopbackDiscord {
  /** REST base for discord.js: `new Client({ rest: { api: discord.api } })` (it appends /v10). */
  readonly api: string;
  /** Origin of the CDN-like attachment route (also usable as `rest.cdn`). */
  readonly cdn: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  /** Every REST request the bot made, in order, with bodies exactly as sent. */
  readonly sent: RecordedRequest[] = [];
  /**
   * HTTP rate limits: `setRoute(key, { limit, windowMs })` for a route's bucket, `block({ channel | route |
   * global, forMs, scope })` to force 429s, `enabled = false` to switch them off, `log` of the 429s sent.
   */
  readonly rateLimits: RateLimits;

  readonly world: World;
  private readonly gateway: Gateway;
  private readonly interactions: Interactions;
  private readonly commandStore: CommandStore;
  private readonly changes = new EventEmitter();
  private readonly pending = new Set<(error: Error) => void>();
  private readonly waitTimeoutMs: number;
  private closed = false;

  /** @internal use startLoopbackDiscord() */
  constructor(
    private readonly server: Server,
    port: number,
    options: LoopbackDiscordOptions,
  ) {
    const origin = `http://127.0.0.1:${port}`;
    const botId = options.bot?.id ?? snowflake();
    this.api = `${origin}/api`;
    this.cdn = origin;
    this.gatewayUrl = `ws://127.0.0.1:${port}`;
    this.applicationId = options.applicationId ?? botId;
    // Shaped like a real bot token: base64(user id).timestamp.hmac
    this.token =
      options.token ??
      `${Buffer.from(botId).toString("base64url")}.${randomBytes(4).toString("base64url")}.${randomBytes(27).toString("base64url")}`;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 5000;
    this.changes.setMaxListeners(0);

    this.world = new World(origin, { id: botId, username: options.bot?.username ?? "Loopback Bot" });
    for (const user of options.users ?? []) this.world.addUser(user);
    for (const guild of options.guilds ?? DEFAULT_GUILDS) this.world.addGuild(guild);
    this.commandStore = new CommandStore(this.applicationId);
    this.gateway = new Gateway(this.world, this.gatewayUrl, {
      token: this.token,
      applicationId: this.applicationId,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      privilegedIntents: options.privilegedIntents ?? PRIVILEGED_INTENTS,
      sharding: {
        recommendedShards: 1,
        maxConcurrency: 1,
        identifyRateLimit: false,
        maxGuildsPerShard: 2500,
        identifyWindowMs: 5000,
        ...options.sharding,
      },
    });
    this.gateway.on("change", () => this.changed());
    this.interactions = new Interactions(
      this.world,
      this.gateway,
      this.applicationId,
      {
        windowMs: options.interactionWindowMs ?? 3000,
        tokenLifetimeMs: options.interactionTokenLifetimeMs ?? 15 * 60_000,
      },
      () => this.changed(),
    );

    this.rateLimits = new RateLimits(options.rateLimits === false ? {} : options.rateLimits);
    if (options.rateLimits === false) this.rateLimits.enabled = false;
    const rest: RestContext = {
      world: this.world,
      gateway: this.gateway,
      interactions: this.interactions,
      commands: this.commandStore,
      token: this.token,
      applicationId: this.applicationId,
      wsUrl: this.gatewayUrl,
      rateLimits: this.rateLimits,
      record: (r) => this.sent.push(r),
    };
    server.on("request", (req, res) => {
      this.inFlight++;
      void handleHttp(rest, req, res).finally(() => {
        this.inFlight--;
        this.changed();
      });
    });
    server.on("upgrade", (req, socket, head) => this.gateway.handleUpgrade(req, socket as Duplex, head));
  }

  /** REST requests being handled; their effects are announced once recorded. */
  private inFlight = 0;

  private changed(): void {
    // Waiters must see a request's effects and its record in `sent` together.
    if (this.inFlight === 0) this.changes.emit("change");
  }

  // ----- the world -----------------------------------------------------------

  get bot(): APIUser {
    return this.world.bot;
  }

  user(ref: string): APIUser {
    return this.world.user(ref);
  }

  guild(ref: string) {
    return this.world.guildCreatePayload(this.world.guild(ref).id);
  }

  channel(ref: string): LoopbackChannel {
    return this.world.channel(ref);
  }

  /** The DM channel between the bot and a user. */
  dmChannel(user: UserRef): LoopbackChannel {
    return this.world.dmChannel(user);
  }

  /** Registered application commands (global and guild). */
  get commands(): APIApplicationCommand[] {
    return this.commandStore.all();
  }

  /** Current state of the messages in a channel, oldest first (ephemeral ones included, flagged 64). */
  messagesIn(channelRef: string): APIMessage[] {
    return clone(this.world.messagesIn(this.world.channel(channelRef).id));
  }

  /** Recorded requests, optionally filtered by method and route (exact string or RegExp). */
  requests(filter: { method?: string; route?: string | RegExp } = {}): RecordedRequest[] {
    return this.sent.filter(
      (r) =>
        (!filter.method || r.method === filter.method.toUpperCase()) &&
        (filter.route === undefined ||
          (typeof filter.route === "string" ? r.route === filter.route : filter.route.test(r.route))),
    );
  }

  /** Recorded initial interaction callbacks (POST /interactions/{id}/{token}/callback). */
  callbacks(): RecordedRequest[] {
    return this.requests({ method: "POST", route: /^\/interactions\/\d+\/[^/]+\/callback$/ });
  }

  get gatewayLog(): GatewayLogEntry[] {
    return this.gateway.log;
  }

  /** Registers bytes on the loopback CDN, e.g. a file a user "uploads" in a slash command option. */
  addAttachment(file: {
    filename: string;
    data: string | Buffer;
    contentType?: string;
    channelId?: string;
    description?: string;
  }): APIAttachment {
    const channelId = file.channelId ? this.world.channel(file.channelId).id : snowflake();
    const data = typeof file.data === "string" ? Buffer.from(file.data, "utf8") : file.data;
    return this.world.addFile({ ...file, channelId, data });
  }

  // ----- injecting user activity --------------------------------------------

  injectSlashCommand(opts: SlashCommandInjection): InteractionHandle {
    const { base, guildId } = this.interactionBase(InteractionType.ApplicationCommand, opts);
    this.checkOffered(opts, guildId, base.context);
    const data = this.commandData(opts, guildId, undefined);
    return this.handle(this.interactions.add({ ...base, data } as APIInteraction));
  }

  /**
   * A message command on a message, as documented for MESSAGE commands: `data.type` 3, `target_id` the message's id,
   * and the full message in `resolved.messages` (its content included whatever the bot's intents: "Content of the
   * message a message context menu command is used on" is exempt from the MESSAGE_CONTENT intent).
   */
  injectMessageCommand(opts: MessageCommandInjection): InteractionHandle {
    const message = this.storedMessage(opts.message);
    const { base, guildId } = this.interactionBase(InteractionType.ApplicationCommand, {
      ...opts,
      channelId: message.channel_id,
    });
    const command = this.commandStore.find(opts.name, ApplicationCommandType.Message, guildId);
    const data = {
      id: command?.id ?? snowflake(),
      name: opts.name,
      type: ApplicationCommandType.Message,
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
      target_id: message.id,
      resolved: { messages: { [message.id]: clone(message) } },
    };
    return this.handle(this.interactions.add({ ...base, data } as APIInteraction));
  }

  injectAutocomplete(opts: AutocompleteInjection): AutocompleteHandle {
    const { base, guildId } = this.interactionBase(InteractionType.ApplicationCommandAutocomplete, opts);
    this.checkOffered(opts, guildId, base.context);
    const data = this.commandData(opts, guildId, opts.focused);
    const handle = this.handle(this.interactions.add({ ...base, data } as APIInteraction));
    const choices = handle.response.then(
      (r) => ((r.data ?? {}) as { choices?: APIApplicationCommandOptionChoice[] }).choices ?? [],
    );
    choices.catch(() => undefined);
    return Object.assign(handle, { choices });
  }

  injectComponent(opts: ComponentInjection): InteractionHandle {
    const message = this.storedMessage(opts.message);
    const { base } = this.interactionBase(InteractionType.MessageComponent, { ...opts, channelId: message.channel_id });
    const componentType = opts.componentType ?? ComponentType.Button;
    const data = {
      custom_id: opts.customId,
      component_type: componentType,
      ...(componentType !== ComponentType.Button ? { values: opts.values ?? [] } : {}),
    };
    return this.handle(this.interactions.add({ ...base, data, message: clone(message) } as APIInteraction));
  }

  injectModalSubmit(opts: ModalSubmitInjection): InteractionHandle {
    const message = opts.message ? this.storedMessage(opts.message) : undefined;
    const { base } = this.interactionBase(InteractionType.ModalSubmit, opts);
    const data = { custom_id: opts.customId, components: this.modalComponents(opts.customId, opts.fields) };
    return this.handle(
      this.interactions.add({ ...base, data, ...(message ? { message: clone(message) } : {}) } as APIInteraction),
    );
  }

  /** A user posts a message (MESSAGE_CREATE, subject to the bot's intents). */
  injectMessage(opts: MessageInjection): MessageHandle {
    const channel = this.world.channel(opts.channelId);
    const guildId = this.world.guildIdOf(channel);
    if (opts.guildId && opts.guildId !== guildId)
      throw new Error(`loopback-discord: channel ${channel.id} is not in guild ${opts.guildId}`);
    const author = this.world.user(opts.author);
    if (guildId) this.world.ensureMember(guildId, author.id);
    const message = this.world.createMessage({
      channelId: channel.id,
      author,
      body: {
        content: opts.content,
        ...(opts.replyTo ? { message_reference: { message_id: opts.replyTo } } : {}),
        ...(opts.replyPing === false
          ? {
              allowed_mentions: {
                parse: [AllowedMentionsTypes.User, AllowedMentionsTypes.Role, AllowedMentionsTypes.Everyone],
                replied_user: false,
              },
            }
          : {}),
      },
      attachments: opts.attachments ?? [],
      ...(opts.mentions ? { mentions: opts.mentions.map((u) => this.world.user(u)) } : {}),
    });
    this.gateway.dispatchMessage(GatewayDispatchEvents.MessageCreate, message);
    this.changed();
    return {
      message: clone(message),
      waitForReply: (w) =>
        this.waitFor(
          () =>
            this.world
              .messagesIn(channel.id)
              .find((m) => m.author.id === this.bot.id && m.message_reference?.message_id === message.id),
          { ...w, what: `a reply to message ${message.id}` },
        ).then(clone),
    };
  }

  // ----- waiting --------------------------------------------------------------

  /** Resolves with the first truthy value of `check`, re-evaluated after every change (request, event, …). */
  waitFor<T>(check: () => T | undefined | null | false, opts: WaitOptions & { what?: string } = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? this.waitTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off("change", attempt);
        this.pending.delete(fail);
      };
      const fail = (error: Error) => {
        cleanup();
        reject(error);
      };
      const attempt = () => {
        try {
          const value = check();
          if (value !== undefined && value !== null && value !== false) {
            cleanup();
            resolve(value);
          }
        } catch (error) {
          fail(error as Error);
        }
      };
      const timer = setTimeout(
        () =>
          fail(new Error(`loopback-discord: timed out after ${timeoutMs} ms waiting for ${opts.what ?? "condition"}`)),
        timeoutMs,
      );
      this.pending.add(fail);
      this.changes.on("change", attempt);
      attempt();
    });
  }

  /** Resolves with the first message anywhere (current state) matching the predicate. */
  waitForMessage(predicate: (m: APIMessage) => boolean, opts: WaitOptions = {}): Promise<APIMessage> {
    return this.waitFor(() => [...this.world.messages.values()].find(predicate), {
      ...opts,
      what: "a matching message",
    }).then(clone);
  }

  /** Resolves at the next READY ("ready") or RESUMED ("resumed") the gateway sends. */
  nextConnection(opts: WaitOptions = {}): Promise<"ready" | "resumed"> {
    const start = this.gateway.log.length;
    return this.waitFor(
      () => {
        const entry = this.gateway.log.slice(start).find((e) => e.kind === "identify" || e.kind === "resume");
        return entry && (entry.kind === "identify" ? "ready" : "resumed");
      },
      { timeoutMs: opts.timeoutMs ?? 10_000, what: "the client to identify or resume" },
    );
  }

  /** True while an identified session has an open socket. */
  get connected(): boolean {
    return this.gateway.connected;
  }

  /** The bot joins a guild: it is added to the world and GUILD_CREATE goes to the session of its shard. */
  joinGuild(init: GuildInit): string {
    const guild = this.world.addGuild(init);
    this.gateway.dispatchGuildCreate(guild.id);
    return guild.id;
  }

  /** The shards of the sessions now connected, as "id/count" ("0/1" unsharded), sorted. */
  get liveShards(): string[] {
    return this.gateway.liveShards;
  }

  // ----- gateway disruption ------------------------------------------------------

  /**
   * Closes every gateway socket: abruptly without a code (client sees 1006), or
   * with the given close code. Resolves when the client is back ("resumed" or
   * "ready" after a new IDENTIFY); ignoring the promise is fine.
   */
  dropConnections(code?: number, opts: WaitOptions = {}): Promise<"ready" | "resumed"> {
    const back = this.nextConnection(opts);
    back.catch(() => undefined);
    this.gateway.dropConnections(code);
    return back;
  }

  /** Sends op 7 RECONNECT to every connection. */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Sends op 9 INVALID_SESSION (d = resumable) to every connection. */
  invalidateSessions(resumable = false): void {
    this.gateway.invalidateSessions(resumable);
  }

  /** Stops the server, sockets and timers. Destroy the discord.js Client first, or it will try to reconnect. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const fail of [...this.pending]) fail(new Error("loopback-discord: closed"));
    this.interactions.close();
    this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ----- changing the world -------------------------------------------------------

  /**
   * Replaces a guild channel's permission overwrites. Discord sends CHANNEL_UPDATE (the client's
   * permission cache follows); `dispatch: false` leaves the bot with a stale cache, as in a race.
   */
  setOverwrites(channelRef: string, overwrites: OverwriteInit[], opts: { dispatch?: boolean } = {}): void {
    const channel = this.world.setOverwrites(this.world.channel(channelRef).id, overwrites);
    if (opts.dispatch !== false)
      this.gateway.dispatch(GatewayDispatchEvents.ChannelUpdate, channel, GatewayIntentBits.Guilds);
    this.changed();
  }

  /**
   * While unreachable, gateway connections are cut and new ones refused at the TCP level (the
   * client sees a network error, as when Discord cannot be reached); REST keeps working.
   */
  setGatewayReachable(reachable: boolean): void {
    this.gateway.setReachable(reachable);
  }

  /** Attachment downloads from the CDN: served (false), hanging without an answer ("stall"), or cut ("error"). */
  set attachmentFailure(mode: false | "stall" | "error") {
    this.world.attachmentFailure = mode;
  }

  // ----- internals ------------------------------------------------------------

  /** Throws unless Discord would offer the command to this user here (see `stale`). */
  private checkOffered(
    opts: SlashCommandInjection | AutocompleteInjection,
    guildId: string | undefined,
    context: number,
  ) {
    if ("stale" in opts && opts.stale) return;
    const all = this.commandStore
      .all()
      .filter((c) => c.name === opts.name && c.type === ApplicationCommandType.ChatInput);
    if (all.length === 0) return; // never registered: the test drives the bot directly
    const command = this.commandStore.find(opts.name, ApplicationCommandType.ChatInput, guildId);
    const where = guildId ? `in guild ${guildId}` : "in a DM";
    if (!command)
      throw new Error(
        `loopback-discord: /${opts.name} is not registered ${where}, so Discord would not offer it (pass stale: true to inject it anyway)`,
      );
    if (!command.guild_id && command.contexts && !command.contexts.includes(context))
      throw new Error(
        `loopback-discord: /${opts.name}'s contexts [${command.contexts.join(", ")}] leave out context ${context} (pass stale: true to inject it anyway)`,
      );
  }

  private handle(state: InteractionState): InteractionHandle {
    this.changed();
    const world = this.world;
    const original = () => (state.originalId ? world.messages.get(state.originalId) : undefined);
    const followUps = () => state.followUpIds.map((id) => world.messages.get(id)).filter((m) => m !== undefined);
    return {
      id: state.payload.id,
      token: state.payload.token,
      payload: state.payload,
      response: state.response,
      get expired() {
        return state.expired;
      },
      get original() {
        const m = original();
        return m && clone(m);
      },
      get followUps() {
        return clone(followUps());
      },
      waitForReply: (opts = {}) =>
        this.waitFor(
          () => {
            if (state.expired)
              throw new Error(`loopback-discord: interaction ${state.payload.id} expired without a response`);
            const m = original();
            return m && !isLoading(m) && (!opts.until || opts.until(m)) ? clone(m) : undefined;
          },
          { ...opts, what: `the reply to interaction ${state.payload.id}` },
        ),
      waitForFollowUp: (index = 0, opts = {}) =>
        this.waitFor(() => followUps()[index], {
          ...opts,
          what: `follow-up #${index} of interaction ${state.payload.id}`,
        }).then(clone),
    };
  }

  private storedMessage(ref: APIMessage | string): APIMessage {
    const id = typeof ref === "string" ? ref : ref.id;
    const message = this.world.messages.get(id);
    if (!message) throw new Error(`loopback-discord: unknown message ${id}`);
    return message;
  }

  /** Fields every interaction carries, as documented for the interaction object. */
  private interactionBase(type: InteractionType, o: InteractionOrigin) {
    const channel = this.world.channel(o.channelId);
    const guildId = this.world.guildIdOf(channel);
    if (o.guildId && o.guildId !== guildId)
      throw new Error(`loopback-discord: channel ${channel.id} is not in guild ${o.guildId}`);
    const user = this.world.user(o.user);
    const id = snowflake();
    // Real tokens are base64 of "interaction:<id>:<secret>".
    const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString("base64url")}`).toString("base64url");
    const perms = (v: bigint | string | undefined, userId: string) =>
      v !== undefined ? String(v) : String(this.world.channelPermissions(channel.id, userId));
    const partialChannel = {
      id: channel.id,
      type: channel.type,
      flags: 0,
      last_message_id: "last_message_id" in channel ? channel.last_message_id : null,
      ...(guildId
        ? {
            guild_id: guildId,
            name: "name" in channel ? channel.name : null,
            parent_id: "parent_id" in channel ? channel.parent_id : null,
            nsfw: "nsfw" in channel ? channel.nsfw : false,
            rate_limit_per_user: 0,
            permissions: perms(o.memberPermissions, user.id),
            ...("position" in channel ? { position: channel.position } : {}),
            ...("topic" in channel ? { topic: channel.topic } : {}),
            ...("thread_metadata" in channel ? { thread_metadata: channel.thread_metadata } : {}),
          }
        : { recipients: [user] }),
    };
    if (guildId) this.world.ensureMember(guildId, user.id);
    const locale = o.locale ?? Locale.EnglishUS;
    const guildLocale = guildId ? this.world.guild(guildId).locale : undefined;
    const base = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1 as const,
      channel: partialChannel,
      channel_id: channel.id,
      ...(guildId
        ? {
            guild_id: guildId,
            guild: { id: guildId, locale: guildLocale, features: [] },
            guild_locale: guildLocale,
            member: { ...this.world.member(guildId, user.id), permissions: perms(o.memberPermissions, user.id) },
          }
        : { user }),
      app_permissions: perms(o.appPermissions, this.bot.id),
      locale,
      entitlements: [],
      // Guild install: the guild id, or "0" in the bot's DMs.
      authorizing_integration_owners: { "0": guildId ?? "0" },
      context: guildId
        ? InteractionContextType.Guild
        : channel.type === ChannelType.DM
          ? InteractionContextType.BotDM
          : InteractionContextType.PrivateChannel,
      attachment_size_limit: 10 * 1024 * 1024,
    };
    return { base, guildId };
  }

  /** data for APPLICATION_COMMAND / AUTOCOMPLETE, typed from the registered command when there is one. */
  private commandData(
    opts: SlashCommandInjection | AutocompleteInjection,
    guildId: string | undefined,
    focused: string | undefined,
  ) {
    const command = this.commandStore.find(opts.name, ApplicationCommandType.ChatInput, guildId);
    let defs: APIApplicationCommandOption[] = command?.options ?? [];
    const path: { name: string; type: O.SubcommandGroup | O.Subcommand }[] = [];
    for (const [name, type] of [
      [opts.subcommandGroup, O.SubcommandGroup],
      [opts.subcommand, O.Subcommand],
    ] as const) {
      if (!name) continue;
      path.push({ name, type });
      defs =
        (defs.find((d) => d.name === name) as { options?: APIApplicationCommandOption[] } | undefined)?.options ?? [];
    }
    const resolved: Record<string, Record<string, unknown>> = {};
    const add = (kind: string, id: string, value: unknown) => ((resolved[kind] ??= {})[id] = value);
    const leaves: APIApplicationCommandInteractionDataOption[] = Array.isArray(opts.options)
      ? opts.options
      : Object.entries(opts.options ?? {}).map(([name, value]) => {
          const type = defs.find((d) => d.name === name)?.type ?? inferType(value);
          if (focused === name)
            return { name, type, value: String(value), focused: true } as APIApplicationCommandInteractionDataOption;
          return {
            name,
            type,
            value: this.resolveOption(type, value, guildId, add),
          } as APIApplicationCommandInteractionDataOption;
        });
    let options = leaves;
    for (const level of [...path].reverse())
      options = [{ name: level.name, type: level.type, options } as APIApplicationCommandInteractionDataOption];
    const merged = { ...resolved };
    for (const [kind, entries] of Object.entries(("resolved" in opts ? opts.resolved : undefined) ?? {})) {
      merged[kind] = { ...merged[kind], ...(entries as Record<string, unknown>) };
    }
    return {
      id: command?.id ?? snowflake(),
      name: opts.name,
      type: ApplicationCommandType.ChatInput,
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
      ...(options.length ? { options } : {}),
      ...(Object.keys(merged).length ? { resolved: merged } : {}),
    };
  }

  /** Converts a friendly option value to its wire value, filling `resolved` like Discord does. */
  private resolveOption(
    type: O,
    value: OptionValue,
    guildId: string | undefined,
    add: (kind: string, id: string, value: unknown) => void,
  ): string | number | boolean {
    const addUser = (ref: UserRef) => {
      const user = this.world.user(ref);
      add("users", user.id, user);
      const member = guildId ? this.world.member(guildId, user.id) : undefined;
      if (member && guildId) {
        const { user: _u, deaf: _d, mute: _m, ...partial } = member;
        add("members", user.id, { ...partial, permissions: String(this.world.basePermissions(guildId, user.id)) });
      }
      return user.id;
    };
    switch (type) {
      case O.Attachment: {
        const attachment = value as APIAttachment;
        add("attachments", attachment.id, attachment);
        return attachment.id;
      }
      case O.User:
        return addUser(value as UserRef);
      case O.Channel: {
        const channel = this.world.channel(String(value));
        add("channels", channel.id, {
          id: channel.id,
          type: channel.type,
          name: "name" in channel ? channel.name : null,
          permissions: guildId ? String(this.world.channelPermissions(channel.id, this.bot.id)) : "0",
          ...("parent_id" in channel ? { parent_id: channel.parent_id } : {}),
          ...("thread_metadata" in channel ? { thread_metadata: channel.thread_metadata } : {}),
        });
        return channel.id;
      }
      case O.Role:
      case O.Mentionable: {
        const role = guildId
          ? this.world.guild(guildId).roles.find((r) => r.id === value || r.name === value)
          : undefined;
        if (role) {
          add("roles", role.id, role);
          return role.id;
        }
        return addUser(value as UserRef);
      }
      default:
        return value as string | number | boolean;
    }
  }

  /**
   * Mirrors the layout of the modal the bot showed (labels or action rows) with the user's values. A select menu in a
   * Label comes back as `{type: 3, custom_id, values}` (the submission carries `type`, not `component_type`).
   */
  private modalComponents(customId: string, fields: Record<string, string | string[]>) {
    // From the interaction's state, not the request log: the log records a callback after its handler returns.
    const shown = (this.interactions.shownModal(customId) as { components?: ModalComponent[] } | undefined)?.components;
    const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(" ") : (v ?? ""));
    const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const input = (c: ModalComponent | undefined) => {
      if (!c || c.custom_id === undefined) return undefined;
      if (c.type === ComponentType.TextInput)
        return { type: ComponentType.TextInput, id: c.id, custom_id: c.custom_id, value: text(fields[c.custom_id]) };
      if (c.type === ComponentType.StringSelect)
        return {
          type: ComponentType.StringSelect,
          id: c.id,
          custom_id: c.custom_id,
          values: list(fields[c.custom_id]),
        };
      return undefined;
    };
    if (!shown) {
      return Object.entries(fields).map(([custom_id, value]) => ({
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, custom_id, value: text(value) }],
      }));
    }
    return shown.flatMap((c): unknown[] => {
      if (c.type === ComponentType.Label && input(c.component))
        return [{ type: c.type, id: c.id, component: input(c.component) }];
      if (c.type === ComponentType.ActionRow)
        return [{ type: c.type, id: c.id, components: (c.components ?? []).map(input).filter(Boolean) }];
      return [];
    });
  }
}

interface ModalComponent {
  type: number;
  id?: number;
  custom_id?: string;
  component?: ModalComponent;
  components?: ModalComponent[];
}

function inferType(value: OptionValue): O {
  if (typeof value === "boolean") return O.Boolean;
  if (typeof value === "number") return Number.isInteger(value) ? O.Integer : O.Number;
  if (typeof value === "object" && "filename" in value) return O.Attachment;
  if (typeof value === "object" && "username" in value) return O.User;
  return O.String;
}

export async function startLoopbackDiscord(options: LoopbackDiscordOptions = {}): Promise<LoopbackDiscord> {
  const server = createServer();
  // Only ever the loopback interface, on a free port.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return new LoopbackDiscord(server, (server.address() as AddressInfo).port, options);
}
