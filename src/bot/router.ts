/**
 * One dispatcher for every interaction: finds the command (buttons and modals by their custom id's `<command>:`
 * prefix), checks who may run it (the command's `requires`), applies the per-user cooldown, runs it, and turns any
 * failure into the right reply (a user's mistake as a private line, anything else logged with a calm generic line).
 * A refusal is answered first and audited after, so no disk write or REST call stands before the first response.
 */
import type { Interaction } from "discord.js";
import { describeError, UserError } from "../discord/errors.js";
import { replyError } from "../discord/respond.js";
import { type AnyCommand, type Command, type CommandContext, isChatCommand, type ManagerContext } from "./command.js";
import { checkManager, checkOperator, auditRefusal, settingsOf } from "./guilds.js";
import { REFUSALS } from "../discord/render/index.js";

export interface Router {
  handle(interaction: Interaction): Promise<void>;
}

function cooldownError(retryAfterSeconds: number): UserError {
  return new UserError("cooldown", REFUSALS.cooldown(retryAfterSeconds));
}

/** Starts the user's cooldown, or throws the "try again in N s" refusal (the server may set its own length). */
export function takeTurn(context: CommandContext, guildId: string | null, userId: string): void {
  const cooldown = context.cooldowns.for(settingsOf(context.guilds, guildId)?.cooldownSeconds);
  const check = cooldown.check(userId);
  if (!check.ok) throw cooldownError(check.retryAfterSeconds);
  cooldown.hit(userId);
}

/**
 * The context the command's `requires` grants, or the refusal (thrown). Every path into a command — the slash command,
 * its buttons, its forms, its autocomplete — comes through here. Typed as the widest grant so any command's handler
 * can take it; a member's command only reads what `CommandContext` holds.
 */
function grant(command: Pick<Command, "requires">, interaction: Interaction, context: CommandContext): ManagerContext {
  if (command.requires === "manager")
    return { ...context, ...checkManager(interaction, context.client, context.guilds) };
  if (command.requires === "operator")
    return { ...context, ...checkOperator(interaction, context.guilds) } as ManagerContext;
  return context as ManagerContext;
}

export function createRouter(commands: readonly AnyCommand[], context: CommandContext): Router {
  const byName = new Map(commands.filter(isChatCommand).map((c) => [c.data.name, c]));
  const menus = new Map(commands.flatMap((c) => (isChatCommand(c) ? [] : [[c.data.name, c] as const])));
  return {
    async handle(interaction) {
      if (interaction.isMessageContextMenuCommand()) {
        const command = menus.get(interaction.commandName);
        try {
          if (command === undefined) throw new UserError("unknown-command", REFUSALS.unknownCommand);
          if (command.cooldown === true) takeTurn(context, interaction.guildId, interaction.user.id);
          await command.execute(interaction, context);
        } catch (error) {
          await replyError(interaction, error, context.logger, { command: interaction.commandName });
        }
        return;
      }
      if (interaction.isAutocomplete()) {
        const command = byName.get(interaction.commandName);
        try {
          if (command?.autocomplete === undefined) await interaction.respond([]);
          else await command.autocomplete(interaction, grant(command, interaction, context));
        } catch (error) {
          // Autocomplete has no error message to show; an empty list is the honest fallback (also for a refusal).
          if (!(error instanceof UserError))
            context.logger.error(
              { err: describeError(error), command: interaction.commandName },
              "autocomplete failed",
            );
          if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
        }
        return;
      }
      if (interaction.isButton() || interaction.isModalSubmit()) {
        const command = byName.get(interaction.customId.split(":")[0] ?? "");
        try {
          if (command === undefined) throw new UserError("stale-component", REFUSALS.staleComponent);
          const granted = grant(command, interaction, context);
          if (interaction.isButton() && command.button !== undefined) await command.button(interaction, granted);
          else if (interaction.isModalSubmit() && command.modal !== undefined)
            await command.modal(interaction, granted);
          else throw new UserError("stale-component", REFUSALS.staleComponent);
        } catch (error) {
          await replyError(interaction, error, context.logger, { customId: interaction.customId });
          await auditRefusal(error, interaction, context);
        }
        return;
      }
      if (!interaction.isChatInputCommand()) return;
      const command = byName.get(interaction.commandName);
      try {
        if (command === undefined) {
          throw new UserError(
            "unknown-command",
            "I don't know that command any more; it may have been removed. Try `/help`.",
          );
        }
        const granted = grant(command, interaction, context);
        if (command.cooldown === true) takeTurn(context, interaction.guildId, interaction.user.id);
        await command.execute(interaction, granted);
      } catch (error) {
        await replyError(interaction, error, context.logger, { command: interaction.commandName });
        await auditRefusal(error, interaction, context);
      }
    },
  };
}
