// The loopback server's model of "Discord": users, guilds (roles, members,
// channels, threads), DM channels, messages and attachment bytes. Everything
// else (gateway, REST, interactions) reads and writes through this object and
// renders API payloads from it, so what the bot sees over the gateway and what
// REST returns stay consistent.
import { createHmac, randomBytes } from "node:crypto";
import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  MessageFlags,
  MessageType,
  OverwriteType,
  PermissionFlagsBits,
  ThreadAutoArchiveDuration,
  type APIAllowedMentions,
  type APIAttachment,
  type APIChannel,
  type APIDMChannel,
  type APIGuildMember,
  type APIMessage,
  type APIOverwrite,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type ChannelFlags,
  type GatewayGuildCreateDispatchData,
  type GuildMemberFlags,
  type RoleFlags,
  type UserFlags,
} from "discord-api-types/v10";
import { snowflake } from "./snowflake.js";

// ---------------------------------------------------------------------------
// Options (what a test describes)

export interface UserInit {
  id?: string;
  username: string;
  globalName?: string | null;
  bot?: boolean;
}

export interface RoleInit {
  id?: string;
  name: string;
  permissions?: bigint;
  position?: number;
}

export interface OverwriteInit {
  /** Role name or id, "@everyone", or a username / user id (with type "member"). */
  target: string;
  type?: "role" | "member";
  allow?: bigint;
  deny?: bigint;
}

export interface ChannelInit {
  id?: string;
  name: string;
  type?: ChannelType.GuildText | ChannelType.GuildAnnouncement;
  topic?: string | null;
  nsfw?: boolean;
  overwrites?: OverwriteInit[];
}

export interface ThreadInit {
  id?: string;
  name: string;
  /** Parent channel name or id. */
  parent: string;
  type?: ChannelType.PublicThread | ChannelType.PrivateThread;
  archived?: boolean;
  locked?: boolean;
}

export interface MemberInit {
  /** A username (created if unknown) or a full user description. */
  user: string | UserInit;
  /** Role names or ids. */
  roles?: string[];
  nick?: string | null;
}

export interface GuildInit {
  id?: string;
  name: string;
  /** Username or user id of the owner; the first member by default. */
  owner?: string;
  locale?: Locale;
  /** Permissions of @everyone. */
  everyonePermissions?: bigint;
  /** Permissions of the bot's managed role. */
  botPermissions?: bigint;
  /** Whether the bot was invited with the applications.commands scope (default true). */
  commandsScope?: boolean;
  roles?: RoleInit[];
  channels?: ChannelInit[];
  threads?: ThreadInit[];
  members?: MemberInit[];
}

// ---------------------------------------------------------------------------

const P = PermissionFlagsBits;
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);

/** Roughly what @everyone gets in a new Discord server. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  P.ViewChannel |
  P.SendMessages |
  P.SendMessagesInThreads |
  P.CreatePublicThreads |
  P.EmbedLinks |
  P.AttachFiles |
  P.AddReactions |
  P.UseExternalEmojis |
  P.ReadMessageHistory |
  P.UseApplicationCommands |
  P.ChangeNickname |
  P.Connect |
  P.Speak;

/** What a typical invite link for a text bot grants. */
export const DEFAULT_BOT_PERMISSIONS =
  P.ViewChannel | P.SendMessages | P.SendMessagesInThreads | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory;

/** app_permissions in DMs, as documented for the interaction object. */
const DM_APP_PERMISSIONS = P.AttachFiles | P.EmbedLinks | P.MentionEveryone | P.UseExternalEmojis;

export const DEFAULT_GUILDS: GuildInit[] = [
  {
    name: "Loopback Guild",
    channels: [{ name: "general" }],
    threads: [{ name: "general-thread", parent: "general" }],
    members: [{ user: "alice" }, { user: "bob" }],
  },
];

interface MemberState {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
}

interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  locale: Locale;
  joinedAt: string;
  roles: APIRole[];
  members: Map<string, MemberState>;
  channelIds: string[];
  commandsScope: boolean;
}

export type LoopbackChannel = APITextChannel | APIThreadChannel | APIChannel;
export type StoredMessage = APIMessage & { guild_id?: string };

