/**
 * The bot end to end: the unmodified discord.js client, wired exactly as `npm start` wires it, against the loopback
 * Discord on 127.0.0.1, answering from the real core over a real corpus.
 */
import { deployTo } from "../support/deploy.js";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createVerbatim } from "../../src/app.js";
import { isChatCommand } from "../../src/bot/command.js";
import { deployCommands } from "../../src/bot/deploy.js";
import { Library } from "../../src/core/library/library.js";
import type { Answerer } from "../../src/core/types.js";
import { unescapeMarkdown } from "../../src/discord/render/index.js";
import { eventually } from "../support/eventually.js";
import { type LoopbackDiscord, startLoopbackDiscord } from "../support/loopback-discord/index.js";

const EPHEMERAL = 1 << 6;
const PING = /@(everyone|here)\b|<@[!&]?\d+>/;
/** 95 letters, then a family emoji (one grapheme of five code points, eight UTF-16 units) where a cut falls. */
const EMOJI_TITLE = `${"a".repeat(95)}\u{1F468}\u200D\u{1F469}\u200D\u{1F467} tide tables`;
const LONG_SENTENCE = `The treaty annex lists ${Array.from({ length: 420 }, (_, i) => `clause ${i + 1} on verification`).join(", ")}.`;

let work: string;
let discord: LoopbackDiscord;
let client: Client;
let library: Library;
const logs: string[] = [];
const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });

async function startBot(answerer: Answerer, cooldownSeconds = 0, on: LoopbackDiscord = discord): Promise<Client> {
  const verbatim = await createVerbatim({
    corpusDir: "",
    dataDir: null,
    library,
    logger,
    maxUploadBytes: 0,
    maxDocumentsPerGuild: 0,
    ownerIds: [],
  });
  const bot = verbatim.createClient({ commands, answerer, apiUrl: on.api, cooldownSeconds, version: "test" });
  await bot.login(on.token);
  return bot;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-e2e-"));
  const corpusDir = join(work, "corpus");
  await cp(join(import.meta.dirname, "../../corpus"), corpusDir, { recursive: true });
  await writeFile(
    join(corpusDir, "picnic.md"),
    "---\ntitle: Embassy newsletter\npublisher: Staff *bulletin*\n---\nJoin us @everyone and @here at the embassy picnic on Friday, says <@123456789012345678> from **events**.\n",
  );
  await writeFile(join(corpusDir, "annex.md"), `---\ntitle: Treaty annex\n---\n${LONG_SENTENCE}\n`);
  await writeFile(
    join(corpusDir, "tides.md"),
    `---\ntitle: "${EMOJI_TITLE}"\n---\nThe tide tables for the embassy's river moorings are posted every Monday.\n`,
  );
  ({ library } = await Library.open({ corpusDir }));
  discord = await startLoopbackDiscord();
  await deployTo(discord, discord.guild("Loopback Guild").id);
  client = await startBot(library);
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
  await rm(work, { recursive: true, force: true });
});

/** The callback's message is private to the asker (other flags, such as suppressed embeds, may be set too). */
function isPrivate(response: { data?: unknown }): boolean {
  return (((response.data as { flags?: number } | undefined)?.flags ?? 0) & EPHEMERAL) === EPHEMERAL;
}

function ask(question: string, extra: Record<string, unknown> = {}, user = "alice") {
  return discord.injectSlashCommand({ channelId: "general", user, name: "ask", options: { question, ...extra } });
}

describe("deploy", () => {
  it("registers every command, idempotently", async () => {
    const options = {
      token: discord.token,
      applicationId: discord.applicationId,
      guildId: discord.guild("Loopback Guild").id,
      apiUrl: discord.api,
    };
    const first = await deployCommands(commands, options);
    const second = await deployCommands(commands, options);
    expect(second).toEqual(first);
    expect(first.sort()).toEqual(commands.map((c) => c.data.name).sort());
    expect(discord.commands.length).toBe(commands.length);
  });
});

