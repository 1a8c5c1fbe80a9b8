/**
 * A command is plain data (what Discord registers) plus behaviour, checked with `satisfies Command` (the discord.js
 * template's shape). Commands reach the core only through `Answerer` and the server services. Buttons and modals a
 * command shows carry custom ids starting with `<command name>:`, and come back to it.
 *
 * Who may run a command is declared, not coded: `requires: "manager"` (Manage Server, inside a server the bot is in)
 * or `requires: "operator"` (OWNER_IDS). The router checks it once, for the command and for every button, form and
 * autocomplete that comes back to it, and hands the command a context in which the check has already passed.
 */
import type {
  ApplicationCommandType,
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  MessageContextMenuCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from "discord.js";
import type { Logger } from "pino";
import type { Answerer } from "../core/index.js";
import type { Cooldowns } from "./cooldown.js";
import type { GuildServices } from "./guilds.js";

/** A command's name and description, as /help lists them. */
export interface CommandSummary {
  name: string;
  description: string;
}

export interface CommandContext {
  answerer: Answerer;
  logger: Logger;
  version: string;
  client: Client;
  /** The commands every member can use, from their own data (for /help). */
  commands: readonly CommandSummary[];
  /** Per-server documents, settings and audit trail; absent when the bot runs without a data folder. */
  guilds?: GuildServices;
  cooldowns: Cooldowns;
  /** The registered commands' ids, for clickable mentions (`</ask:ID>`); filled in once Discord has told us. */
  commandIds: CommandIds;
}

/** Registered command ids by name, globally and per server (what /help turns into clickable mentions). */
export interface CommandIds {
  /** The ids known for a server (its own commands over global ones), or null when none have been fetched yet. */
  known(guildId: string | null): ReadonlyMap<string, string> | null;
  /** Fetches them from Discord (after the interaction has been acknowledged). */
  fetch(guildId: string | null): Promise<ReadonlyMap<string, string>>;
}

/** What a manager's command runs with: the check passed in this server, whose services exist. */
export interface ManagerContext extends CommandContext {
  guildId: string;
  guilds: GuildServices;
}

/** What an operator's command runs with. */
export interface OperatorContext extends CommandContext {
  guilds: GuildServices;
}

interface Handlers<C> {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Rate-limited per user (questions cost work; browsing and help do not). */
  cooldown?: boolean;
  execute(interaction: ChatInputCommandInteraction, context: C): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: C): Promise<void>;
  button?(interaction: ButtonInteraction, context: C): Promise<void>;
  modal?(interaction: ModalSubmitInteraction, context: C): Promise<void>;
}

export type Requirement = "manager" | "operator";

/** A slash command (what every file in commands/ but the menu commands declares with `satisfies Command`). */
export type Command =
  | (Handlers<CommandContext> & { requires?: undefined })
  | (Handlers<ManagerContext> & { requires: "manager" })
  | (Handlers<OperatorContext> & { requires: "operator" });

/** A message context-menu command ("Apps → Ask Verbatim"): every member's, with no options. */
export interface MessageCommand {
  data: RESTPostAPIContextMenuApplicationCommandsJSONBody & { type: ApplicationCommandType.Message };
  requires?: undefined;
  /** Rate-limited per user, like /ask. */
  cooldown?: boolean;
  execute(interaction: MessageContextMenuCommandInteraction, context: CommandContext): Promise<void>;
}

/** Anything in the command list: a slash command or a message context-menu command. */
export type AnyCommand = Command | MessageCommand;

export function isChatCommand(command: AnyCommand): command is Command {
  return command.data.type === undefined || command.data.type === 1;
}

/** The slash commands /help lists: those every member may run. */
export function memberCommands(commands: readonly AnyCommand[]): CommandSummary[] {
  return commands
    .filter(isChatCommand)
    .filter((c) => c.requires === undefined)
    .map((c) => ({ name: c.data.name, description: c.data.description }));
}