interface StoredFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface NewMessage {
  channelId: string;
  author: APIUser;
  body: {
    content?: string;
    embeds?: unknown[];
    components?: unknown[];
    flags?: number;
    tts?: boolean;
    nonce?: string | number;
    allowed_mentions?: APIAllowedMentions;
    message_reference?: { message_id?: string };
    poll?: unknown;
  };
  type?: MessageType;
  attachments?: APIAttachment[];
  /** For user messages: mentions as the test describes them (else parsed from content). */
  mentions?: APIUser[];
  extra?: Partial<APIMessage>;
}

const isoNow = () => new Date().toISOString();

export class World {
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, GuildState>();
  readonly channels = new Map<string, LoopbackChannel>();
  readonly messages = new Map<string, StoredMessage>();
  /** Recently used `nonce`s per channel, for `enforce_nonce` de-duplication. */
  readonly nonces = new Map<string, { messageId: string; at: number }>();
  private readonly channelMessages = new Map<string, string[]>();
  private readonly dmByUser = new Map<string, string>();
  private readonly files = new Map<string, StoredFile>();
  private readonly cdnKey = randomBytes(16);
  readonly bot: APIUser;
  /** Attachment downloads: served (false), hanging ("stall") or cut ("error"). */
  attachmentFailure: false | "stall" | "error" = false;

  constructor(
    readonly baseUrl: string,
    bot: { id: string; username: string },
  ) {
    this.bot = this.addUser({ id: bot.id, username: bot.username, bot: true });
  }

  // ----- users ------------------------------------------------------------

  addUser(init: UserInit): APIUser {
    const user: APIUser = {
      id: init.id ?? snowflake(),
      username: init.username,
      discriminator: "0",
      global_name: init.globalName === undefined ? (init.bot ? null : init.username) : init.globalName,
      avatar: null,
      public_flags: 0 as UserFlags,
      flags: 0 as UserFlags,
      primary_guild: null,
      collectibles: null,
      avatar_decoration_data: null,
      banner: null,
      accent_color: null,
      ...(init.bot ? { bot: true } : {}),
    };
    this.users.set(user.id, user);
    return user;
  }

  /** A user by id or username; a full APIUser not yet known is remembered. */
  user(ref: string | APIUser): APIUser {
    if (typeof ref !== "string") {
      const known = this.users.get(ref.id);
      if (known) return known;
      this.users.set(ref.id, ref);
      return ref;
    }
    const found = this.users.get(ref) ?? [...this.users.values()].find((u) => u.username === ref);
    if (!found) throw new Error(`loopback-discord: unknown user "${ref}"`);
    return found;
  }

  private userFromInit(init: string | UserInit): APIUser {
    const username = typeof init === "string" ? init : init.username;
    const id = typeof init === "string" ? undefined : init.id;
    const existing = [...this.users.values()].find((u) => (id ? u.id === id : u.username === username));
    return existing ?? this.addUser(typeof init === "string" ? { username } : init);
  }

  // ----- guilds -----------------------------------------------------------

