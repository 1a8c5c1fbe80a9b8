import type { RepliableInteraction } from "discord.js";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { withProgress } from "../../src/bot/progress.js";
import { renderNotice } from "../../src/discord/render/index.js";
import { respond } from "../../src/discord/respond.js";

/** The parts of a deferred interaction that progress and the answer touch, recording every send. */
async function deferredInteraction() {
  const sent: Array<{ method: string; content: string }> = [];
  const interaction = {
    deferred: true,
    replied: false,
    ephemeral: true,
    async editReply(options: { content?: string }) {
      sent.push({ method: "editReply", content: options.content ?? "" });
      interaction.replied = true; // as discord.js does
    },
    async followUp(options: { content?: string }) {
      sent.push({ method: "followUp", content: options.content ?? "" });
    },
  };
  // respond() tells interactions from messages with instanceof; give it the interaction's prototype chain.
  Object.setPrototypeOf(interaction, (await import("discord.js")).BaseInteraction.prototype);
  return { interaction: interaction as unknown as RepliableInteraction, sent };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logger = pino({ level: "silent" });

describe("withProgress", () => {
  it("edits the deferred reply with the latest progress at most every interval, and the answer replaces it", async () => {
    const { interaction, sent } = await deferredInteraction();
    const result = await withProgress(
      interaction,
      (p) => renderNotice(`working ${p.done}/${p.total}`),
      async (onProgress) => {
        for (let done = 1; done <= 10; done++) {
          onProgress({ done, total: 10 });
          await sleep(25);
        }
        return "finished";
      },
      logger,
      60,
    );
    expect(result).toBe("finished");
    const edits = sent.filter((s) => s.content.startsWith("working"));
    // About 250 ms of work, edited every 60 ms: a few edits, not one per step.
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.length).toBeLessThan(10);
    await respond(interaction, [renderNotice("all done")]);
    expect(sent.at(-1)).toEqual({ method: "editReply", content: "all done" });
    expect(sent.some((s) => s.method === "followUp")).toBe(false);
  });

  it("shows nothing for work shorter than the interval", async () => {
    const { interaction, sent } = await deferredInteraction();
    await withProgress(
      interaction,
      (p) => renderNotice(`working ${p.done}`),
      async (onProgress) => onProgress({ done: 1, total: 1 }),
      logger,
      1000,
    );
    expect(sent).toEqual([]);
  });
});
