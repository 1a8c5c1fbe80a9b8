/**
 * Moderators' commands end to end through the loopback Discord: each server's own documents stay in that server,
 * nothing stored is lost to bad input, refusals are audited, and everything survives a restart.
 */
import { deployTo } from "../support/deploy.js";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits, type Client } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createVerbatim } from "../../src/app.js";
import { GuildStore } from "../../src/core/guilds/store.js";
import { Library } from "../../src/core/library/library.js";
import { eventually } from "../support/eventually.js";
import { storeOptions } from "../support/store-under-test.js";
import { type LoopbackDiscord, startLoopbackDiscord } from "../support/loopback-discord/index.js";

const MOD = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageGuild;
const MEMBER = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
const EPHEMERAL = 1 << 6;
const NOTE =
  "---\ntitle: Harbour opening hours\npublisher: Port authority\n---\nThe harbour office opens at 7:30 and closes at 16:00 on weekdays, and the ferry to Lindholm leaves every ninety minutes.\n";

let work: string;
let discord: LoopbackDiscord;
let bot: { client: Client; store: GuildStore; library: Library; close: () => Promise<void> };
let A: string;
let B: string;

async function startBot(dataDir: string, ownerIds: string[] = []) {
  const verbatim = await createVerbatim({
    corpusDir: join(work, "corpus"),
    dataDir,
    logger: pino({ level: "silent" }),
    maxUploadBytes: 4096,
    maxDocumentsPerGuild: 3,
    ownerIds,
    // A stalled download fails quickly here (15 s by default).
    downloadTimeoutMs: 500,
    // The file store, or PostgreSQL when tests/bot/*-postgres.test.ts runs this file.
    ...(await storeOptions()),
  });
  const client = verbatim.createClient({ commands, apiUrl: discord.api, cooldownSeconds: 0, version: "test" });
  await client.login(discord.token);
  return {
    client,
    store: verbatim.store as GuildStore,
    library: verbatim.library,
    close: async () => {
      await client.destroy();
      await verbatim.close();
    },
  };
}

const text = (response: { data?: unknown }) => (response.data as { content?: string } | undefined)?.content ?? "";
const isPrivate = (response: { data?: unknown }) =>
  (((response.data as { flags?: number } | undefined)?.flags ?? 0) & EPHEMERAL) !== 0;

function command(
  guild: string,
  name: string,
  options: Record<string, unknown>,
  user = "mod",
  permissions: bigint = MOD,
  subcommand?: string,
) {
  return discord.injectSlashCommand({
    channelId: guild === A ? "a-general" : "b-general",
    user,
    name,
    ...(subcommand === undefined ? {} : { subcommand }),
    options: options as never,
    memberPermissions: permissions,
  });
}

const corpus = (
  guild: string,
  sub: string,
  options: Record<string, unknown> = {},
  user = "mod",
  permissions: bigint = MOD,
) => command(guild, "corpus", options, user, permissions, sub);

async function upload(guild: string, filename: string, data: string | Buffer, extra: Record<string, unknown> = {}) {
  const file = discord.addAttachment({ filename, data });
  const cmd = corpus(guild, "add", { file, ...extra });
  return { cmd, reply: await cmd.waitForReply() };
}

async function ask(guild: string, question: string) {
  return (await command(guild, "ask", { question }, "alice", MEMBER).waitForReply()).content;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-admin-"));
  await cp(join(import.meta.dirname, "../../corpus"), join(work, "corpus"), { recursive: true });
  discord = await startLoopbackDiscord({
    users: [],
    guilds: [
      {
        name: "Guild A",
        channels: [{ name: "a-general" }, { name: "a-quiet" }, { name: "a-audit" }],
        members: [{ user: "mod" }, { user: "alice" }, { user: "owner" }],
      },
      { name: "Guild B", channels: [{ name: "b-general" }], members: [{ user: "mod" }, { user: "alice" }] },
    ],
  });
  A = discord.guild("Guild A").id;
  B = discord.guild("Guild B").id;
  for (const guildId of [A, B]) await deployTo(discord, guildId);
  bot = await startBot(join(work, "data"), [discord.user("owner").id]);
});

afterAll(async () => {
  await bot?.close();
  await discord?.close();
  await rm(work, { recursive: true, force: true });
});