  addGuild(init: GuildInit): GuildState {
    const id = init.id ?? snowflake();
    const role = (r: Partial<APIRole> & { id: string; name: string; permissions: string }): APIRole => ({
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 0,
      managed: false,
      mentionable: false,
      flags: 0 as RoleFlags,
      ...r,
    });
    const guild: GuildState = {
      id,
      name: init.name,
      ownerId: "",
      locale: init.locale ?? Locale.EnglishUS,
      joinedAt: isoNow(),
      // @everyone's id is the guild's id.
      roles: [
        role({ id, name: "@everyone", permissions: String(init.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS) }),
      ],
      members: new Map(),
      channelIds: [],
      commandsScope: init.commandsScope ?? true,
    };
    (init.roles ?? []).forEach((r, i) =>
      guild.roles.push(
        role({
          id: r.id ?? snowflake(),
          name: r.name,
          permissions: String(r.permissions ?? 0n),
          position: r.position ?? i + 1,
        }),
      ),
    );
    // Bots join with a managed role carrying the permissions of their invite link.
    const botRole = role({
      id: snowflake(),
      name: this.bot.username,
      permissions: String(init.botPermissions ?? DEFAULT_BOT_PERMISSIONS),
      position: guild.roles.length,
      managed: true,
      tags: { bot_id: this.bot.id },
    });
    guild.roles.push(botRole);
    this.guilds.set(id, guild);

    for (const m of init.members ?? []) {
      const user = this.userFromInit(m.user);
      guild.members.set(user.id, {
        userId: user.id,
        roles: (m.roles ?? []).map((r) => this.role(id, r).id),
        nick: m.nick ?? null,
        joinedAt: isoNow(),
      });
    }
    guild.members.set(this.bot.id, { userId: this.bot.id, roles: [botRole.id], nick: null, joinedAt: guild.joinedAt });
    const firstHuman = [...guild.members.keys()].find((u) => u !== this.bot.id);
    guild.ownerId = init.owner ? this.user(init.owner).id : (firstHuman ?? this.bot.id);

    (init.channels ?? []).forEach((c, position) => {
      const channel: APITextChannel = {
        id: c.id ?? snowflake(),
        type: (c.type ?? ChannelType.GuildText) as ChannelType.GuildText,
        guild_id: id,
        name: c.name,
        position,
        parent_id: null,
        topic: c.topic ?? null,
        nsfw: c.nsfw ?? false,
        rate_limit_per_user: 0,
        last_message_id: null,
        flags: 0 as ChannelFlags,
        permission_overwrites: (c.overwrites ?? []).map((o) => this.overwrite(id, o)),
      };
      this.channels.set(channel.id, channel);
      guild.channelIds.push(channel.id);
    });
    for (const t of init.threads ?? []) {
      const parent = this.channel(t.parent);
      const thread: APIThreadChannel = {
        id: t.id ?? snowflake(),
        type: t.type ?? ChannelType.PublicThread,
        guild_id: id,
        name: t.name,
        parent_id: parent.id,
        owner_id: guild.ownerId,
        last_message_id: null,
        rate_limit_per_user: 0,
        message_count: 0,
        member_count: 1,
        total_message_sent: 0,
        flags: 0 as ChannelFlags,
        thread_metadata: {
          archived: t.archived ?? false,
          auto_archive_duration: ThreadAutoArchiveDuration.OneDay,
          archive_timestamp: isoNow(),
          locked: t.locked ?? false,
          create_timestamp: isoNow(),
        },
      };
      this.channels.set(thread.id, thread);
      guild.channelIds.push(thread.id);
    }
    return guild;
  }

  guild(ref: string): GuildState {
    const found = this.guilds.get(ref) ?? [...this.guilds.values()].find((g) => g.name === ref);
    if (!found) throw new Error(`loopback-discord: unknown guild "${ref}"`);
    return found;
  }

  role(guildId: string, ref: string): APIRole {
    const found = this.guild(guildId).roles.find((r) => r.id === ref || r.name === ref);
    if (!found) throw new Error(`loopback-discord: unknown role "${ref}"`);
    return found;
  }

  /** Replaces a guild channel's overwrites; returns the channel. */
  setOverwrites(channelId: string, overwrites: OverwriteInit[]): LoopbackChannel {
    const channel = this.channel(channelId);
    const guildId = this.guildIdOf(channel);
    if (!guildId || !("permission_overwrites" in channel))
      throw new Error(`loopback-discord: channel ${channelId} has no overwrites`);
    channel.permission_overwrites = overwrites.map((o) => this.overwrite(guildId, o));
    return channel;
  }

  /** The bot's managed role in a guild (role tags.bot_id = the bot). */
  botRole(guildId: string): APIRole | undefined {
    return this.guilds.get(guildId)?.roles.find((r) => r.tags?.bot_id === this.bot.id);
  }

  private overwrite(guildId: string, o: OverwriteInit): APIOverwrite {
    const isMember = o.type === "member";
    const id = isMember ? this.user(o.target).id : o.target === "@everyone" ? guildId : this.role(guildId, o.target).id;
    return {
      id,
      type: isMember ? OverwriteType.Member : OverwriteType.Role,
      allow: String(o.allow ?? 0n),
      deny: String(o.deny ?? 0n),
    };
  }

  // ----- channels ---------------------------------------------------------

  findChannel(ref: string): LoopbackChannel | undefined {
    return (
      this.channels.get(ref) ??
      [...this.channels.values()].find((c) => "name" in c && c.name !== null && c.name === ref)
    );
  }

  /** A channel by id or (guild channel / thread) name. */
  channel(ref: string): LoopbackChannel {
    const found = this.findChannel(ref);
    if (!found) throw new Error(`loopback-discord: unknown channel "${ref}"`);
    return found;
  }

  guildIdOf(channel: LoopbackChannel): string | undefined {
    return "guild_id" in channel ? channel.guild_id : undefined;
  }

