// Application command definitions as Discord documents them (Application Commands page,
// developers/interactions/application-commands.mdx): names, descriptions, option order and
// nesting, choices vs autocomplete, lengths, contexts and integration types, permissions as a
// string, localizations and the 8,000-character size. Every violation is collected into
// Discord's 50035 errors tree; the request-level size error sits at `_errors`, as documented.
import {
  ApplicationCommandOptionType as O,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  Locale,
  type RESTPostAPIApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import type { FormErrors } from "./errors.js";

type Path = (string | number)[];

/** A command body as it arrives: typed like discord-api-types' request body, but nothing is trusted. */
export type CommandBody = { [K in keyof RESTPostAPIApplicationCommandsJSONBody]?: unknown } & {
  type?: unknown;
  name?: unknown;
  description?: unknown;
  options?: unknown;
  [key: string]: unknown;
};

interface OptionBody {
  type?: unknown;
  name?: unknown;
  description?: unknown;
  name_localizations?: unknown;
  description_localizations?: unknown;
  required?: unknown;
  choices?: unknown;
  options?: unknown;
  autocomplete?: unknown;
  channel_types?: unknown;
  min_value?: unknown;
  max_value?: unknown;
  min_length?: unknown;
  max_length?: unknown;
}

export const COMMAND_LIMITS = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  stringLength: 6000,
  size: 8000,
  /** Per scope and type: 100 CHAT_INPUT, 15 USER, 15 MESSAGE, 1 PRIMARY_ENTRY_POINT. */
  perType: {
    [ApplicationCommandType.ChatInput]: 100,
    [ApplicationCommandType.User]: 15,
    [ApplicationCommandType.Message]: 15,
    [ApplicationCommandType.PrimaryEntryPoint]: 1,
  } as Record<number, number>,
  /** "a global rate limit of 200 application command creates per day, per guild". */
  dailyCreates: 200,
} as const;

/** Discord counts characters; the loopback counts Unicode code points (never half an emoji). */
export const chars = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** "^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$" with the unicode flag, as documented. */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const LOCALES = new Set<string>(Object.values(Locale));
const CHANNEL_TYPES = new Set<number>(Object.values(ChannelType).filter((v): v is number => typeof v === "number"));
const OPTION_TYPES = new Set<number>(Object.values(O).filter((v): v is number => typeof v === "number"));
const COMMAND_TYPES = new Set<number>(
  Object.values(ApplicationCommandType).filter((v): v is number => typeof v === "number"),
);
const CONTEXTS = [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel];
const INTEGRATION_TYPES = [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall];
const CHOICE_TYPES = new Set<number>([O.String, O.Integer, O.Number]);
const MAX_SAFE = 2 ** 53 - 1;

const isString = (v: unknown): v is string => typeof v === "string";
const present = (v: unknown) => v !== undefined && v !== null;

/**
 * A CHAT_INPUT name: the documented pattern, and lowercase wherever a letter has a lowercase
 * variant ("If there is a lowercase variant of any letters used, you must use those").
 */
function validChatInputName(name: string): boolean {
  return CHAT_INPUT_NAME.test(name) && name === name.toLowerCase();
}

function checkName(errors: FormErrors, path: Path, name: unknown, chatInput: boolean): void {
  if (!isString(name) || chars(name) < 1 || chars(name) > COMMAND_LIMITS.name) {
    errors.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${COMMAND_LIMITS.name} in length.`);
  } else if (chatInput && !validChatInputName(name)) {
    errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  }
}

function checkDescription(errors: FormErrors, path: Path, description: unknown): void {
  if (!isString(description) || chars(description) < 1 || chars(description) > COMMAND_LIMITS.description) {
    errors.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${COMMAND_LIMITS.description} in length.`);
  }
}

/** `name_localizations` / `description_localizations`: keys are available locales, values follow the same rules. */
function checkLocalizations(
  errors: FormErrors,
  path: Path,
  value: unknown,
  check: (p: Path, v: unknown) => void,
): void {
  if (!present(value)) return;
  if (typeof value !== "object" || Array.isArray(value)) {
    errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return;
  }
  for (const [locale, text] of Object.entries(value as Record<string, unknown>)) {
    if (!LOCALES.has(locale)) errors.add([...path, locale], "LOCALE_INVALID", `Invalid locale: ${locale}`);
    else check([...path, locale], text);
  }
}

