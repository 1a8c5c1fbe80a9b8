/**
 * `npm run deploy`: registers the slash commands, to one server when DISCORD_GUILD_ID is set (instant, for development)
 * or globally otherwise. Idempotent: a bulk overwrite.
 */
import { commands } from "../../commands/index.js";
import { deployCommands } from "../bot/deploy.js";
import { configOrReport, loadBotConfig } from "../config.js";

async function main(): Promise<void> {
  const config = configOrReport(loadBotConfig, "deploy");
  if (config === null) return;
  const names = await deployCommands(commands, config.discord);
  const where =
    config.discord.guildId === null
      ? "globally (may take up to an hour to appear)"
      : `to server ${config.discord.guildId}`;
  process.stdout.write(`Registered ${names.length} commands ${where}: ${names.map((n) => `/${n}`).join(", ")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`deploy: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