  isThread(channel: LoopbackChannel): channel is APIThreadChannel {
    return (
      channel.type === ChannelType.PublicThread ||
      channel.type === ChannelType.PrivateThread ||
      channel.type === ChannelType.AnnouncementThread
    );
  }

  /** The DM channel between the bot and a user (Discord keeps exactly one). */
  dmChannel(userRef: string | APIUser): APIDMChannel {
    const user = this.user(userRef);
    const existing = this.dmByUser.get(user.id);
    if (existing) return this.channels.get(existing) as APIDMChannel;
    const dm: APIDMChannel = {
      id: snowflake(),
      type: ChannelType.DM,
      name: null,
      last_message_id: null,
      flags: 0 as ChannelFlags,
      recipients: [user],
    };
    this.channels.set(dm.id, dm);
    this.dmByUser.set(user.id, dm.id);
    return dm;
  }

  // ----- members & permissions -------------------------------------------

  member(guildId: string, userId: string): APIGuildMember | undefined {
    const guild = this.guilds.get(guildId);
    const state = guild?.members.get(userId);
    const user = this.users.get(userId);
    if (!state || !user) return undefined;
    return {
      user,
      nick: state.nick,
      avatar: null,
      banner: null,
      roles: state.roles,
      joined_at: state.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    };
  }

  /** Adds a user to a guild on the fly (for injected activity from unknown users). */
  ensureMember(guildId: string, userId: string): void {
    const guild = this.guild(guildId);
    if (!guild.members.has(userId)) guild.members.set(userId, { userId, roles: [], nick: null, joinedAt: isoNow() });
  }

  /** Guild-level permissions: owner and ADMINISTRATOR get everything. */
  basePermissions(guildId: string, userId: string): bigint {
    const guild = this.guild(guildId);
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    const roles = guild.members.get(userId)?.roles ?? [];
    let perms = BigInt(guild.roles.find((r) => r.id === guild.id)?.permissions ?? "0");
    for (const role of guild.roles) if (roles.includes(role.id)) perms |= BigInt(role.permissions);
    return perms & P.Administrator ? ALL_PERMISSIONS : perms;
  }

  /**
   * Permissions in a channel, following Discord's documented order: base, then
   * @everyone overwrite, then role overwrites (all denies, then all allows), then
   * the member overwrite. Threads use their parent's overwrites. Without
   * VIEW_CHANNEL every other permission is implicitly denied.
   */
  channelPermissions(channelId: string, userId: string): bigint {
    let channel = this.channel(channelId);
    const guildId = this.guildIdOf(channel);
    if (!guildId) return DM_APP_PERMISSIONS;
    const base = this.basePermissions(guildId, userId);
    if (base & P.Administrator) return ALL_PERMISSIONS;
    if (this.isThread(channel) && channel.parent_id) channel = this.channel(channel.parent_id);
    const overwrites = "permission_overwrites" in channel ? (channel.permission_overwrites ?? []) : [];
    const roles = this.guild(guildId).members.get(userId)?.roles ?? [];
    let perms = base;
    const apply = (o: APIOverwrite | undefined) => {
      if (o) perms = (perms & ~BigInt(o.deny)) | BigInt(o.allow);
    };
    apply(overwrites.find((o) => o.id === guildId));
    let allow = 0n;
    let deny = 0n;
    for (const o of overwrites) {
      if (o.type === OverwriteType.Role && o.id !== guildId && roles.includes(o.id)) {
        allow |= BigInt(o.allow);
        deny |= BigInt(o.deny);
      }
    }
    perms = (perms & ~deny) | allow;
    apply(overwrites.find((o) => o.type === OverwriteType.Member && o.id === userId));
    return perms & P.ViewChannel ? perms : 0n;
  }

  // ----- payloads ---------------------------------------------------------

  /** GUILD_CREATE as sent after READY (the Guilds intent is checked by the gateway). */
  guildCreatePayload(guildId: string): GatewayGuildCreateDispatchData {
    const g = this.guild(guildId);
    const all = g.channelIds.map((id) => this.channels.get(id)).filter((c): c is LoopbackChannel => c !== undefined);
    const members = [...g.members.keys()].map((u) => this.member(g.id, u)).filter((m): m is APIGuildMember => !!m);
    return {
      id: g.id,
      name: g.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: g.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: GuildVerificationLevel.Low,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.AllMembers,
      roles: g.roles,
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
      rules_channel_id: null,
      vanity_url_code: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      preferred_locale: g.locale,
      public_updates_channel_id: null,
      nsfw_level: GuildNSFWLevel.Default,
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      max_members: 500_000,
      joined_at: g.joinedAt,
      large: false,
      unavailable: false,
      member_count: members.length,
      voice_states: [],
      members,
      // GUILD_CREATE lists non-thread channels and active threads separately.
      channels: all.filter((c) => !this.isThread(c)),
      threads: all.filter((c) => this.isThread(c) && !c.thread_metadata?.archived),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    } as GatewayGuildCreateDispatchData;
  }

