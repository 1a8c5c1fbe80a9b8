/** Seeded adversarial text for rendering tests: markdown, mentions, links, line breaks and wide characters mixed. */
import type { Source } from "../../src/core/index.js";

/** Deterministic PRNG (mulberry32), so a failing case can be reproduced from its seed. */
export { mulberry32 as random } from "../../bench/random.js";

const PIECES = [
  "*",
  "**",
  "_",
  "~~",
  "||",
  "`",
  "```",
  "> ",
  "# ",
  "-# ",
  "- ",
  "[",
  "](",
  ")",
  "\\",
  "@everyone",
  "@here",
  "<@123456789012345678>",
  "<@&123456789012345678>",
  "<#123456789012345678>",
  "<t:1700000000:R>",
  "https://example.com/a_b",
  "[x](https://evil.example)",
  "\u200b",
  "\n",
  "\n\n",
  "\r\n",
  " ",
  "word",
  "harbour",
  "The vote passed. ",
  "Really? ",
  "“Yes,” she said. ",
  "é",
  "😀",
  "👩‍👩‍👧",
];

/**
 * Up to `maxLength` characters of `pieces` (this file's by default) with a random printable ASCII character instead of a
 * piece `1 − pieceShare` of the time.
 */
export function soup(
  next: () => number,
  maxLength: number,
  pieces: readonly string[] = PIECES,
  pieceShare = 0.92,
): string {
  const target = Math.floor(next() * maxLength);
  let text = "";
  while (text.length < target)
    text +=
      next() < pieceShare
        ? (pieces[Math.floor(next() * pieces.length)] as string)
        : String.fromCharCode(32 + Math.floor(next() * 95));
  return text;
}

export function soupSource(next: () => number, index: number): Source {
  const pick = <T>(options: T[]): T => options[Math.floor(next() * options.length)] as T;
  return {
    id: `doc-${index}`,
    title: pick([null, soup(next, 40), soup(next, 600), "Plain title"]),
    publisher: pick([null, soup(next, 30), "Port authority", soup(next, 300)]),
    author: pick([null, soup(next, 30)]),
    date: pick([null, "2024-03-05", "2024-03-05T10:00:00+02:00", "soon @everyone", soup(next, 80)]),
    url: pick([
      null,
      "https://example.com/a_(b)",
      `https://example.com/${"x".repeat(Math.floor(next() * 900))}`,
      soup(next, 60),
    ]),
    path: pick([null, "corpus/a_b*c*.md", soup(next, 300)]),
  };
}

/** Raw content Discord's server would treat as a ping, whatever allowedMentions says. */
export const PING_TRIGGERS = [/@everyone/i, /@here/i, /<@!?\d+>/, /<@&\d+>/, /<#\d+>/];
