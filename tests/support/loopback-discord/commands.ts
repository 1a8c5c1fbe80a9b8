// Application commands, global and per guild. Commands are identified by
// (name, type): creating one that exists overwrites it (200 instead of 201), and
// a bulk overwrite (PUT) keeps the ids of commands it still contains, which is
// what makes re-registering on every boot idempotent.
import { ApplicationCommandType, type APIApplicationCommand } from "discord-api-types/v10";
import { FormErrors, httpErrors } from "./errors.js";
import { snowflake } from "./snowflake.js";

type CommandBody = Partial<APIApplicationCommand> & { name?: unknown; description?: unknown; options?: unknown };

/** Chat input names: 1–32 lowercase letters/digits/-_' in any script. */
const CHAT_INPUT_NAME = /^[-_'\p{Ll}\p{Lm}\p{Lo}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validate(body: CommandBody, path: (string | number)[], errors: FormErrors): void {
  const type = body.type ?? ApplicationCommandType.ChatInput;
  if (typeof body.name !== "string" || body.name.length < 1 || body.name.length > 32) {
    errors.add([...path, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
  } else if (type === ApplicationCommandType.ChatInput && !CHAT_INPUT_NAME.test(body.name)) {
    errors.add([...path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  }
  if (type === ApplicationCommandType.ChatInput) {
    if (typeof body.description !== "string" || body.description.length < 1 || body.description.length > 100) {
      errors.add([...path, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
    }
  } else {
    // "The `description` field is not allowed when creating message commands" (and user commands); "`options` can
    // only be set for application commands of type `CHAT_INPUT`". The error's exact code is not documented.
    if (body.description !== undefined && body.description !== "") {
      errors.add([...path, "description"], "BASE_TYPE_BAD_LENGTH", "Must be 0 in length.");
    }
    if (Array.isArray(body.options) && body.options.length > 0) {
      errors.add([...path, "options"], "BASE_TYPE_BAD_LENGTH", "Must be 0 in length.");
    }
  }
  if (Array.isArray(body.options) && body.options.length > 25) errors.maxLength([...path, "options"], 25);
}

export class CommandStore {
  /** Keyed by scope: "global" or a guild id. */
  private readonly scopes = new Map<string, APIApplicationCommand[]>();

  constructor(private readonly applicationId: string) {}

  list(scope: string): APIApplicationCommand[] {
    return this.scopes.get(scope) ?? [];
  }

  all(): APIApplicationCommand[] {
    return [...this.scopes.values()].flat();
  }

  get(scope: string, id: string): APIApplicationCommand {
    const found = this.list(scope).find((c) => c.id === id);
    if (!found) throw httpErrors.unknownCommand();
    return found;
  }

  /** The command an interaction would be for: guild commands shadow global ones. */
  find(name: string, type: ApplicationCommandType, guildId?: string): APIApplicationCommand | undefined {
    const match = (c: APIApplicationCommand) => c.name === name && c.type === type;
    return (guildId ? this.list(guildId).find(match) : undefined) ?? this.list("global").find(match);
  }

  /** POST: create, or overwrite the command with the same name and type. */
  upsert(scope: string, body: unknown): { command: APIApplicationCommand; created: boolean } {
    const errors = new FormErrors();
    validate(body as CommandBody, [], errors);
    errors.throwIfAny();
    const list = [...this.list(scope)];
    const existing = list.find((c) => this.sameKey(c, body as CommandBody));
    const command = this.build(scope, body as CommandBody, existing);
    this.scopes.set(scope, existing ? list.map((c) => (c.id === existing.id ? command : c)) : [...list, command]);
    return { command, created: !existing };
  }

  /** PUT: the scope's commands become exactly `bodies`, keeping ids of (name, type) matches. */
  overwrite(scope: string, bodies: unknown): APIApplicationCommand[] {
    const errors = new FormErrors();
    if (!Array.isArray(bodies)) {
      errors.add([], "BASE_TYPE_ARRAY", "Must be an array.");
      errors.throwIfAny();
      return [];
    }
    if (bodies.length > 100) errors.maxLength([], 100);
    bodies.forEach((b: CommandBody, i) => validate(b, [i], errors));
    errors.throwIfAny();
    const previous = this.list(scope);
    const next = bodies.map((b: CommandBody) =>
      this.build(
        scope,
        b,
        previous.find((c) => this.sameKey(c, b)),
      ),
    );
    this.scopes.set(scope, next);
    return next;
  }

  patch(scope: string, id: string, body: unknown): APIApplicationCommand {
    const existing = this.get(scope, id);
    const merged = { ...existing, ...(body as CommandBody) };
    const errors = new FormErrors();
    validate(merged, [], errors);
    errors.throwIfAny();
    const command = this.build(scope, merged, existing);
    this.scopes.set(
      scope,
      this.list(scope).map((c) => (c.id === id ? command : c)),
    );
    return command;
  }

  delete(scope: string, id: string): void {
    this.get(scope, id);
    this.scopes.set(
      scope,
      this.list(scope).filter((c) => c.id !== id),
    );
  }

  private sameKey(c: APIApplicationCommand, b: CommandBody): boolean {
    return c.name === b.name && c.type === (b.type ?? ApplicationCommandType.ChatInput);
  }

  private build(scope: string, b: CommandBody, existing: APIApplicationCommand | undefined): APIApplicationCommand {
    const type = b.type ?? ApplicationCommandType.ChatInput;
    const command: APIApplicationCommand = {
      id: existing?.id ?? snowflake(),
      application_id: this.applicationId,
      version: existing?.version ?? snowflake(),
      type,
      name: b.name as string,
      name_localizations: b.name_localizations ?? null,
      description: type === ApplicationCommandType.ChatInput ? (b.description as string) : "",
      description_localizations: b.description_localizations ?? null,
      default_member_permissions: b.default_member_permissions ?? null,
      nsfw: b.nsfw ?? false,
      integration_types: b.integration_types ?? [0],
      contexts: b.contexts ?? null,
      ...(Array.isArray(b.options) && b.options.length > 0 ? { options: b.options } : {}),
      ...(scope !== "global" ? { guild_id: scope } : {}),
    };
    // The version changes only when the definition does, like Discord's.
    if (existing && JSON.stringify({ ...existing, version: "" }) !== JSON.stringify({ ...command, version: "" })) {
      command.version = snowflake();
    }
    return command;
  }
}
