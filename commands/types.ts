/**
 * A command is plain data (what Discord registers) plus behaviour, checked with `satisfies Command`
 * (the discord.js template's shape). Commands reach the core only through `Answerer`.
 */
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { Logger } from "pino";
import type { Answerer } from "../src/core/types.js";

export interface CommandContext {
  answerer: Answerer;
  logger: Logger;
  version: string;
  /** The registered commands' names and descriptions (for /help). */
  commands: ReadonlyArray<{ name: string; description: string }>;
}

export interface Command {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Rate-limited per user (questions cost work; browsing and help do not). */
  cooldown?: boolean;
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: CommandContext): Promise<void>;
}