describe("/ask", () => {
  it("acknowledges at once, then answers with verbatim quotes and attribution", async () => {
    const cmd = ask("When did Antonov return to Moscow?");
    expect((await cmd.response).type).toBe(5); // deferred: acknowledged before any work
    const reply = await cmd.waitForReply();
    expect(reply.content).toContain("returned to Moscow on Oct. 5");
    expect(reply.content).toContain("Kyiv Independent");
    expect(reply.content).toContain("Olena Goncharova");
    expect(reply.content.length).toBeLessThanOrEqual(2000);
    const edit = discord.requests({ method: "PATCH" }).at(-1);
    expect(edit?.body).toMatchObject({ allowed_mentions: { parse: [] } });
  });

  it("abstains on a question the corpus does not answer, listing the closest sources only as sources", async () => {
    const reply = await ask("What is the capital of Australia?").waitForReply();
    expect(reply.content).toMatch(/Not in the corpus/i);
    expect(reply.content).not.toMatch(/^> /m);
  });

  it("reads a word typed with a slip as the corpus's word, and says so under the question", async () => {
    const reply = await ask("When did Antonov return to Moscow as ambasador?").waitForReply();
    expect(reply.content).toContain("-# Read “ambasador” as “ambassador”.");
    expect(reply.content).toContain("returned to Moscow on Oct. 5");
  });

  it("answers privately when hide is set", async () => {
    const cmd = ask("How old is Antonov?", { hide: true });
    const response = await cmd.response;
    expect(response.type).toBe(5);
    expect(isPrivate(response)).toBe(true);
    expect((await cmd.waitForReply()).content).toContain("69");
  });

  it("turns an empty question into a clear private line", async () => {
    const cmd = ask("   ?  ");
    const response = await cmd.response;
    expect(response.type).toBe(4);
    expect(isPrivate(response)).toBe(true);
    expect(response.data).toMatchObject({ allowed_mentions: { parse: [] } });
    expect((response.data as { content: string }).content).toMatch(/Ask me a question/);
  });

  it("never lets a corpus line ping anyone", async () => {
    const reply = await ask("When is the embassy picnic?").waitForReply();
    expect(reply.content).toContain("picnic");
    expect(reply.content).not.toMatch(PING);
    expect(reply.mentions).toEqual([]);
    expect(reply.mention_everyone).toBe(false);
    expect(reply.mention_roles).toEqual([]);
    // The escaped text still reads as the original sentence.
    expect(unescapeMarkdown(reply.content)).toContain("Join us @everyone and @here at the embassy picnic");
  });

  it("delivers a 5,000-character answer as valid messages Discord accepts", async () => {
    expect(LONG_SENTENCE.length).toBeGreaterThan(5000);
    const cmd = ask("What does the treaty annex list about verification clauses?");
    const reply = await cmd.waitForReply();
    expect(reply.content).toContain("The treaty annex lists clause 1 on verification");
    const sends = discord.sent.filter((r) => r.route.includes(cmd.token));
    expect(sends.every((r) => r.status < 300)).toBe(true);
    for (const r of sends) {
      const content = (r.body as { content?: string } | undefined)?.content ?? "";
      expect(content.length).toBeLessThanOrEqual(2000);
      // Never cut mid-word: every message ends at a word boundary.
      expect(content).not.toMatch(/verificat$/);
    }
  });
});