function checkChoiceSet(
  errors: FormErrors,
  path: Path,
  value: unknown,
  allowed: readonly number[],
  scopeAllowed: readonly number[],
): void {
  if (!present(value)) return;
  if (!Array.isArray(value)) {
    errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    return;
  }
  value.forEach((v: unknown, i) => {
    if (typeof v !== "number" || !allowed.includes(v)) {
      errors.add([...path, i], "BASE_TYPE_CHOICES", `Value must be one of {${allowed.join(", ")}}.`);
    } else if (!scopeAllowed.includes(v)) {
      // "Guild commands don't support the BOT_DM interaction context" (and PRIVATE_CHANNEL needs a user install).
      errors.add(
        [...path, i],
        "APPLICATION_COMMAND_GUILD_INVALID_CONTEXT",
        "Guild commands only support the GUILD context and the GUILD_INSTALL integration type.",
      );
    }
  });
}

function checkChoices(errors: FormErrors, path: Path, type: number, choices: unknown): void {
  if (!Array.isArray(choices)) {
    errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    return;
  }
  if (choices.length > COMMAND_LIMITS.choices) errors.maxLength(path, COMMAND_LIMITS.choices);
  choices.forEach((raw: unknown, i) => {
    const choice = (raw ?? {}) as { name?: unknown; value?: unknown; name_localizations?: unknown };
    const name = (p: Path, v: unknown) => {
      if (!isString(v) || chars(v) < 1 || chars(v) > COMMAND_LIMITS.choiceName) {
        errors.add(p, "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${COMMAND_LIMITS.choiceName} in length.`);
      }
    };
    name([...path, i, "name"], choice.name);
    checkLocalizations(errors, [...path, i, "name_localizations"], choice.name_localizations, name);
    const at = [...path, i, "value"];
    const v = choice.value;
    if (type === O.String) {
      if (!isString(v)) errors.add(at, "BASE_TYPE_STRING", "Must be a string.");
      else if (chars(v) < 1 || chars(v) > COMMAND_LIMITS.choiceValue)
        errors.add(at, "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${COMMAND_LIMITS.choiceValue} in length.`);
    } else if (type === O.Integer) {
      if (typeof v !== "number" || !Number.isInteger(v) || Math.abs(v) > MAX_SAFE)
        errors.add(at, "NUMBER_TYPE_COERCE", `Value "${String(v)}" is not int.`);
    } else if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > 2 ** 53) {
      errors.add(at, "NUMBER_TYPE_COERCE", `Value "${String(v)}" is not a valid number.`);
    }
  });
}

function checkRange(
  errors: FormErrors,
  path: Path,
  key: string,
  value: unknown,
  allowedFor: boolean,
  check: (v: unknown) => string | null,
): void {
  if (!present(value)) return;
  if (!allowedFor) {
    errors.add(
      [...path, key],
      "APPLICATION_COMMAND_OPTION_INVALID_FIELD",
      `${key} is not allowed for this option type.`,
    );
    return;
  }
  const problem = check(value);
  if (problem) errors.add([...path, key], "NUMBER_TYPE_MAX", problem);
}

/** One option (and, for subcommands and groups, the options under it). `level`: 0 top, 1 in a group/subcommand. */
function checkOption(errors: FormErrors, path: Path, raw: unknown, parent: "command" | "group" | "subcommand"): void {
  const o = (raw ?? {}) as OptionBody;
  const type = o.type;
  if (typeof type !== "number" || !OPTION_TYPES.has(type)) {
    errors.add([...path, "type"], "BASE_TYPE_CHOICES", `Value must be one of {${[...OPTION_TYPES].join(", ")}}.`);
    return;
  }
  checkName(errors, [...path, "name"], o.name, true);
  checkDescription(errors, [...path, "description"], o.description);
  checkLocalizations(errors, [...path, "name_localizations"], o.name_localizations, (p, v) =>
    checkName(errors, p, v, true),
  );
  checkLocalizations(errors, [...path, "description_localizations"], o.description_localizations, (p, v) =>
    checkDescription(errors, p, v),
  );

  const isSub = type === O.Subcommand || type === O.SubcommandGroup;
  // "That is the only kind of nesting supported": command → group → subcommand, command → subcommand.
  const nestingOk = parent === "command" ? true : parent === "group" ? type === O.Subcommand : !isSub;
  if (!nestingOk) {
    errors.add(
      [...path, "type"],
      "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
      parent === "group"
        ? "Subcommand groups may only contain subcommands."
        : "Subcommands may only contain options that are not subcommands or groups.",
    );
  }
  if (isSub) {
    if (present(o.required))
      errors.add([...path, "required"], "APPLICATION_COMMAND_OPTION_INVALID_FIELD", "required is not allowed here.");
    const next = type === O.SubcommandGroup ? "group" : "subcommand";
    if (type === O.SubcommandGroup && (!Array.isArray(o.options) || o.options.length === 0)) {
      errors.add(
        [...path, "options"],
        "BASE_TYPE_BAD_LENGTH",
        `Must be between 1 and ${COMMAND_LIMITS.options} in length.`,
      );
    }
    checkOptionList(errors, [...path, "options"], o.options, next);
  } else if (present(o.options)) {
    errors.add(
      [...path, "options"],
      "APPLICATION_COMMAND_OPTION_INVALID_FIELD",
      "options is only allowed on subcommands and groups.",
    );
  }

  const hasChoices = Array.isArray(o.choices) && o.choices.length > 0;
  if (present(o.choices)) {
    if (!CHOICE_TYPES.has(type))
      errors.add(
        [...path, "choices"],
        "APPLICATION_COMMAND_OPTION_INVALID_FIELD",
        "choices is only allowed on STRING, INTEGER and NUMBER options.",
      );
    else checkChoices(errors, [...path, "choices"], type, o.choices);
  }
  if (o.autocomplete === true) {
    if (!CHOICE_TYPES.has(type))
      errors.add(
        [...path, "autocomplete"],
        "APPLICATION_COMMAND_OPTION_INVALID_FIELD",
        "autocomplete is only allowed on STRING, INTEGER and NUMBER options.",
      );
    // "autocomplete may not be set to true if choices are present."
    else if (hasChoices)
      errors.add(
        [...path, "autocomplete"],
        "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
        "Autocomplete cannot be set on an option with choices.",
      );
  }
  if (present(o.channel_types)) {
    if (type !== O.Channel) {
      errors.add(
        [...path, "channel_types"],
        "APPLICATION_COMMAND_OPTION_INVALID_FIELD",
        "channel_types is only allowed on CHANNEL options.",
      );
    } else if (!Array.isArray(o.channel_types)) {
      errors.add([...path, "channel_types"], "BASE_TYPE_ARRAY", "Must be an array.");
    } else {
      o.channel_types.forEach((t: unknown, i) => {
        if (typeof t !== "number" || !CHANNEL_TYPES.has(t))
          errors.add([...path, "channel_types", i], "BASE_TYPE_CHOICES", "Value must be a valid channel type.");
      });
    }
  }
  const lengthCheck = (min: number) => (v: unknown) =>
    typeof v !== "number" || !Number.isInteger(v) || v < min || v > COMMAND_LIMITS.stringLength
      ? `Must be an integer between ${min} and ${COMMAND_LIMITS.stringLength}.`
      : null;
  checkRange(errors, path, "min_length", o.min_length, type === O.String, lengthCheck(0));
  checkRange(errors, path, "max_length", o.max_length, type === O.String, lengthCheck(1));
  const valueCheck = (v: unknown) =>
    type === O.Integer
      ? typeof v !== "number" || !Number.isInteger(v) || Math.abs(v) > MAX_SAFE
        ? "Must be an integer between -2^53+1 and 2^53-1."
        : null
      : typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > 2 ** 53
        ? "Must be a number between -2^53 and 2^53."
        : null;
  const numeric = type === O.Integer || type === O.Number;
  checkRange(errors, path, "min_value", o.min_value, numeric, valueCheck);
  checkRange(errors, path, "max_value", o.max_value, numeric, valueCheck);
}

function checkOptionList(
  errors: FormErrors,
  path: Path,
  options: unknown,
  parent: "command" | "group" | "subcommand",
): void {
  if (!present(options)) return;
  if (!Array.isArray(options)) {
    errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    return;
  }
  if (options.length > COMMAND_LIMITS.options) errors.maxLength(path, COMMAND_LIMITS.options);
  const list = options as OptionBody[];
  const seen = new Set<unknown>();
  let optionalSeen = false;
  const subs = list.filter((o) => o?.type === O.Subcommand || o?.type === O.SubcommandGroup).length;
  list.forEach((o, i) => {
    checkOption(errors, [...path, i], o, parent);
    // "name must be unique within an array of application command options."
    if (seen.has(o?.name))
      errors.add(
        [...path, i, "name"],
        "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
        "Option names must be unique.",
      );
    seen.add(o?.name);
    // "Required options must be listed before optional options".
    if (o?.required === true && optionalSeen) {
      errors.add(
        [...path, i, "required"],
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        "Required options must be placed before non-required options",
      );
    }
    const isSub = o?.type === O.Subcommand || o?.type === O.SubcommandGroup;
    if (!isSub && o?.required !== true) optionalSeen = true;
  });
  // Subcommands make the base command unusable: they cannot sit beside plain options.
  if (parent === "command" && subs > 0 && subs < list.length) {
    errors.add(
      path,
      "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
      "Subcommands and groups cannot be mixed with other options.",
    );
  }
}

/** Combined name, description and value lengths (the longest localization of each field counts). */
export function commandSize(body: CommandBody): number {
  const longest = (base: unknown, localized: unknown): number => {
    let max = isString(base) ? chars(base) : 0;
    if (localized && typeof localized === "object")
      for (const v of Object.values(localized as Record<string, unknown>))
        if (isString(v)) max = Math.max(max, chars(v));
    return max;
  };
  const ofOptions = (options: unknown): number =>
    Array.isArray(options)
      ? (options as (OptionBody & { name_localizations?: unknown })[]).reduce((sum, o) => {
          let n = longest(o?.name, o?.name_localizations) + longest(o?.description, o?.description_localizations);
          if (Array.isArray(o?.choices))
            for (const c of o.choices as { name?: unknown; value?: unknown; name_localizations?: unknown }[])
              n += longest(c?.name, c?.name_localizations) + String(c?.value ?? "").length;
          return sum + n + ofOptions(o?.options);
        }, 0)
      : 0;
  return (
    longest(body.name, body.name_localizations) +
    longest(body.description, body.description_localizations) +
    ofOptions(body.options)
  );
}

/**
 * Every documented rule for one command body. `path` is where it sits in the request (`[]` for a
 * single create, `[i]` in a bulk overwrite); `scope` is "global" or a guild id.
 */
export function validateCommand(body: unknown, path: Path, errors: FormErrors, scope: string): void {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return;
  }
  const b = body as CommandBody;
  const type = b.type ?? ApplicationCommandType.ChatInput;
  if (typeof type !== "number" || !COMMAND_TYPES.has(type)) {
    errors.add([...path, "type"], "BASE_TYPE_CHOICES", `Value must be one of {${[...COMMAND_TYPES].join(", ")}}.`);
    return;
  }
  const chatInput = type === ApplicationCommandType.ChatInput;
  const guild = scope !== "global";
  checkName(errors, [...path, "name"], b.name, chatInput);
  checkLocalizations(errors, [...path, "name_localizations"], b.name_localizations, (p, v) =>
    checkName(errors, p, v, chatInput),
  );
  if (chatInput) {
    checkDescription(errors, [...path, "description"], b.description);
    checkLocalizations(errors, [...path, "description_localizations"], b.description_localizations, (p, v) =>
      checkDescription(errors, p, v),
    );
    checkOptionList(errors, [...path, "options"], b.options, "command");
  } else {
    // "The description field is not allowed when creating message commands" (and user commands).
    if (present(b.description) && b.description !== "")
      errors.add(
        [...path, "description"],
        "APPLICATION_COMMAND_OPTION_INVALID_FIELD",
        "description is not allowed for this command type.",
      );
    // "options can only be set for application commands of type CHAT_INPUT."
    if (present(b.options))
      errors.add(
        [...path, "options"],
        "APPLICATION_COMMAND_OPTION_INVALID_FIELD",
        "options can only be set for CHAT_INPUT commands.",
      );
  }
  if (type === ApplicationCommandType.PrimaryEntryPoint && guild)
    errors.add(
      [...path, "type"],
      "APPLICATION_COMMAND_INVALID_TYPE",
      "There can be no PRIMARY_ENTRY_POINT guild command.",
    );
  // "Set of permissions represented as a bit set", "serialized as a string".
  const perms = b.default_member_permissions;
  if (present(perms) && (!isString(perms) || !/^\d{1,20}$/.test(perms)))
    errors.add(
      [...path, "default_member_permissions"],
      "BASE_TYPE_STRING",
      "Must be a string of a permission bit set.",
    );
  checkChoiceSet(
    errors,
    [...path, "contexts"],
    b.contexts,
    CONTEXTS,
    guild ? [InteractionContextType.Guild] : CONTEXTS,
  );
  checkChoiceSet(
    errors,
    [...path, "integration_types"],
    b.integration_types,
    INTEGRATION_TYPES,
    guild ? [ApplicationIntegrationType.GuildInstall] : INTEGRATION_TYPES,
  );
  if (present(b.nsfw) && typeof b.nsfw !== "boolean")
    errors.add([...path, "nsfw"], "BASE_TYPE_BOOLEAN", "Must be either true or false.");
  if (present(b.dm_permission) && typeof b.dm_permission !== "boolean")
    errors.add([...path, "dm_permission"], "BASE_TYPE_BOOLEAN", "Must be either true or false.");
  if (chatInput && commandSize(b) > COMMAND_LIMITS.size) {
    errors.add(path, "APPLICATION_COMMAND_TOO_LARGE", `Command exceeds maximum size (${COMMAND_LIMITS.size})`);
  }
}
