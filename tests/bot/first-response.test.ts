/**
 * Every admin interaction's first response (reply, defer, modal, or update for a button) is sent before any disk write,
 * lock or REST call: with the audit channel answering 429 for longer than Discord's 3-second window, each one still
 * arrives inside the window (the loopback Discord rejects a late callback, so `response` resolving is the proof), the
 * work still completes, and the audit lines all arrive afterwards, in order. The same holds with every disk write and
 * lock of the server's store taking longer than the window.
 */
import { deployTo } from "../support/deploy.js";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits, type Client } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createVerbatim, type Verbatim } from "../../src/app.js";
import { eventually } from "../support/eventually.js";
import type { InteractionHandle, LoopbackDiscord } from "../support/loopback-discord/index.js";
import { startLoopbackDiscord } from "../support/loopback-discord/index.js";

const MOD = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageGuild;
const MEMBER = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
/** Longer than the interaction window. */
const AUDIT_429_MS = 3500;

let work: string;
let discord: LoopbackDiscord;
let verbatim: Verbatim;
let client: Client;
let guildId: string;
let auditId: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-first-response-"));
  await cp(join(import.meta.dirname, "../../corpus"), join(work, "corpus"), { recursive: true });
  discord = await startLoopbackDiscord({
    guilds: [
      {
        name: "Harbour",
        channels: [{ name: "general" }, { name: "audit" }],
        members: [{ user: "mod" }, { user: "alice" }, { user: "owner" }],
      },
    ],
  });
  guildId = discord.guild("Harbour").id;
  auditId = discord.channel("audit").id;
  await deployTo(discord, guildId);
  verbatim = await createVerbatim({
    corpusDir: join(work, "corpus"),
    dataDir: join(work, "data"),
    logger: pino({ level: "silent" }),
    maxUploadBytes: 1 << 20,
    maxDocumentsPerGuild: 50,
    ownerIds: [discord.user("owner").id],
  });
  // Eleven documents, so /corpus list has a second page (and a Next button).
  for (let i = 0; i < 11; i++)
    await verbatim.corpora?.add(guildId, discord.user("mod").id, {
      text: `Berth ${i} of the harbour takes ships of up to ${100 + i} metres.`,
      metadata: { title: `Berth ${i}` },
    });
  await verbatim.store?.updateSettings(guildId, { auditChannelId: auditId });
  client = verbatim.createClient({ commands, apiUrl: discord.api, cooldownSeconds: 0, version: "test" });
  await client.login(discord.token);
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
  await rm(work, { recursive: true, force: true });
});

/** Runs an interaction while the audit channel answers 429 for longer than the window; resolves with its handle. */
async function underAudit429(start: () => InteractionHandle): Promise<InteractionHandle> {
  discord.rateLimits.block({ channel: auditId, forMs: AUDIT_429_MS });
  const handle = start();
  // Rejects if no first response came within the loopback's (Discord's) 3-second window.
  await handle.response;
  return handle;
}

const slash = (
  name: string,
  subcommand: string | undefined,
  options: Record<string, unknown>,
  user = "mod",
  permissions = MOD,
) =>
  discord.injectSlashCommand({
    channelId: "general",
    user,
    name,
    ...(subcommand === undefined ? {} : { subcommand }),
    options: options as never,
    memberPermissions: permissions,
  });
const click = (message: string, customId: string) =>
  discord.injectComponent({ message, user: "mod", customId, memberPermissions: MOD } as never);
const docId = (title: string) => verbatim.store?.documents(guildId).find((d) => d.source.title === title)?.id ?? "";