describe("a server's own documents", () => {
  let id = "";

  it("adds a document from an attachment and says what was indexed", async () => {
    const { cmd, reply } = await upload(A, "harbour.md", NOTE);
    expect(isPrivate(await cmd.response)).toBe(true);
    expect(reply.content).toContain("Harbour opening hours");
    expect(reply.content).toContain("Port authority");
    expect(reply.content).toMatch(/Indexed \d+ passage/);
    id = /id `([^`]+)`/.exec(reply.content)?.[1]?.replace(/\\/g, "") ?? "";
    expect(bot.store.document(A, id)).toBeDefined();
  });

  it("is quoted in its server and never in another", async () => {
    expect(await ask(A, "When does the harbour office open?")).toContain("opens at 7:30");
    const inB = await ask(B, "When does the harbour office open?");
    expect(inB).not.toContain("7:30");
    expect(inB).not.toContain("Harbour opening hours");
  });

  it("lists, shows and autocompletes the server's documents", async () => {
    expect((await corpus(A, "list").waitForReply()).content).toContain("Harbour opening hours");
    expect((await corpus(B, "list").waitForReply()).content).toMatch(/no documents of its own/);
    const choices = await discord.injectAutocomplete({
      channelId: "a-general",
      user: "mod",
      name: "corpus",
      subcommand: "remove",
      options: { document: "harb" },
      focused: "document",
      memberPermissions: MOD,
    }).choices;
    expect(choices.map((c) => c.value)).toEqual([id]);
    expect((await corpus(A, "show", { document: id }).waitForReply()).content).toContain("opens at 7:30");
  });

  it("reindexes with a diff", async () => {
    const reply = await corpus(A, "reindex").waitForReply();
    expect(reply.content).toMatch(/Passages: \d+ → \d+/);
  });

  it("refuses a member without Manage Server, on the server side, and audits it", async () => {
    const cmd = corpus(A, "remove", { document: id }, "alice", MEMBER);
    const response = await cmd.response;
    expect(isPrivate(response)).toBe(true);
    expect(text(response)).toMatch(/Manage Server/);
    expect(bot.store.document(A, id)).toBeDefined();
    // Audited after the refusal was answered.
    await eventually(() =>
      bot.store.auditLog(A).some((e) => e.outcome === "refused" && e.userId === discord.user("alice").id),
    );
  });

  it("refuses admin commands in a DM (a stale client: Discord does not offer server commands there)", async () => {
    const cmd = discord.injectSlashCommand({
      stale: true,
      channelId: discord.dmChannel("mod").id,
      user: "mod",
      name: "corpus",
      subcommand: "list",
      options: {},
    });
    expect(text(await cmd.response)).toMatch(/only inside a server/);
  });

  it("removes a document after confirmation: gone from answers and from disk", async () => {
    const cmd = corpus(A, "remove", { document: id });
    const confirm = await cmd.waitForReply();
    expect(confirm.content).toMatch(/Remove/);
    const click = discord.injectComponent({
      message: confirm.id,
      user: "mod",
      customId: `corpus:remove:${id}`,
      memberPermissions: MOD,
    } as never);
    // The click is acknowledged at once (deferred update), then the message is edited once the removal is durable.
    expect((await click.response).type).toBe(6);
    expect((await click.waitForReply({ until: (m) => m.content.startsWith("Removed") })).content).toMatch(/Removed/);
    expect(bot.store.document(A, id)).toBeUndefined();
    expect(await ask(A, "When does the harbour office open?")).not.toContain("7:30");
    const files = await readdir(join(work, "data", "guilds", A, "documents")).catch(() => []);
    expect(files.some((f) => f.includes(id))).toBe(false);
    // Audited after the moderator saw the result.
    await eventually(() => bot.store.auditLog(A).some((e) => e.action === "remove document" && e.documentId === id));
  });

  it("adds a document typed into the form", async () => {
    const cmd = corpus(A, "add", { url: "https://port.example/notice" });
    const shown = await cmd.response;
    expect(shown.type).toBe(9);
    const customId = (shown.data as { custom_id: string }).custom_id;
    // Built from Label components (type 18), the text inputs without their deprecated labels; the URL rides along.
    const form = shown.data as { components: { type: number; label?: string; component?: { label?: unknown } }[] };
    expect(form.components.map((c) => c.type)).toEqual([18, 18, 18, 18, 18]);
    expect(form.components.every((c) => c.component?.label === undefined)).toBe(true);
    expect(customId).toContain("https://port.example/notice");
    const submit = discord.injectModalSubmit({
      channelId: "a-general",
      user: "mod",
      customId,
      fields: {
        title: "Ferry notice",
        text: "The Lindholm ferry will not run on 24 December because of the storm warning.",
        publisher: "",
        author: "",
        date: "2025-12-20",
      },
      memberPermissions: MOD,
    } as never);
    const reply = await submit.waitForReply();
    expect(reply.content).toContain("Ferry notice");
    expect(reply.content).toContain("https://port.example/notice");
    expect(await ask(A, "Will the Lindholm ferry run on 24 December?")).toContain("will not run on 24 December");
  });
});

describe("bad input gets a clear private message and loses nothing", () => {
  const cases: Array<[string, string, string | Buffer, Record<string, unknown>, RegExp]> = [
    [
      "a file over the size limit",
      "big.txt",
      `Big file.\n${"All work and no play makes a dull archive. ".repeat(200)}`,
      {},
      /limit is 4 KiB/,
    ],
    [
      "a binary file",
      "photo.txt",
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a, 0x0a]),
      {},
      /can't use that document/i,
    ],
    [
      "a non-UTF-8 file",
      "latin1.txt",
      Buffer.from("Caf\xe9 cr\xe8me, na\xefve r\xe9sum\xe9 of the harbour.", "latin1"),
      {},
      /can't use that document/i,
    ],
    ["an empty document", "empty.md", "   \n\n", {}, /can't use that document/i],
    [
      "HTML that is all scripts",
      "page.html",
      "<html><head><script>var a=1;</script></head><body><script>track()</script><style>p{}</style></body></html>",
      {},
      /no article text/i,
    ],
    [
      "a path-like title",
      "x.md",
      "A perfectly fine sentence about the harbour and its cranes.",
      { title: "../../x" },
      /looks like a file path/,
    ],
    [
      "a path-like file name",
      "../../etc/passwd.txt",
      "A perfectly fine sentence about the harbour and its cranes.",
      {},
      /looks like a path/,
    ],
    ["an unsupported file type", "deck.pptx", "PK", {}, /not `\.pptx`/],
    ["a PDF that is not one", "deck.pdf", "%PDF-1.4", {}, /not a readable PDF/],
  ];
  it.each(cases)("%s", async (_what, filename, data, extra, message) => {
    const before = bot.store.documents(A).map((d) => d.id);
    const { reply } = await upload(A, filename, data, extra);
    expect(reply.content).toMatch(message);
    expect(bot.store.documents(A).map((d) => d.id)).toEqual(before);
  });

  it("refuses a 50 MiB attachment with its real size, before downloading it", async () => {
    const before = bot.store.documents(A).map((d) => d.id);
    const { reply } = await upload(A, "archive.txt", Buffer.alloc(50 * 1024 * 1024, 0x61));
    expect(reply.content).toMatch(/That file is 50 MiB; the limit is 4 KiB/);
    expect(reply.content).toMatch(/Nothing was added/);
    expect(bot.store.documents(A).map((d) => d.id)).toEqual(before);
  });

  it.each([
    ["cut", "error" as const, /the connection failed/],
    ["stalled past the timeout", "stall" as const, /timed out after/],
  ])("says a %s download failed and that nothing changed", async (_what, mode, cause) => {
    const before = bot.store.documents(A).map((d) => d.id);
    discord.attachmentFailure = mode;
    try {
      const { reply } = await upload(A, "notes.txt", "Notes\n\nThe pilot boat leaves at dawn.");
      expect(reply.content).toMatch(/couldn't download that attachment/);
      expect(reply.content).toMatch(cause);
      expect(reply.content).toMatch(/nothing was added/);
    } finally {
      discord.attachmentFailure = false;
    }
    expect(bot.store.documents(A).map((d) => d.id)).toEqual(before);
  });

  it("says an attachment the CDN refuses could not be downloaded", async () => {
    const file = discord.addAttachment({ filename: "gone.txt", data: "Gone\n\nThis file expired." });
    const reply = await corpus(A, "add", {
      file: { ...file, url: file.url.replace(/hm=[^&]+/, "hm=0") },
    }).waitForReply();
    expect(reply.content).toMatch(/Discord's file server answered 404/);
  });

  it("refuses a duplicate of a stored document", async () => {
    await upload(A, "harbour.md", NOTE);
    const { reply } = await upload(A, "harbour-copy.md", NOTE);
    expect(reply.content).toMatch(/already stored/);
    expect(bot.store.documents(A).filter((d) => d.source.title === "Harbour opening hours")).toHaveLength(1);
  });

  it("refuses more documents than the quota", async () => {
    const count = bot.store.documents(A).length;
    for (let i = count; i < 3; i++)
      await upload(
        A,
        `filler-${i}.txt`,
        `Filler ${i}\n\nFiller document number ${i} mentions the lighthouse keeper's ${i} lanterns.`,
      );
    const { reply } = await upload(
      A,
      "one-too-many.txt",
      "One too many\n\nThis document would exceed the quota of the harbour server.",
    );
    expect(reply.content).toMatch(/the most it may store \(3\)/);
    expect(bot.store.documents(A)).toHaveLength(3);
  });

  it("keeps two moderators' simultaneous changes consistent", async () => {
    const docs = bot.store.documents(A);
    const [first, second] = docs;
    const removeFirst = corpus(A, "remove", { document: first?.id });
    const removeSecond = corpus(A, "remove", { document: second?.id });
    const [c1, c2] = await Promise.all([removeFirst.waitForReply(), removeSecond.waitForReply()]);
    const clicks = [
      discord.injectComponent({
        message: c1.id,
        user: "mod",
        customId: `corpus:remove:${first?.id}`,
        memberPermissions: MOD,
      } as never),
      discord.injectComponent({
        message: c2.id,
        user: "mod",
        customId: `corpus:remove:${second?.id}`,
        memberPermissions: MOD,
      } as never),
      corpus(A, "add", {
        file: discord.addAttachment({
          filename: "new.md",
          data: "---\ntitle: Crane schedule\n---\nThe red crane works the north quay on Mondays.",
        }),
      }),
    ];
    await Promise.all(clicks.map((c) => c.waitForReply()));
    const titles = bot.store.documents(A).map((d) => d.source.title);
    expect(titles).toContain("Crane schedule");
    expect(titles).not.toContain(first?.source.title);
    expect(titles).not.toContain(second?.source.title);
    expect(await ask(A, "When does the red crane work the north quay?")).toContain("on Mondays");
  });
});

