/**
 * Long rebuilds say how far they have got: while `work` runs, the deferred reply is edited every few seconds with the
 * latest progress (never more often, and never after the work is done, so the answer is always the last edit).
 */
import type { RepliableInteraction } from "discord.js";
import type { Logger } from "pino";
import type { Progress } from "../core/index.js";
import type { MessagePayload } from "../discord/render/index.js";
import { showProgress } from "../discord/respond.js";
import { describeError } from "../discord/errors.js";

/** How often progress is shown: well inside Discord's rate limits for editing one's own reply. */
export const PROGRESS_EVERY_MS = 3000;

export async function withProgress<T>(
  interaction: RepliableInteraction,
  render: (progress: Progress) => MessagePayload,
  work: (onProgress: (progress: Progress) => void) => Promise<T>,
  logger: Logger,
  everyMs = PROGRESS_EVERY_MS,
): Promise<T> {
  let latest: Progress | null = null;
  let shown: Progress | null = null;
  let editing: Promise<void> = Promise.resolve();
  let finished = false;
  const timer = setInterval(() => {
    if (latest === null || latest === shown || finished) return;
    const progress: Progress = latest;
    shown = progress;
    editing = editing
      .then(() => (finished ? undefined : showProgress(interaction, render(progress))))
      .catch((error: unknown) => logger.warn({ err: describeError(error) }, "could not show progress"));
  }, everyMs);
  try {
    return await work((progress) => {
      latest = progress;
    });
  } finally {
    finished = true;
    clearInterval(timer);
    // An edit under way finishes before the answer is sent, so the answer replaces it.
    await editing;
  }
}