describe("with the audit channel rate-limited past the window", () => {
  it("answers every admin command, button, form and refusal in time, and the audit lines follow in order", async () => {
    const types: Record<string, number> = {};
    let answered = 0;
    const record = async (what: string, start: () => InteractionHandle) => {
      const handle = await underAudit429(start);
      types[what] = (await handle.response).type;
      answered++;
      return handle;
    };

    for (const [sub, options] of [
      ["show", {}],
      ["channel", { channel: discord.channel("general").id, answer: true }],
      ["all-channels", {}],
      ["private", { on: true }],
      ["private", { on: false }],
      ["cooldown", { seconds: 0 }],
      ["cooldown", {}],
      ["audit-channel", { channel: auditId }],
    ] as const)
      await record(`settings ${sub}`, () => slash("settings", sub, options));
    await record("stats", () => slash("stats", undefined, {}));

    const file = discord.addAttachment({ filename: "quay.txt", data: "Quay notice\n\nThe north quay closes at dusk." });
    const added = await record("corpus add (file)", () => slash("corpus", "add", { file }));
    expect((await added.waitForReply()).content).toMatch(/Added/);
    const form = await record("corpus add (form)", () => slash("corpus", "add", { publisher: "Port authority" }));
    const customId = ((await form.response).data as { custom_id: string }).custom_id;
    const submitted = await record("corpus add (form submit)", () =>
      discord.injectModalSubmit({
        channelId: "general",
        user: "mod",
        customId,
        fields: { title: "Pilot notice", text: "Pilots board at the outer buoy.", publisher: "", author: "", date: "" },
        memberPermissions: MOD,
      } as never),
    );
    expect((await submitted.waitForReply()).content).toMatch(/Added/);

    const list = await record("corpus list", () => slash("corpus", "list", {}));
    const page = await list.waitForReply();
    await record("corpus:list (button)", () => click(page.id, "corpus:list:2"));
    await record("corpus show", () => slash("corpus", "show", { document: docId("Berth 3") }));
    await record("corpus (autocomplete)", () =>
      discord.injectAutocomplete({
        channelId: "general",
        user: "mod",
        name: "corpus",
        subcommand: "remove",
        options: { document: "berth" },
        focused: "document",
        memberPermissions: MOD,
      }),
    );
    const cancel = await (
      await record("corpus remove", () => slash("corpus", "remove", { document: docId("Berth 1") }))
    ).waitForReply();
    await record("corpus:cancel (button)", () => click(cancel.id, "corpus:cancel"));
    const confirm = await (
      await record("corpus remove (again)", () => slash("corpus", "remove", { document: docId("Berth 2") }))
    ).waitForReply();
    const removal = await record("corpus:remove (button)", () =>
      click(confirm.id, `corpus:remove:${docId("Berth 2")}`),
    );
    expect((await removal.waitForReply({ until: (m) => m.content.startsWith("Removed") })).content).toMatch(/Removed/);
    await record("corpus reindex", () => slash("corpus", "reindex", {}));
    const reload = await record("operator reload", () => slash("operator", "reload", {}, "owner"));
    expect((await reload.waitForReply()).content).toMatch(/Reloaded/);
    // Refusals are answered first and audited after.
    const refusedMember = await record("corpus list (refused)", () => slash("corpus", "list", {}, "alice", MEMBER));
    expect(((await refusedMember.response).data as { content: string }).content).toMatch(/Manage Server/);
    const refusedOperator = await record("operator reload (refused)", () => slash("operator", "reload", {}, "mod"));
    expect(((await refusedOperator.response).data as { content: string }).content).toMatch(/Only the bot's operators/);

    // Deferrals (5, 6), modals (9), replies and updates (4, 7) and autocomplete results (8): each arrived in time.
    expect(answered).toBe(24);
    expect(types["settings channel"]).toBe(5);
    expect(types["corpus add (form)"]).toBe(9);
    expect(types["corpus:remove (button)"]).toBe(6);
    expect(types["corpus:cancel (button)"]).toBe(7);
    expect(types["corpus (autocomplete)"]).toBe(8);
    // The audit channel really was refusing: the bot met 429s there.
    expect(discord.rateLimits.log.some((e) => e.major === `channel:${auditId}`)).toBe(true);

    // Every audited action reaches the audit channel once the 429s pass, in the order it was audited.
    // The last refusal is stored after it was answered; then every entry is in the log (which lists the newest first).
    await eventually(() => (verbatim.store?.auditLog(guildId) ?? []).some((e) => e.detail === "not in OWNER_IDS"));
    const audited = [...(verbatim.store?.auditLog(guildId) ?? [])].reverse();
    await discord.waitFor(() => discord.messagesIn("audit").length >= audited.length, { timeoutMs: 30_000 });
    const posted = discord.messagesIn("audit").map((m) => m.content);
    expect(posted).toHaveLength(audited.length);
    audited.forEach((entry, i) => expect(posted[i]).toContain(`**${entry.action}**`));
    expect(audited.some((e) => e.outcome === "refused" && e.detail === "missing Manage Server")).toBe(true);
  }, 90_000);
});

describe("with the server's store slower than the window", () => {
  it("answers the commands that write, and the buttons and forms that do, before the disk", async () => {
    const store = verbatim.store;
    if (!store) throw new Error("no store");
    const confirm = await slash("corpus", "remove", { document: docId("Berth 4") }).waitForReply();
    const form = ((await slash("corpus", "add", {}).response).data as { custom_id: string }).custom_id;
    // Every write and lock of the store now takes longer than Discord's 3-second window.
    const slowed = ["addDocument", "removeDocument", "updateSettings", "audit", "recordQuestion", "exclusive"] as const;
    const originals = slowed.map((name) => [name, store[name]] as const);
    for (const [name, original] of originals) {
      Object.assign(store, {
        [name]: async (...args: unknown[]) => {
          await new Promise((resolve) => setTimeout(resolve, AUDIT_429_MS));
          return (original as (...a: unknown[]) => Promise<unknown>).apply(store, args);
        },
      });
    }
    try {
      const file = discord.addAttachment({
        filename: "buoy.txt",
        data: "Buoy notice\n\nThe outer buoy is lit at night.",
      });
      const handles = [
        slash("settings", "private", { on: false }),
        slash("corpus", "add", { file }),
        discord.injectModalSubmit({
          channelId: "general",
          user: "mod",
          customId: form,
          fields: { title: "Anchorage", text: "Anchoring is free for a day.", publisher: "", author: "", date: "" },
          memberPermissions: MOD,
        } as never),
        click(confirm.id, `corpus:remove:${docId("Berth 4")}`),
        slash("corpus", "reindex", {}),
        slash("corpus", "list", {}, "alice", MEMBER),
        slash("ask", undefined, { question: "How old is Antonov?" }, "alice", MEMBER),
      ];
      // Each first response arrives inside the window although the store is still busy.
      const types = await Promise.all(handles.map(async (h) => (await h.response).type));
      expect(types).toEqual([5, 5, 5, 6, 5, 4, 5]);
      // And the work completes once the disk catches up.
      const done = await Promise.all(
        handles
          .slice(0, 5)
          .map((h) => h.waitForReply({ timeoutMs: 60_000, until: (m) => !/^Remove /.test(m.content) })),
      );
      expect(done[1]?.content).toMatch(/Added/);
      expect(done[3]?.content).toMatch(/Removed/);
    } finally {
      for (const [name, original] of originals) Object.assign(store, { [name]: original });
    }
  }, 90_000);
});