describe("settings, stats and audit", () => {
  it("limits answers to chosen channels", async () => {
    const quiet = discord.channel("a-quiet").id;
    const general = discord.channel("a-general").id;
    await command(A, "settings", { channel: general, answer: true }, "mod", MOD, "channel").waitForReply();
    const refused = discord.injectSlashCommand({
      channelId: "a-quiet",
      user: "alice",
      name: "ask",
      options: { question: "How old is Antonov?" },
      memberPermissions: MEMBER,
    });
    expect(text(await refused.response)).toMatch(/I answer in/);
    expect(text(await refused.response)).toContain(`<#${general}>`);
    expect(quiet).not.toBe(general);
    expect(await ask(A, "How old is Antonov?")).toContain("69");
    await command(A, "settings", {}, "mod", MOD, "all-channels").waitForReply();
  });

  it("makes answers private by default when asked to", async () => {
    await command(A, "settings", { on: true }, "mod", MOD, "private").waitForReply();
    const cmd = command(A, "ask", { question: "How old is Antonov?" }, "alice", MEMBER);
    expect(isPrivate(await cmd.response)).toBe(true);
    await command(A, "settings", { on: false }, "mod", MOD, "private").waitForReply();
  });

  it("applies one rule to every answering command: channels, private by default, hide: false, cooldown", async () => {
    const general = discord.channel("a-general").id;
    const source = (channelId: string, options: Record<string, unknown> = {}, user = "alice") =>
      discord.injectSlashCommand({
        channelId,
        user,
        name: "source",
        options: { document: "kyiv-independent-antonov-concludes-term", ...options },
        memberPermissions: MEMBER,
      });
    // Allowed channels: /source refuses elsewhere and says where it answers, like /ask.
    await command(A, "settings", { channel: general, answer: true }, "mod", MOD, "channel").waitForReply();
    try {
      const refused = await source("a-quiet").response;
      expect(isPrivate(refused)).toBe(true);
      expect(text(refused)).toContain(`I answer in <#${general}>`);
      const search = discord.injectSlashCommand({
        channelId: "a-quiet",
        user: "alice",
        name: "search",
        options: { query: "Antonov" },
        memberPermissions: MEMBER,
      });
      expect(text(await search.response)).toContain("I answer in");
    } finally {
      await command(A, "settings", {}, "mod", MOD, "all-channels").waitForReply();
    }
    // Private by default: /source and /search follow it; an explicit hide: false posts publicly.
    await command(A, "settings", { on: true }, "mod", MOD, "private").waitForReply();
    try {
      expect(isPrivate(await source("a-general").response)).toBe(true);
      expect(isPrivate(await source("a-general", { hide: false }, "mod").response)).toBe(false);
      const asked = command(A, "ask", { question: "How old is Antonov?", hide: false }, "owner", MEMBER);
      expect(isPrivate(await asked.response)).toBe(false);
      expect((await asked.waitForReply()).content).toContain("69");
    } finally {
      await command(A, "settings", { on: false }, "mod", MOD, "private").waitForReply();
    }
    // The server's cooldown holds for /source too.
    await command(A, "settings", { seconds: 60 }, "mod", MOD, "cooldown").waitForReply();
    try {
      await source("a-general", {}, "mod").waitForReply();
      const again = await source("a-general", {}, "mod").response;
      expect(text(again)).toMatch(/try again in \d+ s/);
    } finally {
      await command(A, "settings", {}, "mod", MOD, "cooldown").waitForReply();
    }
  });

  it("says in /help which wins: hide: false over private by default", async () => {
    const help = await command(A, "help", {}, "alice", MEMBER).waitForReply();
    expect(help.content).toContain("`hide: False` posts yours publicly");
  });

  it("posts admin actions to the audit channel", async () => {
    const audit = discord.channel("a-audit").id;
    await command(A, "settings", { channel: audit }, "mod", MOD, "audit-channel").waitForReply();
    await upload(
      A,
      "audit-me.txt",
      "Audit me\n\nThis short note exists so that the audit channel has something to report.",
    );
    const posted = await discord.waitForMessage((m) => m.channel_id === audit && m.content.includes("add document"));
    expect(posted.content).toContain(`<@${discord.user("mod").id}>`);
    expect(posted.mentions).toEqual([]);
  });

  it("refuses an audit channel from another server, and never posts one server's actions in another's", async () => {
    const elsewhere = discord.channel("b-general").id;
    const before = bot.store.settings(A).auditChannelId;
    const refused = command(A, "settings", { channel: elsewhere }, "mod", MOD, "audit-channel");
    expect(text(await refused.response)).toMatch(/not in this server/);
    expect(bot.store.settings(A).auditChannelId).toBe(before);
    // Even a setting that got stored some other way (an older version) posts nothing there.
    await bot.store.updateSettings(A, { auditChannelId: elsewhere });
    const posted = discord.sent.length;
    const audited = bot.store.auditLog(A)[0];
    await upload(A, "elsewhere.txt", "Elsewhere\n\nA note whose audit line must not reach the other server.");
    await eventually(() => bot.store.auditLog(A)[0] !== audited, 5000, "the upload's audit entry");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      discord.sent.slice(posted).some((r) => r.method === "POST" && r.route === `/channels/${elsewhere}/messages`),
    ).toBe(false);
    await bot.store.updateSettings(A, { auditChannelId: before });
  });

  it("counts a question asked with hide: true in /stats, never showing its text", async () => {
    const hidden = "What is the private salary of the harbour master?";
    const cmd = command(A, "ask", { question: hidden, hide: true }, "alice", MEMBER);
    await cmd.waitForReply();
    await eventually(() => bot.store.questionStats(A).privateAbstained > 0, 5000, "the private question's record");
    const reply = await command(A, "stats", {}).waitForReply();
    expect(reply.content).not.toContain("salary");
    expect(reply.content).toMatch(/asked privately/);
    expect((await bot.store.readQuestions(A, { limit: 1000 })).some((q) => q.question.includes("salary"))).toBe(false);
  });

  it("reports questions answered and abstained, and the knowledge gaps", async () => {
    for (let i = 0; i < 2; i++) await ask(A, "What is the capital of Australia?");
    // Questions are recorded after the answer is sent.
    await eventually(() =>
      bot.store.questionStats(A).gaps.some((g) => g.question === "What is the capital of Australia?" && g.count >= 2),
    );
    const reply = await command(A, "stats", {}).waitForReply();
    expect(reply.content).toMatch(/Last 7 days:\*\* \d+ answered, [1-9]\d* not in the corpus/);
    expect(reply.content).toContain("What is the capital of Australia?");
    expect(reply.content).toMatch(/This server's documents:\*\* \d+ documents/);
  });
});

