/**
 * `npm run deploy`: registers the slash commands, to one server when DISCORD_GUILD_ID is set (instant, for development)
 * or globally otherwise; `--remove` takes them off that scope again (moving from server to global commands would
 * otherwise list them twice). A bulk overwrite (PUT), so running it twice changes nothing. Never run on start-up.
 *
 * Where each command may be used is registered per scope: Discord documents `contexts` and `integration_types` as
 * "only for globally-scoped commands", and "Guild commands don't support the BOT_DM interaction context". So a
 * server deploy sends neither (a server command exists only in that server), and a global deploy sends each
 * command's own `contexts` (its data), installed to servers (GUILD_INSTALL).
 */
import {
  ApplicationIntegrationType,
  InteractionContextType,
  OAuth2Scopes,
  PermissionFlagsBits,
  PermissionsBitField,
  REST,
  Routes,
  type RESTPostAPIApplicationCommandsJSONBody,
} from "discord.js";
import type { AnyCommand } from "./command.js";

export interface DeployTarget {
  token: string;
  applicationId: string;
  /** A server's ID for server commands; null for global ones. */
  guildId: string | null;
  apiUrl: string;
}

/** What the bot needs in a channel: see it, answer (also in threads), and reply (Read Message History). */
export const BOT_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.ReadMessageHistory,
]);

/** The invite link: the `bot` and `applications.commands` scopes, with the permissions above. */
export function inviteUrl(applicationId: string, guildId: string | null = null): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(" "),
    permissions: BOT_PERMISSIONS.bitfield.toString(),
    integration_type: String(ApplicationIntegrationType.GuildInstall),
  });
  if (guildId !== null) {
    params.set("guild_id", guildId);
    params.set("disable_guild_select", "true");
  }
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}

/** A command's registration for a scope: server commands without contexts, global ones with them. */
export function registrationBody(command: AnyCommand, guildId: string | null): RESTPostAPIApplicationCommandsJSONBody {
  const { contexts, integration_types: _integrationTypes, ...rest } = command.data;
  if (guildId !== null) return rest;
  return {
    ...rest,
    contexts: contexts ?? [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

function route(target: DeployTarget) {
  return target.guildId === null
    ? Routes.applicationCommands(target.applicationId)
    : Routes.applicationGuildCommands(target.applicationId, target.guildId);
}

export async function deployCommands(commands: readonly AnyCommand[], target: DeployTarget): Promise<string[]> {
  const rest = new REST({ api: target.apiUrl }).setToken(target.token);
  const body = commands.map((c) => registrationBody(c, target.guildId));
  const registered = (await rest.put(route(target), { body })) as Array<{ name: string }>;
  return registered.map((c) => c.name);
}

/** Removes every command the application has in the scope (all of them are Verbatim's); returns their names. */
export async function removeCommands(target: DeployTarget): Promise<string[]> {
  const rest = new REST({ api: target.apiUrl }).setToken(target.token);
  const existing = (await rest.get(route(target))) as Array<{ name: string }>;
  if (existing.length > 0) await rest.put(route(target), { body: [] });
  return existing.map((c) => c.name);
}
