// Discord's JSON error bodies, in the shapes the real API returns them, so that
// @discordjs/rest turns them into the same DiscordAPIError the bot sees in production.

export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: FormErrorTree;
}

export interface FormErrorTree {
  [key: string]: FormErrorTree | { code: string; message: string }[];
}

/** A REST failure: an HTTP status and a Discord error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody,
  ) {
    super(`${status} ${body.code} ${body.message}`);
  }
}

export const httpErrors = {
  unauthorized: () => new HttpError(401, { message: "401: Unauthorized", code: 0 }),
  notFound: () => new HttpError(404, { message: "404: Not Found", code: 0 }),
  methodNotAllowed: () => new HttpError(405, { message: "405: Method Not Allowed", code: 0 }),
  invalidJson: () => new HttpError(400, { message: "The request body contains invalid JSON.", code: 50109 }),
  unknownApplication: () => new HttpError(404, { message: "Unknown Application", code: 10002 }),
  unknownChannel: () => new HttpError(404, { message: "Unknown Channel", code: 10003 }),
  unknownGuild: () => new HttpError(404, { message: "Unknown Guild", code: 10004 }),
  unknownMember: () => new HttpError(404, { message: "Unknown Member", code: 10007 }),
  unknownMessage: () => new HttpError(404, { message: "Unknown Message", code: 10008 }),
  unknownUser: () => new HttpError(404, { message: "Unknown User", code: 10013 }),
  unknownWebhook: () => new HttpError(404, { message: "Unknown Webhook", code: 10015 }),
  unknownInteraction: () => new HttpError(404, { message: "Unknown interaction", code: 10062 }),
  unknownCommand: () => new HttpError(404, { message: "Unknown application command", code: 10063 }),
  missingAccess: () => new HttpError(403, { message: "Missing Access", code: 50001 }),
  missingPermissions: () => new HttpError(403, { message: "Missing Permissions", code: 50013 }),
  cannotEditOthersMessage: () =>
    new HttpError(403, { message: "Cannot edit a message authored by another user", code: 50005 }),
  cannotReplyWithoutHistory: () =>
    new HttpError(403, { message: "Cannot reply without permission to read message history", code: 160002 }),
  emptyMessage: () => new HttpError(400, { message: "Cannot send an empty message", code: 50006 }),
  invalidWebhookToken: () => new HttpError(401, { message: "Invalid Webhook Token", code: 50027 }),
  alreadyAcknowledged: () => new HttpError(400, { message: "Interaction has already been acknowledged.", code: 40060 }),
  invalidFormBody: (errors: FormErrorTree) => new HttpError(400, { message: "Invalid Form Body", code: 50035, errors }),
};

/**
 * Collects field errors into Discord's nested `errors` tree, e.g.
 * `{ embeds: { "0": { title: { _errors: [{ code, message }] } } } }`.
 */
export class FormErrors {
  private readonly tree: FormErrorTree = {};
  private count = 0;

  add(path: readonly (string | number)[], code: string, message: string): void {
    let node: FormErrorTree = this.tree;
    for (const key of path) {
      const next = node[String(key)];
      if (next === undefined || Array.isArray(next)) node[String(key)] = {};
      node = node[String(key)] as FormErrorTree;
    }
    const list = (node._errors ??= []) as { code: string; message: string }[];
    list.push({ code, message });
    this.count++;
  }

  maxLength(path: readonly (string | number)[], max: number): void {
    this.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** Throws 400 / 50035 Invalid Form Body if anything was added. */
  throwIfAny(): void {
    if (!this.empty) throw httpErrors.invalidFormBody(this.tree);
  }
}