describe("operators", () => {
  it("only OWNER_IDS may reload the bundled corpus", async () => {
    const refused = command(A, "operator", {}, "mod", MOD, "reload");
    expect(text(await refused.response)).toMatch(/Only the bot's operators/);
    // The refusal is audited after it was answered.
    await eventually(() => bot.store.auditLog(A).some((e) => e.detail === "not in OWNER_IDS"));
    const reply = await command(A, "operator", {}, "owner", MOD, "reload").waitForReply();
    expect(reply.content).toMatch(/Reloaded the bundled corpus/);
  });
});

describe("a server the bot has left", () => {
  it("refuses admin commands there and keeps what was stored", async () => {
    const stored = bot.store.documents(A).map((d) => d.id);
    // What a GUILD_DELETE leaves behind: the client no longer holds the server.
    bot.client.guilds.cache.delete(A);
    try {
      const cmd = corpus(A, "list");
      const response = await cmd.response;
      expect(isPrivate(response)).toBe(true);
      expect(text(response)).toMatch(/not a member of this server/);
      expect(bot.store.documents(A).map((d) => d.id)).toEqual(stored);
    } finally {
      await bot.client.guilds.fetch(A);
    }
  });
});

describe("restart", () => {
  it("keeps /corpus add's typed options across a restart, and says so when a long URL was lost", async () => {
    // In server B, whose quota has room.
    const short = corpus(B, "add", { url: "https://port.example/a", publisher: "Port authority" });
    const long = corpus(B, "add", { url: `https://port.example/${"long-path/".repeat(12)}` });
    const [shortForm, longForm] = [(await short.response).data, (await long.response).data] as {
      custom_id: string;
      components: { component: { custom_id: string; value?: string }; description?: string }[];
    }[];
    // Typed options are filled into the form; the long URL is held in memory, and the form says so.
    expect(shortForm?.components.find((c) => c.component.custom_id === "publisher")?.component.value).toBe(
      "Port authority",
    );
    expect(longForm?.components.some((c) => c.description?.includes("kept until the bot restarts"))).toBe(true);
    await bot.close();
    bot = await startBot(join(work, "data"), [discord.user("owner").id]);
    const submit = (customId: string, title: string) =>
      discord
        .injectModalSubmit({
          channelId: "b-general",
          user: "mod",
          customId,
          fields: {
            title,
            text: `${title}: the tide table is posted at the harbour office every Monday.`,
            publisher: "Port authority",
            author: "",
            date: "",
          },
          memberPermissions: MOD,
        } as never)
        .waitForReply();
    const kept = await submit(shortForm?.custom_id ?? "", "Tide table A");
    expect(kept.content).toContain("https://port.example/a");
    const lost = await submit(longForm?.custom_id ?? "", "Tide table B");
    expect(lost.content).toMatch(/Added/);
    expect(lost.content).toMatch(/The URL you gave with `\/corpus add` was lost/);
    await eventually(() => bot.store.auditLog(B).filter((e) => e.action === "add document").length >= 2);
  });

  it("restores documents, settings, audit trail and answers", async () => {
    const before = {
      documents: bot.store.documents(A).map((d) => [d.id, d.hash]),
      settings: bot.store.settings(A),
      audit: bot.store.auditLog(A).length,
      answer: await ask(A, "When does the red crane work the north quay?"),
      other: await ask(B, "When does the red crane work the north quay?"),
    };
    await bot.close();
    bot = await startBot(join(work, "data"), [discord.user("owner").id]);
    expect(bot.store.documents(A).map((d) => [d.id, d.hash])).toEqual(before.documents);
    expect(bot.store.settings(A)).toEqual(before.settings);
    expect(bot.store.auditLog(A).length).toBe(before.audit);
    expect(await ask(A, "When does the red crane work the north quay?")).toBe(before.answer);
    expect(await ask(B, "When does the red crane work the north quay?")).toBe(before.other);
  });
});
