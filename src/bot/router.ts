/**
 * One dispatcher for every interaction: finds the command, applies the per-user cooldown, runs it, and turns any failure
 * into the right reply (a user's mistake as an ephemeral line, anything else logged and a calm generic line).
 */
import type { Interaction } from "discord.js";
import type { Command, CommandContext } from "../../commands/index.js";
import type { Cooldown } from "../discord/cooldown.js";
import { UserError } from "../discord/errors.js";
import { replyError } from "../discord/respond.js";

export interface Router {
  handle(interaction: Interaction): Promise<void>;
}

export function cooldownError(retryAfterSeconds: number): UserError {
  return new UserError("cooldown", `You're asking quickly: try again in ${retryAfterSeconds} s.`);
}

export function createRouter(commands: readonly Command[], context: CommandContext, cooldown: Cooldown): Router {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  return {
    async handle(interaction) {
      if (interaction.isAutocomplete()) {
        const command = byName.get(interaction.commandName);
        try {
          if (command?.autocomplete === undefined) await interaction.respond([]);
          else await command.autocomplete(interaction, context);
        } catch (error) {
          // Autocomplete has no error message to show; an empty list is the honest fallback.
          context.logger.error({ err: error, command: interaction.commandName }, "autocomplete failed");
          if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
        }
        return;
      }
      if (!interaction.isChatInputCommand()) return;
      const command = byName.get(interaction.commandName);
      try {
        if (command === undefined) {
          throw new UserError("unknown-command", "I don't know that command any more; it may have been removed. Try `/help`.");
        }
        if (command.cooldown === true) {
          const check = cooldown.check(interaction.user.id);
          if (!check.ok) throw cooldownError(check.retryAfterSeconds);
          cooldown.hit(interaction.user.id);
        }
        await command.execute(interaction, context);
      } catch (error) {
        await replyError(interaction, error, context.logger, { command: interaction.commandName });
      }
    },
  };
}
