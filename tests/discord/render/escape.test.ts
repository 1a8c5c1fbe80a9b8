import { describe, expect, it } from "vitest";
import { random, soup } from "../../support/soup.js";
import {
  escapeInline,
  escapeMarkdown,
  normalizeNewlines,
  unescapeMarkdown,
} from "../../../src/discord/render/escape.js";

const PIECES = [
  "*",
  "**",
  "_",
  "__",
  "~~",
  "||",
  "`",
  "```",
  ">",
  ">>> ",
  "<",
  "#",
  "# ",
  "-# ",
  "- ",
  "+ ",
  "1. ",
  "[",
  "]",
  "(",
  ")",
  "\\",
  "\\\\",
  "@",
  "@everyone",
  "@here",
  "@EVERYONE",
  "<@123456789012345678>",
  "<@!123456789012345678>",
  "<@&123456789012345678>",
  "<#123456789012345678>",
  "<:emoji:123456789012345678>",
  "<a:emoji:1>",
  "<t:1700000000:R>",
  "</ask:123456789012345678>",
  "<https://example.com>",
  "https://example.com/a_b*c*#x",
  "[link](https://evil.example)",
  "http://",
  "https://x.y",
  "HTTPS://",
  "xhttps://a.b/",
  "(https://a.b/c_d)",
  "\u200b",
  "@\u200beveryone",
  "\n",
  "\n\n",
  " ",
  "  ",
  "\t",
  "word",
  "Word.",
  " The end. ",
  "é",
  "😀",
  "👩‍👩‍👧",
  ":",
  ".",
  "!",
  "12",
];

const randomText = (next: () => number, maxLength: number): string => soup(next, maxLength, PIECES, 0.9);

