/**
 * What the bot needs per server besides answering: the server's own documents and settings, the audit trail, the
 * permission checks every admin command starts with, and per-server cooldowns.
 */
import { PermissionFlagsBits, type Client, type Interaction, type TextBasedChannel } from "discord.js";
import type { Logger } from "pino";
import type {
  AuditEntry,
  CorpusDiff,
  FeedbackStorage,
  GuildCorpora,
  GuildSettings,
  GuildStorage,
} from "../core/index.js";
import { describeError, UserError } from "../discord/errors.js";
import { post } from "../discord/respond.js";
import { REFUSALS, renderAuditLine } from "../discord/render/index.js";
import type { CommandContext } from "./command.js";

export interface GuildServices {
  store: GuildStorage;
  corpora: GuildCorpora;
  /** Answers given (for their buttons), votes and reports, and moderators' exclusions and pins, per server and DMs. */
  feedback: FeedbackStorage;
  /** User ids allowed to run operator commands (the bundled corpus belongs to the operator). */
  ownerIds: readonly string[];
  /** Re-reads the bundled corpus folder (operators' reload); `onProgress` hears how many files are done. */
  reloadBundled(onProgress?: (progress: { done: number; total: number }) => void): Promise<CorpusDiff>;
  maxUploadBytes: number;
  /** How long an attachment download may take before it counts as failed. */
  downloadTimeoutMs: number;
  /** A server arrived on one of this process's shards (GUILD_CREATE): load what it stores, once. */
  join?(guildId: string): Promise<void>;
}

export function settingsOf(guilds: GuildServices | undefined, guildId: string | null): GuildSettings | null {
  return guilds === undefined || guildId === null ? null : guilds.store.settings(guildId);
}

/** The channel a message or command is in, for the allowed-channels setting: a thread counts as its parent. */
function channelIdsOf(channel: TextBasedChannel | null, channelId: string): string[] {
  const parent = channel !== null && "parentId" in channel && channel.isThread() ? channel.parentId : null;
  return parent === null ? [channelId] : [channelId, parent];
}

/** Whether Verbatim answers in this channel under the server's settings. */
export function answersHere(
  settings: GuildSettings | null,
  channel: TextBasedChannel | null,
  channelId: string,
): boolean {
  if (settings === null || settings.channels.length === 0) return true;
  return channelIdsOf(channel, channelId).some((id) => settings.channels.includes(id));
}

export function notHereError(settings: GuildSettings): UserError {
  return new UserError("channel", REFUSALS.notHere(settings.channels));
}

/**
 * Records an admin action durably and, when the server has an audit channel, posts it there in the background: the
 * post never delays or fails the moderator's answer (call this after responding). Never throws.
 */
export async function audit(
  client: Client,
  guilds: GuildServices,
  logger: Logger,
  entry: Omit<AuditEntry, "at">,
): Promise<void> {
  const full: AuditEntry = { at: new Date().toISOString(), ...entry };
  try {
    await guilds.store.audit(full);
  } catch (error) {
    logger.error(
      { err: describeError(error), guildId: full.guildId, action: full.action },
      "could not store an audit entry",
    );
  }
  const channelId = guilds.store.settings(entry.guildId).auditChannelId;
  if (channelId === null) return;
  void postAudit(client, channelId, full).catch((error: unknown) =>
    logger.warn({ err: describeError(error), channelId }, "could not post to the audit channel"),
  );
}

async function postAudit(client: Client, channelId: string, entry: AuditEntry): Promise<void> {
  const channel = await client.channels.fetch(channelId);
  if (channel === null || !channel.isSendable()) return;
  // One server's actions are never posted in another's channel (a setting stored before that was checked).
  if (!("guildId" in channel) || channel.guildId !== entry.guildId) return;
  await post(channel, [renderAuditLine(entry)]);
}

/**
 * Refuses a channel that is not one of this server's (an id from another server, typed or forged): checked from what
 * the client holds in memory, so the refusal can be the first response.
 */
export function checkOwnChannel(client: Client, guildId: string, channelId: string): void {
  const channel = client.channels.cache.get(channelId);
  if (channel === undefined || !("guildId" in channel) || channel.guildId !== guildId) {
    throw new UserError(
      "channel-elsewhere",
      "That channel is not in this server; choose one of this server's channels.",
    );
  }
}

/** A refusal of an admin command: shown to the member like any UserError, then audited. */
export class Refusal extends UserError {
  constructor(
    identifier: string,
    message: string,
    /** Set when the refusal happened inside a server whose actions are audited. */
    readonly guildId: string | null,
    readonly detail: string,
  ) {
    super(identifier, message);
  }
}

/** What an interaction asked for, in the audit trail's words: "corpus add", "settings channel", "corpus:remove". */
export function actionOf(interaction: Interaction): string {
  if (interaction.isChatInputCommand()) {
    const sub = interaction.options.getSubcommand(false);
    return sub === null ? interaction.commandName : `${interaction.commandName} ${sub}`;
  }
  if (interaction.isMessageComponent() || interaction.isModalSubmit())
    return interaction.customId.split(":").slice(0, 2).join(":");
  return interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : "interaction";
}

/**
 * The check every manager's command runs behind, on our side: Discord hides admin commands from members without
 * Manage Server by default, but a server can change that and a forged or stale client can send them anyway. Reads
 * only memory, so the refusal can be the first response; `auditRefusal` records it afterwards.
 */
export function checkManager(
  interaction: Interaction,
  client: Client,
  guilds: GuildServices | undefined,
): { guildId: string; guilds: GuildServices } {
  if (guilds === undefined) throw new UserError("unavailable", REFUSALS.guildsOff);
  if (!interaction.inGuild()) throw new UserError("dm", REFUSALS.dmOnlyInGuild);
  const guildId = interaction.guildId;
  if (!client.guilds.cache.has(guildId)) {
    throw new UserError("not-member", REFUSALS.notMember);
  }
  if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
    throw new Refusal(
      "permission",
      "You need the **Manage Server** permission to do that.",
      guildId,
      "missing Manage Server",
    );
  }
  return { guildId, guilds };
}

/** The operator's check: the user is in OWNER_IDS (the bundled corpus belongs to whoever runs the bot). */
export function checkOperator(interaction: Interaction, guilds: GuildServices | undefined): { guilds: GuildServices } {
  if (guilds === undefined || !guilds.ownerIds.includes(interaction.user.id)) {
    throw new Refusal(
      "not-operator",
      "Only the bot's operators (OWNER_IDS) can do that.",
      interaction.guildId,
      "not in OWNER_IDS",
    );
  }
  return { guilds };
}

/** After a refusal was answered: audit it (in its server) and log it. Never throws. */
export async function auditRefusal(error: unknown, interaction: Interaction, context: CommandContext): Promise<void> {
  if (!(error instanceof Refusal)) return;
  context.logger.warn(
    { userId: interaction.user.id, guildId: interaction.guildId, action: actionOf(interaction) },
    "admin command refused",
  );
  if (error.guildId === null || context.guilds === undefined) return;
  await audit(context.client, context.guilds, context.logger, {
    guildId: error.guildId,
    userId: interaction.user.id,
    action: actionOf(interaction),
    outcome: "refused",
    detail: error.detail,
  });
}
