import type { InteractionEditReplyOptions, InteractionReplyOptions, MessageReplyOptions } from "discord.js";
import { random, soup } from "../../support/soup.js";
import { MessageFlags } from "discord.js";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type Answer, independentSources, type Quote, type SearchHit, type Source } from "../../../src/core/index.js";
import {
  DISCORD_LIMITS,
  MAX_ANSWER_MESSAGES,
  type MessagePayload,
  cutPoint,
  normalizeNewlines,
  unescapeMarkdown,
  fitQuote,
  payloadProblems,
  renderAbout,
  renderAnswer,
  renderDate,
  renderDocument,
  renderHelp,
  renderNotice,
  renderSearch,
} from "../../../src/discord/render/index.js";

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

function source(overrides: Partial<Source> = {}): Source {
  return {
    id: "news/budget.md",
    title: "Council approves 2024 budget",
    publisher: "Springfield Gazette",
    author: "Jane Doe",
    date: "2024-03-05",
    url: "https://gazette.example/news/budget-2024",
    path: "news/budget.md",
    ...overrides,
  };
}

function quote(text: string, overrides: Partial<Quote> = {}): Quote {
  return { text, start: 0, end: text.length, score: 1, source: source(), alsoReportedBy: [], ...overrides };
}

function answer(quotes: Quote[], overrides: Partial<Answer> = {}): Answer {
  return {
    question: "How much did library funding rise?",
    answered: true,
    quotes,
    independentSources: independentSources(quotes),
    closest: [],
    ...overrides,
  };
}

const content = (payload: MessagePayload | undefined): string => payload?.content ?? "";

/** Raw content Discord's server would treat as a ping, whatever allowedMentions says. */
const PING_TRIGGERS = [/@everyone/i, /@here/i, /<@!?\d+>/, /<@&\d+>/, /<#\d+>/];

/** The verbatim text of each blockquote in a message, unescaped, in order. */
function quotedTexts(text: string): string[] {
  const quotes: string[] = [];
  let current: string[] | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("> ")) {
      (current ??= []).push(line.slice(2));
    } else if (current) {
      quotes.push(current.join("\n"));
      current = null;
    }
  }
  if (current) quotes.push(current.join("\n"));
  return quotes.map((quoted) => unescapeMarkdown(quoted.replace(/ \*\[…\]\*$/, "")));
}