/** What Discord's server and client would treat as a mention in raw content. */
const MENTION_TRIGGERS = [/@everyone/i, /@here/i, /<@!?\d+>/, /<@&\d+>/, /<#\d+>/, /<@/, /<#/];

const ALWAYS_ESCAPED = new Set(["*", "_", "~", "`", "|", ">", "<", "[", "]", "#"]);

/** Markdown metacharacters left active (not preceded by an escaping backslash), outside bare links. */
function activeMetacharacters(escaped: string): string[] {
  const active: string[] = [];
  let lineStart = true;
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped[i] as string;
    if (c === "\\") {
      i++;
      lineStart = false;
      continue;
    }
    // Discord may start a bare link at any "http(s)://" (even glued to a word) and runs it on to
    // the next space or "<", swallowing backslashes on the way.
    if (/^https?:\/\//.test(escaped.slice(i))) {
      const url = /^https?:\/\/[^\s<]+[^<.,:;"')\]\s]/.exec(escaped.slice(i))?.[0] ?? "";
      i += url.length - 1;
      lineStart = false;
      continue;
    }
    if (c === "\n") {
      lineStart = true;
      continue;
    }
    if (lineStart && (c === " " || c === "\t")) continue;
    if (lineStart && (c === "-" || c === "+")) active.push(`line-start ${c} at ${i}`);
    if (lineStart && /^\d+\.(?:\s|$)/.test(escaped.slice(i))) active.push(`ordered list at ${i}`);
    if (ALWAYS_ESCAPED.has(c)) active.push(`${c} at ${i}`);
    lineStart = false;
  }
  return active;
}

describe("escapeMarkdown", () => {
  it.each([
    ["**bold** and *italic* and __underline__", "\\*\\*bold\\*\\* and \\*italic\\* and \\_\\_underline\\_\\_"],
    ["~~strike~~ ||spoiler||", "\\~\\~strike\\~\\~ \\|\\|spoiler\\|\\|"],
    ["`code` ```block```", "\\`code\\` \\`\\`\\`block\\`\\`\\`"],
    ["# Heading\n## Two\n-# small", "\\# Heading\n\\#\\# Two\n\\-\\# small"],
    ["> quote\n>>> rest", "\\> quote\n\\>\\>\\> rest"],
    ["- item\n  + item\n3. item\n2024. year", "\\- item\n  \\+ item\n3\\. item\n2024\\. year"],
    ["a - b + c 3. d", "a - b + c 3. d"],
    ["[click](https://evil.example)", "\\[click\\](https://evil.example)"],
    ["<t:1700000000:R> <:e:1> </ask:1>", "\\<t:1700000000:R\\> \\<:e:1\\> \\</ask:1\\>"],
    ["back\\slash \\*", "back\\\\slash \\\\\\*"],
  ])("escapes %j", (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
    expect(unescapeMarkdown(expected)).toBe(input);
  });

  it("breaks every mention trigger with an invisible zero-width space", () => {
    const text =
      "@everyone @here @Everyone <@123456789012345678> <@!123456789012345678> <@&123456789012345678> <#123456789012345678>";
    const escaped = escapeMarkdown(text);
    for (const trigger of MENTION_TRIGGERS) expect(escaped).not.toMatch(trigger);
    expect(escaped).toContain("@\u200beveryone");
    expect(escaped).toContain("\\<\u200b@123456789012345678\\>");
    expect(unescapeMarkdown(escaped)).toBe(text);
  });

  it("leaves ordinary @ and < alone apart from escaping", () => {
    expect(escapeMarkdown("mail me@example.com, 3 < 4")).toBe("mail me@example.com, 3 \\< 4");
  });

  it("stays reversible around text that already contains zero-width spaces", () => {
    for (const text of ["@\u200beveryone", "@\u200b", "<\u200b@1>", "@\u200b\u200bhere", "\u200b@", "<\u200b"]) {
      expect(unescapeMarkdown(escapeMarkdown(text))).toBe(text);
    }
  });

  it("keeps bare links working: no backslashes inside them", () => {
    expect(escapeMarkdown("see https://example.com/a_b_c#part now")).toBe("see https://example.com/a_b_c#part now");
    expect(escapeMarkdown("(https://example.com/x_y)")).toBe("(https://example.com/x_y)");
  });

  it("escapes links that contain characters able to start markdown, and links glued to a word", () => {
    expect(escapeMarkdown("https://e.com/[x](https://evil.com)")).toBe("https\\://e.com/\\[x\\](https\\://evil.com)");
    expect(escapeMarkdown("xhttps://e.com/a_b")).toBe("xhttps\\://e.com/a\\_b");
  });

  it("escapes a link followed by something to escape, so Discord's link cannot swallow the backslash", () => {
    // Discord would read "https://e.com\\" as the link and "<t:1:R>" as a live timestamp.
    expect(escapeMarkdown("https://e.com<t:1:R>")).toBe("https\\://e.com\\<t:1:R\\>");
    expect(escapeMarkdown("(https://e.com/a_b).")).toBe("(https://e.com/a_b).");
  });

  it("breaks mentions inside links too", () => {
    const escaped = escapeMarkdown("https://example.com/@everyone");
    expect(escaped).not.toMatch(/@everyone/);
    expect(unescapeMarkdown(escaped)).toBe("https://example.com/@everyone");
  });

  it("treats the start as mid-line when asked", () => {
    expect(escapeMarkdown("1. - x", { atLineStart: false })).toBe("1. - x");
    expect(escapeMarkdown("1. - x")).toBe("1\\. - x");
  });

  it("round-trips, neutralises markdown and mentions, for many random strings up to 10k characters", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const text = randomText(next, seed % 10 === 0 ? 10_000 : 400);
      const escaped = escapeMarkdown(text);
      expect(unescapeMarkdown(escaped), `seed ${seed}`).toBe(text);
      for (const trigger of MENTION_TRIGGERS) expect(escaped, `seed ${seed}`).not.toMatch(trigger);
      expect(activeMetacharacters(escaped), `seed ${seed}`).toEqual([]);
    }
  });
});

describe("escapeInline", () => {
  it("puts metadata on one line and escapes it", () => {
    expect(escapeInline("  A *title*\nwith\r\nbreaks  ")).toBe("A \\*title\\* with breaks");
  });

  it("cannot open a heading or list even when it starts with one", () => {
    expect(escapeInline("# 1. - @here")).toBe("\\# 1. - @\u200bhere");
  });
});

describe("normalizeNewlines", () => {
  it("turns CRLF and CR into LF", () => {
    expect(normalizeNewlines("a\r\nb\rc\nd")).toBe("a\nb\nc\nd");
  });
});
