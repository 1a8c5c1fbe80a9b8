/**
 * Discord's refusals at `npm start` and `npm run deploy`, in the configuration's words: which variable is wrong and
 * how to fix it, one line each, like the offline checks in src/config.ts — instead of "401: Unauthorized" or "Missing
 * Access" passed through raw.
 */
import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes } from "discord.js";
import type { DeployTarget } from "./deploy.js";
import { inviteUrl } from "./deploy.js";

const DEV_PORTAL = "https://discord.com/developers/applications";

/** Network error codes found on an error or its causes (fetch wraps them: TypeError "fetch failed" → cause). */
function networkCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code;
    if (e.name === "AbortError" || e.name === "TimeoutError") return "ETIMEDOUT";
  }
  return null;
}

/** One line naming the variable and the fix, or null when the error is not one of configuration. */
export function explainDiscordError(error: unknown, target: DeployTarget): string | null {
  const token = `DISCORD_TOKEN was refused by Discord (401 Unauthorized: reset, revoked or mistyped): in ${DEV_PORTAL} → your application → Bot → Reset Token, and put the new token in .env as DISCORD_TOKEN=…`;
  if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) return token;
  if (error instanceof Error && error.message === "Authentication failed") return token; // gateway close 4004
  if (error instanceof DiscordAPIError) {
    if (error.status === 401) return token;
    if (error.code === 10002)
      return `DISCORD_APPLICATION_ID ${target.applicationId} is not an application Discord knows for this token (Unknown Application): copy the Application ID from ${DEV_PORTAL} → your application → General Information`;
    if (error.code === 10004 && target.guildId !== null)
      return `DISCORD_GUILD_ID ${target.guildId} is not a server Discord knows (Unknown Guild): copy the ID again (Developer Mode on, right-click the server → Copy Server ID), or leave DISCORD_GUILD_ID empty to deploy globally`;
    if (error.code === 50001 && target.guildId !== null)
      return `DISCORD_GUILD_ID ${target.guildId}: the bot is not in that server, or was invited without the applications.commands scope (Missing Access): invite it with ${inviteUrl(target.applicationId, target.guildId)} , or fix DISCORD_GUILD_ID`;
    if (error.code === 50001)
      return `DISCORD_APPLICATION_ID ${target.applicationId}: this token may not manage that application's commands (Missing Access): use the Application ID and the token of the same application`;
  }
  if (error instanceof Error && error.message === "Used disallowed intents")
    return `Discord refused the bot's intents (4014): in ${DEV_PORTAL} → your application → Bot, the privileged intents are off, and Verbatim needs none; check that DISCORD_TOKEN is this bot's`;
  const code = networkCode(error);
  if (code !== null)
    return `DISCORD_API_URL ${target.apiUrl} could not be reached (${code}): check the network connection, or leave DISCORD_API_URL unset to use https://discord.com/api`;
  return null;
}
