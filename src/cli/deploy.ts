/**
 * `npm run deploy`: registers the slash commands, to one server when DISCORD_GUILD_ID is set (instant, for development)
 * or globally otherwise. Idempotent: a bulk overwrite. `npm run deploy -- --remove` removes them from that scope
 * instead (e.g. the server commands, once the global ones are registered). Prints the bot's invite link. Discord's
 * refusals are reported as the variable to fix (src/bot/explain.ts).
 */
import { commands } from "../../commands/index.js";
import { deployCommands, inviteUrl, removeCommands } from "../bot/deploy.js";
import { explainDiscordError } from "../bot/explain.js";
import { configOrReport, loadBotConfig } from "../config.js";

const USAGE = "usage: npm run deploy [-- --remove]";

async function main(args: readonly string[]): Promise<void> {
  const unknown = args.filter((a) => a !== "--remove");
  if (unknown.length > 0) {
    process.stderr.write(`deploy: unknown option ${unknown.join(" ")}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const config = configOrReport(loadBotConfig, "deploy");
  if (config === null) return;
  const target = config.discord;
  const where = target.guildId === null ? "globally" : `from server ${target.guildId}`;
  try {
    if (args.includes("--remove")) {
      const removed = await removeCommands(target);
      process.stdout.write(
        removed.length === 0
          ? `No commands were registered ${where === "globally" ? "globally" : `in server ${target.guildId}`}.\n`
          : `Removed ${removed.length} commands ${where}: ${removed.map((n) => `/${n}`).join(", ")}\n`,
      );
      return;
    }
    const names = await deployCommands(commands, target);
    const scope =
      target.guildId === null ? "globally (may take up to an hour to appear)" : `to server ${target.guildId}`;
    process.stdout.write(`Registered ${names.length} commands ${scope}: ${names.map((n) => `/${n}`).join(", ")}\n`);
    if (target.guildId === null)
      process.stdout.write(
        "If you registered them in a server before, remove those (or they are listed twice): DISCORD_GUILD_ID=<server id> npm run deploy -- --remove\n",
      );
    process.stdout.write(`Invite the bot: ${inviteUrl(target.applicationId, target.guildId)}\n`);
  } catch (error) {
    const line = explainDiscordError(error, target);
    if (line === null) throw error;
    process.stderr.write(`deploy: ${line}\n`);
    process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`deploy: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