  // ----- messages ---------------------------------------------------------

  /** Who is actually pinged, given the content and allowed_mentions (absent = parse everything). */
  resolveMentions(
    content: string,
    allowed: APIAllowedMentions | undefined,
    ctx: { guildId?: string; authorId: string; repliedAuthorId?: string },
  ): Pick<APIMessage, "mentions" | "mention_roles" | "mention_everyone"> {
    const parse = new Set(allowed ? (allowed.parse ?? []) : ["users", "roles", "everyone"]);
    const userIds = new Set<string>();
    for (const [, id] of content.matchAll(/<@!?(\d{17,20})>/g)) {
      if (id && (parse.has("users") || allowed?.users?.includes(id))) userIds.add(id);
    }
    const repliedAllowed = allowed ? allowed.replied_user === true : true;
    if (ctx.repliedAuthorId && repliedAllowed) userIds.add(ctx.repliedAuthorId);
    const roleIds = new Set<string>();
    if (ctx.guildId) {
      for (const [, id] of content.matchAll(/<@&(\d{17,20})>/g)) {
        if (id && (parse.has("roles") || allowed?.roles?.includes(id))) roleIds.add(id);
      }
    }
    const everyone =
      parse.has("everyone") &&
      /@(everyone|here)/.test(content) &&
      (!ctx.guildId || (this.basePermissions(ctx.guildId, ctx.authorId) & P.MentionEveryone) !== 0n);
    return {
      mentions: [...userIds].map((id) => this.users.get(id)).filter((u): u is APIUser => u !== undefined),
      mention_roles: [...roleIds],
      mention_everyone: everyone,
    };
  }

  createMessage(m: NewMessage): StoredMessage {
    const channel = this.channel(m.channelId);
    const guildId = this.guildIdOf(channel);
    const ref = m.body.message_reference?.message_id
      ? this.messages.get(m.body.message_reference.message_id)
      : undefined;
    const message: StoredMessage = {
      id: snowflake(),
      channel_id: channel.id,
      ...(guildId ? { guild_id: guildId } : {}),
      author: m.author,
      content: m.body.content ?? "",
      timestamp: isoNow(),
      edited_timestamp: null,
      tts: m.body.tts ?? false,
      ...(m.mentions
        ? { mentions: m.mentions, mention_roles: [], mention_everyone: false }
        : this.resolveMentions(m.body.content ?? "", m.body.allowed_mentions, {
            guildId,
            authorId: m.author.id,
            repliedAuthorId: ref?.author.id,
          })),
      attachments: m.attachments ?? [],
      embeds: (m.body.embeds ?? []) as APIMessage["embeds"],
      components: (m.body.components ?? []) as APIMessage["components"],
      pinned: false,
      type: m.type ?? (ref ? MessageType.Reply : MessageType.Default),
      flags: m.body.flags ?? 0,
      ...(m.body.nonce !== undefined ? { nonce: m.body.nonce } : {}),
      ...(ref
        ? {
            message_reference: { type: 0, message_id: ref.id, channel_id: ref.channel_id, guild_id: ref.guild_id },
            referenced_message: ref,
          }
        : {}),
      ...m.extra,
    };
    this.messages.set(message.id, message);
    const list = this.channelMessages.get(channel.id) ?? [];
    list.push(message.id);
    this.channelMessages.set(channel.id, list);
    if ("last_message_id" in channel) channel.last_message_id = message.id;
    return message;
  }

