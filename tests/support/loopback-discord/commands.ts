// Application commands, global and per guild. Commands are identified by
// (name, type): creating one that exists overwrites it (200 instead of 201), and
// a bulk overwrite (PUT) keeps the ids of commands it still contains, which is
// what makes re-registering on every boot idempotent.
import { ApplicationCommandType, type APIApplicationCommand } from "discord-api-types/v10";
import { COMMAND_LIMITS, validateCommand, type CommandBody } from "./command-rules.js";
import { FormErrors, HttpError, httpErrors } from "./errors.js";
import { snowflake } from "./snowflake.js";

export class CommandStore {
  /** Keyed by scope: "global" or a guild id. */
  private readonly scopes = new Map<string, APIApplicationCommand[]>();

  /** New commands created per scope per day (the documented 200 a day, per guild). */
  private readonly creates = new Map<string, { day: number; count: number }>();

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
    validateCommand(body, [], errors, scope);
    errors.throwIfAny();
    const list = [...this.list(scope)];
    const existing = list.find((c) => this.sameKey(c, body as CommandBody));
    if (!existing) {
      const type = ((body as CommandBody).type ?? ApplicationCommandType.ChatInput) as number;
      if (list.filter((c) => c.type === type).length >= (COMMAND_LIMITS.perType[type] ?? 0))
        throw tooManyCommands(type);
      this.countCreates(scope, 1);
    }
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
    bodies.forEach((b: unknown, i) => validateCommand(b, [i], errors, scope));
    // Names are unique per type within a scope.
    const keys = new Set<string>();
    bodies.forEach((b: CommandBody, i) => {
      const key = `${String(b?.type ?? ApplicationCommandType.ChatInput)}:${String(b?.name)}`;
      if (keys.has(key))
        errors.add([i, "name"], "APPLICATION_COMMANDS_DUPLICATE_NAME", `Application command names must be unique`);
      keys.add(key);
    });
    errors.throwIfAny();
    for (const [type, max] of Object.entries(COMMAND_LIMITS.perType)) {
      const count = bodies.filter((b: CommandBody) => (b?.type ?? ApplicationCommandType.ChatInput) === Number(type));
      if (count.length > max) throw tooManyCommands(Number(type));
    }
    const previous = this.list(scope);
    // "Commands that do not already exist will count toward daily application command create limits."
    this.countCreates(scope, bodies.filter((b: CommandBody) => !previous.some((c) => this.sameKey(c, b))).length);
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
    validateCommand(merged, [], errors, scope);
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

  private countCreates(scope: string, n: number): void {
    const day = Math.floor(Date.now() / 86_400_000);
    const entry = this.creates.get(scope);
    const count = (entry?.day === day ? entry.count : 0) + n;
    if (count > COMMAND_LIMITS.dailyCreates) {
      throw new HttpError(400, {
        code: 30034,
        message: `Max number of daily application command creates has been reached (${COMMAND_LIMITS.dailyCreates})`,
      });
    }
    this.creates.set(scope, { day, count });
  }

  private sameKey(c: APIApplicationCommand, b: CommandBody): boolean {
    return c.name === b.name && c.type === (b.type ?? ApplicationCommandType.ChatInput);
  }

  /** Only ever called on a body validateCommand accepted, so the fields have their documented types. */
  private build(scope: string, body: CommandBody, existing: APIApplicationCommand | undefined): APIApplicationCommand {
    const b = body as Partial<APIApplicationCommand>;
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

function tooManyCommands(type: number): HttpError {
  return new HttpError(400, {
    code: 30032,
    message: `Maximum number of application commands reached (${COMMAND_LIMITS.perType[type] ?? 0})`,
  });
}
