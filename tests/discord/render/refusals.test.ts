import { describe, expect, it } from "vitest";
import { payloadProblems, REFUSALS, renderNotice } from "../../../src/discord/render/index.js";

describe("REFUSALS", () => {
  const ids = Array.from({ length: 25 }, (_, i) => `${10n ** 18n + BigInt(i)}`);
  const lines = Object.entries({ ...REFUSALS, notHere: REFUSALS.notHere(ids), cooldown: REFUSALS.cooldown(59) });

  it.each(lines)("%s is one short sentence that Discord accepts as a notice", (_name, text) => {
    expect(text.length).toBeGreaterThan(10);
    // Ten channel mentions are the longest (about 23 characters each).
    expect(text.length).toBeLessThan(300);
    expect(text).toMatch(/[.!?]$/);
    expect(payloadProblems(renderNotice(text))).toEqual([]);
  });

  it("names at most ten channels, as mentions that never ping", () => {
    const text = REFUSALS.notHere(ids);
    expect(text.match(/<#\d+>/g)).toHaveLength(10);
    expect(renderNotice(text).allowedMentions).toEqual({ parse: [] });
  });

  it("says how long to wait", () => {
    expect(REFUSALS.cooldown(7)).toBe("You're asking quickly: try again in 7 s.");
  });
});
