/** The bot's slash commands registered in one guild of a loopback Discord, as `npm run deploy` registers them. */
import { commands } from "../../commands/index.js";
import { deployCommands } from "../../src/bot/deploy.js";
import type { LoopbackDiscord } from "./loopback-discord/index.js";

export function deployTo(discord: LoopbackDiscord, guildId: string): ReturnType<typeof deployCommands> {
  return deployCommands(commands, {
    token: discord.token,
    applicationId: discord.applicationId,
    guildId,
    apiUrl: discord.api,
  });
}
