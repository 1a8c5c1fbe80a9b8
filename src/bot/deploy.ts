/**
 * `npm run deploy`: registers the slash commands, to one server when DISCORD_GUILD_ID is set (instant, for development)
 * or globally otherwise. A bulk overwrite (PUT), so running it twice changes nothing. Never run on start-up.
 */
import { REST, Routes } from "discord.js";
import type { AnyCommand } from "./command.js";

export async function deployCommands(
  commands: readonly AnyCommand[],
  options: { token: string; applicationId: string; guildId: string | null; apiUrl: string },
): Promise<string[]> {
  const rest = new REST({ api: options.apiUrl }).setToken(options.token);
  const route =
    options.guildId === null
      ? Routes.applicationCommands(options.applicationId)
      : Routes.applicationGuildCommands(options.applicationId, options.guildId);
  const registered = (await rest.put(route, { body: commands.map((c) => c.data) })) as Array<{ name: string }>;
  return registered.map((c) => c.name);
}
