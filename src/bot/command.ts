/**
 * A command is plain data (what Discord registers) plus behaviour, checked with `satisfies Command`
 * (the discord.js template's shape). Commands reach the core only through `Answerer` and the server services.
 * Buttons and modals a command shows carry custom ids starting with `<command name>:`, and come back to it.
 */
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { Logger } from "pino";
import type { Answerer } from "../core/types.js";
import type { Cooldowns, ServerServices } from "./servers.js";

export interface CommandContext {
  answerer: Answerer;
  logger: Logger;
  version: string;
  client: Client;
  /** The registered commands' names and descriptions (for /help). */
  commands: ReadonlyArray<{ name: string; description: string }>;
  /** Per-server documents, settings and audit trail; absent when the bot runs without a data folder. */
  servers?: ServerServices;
  cooldowns: Cooldowns;
}

export interface Command {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Rate-limited per user (questions cost work; browsing and help do not). */
  cooldown?: boolean;
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: CommandContext): Promise<void>;
  button?(interaction: ButtonInteraction, context: CommandContext): Promise<void>;
  modal?(interaction: ModalSubmitInteraction, context: CommandContext): Promise<void>;
}
