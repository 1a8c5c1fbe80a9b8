/**
 * The trust loop end to end through the loopback Discord, with the unmodified discord.js client wired as `npm start`
 * wires it: buttons under every answer (Passage, Source, Helpful, Wrong quote), the report form, /review (dismiss,
 * exclude, pin another candidate), pins and exclusions per server, "Ask Verbatim", /stats, /help's command mentions,
 * forged ids refused, and everything (buttons on old answers included) surviving a restart.
 */
import { deployTo } from "../support/deploy.js";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits, type Client } from "discord.js";
import type { APIMessage } from "discord-api-types/v10";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createVerbatim } from "../../src/app.js";
import type { FeedbackStore, GuildStore } from "../../src/core/index.js";
import { unescapeMarkdown } from "../../src/discord/render/index.js";
import { eventually } from "../support/eventually.js";
import { storeOptions } from "../support/store-under-test.js";
import {
  type InteractionHandle,
  type LoopbackDiscord,
  startLoopbackDiscord,
} from "../support/loopback-discord/index.js";
import { BUNDLED_CORPUS } from "../support/paths.js";

const MOD = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageGuild;
const MEMBER = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
const EPHEMERAL = 1 << 6;
const DAY = 86_400_000;

let work: string;
let discord: LoopbackDiscord;
let bot: { client: Client; store: GuildStore; feedback: FeedbackStore; close(): Promise<void> };
let A: string;
let B: string;
let clockOffset = 0;

async function startBot() {
  const verbatim = await createVerbatim({
    corpusDir: join(work, "corpus"),
    dataDir: join(work, "data"),
    logger: pino({ level: "silent" }),
    maxUploadBytes: 64 * 1024,
    maxDocumentsPerGuild: 10,
    ownerIds: [discord.user("owner").id],
    now: () => Date.now() + clockOffset,
    // The file store, or PostgreSQL when tests/bot/*-postgres.test.ts runs this file.
    ...(await storeOptions()),
  });
  const client = verbatim.createClient({ commands, apiUrl: discord.api, cooldownSeconds: 0, version: "test" });
  await client.login(discord.token);
  return {
    client,
    store: verbatim.store as GuildStore,
    feedback: verbatim.feedback as FeedbackStore,
    close: async () => {
      await client.destroy();
      await verbatim.close();
    },
  };
}

async function restart(): Promise<void> {
  await bot.close();
  bot = await startBot();
}

interface Button {
  custom_id: string;
  label: string;
  disabled?: boolean;
}

const buttonsOf = (m: APIMessage): Button[] =>
  (m.components ?? []).flatMap((row) => ("components" in row ? (row.components as unknown as Button[]) : []));
const labels = (m: APIMessage) => buttonsOf(m).map((b) => b.label);
function idOf(m: APIMessage, label: string): string {
  const found = buttonsOf(m).find((b) => b.label === label);
  if (found === undefined) throw new Error(`no button "${label}" on message: ${labels(m).join(", ")}`);
  return found.custom_id;
}
const channelOf = (guild: string) => (guild === A ? "a-general" : "b-general");
const isPrivate = (m: { flags?: number }) => ((m.flags ?? 0) & EPHEMERAL) !== 0;
const plain = (m: APIMessage) => unescapeMarkdown(m.content);

/** The answer's last message (the one carrying its buttons). */
async function ask(guild: string, question: string, user = "alice", extra: Record<string, unknown> = {}) {
  const handle = discord.injectSlashCommand({
    channelId: channelOf(guild),
    user,
    name: "ask",
    options: { question, ...extra },
    memberPermissions: MEMBER,
  });
  const reply = await handle.waitForReply();
  return handle.followUps.at(-1) ?? reply;
}

function click(message: APIMessage, label: string, user = "alice", permissions: bigint = MEMBER): InteractionHandle {
  return discord.injectComponent({
    message: message.id,
    user,
    customId: idOf(message, label),
    memberPermissions: permissions,
  });
}

