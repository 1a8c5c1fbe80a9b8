/**
 * What the bot needs per server besides answering: the server's own documents and settings, the audit trail, the
 * permission checks every admin command starts with, and per-server cooldowns.
 */
import { PermissionFlagsBits, type Client, type Interaction, type TextBasedChannel } from "discord.js";
import type { Logger } from "pino";
import type { AuditEntry, GuildSettings, GuildStore } from "../core/servers/store.js";
import type { GuildCorpora } from "../core/servers/corpora.js";
import type { CorpusDiff } from "../core/library/library.js";
import { createCooldown, type Cooldown } from "./cooldown.js";
import { UserError } from "../discord/errors.js";
import { escapeInline } from "../discord/render/escape.js";
import { post } from "../discord/respond.js";
import { renderNotice } from "../discord/render/render.js";

export interface ServerServices {
  store: GuildStore;
  corpora: GuildCorpora;
  /** User ids allowed to run operator commands (the bundled corpus belongs to the operator). */
  ownerIds: readonly string[];
  /** Re-reads the bundled corpus folder (operators' reload). */
  reloadBundled(): Promise<CorpusDiff>;
  maxUploadBytes: number;
}

/** Per-server cooldown lengths share one tracker per length, so a user's wait is the same wherever it is checked. */
export class Cooldowns {
  private readonly bySeconds = new Map<number, Cooldown>();
  constructor(private readonly defaultSeconds: number) {}
  for(seconds: number | null | undefined): Cooldown {
    const s = seconds ?? this.defaultSeconds;
    let cooldown = this.bySeconds.get(s);
    if (cooldown === undefined) {
      cooldown = createCooldown({ seconds: s });
      this.bySeconds.set(s, cooldown);
    }
    return cooldown;
  }
}

export function settingsOf(servers: ServerServices | undefined, guildId: string | null): GuildSettings | null {
  return servers === undefined || guildId === null ? null : servers.store.settings(guildId);
}

/** The channel a message or command is in, for the allowed-channels setting: a thread counts as its parent. */
function channelIdsOf(channel: TextBasedChannel | null, channelId: string): string[] {
  const parent = channel !== null && "parentId" in channel && channel.isThread() ? channel.parentId : null;
  return parent === null ? [channelId] : [channelId, parent];
}

/** Whether Verbatim answers in this channel under the server's settings. */
export function answersHere(settings: GuildSettings | null, channel: TextBasedChannel | null, channelId: string): boolean {
  if (settings === null || settings.channels.length === 0) return true;
  return channelIdsOf(channel, channelId).some((id) => settings.channels.includes(id));
}

export function notHereError(settings: GuildSettings): UserError {
  const list = settings.channels.slice(0, 10).map((id) => `<#${id}>`).join(", ");
  return new UserError("channel", `In this server I answer in ${list}.`);
}

/** Records an admin action and, when the server has an audit channel, posts it there. Never throws. */
export async function audit(
  client: Client,
  servers: ServerServices,
  logger: Logger,
  entry: Omit<AuditEntry, "at">,
): Promise<void> {
  const full: AuditEntry = { at: new Date().toISOString(), ...entry };
  try {
    await servers.store.audit(full);
  } catch (error) {
    logger.error({ err: error, entry: full }, "could not store an audit entry");
  }
  const channelId = servers.store.settings(entry.guildId).auditChannelId;
  if (channelId === null) return;
  try {
    const channel = await client.channels.fetch(channelId);
    if (channel === null || !channel.isSendable()) return;
    const what = [`**${escapeInline(entry.action)}**`, entry.outcome === "ok" ? "" : ` (${entry.outcome})`].join("");
    const doc = entry.documentId === undefined ? "" : ` · \`${escapeInline(entry.documentId)}\``;
    const detail = entry.detail === undefined ? "" : `\n-# ${escapeInline(entry.detail).slice(0, 300)}`;
    await post(channel, [renderNotice(`${what} by <@${entry.userId}>${doc} · <t:${Math.floor(Date.parse(full.at) / 1000)}:f>${detail}`, {})]);
  } catch (error) {
    logger.warn({ err: error, channelId }, "could not post to the audit channel");
  }
}

/**
 * The checks every admin command starts with, on the server side: Discord hides admin commands from members without
 * Manage Server by default, but a server can change that and a forged or stale client can send them anyway.
 * A refusal is audited.
 */
export async function requireManager(
  interaction: Interaction,
  client: Client,
  servers: ServerServices | undefined,
  logger: Logger,
  action: string,
): Promise<{ guildId: string; servers: ServerServices }> {
  if (servers === undefined) throw new UserError("unavailable", "Server documents are not enabled on this bot.");
  if (!interaction.inGuild()) throw new UserError("dm", "This command works only inside a server.");
  const guildId = interaction.guildId;
  if (!client.guilds.cache.has(guildId)) {
    throw new UserError("not-member", "I'm not a member of this server any more, so I can't manage its documents.");
  }
  if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
    await audit(client, servers, logger, { guildId, userId: interaction.user.id, action, outcome: "refused", detail: "missing Manage Server" });
    throw new UserError("permission", "You need the **Manage Server** permission to do that.");
  }
  return { guildId, servers };
}