function expectSendable(payloads: MessagePayload[]): void {
  expect(payloads.length).toBeGreaterThan(0);
  for (const payload of payloads) {
    expect(payloadProblems(payload)).toEqual([]);
    expect(content(payload).length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(payload.allowedMentions).toEqual({ parse: [] });
    expect((payload.flags ?? 0) & MessageFlags.SuppressEmbeds).toBe(MessageFlags.SuppressEmbeds);
    for (const trigger of PING_TRIGGERS) expect(content(payload)).not.toMatch(trigger);
  }
}

/** `shown` is `original` or a prefix of it that ends at a word boundary. */
function expectVerbatimPrefix(shown: string, original: string): void {
  const expected = normalizeNewlines(original).trim();
  expect(expected.startsWith(shown)).toBe(true);
  if (shown.length < expected.length) {
    const next = expected[shown.length] as string;
    // Cut before whitespace, or (only when not even one word fits) inside the first "word".
    expect(/\s/.test(next) || !/\s/.test(shown)).toBe(true);
  }
}

const PIECES = [
  "*",
  "**",
  "_",
  "~~",
  "||",
  "`",
  "```",
  "> ",
  ">>> ",
  "<",
  "# ",
  "-# ",
  "- ",
  "1. ",
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
  "<a:x:1>",
  "https://example.com/a_b",
  "[x](https://evil.example)",
  "\u200b",
  "\n",
  "\n\n",
  "\r\n",
  " ",
  "word",
  "council",
  "budget",
  "The vote passed. ",
  "Really? ",
  "“Yes,” she said. ",
  "é",
  "😀",
  "👩‍👩‍👧",
];

const randomText = (next: () => number, maxLength: number): string => soup(next, maxLength, PIECES);

function randomSource(next: () => number, index: number): Source {
  const pick = <T>(options: T[]): T => options[Math.floor(next() * options.length)] as T;
  return {
    id: `doc-${index}`,
    title: pick([null, randomText(next, 40), randomText(next, 600), "Plain title"]),
    publisher: pick([null, randomText(next, 30), "Springfield Gazette", randomText(next, 300)]),
    author: pick([null, randomText(next, 30)]),
    date: pick([null, "2024-03-05", "2024-02-30", "2024-03-05T10:00:00+02:00", "soon @everyone", randomText(next, 80)]),
    dateInferred: next() < 0.3,
    url: pick([
      null,
      "https://example.com/a_(b)",
      `https://example.com/${"x".repeat(Math.floor(next() * 900))}`,
      "javascript:alert(1)",
      "https://user:pw@example.com/",
      "https://example.com/@everyone",
      randomText(next, 60),
    ]),
    path: pick([null, "corpus/a_b*c*.md", randomText(next, 300)]),
  };
}

// ---------------------------------------------------------------------------------------------

describe("payload type", () => {
  it("is assignable to what discord.js's reply, editReply, followUp and message.reply accept", () => {
    expectTypeOf<MessagePayload>().toExtend<InteractionReplyOptions>();
    expectTypeOf<MessagePayload>().toExtend<InteractionEditReplyOptions>();
    expectTypeOf<MessagePayload>().toExtend<MessageReplyOptions>();
  });
});

describe("renderAnswer", () => {
  it("renders each quote as a blockquote followed by its attribution", () => {
    const [first, ...rest] = renderAnswer(
      answer([quote("The council voted 7–2 to raise library funding by *12 percent*.")]),
    );
    expect(rest).toEqual([]);
    expect(content(first)).toBe(
      [
        "**Q:** How much did library funding rise?",
        "-# 1 quote from 1 source, quoted word for word.",
        "",
        "> The council voted 7–2 to raise library funding by \\*12 percent\\*.",
        "— [Council approves 2024 budget](<https://gazette.example/news/budget-2024>) · Springfield Gazette · Jane Doe · 5 Mar 2024",
      ].join("\n"),
    );
    expect(first?.flags).toBe(MessageFlags.SuppressEmbeds);
    expect(first?.allowedMentions).toEqual({ parse: [] });
  });

  it("marks inferred dates, shows zoned timestamps as Discord timestamps, and names the file when there is no link", () => {
    const text = content(
      renderAnswer(
        answer([
          quote("One.", {
            source: source({ url: null, title: "Memo", date: "2024-03-10", dateInferred: true, path: "memos/m.txt" }),
          }),
          quote("Two.", { source: source({ id: "b", date: "2024-03-06T09:30:00Z", publisher: "Times" }) }),
        ]),
      )[0],
    );
    expect(text).toContain(
      "— **Memo** · Springfield Gazette · Jane Doe · 10 Mar 2024 (date inferred) · file: memos/m.txt",
    );
    expect(text).toContain(`· <t:${Date.UTC(2024, 2, 6, 9, 30) / 1000}:D>`);
  });

  it("lists other sources that report the same thing, and counts independent sources by publisher", () => {
    const times = source({
      id: "times",
      title: "Budget passes",
      publisher: "Springfield Times",
      url: "https://times.example/b",
    });
    const sameOutlet = source({ id: "gazette-2", title: "Budget follow-up", url: null });
    const text = content(
      renderAnswer(
        answer([
          quote("First.", { alsoReportedBy: [times, sameOutlet] }),
          quote("Second.", { source: sameOutlet }),
          quote("Third.", { source: times }),
        ]),
      )[0],
    );
    expect(text).toContain("-# Also reported by [Springfield Times](<https://times.example/b>), Budget follow-up");
    expect(text).toContain("-# 3 quotes from 2 independent sources, quoted word for word.");
  });

  it("says under the question how a mistyped word was read, answered or not", () => {
    const corrected = [{ asked: "ambasador", read: "ambassador" }];
    const answered = content(renderAnswer(answer([quote("Funding rose 4%.")], { corrected }))[0]);
    expect(answered.split("\n").slice(0, 3)).toEqual([
      "**Q:** How much did library funding rise?",
      "-# 1 quote from 1 source, quoted word for word.",
      "-# Read “ambasador” as “ambassador”.",
    ]);
    const refused = content(renderAnswer(answer([], { answered: false, closest: [source()], corrected }))[0]);
    expect(refused).toContain("-# Read “ambasador” as “ambassador”.");
    expect(content(renderAnswer(answer([quote("Funding rose 4%.")]))[0])).not.toContain("Read “");
  });

  it("keeps an answer with many corrections, sources that differ and long quotes inside Discord's limits", () => {
    const corrected = Array.from({ length: 8 }, (_, i) => ({
      asked: `${"x".repeat(29)}${String.fromCharCode(97 + i)}`,
      read: `${"y".repeat(29)}${String.fromCharCode(97 + i)}`,
    }));
    const long = "The council said funding rose by four per cent this year. ".repeat(60);
    // With "Sources differ" too: both lines above the quotes.
    const payloads = renderAnswer(
      answer([quote(long), quote(long), quote(long), quote(long)], { corrected, sourcesDiffer: { kind: "time" } }),
    );
    for (const p of payloads) expect(payloadProblems(p)).toEqual([]);
    expect(content(payloads[0])).toMatch(/and \d more\.$/m);
    expect(
      content(payloads[0])
        .split("\n")
        .find((l) => l.startsWith("-# Read"))?.length,
    ).toBeLessThanOrEqual(90);
    // The first message still carries a quote under the header, and every quote is shown.
    expect(content(payloads[0])).toContain("> The council said");
    expect(payloads.map(content).join("\n")).not.toContain("did not fit");
  });

  it("names the corpus's language when the question is in another one", () => {
    const text = content(
      renderAnswer(
        answer([], { answered: false, closest: [], language: { question: "Spanish", corpus: "English" } }),
      )[0],
    );
    expect(text).toContain("**Not in the corpus.** The corpus is in English, and this question looks like Spanish");
    expect(text).not.toContain("No passage I have answers this");
  });

  it("says plainly when the corpus does not hold the answer, and lists the closest sources as sources only", () => {
    const payloads = renderAnswer(
      answer([], {
        answered: false,
        closest: [source(), source({ id: "m", title: null, url: null, path: "memos/m.txt", publisher: null })],
      }),
    );
    expect(payloads).toHaveLength(1);
    const text = content(payloads[0]);
    expect(text).toContain("**Not in the corpus.**");
    expect(text).toContain("Closest sources (they do not answer it):");
    expect(text).toContain(
      "- [Council approves 2024 budget](<https://gazette.example/news/budget-2024>) · Springfield Gazette · 5 Mar 2024",
    );
    expect(text).toContain("- memos/m.txt");
    expect(quotedTexts(text)).toEqual([]);
    expect(text).not.toMatch(/quotes? from/);
  });

  it("says there is nothing to look up in a question of chat alone, with no sources", () => {
    const payloads = renderAnswer(
      answer([], { answered: false, question: "hey @everyone, ok so?", closest: [], nothingAsked: true }),
    );
    expectSendable(payloads);
    expect(payloads).toHaveLength(1);
    const text = content(payloads[0]);
    expect(text).toContain("**Nothing to look up.**");
    expect(text).not.toMatch(/Not in the corpus|Closest sources/);
    // The question is echoed clipped and without pinging (expectSendable checks @everyone is defused).
    expect(text.startsWith("**Q:** ")).toBe(true);
  });

  it("lists only as many closest sources as fit in one message", () => {
    const long = source({
      title: "t ".repeat(300),
      url: `https://example.com/${"x".repeat(500)}`,
      publisher: "p ".repeat(100),
    });
    const payloads = renderAnswer(
      answer([], { answered: false, question: "q ".repeat(1000), closest: [long, long, long, long, long] }),
    );
    expectSendable(payloads);
    expect(payloads).toHaveLength(1);
    expect(content(payloads[0]).match(/^- /gm)?.length).toBeGreaterThanOrEqual(1);
  });

  it("never shows quotes from an answer that did not answer, nor an answer without quotes", () => {
    const notAnswered = renderAnswer(
      answer([quote("Something close but wrong.")], { answered: false, closest: [source()] }),
    );
    expect(content(notAnswered[0])).not.toContain("Something close");
    expect(content(notAnswered[0])).toContain("Not in the corpus");
    const empty = renderAnswer(answer([], { answered: true }));
    expect(content(empty[0])).toContain("Not in the corpus");
    expect(content(empty[0])).toContain("Nothing in the corpus came close.");
  });

  it("sets the Ephemeral flag when asked", () => {
    const [payload] = renderAnswer(answer([quote("x.")]), { ephemeral: true });
    expect(payload?.flags).toBe(MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral);
  });

  it("cannot ping anyone even if allowedMentions were misconfigured", () => {
    const hostile =
      "@everyone @here @EVERYONE <@123456789012345678> <@!123456789012345678> <@&123456789012345678> <#123456789012345678>";
    const payloads = renderAnswer(
      answer(
        [
          quote(hostile, {
            source: source({ title: "@everyone", publisher: "<@&123456789012345678>", author: "@here" }),
          }),
        ],
        {
          question: "@everyone?",
        },
      ),
    );
    for (const payload of payloads) {
      // As if the payload had gone out with allowedMentions: { parse: ["everyone", "roles", "users"] }.
      for (const trigger of PING_TRIGGERS) expect(content(payload)).not.toMatch(trigger);
    }
    expect(quotedTexts(content(payloads[0]))).toEqual([hostile]);
  });

  it("escapes markdown in quotes and metadata: nothing can format, link or open a code block", () => {
    const text = content(
      renderAnswer(
        answer([
          quote("# Big\n```js\ncode\n```\n[phish](https://evil.example) ||spoiler|| <t:1:R>", {
            source: source({ title: "**Bold** [title]", publisher: "`pub`", url: null, path: null }),
          }),
        ]),
      )[0],
    );
    expect(text).toContain(
      "> \\# Big\n> \\`\\`\\`js\n> code\n> \\`\\`\\`\n> \\[phish\\](https://evil.example) \\|\\|spoiler\\|\\| \\<t:1:R\\>",
    );
    expect(text).toContain("— **\\*\\*Bold\\*\\* \\[title\\]** · \\`pub\\`");
  });

  it("shortens a 5,000-character quote at a sentence boundary, marking the cut outside the quoted text", () => {
    const sentence = "The council met on Tuesday and discussed the budget at length. ";
    const long = sentence.repeat(80).trim();
    expect(long.length).toBeGreaterThan(5000);
    const payloads = renderAnswer(answer([quote(long)]));
    expect(payloads).toHaveLength(1);
    expectSendable(payloads);
    const text = content(payloads[0]);
    const [shown] = quotedTexts(text);
    expect(shown).toBeDefined();
    expectVerbatimPrefix(shown as string, long);
    expect(shown?.endsWith("length.")).toBe(true);
    expect(text).toMatch(/\n-# \[…\] Quote shortened here: [\d,]+ more characters in the source\.\n— /);
    const omitted = Number(/([\d,]+) more characters/.exec(text)?.[1]?.replace(/,/g, ""));
    expect((shown as string).length + omitted).toBe(long.length);
  });

  it("cuts after a word when a quote has no sentence boundary in reach", () => {
    const long = "word ".repeat(2000).trim();
    const [shown] = quotedTexts(content(renderAnswer(answer([quote(long)]))[0]));
    expectVerbatimPrefix(shown as string, long);
    expect(shown?.endsWith("word")).toBe(true);
  });

  it("spreads many quotes over follow-ups, keeping every quote with its attribution, up to a limit", () => {
    const quotes = Array.from({ length: 12 }, (_, index) =>
      quote(`Quote number ${index}. ${"Filler sentence here. ".repeat(30)}`, {
        source: source({ id: `d${index}`, publisher: `P${index}` }),
      }),
    );
    const payloads = renderAnswer(answer(quotes));
    expectSendable(payloads);
    expect(payloads.length).toBe(MAX_ANSWER_MESSAGES);
    const shownCount = payloads.reduce((count, payload) => count + quotedTexts(content(payload)).length, 0);
    expect(shownCount).toBeLessThan(12);
    expect(content(payloads.at(-1))).toContain(
      `-# ${12 - shownCount} more quotes did not fit; try a narrower question.`,
    );
    expect(content(payloads[0])).toContain(`-# ${shownCount} quotes from ${shownCount} independent sources`);
    for (const payload of payloads) {
      // Every blockquote is followed, in the same message, by its attribution line.
      expect(content(payload)).not.toMatch(/^> .*$(?![\s\S]*^— )/m);
      const lines = content(payload).split("\n");
      lines.forEach((line, index) => {
        if (line.startsWith("> ") && !lines[index + 1]?.startsWith("> "))
          expect(lines[index + 1]).toMatch(/^(— |-# \[…\])/);
      });
    }
  });

  it("keeps every payload within limits and every quote verbatim, for random hostile answers", () => {
    for (let seed = 1; seed <= 150; seed++) {
      const next = random(seed);
      const count = 1 + Math.floor(next() * 8);
      const quotes = Array.from({ length: count }, (_, index) =>
        quote(randomText(next, next() < 0.2 ? 10_000 : 700) || "x", {
          source: randomSource(next, index),
          alsoReportedBy: Array.from({ length: Math.floor(next() * 9) }, (_, other) => randomSource(next, 100 + other)),
        }),
      );
      const rendered = renderAnswer(answer(quotes, { question: randomText(next, 1000) }), { ephemeral: next() < 0.5 });
      expect(rendered.length, `seed ${seed}`).toBeLessThanOrEqual(MAX_ANSWER_MESSAGES);
      expectSendable(rendered);
      const shown = rendered.flatMap((payload) => quotedTexts(content(payload)));
      const answering = quotes.filter((q) => q.text.trim() !== "");
      expect(shown.length, `seed ${seed}`).toBe(Math.min(shown.length, answering.length));
      if (answering.length === 0) expect(content(rendered[0])).toContain("Not in the corpus");
      else expect(shown.length, `seed ${seed}`).toBeGreaterThan(0);
      shown.forEach((text, index) => expectVerbatimPrefix(text, (answering[index] as Quote).text));

      const notAnswered = renderAnswer(
        answer(quotes, { answered: false, question: randomText(next, 1000), closest: quotes.map((q) => q.source) }),
      );
      expectSendable(notAnswered);
      expect(notAnswered).toHaveLength(1);
      expect(quotedTexts(content(notAnswered[0]))).toEqual([]);
    }
  });
});

describe("fitQuote and cutPoint", () => {
  it("returns the whole quote when it fits", () => {
    expect(fitQuote("  Short.  ", 100)).toEqual({ rendered: "> Short.", shown: "Short.", omitted: 0 });
  });

  it("falls back to a grapheme boundary only for a single word longer than the room", () => {
    const fitted = fitQuote("👩‍👩‍👧".repeat(50), 30);
    expect(fitted.rendered.length).toBeLessThanOrEqual(30);
    expect(fitted.shown.length % "👩‍👩‍👧".length).toBe(0);
  });

  it("prefers a sentence end unless it loses much more than a word end", () => {
    const text = "Short one. Then a much longer sentence that keeps going and going without end";
    expect(cutPoint(text, (end) => end <= 70)).toBe(text.lastIndexOf(" ", 70));
    expect(cutPoint("A whole sentence here. More words", (end) => end <= 27)).toBe("A whole sentence here.".length);
  });
});

describe("renderDate", () => {
  it.each([
    ["2024-03-05", false, "5 Mar 2024"],
    ["2024-03-05", true, "5 Mar 2024 (date inferred)"],
    ["2024-03-05T23:30:00", false, "5 Mar 2024"],
    ["2024-03-05T23:30:00-05:00", false, `<t:${Date.UTC(2024, 2, 6, 4, 30) / 1000}:D>`],
    ["2024-03-05T04:30:00.123Z", false, `<t:${Date.UTC(2024, 2, 5, 4, 30) / 1000}:D>`],
    ["2024-03", false, "Mar 2024"],
    ["1999", false, "1999"],
    ["2024-02-30", false, "2024-02-30"],
    ["spring *2024*", false, "spring \\*2024\\*"],
  ])("renders %j (inferred: %j) as %j", (date, inferred, expected) => {
    expect(renderDate(date, inferred)).toBe(expected);
  });

  it("renders nothing for no date", () => {
    expect(renderDate(null)).toBeNull();
    expect(renderDate("  ")).toBeNull();
  });
});

describe("links in attributions", () => {
  const attributionOf = (overrides: Partial<Source>): string =>
    content(renderAnswer(answer([quote("x.", { source: source(overrides) })]))[0])
      .split("\n")
      .find((line) => line.startsWith("— ")) ?? "";

  it("never links non-http URLs, URLs with credentials or mention triggers", () => {
    for (const url of [
      "javascript:alert(1)",
      "ftp://example.com/x",
      "https://u:p@example.com/",
      "https://example.com/@here",
      "not a url",
    ]) {
      const line = attributionOf({ url, path: "a.md" });
      expect(line).not.toContain("<http");
      expect(line).not.toContain("javascript");
      expect(line).toContain("file: a.md");
    }
  });

  it("falls back to a plain <url> when a masked link would be ambiguous", () => {
    expect(attributionOf({ url: "https://en.wikipedia.org/wiki/Foo_(bar)" })).toContain(
      "— **Council approves 2024 budget** <https://en.wikipedia.org/wiki/Foo_(bar)>",
    );
    expect(attributionOf({ title: "See [this]" })).toContain(
      "**See \\[this\\]** <https://gazette.example/news/budget-2024>",
    );
    expect(attributionOf({ title: "https://gazette.example" })).toContain("<https://gazette.example/news/budget-2024>");
  });

  it("shortens very long titles after a word, outside any quote", () => {
    const line = attributionOf({ title: "word ".repeat(100) });
    expect(line).toMatch(/\[(?:word ){20,}word…\]/);
  });
});

describe("renderSearch", () => {
  const hit = (text: string, index = 0): SearchHit => ({
    passageId: `d#${index}`,
    text,
    start: 0,
    end: text.length,
    score: 1,
    source: source({ id: `d${index}` }),
  });

  it("lists rank, source and a short verbatim excerpt", () => {
    const [payload] = renderSearch("library funding", [
      hit("Library funding rose by 12 percent."),
      hit("Second passage.", 1),
    ]);
    expect(content(payload)).toBe(
      [
        "**Search:** library funding",
        "-# 2 passages, best first.",
        "",
        "**1.** [Council approves 2024 budget](<https://gazette.example/news/budget-2024>) · Springfield Gazette · Jane Doe · 5 Mar 2024",
        "> Library funding rose by 12 percent.",
        "",
        "**2.** [Council approves 2024 budget](<https://gazette.example/news/budget-2024>) · Springfield Gazette · Jane Doe · 5 Mar 2024",
        "> Second passage.",
      ].join("\n"),
    );
  });

  it("says how it read a mistyped word of the query, matched or not", () => {
    const corrected = [{ asked: "budjet", read: "budget" }];
    const found = content(renderSearch("budjet", [hit("The budget passed.", 0)], { corrected })[0]);
    expect(found.split("\n").slice(0, 3)).toEqual([
      "**Search:** budjet",
      "-# 1 passage, best first.",
      "-# Read “budjet” as “budget”.",
    ]);
    expect(content(renderSearch("budjet", [], { corrected })[0])).toBe(
      "No passages match **budjet**. Try fewer or different words.\n-# Read “budjet” as “budget”.",
    );
  });

  it("says when nothing matched", () => {
    expect(content(renderSearch("*zzz*", [])[0])).toBe(
      "No passages match **\\*zzz\\***. Try fewer or different words.",
    );
  });

  it("fits many long hits into one message and says how many were left out", () => {
    const hits = Array.from({ length: 30 }, (_, index) => hit("A long passage about the budget. ".repeat(40), index));
    const payloads = renderSearch("budget", hits);
    expect(payloads).toHaveLength(1);
    expectSendable(payloads);
    expect(content(payloads[0])).toMatch(/-# \d+ more passages not shown\.$/);
    expect(content(payloads[0])).toContain(" *[…]*");
  });

  it("keeps excerpts verbatim and within limits for random hostile hits", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const next = random(seed);
      const hits = Array.from({ length: Math.floor(next() * 15) }, (_, index) => {
        const text = randomText(next, 3000);
        return { ...hit(text.trim() ? text : "x", index), source: randomSource(next, index) };
      });
      const payloads = renderSearch(randomText(next, 500), hits);
      expectSendable(payloads);
      quotedTexts(content(payloads[0])).forEach((text, index) =>
        expectVerbatimPrefix(text, (hits[index] as SearchHit).text),
      );
    }
  });
});

describe("renderDocument", () => {
  it("shows metadata, then the opening verbatim", () => {
    const [payload] = renderDocument({
      source: source(),
      opening: "The council met.\nIt voted.",
      passages: 12,
      characters: 8431,
    });
    expect(content(payload)).toBe(
      [
        "## [Council approves 2024 budget](<https://gazette.example/news/budget-2024>)",
        "Springfield Gazette · by Jane Doe · 5 Mar 2024",
        "File: news/budget.md",
        "-# 12 passages · 8,431 characters · id: news/budget.md",
        "",
        "> The council met.",
        "> It voted.",
      ].join("\n"),
    );
  });

  it("shortens a long opening within the limit, verbatim", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const next = random(seed);
      const opening = randomText(next, 10_000);
      const payloads = renderDocument({
        source: randomSource(next, 0),
        opening,
        passages: 3,
        characters: opening.length,
      });
      expectSendable(payloads);
      const [shown] = quotedTexts(content(payloads[0]));
      if (normalizeNewlines(opening).trim()) expectVerbatimPrefix(shown ?? "", opening);
    }
  });
});

describe("renderHelp, renderAbout, renderNotice", () => {
  it("renders help as an ephemeral message within limits", () => {
    const payloads = renderHelp([{ name: "ask", description: "Ask a question." }]);
    expectSendable(payloads);
    expect(content(payloads[0])).toContain("`/ask`");
    expect((payloads[0]?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expectSendable(
      renderHelp(Array.from({ length: 200 }, (_, i) => ({ name: `c${i}`, description: "d ".repeat(300) }))),
    );
  });

  it("renders about with the corpus size and a relative index time", () => {
    const payloads = renderAbout({ documents: 1234, passages: 56789, indexedAt: "2025-01-02T03:04:05Z" }, "0.1.0");
    expectSendable(payloads);
    expect(content(payloads[0])).toContain("**Verbatim** 0.1.0");
    expect(content(payloads[0])).toContain(
      "Corpus: 1,234 documents · 56,789 passages · indexed <t:1735787045:f> (<t:1735787045:R>)",
    );
  });

  it("keeps a notice within the limit, cut after a word", () => {
    const notice = renderNotice("word ".repeat(1000));
    expectSendable([notice]);
    expect(content(notice).endsWith("word…")).toBe(true);
  });
});

describe("payloadProblems", () => {
  const ok: MessagePayload = { content: "hi", allowedMentions: { parse: [] } };

  it("accepts a valid payload", () => {
    expect(payloadProblems(ok)).toEqual([]);
  });

  it.each<[string, MessagePayload, RegExp]>([
    ["content over 2000", { ...ok, content: "x".repeat(2001) }, /content is 2001 characters/],
    ["an empty message", { ...ok, content: "  " }, /empty/],
    [
      "mentions allowed",
      { ...ok, allowedMentions: { parse: ["everyone"] } as unknown as { parse: [] } },
      /allowedMentions/,
    ],
    ["no allowedMentions", { content: "hi" } as MessagePayload, /allowedMentions/],
    ["unknown flags", { ...ok, flags: 1 << 3 }, /unexpected flags/],
  ])("rejects %s", (_, payload, problem) => {
    expect(payloadProblems(payload).join("; ")).toMatch(problem);
  });
});