function press(message: APIMessage, customId: string, user = "alice", permissions: bigint = MEMBER) {
  return discord.injectComponent({ message: message.id, user, customId, memberPermissions: permissions });
}

function review(
  guild: string,
  sub: string,
  user = "mod",
  permissions: bigint = MOD,
  options: Record<string, unknown> = {},
) {
  return discord.injectSlashCommand({
    channelId: channelOf(guild),
    user,
    name: "review",
    subcommand: sub,
    options: options as never,
    memberPermissions: permissions,
  });
}

/** Presses "Wrong quote" and sends the form. */
async function report(answer: APIMessage, user: string, fields: Record<string, string | string[]>) {
  const open = click(answer, answer.content.includes("Not in the corpus") ? "Wrong answer" : "Wrong quote", user);
  const shown = await open.response;
  expect(shown.type).toBe(9);
  const modal = shown.data as { custom_id: string; title: string; components: Array<{ type: number }> };
  const submit = discord.injectModalSubmit({
    channelId: answer.channel_id,
    user,
    customId: modal.custom_id,
    fields,
    message: answer.id,
    memberPermissions: MEMBER,
  });
  return { modal, reply: await submit.waitForReply(), submit };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-trust-"));
  await cp(BUNDLED_CORPUS, join(work, "corpus"), { recursive: true });
  discord = await startLoopbackDiscord({
    users: [{ username: "owner" }],
    guilds: [
      {
        name: "Guild A",
        channels: [{ name: "a-general" }],
        members: [{ user: "mod" }, { user: "alice" }, { user: "bob" }],
      },
      { name: "Guild B", channels: [{ name: "b-general" }], members: [{ user: "mod" }, { user: "alice" }] },
    ],
  });
  A = discord.guild("Guild A").id;
  B = discord.guild("Guild B").id;
  for (const guildId of [A, B]) await deployTo(discord, guildId);
  bot = await startBot();
});

afterAll(async () => {
  await bot?.close();
  await discord?.close();
  await rm(work, { recursive: true, force: true });
});

const WRONG = "What did Biden call Putin?";
let wrongAnswer: APIMessage;
let firstQuote = "";