describe("/search and /source", () => {
  it("lists passages for browsing", async () => {
    const cmd = discord.injectSlashCommand({
      channelId: "general",
      user: "bob",
      name: "search",
      options: { query: "consulate San Francisco" },
    });
    const reply = await cmd.waitForReply();
    expect(reply.content).toContain("San Francisco");
  });

  it("reads a mistyped query word as the corpus's word", async () => {
    const search = (query: string) =>
      discord
        .injectSlashCommand({ channelId: "general", user: "bob", name: "search", options: { query } })
        .waitForReply();
    const slipped = (await search("consulate San Fransisco")).content;
    const clean = (await search("consulate San Francisco")).content;
    expect(slipped).toContain("-# Read “fransisco” as “francisco”.");
    // The same passages, in the same order.
    const passages = (text: string) => text.slice(text.indexOf("**1.**"));
    expect(passages(slipped)).toBe(passages(clean));
    expect(passages(slipped)).toContain("**1.**");
  });

  it("autocompletes titles with at most 25 choices inside the window", async () => {
    // The loopback Discord rejects a response after the 3-second window, so arriving at all means in time.
    const cmd = discord.injectAutocomplete({
      channelId: "general",
      user: "alice",
      name: "source",
      options: { document: "russ" },
      focused: "document",
    });
    const choices = await cmd.choices;
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const c of choices) expect(String(c.value).length).toBeLessThanOrEqual(100);
  });

  it("cuts autocomplete names between graphemes, never inside an emoji", async () => {
    const cmd = discord.injectAutocomplete({
      channelId: "general",
      user: "alice",
      name: "source",
      options: { document: "tide tables" },
      focused: "document",
    });
    const name = String((await cmd.choices).find((c) => c.name.startsWith("aaaa"))?.name);
    // Accepted by the loopback (≤ 100 characters), and whole graphemes only: the family emoji is in or out, not halved.
    expect(name).toBe(`${"a".repeat(95)}…`);
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|\u200D/);
  });

  it("shows a chosen document and refuses a value typed past the suggestions", async () => {
    const good = discord.injectSlashCommand({
      channelId: "general",
      user: "alice",
      name: "source",
      options: { document: "kyiv-independent-antonov-concludes-term" },
    });
    expect((await good.waitForReply()).content).toContain("Olena Goncharova");
    const bad = discord.injectSlashCommand({
      channelId: "general",
      user: "alice",
      name: "source",
      options: { document: "../../etc/passwd" },
    });
    const response = await bad.response;
    expect(isPrivate(response)).toBe(true);
    expect((response.data as { content: string }).content).toMatch(/No document has the id/);
  });

  it("answers /help and /about", async () => {
    const help = await discord.injectSlashCommand({ channelId: "general", user: "alice", name: "help" }).waitForReply();
    for (const c of commands) {
      // Everyone's commands are listed; admin commands show themselves to those allowed to use them.
      if (!isChatCommand(c)) continue;
      if (c.data.default_member_permissions === undefined) expect(help.content).toContain(`/${c.data.name}`);
      else expect(help.content).not.toContain(`/${c.data.name}`);
    }
    const about = await discord
      .injectSlashCommand({ channelId: "general", user: "alice", name: "about" })
      .waitForReply();
    expect(about.content).toMatch(/8 documents/);
  });
});

