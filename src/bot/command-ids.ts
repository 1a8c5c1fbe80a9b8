/**
 * The registered commands' ids, for clickable command mentions (`</ask:ID>`). Discord gives them only on request, so
 * the global ones are fetched once the client is ready and a server's own (commands deployed to one server) the first
 * time /help needs them there — after /help has deferred, never before its first response. A fetch that fails leaves
 * the names as plain `/ask`, never a wrong id.
 */
import type { Client } from "discord.js";
import type { Logger } from "pino";
import type { CommandIds } from "./command.js";

export function createCommandIds(client: Client, logger: Logger): CommandIds & { prefetch(): void } {
  let global: Map<string, string> | null = null;
  const perGuild = new Map<string, Map<string, string>>();

  const known = (guildId: string | null): ReadonlyMap<string, string> | null => {
    const own = guildId === null ? undefined : perGuild.get(guildId);
    if (global === null && own === undefined) return null;
    if (guildId !== null && own === undefined && (global?.size ?? 0) === 0) return null;
    return new Map([...(global ?? []), ...(own ?? [])]);
  };

  const toMap = (commands: Iterable<{ name: string; id: string }>) =>
    new Map([...commands].map((c) => [c.name, c.id] as const));

  return {
    known,
    async fetch(guildId) {
      const application = client.application;
      if (application === null) return known(guildId) ?? new Map();
      global = toMap((await application.commands.fetch()).values());
      if (guildId !== null) perGuild.set(guildId, toMap((await application.commands.fetch({ guildId })).values()));
      return known(guildId) ?? new Map();
    },
    prefetch() {
      const application = client.application;
      if (application === null) return;
      application.commands
        .fetch()
        .then((commands) => {
          global = toMap(commands.values());
        })
        .catch((error: unknown) => logger.warn({ err: error }, "could not fetch the registered commands' ids"));
    },
  };
}
