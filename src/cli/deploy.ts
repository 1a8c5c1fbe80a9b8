/**
 * `npm run deploy`: registers the slash commands, to one server when DISCORD_GUILD_ID is set (instant, for development)
 * or globally otherwise. Idempotent: a bulk overwrite.
 */
import { deployCommands } from "../bot/deploy.js";
import { ConfigError, loadBotConfig } from "../config.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadBotConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const line of error.lines) process.stderr.write(`deploy: ${line}\n`);
    process.exitCode = 1;
    return;
  }
  const names = await deployCommands(config.discord);
  const where = config.discord.guildId === null ? "globally (may take up to an hour to appear)" : `to server ${config.discord.guildId}`;
  process.stdout.write(`Registered ${names.length} commands ${where}: ${names.map((n) => `/${n}`).join(", ")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`deploy: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