describe("mentions", () => {
  it("answers a mention as a reply to that message, pinging nobody", async () => {
    const message = discord.injectMessage({
      channelId: "general",
      author: "bob",
      content: `<@${discord.bot.id}> when did the ambassador return to Moscow?`,
    });
    const reply = await message.waitForReply();
    expect(reply.message_reference?.message_id).toBe(message.message.id);
    expect(reply.content).toContain("Moscow");
    expect(reply.mentions).toEqual([]);
  });

  it("answers a mention in a thread, in that thread", async () => {
    const thread = discord.channel("general-thread").id;
    const message = discord.injectMessage({
      channelId: thread,
      author: "alice",
      content: `<@${discord.bot.id}> Which airport did the plane leave from?`,
    });
    const reply = await message.waitForReply();
    expect(reply.channel_id).toBe(thread);
    expect(reply.content).toContain("Sheremetyevo");
  });

  it("gives a usage line for a bare mention", async () => {
    const reply = await discord
      .injectMessage({ channelId: "general", author: "alice", content: `<@${discord.bot.id}>` })
      .waitForReply();
    expect(reply.content).toMatch(/Ask me a question in words: mention me/);
  });

  it("ignores other bots", async () => {
    const before = discord.sent.length;
    discord.injectMessage({
      channelId: "general",
      author: {
        id: "999999999999999999",
        username: "otherbot",
        bot: true,
        discriminator: "0",
        global_name: null,
        avatar: null,
      },
      content: `<@${discord.bot.id}> hello?`,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(discord.sent.slice(before).filter((r) => r.method === "POST")).toEqual([]);
  });
});

describe("resilience", () => {
  it("comes back after the server drops the socket and still answers", async () => {
    const how = await discord.dropConnections();
    expect(["resumed", "ready"]).toContain(how);
    const reply = await ask("Which airport did the plane leave from?").waitForReply();
    expect(reply.content).toContain("Sheremetyevo");
  });

  it("logs an internal error and shows one calm line, never a stack trace", async () => {
    const broken: Answerer = {
      ...library,
      answer: () => {
        throw new Error("disk on fire");
      },
      search: () => ({ hits: [] }),
      suggestDocuments: () => [],
      document: () => null,
      passage: () => null,
      candidates: () => [],
      stats: () => library.stats(),
    };
    const other = await startLoopbackDiscord();
    const bot = await startBot(broken, 0, other);
    try {
      const reply = await other
        .injectSlashCommand({
          channelId: "general",
          user: "alice",
          name: "ask",
          options: { question: "anything at all?" },
        })
        .waitForReply();
      expect(reply.content).toMatch(/Something went wrong on my side/);
      expect(reply.content).not.toContain("disk on fire");
      expect(logs.some((l) => l.includes("disk on fire"))).toBe(true);
    } finally {
      await bot.destroy();
      await other.close();
    }
  });

  it("applies a per-user cooldown with a clear retry time", async () => {
    const other = await startLoopbackDiscord();
    const bot = await startBot(library, 30, other);
    try {
      const first = other.injectSlashCommand({
        channelId: "general",
        user: "alice",
        name: "ask",
        options: { question: "How old is Antonov?" },
      });
      await first.waitForReply();
      const second = other.injectSlashCommand({
        channelId: "general",
        user: "alice",
        name: "ask",
        options: { question: "How old is Antonov?" },
      });
      const response = await second.response;
      expect(isPrivate(response)).toBe(true);
      expect((response.data as { content: string }).content).toMatch(/try again in \d+ s/);
      // Another user is not held back.
      const bob = other.injectSlashCommand({
        channelId: "general",
        user: "bob",
        name: "ask",
        options: { question: "How old is Antonov?" },
      });
      expect((await bob.waitForReply()).content).toContain("69");
    } finally {
      await bot.destroy();
      await other.close();
    }
  });
});

describe("what the logs keep", () => {
  it("never logs an interaction token, and a question only at debug, even when Discord refuses a call", async () => {
    const lines: string[] = [];
    const infoLogger = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const debugLines: string[] = [];
    const debugLogger = pino({ level: "debug" }, { write: (line: string) => void debugLines.push(line) });
    // Tokens that expire before the answer is sent: every edit of the reply is refused (Unknown Webhook).
    const other = await startLoopbackDiscord({ interactionTokenLifetimeMs: 50 });
    const slow: Answerer = {
      ...library,
      answer: (question, options) => {
        const until = Date.now() + 150;
        while (Date.now() < until); // slower than the token lives
        return library.answer(question, options);
      },
      search: (q, o) => library.search(q, o),
      suggestDocuments: (p, l, s) => library.suggestDocuments(p, l, s),
      document: (id, s) => library.document(id, s),
      stats: (s) => library.stats(s),
      passage: (ref, s) => library.passage(ref, s),
      candidates: (q, o) => library.candidates(q, o),
    };
    for (const [logger, into] of [
      [infoLogger, lines],
      [debugLogger, debugLines],
    ] as const) {
      const verbatim = await createVerbatim({
        corpusDir: "",
        dataDir: null,
        library,
        logger,
        maxUploadBytes: 0,
        maxDocumentsPerGuild: 0,
        ownerIds: [],
      });
      const bot = verbatim.createClient({
        commands,
        answerer: slow,
        apiUrl: other.api,
        cooldownSeconds: 0,
        version: "t",
      });
      await bot.login(other.token);
      try {
        const question = "Which secret harbour question did Bob ask?";
        const cmd = other.injectSlashCommand({
          channelId: "general",
          user: "alice",
          name: "ask",
          options: { question },
        });
        await cmd.response;
        await eventually(
          () => into.some((l) => l.includes("Discord refused the answer")),
          10_000,
          "the refusal to be logged",
        );
        const logged = into.join("\n");
        expect(logged).toMatch(/Invalid Webhook Token|50027/);
        expect(logged).not.toContain(cmd.token);
        expect(logged).toContain("/:token");
        if (into === lines) expect(logged).not.toContain("secret harbour");
        else expect(logged).toContain("secret harbour"); // at debug, the question is there
      } finally {
        await bot.destroy();
        await verbatim.close();
      }
    }
    await other.close();
  });
});
