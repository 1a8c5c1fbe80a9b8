/**
 * The two kinds of failure (STYLE.md §5). A `UserError` is the user's mistake or a refusal: its
 * message is written for the user and shown to them (ephemeral where Discord allows). Anything
 * else is a bug or an outage: logged with context, and the user sees one calm generic line.
 */

export class UserError extends Error {
  override readonly name = "UserError";

  /**
   * @param identifier Stable machine-readable reason, e.g. "cooldown", "document-not-found".
   * @param message Shown to the user as is (markdown allowed): escape anything the user typed.
   */
  constructor(
    readonly identifier: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** A payload that breaks Discord's limits reached the reply helper: a rendering bug, never sent. */
export class PayloadError extends Error {
  override readonly name = "PayloadError";

  constructor(readonly problems: readonly string[]) {
    super(`Refusing to send a message Discord would reject: ${problems.join("; ")}`);
  }
}

/**
 * Interaction and webhook tokens in Discord REST paths (/interactions/{id}/{token}/callback,
 * /webhooks/{application}/{token}/messages/...): each grants 15 minutes of acting as the bot in
 * that conversation, so none is ever logged.
 */
const TOKEN_IN_PATH = /(\/(?:interactions|webhooks)\/\d+\/)[^/?#\s"']+/g;
/** A bot token's shape (base64 id . timestamp . hmac), should one ever appear in a message. */
const BOT_TOKEN = /[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,}/g;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, "$1:token").replace(BOT_TOKEN, "[token]");
}

/**
 * What is logged of an error: its kind, message, code, HTTP status and route with tokens removed,
 * and its stack. Never the request body: for a failed Discord call that is the message being sent,
 * which holds the member's question and the answer.
 */
export function describeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redactTokens(String(error)).slice(0, 2000) };
  const e = error as Error & { code?: unknown; status?: unknown; method?: unknown; url?: unknown };
  const described: Record<string, unknown> = { type: error.name, message: redactTokens(error.message) };
  if (typeof e.code === "string" || typeof e.code === "number") described.code = e.code;
  if (typeof e.status === "number") described.status = e.status;
  if (typeof e.method === "string") described.method = e.method;
  if (typeof e.url === "string") described.route = redactTokens(e.url);
  if (error.stack !== undefined) described.stack = redactTokens(error.stack);
  if (error.cause !== undefined && depth < 3) described.cause = describeError(error.cause, depth + 1);
  return described;
}
