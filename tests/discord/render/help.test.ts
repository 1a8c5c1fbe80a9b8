/** /help's clickable command mentions and its lines on the buttons and the message command. */
import { describe, expect, it } from "vitest";
import {
  BUTTONS_LINE,
  commandMention,
  MESSAGE_COMMAND_LINE,
  payloadProblems,
  renderHelp,
} from "../../../src/discord/render/index.js";

describe("/help", () => {
  it("mentions each command by its registered id, and falls back to its name", () => {
    const ids = new Map([["ask", "123456789012345678"]]);
    expect(commandMention("ask", ids)).toBe("</ask:123456789012345678>");
    expect(commandMention("search", ids)).toBe("`/search`");
    expect(commandMention("ask", new Map([["ask", "not-an-id"]]))).toBe("`/ask`");
    const [help] = renderHelp(
      [
        { name: "ask", description: "Ask." },
        { name: "search", description: "Search." },
      ],
      { ephemeral: true },
      ids,
    );
    expect(payloadProblems(help ?? { allowedMentions: { parse: [] } })).toEqual([]);
    expect(help?.content).toContain("- </ask:123456789012345678> Ask.");
    expect(help?.content).toContain("- `/search` Search.");
    expect(help?.content).toContain(BUTTONS_LINE);
    expect(help?.content).toContain(MESSAGE_COMMAND_LINE);
  });
});
