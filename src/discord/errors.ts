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