  /** Applies an edit body: fields present replace, absent fields are kept (Discord PATCH semantics). */
  editMessage(
    id: string,
    body: NewMessage["body"] & { attachments?: { id: string | number }[] },
    newAttachments: APIAttachment[],
  ): StoredMessage {
    const msg = this.messages.get(id);
    if (!msg) throw new Error(`loopback-discord: unknown message ${id}`);
    if (body.content !== undefined) msg.content = body.content ?? "";
    if (body.embeds !== undefined) msg.embeds = (body.embeds ?? []) as APIMessage["embeds"];
    if (body.components !== undefined) msg.components = (body.components ?? []) as APIMessage["components"];
    if (body.flags !== undefined && body.flags !== null) {
      // Only SUPPRESS_EMBEDS (and components v2) can be toggled by an edit; ephemeral state is fixed.
      msg.flags = ((msg.flags ?? 0) & MessageFlags.Ephemeral) | (body.flags & ~MessageFlags.Ephemeral);
    }
    // "attachments" lists the existing attachments to keep; new uploads are appended.
    const keep = body.attachments
      ? msg.attachments.filter((a) => body.attachments?.some((k) => String(k.id) === a.id))
      : msg.attachments;
    msg.attachments = [...keep, ...newAttachments];
    if (body.content !== undefined || body.allowed_mentions !== undefined) {
      Object.assign(
        msg,
        this.resolveMentions(msg.content, body.allowed_mentions, {
          guildId: msg.guild_id,
          authorId: msg.author.id,
          repliedAuthorId: msg.referenced_message?.author.id,
        }),
      );
    }
    msg.edited_timestamp = isoNow();
    return msg;
  }

  deleteMessage(id: string): StoredMessage | undefined {
    const msg = this.messages.get(id);
    if (!msg) return undefined;
    this.messages.delete(id);
    const list = this.channelMessages.get(msg.channel_id);
    if (list) list.splice(list.indexOf(id), 1);
    return msg;
  }

  messagesIn(channelId: string): StoredMessage[] {
    return (this.channelMessages.get(channelId) ?? [])
      .map((id) => this.messages.get(id))
      .filter((m): m is StoredMessage => !!m);
  }

  // ----- attachment bytes (the "CDN") ------------------------------------

  /**
   * Stores bytes and returns an attachment object whose url points back at this
   * server, signed like Discord's CDN links (ex/is/hm). Unsigned or tampered
   * links get the CDN's 404, so bots must use the url they were given.
   */
  addFile(file: {
    filename: string;
    data: Buffer;
    contentType?: string;
    channelId: string;
    description?: string;
  }): APIAttachment {
    const id = snowflake();
    const contentType = file.contentType ?? guessContentType(file.filename);
    this.files.set(id, { filename: file.filename, contentType, data: file.data });
    const path = `/attachments/${file.channelId}/${id}/${encodeURIComponent(file.filename)}`;
    return {
      id,
      filename: file.filename,
      size: file.data.length,
      content_type: contentType,
      url: `${this.baseUrl}${this.sign(path)}`,
      proxy_url: `${this.baseUrl}/media${this.sign(path)}`,
      ...(file.description ? { description: file.description } : {}),
    };
  }

  private sign(path: string): string {
    const now = Math.floor(Date.now() / 1000);
    const ex = (now + 86_400).toString(16);
    const is = now.toString(16);
    const hm = createHmac("sha256", this.cdnKey).update(`${path}|${ex}|${is}`).digest("hex");
    return `${path}?ex=${ex}&is=${is}&hm=${hm}&`;
  }

  /** Looks up the bytes behind a CDN url (path + query), checking the signature and expiry. */
  fileAt(path: string, query: URLSearchParams): StoredFile | undefined {
    const match = /^(?:\/media)?(\/attachments\/\d+\/(\d+)\/[^/]+)$/.exec(path);
    if (!match?.[1] || !match[2]) return undefined;
    const [ex, is, hm] = [query.get("ex") ?? "", query.get("is") ?? "", query.get("hm") ?? ""];
    const expected = createHmac("sha256", this.cdnKey).update(`${match[1]}|${ex}|${is}`).digest("hex");
    if (hm !== expected || Number.parseInt(ex, 16) * 1000 < Date.now()) return undefined;
    return this.files.get(match[2]);
  }
}

function guessContentType(filename: string): string {
  const ext = filename.toLowerCase().split(".").pop() ?? "";
  const types: Record<string, string> = {
    txt: "text/plain; charset=utf-8",
    md: "text/markdown; charset=utf-8",
    json: "application/json; charset=utf-8",
    html: "text/html; charset=utf-8",
    csv: "text/csv; charset=utf-8",
    pdf: "application/pdf",
    png: "image/png",
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    gif: "image/gif",
    webp: "image/webp",
  };
  return types[ext] ?? "application/octet-stream";
}