describe("buttons under every answer", () => {
  it("puts Passage, Source, Helpful and Wrong quote under an answer, numbered to its quotes", async () => {
    wrongAnswer = await ask(A, WRONG);
    // Quotes of the one article that answers (a further quote is shown only when it passes the answer check by itself;
    // up to three may come from one document), each numbered, with a Passage and a Source button of its number.
    const shown = (wrongAnswer.content.match(/^— \d+ · /gmu) ?? []).length;
    expect(shown).toBeGreaterThanOrEqual(2);
    expect(shown).toBeLessThanOrEqual(3);
    const numbers = Array.from({ length: shown }, (_, i) => i + 1);
    expect(labels(wrongAnswer)).toEqual([
      ...numbers.map((n) => `Passage ${n}`),
      ...numbers.map((n) => `Source ${n}`),
      "Helpful",
      "Wrong quote",
    ]);
    for (const n of numbers) expect(wrongAnswer.content).toMatch(new RegExp(`^— ${n} · `, "mu"));
    expect(wrongAnswer.content).not.toMatch(new RegExp(`^— ${shown + 1} · `, "mu"));
    for (const b of buttonsOf(wrongAnswer)) expect(b.custom_id.length).toBeLessThanOrEqual(100);
    expect(new Set(buttonsOf(wrongAnswer).map((b) => b.custom_id)).size).toBe(2 * shown + 2);
    firstQuote =
      plain(wrongAnswer)
        .split("\n")
        .find((l) => l.startsWith("> "))
        ?.slice(2) ?? "";
    expect(firstQuote).toContain("hard to say");
  });

  it("says there is nothing to look up in chat alone: no sources, no buttons, no gap counted in /stats", async () => {
    const reply = await ask(A, "hey, ok so?");
    expect(plain(reply)).toContain("Nothing to look up.");
    expect(reply.content).not.toMatch(/Not in the corpus|Closest sources/);
    expect(buttonsOf(reply)).toEqual([]);
  });

  it("shows the quote inside its passage, privately, and moves to the neighbouring passages", async () => {
    const passage = click(wrongAnswer, "Passage 2");
    expect((await passage.response).type).toBe(4);
    const view = await passage.waitForReply();
    expect(isPrivate(view)).toBe(true);
    expect(view.content).toMatch(/^\*\*Passage \d+ of \d+\*\*/);
    expect(view.content).toContain("**");
    expect(plain(view)).toContain("likened Putin to a “killer”");
    expect(view.content).toContain("The quoted sentences are in bold.");
    expect(labels(view)).toEqual(["Previous passage", "Next passage", "Source"]);
    const at = Number(/Passage (\d+) of/.exec(view.content)?.[1]);
    const next = click(view, "Next passage");
    expect((await next.response).type).toBe(7);
    const moved = next.original ?? view;
    expect(moved.content).toContain(`**Passage ${at + 1} of`);
    expect(moved.content).not.toContain("The quoted sentences are in bold.");
  });

  it("shows the source's card privately", async () => {
    const source = click(wrongAnswer, "Source 1");
    const card = await source.waitForReply();
    expect(isPrivate(card)).toBe(true);
    expect(card.content).toMatch(/^## /);
    expect(card.content).toMatch(/passages · .* characters · id: /);
  });

  it("records a helpful vote once, lets the member withdraw it, and acknowledges at once", async () => {
    const helpful = click(wrongAnswer, "Helpful", "bob");
    const response = await helpful.response;
    expect(response.type).toBe(5);
    expect(isPrivate(response.data as { flags?: number })).toBe(true);
    const thanks = await helpful.waitForReply();
    expect(thanks.content).toMatch(/marked this answer \*\*helpful\*\*/);
    const again = await click(wrongAnswer, "Helpful", "bob").waitForReply();
    expect(again.content).toMatch(/already marked/);
    const withdraw = click(again, "Withdraw my vote", "bob");
    expect((await withdraw.response).type).toBe(6);
    expect((await withdraw.waitForReply({ until: (m) => /withdrawn/.test(m.content) })).content).toMatch(/withdrawn/);
    await click(wrongAnswer, "Helpful", "bob").waitForReply();
  });

  it("opens a short form for Wrong quote, built of Labels, and files the report", async () => {
    const { modal, reply } = await report(wrongAnswer, "alice", {
      reason: ["does-not-answer"],
      quote: ["0"],
      note: "He called him a killer, it's in the Reuters piece.",
    });
    expect(modal.title).toBe("Report a wrong quote");
    expect(modal.components.map((c) => c.type)).toEqual([18, 18, 18]);
    expect(reply.content).toMatch(/your report .* is with this server's moderators/);
    expect(isPrivate(reply)).toBe(true);
    // bob changes his helpful vote into a report.
    const changed = await report(wrongAnswer, "bob", { reason: ["wrong-source"], quote: ["0"], note: "" });
    expect(changed.reply.content).toMatch(/replaces your earlier vote/);
  });
});

describe("/review", () => {
  it("shows the report to a moderator: question, quote, source, how many flagged it and why", async () => {
    const queue = await review(A, "reports").waitForReply();
    expect(isPrivate(queue)).toBe(true);
    const text = plain(queue);
    expect(text).toContain("Report 1 of 1");
    expect(text).toContain("Flagged by 2 members");
    expect(text).toContain(WRONG);
    expect(text).toContain(firstQuote.slice(0, 40));
    expect(text).toMatch(/It does not answer the question ×1/);
    expect(text).toMatch(/It quotes the wrong source ×1/);
    expect(text).toContain("He called him a killer");
    expect(labels(queue)).toEqual(["Dismiss", "Exclude passage", "Pin another passage…"]);
    expect((await review(B, "reports").waitForReply()).content).toMatch(/No open reports/);
  });

  it("refuses the queue to a member without Manage Server by every path, forged ids included, and audits it", async () => {
    const refused = review(A, "reports", "alice", MEMBER);
    const response = await refused.response;
    expect(isPrivate(response.data as { flags?: number })).toBe(true);
    expect((response.data as { content: string }).content).toMatch(/Manage Server/);
    const queue = await review(A, "reports").waitForReply();
    const item = /^review:dismiss:([0-9a-f]{10}):1$/.exec(idOf(queue, "Dismiss"))?.[1] ?? "";
    for (const forged of [
      `review:dismiss:${item}:1`,
      `review:exclude:${item}:1`,
      `review:choose:${item}:1`,
      "review:pins:1",
    ]) {
      const click = press(queue, forged, "alice", MEMBER);
      expect(((await click.response).data as { content: string }).content).toMatch(/Manage Server/);
    }
    const modal = discord.injectModalSubmit({
      channelId: "a-general",
      user: "alice",
      customId: `review:dismiss:${item}:1`,
      fields: {},
      memberPermissions: MEMBER,
    });
    expect(((await modal.response).data as { content: string }).content).toMatch(/Manage Server/);
    expect(bot.feedback.reports(A)).toHaveLength(1);
    const alice = discord.user("alice").id;
    await eventually(
      () =>
        bot.store
          .auditLog(A)
          .filter((e) => e.outcome === "refused" && e.userId === alice && e.action.startsWith("review")).length >= 6,
    );
  });

  it("pins another candidate: the same question in this server then leads with it, and not in another", async () => {
    const queue = await review(A, "reports").waitForReply();
    const choose = click(queue, "Pin another passage…", "mod", MOD);
    expect((await choose.response).type).toBe(7);
    const list = choose.original ?? queue;
    expect(list.content).toMatch(/score \d+\.\d\d/);
    expect(list.content).toContain("reported");
    const candidates = plain(list);
    const killer = /\*\*(\d)\.\*\* score [^\n]*\n> After Biden likened Putin/.exec(candidates)?.[1];
    expect(killer).toBeDefined();
    const pin = click(list, `Pin ${killer}`, "mod", MOD);
    expect((await pin.response).type).toBe(6);
    const done = await pin.waitForReply({ until: (m) => m.content.startsWith("**Pinned.**") });
    expect(plain(done)).toContain("After Biden likened Putin");
    expect(bot.feedback.reports(A)).toEqual([]);
    await eventually(() => bot.store.auditLog(A).some((e) => e.action === "review pin" && e.outcome === "ok"));

    for (const question of [WRONG, "what did biden call putin", "What did Biden call Vladimir Putin?"]) {
      const inA = plain(await ask(A, question));
      expect(inA).toContain("Chosen by this server's moderators for this question.");
      const lead = inA.split("\n").find((l) => l.startsWith("> "));
      expect(lead).toContain("After Biden likened Putin");
    }
    const inB = plain(await ask(B, WRONG));
    expect(inB).not.toContain("Chosen by this server's moderators");
    expect(inB.split("\n").find((l) => l.startsWith("> "))).toContain("hard to say");
    // A different question is not pinned.
    expect(plain(await ask(A, "Why did Biden call Putin a killer?"))).not.toContain(
      "Chosen by this server's moderators",
    );
  });

  it("excludes a passage from this server's answers only, lists it, and audits it", async () => {
    const age = await ask(A, "How old is Antonov?", "bob");
    expect(plain(age)).toContain("69-year-old");
    await report(age, "bob", { reason: ["outdated"], quote: ["0"] });
    const queue = await review(A, "reports").waitForReply();
    expect(plain(queue)).toContain("How old is Antonov?");
    const exclude = click(queue, "Exclude passage", "mod", MOD);
    expect((await exclude.response).type).toBe(6);
    expect((await exclude.waitForReply({ until: (m) => m.content.startsWith("**Excluded**") })).content).toContain(
      "Restore it with",
    );
    // That passage was the only one saying his age in so many words: now the answer does without it.
    expect(plain(await ask(A, "How old is Antonov?"))).not.toContain("69-year-old");
    expect(plain(await ask(B, "How old is Antonov?"))).toContain("69-year-old");
    const listed = await review(A, "exclusions").waitForReply();
    expect(plain(listed)).toContain("for “How old is Antonov?”");
    expect(plain(listed)).toContain("returned to Moscow on Oct. 5");
    expect(labels(listed)).toEqual(["Restore 1"]);
    expect((await review(A, "pins").waitForReply()).content).toMatch(/Pinned passages/);
    await eventually(() => bot.store.auditLog(A).some((e) => e.action === "review exclude" && e.outcome === "ok"));
  });

  it("dismisses a report", async () => {
    const answer = await ask(A, "When did Antonov return to Moscow?", "bob");
    await report(answer, "bob", { reason: ["other"], quote: ["1"], note: "just testing" });
    const queue = await review(A, "reports").waitForReply();
    const dismiss = click(queue, "Dismiss", "mod", MOD);
    expect((await dismiss.response).type).toBe(6);
    expect((await dismiss.waitForReply({ until: (m) => m.content.startsWith("**Dismissed**") })).content).toContain(
      "When did Antonov return to Moscow?",
    );
    expect(bot.feedback.reports(A)).toEqual([]);
    await eventually(() => bot.store.auditLog(A).some((e) => e.action === "review dismiss"));
  });
});

describe("/stats, /help and Ask Verbatim", () => {
  it("shows the loop in /stats, counting private answers without showing their questions", async () => {
    await ask(A, "What is the secret recipe of the embassy kitchen?", "alice", { hide: true });
    const stats = await discord
      .injectSlashCommand({ channelId: "a-general", user: "mod", name: "stats", memberPermissions: MOD })
      .waitForReply();
    const text = plain(stats);
    expect(text).toMatch(/Feedback, last 7 days:\*\* \d+ answers? voted helpful, [1-9]\d* answers? reported/);
    expect(text).toMatch(/Review:\*\* 0 open reports · 1 pinned passage · 1 excluded passage/);
    expect(text).not.toContain("secret recipe");
    // Chat with nothing asked is no question the corpus failed to answer.
    expect(text).not.toContain("ok so");
  });

  it("lists the commands as clickable mentions with their registered ids, and says what the buttons do", async () => {
    const help = await discord
      .injectSlashCommand({ channelId: "a-general", user: "alice", name: "help" })
      .waitForReply();
    const askId = discord.commands.find((c) => c.name === "ask" && c.guild_id === A)?.id;
    expect(help.content).toContain(`</ask:${askId}>`);
    expect(help.content).toContain("**Passage**");
    expect(help.content).toContain("Ask Verbatim");
    expect(help.content).not.toContain("review");
  });

  it("answers a message's text with Ask Verbatim, privately, pinging nobody", async () => {
    const posted = discord.injectMessage({
      channelId: "a-general",
      author: "bob",
      content: `<@${discord.user("alice").id}> Which airport did the plane leave from?`,
    });
    const handle = discord.injectMessageCommand({ name: "Ask Verbatim", message: posted.message, user: "alice" });
    const response = await handle.response;
    expect(response.type).toBe(5);
    const answer = await handle.waitForReply();
    expect(isPrivate(answer)).toBe(true);
    expect(answer.mentions).toEqual([]);
    expect(plain(answer)).toContain("Sheremetyevo");
    expect(labels(answer)).toContain("Wrong quote");
    const edit = discord.requests({ method: "PATCH" }).at(-1);
    expect(edit?.body).toMatchObject({ allowed_mentions: { parse: [] } });
    const empty = discord.injectMessage({ channelId: "a-general", author: "bob", content: "" });
    const refused = discord.injectMessageCommand({ name: "Ask Verbatim", message: empty.message, user: "alice" });
    expect(((await refused.response).data as { content: string }).content).toMatch(/no text I can ask about/);
  });
});

describe("clicks that cannot work get one clear private line", () => {
  it("refuses forged answer ids, and another member's private answer", async () => {
    const unknown = await press(wrongAnswer, "ask:passage:zzzzzzzzzzzz:0").response;
    expect((unknown.data as { content: string }).content).toMatch(/I don't know that answer/);
    const old = await press(wrongAnswer, "ask:passage:0000001abcde:0").response;
    expect((old.data as { content: string }).content).toMatch(/too old/);
    const nonsense = await press(wrongAnswer, "ask:passage:../../x:0").response;
    expect((nonsense.data as { content: string }).content).toMatch(/not one I know/);
    const hidden = await ask(A, WRONG, "alice", { hide: true });
    const other = await click(hidden, "Passage 1", "bob").response;
    expect((other.data as { content: string }).content).toMatch(/only they can use its buttons/);
    expect(((await click(hidden, "Passage 1", "alice").response).data as { flags: number }).flags & EPHEMERAL).toBe(
      EPHEMERAL,
    );
  });

  it("says a document was removed", async () => {
    const file = discord.addAttachment({
      filename: "harbour.md",
      data: "---\ntitle: Harbour opening hours\n---\nThe harbour office opens at 7:30 and closes at 16:00 on weekdays.\n",
    });
    await discord
      .injectSlashCommand({
        channelId: "a-general",
        user: "mod",
        name: "corpus",
        subcommand: "add",
        options: { file } as never,
        memberPermissions: MOD,
      })
      .waitForReply();
    const answer = await ask(A, "When does the harbour office open?");
    expect(plain(answer)).toContain("opens at 7:30");
    const id = bot.store.documents(A).find((d) => d.source.title === "Harbour opening hours")?.id ?? "";
    await bot.store.removeDocument(A, id);
    await discord
      .injectSlashCommand({
        channelId: "a-general",
        user: "mod",
        name: "corpus",
        subcommand: "reindex",
        memberPermissions: MOD,
      })
      .waitForReply();
    const label = labels(answer).includes("Passage") ? "Passage" : "Passage 1";
    expect(((await click(answer, label).response).data as { content: string }).content).toMatch(/has been removed/);
  });

  it("says the bot has left the server", async () => {
    bot.client.guilds.cache.delete(A);
    try {
      const response = await click(wrongAnswer, "Passage 1").response;
      expect((response.data as { content: string }).content).toMatch(/no longer in this server/);
    } finally {
      await bot.client.guilds.fetch(A);
    }
  });

  it("works in DMs, where reports reach the operator", async () => {
    const dm = discord.dmChannel("alice").id;
    const message = discord.injectMessage({
      channelId: dm,
      author: "alice",
      content: `<@${discord.bot.id}> How old is Antonov?`,
    });
    const answer = await message.waitForReply();
    expect(labels(answer)).toContain("Helpful");
    const passage = await discord
      .injectComponent({ message: answer.id, user: "alice", customId: idOf(answer, "Passage 1") })
      .waitForReply();
    expect(passage.content).toMatch(/Passage \d+ of/);
    const open = await discord.injectComponent({
      message: answer.id,
      user: "alice",
      customId: idOf(answer, "Wrong quote"),
    }).response;
    const modal = open.data as { custom_id: string };
    const sent = await discord
      .injectModalSubmit({
        channelId: dm,
        user: "alice",
        customId: modal.custom_id,
        fields: { reason: ["outdated"], quote: ["0"] },
        message: answer.id,
      })
      .waitForReply();
    expect(sent.content).toMatch(/is with the bot's operators/);
    const reports = await discord
      .injectSlashCommand({
        channelId: "a-general",
        user: "owner",
        name: "operator",
        subcommand: "reports",
        memberPermissions: MEMBER,
      })
      .waitForReply();
    expect(plain(reports)).toContain("direct messages");
    expect(plain(reports)).toContain("How old is Antonov?");
    expect(labels(reports)).toContain("Dismiss");
    const refused = await discord.injectSlashCommand({
      channelId: "a-general",
      user: "mod",
      name: "operator",
      subcommand: "reports",
      memberPermissions: MOD,
    }).response;
    expect((refused.data as { content: string }).content).toMatch(/Only the bot's operators/);
  });
});

describe("restart", () => {
  it("keeps reports, votes, pins and exclusions, and the buttons on answers given before it", async () => {
    const inB = await ask(B, "When did Antonov return to Moscow?");
    await report(inB, "alice", { reason: ["outdated"], quote: ["0"], note: "open across the restart" });
    const before = {
      votes: bot.feedback.voteOf(
        A,
        /ask:helpful:([0-9a-z]{12})/.exec(idOf(wrongAnswer, "Helpful"))?.[1] ?? "",
        discord.user("bob").id,
      ),
      pins: bot.feedback.pins(A).length,
      exclusions: bot.feedback.exclusions(A).length,
      dmReports: bot.feedback.reports("dm").length,
    };
    await restart();
    const answerId = /ask:helpful:([0-9a-z]{12})/.exec(idOf(wrongAnswer, "Helpful"))?.[1] ?? "";
    expect(bot.feedback.voteOf(A, answerId, discord.user("bob").id)).toEqual(before.votes);
    expect(bot.feedback.pins(A)).toHaveLength(before.pins);
    expect(bot.feedback.exclusions(A)).toHaveLength(before.exclusions);
    expect(bot.feedback.reports("dm")).toHaveLength(before.dmReports);
    expect(plain(await review(B, "reports").waitForReply())).toContain("open across the restart");
    // The answer posted before the restart: its buttons still work.
    const passage = await click(wrongAnswer, "Passage 2").waitForReply();
    expect(plain(passage)).toContain("likened Putin");
    expect(
      plain(await ask(A, WRONG))
        .split("\n")
        .find((l) => l.startsWith("> ")),
    ).toContain("After Biden likened Putin");
    expect(plain(await ask(A, "How old is Antonov?"))).not.toContain("69-year-old");
  });

  it("restores an excluded passage", async () => {
    const listed = await review(A, "exclusions").waitForReply();
    const restore = click(listed, "Restore 1", "mod", MOD);
    expect((await restore.response).type).toBe(6);
    expect((await restore.waitForReply({ until: (m) => m.content.includes("Restored") })).content).toContain(
      "Restored",
    );
    expect(plain(await ask(A, "How old is Antonov?"))).toContain("69-year-old");
    await eventually(() => bot.store.auditLog(A).some((e) => e.action === "review restore"));
  });

  it("says plainly that an answer past its retention is too old", async () => {
    clockOffset = 31 * DAY;
    try {
      await restart();
      const response = await click(wrongAnswer, "Passage 1").response;
      expect((response.data as { content: string }).content).toMatch(/too old for its buttons/);
      // Pins outlive answers: the question still leads with the moderators' choice.
      expect(plain(await ask(A, WRONG))).toContain("Chosen by this server's moderators");
    } finally {
      clockOffset = 0;
    }
  });

  it("removes a pin: the question is answered as before, and the removal is audited", async () => {
    const listed = await review(A, "pins").waitForReply();
    expect(plain(listed)).toContain(`for “${WRONG}”`);
    const remove = click(listed, "Remove 1", "mod", MOD);
    expect((await remove.response).type).toBe(6);
    await remove.waitForReply({ until: (m) => m.content.includes("Removed") });
    expect(plain(await ask(A, WRONG))).not.toContain("Chosen by this server's moderators");
    await eventually(() => bot.store.auditLog(A).some((e) => e.action === "review unpin" && e.outcome === "ok"));
  });
});
